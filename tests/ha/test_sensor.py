"""The per-request sensors, the summary sensors, and the stage-changed event."""

from __future__ import annotations

import json

from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.json import JSONEncoder
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events, async_fire_time_changed

from custom_components.media_request_tracker.attributes import UNRECORDED_ATTRIBUTES
from custom_components.media_request_tracker.const import EVENT_STAGE_CHANGED
from custom_components.media_request_tracker.tracker import (
    DownloadFailed,
    DownloadProgress,
    ReleaseGrabbed,
    RequestAvailable,
    make_ids,
)

from ..tracker.lifecycles import MOVIE_HASH, movie, series
from .conftest import feed

FILM = "sensor.media_request_tracker_the_film_1999"
DOCUMENTED_ATTRIBUTES = {
    "title",
    "year",
    "media_type",
    "tmdb_id",
    "tvdb_id",
    "imdb_id",
    "seerr_request_id",
    "requested_by",
    "anime",
    "seasons",
    "progress",
    "download_speed",
    "eta",
    "size",
    "release",
    "episodes_total",
    "episodes",
    "stalled",
    "stalled_reason",
    "poster",
    "jellyfin_id",
    "timeline",
}


async def test_evidence_creates_a_sensor_with_the_documented_attributes(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    evidence = movie().evidence
    await feed(hass, loaded_entry, evidence[:5])
    state = hass.states.get(FILM)
    assert state.state == "downloading"
    assert set(state.attributes) >= DOCUMENTED_ATTRIBUTES
    assert state.attributes["device_class"] == "enum"
    assert "available" in state.attributes["options"]
    attributes = state.attributes
    assert attributes["title"] == "The Film"
    assert attributes["year"] == 1999
    assert attributes["media_type"] == "movie"
    assert attributes["tmdb_id"] == "603"
    assert attributes["seerr_request_id"] == "7"
    assert attributes["requested_by"] == "ana"
    assert attributes["progress"] == 50.0
    assert attributes["size"] == 4000
    assert attributes["download_speed"] == 100
    assert attributes["eta"] == 20
    assert attributes["stalled"] is False
    assert [step["stage"] for step in attributes["timeline"]] == [
        "requested",
        "approved",
        "searching",
        "grabbing",
        "downloading",
    ]
    assert set(attributes["timeline"][0]) == {"stage", "at", "source", "detail", "inferred"}


async def test_series_attributes_count_episodes_by_stage(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    lifecycle = series(per_episode=True, episodes=3)
    # The request, then four reports per episode: grab, progress, complete, import.
    # Episode 1 imported, episode 2 downloading, episode 3 grabbed.
    await feed(hass, loaded_entry, lifecycle.evidence[:8] + lifecycle.evidence[10:11])
    state = hass.states.get("sensor.media_request_tracker_the_show_2022")
    assert state.attributes["episodes_total"] == 3
    assert state.attributes["episodes"] == {"downloading": 1, "grabbing": 1, "importing": 1}
    assert state.state == "grabbing", "a series is as far as its least advanced episode"
    assert state.attributes["seasons"] == [1]


async def test_stage_changed_event_fires_once_per_real_change(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    events = async_capture_events(hass, EVENT_STAGE_CHANGED)
    lifecycle = movie(metadata_first=False)
    for item in lifecycle.evidence:
        await feed(hass, loaded_entry, [item])
    await feed(hass, loaded_entry, lifecycle.evidence)  # all of it again: nothing new
    stages = [(e.data["from_stage"], e.data["to_stage"]) for e in events]
    assert stages == [
        (None, "requested"),
        ("requested", "approved"),
        ("approved", "grabbing"),
        ("grabbing", "downloading"),
        ("downloading", "downloaded"),
        ("downloaded", "importing"),
        ("importing", "available"),
    ]
    last = events[-1].data
    assert last["entity_id"] == FILM
    assert last["title"] == "The Film"
    assert last["media_type"] == "movie"
    assert last["requested_by"] == "ana"
    event_state = hass.states.get("event.media_request_tracker_stage_changed")
    assert event_state.attributes["event_type"] == "available"
    assert event_state.attributes["entity_id"] == FILM


async def test_no_state_write_when_nothing_changed(hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer) -> None:
    lifecycle = movie()
    await feed(hass, loaded_entry, lifecycle.evidence[:5])
    before = hass.states.get(FILM)
    changed = async_capture_events(hass, EVENT_STATE_CHANGED)
    freezer.tick(60)
    await feed(hass, loaded_entry, lifecycle.evidence[:5])
    after = hass.states.get(FILM)
    assert after.last_reported == before.last_reported, "not even reported again"
    assert after.last_updated == before.last_updated
    assert changed == []


async def test_progress_only_writes_are_throttled(hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer) -> None:
    await feed(hass, loaded_entry, movie().evidence[:5])
    changed = async_capture_events(hass, EVENT_STATE_CHANGED)
    qbit = make_ids(download_ids=(MOVIE_HASH.lower(),))
    for percent in range(51, 100):
        report = DownloadProgress(source="qbit", at=100 + percent, ids=qbit, progress=percent / 100, size=4000)
        await feed(hass, loaded_entry, [report])
    film_writes = [e for e in changed if e.data["entity_id"] == FILM]
    assert len(film_writes) <= 1, "49 progress reports within seconds make at most one immediate write"
    freezer.tick(31)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert hass.states.get(FILM).attributes["progress"] == 99.0, "the latest progress is written, only later"


async def test_attributes_stay_under_16_kib_with_1000_timeline_events(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    lifecycle = movie()
    await feed(hass, loaded_entry, lifecycle.evidence[:2])
    media_ids = make_ids(tmdb=603, media_type="movie")
    # 500 grabs that each fail: every grab lifts the failure and every failure comes back, 1,000 stage changes.
    evidence = []
    for attempt in range(500):
        download = f"{attempt:040x}"
        ids = media_ids | make_ids(download_ids=(download,))
        reason = "stalled: " + "no seeds " * 40
        evidence += [
            ReleaseGrabbed(source="radarr", at=10 + attempt, ids=ids, release="R" * 300),
            DownloadFailed(source="radarr", at=10.5 + attempt, ids=ids, reason=reason),
        ]
    await feed(hass, loaded_entry, evidence)
    request = next(iter(loaded_entry.runtime_data.hub.tracker.requests.values()))
    assert len(request.timeline) + request.timeline_dropped >= 1000
    attributes = dict(hass.states.get(FILM).attributes)
    assert len(json.dumps(attributes, cls=JSONEncoder).encode()) < 16384
    recorded = {key: value for key, value in attributes.items() if key not in UNRECORDED_ATTRIBUTES}
    assert len(json.dumps(recorded, cls=JSONEncoder).encode()) < 4096
    assert attributes["timeline"][0]["stage"] == "requested", "the timeline keeps where the request started"


async def test_finished_requests_are_removed_after_the_retention_time(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, entity_registry: er.EntityRegistry, freezer
) -> None:
    freezer.move_to("2026-01-01T00:00:00+00:00")
    now = 1767225600.0
    lifecycle = movie()
    evidence = [*lifecycle.evidence[:-1]]
    await feed(hass, loaded_entry, evidence)
    key = next(iter(loaded_entry.runtime_data.hub.tracker.requests))
    loaded_entry.runtime_data.hub.apply_to(key, RequestAvailable(source="user", at=now))
    await hass.async_block_till_done()
    assert hass.states.get(FILM).state == "available"
    assert entity_registry.async_get(FILM) is not None

    freezer.tick(71 * 3600)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert hass.states.get(FILM) is not None, "still within the 72 h retention"

    freezer.tick(2 * 3600)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert hass.states.get(FILM) is None
    assert entity_registry.async_get(FILM) is None, "no orphan left in the entity registry"
    assert loaded_entry.runtime_data.hub.tracker.requests == {}


async def test_summary_sensors_count_requests(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    await feed(hass, loaded_entry, movie().evidence[:5])
    await feed(hass, loaded_entry, series().evidence[:2])
    assert hass.states.get("sensor.media_request_tracker_active_requests").state == "2"
    assert hass.states.get("sensor.media_request_tracker_downloading_requests").state == "1"
    assert hass.states.get("sensor.media_request_tracker_stalled_requests").state == "0"
    await feed(hass, loaded_entry, movie().evidence[5:])
    assert hass.states.get("sensor.media_request_tracker_active_requests").state == "1"
    assert hass.states.get("sensor.media_request_tracker_downloading_requests").state == "0"


async def test_a_later_title_renames_the_sensor(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    lifecycle = movie()
    grab = lifecycle.evidence[3]
    assert isinstance(grab, ReleaseGrabbed)
    anonymous = ReleaseGrabbed(source=grab.source, at=grab.at, ids=grab.ids, release=grab.release)
    await feed(hass, loaded_entry, [anonymous])
    key = next(iter(loaded_entry.runtime_data.hub.tracker.requests))
    entity_id = f"sensor.media_request_tracker_request_{key}"
    assert hass.states.get(entity_id).attributes["friendly_name"] == f"Media Request Tracker Request {key}"
    await feed(hass, loaded_entry, lifecycle.evidence[:2])
    assert hass.states.get(entity_id).attributes["friendly_name"] == "Media Request Tracker The Film (1999)"
