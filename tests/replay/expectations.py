"""What a scenario's `<name>.expected.json` asks of the replay's result, and nothing more.

An expectation names only what the scenario is about, so attributes it does not mention may change freely:

- `requests`: one entry per request, found by its `title` attribute (and its `seerr_request_id`, when given: one
  title requested in HD and in 4K is two requests), with any of
  `state`; `attributes` (each value equal); `attributes_contain` (each value contains the text, any case);
  `timeline_includes` (these timeline entries in this order, others may come between: a stage name, or an
  object whose keys must all be equal); `timeline_details_exclude` (texts no timeline detail contains, any case).
- `only_these_requests` (default true): no request sensor other than those listed.
- `events`: stage-changed events that must occur in this order (others may come between); each an object whose
  keys must all be equal. `event_count`: how many events there must be in all.
- `repairs`: shell-style patterns for the open repair issues; every issue matches one, every pattern an issue.
- `checkpoints`: what must hold mid-trace, `[{"at": seconds, ...}]`: each holds the keys above,
  checked against what Home Assistant showed at that virtual time (`scripts/replay --checkpoint SECONDS`), after
  every line up to it; `events` there are those fired so far.
- `about`: what the scenario is, for people.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
import fnmatch
from typing import Any

KNOWN_KEYS = frozenset({"about", "requests", "only_these_requests", "events", "event_count", "repairs", "checkpoints"})
CHECKPOINT_KEYS = KNOWN_KEYS - {"checkpoints"} | {"at"}
REQUEST_KEYS = frozenset(
    {
        "title",
        "seerr_request_id",
        "state",
        "attributes",
        "attributes_contain",
        "timeline_includes",
        "timeline_details_exclude",
    }
)


def checkpoint_times(expected: Mapping[str, Any]) -> list[float]:
    """The virtual times of the expectation's checkpoints, for `scripts/replay --checkpoint`."""
    return [float(checkpoint["at"]) for checkpoint in expected.get("checkpoints", [])]


def problems(expected: Mapping[str, Any], result: Mapping[str, Any]) -> list[str]:
    """Every way `result` falls short of `expected` (an empty list when it holds)."""
    found = [f"unknown expectation keys: {sorted(unknown)}"] if (unknown := set(expected) - KNOWN_KEYS) else []
    found += _checkpoint_problems(expected.get("checkpoints", []), result.get("checkpoints", []))
    sensors: list[Mapping[str, Any]] = result["requests"]
    wanted = expected.get("requests", [])
    for request in wanted:
        found += _request_problems(request, sensors)
    if expected.get("only_these_requests", True):
        titles = {request["title"] for request in wanted}
        extra = [sensor["entity_id"] for sensor in sensors if sensor["attributes"].get("title") not in titles]
        found += [f"unexpected request sensors: {extra}"] if extra else []
    found += _event_problems(expected, result["events"])
    if "repairs" in expected:
        found += _repair_problems(expected["repairs"], result["repairs"])
    return found


def _request_problems(request: Mapping[str, Any], sensors: Sequence[Mapping[str, Any]]) -> list[str]:
    title = request["title"]
    matching = [sensor for sensor in sensors if sensor["attributes"].get("title") == title]
    if "seerr_request_id" in request:
        matching = [s for s in matching if s["attributes"].get("seerr_request_id") == request["seerr_request_id"]]
        title = f"{title} (Seerr request {request['seerr_request_id']})"
    if len(matching) != 1:
        return [f"{title!r}: expected one request sensor, found {len(matching)}"]
    sensor = matching[0]
    attributes = sensor["attributes"]
    found = (
        [f"unknown expectation keys for {title!r}: {sorted(unknown)}"]
        if (unknown := set(request) - REQUEST_KEYS)
        else []
    )
    if "state" in request and sensor["state"] != request["state"]:
        found.append(f"{title!r}: state is {sensor['state']!r}, expected {request['state']!r}")
    for key, value in request.get("attributes", {}).items():
        if attributes.get(key) != value:
            found.append(f"{title!r}: attribute {key} is {attributes.get(key)!r}, expected {value!r}")
    for key, text in request.get("attributes_contain", {}).items():
        if text.casefold() not in str(attributes.get(key)).casefold():
            found.append(f"{title!r}: attribute {key} is {attributes.get(key)!r}, expected it to mention {text!r}")
    timeline: list[Mapping[str, Any]] = attributes.get("timeline", [])
    if missing := _not_in_order([_timeline_entry(item) for item in request.get("timeline_includes", [])], timeline):
        stages = [entry.get("stage") for entry in timeline]
        found.append(f"{title!r}: timeline {stages} lacks {missing} (in order)")
    for text in request.get("timeline_details_exclude", []):
        details = [entry["detail"] for entry in timeline if text.casefold() in str(entry.get("detail")).casefold()]
        found += [f"{title!r}: timeline details mention {text!r}: {details}"] if details else []
    return found


def _timeline_entry(item: str | Mapping[str, Any]) -> Mapping[str, Any]:
    return {"stage": item} if isinstance(item, str) else item


def _not_in_order(wanted: Sequence[Mapping[str, Any]], actual: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The first of `wanted` not found, in order, among `actual` (each a partial match); None when all are."""
    remaining = iter(actual)
    for item in wanted:
        if not any(all(entry.get(key) == value for key, value in item.items()) for entry in remaining):
            return item
    return None


def _event_problems(expected: Mapping[str, Any], events: Sequence[Mapping[str, Any]]) -> list[str]:
    found = []
    if missing := _not_in_order(expected.get("events", []), events):
        happened = [(event.get("title"), event.get("from_stage"), event.get("to_stage")) for event in events]
        found.append(f"events {happened} lack {missing} (in order)")
    if "event_count" in expected and len(events) != expected["event_count"]:
        found.append(f"{len(events)} stage-changed events, expected {expected['event_count']}")
    return found


def _repair_problems(patterns: Sequence[str], repairs: Sequence[str]) -> list[str]:
    found = []
    if unmatched := [repair for repair in repairs if not any(fnmatch.fnmatchcase(repair, p) for p in patterns)]:
        found.append(f"unexpected repair issues: {unmatched}")
    if missing := [pattern for pattern in patterns if not any(fnmatch.fnmatchcase(r, pattern) for r in repairs)]:
        found.append(f"no repair issue matches {missing} (open: {list(repairs)})")
    return found


def _checkpoint_problems(wanted: Sequence[Mapping[str, Any]], taken: Sequence[Mapping[str, Any]]) -> list[str]:
    shown = {float(checkpoint["at"]): checkpoint for checkpoint in taken}
    found: list[str] = []
    for checkpoint in wanted:
        at = float(checkpoint["at"])
        if unknown := set(checkpoint) - CHECKPOINT_KEYS:
            found.append(f"at {at:g} s: unknown expectation keys: {sorted(unknown)}")
        if at not in shown:
            found.append(f"at {at:g} s: the replay took no checkpoint")
            continue
        rest = {key: value for key, value in checkpoint.items() if key != "at"}
        found += [f"at {at:g} s: {problem}" for problem in problems(rest, shown[at])]
    return found
