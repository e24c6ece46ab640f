"""The hub between Home Assistant and the tracker: the tracker, its store, and `publish(changes)`.

Everything that changes the tracker goes through here, and every change is published from here: to the
request's sensor and the summaries (dispatcher signals), to the bus as a stage-changed event (whether or not any
entity exists or is enabled), to the repair issue of a stalled request, to the services listening, and to the
store. Services never see the hub: each gets a `ServicePort` (see `port`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util, slugify

from .attributes import JELLYFIN_URL, TimelineAttribute, display_name, request_attributes
from .const import (
    CONF_PENDING_HOURS,
    CONF_RETENTION_HOURS,
    CONF_STALL_MINUTES,
    CONF_TRACE_EVENTS,
    DEFAULT_PENDING_HOURS,
    DEFAULT_RETENTION_HOURS,
    DEFAULT_TRACE_EVENTS,
    DOMAIN,
    EVENT_EPISODES_AVAILABLE,
    EVENT_STAGE_CHANGED,
    HOUSEKEEPING_INTERVAL_SECONDS,
)
from .eta_store import FinishingTimesStore
from .ids import request_unique_id
from .port import ChangeListener, LinkProvider, ServicePort
from .settings import ServiceConfig
from .store import TrackerStore
from .trace import TraceRecorder, TraceService
from .tracker import DEFAULT_STALL_AFTER, Change, EpisodeKey, Evidence, MediaType, Stage, TrackedRequest, Tracker
from .tracker.arrivals import EpisodeArrivals, episode_label
from .tracker.remedies import remedy_for
from .words import FIX_FLOW_ISSUES, stall_issue, stall_reason

_LOGGER = logging.getLogger(__name__)

STALLED_ISSUE_PREFIX = "stalled_"


class TrackerHub:
    """One config entry's tracker, its store and its trace recorder, and how their changes are published."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry[Any]) -> None:
        """Create the hub of one config entry (nothing is loaded or started yet)."""
        self.hass = hass
        self.entry = entry
        self.tracker = Tracker(pending_ttl=entry.options.get(CONF_PENDING_HOURS, DEFAULT_PENDING_HOURS) * 3600)
        self.store = TrackerStore(hass, entry.entry_id, self.tracker)
        self.recorder = TraceRecorder(entry.options.get(CONF_TRACE_EVENTS, DEFAULT_TRACE_EVENTS))
        """The last raw upstream events, exported by diagnostics as a replayable trace."""
        self.finishing = FinishingTimesStore(hass, entry.entry_id)
        """How long requests took from `downloaded` to `available`, behind `eta_available`."""
        self.arrivals = EpisodeArrivals()
        """The episodes already announced as available, so each import is announced once."""
        self._listeners: list[ChangeListener] = []
        self._link_providers: list[LinkProvider] = []
        self._stall_issues: set[str] = set()
        """Requests that have a stalled repair issue open."""
        self._episode_facts: dict[str, tuple[Any, ...]] = {}
        """Per series request, the facts its episodes' availability was last worked out from."""

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
        """Dispatched with the bus event's data after a request changed stage (for the event entity)."""
        return f"{DOMAIN}_{self.entry.entry_id}_stage_changed"

    # --- lifecycle -----------------------------------------------------------------------------------------

    async def async_start(self) -> None:
        """Load the stored requests and start housekeeping."""
        await self.store.async_load()
        await self.finishing.async_load()
        self.arrivals.prime(self.tracker.requests.values())
        self._reconcile_stall_issues()
        self.entry.async_on_unload(
            async_track_time_interval(
                self.hass,
                self._housekeeping,
                timedelta(seconds=HOUSEKEEPING_INTERVAL_SECONDS),
                name=f"{DOMAIN} housekeeping",
            )
        )

    async def async_stop(self) -> None:
        """Write the state now (the entry is unloading)."""
        await self.store.async_save()

    def port(self, config: ServiceConfig) -> ServicePort:
        """The narrow port a configured service reaches the tracker through."""
        return ServicePort(
            hass=self.hass,
            entry=self.entry,
            config=config,
            tracker=self.tracker,
            recorder=self.recorder,
            ingest=self.ingest,
            listen=self.listen,
            provide_links=self.provide_links,
            links_changed=self.links_changed,
            options=dict(self.entry.options),
        )

    # --- evidence in, changes out --------------------------------------------------------------------------

    @callback
    def ingest(self, evidence: Iterable[Evidence]) -> list[Change]:
        """Apply evidence from a source and publish what changed."""
        changes: list[Change] = []
        for item in evidence:
            changes.extend(self.tracker.apply(item))
        self.publish(changes)
        return changes

    @callback
    def apply_to(self, key: str, evidence: Evidence) -> list[Change]:
        """Apply evidence to one chosen request (an action a person took) and publish what changed."""
        changes = self.tracker.apply_to(key, evidence)
        self.publish(changes)
        return changes

    @callback
    def publish(self, changes: list[Change]) -> None:
        """Tell Home Assistant, the services listening and the store what changed."""
        if not changes:
            return
        for change in changes:
            if change.request.stall is not None or change.request.key in self._stall_issues:
                self._sync_stall_issue(change.request)
            if change.old_stage is None:
                async_dispatcher_send(self.hass, self.signal_new_request, change)
            else:
                async_dispatcher_send(self.hass, self.signal_request_updated(change.request.key), change)
            if change.stage_changed:
                self._announce(change)
                if change.new_stage is Stage.AVAILABLE and change.old_stage is not None:
                    self.finishing.learn(change.request)
            if self._may_bring_episodes(change.request) and (episodes := self.arrivals.arrived(change.request)):
                self._announce_episodes(change, episodes)
        async_dispatcher_send(self.hass, self.signal_tracker_updated)
        for listener in list(self._listeners):
            listener(changes)
        self.store.schedule_save(change.request.key for change in changes)

    def _may_bring_episodes(self, request: TrackedRequest) -> bool:
        """Whether an episode of a series may have reached the library since the last look.

        Working out each episode's stage costs episodes x (downloads + files); most changes of a series are
        progress polls, which move none of the facts an episode's availability is derived from. Those facts make
        a key that is cheap to compare.
        """
        if request.media_type is not MediaType.TV:
            return False
        key = (
            request.stage,
            request.series_in_library,
            request.whole.reached,
            frozenset(request.seasons),
            frozenset(request.problems),
            tuple((episode, unit.reached) for episode, unit in request.episodes.items()),
            tuple((d.stage, d.failed, d.superseded, len(d.episodes)) for d in request.downloads.values()),
            tuple(
                (f.reached, f.matched, f.unmatched_reason, f.replaced, len(f.episodes)) for f in request.files.values()
            ),
        )
        if self._episode_facts.get(request.key) == key:
            return False
        self._episode_facts[request.key] = key
        return True

    @callback
    def listen(self, listener: ChangeListener) -> CALLBACK_TYPE:
        """Call `listener` with every published batch of changes; returns the way to stop."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def _announce(self, change: Change) -> None:
        """The stage-changed bus event (and the event entity, and the logbook through the event)."""
        data = stage_changed_event_data(
            self.entity_id(change.request.key), change, self.source_names, self.links(change.request)
        )
        self.hass.bus.async_fire(EVENT_STAGE_CHANGED, data)
        async_dispatcher_send(self.hass, self.signal_stage_changed, data)

    @callback
    def _announce_episodes(self, change: Change, episodes: list[EpisodeKey]) -> None:
        """The episodes-available bus event: one per import, listing the episodes it brought."""
        data = episodes_available_event_data(
            self.entity_id(change.request.key), change, episodes, self.links(change.request)
        )
        self.hass.bus.async_fire(EVENT_EPISODES_AVAILABLE, data)

    def entity_id(self, key: str) -> str | None:
        """The request sensor's entity id (None while it is not in the entity registry)."""
        return er.async_get(self.hass).async_get_entity_id(
            "sensor", DOMAIN, request_unique_id(self.entry.entry_id, key)
        )

    # --- what a request's sensor shows ---------------------------------------------------------------------

    def attributes(self, request: TrackedRequest, timeline: TimelineAttribute | None = None) -> dict[str, Any]:
        """The request sensor's attributes, with the services' links and the estimate to available.

        `timeline` keeps the timeline attribute between calls (a sensor's), so it is built only when it changed.
        """
        eta = self.finishing.times.eta_available(request, dt_util.utcnow().timestamp())
        names = self.source_names
        return request_attributes(
            request,
            names,
            links=self.links(request),
            eta_available=None if eta is None else round(eta),
            timeline=None if timeline is None else timeline.get(request, names),
        )

    @callback
    def provide_links(self, provider: LinkProvider) -> CALLBACK_TYPE:
        """Let a service add links to requests (Jellyfin's web page); returns the way to stop."""
        self._link_providers.append(provider)
        return lambda: self._link_providers.remove(provider)

    def links(self, request: TrackedRequest) -> dict[str, str]:
        """Every link the services give for a request, by attribute name."""
        found: dict[str, str] = {}
        for provider in self._link_providers:
            found.update(provider(request))
        return found

    @callback
    def links_changed(self) -> None:
        """A service can now link requests it could not before: the sensors show it."""
        for request in self.tracker.requests.values():
            change = Change(request, request.stage, request.stage)
            async_dispatcher_send(self.hass, self.signal_request_updated(request.key), change)

    # --- removal and housekeeping --------------------------------------------------------------------------

    @callback
    def remove_request(self, key: str) -> bool:
        """Stop tracking a request and remove its entity from the registry (no orphan is left)."""
        if self.tracker.remove(key) is None:
            return False
        self.arrivals.forget(key)
        self._episode_facts.pop(key, None)
        if key in self._stall_issues:
            self._stall_issues.discard(key)
            ir.async_delete_issue(self.hass, DOMAIN, f"{STALLED_ISSUE_PREFIX}{key}")
        registry = er.async_get(self.hass)
        if entity_id := registry.async_get_entity_id("sensor", DOMAIN, request_unique_id(self.entry.entry_id, key)):
            registry.async_remove(entity_id)
        async_dispatcher_send(self.hass, self.signal_tracker_updated)
        self.store.schedule_save([key])
        return True

    @callback
    def _housekeeping(self, now: datetime) -> None:
        timestamp = now.timestamp()
        for key in self.tracker.expired(timestamp, self.retention_seconds):
            _LOGGER.debug("Removing request %s: finished longer than the retention time ago", key)
            self.remove_request(key)
        if self.tracker.expire_pending(timestamp):
            self.store.schedule_save(())  # only the unmatched evidence changed
        self.publish(self.tracker.check_stalls(timestamp, self.stall_policy))

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

    # --- stalled requests' repair issues -------------------------------------------------------------------

    @callback
    def _reconcile_stall_issues(self) -> None:
        """After a restart, keep the stalled issues of requests still stalled and drop the rest."""
        for domain, issue_id in list(ir.async_get(self.hass).issues):
            if domain != DOMAIN or not issue_id.startswith(STALLED_ISSUE_PREFIX):
                continue
            request = self.tracker.requests.get(issue_id.removeprefix(STALLED_ISSUE_PREFIX))
            if request is None or request.stall is None:
                ir.async_delete_issue(self.hass, DOMAIN, issue_id)
            else:
                self._stall_issues.add(request.key)

    @callback
    def _sync_stall_issue(self, request: TrackedRequest) -> None:
        """A stalled request has a repair issue saying why; it goes when the request moves again."""
        issue_id = f"{STALLED_ISSUE_PREFIX}{request.key}"
        if request.stall is None:
            if request.key in self._stall_issues:
                self._stall_issues.discard(request.key)
                ir.async_delete_issue(self.hass, DOMAIN, issue_id)
            return
        self._stall_issues.add(request.key)
        translation_key, placeholders = stall_issue(
            request.stall, title=display_name(request), stage=request.stage.value, names=self.source_names
        )
        # With a remedy the tracker can run (scan, rescan, search again), the issue offers it as a fix flow.
        fixable = translation_key in FIX_FLOW_ISSUES and remedy_for(request) is not None
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            issue_id,
            is_fixable=fixable,
            is_persistent=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=translation_key,
            translation_placeholders=placeholders,
            data={"entry_id": self.entry.entry_id, "request_key": request.key} if fixable else None,
        )

    # --- how people see it ---------------------------------------------------------------------------------

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


def stage_changed_event_data(
    entity_id: str | None,
    change: Change,
    source_names: Mapping[str, str],
    links: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The data of a stage-changed event: enough for an automation to notify the right person.

    `entity_id` is the request sensor's, None while the sensor is not in the entity registry (yet); `links` are
    the services' links for the request (`jellyfin_url`).
    """
    request = change.request
    return {
        **_request_data(entity_id, request, links or {}),
        "from_stage": change.old_stage.value if change.old_stage else None,
        "to_stage": change.new_stage.value,
        "stalled_reason": None if request.stall is None else stall_reason(request.stall, source_names),
        "at": dt_util.utc_from_timestamp(request.stage_since).isoformat(),
    }


def episodes_available_event_data(
    entity_id: str | None, change: Change, episodes: list[EpisodeKey], links: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The data of an episodes-available event: the series and the episodes one import brought.

    `completes_request` says whether that import made the whole request available (the stage-changed event says
    so too).
    """
    request = change.request
    return {
        **_request_data(entity_id, request, links or {}),
        "episodes": [
            {"season": season, "episode": number, "label": episode_label((season, number))}
            for season, number in episodes
        ],
        "completes_request": change.stage_changed and change.new_stage is Stage.AVAILABLE,
        "at": dt_util.utc_from_timestamp(request.updated_at).isoformat(),
    }


def _request_data(entity_id: str | None, request: TrackedRequest, links: Mapping[str, str]) -> dict[str, Any]:
    """What every event says of its request."""
    return {
        ATTR_ENTITY_ID: entity_id,
        "request_key": request.key,
        "title": request.title,
        "year": request.year,
        "media_type": request.media_type.value if request.media_type else None,
        "requested_by": request.requested_by,
        "poster": request.poster,
        JELLYFIN_URL: links.get(JELLYFIN_URL),
    }
