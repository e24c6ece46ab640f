"""Logbook lines for requests changing stage."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.components.logbook.const import (
    LOGBOOK_ENTRY_ENTITY_ID,
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import Event, HomeAssistant, callback

from .const import DOMAIN, EVENT_STAGE_CHANGED


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, Any]]], None],
) -> None:
    """Describe the stage-changed event."""

    @callback
    def describe(event: Event) -> dict[str, Any]:
        data = event.data
        to_stage = str(data.get("to_stage", "")).replace("_", " ")
        if data.get("from_stage") is None:
            message = f"is now tracked ({to_stage})"
        else:
            message = f"moved from {str(data['from_stage']).replace('_', ' ')} to {to_stage}"
        return {
            LOGBOOK_ENTRY_NAME: data.get("title") or "Media request",
            LOGBOOK_ENTRY_MESSAGE: message,
            LOGBOOK_ENTRY_ENTITY_ID: data.get(ATTR_ENTITY_ID),
        }

    async_describe_event(DOMAIN, EVENT_STAGE_CHANGED, describe)
