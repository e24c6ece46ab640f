"""The actions on requests that need no upstream service: remove, mark available, get requests; refusals."""

from __future__ import annotations

from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, MockUser
import voluptuous as vol

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


async def test_mark_available_names_the_person(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, hass_admin_user: MockUser
) -> None:
    await feed(hass, loaded_entry, movie().evidence[:7])
    context = Context(user_id=hass_admin_user.id)
    await hass.services.async_call(DOMAIN, "mark_available", {"entity_id": FILM}, blocking=True, context=context)
    last = hass.states.get(FILM).attributes["timeline"][-1]
    assert (last["stage"], last["source"], last["detail"]) == (
        "available",
        "user",
        f"marked available by {hass_admin_user.name}",
    )


async def test_get_requests_filters_and_answers_with_attributes_and_timeline(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    await feed(hass, loaded_entry, movie().evidence)
    await feed(hass, loaded_entry, series().evidence[:3])

    async def get(**filters: object) -> list[dict]:
        answer = await hass.services.async_call(DOMAIN, "get_requests", filters, blocking=True, return_response=True)
        assert answer is not None
        return answer["requests"]  # type: ignore[return-value]

    everything = await get()
    assert {found["entity_id"]: found["stage"] for found in everything} == {SHOW: "grabbing", FILM: "available"}
    film = next(found for found in everything if found["entity_id"] == FILM)
    assert film["attributes"]["title"] == "The Film"
    assert "timeline" not in film["attributes"]
    assert [step["stage"] for step in film["timeline"]][-2:] == ["importing", "available"]
    assert [found["entity_id"] for found in await get(stage=["available"])] == [FILM]
    assert [found["entity_id"] for found in await get(media_type="tv")] == [SHOW]
    assert [found["entity_id"] for found in await get(requested_by="ANA")] == [FILM]
    assert [found["entity_id"] for found in await get(stalled=True)] == []
    assert len(await get(stalled=False)) == 2


async def test_get_requests_refuses_an_unknown_stage(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    with pytest.raises(vol.Invalid):
        await hass.services.async_call(DOMAIN, "get_requests", {"stage": "lost"}, blocking=True, return_response=True)


async def test_actions_on_a_tracker_that_is_not_loaded_are_refused(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    await feed(hass, loaded_entry, movie().evidence[:3])
    await hass.config_entries.async_unload(loaded_entry.entry_id)
    for action in ("approve", "decline", "search_again", "refresh"):
        with pytest.raises(ServiceValidationError) as raised:
            await hass.services.async_call(DOMAIN, action, {"entity_id": FILM}, blocking=True)
        assert raised.value.translation_key == "request_not_loaded", action
