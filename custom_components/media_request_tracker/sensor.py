"""Sensors: one per tracked request (its stage), and summaries of all of them.

Which requests have a sensor: every unfinished one, and the `finished_sensors` most recently finished (default
50). A household looks at what is on its way and what just arrived; a sensor for each of thousands of finished
requests would only grow the entity registry, the recorder and the start-up time. Every request, with or
without a sensor, stays in the tracker until its retention time ends and is reported by `get_requests` (with
`entity_id` null when it has no sensor). A finished request that starts over gets its sensor back.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
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

from .attributes import UNRECORDED_ATTRIBUTES, VOLATILE_ATTRIBUTES, TimelineAttribute, display_name
from .const import CONF_FINISHED_SENSORS, DEFAULT_FINISHED_SENSORS, DOMAIN, PROGRESS_WRITE_INTERVAL_SECONDS
from .entity import TrackerEntity
from .hub import TrackerHub
from .ids import request_key, request_unique_id
from .runtime import MediaRequestTrackerConfigEntry
from .store import collector_paused
from .tracker import Change, Stage, Tracker
from .tracker.stages import FINISHED_STAGES

PARALLEL_UPDATES = 0
ADD_SLICE = 20
"""Request sensors added at a time at start; the event loop runs between slices."""


async def async_setup_entry(
    hass: HomeAssistant, entry: MediaRequestTrackerConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add the summary sensors and the request sensors, now and whenever a request needs one."""
    hub = entry.runtime_data.hub
    sensors = RequestSensors(
        hub, async_add_entities, entry.options.get(CONF_FINISHED_SENSORS, DEFAULT_FINISHED_SENSORS)
    )
    async_add_entities(SummarySensor(hub, description) for description in SUMMARIES)
    await sensors.async_start()
    entry.async_on_unload(hub.listen(sensors.follow))
    # A new request's sensor is registered before its first stage-changed event, which names it.
    entry.async_on_unload(async_dispatcher_connect(hass, hub.signal_new_request, sensors.follow_new))


class RequestSensors:
    """Which requests have a sensor: every unfinished one and the `limit` most recently finished."""

    def __init__(self, hub: TrackerHub, add_entities: AddConfigEntryEntitiesCallback, limit: int) -> None:
        """Nothing shown yet: `async_start` adds the sensors of the requests there are."""
        self._hub = hub
        self._add_entities = add_entities
        self._limit = max(0, int(limit))
        self._shown: set[str] = set()
        self._sensors: dict[str, RequestSensor] = {}
        self._finished: OrderedDict[str, None] = OrderedDict()
        """Shown finished requests, the longest finished first."""

    async def async_start(self) -> None:
        """Add the sensors of the requests there are, a slice at a time; drop registry entries of the rest."""
        requests = self._hub.tracker.requests
        unfinished = [key for key, request in requests.items() if request.stage not in FINISHED_STAGES]
        finished = sorted(
            (key for key, request in requests.items() if request.stage in FINISHED_STAGES),
            key=lambda key: requests[key].stage_since,
        )
        finished = finished[len(finished) - self._limit :] if self._limit else []
        self._finished = OrderedDict.fromkeys(finished)
        self._shown = {*unfinished, *finished}
        self._remove_unshown()
        keys = [*unfinished, *finished]
        # The sensors live as long as the entry: built with the collector paused, then frozen out of its scans.
        with collector_paused(freeze=True):
            for start in range(0, len(keys), ADD_SLICE):
                # What changed meanwhile may have shown or hidden some of them already.
                self._add(
                    [key for key in keys[start : start + ADD_SLICE] if key in self._shown and key not in self._sensors]
                )
                await asyncio.sleep(0)

    @callback
    def follow(self, changes: list[Change]) -> None:
        """Give a sensor to a request that needs one, and take it from finished ones beyond the limit."""
        wanted: dict[str, None] = {}
        for change in changes:
            key = change.request.key
            if change.request.stage not in FINISHED_STAGES:
                self._finished.pop(key, None)
                wanted[key] = None
            elif change.stage_changed:
                self._finished[key] = None
                self._finished.move_to_end(key)
                wanted[key] = None
        # Sensors go before others come: a new one may take the entity id a removed one leaves.
        while len(self._finished) > self._limit:
            self._hide(self._finished.popitem(last=False)[0])
        requests = self._hub.tracker.requests
        new = [
            key
            for key in wanted
            if key not in self._shown
            and key in requests
            and (key in self._finished or requests[key].stage not in FINISHED_STAGES)
        ]
        if new:
            self._add(new)

    @callback
    def follow_new(self, change: Change) -> None:
        """A request was just created."""
        self.follow([change])

    @callback
    def _add(self, keys: list[str]) -> None:
        sensors = [RequestSensor(self._hub, key, self._forget) for key in keys]
        self._sensors.update(zip(keys, sensors, strict=True))
        self._shown.update(keys)
        self._add_entities(sensors)

    @callback
    def _hide(self, key: str) -> None:
        self._shown.discard(key)
        if (sensor := self._sensors.pop(key, None)) is not None:
            if not sensor.added:
                sensor.unwanted = True  # still being added: it removes itself once it is
            else:
                self._hub.hass.async_create_task(sensor.async_remove(force_remove=True), eager_start=True)
        registry = er.async_get(self._hub.hass)
        if entity_id := registry.async_get_entity_id(
            "sensor", DOMAIN, request_unique_id(self._hub.entry.entry_id, key)
        ):
            registry.async_remove(entity_id)

    @callback
    def _forget(self, sensor: RequestSensor) -> None:
        """A request's sensor went (the request was removed, or the entry unloads)."""
        key = sensor.request_key
        if self._sensors.get(key) is sensor:
            del self._sensors[key]
            self._shown.discard(key)
            self._finished.pop(key, None)

    def _remove_unshown(self) -> None:
        """Drop registry entries of requests with no sensor (gone while Home Assistant was off, or finished)."""
        registry = er.async_get(self._hub.hass)
        for registry_entry in er.async_entries_for_config_entry(registry, self._hub.entry.entry_id):
            key = request_key(registry_entry.unique_id)
            if registry_entry.domain == "sensor" and key is not None and key not in self._shown:
                registry.async_remove(registry_entry.entity_id)


class RequestSensor(TrackerEntity, SensorEntity):
    """A tracked request: its state is the stage, its attributes the details."""

    _attr_device_class = SensorDeviceClass.ENUM
    _attr_options = [stage.value for stage in Stage]
    _attr_translation_key = "request"
    _unrecorded_attributes = UNRECORDED_ATTRIBUTES

    def __init__(self, hub: TrackerHub, key: str, gone: Callable[[RequestSensor], None] | None = None) -> None:
        """Follow one request; `gone` is told when the sensor is removed."""
        super().__init__(hub, request_unique_id(hub.entry.entry_id, key))
        self._key = key
        self._gone = gone
        self.added = False
        self.unwanted = False
        """No longer to be shown: taken away while it was being added."""
        request = hub.tracker.requests[key]
        self._attr_name = display_name(request)
        self._timeline = TimelineAttribute()
        self._written: tuple[str, dict[str, Any]] = (
            request.stage.value,
            hub.attributes(request, self._timeline),
        )
        self._written_at = 0.0
        self._cancel_delayed_write: CALLBACK_TYPE | None = None

    @property
    def request_key(self) -> str:
        """The key of the request followed."""
        return self._key

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
        if self._gone is not None:
            self.async_on_remove(lambda: self._gone(self) if self._gone else None)
        self._written_at = time.monotonic()
        self.added = True
        if self.unwanted and self.registry_entry is not None:
            er.async_get(self.hass).async_remove(self.entity_id)

    @callback
    def _handle_change(self, change: Change) -> None:
        request = self.hub.tracker.requests.get(self._key)
        if request is None:
            return
        if (name := display_name(request)) != self._attr_name:
            # The first source may not have known the title; a rename is a change worth writing at once.
            self._attr_name = name
            self._written_at = 0.0
        self._write(request.stage.value, self.hub.attributes(request, self._timeline))

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
