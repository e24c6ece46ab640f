"""A page with one record that does not read among good ones: every polled client keeps the good ones.

Each client reads the records of a page one at a time; an odd one (a field of another type, an entry that is
not an object, a required field missing) is skipped and counted in the client's `skipped`, by collection.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from custom_components.media_request_tracker.sources.arr.client import ArrClient
from custom_components.media_request_tracker.sources.jellyfin.client import JellyfinClient
from custom_components.media_request_tracker.sources.qbittorrent.client import QBittorrentClient
from custom_components.media_request_tracker.sources.seerr.client import SeerrClient
from custom_components.media_request_tracker.sources.shoko.client import ShokoClient
from simulator import payloads
from simulator.arr import SimulatedArr, history_record, queue_record
from simulator.base import SimulatedService
from simulator.jellyfin import SimulatedJellyfin, library_item
from simulator.seerr import SimulatedSeerr, request_record
from simulator.shoko import SimulatedShoko

pytestmark = pytest.mark.usefixtures("socket_enabled")

API_KEY = "odd-records-test-key-9a8b7c6d"
GOOD_A, ODD, GOOD_B = (payloads.torrent_hash(name) for name in ("good a", "odd", "good b"))


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


async def test_seerr_requests(session: aiohttp.ClientSession) -> None:
    """A request with a season number that is not a number is skipped; one whose media lacks status4k is kept."""
    without_4k = request_record(request_id=2, media_type="movie", tmdb_id=702)
    del without_4k["media"]["status4k"]
    odd = request_record(request_id=3, media_type="tv", tmdb_id=703, tvdb_id=803, seasons=[1])
    odd["seasons"][0]["seasonNumber"] = "one"
    good = [request_record(request_id=number, media_type="movie", tmdb_id=700 + number) for number in (1, 4)]
    server = SimulatedSeerr(API_KEY)
    server.set_requests([good[0], without_4k, odd, good[1]])
    await server.start()
    try:
        client = SeerrClient(session, server.url, API_KEY)
        found = await client.requests()
    finally:
        await server.stop()
    assert sorted(request.id for request in found) == [1, 2, 4]
    assert client.skipped == {"requests": 1}


@pytest.mark.parametrize("kind", ["radarr", "sonarr"])
async def test_arr_queue_and_history(session: aiohttp.ClientSession, kind: Any) -> None:
    """A queue record whose size is text, and a history record that is not an object, cost only themselves."""
    server = SimulatedArr(kind, API_KEY)
    hashes = (GOOD_A, ODD, GOOD_B)
    queue = [queue_record(record_id=n, download_id=h, title=f"Release {n}") for n, h in enumerate(hashes)]
    queue[1]["size"] = "4 GB"
    server.set_queue(queue)
    history = [
        history_record(record_id=n, download_id=GOOD_A, event_type="grabbed", source_title="Release") for n in (1, 3)
    ]
    history.insert(1, {"id": 2, "downloadId": GOOD_A, "eventType": ["grabbed"]})
    server.set_history(history)
    await server.start()
    try:
        client = ArrClient(session, server.url, API_KEY, kind)
        records = await client.queue()
        grabs = await client.history_for_download(GOOD_A)
    finally:
        await server.stop()
    assert [record.download_id for record in records] == [GOOD_A, GOOD_B]
    assert sorted(record.id for record in grabs) == [1, 3]
    assert client.skipped == {"queue": 1, "history": 1}


async def test_jellyfin_items(session: aiohttp.ClientSession) -> None:
    """An item without a `Type` is skipped; the items around it are found."""
    ids = [payloads.jellyfin_id(f"movie:{number}") for number in range(3)]
    items = [library_item(item_id=item_id, name=f"Movie {n}", item_type="Movie") for n, item_id in enumerate(ids)]
    del items[1]["Type"]
    server = SimulatedJellyfin(API_KEY)
    server.set_items(items)
    await server.start()
    try:
        client = JellyfinClient(session, server.url, API_KEY)
        found = await client.items_by_ids(ids)
    finally:
        await server.stop()
    assert sorted(item.id for item in found) == sorted([ids[0], ids[2]])
    assert client.skipped == {"items": 1}


async def test_shoko_files(session: aiohttp.ClientSession) -> None:
    """A file whose size is text is skipped among the files a path look-up finds."""
    server = SimulatedShoko(api_key=API_KEY)
    server.set_import_folder(1, "/mnt/anime")
    for file_id in (1, 2, 3):
        server.add_file(file_id, size=1, locations=[(1, f"Show {file_id}/episode.mkv")])
    server.files[2]["Size"] = "big"
    await server.start()
    try:
        client = ShokoClient(session, server.url, api_key=API_KEY)
        found = await client.files_path_ends_with("episode.mkv", limit=10)
    finally:
        await server.stop()
    assert sorted(file.id for file in found) == [1, 3]
    assert client.skipped == {"files": 1}


class _OddMaindata(SimulatedService):
    """A qBittorrent WebUI whose maindata and torrent list hold one entry that is not a torrent object."""

    def setup_routes(self, router: web.UrlDispatcher) -> None:
        router.add_post("/api/v2/auth/login", self._login)
        router.add_get("/api/v2/sync/maindata", self._maindata)
        router.add_get("/api/v2/torrents/info", self._info)

    async def _login(self, _request: web.Request) -> web.Response:
        response = web.Response(text="Ok.")
        response.set_cookie("SID", "odd-session")
        return response

    async def _maindata(self, _request: web.Request) -> web.Response:
        torrents = {GOOD_A: {"name": "a", "state": "downloading"}, ODD: "not an object", GOOD_B: {"name": "b"}}
        return web.json_response({"rid": 1, "full_update": True, "torrents": torrents, "torrents_removed": [7]})

    async def _info(self, _request: web.Request) -> web.Response:
        return web.json_response([{"hash": GOOD_A.lower()}, ["not", "a", "torrent"], {"hash": GOOD_B.lower()}])


async def test_qbittorrent_maindata_and_torrents(session: aiohttp.ClientSession) -> None:
    """A maindata entry or torrents/info row that is not an object is skipped; the other torrents are merged."""
    server = _OddMaindata()
    await server.start()
    try:
        client = QBittorrentClient(session, server.url, "admin", "secret")
        delta = await client.sync()
        rows = await client.torrents_info()
    finally:
        await server.stop()
    assert set(client.torrents) == {GOOD_A.lower(), GOOD_B.lower()}
    assert delta.changed == {GOOD_A.lower(), GOOD_B.lower()}
    assert [torrent.hash for torrent in rows] == [GOOD_A.lower(), GOOD_B.lower()]
    assert client.skipped == {"torrents": 2, "torrents_removed": 1}
