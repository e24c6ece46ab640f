"""Base entity: every entity of the tracker belongs to the tracker's service device."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity

from .const import DOMAIN
from .hub import TrackerHub


class TrackerEntity(Entity):
    """An entity of the tracker; pushed, never polled."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, hub: TrackerHub, unique_id: str) -> None:
        """Attach the entity to the tracker's device."""
        self.hub = hub
        entry = hub.entry
        self._attr_unique_id = unique_id
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, entry.entry_id)},
            name=entry.title,
            entry_type=DeviceEntryType.SERVICE,
            manufacturer="Media Request Tracker",
        )
