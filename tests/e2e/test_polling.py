"""Requests followed by polling: the coordinators ask simulated Seerr, Radarr, qBittorrent and Jellyfin over loopback.

Virtual time (`freezer`) drives the polls: `advance` moves the clock in small steps and lets every poll that falls
due on the way run to completion, so each test reads like a timeline of what the services showed.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState, ConfigSubentry
from homeassistant.const import EVENT_STATE_CHANGED, STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant, State
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events, async_fire_time_changed

from custom_components.media_request_tracker.const import DOMAIN, PROGRESS_WRITE_INTERVAL_SECONDS
from custom_components.media_request_tracker.kinds.arr import HISTORY_LOOKUPS_PER_POLL, INTERVAL as ARR_INTERVAL
from custom_components.media_request_tracker.kinds.jellyfin import (
    INTERVAL as JELLYFIN_INTERVAL,
    LOOKUPS_PER_POLL as JELLYFIN_LOOKUPS_PER_POLL,
)
from custom_components.media_request_tracker.kinds.qbittorrent import FAST as QBITTORRENT_FAST, SLOW as QBITTORRENT_SLOW
from custom_components.media_request_tracker.kinds.seerr import POLLED as SEERR_POLLED, PUSHED as SEERR_PUSHED
from simulator import payloads
from simulator.arr import SimulatedArr, history_record, queue_record
from simulator.jellyfin import SimulatedJellyfin, library_item
from simulator.qbittorrent import SimulatedQBittorrent
from simulator.seerr import SimulatedSeerr, request_record

from .conftest import add_service, arr_input, jellyfin_input, qbittorrent_input, seerr_input

FILM = "sensor.media_request_tracker_the_film_1999"
HASH = payloads.torrent_hash("the film")
MOVIE = payloads.radarr_movie(movie_id=11, title="The Film", year=1999, tmdb_id=603, imdb_id="tt0133093")
FILM_PATH = "/data/media/movies/The Film (1999)/The.Film.1999.1080p.mkv"
RELEASE = "The.Film.1999.1080p"
SIZE = 4_000_000_000
# Longer than every coordinator's interval: after it, each service has been polled at least once.
EVERY_POLL = max(ARR_INTERVAL, SEERR_PUSHED, SEERR_POLLED, QBITTORRENT_SLOW) + timedelta(seconds=10)
POLLED_KINDS = ("radarr", "seerr", "jellyfin", "qbittorrent")


async def advance(hass: HomeAssistant, freezer: FrozenDateTimeFactory, duration: timedelta) -> None:
    """Let `duration` of virtual time pass in steps of a second, running every poll that falls due."""
    remaining = duration.total_seconds()
    while remaining > 0:
        step = min(1.0, remaining)
        freezer.tick(timedelta(seconds=step))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        remaining -= step


def seerr_time() -> str:
    """Now (virtual time) as Seerr writes `updatedAt`."""
    return dt_util.utcnow().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def request_states(hass: HomeAssistant) -> list[State]:
    """The state of every per-request sensor."""
    return [state for state in hass.states.async_all("sensor") if "timeline" in state.attributes]


def by_seerr_id(hass: HomeAssistant, request_id: int) -> State | None:
    """The sensor of the request Seerr knows by `request_id`."""
    found = [state for state in request_states(hass) if state.attributes["seerr_request_id"] == str(request_id)]
    assert len(found) <= 1, found
    return found[0] if found else None


def stage(hass: HomeAssistant, entity_id: str) -> str | None:
    state = hass.states.get(entity_id)
    return state.state if state else None


def connectivity(hass: HomeAssistant, subentry: ConfigSubentry) -> str | None:
    """The state of a service's connectivity binary sensor."""
    entity_id = er.async_get(hass).async_get_entity_id("binary_sensor", DOMAIN, f"{subentry.subentry_id}-connectivity")
    assert entity_id is not None, "every polled service has a connectivity sensor"
    return stage(hass, entity_id)


def torrent(progress: float, *, state: str = "downloading", dlspeed: int = 0, eta: int = 8640000) -> dict[str, Any]:
    """The film's torrent as `/api/v2/torrents/info` lists it (qBittorrent's hash is lower-case)."""
    return {
        "hash": HASH.lower(),
        "infohash_v1": HASH.lower(),
        "name": RELEASE,
        "category": "radarr",
        "size": SIZE,
        "total_size": SIZE,
        "progress": progress,
        "amount_left": round(SIZE * (1 - progress)),
        "completed": round(SIZE * progress),
        "state": state,
        "dlspeed": dlspeed,
        "eta": eta,
        "save_path": "/downloads",
        "content_path": f"/downloads/{RELEASE}.mkv",
    }


def service_input(kind: str, service: Any) -> dict[str, Any]:
    """What a user types to add one of the simulated services."""
    match kind:
        case "seerr":
            return seerr_input(service)
        case "jellyfin":
            return jellyfin_input(service)
        case "qbittorrent":
            return qbittorrent_input(service.url, service.username, service.password)
    return arr_input(service)


async def add_polled(hass: HomeAssistant, tracker: MockConfigEntry, kind: str, service: Any) -> ConfigSubentry:
    """Add a service; Seerr without its webhook agent, so that it is followed by polling."""
    extra = {"configure_webhook": False} if kind == "seerr" else {}
    return await add_service(hass, tracker, kind, service_input(kind, service), **extra)


# --- Lost webhooks ----------------------------------------------------------------------------------------


async def test_lost_webhooks_are_recovered_from_the_queue_the_history_and_the_library(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    tracker: MockConfigEntry,
    seerr: SimulatedSeerr,
    radarr: SimulatedArr,
    jellyfin: SimulatedJellyfin,
) -> None:
    await add_service(hass, tracker, "seerr", seerr_input(seerr), configure_webhook=True)
    await add_service(hass, tracker, "radarr", arr_input(radarr))
    await add_service(hass, tracker, "jellyfin", jellyfin_input(jellyfin))
    seerr.add_request(request_record(request_id=7, media_type="movie", tmdb_id=603))
    assert await seerr.notify("MEDIA_AUTO_APPROVED", 7, title="The Film", year=1999), seerr.last_error
    await hass.async_block_till_done(wait_background_tasks=True)
    assert stage(hass, FILM) == "approved"

    # Radarr grabbed the film, but its Grab webhook never reached Home Assistant: only the queue shows it.
    radarr.set_queue(
        [queue_record(record_id=1, download_id=HASH, title=RELEASE, size=SIZE, size_left=SIZE * 3 / 4, movie=MOVIE)]
    )
    await advance(hass, freezer, ARR_INTERVAL)
    assert stage(hass, FILM) == "downloading"
    assert hass.states.get(FILM).attributes["progress"] == 25.0
    assert len(request_states(hass)) == 1, "the queue record joined the Seerr request, it made no new one"

    # The same queue, polled again, changes nothing and writes nothing.
    before = hass.states.get(FILM)
    await advance(hass, freezer, ARR_INTERVAL * 2)
    assert hass.states.get(FILM).last_reported == before.last_reported

    # The download finished and was imported while the Download webhook was lost too: the queue is empty, the
    # history holds the import under the same download id.
    radarr.set_queue([])
    radarr.set_history(
        [
            history_record(
                record_id=2,
                download_id=HASH,
                event_type="grabbed",
                source_title=RELEASE,
                movie_id=MOVIE["id"],
                data={"size": str(SIZE), "indexer": "Example Indexer (Prowlarr)"},
            ),
            history_record(
                record_id=3,
                download_id=HASH,
                event_type="downloadFolderImported",
                source_title=RELEASE,
                date="2026-01-01T01:00:00Z",
                movie_id=MOVIE["id"],
                data={"importedPath": FILM_PATH, "droppedPath": f"/downloads/{RELEASE}.mkv", "size": str(SIZE)},
            ),
        ]
    )
    await advance(hass, freezer, ARR_INTERVAL)
    assert stage(hass, FILM) == "importing"
    timeline = [(step["stage"], step["source"]) for step in hass.states.get(FILM).attributes["timeline"]]
    assert timeline == [
        ("requested", "Seerr"),
        ("approved", "Seerr"),
        ("searching", "Radarr"),
        ("grabbing", "Radarr"),
        ("downloading", "Radarr"),
        ("downloaded", "Radarr"),
        ("importing", "Radarr"),
    ]

    # Jellyfin's webhook plugin is not set up: the library look-up finds the film once it is scanned in.
    await advance(hass, freezer, JELLYFIN_INTERVAL)
    assert stage(hass, FILM) == "importing", "not in the library yet"
    item_id = payloads.jellyfin_id("movie:The Film")
    jellyfin.set_items(
        [
            library_item(
                item_id=item_id,
                name="The Film",
                item_type="Movie",
                year=1999,
                path=FILM_PATH,
                provider_ids={"Tmdb": "603", "Imdb": "tt0133093"},
            ),
            library_item(
                item_id=payloads.jellyfin_id("movie:Other"),
                name="The Film Returns",
                item_type="Movie",
                year=2005,
                provider_ids={"Tmdb": "9999"},
            ),
        ]
    )
    await advance(hass, freezer, JELLYFIN_INTERVAL)
    assert stage(hass, FILM) == "available"
    assert hass.states.get(FILM).attributes["jellyfin_id"] == item_id


# --- Seerr without its webhook agent ----------------------------------------------------------------------


async def test_seerr_without_webhook_is_followed_by_polling_alone(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, tracker: MockConfigEntry, seerr: SimulatedSeerr
) -> None:
    seerr.set_requests(
        [
            request_record(request_id=7, media_type="movie", tmdb_id=603, status=1, media_status=2),
            request_record(request_id=8, media_type="tv", tmdb_id=154, tvdb_id=414, seasons=[1, 2]),
            # Finished before the tracker was set up: the back-fill leaves it alone.
            request_record(request_id=6, media_type="movie", tmdb_id=605, media_status=5),
        ]
    )
    await add_service(hass, tracker, "seerr", seerr_input(seerr), configure_webhook=False)
    assert seerr.webhook["enabled"] is False, "the agent was left as it was"

    pending, approved = by_seerr_id(hass, 7), by_seerr_id(hass, 8)
    assert pending is not None
    assert approved is not None
    assert (pending.state, approved.state) == ("requested", "approved")
    assert by_seerr_id(hass, 6) is None
    assert pending.attributes["requested_by"] == "requester"
    assert approved.attributes["media_type"] == "tv"
    assert approved.attributes["seasons"] == [1, 2]

    # Someone approves request 7, a new request comes in, and request 8's show lands in the library.
    seerr.add_request(request_record(request_id=7, media_type="movie", tmdb_id=603, updated_at=seerr_time()))
    seerr.add_request(
        request_record(request_id=9, media_type="movie", tmdb_id=606, status=1, media_status=2, updated_at=seerr_time())
    )
    await advance(hass, freezer, SEERR_POLLED)
    assert stage(hass, pending.entity_id) == "approved"
    new = by_seerr_id(hass, 9)
    assert new is not None
    assert new.state == "requested"

    seerr.add_request(
        request_record(
            request_id=8,
            media_type="tv",
            tmdb_id=154,
            tvdb_id=414,
            seasons=[1, 2],
            media_status=5,
            updated_at=seerr_time(),
        )
    )
    await advance(hass, freezer, SEERR_POLLED)
    assert stage(hass, approved.entity_id) == "available"
    assert stage(hass, pending.entity_id) == "approved"
    assert len(request_states(hass)) == 3


# --- qBittorrent progress ---------------------------------------------------------------------------------


async def test_a_download_progresses_through_qbittorrent_without_needless_writes(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    tracker: MockConfigEntry,
    radarr: SimulatedArr,
    qbittorrent: SimulatedQBittorrent,
) -> None:
    await add_service(hass, tracker, "radarr", arr_input(radarr))
    qbit = await add_polled(hass, tracker, "qbittorrent", qbittorrent)
    qbittorrent.set_torrents([torrent(0.0)])
    await radarr.send(payloads.radarr_grab(MOVIE, download_id=HASH, release_title=RELEASE))
    await advance(hass, freezer, QBITTORRENT_FAST)
    assert stage(hass, FILM) == "downloading"
    assert hass.states.get(FILM).attributes["progress"] == 0.0

    coordinator = tracker.runtime_data.coordinators[qbit.subentry_id]
    assert coordinator.update_interval == QBITTORRENT_FAST, "polled fast while something downloads"

    # Polls that find nothing new write nothing: neither last_updated nor last_reported moves, not even when
    # qBittorrent forgets the sync state and answers a full update that repeats the unchanged torrent.
    before = hass.states.get(FILM)
    rid = coordinator.client.rid
    await advance(hass, freezer, QBITTORRENT_FAST * 2)
    qbittorrent.forget_sync_state()
    await advance(hass, freezer, QBITTORRENT_FAST * 2)
    assert coordinator.client.rid > rid, "qBittorrent was polled in the meantime"
    after = hass.states.get(FILM)
    assert after.last_updated == before.last_updated
    assert after.last_reported == before.last_reported

    # While it downloads, progress changes at every poll, but the sensor writes it at most every 30 seconds.
    writes = async_capture_events(hass, EVENT_STATE_CHANGED)
    for percent in range(5, 65, 5):
        qbittorrent.set_torrents([torrent(percent / 100, dlspeed=20_000_000, eta=600)])
        await advance(hass, freezer, QBITTORRENT_FAST)
    written = [after, *(event.data["new_state"] for event in writes if event.data["entity_id"] == FILM)]
    assert 2 <= len(written) <= 3, "twelve changes in a minute, at most two writes"
    gaps = [later.last_updated - earlier.last_updated for earlier, later in pairwise(written)]
    assert min(gaps) >= timedelta(seconds=PROGRESS_WRITE_INTERVAL_SECONDS), gaps
    await advance(hass, freezer, timedelta(seconds=PROGRESS_WRITE_INTERVAL_SECONDS))
    shown = hass.states.get(FILM)
    assert shown.state == "downloading"
    assert shown.attributes["progress"] == 60.0
    assert shown.attributes["download_speed"] == 20_000_000

    # Completion is a new stage: written at once.
    qbittorrent.set_torrents([torrent(1.0, state="uploading")])
    await advance(hass, freezer, QBITTORRENT_FAST)
    done = hass.states.get(FILM)
    assert done.state == "downloaded"
    assert done.attributes["progress"] == 100.0
    # The interval is chosen as a poll ends, before what it found is applied: one more fast poll, then slow.
    await advance(hass, freezer, QBITTORRENT_FAST)
    assert coordinator.update_interval == QBITTORRENT_SLOW, "polled slowly once nothing downloads"


async def test_a_grab_makes_an_idle_qbittorrent_poll_at_once(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    tracker: MockConfigEntry,
    radarr: SimulatedArr,
    qbittorrent: SimulatedQBittorrent,
) -> None:
    await add_service(hass, tracker, "radarr", arr_input(radarr))
    qbit = await add_polled(hass, tracker, "qbittorrent", qbittorrent)
    coordinator = tracker.runtime_data.coordinators[qbit.subentry_id]
    # Idle: the slow interval runs. Half of it passes before Radarr grabs the film.
    await advance(hass, freezer, QBITTORRENT_SLOW / 2)
    assert coordinator.update_interval == QBITTORRENT_SLOW
    qbittorrent.set_torrents([torrent(0.1, dlspeed=20_000_000, eta=600)])

    await radarr.send(payloads.radarr_grab(MOVIE, download_id=HASH, release_title=RELEASE))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert stage(hass, FILM) == "downloading", "the torrent is reported at once, not at the next slow poll"
    assert hass.states.get(FILM).attributes["progress"] == 10.0
    assert coordinator.update_interval == QBITTORRENT_FAST

    qbittorrent.set_torrents([torrent(1.0, state="stalledUP")])
    await advance(hass, freezer, QBITTORRENT_FAST)
    assert stage(hass, FILM) == "downloaded"


# --- Catch-up look-ups are capped per poll: every waiting request must still get its turn ------------------


async def test_a_lost_import_among_many_episode_downloads_is_found_in_the_history(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, tracker: MockConfigEntry, sonarr: SimulatedArr
) -> None:
    subentry = await add_service(hass, tracker, "sonarr", arr_input(sonarr))
    series = payloads.sonarr_series(series_id=23, title="The Show", year=2022, tvdb_id=414, tmdb_id=154)
    episodes = payloads.sonarr_episodes(series, 1, range(1, HISTORY_LOOKUPS_PER_POLL + 2))
    hashes = {
        episode["episodeNumber"]: payloads.torrent_hash(f"the show s01e{episode['episodeNumber']}")
        for episode in episodes
    }
    # Each episode is grabbed on its own; every import webhook arrives but one, the download that sorts last.
    lost = max(hashes, key=lambda number: hashes[number])
    for episode in episodes:
        number = episode["episodeNumber"]
        release = f"The.Show.S01E{number:02d}"
        await sonarr.send(payloads.sonarr_grab(series, [episode], download_id=hashes[number], release_title=release))
        if number != lost:
            await sonarr.send(
                payloads.sonarr_download(series, [episode], download_id=hashes[number], release_title=release)
            )
    await hass.async_block_till_done(wait_background_tasks=True)
    show = "sensor.media_request_tracker_the_show_2022"
    assert hass.states.get(show).attributes["episodes"] == {"grabbing": 1, "importing": HISTORY_LOOKUPS_PER_POLL}

    [lost_episode] = [episode for episode in episodes if episode["episodeNumber"] == lost]
    sonarr.set_history(
        [
            history_record(
                record_id=1,
                download_id=hashes[lost],
                event_type="downloadFolderImported",
                source_title=f"The.Show.S01E{lost:02d}",
                series_id=series["id"],
                episode_id=lost_episode["id"],
                data={"importedPath": payloads.episode_path(series, lost_episode), "size": "1500000000"},
            )
            | {"episode": lost_episode}
        ]
    )
    await advance(hass, freezer, ARR_INTERVAL * 5)
    assert tracker.runtime_data.coordinators[subentry.subentry_id].last_update_success
    assert hass.states.get(show).attributes["episodes"] == {"importing": HISTORY_LOOKUPS_PER_POLL + 1}


async def test_an_older_import_is_looked_up_in_jellyfin_while_newer_ones_wait(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    tracker: MockConfigEntry,
    radarr: SimulatedArr,
    jellyfin: SimulatedJellyfin,
) -> None:
    await add_service(hass, tracker, "radarr", arr_input(radarr))
    await add_service(hass, tracker, "jellyfin", jellyfin_input(jellyfin))
    # Eleven films are imported one after the other; the first is in the library, the ten later ones are not
    # (yet, or under another name).
    for number in range(JELLYFIN_LOOKUPS_PER_POLL + 1):
        movie = payloads.radarr_movie(movie_id=100 + number, title=f"Film {number}", year=2000, tmdb_id=700 + number)
        download_id = payloads.torrent_hash(f"film {number}")
        path = f"/data/media/movies/Film {number} (2000)/Film.{number}.mkv"
        await radarr.send(payloads.radarr_grab(movie, download_id=download_id, release_title=f"Film.{number}"))
        await radarr.send(
            payloads.radarr_download(movie, download_id=download_id, file_path=path, release_title=f"Film.{number}")
        )
        await advance(hass, freezer, timedelta(seconds=1))
    assert {state.state for state in request_states(hass)} == {"importing"}
    first = "sensor.media_request_tracker_film_0_2000"
    jellyfin.set_items(
        [
            library_item(
                item_id=payloads.jellyfin_id("movie:Film 0"),
                name="Film 0",
                item_type="Movie",
                year=2000,
                path="/data/media/movies/Film 0 (2000)/Film.0.mkv",
                provider_ids={"Tmdb": "700"},
            )
        ]
    )
    await advance(hass, freezer, JELLYFIN_INTERVAL * 5)
    assert stage(hass, first) == "available"


# --- Services going down, and keys that expire ------------------------------------------------------------


@pytest.fixture
def simulators(
    radarr: SimulatedArr, seerr: SimulatedSeerr, jellyfin: SimulatedJellyfin, qbittorrent: SimulatedQBittorrent
) -> dict[str, Any]:
    """Every polled service, simulated, by kind."""
    return {"radarr": radarr, "seerr": seerr, "jellyfin": jellyfin, "qbittorrent": qbittorrent}


@pytest.mark.parametrize("kind", POLLED_KINDS)
async def test_a_service_going_down_and_up_flips_its_connectivity_and_keeps_the_requests(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    tracker: MockConfigEntry,
    radarr: SimulatedArr,
    simulators: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    kind: str,
) -> None:
    service = simulators[kind]
    radarr_entry = await add_service(hass, tracker, "radarr", arr_input(radarr))
    subentry = radarr_entry if kind == "radarr" else await add_polled(hass, tracker, kind, service)
    await radarr.send(payloads.radarr_grab(MOVIE, download_id=HASH, release_title=RELEASE))
    await hass.async_block_till_done(wait_background_tasks=True)
    await advance(hass, freezer, EVERY_POLL)
    assert connectivity(hass, subentry) == STATE_ON
    assert stage(hass, FILM) == "grabbing"

    caplog.clear()
    await service.down()
    await advance(hass, freezer, EVERY_POLL * 3)
    assert connectivity(hass, subentry) == STATE_OFF
    assert stage(hass, FILM) == "grabbing", "the request is kept while its service is away"
    down_lines = [
        record for record in caplog.records if record.levelno >= logging.WARNING and subentry.title in record.message
    ]
    assert len(down_lines) == 1, "a service that stays down is logged once"

    await service.up()
    await advance(hass, freezer, EVERY_POLL)
    assert connectivity(hass, subentry) == STATE_ON
    assert stage(hass, FILM) == "grabbing"
    assert len(request_states(hass)) == 1


def _expire(kind: str, service: Any) -> dict[str, str]:
    """Change the credentials the simulated service accepts; return what the user types to fix it."""
    if kind == "qbittorrent":
        service.password = "a-new-password"
        service.expire_sessions()
        return {"username": service.username, "password": service.password}
    service.api_key = f"rotated-{kind}-key"
    return {"api_key": service.api_key}


@pytest.mark.parametrize("kind", POLLED_KINDS)
async def test_an_expired_key_starts_reauth_for_that_service(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    tracker: MockConfigEntry,
    simulators: dict[str, Any],
    kind: str,
) -> None:
    service = simulators[kind]
    subentry = await add_polled(hass, tracker, kind, service)
    assert connectivity(hass, subentry) == STATE_ON
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []

    new_credentials = _expire(kind, service)
    await advance(hass, freezer, EVERY_POLL)
    [flow] = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert flow["step_id"] == "reauth_confirm"
    assert flow["context"]["source"] == SOURCE_REAUTH
    assert flow["context"]["entry_id"] == tracker.entry_id
    assert connectivity(hass, subentry) == STATE_OFF

    shown = await hass.config_entries.flow.async_configure(flow["flow_id"])
    assert shown["description_placeholders"]["service"] == subentry.title, "the flow names the service"
    await advance(hass, freezer, EVERY_POLL)
    assert len(hass.config_entries.flow.async_progress_by_handler(DOMAIN)) == 1, "failing polls ask only once"

    result = await hass.config_entries.flow.async_configure(flow["flow_id"], new_credentials)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done(wait_background_tasks=True)
    await advance(hass, freezer, EVERY_POLL)
    assert connectivity(hass, tracker.subentries[subentry.subentry_id]) == STATE_ON


async def test_two_expired_keys_are_asked_for_one_after_the_other(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    tracker: MockConfigEntry,
    radarr: SimulatedArr,
    jellyfin: SimulatedJellyfin,
) -> None:
    radarr_entry = await add_polled(hass, tracker, "radarr", radarr)
    jellyfin_entry = await add_polled(hass, tracker, "jellyfin", jellyfin)
    fixes = {"radarr": _expire("radarr", radarr), "jellyfin": _expire("jellyfin", jellyfin)}
    titles = {radarr_entry.title: "radarr", jellyfin_entry.title: "jellyfin"}

    asked: list[str] = []
    for _ in titles:
        await advance(hass, freezer, EVERY_POLL)
        # Home Assistant runs one reauth flow per config entry at a time.
        [flow] = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        shown = await hass.config_entries.flow.async_configure(flow["flow_id"])
        kind = titles[shown["description_placeholders"]["service"]]
        asked.append(kind)
        result = await hass.config_entries.flow.async_configure(flow["flow_id"], fixes[kind])
        assert result["reason"] == "reauth_successful"
        await hass.async_block_till_done(wait_background_tasks=True)

    assert sorted(asked) == ["jellyfin", "radarr"]
    await advance(hass, freezer, EVERY_POLL)
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []
    assert connectivity(hass, radarr_entry) == STATE_ON
    assert connectivity(hass, jellyfin_entry) == STATE_ON


async def test_a_service_down_when_home_assistant_starts(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, tracker: MockConfigEntry, radarr: SimulatedArr
) -> None:
    subentry = await add_service(hass, tracker, "radarr", arr_input(radarr))
    await radarr.send(payloads.radarr_grab(MOVIE, download_id=HASH, release_title=RELEASE))
    await hass.async_block_till_done(wait_background_tasks=True)

    await radarr.down()
    assert await hass.config_entries.async_reload(tracker.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert tracker.state is ConfigEntryState.LOADED, "a service that is down does not keep the tracker from starting"
    assert connectivity(hass, subentry) == STATE_OFF
    assert stage(hass, FILM) == "grabbing"

    # Radarr comes back with the download in its queue: the catch-up poll finds it.
    radarr.set_queue([queue_record(record_id=1, download_id=HASH, title=RELEASE, size=SIZE, movie=MOVIE)])
    await radarr.up()
    await advance(hass, freezer, ARR_INTERVAL)
    assert connectivity(hass, subentry) == STATE_ON
    assert stage(hass, FILM) == "downloading"
