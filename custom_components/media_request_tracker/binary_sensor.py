"""A connectivity sensor for every polled service instance, on that instance's device."""

from __future__ import annotations

from homeassistant.components.binary_sensor import BinarySensorDeviceClass, BinarySensorEntity
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity
from yarl import URL

from .const import DOMAIN
from .coordinator import ServiceCoordinator
from .runtime import MediaRequestTrackerConfigEntry

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant, entry: MediaRequestTrackerConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add a connectivity sensor per polled service, each under its service's subentry."""
    for subentry_id, service in entry.runtime_data.services.items():
        if service.coordinator is not None:
            entity = ServiceConnectivity(service.coordinator, service.kind.name)
            async_add_entities([entity], config_subentry_id=subentry_id)


class ServiceConnectivity(CoordinatorEntity[ServiceCoordinator], BinarySensorEntity):
    """On while the service answers its polls."""

    _attr_device_class = BinarySensorDeviceClass.CONNECTIVITY
    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_has_entity_name = True
    _attr_translation_key = "connectivity"

    def __init__(self, coordinator: ServiceCoordinator, manufacturer: str) -> None:
        """Describe the service's device."""
        super().__init__(coordinator)
        config = coordinator.config
        self._attr_unique_id = f"{config.subentry_id}-connectivity"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, config.subentry_id)},
            name=config.title,
            manufacturer=manufacturer,
            entry_type=DeviceEntryType.SERVICE,
            configuration_url=str(URL(config.url).with_user(None)),
        )

    @property
    def available(self) -> bool:
        """Always: being unreachable is what this sensor reports."""
        return True

    @property
    def is_on(self) -> bool:
        """Whether the last poll succeeded."""
        return self.coordinator.last_update_success
