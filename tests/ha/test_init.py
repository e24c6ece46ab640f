"""Setting up, unloading and restarting the integration."""

from __future__ import annotations

from homeassistant import loader
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_test_home_assistant

from custom_components.media_request_tracker.const import DOMAIN
from custom_components.media_request_tracker.tracker.serialization import dump_request

from ..tracker.lifecycles import movie, series
from .conftest import ENTRY_ID, feed, setup_integration


async def test_setup_and_unload(hass: HomeAssistant, config_entry: MockConfigEntry) -> None:
    await setup_integration(hass, config_entry)
    assert config_entry.state is ConfigEntryState.LOADED
    assert hass.states.get("sensor.media_request_tracker_active_requests").state == "0"
    assert hass.states.get("event.media_request_tracker_stage_changed") is not None

    assert await hass.config_entries.async_unload(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.NOT_LOADED
    assert hass.states.get("sensor.media_request_tracker_active_requests").state == "unavailable"


async def test_reload_keeps_requests(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    await feed(hass, loaded_entry, movie().evidence[:4])
    assert await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert hass.states.get("sensor.media_request_tracker_the_film_1999").state == "downloading"


async def test_restart_restores_every_request_and_timeline(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, hass_storage: dict
) -> None:
    lifecycle = series(per_episode=True)
    await feed(hass, loaded_entry, lifecycle.evidence[:-3])
    await feed(hass, loaded_entry, movie(anime=True).evidence[:6])
    before = {key: dump_request(r) for key, r in loaded_entry.runtime_data.hub.tracker.requests.items()}
    assert len(before) == 2
    shown_before = {s.entity_id: (s.state, s.attributes["timeline"]) for s in _request_states(hass)}
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    await hass.async_block_till_done()

    # A new Home Assistant with the same (in-memory) storage.
    async with async_test_home_assistant(config_dir=hass.config.config_dir) as new_hass:
        new_hass.data.pop(loader.DATA_CUSTOM_COMPONENTS)
        entry = MockConfigEntry(
            domain=DOMAIN,
            title=loaded_entry.title,
            unique_id=DOMAIN,
            entry_id=ENTRY_ID,
            options=dict(loaded_entry.options),
        )
        await setup_integration(new_hass, entry)
        after = {key: dump_request(r) for key, r in entry.runtime_data.hub.tracker.requests.items()}
        assert after == before
        shown_after = {s.entity_id: (s.state, s.attributes["timeline"]) for s in _request_states(new_hass)}
        assert shown_after == shown_before
        film_state, film_timeline = shown_after["sensor.media_request_tracker_the_film_1999"]
        assert film_state == "downloaded"
        assert [step["stage"] for step in film_timeline] == [
            "requested",
            "approved",
            "searching",
            "grabbing",
            "downloading",
            "downloaded",
        ]
        assert await new_hass.config_entries.async_unload(entry.entry_id)
        await new_hass.async_block_till_done()
        await new_hass.async_stop(force=True)


async def test_store_is_written_after_changes(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, hass_storage: dict, freezer
) -> None:
    await feed(hass, loaded_entry, movie().evidence[:2])
    freezer.tick(15)
    from pytest_homeassistant_custom_component.common import async_fire_time_changed

    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    (_request,) = loaded_entry.runtime_data.hub.tracker.requests.values()
    # Unfinished, the request is kept in the main file with the others a poll moves.
    stored = hass_storage[f"{DOMAIN}.{ENTRY_ID}"]
    assert stored["version"] == 2
    assert [r["title"] for r in stored["data"]["requests"]] == ["The Film"]


async def test_orphaned_request_entities_are_removed_at_setup(
    hass: HomeAssistant, config_entry: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    config_entry.add_to_hass(hass)
    orphan = entity_registry.async_get_or_create(
        "sensor", DOMAIN, f"{ENTRY_ID}-request-gone", config_entry=config_entry
    )
    await setup_integration(hass, config_entry)
    assert entity_registry.async_get(orphan.entity_id) is None


async def test_corrupt_store_starts_empty(
    hass: HomeAssistant, config_entry: MockConfigEntry, hass_storage: dict
) -> None:
    hass_storage[f"{DOMAIN}.{ENTRY_ID}"] = {"version": 1, "minor_version": 1, "key": "x", "data": {"version": 99}}
    await setup_integration(hass, config_entry)
    assert config_entry.state is ConfigEntryState.LOADED
    assert config_entry.runtime_data.hub.tracker.requests == {}


def _request_states(hass: HomeAssistant) -> list:
    return [state for state in hass.states.async_all("sensor") if "timeline" in state.attributes]
