"""An event entity that fires whenever a tracked request changes stage."""

from __future__ import annotations

from typing import Any

from homeassistant.components.event import EventEntity
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import TrackerEntity
from .hub import TrackerHub
from .runtime import MediaRequestTrackerConfigEntry
from .tracker import Stage

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant, entry: MediaRequestTrackerConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add the stage-changed event entity."""
    async_add_entities([StageChangedEvent(entry.runtime_data.hub)])


class StageChangedEvent(TrackerEntity, EventEntity):
    """Its event type is the stage a request entered; its attributes say which request and from where."""

    _attr_translation_key = "stage_changed"
    _attr_event_types = [stage.value for stage in Stage]

    def __init__(self, hub: TrackerHub) -> None:
        """Create the event entity of the tracker."""
        super().__init__(hub, f"{hub.entry.entry_id}-stage_changed")

    async def async_added_to_hass(self) -> None:
        """Listen for stage changes."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(self.hass, self.hub.signal_stage_changed, self._handle_stage_changed)
        )

    @callback
    def _handle_stage_changed(self, data: dict[str, Any]) -> None:
        attributes = {key: value for key, value in data.items() if key != "to_stage"}
        self._trigger_event(str(data["to_stage"]), attributes)
        self.async_write_ha_state()
