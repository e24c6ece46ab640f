"""Trace format v1 (DESIGN.md, "Trace format v1 (replay)"): reading and checking a trace, line by line.

Pure Python. A malformed trace raises `TraceError`, whose message names the line ("line 4: ...") so the person who
wrote or edited the trace can fix it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
import json
import math
from pathlib import Path
from typing import Any, Final

from custom_components.media_request_tracker.sources.payload import json_kind

TRACE_VERSION: Final = 1
SERVICE_TYPES: Final = ("seerr", "radarr", "sonarr", "qbittorrent", "jellyfin", "shoko")
WEBHOOK_TYPES: Final = frozenset({"seerr", "radarr", "sonarr", "qbittorrent", "jellyfin"})
COLLECTIONS: Final[Mapping[str, tuple[str, ...]]] = {
    "seerr": ("requests",),
    "radarr": ("queue", "history", "commands"),
    "sonarr": ("queue", "history", "commands"),
    "qbittorrent": ("torrents",),
    "jellyfin": ("items",),
    "shoko": ("files", "series"),
}
"""The collections a `state` line may set, per service type."""
ITEM_IDS: Final[Mapping[str, tuple[str, ...]]] = {
    "requests": ("id",),
    "torrents": ("hash",),
    "items": ("Id",),
    "files": ("ID",),
    "series": ("IDs", "ID"),
}
"""The key path each item of a keyed collection needs (the simulated API finds items by it)."""
ACTIONS: Final = ("webhook", "state", "signalr", "down", "up", "restart")
HEADER_KEYS: Final = frozenset({"trace", "services", "options"})


class TraceError(ValueError):
    """The trace is malformed; `line` is the 1-based line number (0 when no line is to blame)."""

    def __init__(self, line: int, message: str) -> None:
        """Blame `line` for `message`."""
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line


@dataclass(frozen=True, slots=True)
class Service:
    """A service instance the trace's events come from."""

    id: str
    type: str


@dataclass(frozen=True, slots=True)
class Step:
    """One event line: at `at` virtual seconds, do `action` (one of ACTIONS) to `service`."""

    line: int
    at: float
    action: str
    service: str | None = None
    """The service id (None for a restart)."""
    body: Any = None
    """webhook: the body as the service posts it."""
    headers: Mapping[str, str] = field(default_factory=dict)
    """webhook: extra headers as the service sends them (no secrets)."""
    collection: str | None = None
    """state: which collection is replaced."""
    items: tuple[Any, ...] = ()
    """state: the new collection."""
    event: str | None = None
    """signalr: the hub method name."""
    args: tuple[Any, ...] = ()
    """signalr: the invocation's arguments."""


@dataclass(frozen=True, slots=True)
class Trace:
    """A whole trace: its services, the tracker options it ran with, and its steps in order."""

    services: tuple[Service, ...]
    options: Mapping[str, Any]
    steps: tuple[Step, ...]

    def service(self, service_id: str) -> Service:
        """The service with this id."""
        return next(service for service in self.services if service.id == service_id)


def load_trace(path: Path) -> Trace:
    """Read and check a trace file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise TraceError(0, f"cannot read {path}: {err}") from err
    return parse_trace(text)


def parse_trace(text: str) -> Trace:
    """Check a trace's text and return it parsed; raises TraceError naming the first bad line."""
    lines = [(number, line) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if not lines:
        raise TraceError(1, 'the trace is empty: its first line must be the header {"trace": 1, "services": [...]}')
    number, first = lines[0]
    services, options = _header(number, _json_object(number, first))
    known = {service.id: service for service in services}
    steps: list[Step] = []
    for number, line in lines[1:]:
        step = _step(number, _json_object(number, line), known)
        if steps and step.at < steps[-1].at:
            raise TraceError(number, f'"at" {step.at:g} is before the previous line\'s {steps[-1].at:g}')
        steps.append(step)
    return Trace(services=services, options=options, steps=tuple(steps))


def _json_object(number: int, line: str) -> dict[str, Any]:
    try:
        value = json.loads(line, parse_constant=_no_constant)
    except ValueError as err:
        detail = f"{err.msg} (column {err.colno})" if isinstance(err, json.JSONDecodeError) else str(err)
        raise TraceError(number, f"not valid JSON: {detail}") from err
    if not isinstance(value, dict):
        raise TraceError(number, f"expected a JSON object, got {json_kind(value)}")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


# --- the header ----------------------------------------------------------------------------------------------


def _header(number: int, obj: dict[str, Any]) -> tuple[tuple[Service, ...], dict[str, Any]]:
    if "trace" not in obj:
        raise TraceError(number, 'the first line must be the header {"trace": 1, "services": [...], "options": {}}')
    version = obj["trace"]
    if type(version) is not int or version != TRACE_VERSION:
        raise TraceError(number, f"trace version {json.dumps(version)} is not supported (this replay reads 1)")
    _no_other_keys(number, obj, HEADER_KEYS, "the header")
    raw_services = obj.get("services")
    if not isinstance(raw_services, list):
        raise TraceError(number, f'"services" must be a list of {{"id", "type"}}, got {json_kind(raw_services)}')
    services = tuple(_service(number, index, item) for index, item in enumerate(raw_services))
    seen: set[str] = set()
    for service in services:
        if service.id in seen:
            raise TraceError(number, f"service id {service.id!r} is declared twice")
        seen.add(service.id)
    options = obj.get("options", {})
    if not isinstance(options, dict):
        raise TraceError(number, f'"options" must be an object, got {json_kind(options)}')
    return services, options


def _service(number: int, index: int, item: Any) -> Service:
    what = f"services[{index}]"
    if not isinstance(item, dict):
        raise TraceError(number, f"{what} must be an object with an id and a type, got {json_kind(item)}")
    _no_other_keys(number, item, frozenset({"id", "type"}), what)
    service_id, service_type = item.get("id"), item.get("type")
    if not isinstance(service_id, str) or not service_id:
        raise TraceError(number, f'{what} needs an "id" (a non-empty string)')
    if service_type not in SERVICE_TYPES:
        raise TraceError(
            number,
            f"{what} ({service_id}) has unknown type {json.dumps(service_type)}; types: {', '.join(SERVICE_TYPES)}",
        )
    return Service(service_id, service_type)


# --- event lines ---------------------------------------------------------------------------------------------


def _step(number: int, obj: dict[str, Any], services: Mapping[str, Service]) -> Step:
    if "trace" in obj:
        raise TraceError(number, "a second header: only the first line is the header")
    at = _at(number, obj)
    actions = [action for action in ACTIONS if action in obj]
    if not actions:
        raise TraceError(number, f"no action: a line has exactly one of {', '.join(ACTIONS)}")
    if len(actions) > 1:
        raise TraceError(number, f"several actions ({', '.join(actions)}): a line has exactly one")
    action = actions[0]
    if action == "restart":
        if obj["restart"] is not True:
            raise TraceError(number, f'"restart" must be true, got {json.dumps(obj["restart"])}')
        _no_other_keys(number, obj, frozenset({"at", "restart"}), "a restart line")
        return Step(line=number, at=at, action=action)
    service = _service_of(number, obj, action, services)
    match action:
        case "webhook":
            return _webhook(number, at, obj, service)
        case "state":
            return _state(number, at, obj, service)
        case "signalr":
            return _signalr(number, at, obj, service)
    _no_other_keys(number, obj, frozenset({"at", action}), f"a {action} line")
    return Step(line=number, at=at, action=action, service=service.id)


def _at(number: int, obj: dict[str, Any]) -> float:
    if "at" not in obj:
        raise TraceError(number, 'no "at": every line after the header says when it happens (seconds since the start)')
    at = obj["at"]
    if isinstance(at, bool) or not isinstance(at, int | float) or not math.isfinite(at) or at < 0:
        raise TraceError(number, f'"at" must be a number of seconds >= 0, got {json.dumps(at)}')
    return float(at)


def _service_of(number: int, obj: dict[str, Any], action: str, services: Mapping[str, Service]) -> Service:
    service_id = obj[action]
    if not isinstance(service_id, str):
        raise TraceError(number, f'"{action}" must name a service id, got {json_kind(service_id)}')
    if service_id not in services:
        declared = ", ".join(services) or "none"
        raise TraceError(number, f"unknown service {service_id!r} (the header declares: {declared})")
    return services[service_id]


def _webhook(number: int, at: float, obj: dict[str, Any], service: Service) -> Step:
    if service.type not in WEBHOOK_TYPES:
        raise TraceError(number, f"{service.id!r} is a {service.type} service, which has no webhook (it uses SignalR)")
    _no_other_keys(number, obj, frozenset({"at", "webhook", "body", "headers"}), "a webhook line")
    if "body" not in obj:
        raise TraceError(number, 'a webhook line needs a "body" (what the service posts)')
    headers = obj.get("headers", {})
    if not isinstance(headers, dict) or not all(isinstance(value, str) for value in headers.values()):
        raise TraceError(number, '"headers" must be an object of strings')
    return Step(line=number, at=at, action="webhook", service=service.id, body=obj["body"], headers=headers)


def _state(number: int, at: float, obj: dict[str, Any], service: Service) -> Step:
    known = COLLECTIONS[service.type]
    collections = [key for key in obj if key not in ("at", "state")]
    if len(collections) != 1:
        found = ", ".join(collections) or "none"
        raise TraceError(number, f"a state line sets exactly one collection ({', '.join(known)}); found: {found}")
    collection = collections[0]
    if collection not in known:
        raise TraceError(
            number,
            f"unknown collection {collection!r} for {service.type} service {service.id!r} "
            f"(a {service.type} has: {', '.join(known)})",
        )
    items = obj[collection]
    if not isinstance(items, list):
        raise TraceError(number, f'"{collection}" must be a list, got {json_kind(items)}')
    for index, item in enumerate(items):
        _check_item(number, collection, index, item)
    return Step(line=number, at=at, action="state", service=service.id, collection=collection, items=tuple(items))


def _check_item(number: int, collection: str, index: int, item: Any) -> None:
    if not isinstance(item, dict):
        raise TraceError(number, f"{collection}[{index}] must be an object, got {json_kind(item)}")
    value: Any = item
    for key in ITEM_IDS.get(collection, ()):
        value = value.get(key) if isinstance(value, dict) else None
    if value is None:
        path = ".".join(ITEM_IDS[collection])
        raise TraceError(number, f'{collection}[{index}] has no "{path}", which identifies it')


def _signalr(number: int, at: float, obj: dict[str, Any], service: Service) -> Step:
    if service.type != "shoko":
        raise TraceError(number, f"{service.id!r} is a {service.type} service: only Shoko sends SignalR events")
    _no_other_keys(number, obj, frozenset({"at", "signalr", "event", "args"}), "a signalr line")
    event = obj.get("event")
    if not isinstance(event, str) or not event:
        raise TraceError(number, 'a signalr line needs an "event" (the hub method, such as "ShokoEvent:FileMatched")')
    args = obj.get("args", [])
    if not isinstance(args, list):
        raise TraceError(number, f'"args" must be a list, got {json_kind(args)}')
    return Step(line=number, at=at, action="signalr", service=service.id, event=event, args=tuple(args))


def _no_other_keys(number: int, obj: dict[str, Any], allowed: frozenset[str], what: str) -> None:
    extra = sorted(set(obj) - allowed)
    if extra:
        raise TraceError(number, f"unknown key{'s' if len(extra) > 1 else ''} in {what}: {', '.join(extra)}")
