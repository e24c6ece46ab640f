"""Stall detection: a request with no progress for its stage's limit gets a reason and a repair issue."""

from __future__ import annotations

from dataclasses import replace

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.media_request_tracker.const import DOMAIN

from ..tracker.lifecycles import movie
from .conftest import feed

FILM = "sensor.media_request_tracker_the_film_1999"


async def test_a_stalled_import_raises_and_clears_its_repair_issue(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, issue_registry: ir.IssueRegistry, freezer
) -> None:
    freezer.move_to("2026-01-01T00:00:00+00:00")
    now = 1767225600.0
    lifecycle = movie(anime=True)
    imported = [replace(e, at=now) for e in lifecycle.evidence[:7]]
    await feed(hass, loaded_entry, imported)
    assert hass.states.get(FILM).state == "importing"
    key = next(iter(loaded_entry.runtime_data.hub.tracker.requests))

    freezer.tick(29 * 60)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert hass.states.get(FILM).attributes["stalled"] is False, "within the 30 minutes importing may take"
    assert issue_registry.async_get_issue(DOMAIN, f"stalled_{key}") is None

    freezer.tick(2 * 60)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    attributes = hass.states.get(FILM).attributes
    assert attributes["stalled"] is True
    assert "Jellyfin has not listed it" in attributes["stalled_reason"]
    assert "Shokofin" in attributes["stalled_reason"], "anime: the VFS hint"
    issue = issue_registry.async_get_issue(DOMAIN, f"stalled_{key}")
    assert issue is not None
    assert issue.translation_key == "stalled_not_in_library"
    assert issue.translation_placeholders["title"] == "The Film (1999)"
    assert hass.states.get("sensor.media_request_tracker_stalled_requests").state == "1"

    freezer.tick(10 * 60)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert len([i for i in issue_registry.issues.values() if i.domain == DOMAIN]) == 1, "raised once"

    await feed(hass, loaded_entry, lifecycle.evidence[7:])
    assert hass.states.get(FILM).state == "available"
    assert hass.states.get(FILM).attributes["stalled"] is False
    assert issue_registry.async_get_issue(DOMAIN, f"stalled_{key}") is None
    assert hass.states.get("sensor.media_request_tracker_stalled_requests").state == "0"


async def test_removing_a_stalled_request_removes_its_issue(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, issue_registry: ir.IssueRegistry, freezer
) -> None:
    freezer.move_to("2026-01-01T00:00:00+00:00")
    grabbed = [replace(e, at=1767225600.0) for e in movie(metadata_first=False).evidence[:3]]
    await feed(hass, loaded_entry, grabbed)
    freezer.tick(31 * 60)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    key = next(iter(loaded_entry.runtime_data.hub.tracker.requests))
    assert issue_registry.async_get_issue(DOMAIN, f"stalled_{key}") is not None
    await hass.services.async_call(DOMAIN, "remove", {"entity_id": FILM}, blocking=True)
    assert issue_registry.async_get_issue(DOMAIN, f"stalled_{key}") is None
