"""The simulated qBittorrent answers in qBittorrent's own shapes (raw HTTP, no client in between)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from simulator.qbittorrent import DEFAULT_PASSWORD, SimulatedQBittorrent

pytestmark = pytest.mark.usefixtures("socket_enabled")

HASH_A = "a" * 40
HASH_B = "b" * 40


class RawSession:
    """Log in like a browser would and call endpoints directly."""

    def __init__(self, service: SimulatedQBittorrent, http: aiohttp.ClientSession) -> None:
        self.service, self.http = service, http

    async def login(self, password: str = DEFAULT_PASSWORD) -> aiohttp.ClientResponse:
        form = {"username": "admin", "password": password}
        async with self.http.post(f"{self.service.url}/api/v2/auth/login", data=form) as response:
            await response.read()
            return response

    async def get(self, path: str, **params: str) -> tuple[int, Any]:
        async with self.http.get(f"{self.service.url}/api/v2/{path}", params=params) as response:
            is_json = response.content_type == "application/json"
            return response.status, await (response.json() if is_json else response.text())

    async def maindata(self, rid: int) -> dict[str, Any]:
        status, body = await self.get("sync/maindata", rid=str(rid))
        assert status == 200
        assert isinstance(body, dict)
        return body


@pytest.fixture
async def raw() -> AsyncIterator[RawSession]:
    service = SimulatedQBittorrent(version="4.6.7")
    await service.start()
    # The simulator listens on an IP address; an unsafe jar is what keeps cookies for one.
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        yield RawSession(service, http)
    await service.stop()


async def test_api_needs_a_session(raw: RawSession) -> None:
    assert (await raw.get("app/version"))[0] == 403

    response = await raw.login()

    assert (response.status, response.cookies["SID"]["httponly"]) == (200, True)
    assert await raw.get("app/version") == (200, "v4.6.7")
    assert await raw.get("app/webapiVersion") == (200, "2.9.3")
    assert (await raw.get("no/such/endpoint"))[0] == 404


async def test_v5_2_login_answers_and_cookie_name() -> None:
    service = SimulatedQBittorrent(version="5.2.0")
    await service.start()
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            raw = RawSession(service, http)
            assert (await raw.login("wrong")).status == 401
            response = await raw.login()
            assert response.status == 204
            assert set(response.cookies) == {f"QBT_SID_{service.port}"}
    finally:
        await service.stop()


async def test_maindata_full_update_then_deltas(raw: RawSession) -> None:
    raw.service.set_torrents([{"hash": HASH_A, "name": "A", "state": "downloading", "category": "radarr"}])
    await raw.login()

    full = await raw.maindata(0)
    assert full["full_update"] is True
    assert set(full["torrents"]) == {HASH_A}
    assert "hash" not in full["torrents"][HASH_A]
    assert full["torrents"][HASH_A]["state"] == "downloading"
    assert full["categories"] == {"radarr": {"name": "radarr", "savePath": ""}}
    assert {"dl_info_speed", "connection_status"} <= set(full["server_state"])

    assert await raw.maindata(full["rid"]) == {"rid": full["rid"] + 1}

    raw.service.update_torrent(HASH_A, dlspeed=2048, tags="anime")
    changed = await raw.maindata(full["rid"] + 1)
    assert changed["torrents"] == {HASH_A: {"dlspeed": 2048, "tags": "anime"}}
    assert changed["server_state"] == {"dl_info_speed": 2048}
    assert changed["tags"] == ["anime"]

    raw.service.set_torrents([{"hash": HASH_B, "name": "B", "category": "tv-sonarr"}])
    replaced = await raw.maindata(changed["rid"])
    assert replaced["torrents_removed"] == [HASH_A]
    assert replaced["torrents"][HASH_B]["name"] == "B"
    assert len(replaced["torrents"][HASH_B]) == len(full["torrents"][HASH_A])
    assert replaced["categories_removed"] == ["radarr"]
    assert replaced["tags_removed"] == ["anime"]


async def test_an_older_rid_diffs_against_its_own_snapshot(raw: RawSession) -> None:
    raw.service.set_torrents([{"hash": HASH_A, "progress": 0.1}])
    await raw.login()
    first = await raw.maindata(0)
    raw.service.update_torrent(HASH_A, progress=0.5)
    await raw.maindata(first["rid"])  # an answer the client never received

    retried = await raw.maindata(first["rid"])

    assert retried["torrents"] == {HASH_A: {"progress": 0.5}}


async def test_unknown_rid_and_expired_sessions(raw: RawSession) -> None:
    raw.service.set_torrents([{"hash": HASH_A}])
    await raw.login()
    first = await raw.maindata(0)

    assert (await raw.maindata(first["rid"] + 999))["full_update"] is True

    raw.service.expire_sessions()
    assert (await raw.get("sync/maindata", rid=str(first["rid"])))[0] == 403


async def test_torrents_info_filters(raw: RawSession) -> None:
    raw.service.set_torrents(
        [{"hash": HASH_A, "category": "radarr", "state": "pausedUP"}, {"hash": HASH_B, "category": "tv-sonarr"}]
    )
    await raw.login()

    _, everything = await raw.get("torrents/info")
    _, by_hash = await raw.get("torrents/info", hashes=f"{HASH_B.upper()}|{'c' * 40}")
    _, by_category = await raw.get("torrents/info", category="radarr")

    assert [row["hash"] for row in everything] == [HASH_A, HASH_B]
    assert [row["hash"] for row in by_hash] == [HASH_B]
    assert [(row["hash"], row["state"]) for row in by_category] == [(HASH_A, "pausedUP")]
    assert everything[0]["eta"] == 8640000


@pytest.mark.parametrize(("version", "state"), [("4.6.7", "pausedDL"), ("5.0.0", "stoppedDL")])
async def test_state_names_follow_the_version(version: str, state: str) -> None:
    service = SimulatedQBittorrent(version=version)
    service.set_torrents([{"hash": HASH_A, "state": "stoppedDL"}, {"hash": HASH_B, "state": "pausedDL"}])

    assert [row["state"] for row in service.torrent_rows()] == [state, state]
    assert ("private" in service.torrent_rows()[0]) is (version >= "5")
