"""The integration's runtime: the tracker, its store, and how its changes reach Home Assistant."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
import logging
from typing import TYPE_CHECKING, Any, Protocol

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util, slugify

from .const import (
    CONF_PENDING_HOURS,
    CONF_RETENTION_HOURS,
    CONF_STALL_MINUTES,
    CONF_TRACE_EVENTS,
    DEFAULT_PENDING_HOURS,
    DEFAULT_RETENTION_HOURS,
    DEFAULT_TRACE_EVENTS,
    DOMAIN,
    EVENT_STAGE_CHANGED,
    HOUSEKEEPING_INTERVAL_SECONDS,
)
from .store import TrackerStore
from .trace import TraceRecorder, TraceService
from .tracker import DEFAULT_STALL_AFTER, Change, Evidence, Stage, TrackedRequest, Tracker

if TYPE_CHECKING:
    from .coordinator import ServiceCoordinator

_LOGGER = logging.getLogger(__name__)

type MediaRequestTrackerConfigEntry = ConfigEntry[TrackerRuntime]


class ServiceLinkLike(Protocol):
    """What the runtime needs of a configured service (links.py implements it)."""

    async def async_start(self) -> None:
        """Start receiving from the service."""

    async def async_stop(self) -> None:
        """Stop receiving."""

    async def async_removed(self) -> None:
        """Undo what was set up on the service's side."""


class TrackerRuntime:
    """Feeds evidence to the tracker and publishes what changed: entities, bus events, storage."""

    def __init__(self, hass: HomeAssistant, entry: MediaRequestTrackerConfigEntry) -> None:
        """Create the runtime of one config entry."""
        self.hass = hass
        self.entry = entry
        self.tracker = Tracker(pending_ttl=entry.options.get(CONF_PENDING_HOURS, DEFAULT_PENDING_HOURS) * 3600)
        self.store = TrackerStore(hass, entry.entry_id, self.tracker)
        self.recorder = TraceRecorder(entry.options.get(CONF_TRACE_EVENTS, DEFAULT_TRACE_EVENTS))
        """The last raw upstream events, exported by diagnostics as a replayable trace."""
        self.links: dict[str, ServiceLinkLike] = {}
        """The configured services' runtimes, by subentry id."""
        self._stall_issues: set[str] = set()
        """Requests that have a stalled repair issue open."""
        self.coordinators: dict[str, ServiceCoordinator] = {}
        """The coordinators of polled services, by subentry id."""

    # --- signals entities listen to ------------------------------------------------------------------------

    @property
    def signal_new_request(self) -> str:
        """Dispatched with a Change when a request is first tracked."""
        return f"{DOMAIN}_{self.entry.entry_id}_new_request"

    def signal_request_updated(self, key: str) -> str:
        """Dispatched with a Change when one request changed."""
        return f"{DOMAIN}_{self.entry.entry_id}_request_{key}"

    @property
    def signal_tracker_updated(self) -> str:
        """Dispatched (no arguments) after any change, for the summary sensors."""
        return f"{DOMAIN}_{self.entry.entry_id}_updated"

    @property
    def signal_stage_changed(self) -> str:
        """Dispatched with the bus event's data after a request changed stage."""
        return f"{DOMAIN}_{self.entry.entry_id}_stage_changed"

    # --- lifecycle -----------------------------------------------------------------------------------------

    async def async_start(self) -> None:
        """Load the stored requests and start housekeeping."""
        await self.store.async_load()
        self._reconcile_stall_issues()
        self.entry.async_on_unload(
            async_track_time_interval(
                self.hass,
                self._housekeeping,
                timedelta(seconds=HOUSEKEEPING_INTERVAL_SECONDS),
                name=f"{DOMAIN} housekeeping",
            )
        )

    @callback
    def _reconcile_stall_issues(self) -> None:
        """After a restart, keep the stalled issues of requests still stalled and drop the rest."""
        registry = ir.async_get(self.hass)
        for domain, issue_id in list(registry.issues):
            key = issue_id.removeprefix("stalled_")
            if domain == DOMAIN and issue_id.startswith("stalled_"):
                request = self.tracker.requests.get(key)
                if request is None or request.stalled_reason is None:
                    ir.async_delete_issue(self.hass, DOMAIN, issue_id)
                else:
                    self._stall_issues.add(key)

    async def async_stop(self) -> None:
        """Stop the services and write the state now (the entry is unloading)."""
        for link in self.links.values():
            await link.async_stop()
        await self.store.async_save()

    async def async_forget_removed_services(self) -> None:
        """Undo the upstream set-up of services the user removed (their settings are gone from the entry)."""
        for subentry_id in set(self.links) - set(self.entry.subentries):
            await self.links.pop(subentry_id).async_removed()
            registry = ir.async_get(self.hass)
            for issue_id in [i for (domain, i) in registry.issues if domain == DOMAIN and i.startswith(subentry_id)]:
                ir.async_delete_issue(self.hass, DOMAIN, issue_id)

    @callback
    def start_reauth(self, subentry_id: str) -> None:
        """A service rejected its credentials: ask the user for new ones."""
        self.entry.async_start_reauth(self.hass, data={"subentry_id": subentry_id})

    @property
    def source_names(self) -> dict[str, str]:
        """How each evidence source is shown to people: a service by its title."""
        return {subentry_id: subentry.title for subentry_id, subentry in self.entry.subentries.items()}

    def trace(self) -> list[dict[str, Any]]:
        """The recent raw events as a Trace v1, its services named after their titles."""
        names: dict[str, TraceService] = {}
        for subentry_id, subentry in self.entry.subentries.items():
            slug = slugify(subentry.title) or subentry.subentry_type
            while any(service.id == slug for service in names.values()):
                slug += "_2"
            names[subentry_id] = TraceService(slug, subentry.subentry_type)
        return self.recorder.export(names, dict(self.entry.options))

    @property
    def retention_seconds(self) -> float:
        """How long a finished request stays before it is removed."""
        return float(self.entry.options.get(CONF_RETENTION_HOURS, DEFAULT_RETENTION_HOURS)) * 3600

    @property
    def stall_policy(self) -> dict[Stage, float]:
        """Seconds per stage without progress before a request is stalled (options in minutes)."""
        minutes = self.entry.options.get(CONF_STALL_MINUTES, {})
        return {
            stage: float(minutes.get(stage.value, default / 60)) * 60 for stage, default in DEFAULT_STALL_AFTER.items()
        }

    # --- evidence in, changes out --------------------------------------------------------------------------

    @callback
    def ingest(self, evidence: Iterable[Evidence]) -> list[Change]:
        """Apply evidence from a source and publish what changed."""
        changes: list[Change] = []
        for item in evidence:
            changes.extend(self.tracker.apply(item))
        self._publish(changes)
        return changes

    @callback
    def apply_to(self, key: str, evidence: Evidence) -> list[Change]:
        """Apply evidence to one chosen request (an action a person took)."""
        changes = self.tracker.apply_to(key, evidence)
        self._publish(changes)
        return changes

    @callback
    def _publish(self, changes: list[Change]) -> None:
        if not changes:
            return
        for change in changes:
            if change.request.stalled_reason is not None or change.request.key in self._stall_issues:
                self._sync_stall_issue(change.request)
            if change.old_stage is None:
                async_dispatcher_send(self.hass, self.signal_new_request, change)
            else:
                async_dispatcher_send(self.hass, self.signal_request_updated(change.request.key), change)
        async_dispatcher_send(self.hass, self.signal_tracker_updated)
        for coordinator in self.coordinators.values():
            coordinator.tracker_changed(changes)
        self.store.schedule_save()

    @callback
    def announce_stage_change(self, entity_id: str, change: Change) -> None:
        """Fire the stage-changed bus event (the request's sensor calls this once it knows its entity id)."""
        data = stage_changed_event_data(entity_id, change)
        self.hass.bus.async_fire(EVENT_STAGE_CHANGED, data)
        async_dispatcher_send(self.hass, self.signal_stage_changed, data)

    # --- removal -------------------------------------------------------------------------------------------

    @callback
    def remove_request(self, key: str) -> bool:
        """Stop tracking a request and remove its entity from the registry (no orphan is left)."""
        if self.tracker.remove(key) is None:
            return False
        if key in self._stall_issues:
            self._stall_issues.discard(key)
            ir.async_delete_issue(self.hass, DOMAIN, f"stalled_{key}")
        registry = er.async_get(self.hass)
        if entity_id := registry.async_get_entity_id("sensor", DOMAIN, request_unique_id(self.entry, key)):
            registry.async_remove(entity_id)
        async_dispatcher_send(self.hass, self.signal_tracker_updated)
        self.store.schedule_save()
        return True

    @callback
    def _housekeeping(self, now: datetime) -> None:
        timestamp = now.timestamp()
        for key in self.tracker.expired(timestamp, self.retention_seconds):
            _LOGGER.debug("Removing request %s: finished longer than the retention time ago", key)
            self.remove_request(key)
        if self.tracker.expire_pending(timestamp):
            self.store.schedule_save()
        self._publish(self.tracker.check_stalls(timestamp, self.stall_policy))

    @callback
    def _sync_stall_issue(self, request: TrackedRequest) -> None:
        """A stalled request has a repair issue saying why; it goes when the request moves again."""
        issue_id = f"stalled_{request.key}"
        if request.stalled_reason is None:
            if request.key in self._stall_issues:
                self._stall_issues.discard(request.key)
                ir.async_delete_issue(self.hass, DOMAIN, issue_id)
            return
        self._stall_issues.add(request.key)
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="request_stalled",
            translation_placeholders={
                "title": display_name(request),
                "stage": request.stage.value.replace("_", " "),
                "reason": request.stalled_reason,
            },
        )


def request_unique_id(entry: ConfigEntry, key: str) -> str:
    """The unique id of a request's sensor."""
    return f"{entry.entry_id}-request-{key}"


def display_name(request: TrackedRequest) -> str:
    """How a request is named to people."""
    if request.title is None:
        return f"Request {request.key}"
    return f"{request.title} ({request.year})" if request.year else request.title


def stage_changed_event_data(entity_id: str, change: Change) -> dict[str, Any]:
    """The data of a stage-changed event: enough for an automation to notify the right person."""
    request = change.request
    return {
        "entity_id": entity_id,
        "request_key": request.key,
        "title": request.title,
        "year": request.year,
        "media_type": request.media_type.value if request.media_type else None,
        "from_stage": change.old_stage.value if change.old_stage else None,
        "to_stage": change.new_stage.value,
        "requested_by": request.requested_by,
        "stalled_reason": request.stalled_reason,
        "at": dt_util.utc_from_timestamp(request.stage_since).isoformat(),
    }
