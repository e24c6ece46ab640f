"""A trace exported from diagnostics replays to the same final states.

A lifecycle runs end to end (Seerr's agent, Radarr's connection, qBittorrent polled, Jellyfin's webhook, all
simulated on loopback); its diagnostics' "trace" is written out as JSON Lines and given to `scripts/replay`, which
runs it against a fresh Home Assistant in virtual time. Every request must end where it ended here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
import json
from pathlib import Path
from typing import Any

import aiohttp
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import get_diagnostics_for_config_entry

from simulator import payloads
from simulator.arr import SimulatedArr
from simulator.jellyfin import SimulatedJellyfin
from simulator.payloads import post_webhook
from simulator.qbittorrent import SimulatedQBittorrent
from simulator.seerr import SimulatedSeerr, request_record

from ..replay.support import replayed
from .conftest import add_service, arr_input, jellyfin_input, seerr_input

MOVIE = payloads.radarr_movie(movie_id=11, title="The Film", year=1999, tmdb_id=603, imdb_id="tt0133093")
HASH = payloads.torrent_hash("the film")
RELEASE = "The.Film.1999.1080p.WEB-DL.x264-GRP"
PATH = f"/data/media/movies/The Film (1999)/{RELEASE}.mkv"
SIZE = 4_000_000_000
COMPARED_ATTRIBUTES = ("title", "year", "media_type", "requested_by", "anime", "tmdb_id", "release", "episodes")
"""What a final state is made of, besides the stage (times differ between the two runs by design)."""


@pytest.fixture
async def qbit() -> AsyncIterator[SimulatedQBittorrent]:
    """A simulated qBittorrent."""
    server = SimulatedQBittorrent()
    await server.start()
    yield server
    await server.stop()


def torrent(progress: float, state: str) -> dict[str, Any]:
    """The movie's torrent as `/api/v2/torrents/info` lists it."""
    return {
        "hash": HASH.lower(),
        "name": RELEASE,
        "size": SIZE,
        "total_size": SIZE,
        "progress": progress,
        "state": state,
        "amount_left": int(SIZE * (1 - progress)),
        "dlspeed": 0 if progress >= 1 else 20_000_000,
        "category": "radarr",
    }


async def run_lifecycle(
    hass: HomeAssistant,
    ha_url: str,
    tracker: MockConfigEntry,
    services: tuple[SimulatedSeerr, SimulatedArr, SimulatedQBittorrent, SimulatedJellyfin],
) -> None:
    """A movie from request to library, and a request declined."""
    seerr, radarr, qbit, jellyfin = services
    await add_service(hass, tracker, "seerr", seerr_input(seerr), configure_webhook=True)
    await add_service(hass, tracker, "radarr", arr_input(radarr))
    qbit_entry = await add_service(hass, tracker, "qbittorrent", qbit_input(qbit))
    jellyfin_entry = await add_service(hass, tracker, "jellyfin", jellyfin_input(jellyfin))
    await hass.async_block_till_done(wait_background_tasks=True)

    seerr.add_request(request_record(request_id=7, media_type="movie", tmdb_id=603, status=1, requested_by="ana"))
    seerr.add_request(request_record(request_id=8, media_type="movie", tmdb_id=604, status=1, requested_by="dee"))
    for notification, request_id, title, year in (
        ("MEDIA_PENDING", 7, "The Film", 1999),
        ("MEDIA_APPROVED", 7, "The Film", 1999),
        ("MEDIA_PENDING", 8, "Unwanted", 2001),
        ("MEDIA_DECLINED", 8, "Unwanted", 2001),
    ):
        assert await seerr.notify(notification, request_id, title=title, year=year), seerr.last_error
    await radarr.send(payloads.radarr_grab(MOVIE, download_id=HASH, release_title=RELEASE, size=SIZE))
    coordinator = tracker.runtime_data.coordinators[qbit_entry.subentry_id]
    for progress, state in ((0.4, "downloading"), (1.0, "uploading")):
        qbit.set_torrents([torrent(progress, state)])
        await coordinator.async_refresh()
    imported = payloads.radarr_download(MOVIE, download_id=HASH, file_path=PATH, release_title=RELEASE, size=SIZE)
    await radarr.send(imported)
    item = payloads.jellyfin_movie_added(name="The Film", year=1999, path=PATH, provider_ids={"Tmdb": "603"})
    async with aiohttp.ClientSession() as session:
        url = f"{ha_url}/api/webhook/{jellyfin_entry.data['webhook_id']}"
        assert await post_webhook(session, url, item) == 200
    await hass.async_block_till_done(wait_background_tasks=True)


def qbit_input(qbit: SimulatedQBittorrent) -> dict[str, Any]:
    """What a user types to add the simulated qBittorrent."""
    return {"name": "qBittorrent", "url": qbit.url, "username": qbit.username, "password": qbit.password}


def final_states(sensors: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each request's stage, what it is, and the stages it went through (by entity id)."""
    return {
        sensor["entity_id"]: {
            "state": sensor["state"],
            **{key: sensor["attributes"].get(key) for key in COMPARED_ATTRIBUTES},
            "stages": sorted({entry["stage"] for entry in sensor["attributes"]["timeline"]}),
        }
        for sensor in sensors
    }


def shown(hass: HomeAssistant) -> list[dict[str, Any]]:
    """The request sensors Home Assistant shows (as the replay reports them)."""
    return [
        {"entity_id": state.entity_id, "state": state.state, "attributes": dict(state.attributes)}
        for state in hass.states.async_all("sensor")
        if "timeline" in state.attributes
    ]


async def test_an_exported_trace_replays_to_the_same_final_states(
    hass: HomeAssistant,
    ha_url: str,
    hass_client: Any,
    tracker: MockConfigEntry,
    seerr: SimulatedSeerr,
    radarr: SimulatedArr,
    qbit: SimulatedQBittorrent,
    jellyfin: SimulatedJellyfin,
    tmp_path: Path,
) -> None:
    await run_lifecycle(hass, ha_url, tracker, (seerr, radarr, qbit, jellyfin))
    here = final_states(shown(hass))
    assert {entity_id: state["state"] for entity_id, state in here.items()} == {
        "sensor.media_request_tracker_the_film_1999": "available",
        "sensor.media_request_tracker_unwanted_2001": "declined",
    }

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, tracker)
    lines = diagnostics["trace"]
    assert lines[0]["trace"] == 1
    assert {line.get("webhook") or line.get("state") for line in lines[1:]} >= {"seerr", "radarr", "qbittorrent"}
    path = tmp_path / "exported.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))

    result = await hass.async_add_executor_job(replayed, path)
    assert final_states(result["requests"]) == here
