"""The remove and mark-available actions."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.media_request_tracker.const import DOMAIN

from ..tracker.lifecycles import movie, series
from .conftest import feed

FILM = "sensor.media_request_tracker_the_film_1999"
SHOW = "sensor.media_request_tracker_the_show_2022"


async def test_mark_available(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    await feed(hass, loaded_entry, movie().evidence[:7])
    await hass.services.async_call(DOMAIN, "mark_available", {"entity_id": FILM}, blocking=True)
    state = hass.states.get(FILM)
    assert state.state == "available"
    assert state.attributes["timeline"][-1]["source"] == "user"


async def test_remove(hass: HomeAssistant, loaded_entry: MockConfigEntry, entity_registry: er.EntityRegistry) -> None:
    await feed(hass, loaded_entry, movie().evidence[:3])
    await feed(hass, loaded_entry, series().evidence[:2])
    await hass.services.async_call(DOMAIN, "remove", {"entity_id": [FILM]}, blocking=True)
    await hass.async_block_till_done()
    assert hass.states.get(FILM) is None
    assert entity_registry.async_get(FILM) is None
    assert hass.states.get(SHOW) is not None
    assert [r.title for r in loaded_entry.runtime_data.hub.tracker.requests.values()] == ["The Show"]


async def test_an_entity_that_is_not_a_request_is_refused_and_nothing_changes(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    await feed(hass, loaded_entry, movie().evidence[:3])
    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(
            DOMAIN,
            "remove",
            {"entity_id": [FILM, "sensor.media_request_tracker_active_requests"]},
            blocking=True,
        )
    assert raised.value.translation_key == "not_a_request"
    assert hass.states.get(FILM) is not None, "the valid entity in the same call was not touched either"
