"""Actions on tracked requests: poll now, search again, approve, decline, remove, mark available, list them.

Every action that names requests checks all of them (and what it would ask of their services) before it changes
anything, so a call with one bad target does nothing at all.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, entity_registry as er
from homeassistant.util import dt as dt_util
from homeassistant.util.json import JsonValueType
import voluptuous as vol

from .attributes import timeline_attribute
from .const import DOMAIN
from .ids import request_key
from .runtime import MediaRequestTrackerConfigEntry, TrackerData
from .tracker import Note, RequestAvailable, Stage, TrackedRequest
from .upstream import USER_SOURCE, Upstream

SERVICE_REFRESH = "refresh"
SERVICE_SEARCH_AGAIN = "search_again"
SERVICE_APPROVE = "approve"
SERVICE_DECLINE = "decline"
SERVICE_REMOVE = "remove"
SERVICE_MARK_AVAILABLE = "mark_available"
SERVICE_GET_REQUESTS = "get_requests"

ATTR_REASON = "reason"
ATTR_STAGE = "stage"
ATTR_MEDIA_TYPE = "media_type"
ATTR_REQUESTED_BY = "requested_by"
ATTR_STALLED = "stalled"

REQUEST_SCHEMA = vol.Schema({vol.Required(ATTR_ENTITY_ID): cv.entity_ids})
REFRESH_SCHEMA = vol.Schema({vol.Optional(ATTR_ENTITY_ID): cv.entity_ids})
DECLINE_SCHEMA = REQUEST_SCHEMA.extend({vol.Optional(ATTR_REASON): vol.All(cv.string, vol.Length(max=500))})
GET_REQUESTS_SCHEMA = vol.Schema(
    {
        vol.Optional(ATTR_STAGE): vol.All(cv.ensure_list, [vol.In([stage.value for stage in Stage])]),
        vol.Optional(ATTR_MEDIA_TYPE): vol.In(["movie", "tv"]),
        vol.Optional(ATTR_REQUESTED_BY): cv.string,
        vol.Optional(ATTR_STALLED): cv.boolean,
    }
)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions."""
    register = hass.services.async_register
    register(DOMAIN, SERVICE_REFRESH, _async_refresh, schema=REFRESH_SCHEMA)
    register(DOMAIN, SERVICE_SEARCH_AGAIN, _async_search_again, schema=REQUEST_SCHEMA)
    register(DOMAIN, SERVICE_APPROVE, _async_approve, schema=REQUEST_SCHEMA)
    register(DOMAIN, SERVICE_DECLINE, _async_decline, schema=DECLINE_SCHEMA)
    register(DOMAIN, SERVICE_REMOVE, _async_remove, schema=REQUEST_SCHEMA)
    register(DOMAIN, SERVICE_MARK_AVAILABLE, _async_mark_available, schema=REQUEST_SCHEMA)
    register(
        DOMAIN,
        SERVICE_GET_REQUESTS,
        _async_get_requests,
        schema=GET_REQUESTS_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )


async def _async_refresh(call: ServiceCall) -> None:
    """Poll every service now (of the named requests' trackers, or of every tracker)."""
    if ATTR_ENTITY_ID in call.data:
        trackers = list({id(data): data for data, _key in _requests(call)}.values())
    else:
        trackers = [entry.runtime_data for entry in _loaded_entries(call.hass)]
    if not trackers:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="not_loaded")
    coordinators = [coordinator for data in trackers for coordinator in data.coordinators.values()]
    await asyncio.gather(*(coordinator.async_request_refresh() for coordinator in coordinators))


async def _async_search_again(call: ServiceCall) -> None:
    """Ask each request's Radarr/Sonarr to search again for what is neither in the library nor downloading."""
    targets = [(Upstream(data), key) for data, key in _requests(call)]
    planned = [(upstream, key, upstream.search_targets(key)) for upstream, key in targets]
    for upstream, key, searches in planned:
        await upstream.search_again(key, searches)


async def _async_approve(call: ServiceCall) -> None:
    """Approve pending Seerr requests."""
    await _moderate(call, approve=True)


async def _async_decline(call: ServiceCall) -> None:
    """Decline pending Seerr requests, with an optional reason for the timeline."""
    await _moderate(call, approve=False)


async def _moderate(call: ServiceCall, *, approve: bool) -> None:
    targets = [(Upstream(data), key) for data, key in _requests(call)]
    planned = [(upstream, key, upstream.seerr_target(key)) for upstream, key in targets]
    by = await _person(call)
    for upstream, key, target in planned:
        await upstream.moderate(key, target, approve=approve, by=by, reason=call.data.get(ATTR_REASON))


async def _async_remove(call: ServiceCall) -> None:
    """Stop tracking requests (their sensors are removed)."""
    for data, key in _requests(call):
        data.hub.remove_request(key)


async def _async_mark_available(call: ServiceCall) -> None:
    """Mark requests available by hand (for media that reached the library some other way): a person's word."""
    found = _requests(call)
    by = await _person(call)
    now = dt_util.utcnow().timestamp()
    for data, key in found:
        data.hub.apply_to(key, RequestAvailable(source=USER_SOURCE, at=now))
        Upstream(data).note(key, USER_SOURCE, Note.of("marked_available", by=by))


async def _async_get_requests(call: ServiceCall) -> ServiceResponse:
    """The tracked requests that match the filters, each with its sensor, attributes and whole timeline."""
    found: list[dict[str, Any]] = []
    for entry in _loaded_entries(call.hass):
        hub = entry.runtime_data.hub
        for request in sorted(hub.tracker.requests.values(), key=lambda r: r.created_at, reverse=True):
            if not _matches(request, call.data):
                continue
            attributes = hub.attributes(request)
            attributes.pop("timeline")
            found.append(
                {
                    "entity_id": hub.entity_id(request.key),
                    "request_key": request.key,
                    "stage": request.stage.value,
                    "attributes": attributes,
                    "timeline": timeline_attribute(request, hub.source_names, limit=None),
                }
            )
    return {"requests": cast(list[JsonValueType], found)}


def _matches(request: TrackedRequest, filters: dict[str, Any]) -> bool:
    if (stages := filters.get(ATTR_STAGE)) and request.stage.value not in stages:
        return False
    if (media_type := filters.get(ATTR_MEDIA_TYPE)) and request.media_type != media_type:
        return False
    wanted = filters.get(ATTR_REQUESTED_BY)
    if wanted and (request.requested_by or "").casefold() != wanted.casefold():
        return False
    return ATTR_STALLED not in filters or (request.stall is not None) == filters[ATTR_STALLED]


async def _person(call: ServiceCall) -> str | None:
    """The name of the person who called the action (None for an automation or a script without one)."""
    if call.context.user_id is None:
        return None
    user = await call.hass.auth.async_get_user(call.context.user_id)
    return user.name if user is not None else None


def _loaded_entries(hass: HomeAssistant) -> list[MediaRequestTrackerConfigEntry]:
    return [entry for entry in hass.config_entries.async_entries(DOMAIN) if entry.state is ConfigEntryState.LOADED]


def _requests(call: ServiceCall) -> list[tuple[TrackerData, str]]:
    """The tracker and request key behind each entity of the call; all are checked before any is touched."""
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
        found.append((entry.runtime_data, key))
    return found
