"""Logbook lines for stage changes."""

from __future__ import annotations

from homeassistant.core import Event, HomeAssistant

from custom_components.media_request_tracker.const import DOMAIN, EVENT_STAGE_CHANGED
from custom_components.media_request_tracker.logbook import async_describe_events


async def test_stage_changes_are_described(hass: HomeAssistant) -> None:
    described = {}

    def collect(domain: str, event_type: str, describe) -> None:
        described[(domain, event_type)] = describe

    async_describe_events(hass, collect)
    describe = described[(DOMAIN, EVENT_STAGE_CHANGED)]
    moved = describe(
        Event(
            EVENT_STAGE_CHANGED,
            {"title": "The Film", "entity_id": "sensor.x", "from_stage": "anime_matching", "to_stage": "available"},
        )
    )
    assert moved == {"name": "The Film", "message": "moved from anime matching to available", "entity_id": "sensor.x"}
    new = describe(
        Event(
            EVENT_STAGE_CHANGED, {"title": None, "entity_id": "sensor.y", "from_stage": None, "to_stage": "requested"}
        )
    )
    assert new["name"] == "Media request"
    assert new["message"] == "is now tracked (requested)"
