"""ArrClient against simulated Radarr and Sonarr over loopback, including the webhook connection they test."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from custom_components.media_request_tracker.sources.arr.client import (
    WEBHOOK_EVENTS,
    ArrClient,
    ArrKind,
)
from custom_components.media_request_tracker.sources.errors import (
    CannotConnect,
    InvalidAuth,
    UnexpectedResponse,
    WebhookUnreachable,
)
from simulator import payloads
from simulator.arr import PRIVATE_VALUE, SimulatedArr, history_record, queue_record
from simulator.seerr import SimulatedSeerr
from tests.sources.fake_servers import WEBHOOK_ID, RepeatingPageServer, StaticServer, WebhookReceiver

pytestmark = pytest.mark.usefixtures("socket_enabled")

API_KEY = "arr-test-key-9f86d081884c7d65"
HOOK_NAME = "Home Assistant media tracker"
HOOK_USER = "tracker"
HOOK_PASSWORD = "pw-6b86b273ff34fce1"


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    server = WebhookReceiver()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture(params=["radarr", "sonarr"])
async def arr(request: pytest.FixtureRequest) -> AsyncIterator[SimulatedArr]:
    server = SimulatedArr(request.param, API_KEY)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def client(session: aiohttp.ClientSession, arr: SimulatedArr) -> ArrClient:
    return ArrClient(session, arr.url, API_KEY, arr.kind)


def basic_auth(received_header: str) -> tuple[str, str]:
    scheme, _, token = received_header.partition(" ")
    assert scheme == "Basic"
    user, _, password = base64.b64decode(token).decode().partition(":")
    return user, password


def movie(movie_id: int = 7) -> dict[str, Any]:
    return payloads.radarr_movie(movie_id=movie_id, title="The Quiet Harbor", year=2021, tmdb_id=700_007)


def series() -> dict[str, Any]:
    return payloads.sonarr_series(series_id=3, title="Northern Lines", year=2019, tvdb_id=812_345, tmdb_id=55)


# --- server check and credentials --------------------------------------------------------------------------


async def test_system_status(client: ArrClient, arr: SimulatedArr) -> None:
    status = await client.system_status()
    assert status.app_name == arr.app_name
    assert status.instance_name == arr.app_name
    assert status.version


@pytest.mark.parametrize(("actual", "configured"), [("sonarr", "radarr"), ("radarr", "sonarr")])
async def test_wrong_kind_of_server(session: aiohttp.ClientSession, actual: ArrKind, configured: ArrKind) -> None:
    server = SimulatedArr(actual, API_KEY)
    await server.start()
    try:
        with pytest.raises(UnexpectedResponse) as caught:
            await ArrClient(session, server.url, API_KEY, configured).system_status()
    finally:
        await server.stop()
    assert str(caught.value) == f"the server is {actual.capitalize()}, not {configured.capitalize()}"


async def test_wrong_key(session: aiohttp.ClientSession, arr: SimulatedArr) -> None:
    wrong = ArrClient(session, arr.url, "wrong-key-1234567890", arr.kind)
    with pytest.raises(InvalidAuth) as caught:
        await wrong.system_status()
    assert "wrong-key-1234567890" not in str(caught.value)
    with pytest.raises(InvalidAuth):
        await wrong.ensure_webhook(HOOK_NAME, "http://127.0.0.1:1/hook", "", "")


async def test_refused_connection(client: ArrClient, arr: SimulatedArr) -> None:
    await arr.down()
    with pytest.raises(CannotConnect):
        await client.system_status()
    with pytest.raises(CannotConnect):
        await client.ensure_webhook(HOOK_NAME, "http://127.0.0.1:1/hook", "", "")


async def test_a_seerr_url_is_not_an_arr(session: aiohttp.ClientSession) -> None:
    server = SimulatedSeerr()
    await server.start()
    try:
        with pytest.raises(UnexpectedResponse):
            await ArrClient(session, server.url, API_KEY, "radarr").system_status()
    finally:
        await server.stop()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [("<html>login</html>", "text/html"), ('{"version": "1"}', "application/json"), ("not json", "application/json")],
    ids=["web-page", "json-without-app-name", "broken-json"],
)
async def test_non_arr_answers(session: aiohttp.ClientSession, body: str, content_type: str) -> None:
    server = StaticServer(body, content_type=content_type)
    await server.start()
    try:
        with pytest.raises(UnexpectedResponse):
            await ArrClient(session, server.url, API_KEY, "sonarr").system_status()
    finally:
        await server.stop()


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="lidarr"):
        ArrClient(None, "http://127.0.0.1:1", API_KEY, "lidarr")  # type: ignore[arg-type]


# --- the webhook connection --------------------------------------------------------------------------------


async def test_ensure_webhook_creates_a_tested_connection(
    client: ArrClient, arr: SimulatedArr, receiver: WebhookReceiver
) -> None:
    url = receiver.hook_url()
    setup = await client.ensure_webhook(HOOK_NAME, url, HOOK_USER, HOOK_PASSWORD)
    assert setup.created
    assert setup.removed_ids == ()
    # The server tested the URL with a Test event and the connection's basic auth.
    (test_event,) = receiver.received
    assert test_event.method == "POST"
    assert test_event.path == f"/api/webhook/{WEBHOOK_ID}"
    assert test_event.json()["eventType"] == "Test"
    assert basic_auth(test_event.headers["Authorization"]) == (HOOK_USER, HOOK_PASSWORD)
    (notification,) = await client.notifications()
    assert notification.id == setup.id
    assert (notification.name, notification.implementation) == (HOOK_NAME, "Webhook")
    assert (notification.url, notification.username) == (url, HOOK_USER)
    assert {key: notification.events[key] for key in WEBHOOK_EVENTS[arr.kind] if key.startswith("on")} == {
        key: value for key, value in WEBHOOK_EVENTS[arr.kind].items() if key.startswith("on")
    }
    # The server never gives the password back.
    assert PRIVATE_VALUE in str(notification.raw)
    assert HOOK_PASSWORD not in str(notification.raw)


async def test_events_the_tracker_needs(client: ArrClient, arr: SimulatedArr, receiver: WebhookReceiver) -> None:
    await client.ensure_webhook(HOOK_NAME, receiver.hook_url(), "", "")
    (notification,) = await client.notifications()
    common = ("onGrab", "onDownload", "onUpgrade", "onHealthIssue", "onManualInteractionRequired")
    kind_specific = (
        ("onMovieAdded", "onMovieDelete", "onMovieFileDelete")
        if arr.kind == "radarr"
        else ("onImportComplete", "onSeriesAdd", "onSeriesDelete", "onEpisodeFileDelete")
    )
    assert all(notification.events[flag] for flag in common + kind_specific)
    assert not notification.events["onRename"]
    assert _field(notification.raw, "method") == 1  # POST


def _field(resource: Any, name: str) -> Any:
    return next(entry["value"] for entry in resource["fields"] if entry["name"] == name)


async def test_ensure_webhook_is_idempotent(client: ArrClient, arr: SimulatedArr, receiver: WebhookReceiver) -> None:
    url = receiver.hook_url()
    first = await client.ensure_webhook(HOOK_NAME, url, HOOK_USER, HOOK_PASSWORD)
    second = await client.ensure_webhook(HOOK_NAME, url, HOOK_USER, HOOK_PASSWORD)
    assert not second.created
    assert second.id == first.id
    assert len(arr.notifications) == 1
    # Nothing changed, so the server did not test (or re-save) it a second time.
    assert len(receiver.received) == 1


async def test_changed_url_updates_in_place(client: ArrClient, arr: SimulatedArr, receiver: WebhookReceiver) -> None:
    first = await client.ensure_webhook(HOOK_NAME, receiver.hook_url("old-id-0000"), HOOK_USER, HOOK_PASSWORD)
    second = await client.ensure_webhook(HOOK_NAME, receiver.hook_url("new-id-1111"), HOOK_USER, "new-password-22")
    assert not second.created
    assert second.id == first.id
    (notification,) = await client.notifications()
    assert notification.url == receiver.hook_url("new-id-1111")
    assert [item.path for item in receiver.received] == ["/api/webhook/old-id-0000", "/api/webhook/new-id-1111"]
    assert basic_auth(receiver.received[-1].headers["Authorization"]) == (HOOK_USER, "new-password-22")
    assert _field(arr.notifications[first.id], "password") == "new-password-22"


async def test_connection_found_by_url_is_renamed_and_duplicates_removed(
    session: aiohttp.ClientSession, client: ArrClient, arr: SimulatedArr, receiver: WebhookReceiver
) -> None:
    url = receiver.hook_url()
    kept_fields = [{"name": "url", "value": url}, {"name": "headers", "value": [{"key": "X-Extra", "value": "1"}]}]
    by_url = await _force_create(session, arr, "Old name", kept_fields, tags=[4])
    by_name = await _force_create(session, arr, HOOK_NAME, [{"name": "url", "value": "http://127.0.0.1:1/gone"}])
    setup = await client.ensure_webhook(HOOK_NAME, url, "", "")
    assert setup.id == by_name
    assert setup.removed_ids == (by_url,)
    assert list(arr.notifications) == [by_name]
    only = arr.notifications[by_name]
    assert _field(only, "url") == url


async def test_update_keeps_user_additions(
    session: aiohttp.ClientSession, client: ArrClient, arr: SimulatedArr, receiver: WebhookReceiver
) -> None:
    url = receiver.hook_url()
    fields = [{"name": "url", "value": url}, {"name": "headers", "value": [{"key": "X-Extra", "value": "1"}]}]
    existing = await _force_create(session, arr, "Old name", fields, tags=[4])
    setup = await client.ensure_webhook(HOOK_NAME, url, HOOK_USER, HOOK_PASSWORD)
    assert setup.id == existing
    assert not setup.created
    stored = arr.notifications[existing]
    assert stored["name"] == HOOK_NAME
    assert stored["tags"] == [4]
    assert _field(stored, "headers") == [{"key": "X-Extra", "value": "1"}]
    assert _field(stored, "username") == HOOK_USER


async def _force_create(
    session: aiohttp.ClientSession,
    arr: SimulatedArr,
    name: str,
    fields: list[dict[str, Any]],
    tags: list[int] | None = None,
) -> int:
    """Create a connection the way a user might, skipping the server's test."""
    resource = {
        "name": name,
        "implementation": "Webhook",
        "configContract": "WebhookSettings",
        "fields": fields,
        "tags": tags or [],
        "onGrab": True,
    }
    async with session.post(
        f"{arr.url}/api/v3/notification?forceSave=true", json=resource, headers={"X-Api-Key": API_KEY}
    ) as response:
        assert response.status == 201
        return int((await response.json())["id"])


async def test_unreachable_webhook(client: ArrClient, arr: SimulatedArr, receiver: WebhookReceiver) -> None:
    url = receiver.hook_url()
    await receiver.down()
    with pytest.raises(WebhookUnreachable) as caught:
        await client.ensure_webhook(HOOK_NAME, url, HOOK_USER, HOOK_PASSWORD)
    message = str(caught.value)
    assert "Connection refused" in caught.value.server_message
    assert WEBHOOK_ID not in message
    assert HOOK_PASSWORD not in message
    assert arr.notifications == {}


async def test_webhook_answering_an_error(client: ArrClient, arr: SimulatedArr, receiver: WebhookReceiver) -> None:
    receiver.status = 404
    with pytest.raises(WebhookUnreachable) as caught:
        await client.ensure_webhook(HOOK_NAME, receiver.hook_url(), HOOK_USER, HOOK_PASSWORD)
    assert "[404:NotFound]" in caught.value.server_message
    assert "Unable to send test message" in caught.value.server_message
    assert WEBHOOK_ID not in str(caught.value)
    assert arr.notifications == {}


async def test_unreachable_on_update_keeps_the_old_connection(
    client: ArrClient, arr: SimulatedArr, receiver: WebhookReceiver
) -> None:
    first = await client.ensure_webhook(HOOK_NAME, receiver.hook_url(), "", "")
    with pytest.raises(WebhookUnreachable):
        await client.ensure_webhook(HOOK_NAME, "http://127.0.0.1:1/api/webhook/elsewhere", "", "")
    assert _field(arr.notifications[first.id], "url") == receiver.hook_url()


async def test_test_webhook_later(client: ArrClient, arr: SimulatedArr, receiver: WebhookReceiver) -> None:
    setup = await client.ensure_webhook(HOOK_NAME, receiver.hook_url(), HOOK_USER, HOOK_PASSWORD)
    await client.test_webhook(setup.id)
    assert [item.json()["eventType"] for item in receiver.received] == ["Test", "Test"]
    # The stored password is used, not the mask the server hands out.
    assert basic_auth(receiver.received[-1].headers["Authorization"]) == (HOOK_USER, HOOK_PASSWORD)
    await receiver.down()
    with pytest.raises(WebhookUnreachable) as caught:
        await client.test_webhook(setup.id)
    assert WEBHOOK_ID not in str(caught.value)
    with pytest.raises(UnexpectedResponse):
        await client.test_webhook(setup.id + 1)


async def test_name_taken_by_another_kind_of_connection(
    session: aiohttp.ClientSession, client: ArrClient, arr: SimulatedArr, receiver: WebhookReceiver
) -> None:
    resource = {
        "name": HOOK_NAME.upper(),
        "implementation": "Discord",
        "configContract": "DiscordSettings",
        "fields": [{"name": "url", "value": "http://127.0.0.1:1/discord"}],
        "onGrab": False,
    }
    async with session.post(
        f"{arr.url}/api/v3/notification", json=resource, headers={"X-Api-Key": API_KEY}
    ) as response:
        assert response.status == 201
    with pytest.raises(UnexpectedResponse, match="Should be unique"):
        await client.ensure_webhook(HOOK_NAME, receiver.hook_url(), "", "")
    assert len(arr.notifications) == 1


async def test_remove_webhook(
    session: aiohttp.ClientSession, client: ArrClient, arr: SimulatedArr, receiver: WebhookReceiver
) -> None:
    url = receiver.hook_url()
    setup = await client.ensure_webhook(HOOK_NAME, url, "", "")
    other = await _force_create(session, arr, "Someone else's hook", [{"name": "url", "value": "http://127.0.0.1:1/x"}])
    assert await client.remove_webhook(HOOK_NAME, url) == (setup.id,)
    assert list(arr.notifications) == [other]
    assert await client.remove_webhook(HOOK_NAME, url) == ()


async def test_events_are_delivered_to_the_connection(
    client: ArrClient, arr: SimulatedArr, receiver: WebhookReceiver
) -> None:
    setup = await client.ensure_webhook(HOOK_NAME, receiver.hook_url(), HOOK_USER, HOOK_PASSWORD)
    hash_ = payloads.torrent_hash("release-1")
    if arr.kind == "radarr":
        grab = payloads.radarr_grab(movie(), download_id=hash_, release_title="The.Quiet.Harbor.2021.1080p")
        rename = {"eventType": "Rename", "movie": movie(), "instanceName": "Radarr"}
    else:
        episodes = payloads.sonarr_episodes(series(), 1, range(1, 11))
        grab = payloads.sonarr_import_complete(
            series(), episodes, download_id=hash_, release_title="Northern.Lines.S01"
        )
        rename = {"eventType": "Rename", "series": series(), "instanceName": "Sonarr"}
    assert await arr.send(grab) == {setup.id: 200}
    assert await arr.send(rename) == {}  # not subscribed
    delivered = receiver.received[-1]
    assert delivered.json() == grab
    assert basic_auth(delivered.headers["Authorization"]) == (HOOK_USER, HOOK_PASSWORD)


# --- queue and history -------------------------------------------------------------------------------------


def _queue(arr: SimulatedArr, count: int) -> None:
    if arr.kind == "radarr":
        records = [
            queue_record(
                record_id=number,
                download_id=payloads.torrent_hash(f"movie-{number}"),
                title=f"Movie.{number}.2020.1080p",
                movie=payloads.radarr_movie(movie_id=number, title=f"Movie {number}", year=2020, tmdb_id=1000 + number),
            )
            for number in range(1, count + 1)
        ]
    else:
        show = series()
        episodes = payloads.sonarr_episodes(show, 1, range(1, count + 1))
        records = [
            queue_record(
                record_id=episode["id"],
                download_id=payloads.torrent_hash(f"episode-{episode['id']}"),
                title=f"Northern.Lines.S01E{episode['episodeNumber']:02d}",
                series=show,
                episode=episode,
            )
            for episode in episodes
        ]
    arr.set_queue(records)


async def test_queue_reads_every_page(client: ArrClient, arr: SimulatedArr) -> None:
    _queue(arr, 230)
    records = await client.queue()
    assert len(records) == 230
    assert len({record.id for record in records}) == 230
    first = records[0]
    assert first.download_id is not None
    assert first.download_id == first.download_id.upper()
    assert (first.status, first.tracked_download_state, first.tracked_download_status) == (
        "downloading",
        "downloading",
        "ok",
    )
    assert (first.size, first.size_left) == (4_000_000_000, 2_000_000_000)
    # The included movie/series/episode only arrive when the client asks for them.
    if arr.kind == "radarr":
        assert (first.movie_id, first.tmdb_id) == (1, 1001)
    else:
        assert (first.series_id, first.tvdb_id, first.tmdb_id) == (3, 812_345, 55)
        assert (first.season_number, first.episode_number) == (1, 1)


async def test_empty_queue(client: ArrClient) -> None:
    assert await client.queue() == []


async def test_history_for_download(client: ArrClient, arr: SimulatedArr) -> None:
    wanted = payloads.torrent_hash("wanted")
    other = payloads.torrent_hash("other")
    records = [
        history_record(
            record_id=number,
            download_id=wanted if number % 2 else other,
            event_type="grabbed" if number < 200 else "downloadFolderImported",
            source_title="Release",
            date=f"2026-01-01T{number // 60 % 24:02d}:{number % 60:02d}:00Z",
            movie_id=7 if arr.kind == "radarr" else None,
            series_id=3 if arr.kind == "sonarr" else None,
            data={"indexer": "Example"},
        )
        for number in range(1, 302)
    ]
    arr.set_history(records)
    # qBittorrent reports hashes in lower case; the server stores and filters them in upper case.
    found = await client.history_for_download(wanted.lower())
    assert len(found) == 151
    assert {record.download_id for record in found} == {wanted}
    assert found[0].event_type == "downloadFolderImported"
    newest, oldest = found[0].date, found[-1].date
    assert newest is not None
    assert oldest is not None
    assert newest > oldest
    assert found[0].data == {"indexer": "Example"}
    assert await client.history_for_download("SABnzbd_nzo_unknown") == []


async def test_paging_stops_when_the_server_ignores_page(session: aiohttp.ClientSession) -> None:
    page = {"page": 1, "pageSize": 100, "totalRecords": 1000, "records": [{"id": 1, "status": "queued"}]}
    server = RepeatingPageServer(page)
    await server.start()
    try:
        records = await ArrClient(session, server.url, API_KEY, "radarr").queue()
    finally:
        await server.stop()
    assert [record.id for record in records] == [1]
    assert server.calls == 2


async def test_malformed_queue_record_is_skipped(client: ArrClient, arr: SimulatedArr) -> None:
    arr.set_queue([{"id": "one", "downloadId": "X"}])
    assert await client.queue() == []
    assert client.skipped == {"queue": 1}
