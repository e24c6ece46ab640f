"""The qBittorrent coordinator against a real qbittorrent-nox on loopback (skipped when it is not installed).

A simulated Radarr sends its Grab webhook with the torrent hash in upper case, as Radarr does; the torrent, made
offline from a file written next to it, is added to the real qBittorrent with category `radarr` and completes by
checking its data, without any peer. Polls are triggered by firing Home Assistant's time-changed event while
qBittorrent runs in real time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import timedelta
import logging
from pathlib import Path
import time

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
import pytest_socket

from custom_components.media_request_tracker.kinds.qbittorrent import SLOW as QBITTORRENT_SLOW, QBittorrentCoordinator
from custom_components.media_request_tracker.sources.qbittorrent.client import MaindataDelta
from simulator import payloads
from simulator.arr import SimulatedArr

from ..sources.qbittorrent_support import MadeTorrent, RealQBittorrent, WebUIAdmin, make_torrent, run_qbittorrent
from .conftest import add_service, arr_input, qbittorrent_input

pytestmark = [pytest.mark.qbittorrent, pytest.mark.usefixtures("socket_enabled")]

FILM = "sensor.media_request_tracker_the_film_1999"
MOVIE = payloads.radarr_movie(movie_id=11, title="The Film", year=1999, tmdb_id=603, imdb_id="tt0133093")
FILM_PATH = "/data/media/movies/The Film (1999)/The.Film.1999.1080p.mkv"
WAIT_SECONDS = 30.0
REAL_PAUSE_SECONDS = 0.2
# Later than qBittorrent's slow interval: each firing makes its coordinator poll once.
POLL_AGAIN = QBITTORRENT_SLOW + timedelta(seconds=5)


@pytest.fixture(scope="module")
def real_qbittorrent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealQBittorrent]:
    # Module fixtures start before the per-test `socket_enabled`; this one only talks to 127.0.0.1 (the Home
    # Assistant plugin still limits connections to that host) and each test's setup blocks sockets again.
    pytest_socket.enable_socket()
    with run_qbittorrent(tmp_path_factory.mktemp("qbittorrent-profile")) as real:
        yield real


@pytest.fixture
async def admin(real_qbittorrent: RealQBittorrent) -> AsyncIterator[WebUIAdmin]:
    async with WebUIAdmin(real_qbittorrent) as web_ui:
        yield web_ui


async def poll(hass: HomeAssistant) -> None:
    """Make the coordinators poll now, and wait for them."""
    async_fire_time_changed(hass, dt_util.utcnow() + POLL_AGAIN)
    await hass.async_block_till_done(wait_background_tasks=True)


async def poll_until(hass: HomeAssistant, condition: Callable[[], bool], what: str) -> None:
    """Make the coordinators poll, giving qBittorrent real time in between, until `condition` holds."""
    # Not asyncio.timeout: firing the time-changed event runs every timer that falls due, that one included.
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        await poll(hass)
        if condition():
            return
        await asyncio.sleep(REAL_PAUSE_SECONDS)
    raise AssertionError(f"the tracker never saw {what} within {WAIT_SECONDS} s")


def record_deltas(coordinator: QBittorrentCoordinator, monkeypatch: pytest.MonkeyPatch) -> list[MaindataDelta]:
    """Keep every maindata answer the coordinator's client merges from now on."""
    deltas: list[MaindataDelta] = []
    sync = coordinator.client.sync

    async def recording_sync() -> MaindataDelta:
        delta = await sync()
        deltas.append(delta)
        return delta

    monkeypatch.setattr(coordinator.client, "sync", recording_sync)
    return deltas


def stage(hass: HomeAssistant) -> str | None:
    state = hass.states.get(FILM)
    return state.state if state else None


@pytest.mark.parametrize(
    ("name", "content", "hybrid"),
    [
        pytest.param("The.Film.1999.1080p.mkv", b"film" * 10_000, False, id="v1"),
        # qBittorrent knows a hybrid torrent by its cut v2 hash; Radarr still reports the v1 hash.
        pytest.param("The.Film.1999.2160p.mkv", b"hybrid" * 2_000, True, id="hybrid"),
    ],
)
async def test_a_real_torrent_is_followed_from_grab_to_removal(
    hass: HomeAssistant,
    tracker: MockConfigEntry,
    radarr: SimulatedArr,
    real_qbittorrent: RealQBittorrent,
    admin: WebUIAdmin,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    content: bytes,
    hybrid: bool,
) -> None:
    await add_service(hass, tracker, "radarr", arr_input(radarr))
    qbit = await add_service(
        hass,
        tracker,
        "qbittorrent",
        qbittorrent_input(real_qbittorrent.url, real_qbittorrent.username, real_qbittorrent.password),
    )
    coordinator = tracker.runtime_data.coordinators[qbit.subentry_id]
    assert isinstance(coordinator, QBittorrentCoordinator)
    deltas = record_deltas(coordinator, monkeypatch)
    made: MadeTorrent = make_torrent(tmp_path / "data", name, content, hybrid=hybrid)
    caplog.set_level(logging.INFO)

    # Radarr grabs the release and reports the v1 hash in upper case.
    assert made.download_id.isupper()
    await radarr.send(payloads.radarr_grab(MOVIE, download_id=made.download_id, release_title=name))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert stage(hass) == "grabbing"

    # qBittorrent gets the torrent in Radarr's category; it checks the data already in place and completes.
    await admin.add(made, "radarr")
    await poll_until(hass, lambda: stage(hass) == "downloaded", "the download complete")
    torrent = coordinator.client.torrent_by_download_id(made.download_id)
    assert torrent is not None
    assert torrent.category == "radarr"
    assert (torrent.hash == made.info_hash_v1) is not hybrid
    film = hass.states.get(FILM)
    assert film.attributes["progress"] == 100.0
    assert film.attributes["size"] == len(content)
    sources = {step["stage"]: step["source"] for step in film.attributes["timeline"]}
    assert sources["downloaded"] == "qBittorrent", "the completion came from the qBittorrent coordinator"
    assert len([s for s in hass.states.async_all("sensor") if "timeline" in s.attributes]) == 1

    # A change reaches the coordinator as a delta of the changed fields; the request stays downloaded.
    rid = coordinator.client.rid
    await admin.stop(torrent.hash)
    await poll_until(
        hass,
        lambda: coordinator.client.torrents[torrent.hash].state in {"pausedUP", "stoppedUP"},
        "the torrent stopped",
    )
    assert coordinator.client.rid > rid
    assert any(not delta.full_update and "state" in delta.changed_fields.get(torrent.hash, ()) for delta in deltas), (
        "the change came as a delta"
    )
    assert coordinator.last_update_success
    assert stage(hass) == "downloaded"

    # The torrent is removed (Radarr does that after the import): nothing breaks, the request is kept.
    await admin.delete(torrent.hash)
    await poll_until(hass, lambda: torrent.hash not in coordinator.client.torrents, "the removal")
    assert any(not delta.full_update and torrent.hash in delta.removed for delta in deltas), (
        "the removal came as a delta"
    )
    await poll(hass)
    assert coordinator.last_update_success
    film = hass.states.get(FILM)
    assert film.state == "downloaded"
    assert film.attributes["progress"] == 100.0

    # The request is still followed: Radarr's import webhook moves it on.
    await radarr.send(
        payloads.radarr_download(MOVIE, download_id=made.download_id, file_path=FILM_PATH, release_title=name)
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert stage(hass) == "importing"
    problems = [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.ERROR or (record.name.startswith("custom_components.") and record.exc_info)
    ]
    assert problems == []
