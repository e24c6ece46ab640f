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

from .attributes import UNRECORDED_ATTRIBUTES, VOLATILE_ATTRIBUTES, request_attributes
from .const import PROGRESS_WRITE_INTERVAL_SECONDS
from .entity import TrackerEntity
from .runtime import MediaRequestTrackerConfigEntry, TrackerRuntime, display_name, request_unique_id
from .tracker import FINISHED_STAGES, Change, Stage, Tracker

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant, entry: MediaRequestTrackerConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add the summary sensors and a sensor for every request, now and whenever a new one appears."""
    runtime = entry.runtime_data
    _remove_orphans(hass, entry, runtime)
    async_add_entities(SummarySensor(runtime, description) for description in SUMMARIES)
    async_add_entities(RequestSensor(runtime, key) for key in runtime.tracker.requests)

    @callback
    def add_new_request(change: Change) -> None:
        async_add_entities([RequestSensor(runtime, change.request.key, change)])

    entry.async_on_unload(async_dispatcher_connect(hass, runtime.signal_new_request, add_new_request))


def _remove_orphans(hass: HomeAssistant, entry: MediaRequestTrackerConfigEntry, runtime: TrackerRuntime) -> None:
    """Remove registry entries of requests that are no longer tracked (removed while Home Assistant was off)."""
    registry = er.async_get(hass)
    wanted = {request_unique_id(entry, key) for key in runtime.tracker.requests}
    for registry_entry in er.async_entries_for_config_entry(registry, entry.entry_id):
        unique_id = registry_entry.unique_id
        if registry_entry.domain == "sensor" and "-request-" in unique_id and unique_id not in wanted:
            registry.async_remove(registry_entry.entity_id)


class RequestSensor(TrackerEntity, SensorEntity):
    """A tracked request: its state is the stage, its attributes the details."""

    _attr_device_class = SensorDeviceClass.ENUM
    _attr_options = [stage.value for stage in Stage]
    _attr_translation_key = "request"
    _unrecorded_attributes = UNRECORDED_ATTRIBUTES

    def __init__(self, runtime: TrackerRuntime, key: str, first_change: Change | None = None) -> None:
        """Follow one request; `first_change` is given when the request was just created (not restored)."""
        super().__init__(runtime, f"request-{key}")
        self._key = key
        self._first_change = first_change
        request = runtime.tracker.requests[key]
        self._attr_name = display_name(request)
        self._written: tuple[str, dict[str, Any]] = (
            request.stage.value,
            request_attributes(request, runtime.source_names),
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
        """Listen for changes of the request; announce a new request's first stage."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(self.hass, self.runtime.signal_request_updated(self._key), self._handle_change)
        )
        self.async_on_remove(self._cancel_delayed)
        self._written_at = time.monotonic()
        if self._first_change is not None:
            self.runtime.announce_stage_change(self.entity_id, self._first_change)
            self._first_change = None

    @callback
    def _handle_change(self, change: Change) -> None:
        request = self.runtime.tracker.requests.get(self._key)
        if request is None:
            return
        if (name := display_name(request)) != self._attr_name:
            # The first source may not have known the title; a rename is a change worth writing at once.
            self._attr_name = name
            self._written_at = 0.0
        self._write(request.stage.value, request_attributes(request, self.runtime.source_names))
        if change.stage_changed:
            self.runtime.announce_stage_change(self.entity_id, change)

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
        count_fn=lambda tracker: sum(r.stage not in FINISHED_STAGES for r in tracker.requests.values()),
    ),
    SummaryDescription(
        key="downloading",
        translation_key="downloading",
        count_fn=lambda tracker: sum(r.stage is Stage.DOWNLOADING for r in tracker.requests.values()),
    ),
    SummaryDescription(
        key="stalled",
        translation_key="stalled",
        count_fn=lambda tracker: sum(r.stalled_reason is not None for r in tracker.requests.values()),
    ),
)


class SummarySensor(TrackerEntity, SensorEntity):
    """How many requests are active, downloading or stalled."""

    _attr_state_class = SensorStateClass.MEASUREMENT
    _attr_native_unit_of_measurement = "requests"
    entity_description: SummaryDescription

    def __init__(self, runtime: TrackerRuntime, description: SummaryDescription) -> None:
        """Count one thing."""
        super().__init__(runtime, f"summary-{description.key}")
        self.entity_description = description
        self._attr_native_value = description.count_fn(runtime.tracker)

    async def async_added_to_hass(self) -> None:
        """Recount whenever the tracker changes."""
        await super().async_added_to_hass()
        self.async_on_remove(async_dispatcher_connect(self.hass, self.runtime.signal_tracker_updated, self._recount))

    @callback
    def _recount(self) -> None:
        count = self.entity_description.count_fn(self.runtime.tracker)
        if count != self._attr_native_value:
            self._attr_native_value = count
            self.async_write_ha_state()
