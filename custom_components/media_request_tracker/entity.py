"""Base entity: every entity of the tracker belongs to the tracker's service device."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity

from .const import DOMAIN
from .runtime import TrackerRuntime


class TrackerEntity(Entity):
    """An entity of the tracker; pushed, never polled."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, runtime: TrackerRuntime, unique_suffix: str) -> None:
        """Attach the entity to the tracker's device."""
        self.runtime = runtime
        entry = runtime.entry
        self._attr_unique_id = f"{entry.entry_id}-{unique_suffix}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, entry.entry_id)},
            name=entry.title,
            entry_type=DeviceEntryType.SERVICE,
            manufacturer="Media Request Tracker",
        )
