"""Sensors: one per tracked request (its stage), and summaries of all of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
import time
from typing import Any

from homeassistant.components.sensor import SensorDeviceClass, SensorEntity, SensorEntityDescription, SensorStateClass
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.event import async_call_later

from .attributes import UNRECORDED_ATTRIBUTES, VOLATILE_ATTRIBUTES, display_name
from .const import PROGRESS_WRITE_INTERVAL_SECONDS
from .entity import TrackerEntity
from .hub import TrackerHub
from .ids import request_key, request_unique_id
from .runtime import MediaRequestTrackerConfigEntry
from .tracker import Change, Stage, Tracker

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant, entry: MediaRequestTrackerConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add the summary sensors and a sensor for every request, now and whenever a new one appears."""
    hub = entry.runtime_data.hub
    _remove_orphans(hass, hub)
    async_add_entities(SummarySensor(hub, description) for description in SUMMARIES)
    async_add_entities(RequestSensor(hub, key) for key in hub.tracker.requests)

    @callback
    def add_new_request(change: Change) -> None:
        async_add_entities([RequestSensor(hub, change.request.key)])

    entry.async_on_unload(async_dispatcher_connect(hass, hub.signal_new_request, add_new_request))


def _remove_orphans(hass: HomeAssistant, hub: TrackerHub) -> None:
    """Remove registry entries of requests that are no longer tracked (removed while Home Assistant was off)."""
    registry = er.async_get(hass)
    for registry_entry in er.async_entries_for_config_entry(registry, hub.entry.entry_id):
        key = request_key(registry_entry.unique_id)
        if registry_entry.domain == "sensor" and key is not None and key not in hub.tracker.requests:
            registry.async_remove(registry_entry.entity_id)


class RequestSensor(TrackerEntity, SensorEntity):
    """A tracked request: its state is the stage, its attributes the details."""

    _attr_device_class = SensorDeviceClass.ENUM
    _attr_options = [stage.value for stage in Stage]
    _attr_translation_key = "request"
    _unrecorded_attributes = UNRECORDED_ATTRIBUTES

    def __init__(self, hub: TrackerHub, key: str) -> None:
        """Follow one request."""
        super().__init__(hub, request_unique_id(hub.entry.entry_id, key))
        self._key = key
        request = hub.tracker.requests[key]
        self._attr_name = display_name(request)
        self._written: tuple[str, dict[str, Any]] = (
            request.stage.value,
            hub.attributes(request),
        )
        self._written_at = 0.0
        self._cancel_delayed_write: CALLBACK_TYPE | None = None

    @property
    def native_value(self) -> str:
        """The request's stage."""
        return self._written[0]

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """The request's details."""
        return self._written[1]

    async def async_added_to_hass(self) -> None:
        """Listen for changes of the request."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(self.hass, self.hub.signal_request_updated(self._key), self._handle_change)
        )
        self.async_on_remove(self._cancel_delayed)
        self._written_at = time.monotonic()

    @callback
    def _handle_change(self, change: Change) -> None:
        request = self.hub.tracker.requests.get(self._key)
        if request is None:
            return
        if (name := display_name(request)) != self._attr_name:
            # The first source may not have known the title; a rename is a change worth writing at once.
            self._attr_name = name
            self._written_at = 0.0
        self._write(request.stage.value, self.hub.attributes(request))

    @callback
    def _write(self, state: str, attributes: dict[str, Any]) -> None:
        """Write only real changes, and progress-only changes at most every PROGRESS_WRITE_INTERVAL_SECONDS."""
        if (state, attributes) == self._written:
            return
        old_state, old_attributes = self._written
        self._written = (state, attributes)
        wait = PROGRESS_WRITE_INTERVAL_SECONDS - (time.monotonic() - self._written_at)
        if state == old_state and _only_volatile_changed(old_attributes, attributes) and wait > 0:
            if self._cancel_delayed_write is None:
                self._cancel_delayed_write = async_call_later(self.hass, wait, self._delayed_write)
            return
        self._flush()

    @callback
    def _delayed_write(self, _now: object) -> None:
        self._cancel_delayed_write = None
        self._flush()

    @callback
    def _flush(self) -> None:
        self._cancel_delayed()
        self._written_at = time.monotonic()
        if self.hass is not None:
            self.async_write_ha_state()

    @callback
    def _cancel_delayed(self) -> None:
        if self._cancel_delayed_write is not None:
            self._cancel_delayed_write()
            self._cancel_delayed_write = None


def _only_volatile_changed(old: dict[str, Any], new: dict[str, Any]) -> bool:
    return all(old.get(key) == value or key in VOLATILE_ATTRIBUTES for key, value in new.items())


@dataclass(frozen=True, kw_only=True)
class SummaryDescription(SensorEntityDescription):
    """A count over all tracked requests."""

    count_fn: Callable[[Tracker], int]


SUMMARIES: tuple[SummaryDescription, ...] = (
    SummaryDescription(
        key="active",
        translation_key="active",
        count_fn=lambda tracker: tracker.counts["active"],
    ),
    SummaryDescription(
        key="downloading",
        translation_key="downloading",
        count_fn=lambda tracker: tracker.counts["downloading"],
    ),
    SummaryDescription(
        key="stalled",
        translation_key="stalled",
        count_fn=lambda tracker: tracker.counts["stalled"],
    ),
)


class SummarySensor(TrackerEntity, SensorEntity):
    """How many requests are active, downloading or stalled."""

    _attr_state_class = SensorStateClass.MEASUREMENT
    _attr_native_unit_of_measurement = "requests"
    entity_description: SummaryDescription

    def __init__(self, hub: TrackerHub, description: SummaryDescription) -> None:
        """Count one thing."""
        super().__init__(hub, f"{hub.entry.entry_id}-summary-{description.key}")
        self.entity_description = description
        self._attr_native_value = description.count_fn(hub.tracker)

    async def async_added_to_hass(self) -> None:
        """Recount whenever the tracker changes."""
        await super().async_added_to_hass()
        self.async_on_remove(async_dispatcher_connect(self.hass, self.hub.signal_tracker_updated, self._recount))

    @callback
    def _recount(self) -> None:
        count = self.entity_description.count_fn(self.hub.tracker)
        if count != self._attr_native_value:
            self._attr_native_value = count
            self.async_write_ha_state()
