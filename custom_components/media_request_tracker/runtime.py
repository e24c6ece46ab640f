"""What a loaded config entry holds (`entry.runtime_data`): the hub and the configured services."""

from __future__ import annotations

from dataclasses import dataclass, field

from homeassistant.config_entries import ConfigEntry

from .coordinator import ServiceCoordinator
from .hub import TrackerHub
from .kind import ServiceInstance


@dataclass(kw_only=True)
class TrackerData:
    """The runtime data of the tracker's config entry."""

    hub: TrackerHub
    services: dict[str, ServiceInstance] = field(default_factory=dict)
    """The configured services, by subentry id."""

    @property
    def coordinators(self) -> dict[str, ServiceCoordinator]:
        """The pollers (and Shoko's event stream) of the services that have one, by subentry id."""
        return {sid: service.coordinator for sid, service in self.services.items() if service.coordinator}


type MediaRequestTrackerConfigEntry = ConfigEntry[TrackerData]
