"""Which requests have a sensor: every unfinished one and the most recently finished ones."""

from __future__ import annotations

from dataclasses import replace
from unittest.mock import Mock, patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.media_request_tracker import attributes
from custom_components.media_request_tracker.config_flow import DEFAULT_OPTIONS
from custom_components.media_request_tracker.const import CONF_FINISHED_SENSORS, DOMAIN, PROGRESS_WRITE_INTERVAL_SECONDS
from custom_components.media_request_tracker.ids import request_unique_id
from custom_components.media_request_tracker.tracker import DownloadProgress, Evidence, make_ids
from custom_components.media_request_tracker.tracker.stages import FINISHED_STAGES

from ..tracker.lifecycles import MOVIE_HASH, movie
from .conftest import ENTRY_ID, feed, setup_integration


def _film(number: int) -> list[Evidence]:
    """A movie's whole lifecycle, with ids of its own, each later than the one before."""
    return [
        replace(item, ids=frozenset((kind, f"{value}-{number}") for kind, value in item.ids), at=item.at + 100 * number)
        for item in movie().evidence
    ]


def _sensor(hass: HomeAssistant, key: str) -> str | None:
    return er.async_get(hass).async_get_entity_id("sensor", DOMAIN, request_unique_id(ENTRY_ID, key))


async def _get_requests(hass: HomeAssistant) -> dict[str, str | None]:
    answer = await hass.services.async_call(DOMAIN, "get_requests", {}, blocking=True, return_response=True)
    assert answer is not None
    return {found["request_key"]: found["entity_id"] for found in answer["requests"]}  # type: ignore[union-attr]


async def test_finished_requests_beyond_the_limit_have_no_sensor_but_are_reported(hass: HomeAssistant) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id=DOMAIN, entry_id=ENTRY_ID, options={**DEFAULT_OPTIONS, CONF_FINISHED_SENSORS: 2}
    )
    await setup_integration(hass, entry)
    tracker = entry.runtime_data.hub.tracker
    finished = []
    for number in range(4):
        (change, *_) = await feed(hass, entry, _film(number))
        finished.append(change.request.key)
    (change, *_) = await feed(hass, entry, _film(9)[:3])
    unfinished = change.request.key
    assert tracker.requests[unfinished].stage not in FINISHED_STAGES

    # The two most recently finished and the unfinished one have a sensor; the others only get_requests reports.
    with_sensor = {finished[2], finished[3], unfinished}
    assert {key for key in tracker.requests if _sensor(hass, key)} == with_sensor
    for key in with_sensor:
        assert hass.states.get(_sensor(hass, key)).state == tracker.requests[key].stage.value
    reported = await _get_requests(hass)
    assert set(reported) == set(tracker.requests)
    assert reported[finished[0]] is None
    assert reported[finished[1]] is None
    assert reported[finished[3]] == _sensor(hass, finished[3])
    assert len(hass.states.async_all("sensor")) == 3 + 3  # the summaries and three request sensors

    # After a restart, the same.
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert set(entry.runtime_data.hub.tracker.requests) == {*finished, unfinished}
    assert {key for key in entry.runtime_data.hub.tracker.requests if _sensor(hass, key)} == with_sensor

    # The unfinished one finishes: it pushes out the longest finished of those shown.
    await feed(hass, entry, _film(9)[3:])
    assert {key for key in tracker.requests if _sensor(hass, key)} == {finished[3], unfinished}


async def test_progress_alone_does_not_build_the_timeline_again(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    lifecycle = movie(metadata_first=False).evidence
    (change, *_) = await feed(hass, loaded_entry, lifecycle[:3])
    entity_id = _sensor(hass, change.request.key)
    download = make_ids(download_ids=(MOVIE_HASH.lower(),))
    at = dt_util.utcnow().timestamp()
    await feed(hass, loaded_entry, [DownloadProgress(source="qbit", at=at, ids=download, progress=0.01)])
    assert hass.states.get(entity_id).state == "downloading"
    built = Mock(wraps=attributes.timeline_attribute)
    with patch.object(attributes, "timeline_attribute", built):
        for step in range(1, 6):
            freezer.tick(PROGRESS_WRITE_INTERVAL_SECONDS)
            at = dt_util.utcnow().timestamp()
            await feed(hass, loaded_entry, [DownloadProgress(source="qbit", at=at, ids=download, progress=step / 10)])
        assert hass.states.get(entity_id).attributes["progress"] == 50.0
        assert built.call_count == 0

        # A new stage is a new timeline entry: built once more, and shown.
        await feed(hass, loaded_entry, lifecycle[3:])
    assert built.call_count == 1
    assert hass.states.get(entity_id).attributes["timeline"][-1]["stage"] == "available"


async def test_a_sensor_taken_away_while_being_added_goes(hass: HomeAssistant) -> None:
    """Two requests finish in one batch with room for one sensor: the first one's is removed as it is added."""
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id=DOMAIN, entry_id=ENTRY_ID, options={**DEFAULT_OPTIONS, CONF_FINISHED_SENSORS: 1}
    )
    await setup_integration(hass, entry)
    changes = await feed(hass, entry, [*_film(0), *_film(1)])
    first, second = dict.fromkeys(change.request.key for change in changes)
    assert _sensor(hass, first) is None
    assert hass.states.get(_sensor(hass, second)).state == "available"
    assert len(hass.states.async_all("sensor")) == 3 + 1
    assert set(await _get_requests(hass)) == {first, second}
