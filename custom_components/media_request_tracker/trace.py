"""Recent raw upstream events, kept as a Trace v1 (see DESIGN.md) so a bug report replays on another machine.

Pure Python: the Home Assistant glue records what services sent; diagnostics export it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
import time
from typing import Any

TRACE_VERSION = 1
DEFAULT_TRACE_EVENTS = 200
# Header names whose values are secrets (Seerr's auth header, *arr basic auth, API keys).
SECRET_HEADERS = frozenset({"authorization", "x-api-key", "apikey", "cookie"})


@dataclass(frozen=True, slots=True)
class TraceService:
    """A service as a trace names it."""

    id: str
    type: str


class TraceRecorder:
    """A ring of the last N raw events; times are seconds since the recorder started (virtual time 0)."""

    def __init__(self, capacity: int = DEFAULT_TRACE_EVENTS, clock: Any = time.monotonic) -> None:
        """Keep at most `capacity` events."""
        self._events: deque[dict[str, Any]] = deque(maxlen=max(capacity, 0))
        self._clock = clock
        self._start = clock()

    def _add(self, line: dict[str, Any]) -> None:
        if self._events.maxlen:
            self._events.append({"at": round(self._clock() - self._start, 3), **line})

    def webhook(self, service: str, body: Any, headers: Mapping[str, str] | None = None) -> None:
        """A webhook body as the service posted it (secret headers are not kept)."""
        line: dict[str, Any] = {"webhook": service, "body": body}
        kept = {k: v for k, v in (headers or {}).items() if k.lower() not in SECRET_HEADERS}
        if kept:
            line["headers"] = kept
        self._add(line)

    def state(self, service: str, collection: str, items: Iterable[Any]) -> None:
        """What a poll of a service's collection returned."""
        self._add({"state": service, collection: list(items)})

    def signalr(self, service: str, event: str, args: list[Any]) -> None:
        """A SignalR invocation the service sent."""
        self._add({"signalr": service, "event": event, "args": args})

    def availability(self, service: str, *, up: bool) -> None:
        """The service stopped or started answering."""
        self._add({"up" if up else "down": service})

    def export(
        self, services: Mapping[str, TraceService], options: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """The trace: a header line, then the events, oldest first, at times starting from 0.

        `services` maps the ids events were recorded under to the services the trace names; events of
        services no longer configured are left out.
        """
        events = [event for event in self._events if _service_of(event) in services]
        offset = events[0]["at"] if events else 0.0
        header = {
            "trace": TRACE_VERSION,
            "services": [{"id": service.id, "type": service.type} for service in services.values()],
            "options": dict(options or {}),
        }
        return [header, *(_renamed(event, services, offset) for event in events)]


_SERVICE_KEYS = ("webhook", "state", "signalr", "down", "up")


def _service_of(event: Mapping[str, Any]) -> str | None:
    return next((event[key] for key in _SERVICE_KEYS if key in event), None)


def _renamed(event: dict[str, Any], services: Mapping[str, TraceService], offset: float) -> dict[str, Any]:
    renamed = {**event, "at": round(event["at"] - offset, 3)}
    for key in _SERVICE_KEYS:
        if key in renamed:
            renamed[key] = services[renamed[key]].id
    return renamed
