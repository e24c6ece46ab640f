"""What a service module may use of the tracker: a narrow port, never the hub itself.

A service hands evidence in, reads the requests, records what it received for traces, asks for new credentials
and raises or clears its own repair issues. Everything else (entities, events, storage) is the hub's business.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .service_issues import create_service_issue, delete_service_issue
from .settings import ServiceConfig
from .trace import TraceRecorder
from .tracker import Change, Evidence, TrackedRequest
from .tracker.queries import TrackerView

type ChangeListener = Callable[[list[Change]], None]
type LinkProvider = Callable[[TrackedRequest], Mapping[str, str]]
"""A service's links for a request, by attribute name (`jellyfin_url`); empty when it has none."""


@dataclass(frozen=True, kw_only=True)
class ServicePort:
    """One configured service's connection to the tracker."""

    hass: HomeAssistant
    entry: ConfigEntry[Any]
    """The tracker's config entry: coordinators belong to it and background tasks end with it."""
    config: ServiceConfig
    tracker: TrackerView
    """The tracked requests, to read; they change only through `ingest`."""
    recorder: TraceRecorder
    """The last raw events, which diagnostics export as a replayable trace."""
    ingest: Callable[[Iterable[Evidence]], list[Change]]
    """Apply evidence and publish what changed."""
    listen: Callable[[ChangeListener], CALLBACK_TYPE]
    """Be told of every change the tracker publishes (from any source); returns the way to stop."""
    provide_links: Callable[[LinkProvider], CALLBACK_TYPE]
    """Add links to requests' attributes and events (a web page of the media); returns the way to stop."""
    links_changed: Callable[[], None]
    """The links the service gives changed (it learnt what it needed): the sensors show them again."""
    options: Mapping[str, Any]

    @callback
    def start_reauth(self) -> None:
        """The service rejected its credentials: ask the user for new ones."""
        self.entry.async_start_reauth(self.hass, data={"subentry_id": self.config.subentry_id})

    @callback
    def raise_issue(
        self,
        name: str,
        placeholders: Mapping[str, str] | None = None,
        *,
        severity: ir.IssueSeverity = ir.IssueSeverity.WARNING,
    ) -> None:
        """Raise this service's repair issue `name` (also its translation key)."""
        create_service_issue(self.hass, self.config, name, placeholders, severity=severity)

    @callback
    def clear_issue(self, name: str) -> None:
        """Clear this service's repair issue `name` (nothing happens when there is none)."""
        delete_service_issue(self.hass, self.config, name)

    @callback
    def background(self, job: Coroutine[Any, Any, Any], what: str) -> None:
        """Run `job` in the background for as long as the entry is loaded."""
        self.entry.async_create_background_task(self.hass, job, f"{self.entry.domain} {what} {self.config.title}")
