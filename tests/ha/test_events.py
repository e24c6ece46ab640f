"""The stage-changed event comes from the hub: it fires whether or not any entity exists, is enabled or is set up."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.media_request_tracker.const import EVENT_STAGE_CHANGED

from ..tracker.lifecycles import movie
from .conftest import feed

FILM = "sensor.media_request_tracker_the_film_1999"
LIFECYCLE = [
    (None, "requested"),
    ("requested", "approved"),
    ("approved", "grabbing"),
    ("grabbing", "downloading"),
    ("downloading", "downloaded"),
    ("downloaded", "importing"),
    ("importing", "available"),
]


def _moves(events: list) -> list[tuple[str | None, str]]:
    return [(event.data["from_stage"], event.data["to_stage"]) for event in events]


async def test_every_stage_change_fires_with_the_request_sensor_disabled(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    lifecycle = movie(metadata_first=False)
    await feed(hass, loaded_entry, lifecycle.evidence[:1])
    entity_registry.async_update_entity(FILM, disabled_by=er.RegistryEntryDisabler.USER)
    await hass.async_block_till_done()
    assert hass.states.get(FILM) is None
    events = async_capture_events(hass, EVENT_STAGE_CHANGED)
    for item in lifecycle.evidence[1:]:
        await feed(hass, loaded_entry, [item])
    assert _moves(events) == LIFECYCLE[1:]
    assert {event.data["entity_id"] for event in events} == {FILM}, "the disabled sensor is still named"
    logbook_state = hass.states.get("event.media_request_tracker_stage_changed")
    assert logbook_state.attributes["event_type"] == "available"


async def test_every_stage_change_fires_with_new_entities_disabled(
    hass: HomeAssistant, config_entry: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(config_entry, pref_disable_new_entities=True)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    events = async_capture_events(hass, EVENT_STAGE_CHANGED)
    for item in movie(metadata_first=False).evidence:
        await feed(hass, config_entry, [item])
    assert _moves(events) == LIFECYCLE
    assert hass.states.get(FILM) is None
    registered = entity_registry.async_get(FILM)
    assert registered is not None
    assert registered.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert {event.data["entity_id"] for event in events} == {FILM}, "a disabled sensor is still named"


async def test_stage_changes_before_the_platforms_are_set_up_fire(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    events = async_capture_events(hass, EVENT_STAGE_CHANGED)
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    # Straight after set-up, before anything else runs: a source's first poll may land exactly here.
    config_entry.runtime_data.hub.ingest(movie(metadata_first=False).evidence)
    await hass.async_block_till_done()
    assert _moves(events)[0] == (None, "requested")
    assert _moves(events)[-1] == ("importing", "available")
