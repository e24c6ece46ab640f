"""QBittorrentClient against the simulated qBittorrent (and a few servers that are not qBittorrent)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
import json
import logging
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from custom_components.media_request_tracker.sources.errors import (
    CannotConnect,
    InvalidAuth,
    UnexpectedResponse,
)
from custom_components.media_request_tracker.sources.qbittorrent.client import (
    QBittorrentClient,
    TorrentPhase,
    _parse_maindata,
    autorun_command,
    autorun_download_ids,
    classify_state,
)
from simulator.base import SimulatedService
from simulator.qbittorrent import SimulatedQBittorrent

V1 = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
V1_B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
V1_C = "cccccccccccccccccccccccccccccccccccccccc"
HYBRID_V1 = "b2b67549e93aeea448816634809fb2ff478b949c"
HYBRID_V2 = "d900943b271c56050201caf59ecda9005f64dc7ba94bf53a2bf36f64f5f458d4"
VERSIONS = ["4.6.7", "5.1.2", "5.2.0"]

# The Home Assistant test plugin blocks sockets; these tests talk to servers on loopback.
pytestmark = pytest.mark.usefixtures("socket_enabled")


def row(torrent_hash: str, **fields: Any) -> dict[str, Any]:
    """A torrents/info row for a finished v1 torrent, with `fields` on top."""
    return {
        "hash": torrent_hash,
        "infohash_v1": torrent_hash,
        "name": f"Movie {torrent_hash[:4]}",
        "state": "stalledUP",
        "progress": 1,
        "size": 1000,
        "total_size": 1000,
        "category": "radarr",
        "completion_on": 1700000000,
        "added_on": 1699990000,
        **fields,
    }


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture
async def start_qbit() -> AsyncIterator[Callable[..., Awaitable[SimulatedQBittorrent]]]:
    """Start simulated qBittorrents (any options) and stop them after the test."""
    started: list[SimulatedQBittorrent] = []

    async def start(**options: Any) -> SimulatedQBittorrent:
        service = SimulatedQBittorrent(**options)
        await service.start()
        started.append(service)
        return service

    yield start
    for service in started:
        await service.stop()


@pytest.fixture
async def qbit(start_qbit: Callable[..., Awaitable[SimulatedQBittorrent]]) -> SimulatedQBittorrent:
    return await start_qbit()


def client_for(
    session: aiohttp.ClientSession, service: SimulatedQBittorrent, *, host: str = "127.0.0.1", **kw: str
) -> QBittorrentClient:
    credentials = {"username": service.username, "password": service.password, **kw}
    return QBittorrentClient(session, f"http://{host}:{service.port}", **credentials)


# Login, versions and sessions


@pytest.mark.parametrize("version", VERSIONS)
async def test_login_and_versions(
    session: aiohttp.ClientSession,
    start_qbit: Callable[..., Awaitable[SimulatedQBittorrent]],
    version: str,
) -> None:
    service = await start_qbit(version=version)
    client = client_for(session, service)

    await client.login()

    assert await client.app_version() == f"v{version}"
    assert await client.web_api_version() == service.web_api_version
    assert service.login_count == 1


@pytest.mark.parametrize("version", VERSIONS)
async def test_wrong_password_is_invalid_auth(
    session: aiohttp.ClientSession,
    start_qbit: Callable[..., Awaitable[SimulatedQBittorrent]],
    version: str,
) -> None:
    service = await start_qbit(version=version)
    client = client_for(session, service, password="wrong")

    with pytest.raises(InvalidAuth):
        await client.login()
    with pytest.raises(InvalidAuth):
        await client.sync()
    assert service.login_count == 0


async def test_banned_address_is_invalid_auth(session: aiohttp.ClientSession, qbit: SimulatedQBittorrent) -> None:
    qbit.banned = True

    with pytest.raises(InvalidAuth, match="banned"):
        await client_for(session, qbit).login()


async def test_first_call_logs_in_by_itself(session: aiohttp.ClientSession, qbit: SimulatedQBittorrent) -> None:
    client = client_for(session, qbit)

    assert await client.app_version() == f"v{qbit.version}"
    assert qbit.login_count == 1


async def test_expired_session_logs_in_again_and_retries(
    session: aiohttp.ClientSession, qbit: SimulatedQBittorrent
) -> None:
    qbit.set_torrents([row(V1)])
    client = client_for(session, qbit)
    await client.sync()
    assert (await client.sync()).full_update is False

    qbit.expire_sessions()
    delta = await client.sync()

    assert qbit.login_count == 2
    # Sync history lives in the server's session, so the new session starts with a full update.
    assert delta.full_update is True
    assert set(client.torrents) == {V1}


async def test_concurrent_calls_on_an_expired_session_log_in_once(
    session: aiohttp.ClientSession, qbit: SimulatedQBittorrent
) -> None:
    client = client_for(session, qbit)
    await client.login()
    qbit.expire_sessions()

    versions = await asyncio.gather(client.app_version(), client.web_api_version(), client.app_version())

    assert versions == [f"v{qbit.version}", qbit.web_api_version, f"v{qbit.version}"]
    assert qbit.login_count == 2


class AlwaysForbidden(SimulatedService):
    """Accepts every login but refuses every API call, as a WebUI behind a misconfigured proxy might."""

    def __init__(self) -> None:
        self.logins = 0
        super().__init__()

    def setup_routes(self, router: web.UrlDispatcher) -> None:
        router.add_post("/api/v2/auth/login", self.login)
        router.add_get("/api/v2/app/version", self.forbidden)

    async def login(self, request: web.Request) -> web.Response:
        self.logins += 1
        response = web.Response(text="Ok.")
        response.set_cookie("SID", f"session{self.logins}")
        return response

    async def forbidden(self, request: web.Request) -> web.Response:
        raise web.HTTPForbidden(text="Forbidden")


async def test_still_forbidden_after_one_relogin_is_invalid_auth(session: aiohttp.ClientSession) -> None:
    service = AlwaysForbidden()
    await service.start()
    try:
        client = QBittorrentClient(session, service.url, "admin", "adminadmin")
        with pytest.raises(InvalidAuth):
            await client.app_version()
        assert service.logins == 2
    finally:
        await service.stop()


async def test_two_qbittorrents_on_one_host_keep_their_own_sessions(
    session: aiohttp.ClientSession, start_qbit: Callable[..., Awaitable[SimulatedQBittorrent]]
) -> None:
    # With a host name the shared jar stores both SID cookies under one key (cookies ignore ports), so
    # whichever logged in last would be sent to both; each client must keep sending its own.
    first, second = await start_qbit(), await start_qbit()
    first.set_torrents([row(V1)])
    second.set_torrents([row(V1_B)])
    client_one = client_for(session, first, host="localhost")
    client_two = client_for(session, second, host="localhost")

    for _ in range(3):
        await client_one.sync()
        await client_two.sync()

    assert set(client_one.torrents) == {V1}
    assert set(client_two.torrents) == {V1_B}
    assert (first.login_count, second.login_count) == (1, 1)
    assert len(session.cookie_jar) > 0  # the jar did hold the cookies this test is about


@pytest.mark.parametrize("cookie_name", [None, "QBT_CUSTOM"])
async def test_login_does_not_reuse_a_session_left_in_the_shared_jar(
    session: aiohttp.ClientSession,
    start_qbit: Callable[..., Awaitable[SimulatedQBittorrent]],
    cookie_name: str | None,
) -> None:
    # A config flow's client logs in, then the runtime client does, through the same shared session.
    service = await start_qbit(cookie_name=cookie_name)
    await client_for(session, service, host="localhost").login()
    runtime = client_for(session, service, host="localhost")

    await runtime.login()

    assert service.login_count == 2
    assert service.session_count == 2
    assert await runtime.app_version() == f"v{service.version}"


async def test_password_and_cookie_never_logged(
    session: aiohttp.ClientSession, qbit: SimulatedQBittorrent, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    qbit.password = "s3cret-pass"
    client = client_for(session, qbit)
    await client.sync()
    qbit.expire_sessions()
    await client.sync()

    sids = set(client._cookies.values())
    assert sids
    assert "s3cret-pass" not in caplog.text
    assert not any(sid in caplog.text for sid in sids)
    assert "logging in again" in caplog.text


# Servers that are not qBittorrent


class NotQBittorrent(SimulatedService):
    """Answers every path with the same status and body."""

    def __init__(self, status: int, body: str, content_type: str = "text/html") -> None:
        self.status, self.body, self.content_type = status, body, content_type
        super().__init__()

    def setup_routes(self, router: web.UrlDispatcher) -> None:
        router.add_route("*", "/{tail:.*}", self.answer)

    async def answer(self, request: web.Request) -> web.Response:
        return web.Response(status=self.status, text=self.body, content_type=self.content_type)


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (404, "<html><body>Not Found</body></html>"),
        (200, "<!doctype html><html><body>Radarr</body></html>"),
        (302, ""),
        (500, "Internal Server Error"),
    ],
)
async def test_a_server_that_is_not_qbittorrent_is_unexpected(
    session: aiohttp.ClientSession, status: int, body: str
) -> None:
    service = NotQBittorrent(status, body)
    await service.start()
    try:
        with pytest.raises(UnexpectedResponse):
            await QBittorrentClient(session, service.url, "admin", "adminadmin").login()
    finally:
        await service.stop()


class LoginOnly(SimulatedService):
    """Logs in like qBittorrent but serves an HTML page everywhere else."""

    def setup_routes(self, router: web.UrlDispatcher) -> None:
        router.add_post("/api/v2/auth/login", self.login)
        router.add_route("*", "/{tail:.*}", self.page)

    async def login(self, request: web.Request) -> web.Response:
        response = web.Response(text="Ok.")
        response.set_cookie("SID", "abc")
        return response

    async def page(self, request: web.Request) -> web.Response:
        return web.Response(text="<html>login page</html>", content_type="text/html")


async def test_api_answers_that_are_not_json_or_versions_are_unexpected(session: aiohttp.ClientSession) -> None:
    service = LoginOnly()
    await service.start()
    try:
        client = QBittorrentClient(session, service.url, "admin", "adminadmin")
        with pytest.raises(UnexpectedResponse, match="not JSON"):
            await client.sync()
        with pytest.raises(UnexpectedResponse, match="not a version"):
            await client.app_version()
    finally:
        await service.stop()


async def test_login_without_a_session_cookie_is_unexpected(session: aiohttp.ClientSession) -> None:
    service = NotQBittorrent(200, "Ok.", "text/plain")
    await service.start()
    try:
        with pytest.raises(UnexpectedResponse, match="no session cookie"):
            await QBittorrentClient(session, service.url, "admin", "adminadmin").login()
    finally:
        await service.stop()


async def test_refused_connection_is_cannot_connect(session: aiohttp.ClientSession, qbit: SimulatedQBittorrent) -> None:
    client = client_for(session, qbit)
    await client.sync()
    await qbit.down()

    with pytest.raises(CannotConnect):
        await client.sync()
    with pytest.raises(CannotConnect):
        await client_for(session, qbit).login()

    await qbit.up()
    assert (await client.sync()).rid > 0


async def test_a_reverse_proxy_sub_path_is_kept(session: aiohttp.ClientSession) -> None:
    seen: list[str] = []

    class UnderSubPath(SimulatedService):
        def setup_routes(self, router: web.UrlDispatcher) -> None:
            router.add_route("*", "/{tail:.*}", self.answer)

        async def answer(self, request: web.Request) -> web.Response:
            seen.append(request.path)
            raise web.HTTPNotFound

    service = UnderSubPath()
    await service.start()
    try:
        with pytest.raises(UnexpectedResponse):
            await QBittorrentClient(session, f"{service.url}/qbittorrent/", "admin", "x").login()
    finally:
        await service.stop()
    assert seen == ["/qbittorrent/api/v2/auth/login"]


# sync/maindata


async def test_first_sync_is_a_full_update(session: aiohttp.ClientSession, qbit: SimulatedQBittorrent) -> None:
    qbit.set_torrents([row(V1), row(V1_B, state="downloading", progress=0.25, category="tv-sonarr")])
    client = client_for(session, qbit)

    delta = await client.sync()

    assert delta.full_update is True
    assert delta.changed == {V1, V1_B}
    assert delta.removed == frozenset()
    assert client.rid == delta.rid > 0
    downloading = client.torrents[V1_B]
    assert (downloading.phase, downloading.progress, downloading.category) == (
        TorrentPhase.DOWNLOADING,
        0.25,
        "tv-sonarr",
    )
    assert delta.response_bytes == client.last_response_bytes > 0


async def test_idle_poll_is_just_the_rid(session: aiohttp.ClientSession, qbit: SimulatedQBittorrent) -> None:
    qbit.set_torrents([row(V1), row(V1_B)])
    client = client_for(session, qbit)
    await client.sync()

    delta = await client.sync()

    assert delta.is_empty
    assert delta.full_update is False
    assert delta.response_bytes == len(json.dumps({"rid": delta.rid}, separators=(",", ":")))
    assert set(client.torrents) == {V1, V1_B}


async def test_delta_carries_only_changed_fields_and_merges_them(
    session: aiohttp.ClientSession, qbit: SimulatedQBittorrent
) -> None:
    qbit.set_torrents([row(V1, state="downloading", progress=0.1, dlspeed=5000, eta=600), row(V1_B)])
    client = client_for(session, qbit)
    await client.sync()

    qbit.update_torrent(V1, progress=0.5, eta=300)
    delta = await client.sync()

    assert delta.changed == {V1}
    assert delta.changed_fields[V1] == {"progress", "eta"}
    torrent = client.torrents[V1]
    assert (torrent.progress, torrent.eta, torrent.dlspeed, torrent.name) == (0.5, 300, 5000, f"Movie {V1[:4]}")


async def test_new_and_removed_torrents(session: aiohttp.ClientSession, qbit: SimulatedQBittorrent) -> None:
    qbit.set_torrents([row(V1), row(V1_B)])
    client = client_for(session, qbit)
    await client.sync()

    qbit.set_torrents([row(V1), row(V1_C, category="tv-sonarr")])
    delta = await client.sync()

    assert delta.full_update is False
    assert delta.removed == {V1_B}
    assert delta.changed == {V1_C}
    assert {"name", "state", "category", "infohash_v1"} <= delta.changed_fields[V1_C]
    assert set(client.torrents) == {V1, V1_C}
    assert client.torrent_by_download_id(V1_B.upper()) is None
    assert client.torrent_by_download_id(V1_C.upper()) == client.torrents[V1_C]


async def test_unknown_rid_gets_a_full_update_that_rebuilds_the_view(
    session: aiohttp.ClientSession, qbit: SimulatedQBittorrent
) -> None:
    qbit.set_torrents([row(V1), row(V1_B)])
    client = client_for(session, qbit)
    await client.sync()
    old_rid = client.rid

    qbit.set_torrents([row(V1_B, category="changed"), row(V1_C)])
    qbit.forget_sync_state()
    delta = await client.sync()

    assert delta.full_update is True
    assert delta.rid != old_rid
    assert delta.removed == {V1}
    assert delta.changed == {V1_B, V1_C}
    assert set(client.torrents) == {V1_B, V1_C}
    assert client.torrents[V1_B].category == "changed"
    assert client.torrent_by_download_id(V1) is None


async def test_full_update_drops_fields_the_cache_had(session: aiohttp.ClientSession) -> None:
    client = QBittorrentClient(session, "http://127.0.0.1:9", "u", "p")
    client._apply(_parse_maindata({"rid": 1, "full_update": True, "torrents": {V1: {"category": "radarr"}}}), 0)

    client._apply(_parse_maindata({"rid": 2, "full_update": True, "torrents": {V1: {"name": "n"}}}), 0)

    assert client.torrents[V1].category == ""
    assert client._fields[V1] == {"name": "n"}


async def test_a_malformed_answer_leaves_the_view_untouched(session: aiohttp.ClientSession) -> None:
    client = QBittorrentClient(session, "http://127.0.0.1:9", "u", "p")
    client._apply(_parse_maindata({"rid": 1, "full_update": True, "torrents": {V1: row(V1)}}), 0)

    for payload in ({"rid": "3"}, {"rid": 4, "torrents": ["not", "a", "map"]}, ["not", "an", "object"]):
        with pytest.raises(UnexpectedResponse):
            _parse_maindata(payload)

    assert set(client.torrents) == {V1}


async def test_odd_entries_of_an_answer_are_skipped(session: aiohttp.ClientSession) -> None:
    client = QBittorrentClient(session, "http://127.0.0.1:9", "u", "p")
    client._apply(_parse_maindata({"rid": 1, "full_update": True, "torrents": {V1: row(V1)}}), 0)

    payload = {"rid": 2, "torrents": {V1_B: {"name": "x"}, V1_C: "not an object"}, "torrents_removed": [V1, 5]}
    client._apply(_parse_maindata(payload, client.skipped), 0)

    assert set(client.torrents) == {V1_B}
    assert client.skipped == {"torrents": 1, "torrents_removed": 1}


async def test_torrents_info_matches_the_synced_view(
    session: aiohttp.ClientSession, qbit: SimulatedQBittorrent
) -> None:
    qbit.set_torrents([row(V1), row(V1_B, category="tv-sonarr"), row(V1_C)])
    client = client_for(session, qbit)
    await client.sync()

    everything = await client.torrents_info()
    sonarr = await client.torrents_info(category="tv-sonarr")
    two = await client.torrents_info(hashes=f"{V1}|{V1_C.upper()}")

    assert {torrent.hash: torrent for torrent in everything} == dict(client.torrents)
    assert [torrent.hash for torrent in sonarr] == [V1_B]
    assert {torrent.hash for torrent in two} == {V1, V1_C}


# Torrent fields and states


@pytest.mark.parametrize(
    ("version", "given", "reported", "phase"),
    [
        ("4.6.7", "stoppedDL", "pausedDL", TorrentPhase.PAUSED),
        ("4.6.7", "pausedUP", "pausedUP", TorrentPhase.COMPLETED),
        ("5.1.2", "pausedDL", "stoppedDL", TorrentPhase.PAUSED),
        ("5.1.2", "pausedUP", "stoppedUP", TorrentPhase.COMPLETED),
    ],
)
async def test_state_names_of_v4_and_v5(
    session: aiohttp.ClientSession,
    start_qbit: Callable[..., Awaitable[SimulatedQBittorrent]],
    *,
    version: str,
    given: str,
    reported: str,
    phase: TorrentPhase,
) -> None:
    service = await start_qbit(version=version)
    service.set_torrents([row(V1, state=given)])
    client = client_for(session, service)

    await client.sync()

    assert client.torrents[V1].state == reported
    assert client.torrents[V1].phase is phase


@pytest.mark.parametrize(
    ("state", "phase"),
    [
        ("metaDL", TorrentPhase.METADATA),
        ("forcedMetaDL", TorrentPhase.METADATA),
        ("queuedDL", TorrentPhase.QUEUED),
        ("downloading", TorrentPhase.DOWNLOADING),
        ("forcedDL", TorrentPhase.DOWNLOADING),
        ("stalledDL", TorrentPhase.STALLED),
        ("pausedDL", TorrentPhase.PAUSED),
        ("stoppedDL", TorrentPhase.PAUSED),
        ("checkingDL", TorrentPhase.CHECKING),
        ("checkingUP", TorrentPhase.CHECKING),
        ("checkingResumeData", TorrentPhase.CHECKING),
        ("allocating", TorrentPhase.CHECKING),
        ("moving", TorrentPhase.CHECKING),
        ("uploading", TorrentPhase.COMPLETED),
        ("forcedUP", TorrentPhase.COMPLETED),
        ("stalledUP", TorrentPhase.COMPLETED),
        ("queuedUP", TorrentPhase.COMPLETED),
        ("pausedUP", TorrentPhase.COMPLETED),
        ("stoppedUP", TorrentPhase.COMPLETED),
        ("error", TorrentPhase.ERROR),
        ("missingFiles", TorrentPhase.ERROR),
        ("unknown", TorrentPhase.UNKNOWN),
        ("somethingNew", TorrentPhase.UNKNOWN),
    ],
)
def test_classify_state(state: str, phase: TorrentPhase) -> None:
    assert classify_state(state) is phase


async def test_metadata_torrent_without_size_then_with_metadata(
    session: aiohttp.ClientSession, qbit: SimulatedQBittorrent
) -> None:
    magnet = row(V1, name=V1, state="metaDL", progress=0, size=0, total_size=0, eta=8640000, completion_on=0)
    qbit.set_torrents([magnet])
    client = client_for(session, qbit)
    await client.sync()
    fetching = client.torrents[V1]
    assert (fetching.phase, fetching.size, fetching.progress, fetching.eta) == (TorrentPhase.METADATA, 0, 0.0, None)
    assert fetching.completion_on is None

    qbit.update_torrent(V1, name="Movie.2024.mkv", state="downloading", size=5000, total_size=5000, eta=90)
    await client.sync()

    downloading = client.torrents[V1]
    assert (downloading.phase, downloading.size, downloading.eta) == (TorrentPhase.DOWNLOADING, 5000, 90)
    assert downloading.name == "Movie.2024.mkv"


@pytest.mark.parametrize(("eta", "expected"), [(8640000, None), (-1, None), (0, 0), (120, 120)])
async def test_eta_sentinels(
    session: aiohttp.ClientSession, qbit: SimulatedQBittorrent, eta: int, expected: int | None
) -> None:
    qbit.set_torrents([row(V1, eta=eta, completion_on=-1)])
    client = client_for(session, qbit)

    await client.sync()

    assert client.torrents[V1].eta == expected
    assert client.torrents[V1].completion_on is None


async def test_tags_are_split(session: aiohttp.ClientSession, qbit: SimulatedQBittorrent) -> None:
    qbit.set_torrents([row(V1, tags="4k, anime,,requested"), row(V1_B, tags="")])
    client = client_for(session, qbit)

    await client.sync()

    assert client.torrents[V1].tags == ("4k", "anime", "requested")
    assert client.torrents[V1_B].tags == ()


async def test_hybrid_torrent_is_found_by_its_v1_download_id(
    session: aiohttp.ClientSession, qbit: SimulatedQBittorrent
) -> None:
    torrent_id = HYBRID_V2[:40]
    qbit.set_torrents([row(torrent_id, infohash_v1=HYBRID_V1, infohash_v2=HYBRID_V2)])
    client = client_for(session, qbit)

    await client.sync()

    torrent = client.torrents[torrent_id]
    assert torrent.hash != HYBRID_V1
    assert torrent.download_ids() == {torrent_id, HYBRID_V1}
    assert client.torrent_by_download_id(HYBRID_V1.upper()) == torrent
    assert client.torrent_by_download_id(HYBRID_V2) is None
    assert HYBRID_V1 in (await client.torrents_info(hashes=torrent_id))[0].download_ids()


async def test_v2_only_torrent_ids(session: aiohttp.ClientSession, qbit: SimulatedQBittorrent) -> None:
    torrent_id = HYBRID_V2[:40]
    qbit.set_torrents([row(torrent_id, infohash_v1="", infohash_v2=HYBRID_V2)])
    client = client_for(session, qbit)

    await client.sync()

    assert client.torrents[torrent_id].download_ids() == {torrent_id}


# Autorun ("Run external program on torrent finished")


def split_like_qbittorrent(command: str) -> list[str]:
    """qBittorrent >= 4.5 on Linux/macOS: `Utils::String::splitCommand`, then strip one pair of outer quotes."""
    args: list[str] = []
    current, in_quotes = "", False
    for char in command:
        if char == " " and not in_quotes:
            if current:
                args.append(current)
            current = ""
            continue
        if char == '"':
            in_quotes = not in_quotes
        current += char
    if current:
        args.append(current)
    return [arg[1:-1] if len(arg) >= 2 and arg[0] == arg[-1] == '"' else arg for arg in args]


def substitute_like_qbittorrent(arg: str, values: dict[str, str]) -> str:
    """`replaceVariables`: right to left, so text put in is never substituted again."""
    index = len(arg) - 2
    while index >= 0:
        if arg[index] == "%" and arg[index + 1] in values:
            arg = arg[:index] + values[arg[index + 1]] + arg[index + 2 :]
            index -= 1
        index -= 1
    return arg


def test_autorun_command_gives_curl_one_json_argument() -> None:
    url = "http://homeassistant.local:8123/api/webhook/abc123"
    values = {"K": V1, "I": V1, "J": "-", "N": 'My Movie (2024) 100%L "cut', "L": "radarr"}

    argv = [substitute_like_qbittorrent(arg, values) for arg in split_like_qbittorrent(autorun_command(url))]

    assert argv[0] == "curl"
    assert argv[-1] == url
    assert argv[argv.index("-H") + 1] == "Content-Type: application/json"
    body = argv[argv.index("--data-raw") + 1]
    # The name's own double quote breaks the JSON (qBittorrent cannot escape it); everything else is intact.
    assert body.startswith('{"id":"' + V1 + '","infohash_v1":"' + V1 + '","infohash_v2":"-",')
    assert '"name":"My Movie (2024) 100%L "cut","category":"radarr"}' in body


def test_autorun_body_with_an_ordinary_name_is_valid_json() -> None:
    values = {"K": HYBRID_V2[:40], "I": HYBRID_V1, "J": HYBRID_V2, "N": "Show S01 (1080p) [x265]", "L": "tv-sonarr"}
    args = split_like_qbittorrent(autorun_command("http://ha:8123/api/webhook/id"))
    body = json.loads(substitute_like_qbittorrent(args[args.index("--data-raw") + 1], values))

    assert body == {
        "id": HYBRID_V2[:40],
        "infohash_v1": HYBRID_V1,
        "infohash_v2": HYBRID_V2,
        "name": "Show S01 (1080p) [x265]",
        "category": "tv-sonarr",
    }
    assert autorun_download_ids(body) == {HYBRID_V2[:40], HYBRID_V1}
    assert autorun_download_ids({"id": V1, "infohash_v1": V1.upper(), "infohash_v2": "-"}) == {V1}


@pytest.mark.parametrize("url", ["", "http://ha/api/webhook/a b", 'http://ha/"x', "http://ha/%C3%A9"])
def test_autorun_command_refuses_urls_it_cannot_pass(url: str) -> None:
    with pytest.raises(ValueError, match="webhook URL"):
        autorun_command(url)
