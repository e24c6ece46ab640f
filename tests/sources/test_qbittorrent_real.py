"""QBittorrentClient against a real qbittorrent-nox on loopback (skipped when it is not installed).

One qBittorrent serves the whole module; every test adds torrents of its own, made offline from files written
next to them, so they complete by checking the data without any peer or tracker.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
import json
from pathlib import Path
import re
import shutil
from typing import Any

import aiohttp
from aiohttp import web
import pytest
import pytest_socket

from custom_components.media_request_tracker.sources.errors import InvalidAuth
from custom_components.media_request_tracker.sources.qbittorrent.client import (
    MaindataDelta,
    QBittorrentClient,
    Torrent,
    TorrentPhase,
    autorun_command,
    autorun_download_ids,
)
from simulator.base import SimulatedService

from .qbittorrent_support import MadeTorrent, RealQBittorrent, WebUIAdmin, make_torrent, run_qbittorrent

pytestmark = [pytest.mark.qbittorrent, pytest.mark.usefixtures("socket_enabled")]

WAIT_SECONDS = 30.0
POLL_SECONDS = 0.2


@pytest.fixture(scope="module")
def real_qbittorrent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealQBittorrent]:
    # Module fixtures start before the per-test `socket_enabled`; this one only talks to 127.0.0.1 (the Home
    # Assistant plugin still limits connections to that host) and each test's setup blocks sockets again.
    pytest_socket.enable_socket()
    with run_qbittorrent(tmp_path_factory.mktemp("qbittorrent-profile")) as real:
        yield real


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture
def client(session: aiohttp.ClientSession, real_qbittorrent: RealQBittorrent) -> QBittorrentClient:
    return QBittorrentClient(session, real_qbittorrent.url, real_qbittorrent.username, real_qbittorrent.password)


@pytest.fixture
async def admin(real_qbittorrent: RealQBittorrent) -> AsyncIterator[WebUIAdmin]:
    async with WebUIAdmin(real_qbittorrent) as web_ui:
        yield web_ui


async def sync_until(
    client: QBittorrentClient, condition: Callable[[MaindataDelta], bool], what: str
) -> list[MaindataDelta]:
    """Poll maindata until `condition` holds for a delta; return every delta seen."""
    deltas: list[MaindataDelta] = []
    try:
        async with asyncio.timeout(WAIT_SECONDS):
            while not deltas or not condition(deltas[-1]):
                if deltas:
                    await asyncio.sleep(POLL_SECONDS)
                deltas.append(await client.sync())
    except TimeoutError:
        raise AssertionError(f"qBittorrent never reported {what} within {WAIT_SECONDS} s") from None
    return deltas


def field_changed(torrent_hash: str, field: str) -> Callable[[MaindataDelta], bool]:
    """A `sync_until` condition: the delta carries `field` of this torrent."""
    return lambda delta: field in delta.changed_fields.get(torrent_hash, ())


def known(client: QBittorrentClient, made: MadeTorrent) -> Callable[[MaindataDelta], bool]:
    """A `sync_until` condition: the client can find the torrent by the id an *arr would report."""
    return lambda _: client.torrent_by_download_id(made.download_id) is not None


async def add_completed(
    client: QBittorrentClient, admin: WebUIAdmin, made: MadeTorrent, category: str = "radarr"
) -> Torrent:
    """Add a torrent and poll until the client sees it completed, found by the id an *arr would report."""
    await admin.add(made, category)

    def completed(_: MaindataDelta) -> bool:
        torrent = client.torrent_by_download_id(made.download_id)
        return torrent is not None and torrent.phase is TorrentPhase.COMPLETED

    await sync_until(client, completed, f"{made.name} completed")
    torrent = client.torrent_by_download_id(made.download_id)
    assert torrent is not None
    return torrent


async def test_login_and_versions(client: QBittorrentClient) -> None:
    await client.login()

    assert re.fullmatch(r"v\d+\.\d+\.\d+", await client.app_version())
    assert re.fullmatch(r"2\.\d+\.\d+", await client.web_api_version())


async def test_wrong_password_is_invalid_auth(
    session: aiohttp.ClientSession, real_qbittorrent: RealQBittorrent
) -> None:
    client = QBittorrentClient(session, real_qbittorrent.url, real_qbittorrent.username, "not-the-password")

    with pytest.raises(InvalidAuth):
        await client.login()


async def test_completed_torrent_is_found_by_the_arr_download_id(
    client: QBittorrentClient, admin: WebUIAdmin, tmp_path: Path
) -> None:
    made = make_torrent(tmp_path / "data", "Sample Movie (2024).mkv", b"movie" * 8000)

    torrent = await add_completed(client, admin, made)

    assert made.download_id.isupper()
    assert made.download_id.lower() in torrent.download_ids()
    assert torrent.hash == made.info_hash_v1
    assert (torrent.progress, torrent.amount_left, torrent.size) == (1.0, 0, 40000)
    assert (torrent.name, torrent.category, torrent.eta) == ("Sample Movie (2024).mkv", "radarr", None)
    assert torrent.completion_on is not None
    assert torrent.content_path == str(made.data_dir / made.name)
    listed = await client.torrents_info(category="radarr", hashes=torrent.hash)
    assert [item.hash for item in listed] == [torrent.hash]
    assert listed[0].phase is TorrentPhase.COMPLETED


async def test_hybrid_torrent_is_found_by_its_v1_hash(
    client: QBittorrentClient, admin: WebUIAdmin, tmp_path: Path
) -> None:
    made = make_torrent(tmp_path / "data", "Hybrid Movie.mkv", b"hybrid" * 1000, hybrid=True)
    assert made.info_hash_v2 is not None

    torrent = await add_completed(client, admin, made)

    # qBittorrent's id of a hybrid torrent is the cut v2 hash; the *arr reports the v1 hash.
    assert torrent.hash == made.info_hash_v2[:40]
    assert torrent.hash != made.info_hash_v1
    assert (torrent.infohash_v1, torrent.infohash_v2) == (made.info_hash_v1, made.info_hash_v2)
    assert made.download_id.lower() in torrent.download_ids()


async def test_deltas_carry_only_changed_fields_and_report_removal(
    client: QBittorrentClient, admin: WebUIAdmin, tmp_path: Path
) -> None:
    made = make_torrent(tmp_path / "data", "Show.S01E01.mkv", b"episode" * 3000)
    torrent = await add_completed(client, admin, made)

    await admin.set_category(torrent.hash, "tv-sonarr")
    recategorized = await sync_until(client, field_changed(torrent.hash, "category"), "the new category")

    fields = recategorized[-1].changed_fields[torrent.hash]
    assert "category" in fields
    assert fields.isdisjoint({"name", "size", "total_size", "added_on", "infohash_v1", "save_path"})
    assert recategorized[-1].full_update is False
    assert client.torrents[torrent.hash].category == "tv-sonarr"

    await admin.stop(torrent.hash)
    stopped = await sync_until(client, field_changed(torrent.hash, "state"), "the stopped state")

    assert stopped[-1].changed_fields[torrent.hash].isdisjoint({"name", "size", "category"})
    assert client.torrents[torrent.hash].state in {"pausedUP", "stoppedUP"}
    assert client.torrents[torrent.hash].phase is TorrentPhase.COMPLETED

    await admin.delete(torrent.hash)
    removed = await sync_until(client, lambda delta: torrent.hash in delta.removed, "the removal")

    assert removed[-1].full_update is False
    assert torrent.hash not in client.torrents
    assert client.torrent_by_download_id(made.download_id) is None


async def test_ended_session_logs_in_again(client: QBittorrentClient, admin: WebUIAdmin, tmp_path: Path) -> None:
    made = make_torrent(tmp_path / "data", "Relogin.mkv", b"relogin" * 100)
    torrent = await add_completed(client, admin, made)
    first_session = dict(client._cookies)

    await admin.logout_session(first_session)
    delta = await client.sync()

    assert client._cookies != first_session
    assert delta.full_update is True
    assert torrent.hash in client.torrents


class WebhookReceiver(SimulatedService):
    """Home Assistant's side of the autorun webhook: keeps every POST."""

    def __init__(self) -> None:
        self.bodies: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        super().__init__()

    def setup_routes(self, router: web.UrlDispatcher) -> None:
        router.add_post("/api/webhook/{webhook_id}", self.receive)

    async def receive(self, request: web.Request) -> web.Response:
        await self.bodies.put((request.content_type, json.loads(await request.read())))
        return web.Response()


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    service = WebhookReceiver()
    await service.start()
    yield service
    await service.stop()


async def test_autorun_command_posts_the_finished_torrent(
    client: QBittorrentClient, admin: WebUIAdmin, receiver: WebhookReceiver, tmp_path: Path
) -> None:
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed; qBittorrent runs it for the autorun command")
    command = autorun_command(f"{receiver.url}/api/webhook/test-hook")
    await admin.set_preferences({"autorun_enabled": True, "autorun_program": command})
    try:
        plain = make_torrent(tmp_path / "plain", "Autorun Movie (2024) 1080p.mkv", b"autorun" * 500)
        hybrid = make_torrent(tmp_path / "hybrid", "Autorun Hybrid.mkv", b"both" * 700, hybrid=True)
        for made in (plain, hybrid):
            await admin.add(made, "radarr")
            async with asyncio.timeout(WAIT_SECONDS):
                content_type, body = await receiver.bodies.get()

            assert content_type == "application/json"
            assert body["name"] == made.name
            assert body["category"] == "radarr"
            assert body["infohash_v1"] == made.info_hash_v1
            assert body["infohash_v2"] == (made.info_hash_v2 or "-")
            assert made.download_id.lower() in autorun_download_ids(body)
            await sync_until(client, known(client, made), f"{made.name}")
            torrent = client.torrent_by_download_id(made.download_id)
            assert torrent is not None
            assert body["id"] == torrent.hash
            assert autorun_download_ids(body) == torrent.download_ids()
    finally:
        await admin.set_preferences({"autorun_enabled": False})
