"""Actions on tracked requests."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, entity_registry as er
from homeassistant.util import dt as dt_util
import voluptuous as vol

from .const import DOMAIN
from .hub import TrackerHub
from .ids import request_key
from .runtime import MediaRequestTrackerConfigEntry
from .tracker import RequestAvailable

SERVICE_REMOVE = "remove"
SERVICE_MARK_AVAILABLE = "mark_available"

REQUEST_SCHEMA = vol.Schema({vol.Required(ATTR_ENTITY_ID): cv.entity_ids})


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions."""
    hass.services.async_register(DOMAIN, SERVICE_REMOVE, _async_remove, schema=REQUEST_SCHEMA)
    hass.services.async_register(DOMAIN, SERVICE_MARK_AVAILABLE, _async_mark_available, schema=REQUEST_SCHEMA)


async def _async_remove(call: ServiceCall) -> None:
    """Stop tracking requests (their sensors are removed)."""
    for hub, key in _requests(call):
        hub.remove_request(key)


async def _async_mark_available(call: ServiceCall) -> None:
    """Mark requests available by hand (for media that reached the library some other way)."""
    now = dt_util.utcnow().timestamp()
    for hub, key in _requests(call):
        hub.apply_to(key, RequestAvailable(source="user", at=now))


def _requests(call: ServiceCall) -> list[tuple[TrackerHub, str]]:
    """The hub and request key behind each entity of the call; all are checked before any is touched."""
    registry = er.async_get(call.hass)
    found = []
    for entity_id in call.data[ATTR_ENTITY_ID]:
        registry_entry = registry.async_get(entity_id)
        key = request_key(registry_entry.unique_id) if registry_entry and registry_entry.platform == DOMAIN else None
        if registry_entry is None or key is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="not_a_request",
                translation_placeholders={"entity_id": entity_id},
            )
        entry: MediaRequestTrackerConfigEntry | None = call.hass.config_entries.async_get_entry(
            registry_entry.config_entry_id or ""
        )
        if (
            entry is None
            or entry.state is not ConfigEntryState.LOADED
            or key not in entry.runtime_data.hub.tracker.requests
        ):
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="request_not_loaded",
                translation_placeholders={"entity_id": entity_id},
            )
        found.append((entry.runtime_data.hub, key))
    return found
