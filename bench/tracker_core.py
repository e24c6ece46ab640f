"""How fast the tracker applies evidence, how much memory its requests take, and how long a store write takes.

Run: .venv/bin/python -m bench.tracker_core [--requests N]
"""

from __future__ import annotations

import argparse
from dataclasses import replace
import json
import time
import tracemalloc

from custom_components.media_request_tracker.tracker import Evidence, Tracker
from custom_components.media_request_tracker.tracker.serialization import dump_tracker, load_tracker
from tests.tracker.lifecycles import movie, series


def lifecycles(count: int) -> list[Evidence]:
    """`count` requests' evidence (a third of them season packs), each with its own ids."""
    evidence = []
    for number in range(count):
        lifecycle = series(episodes=12) if number % 3 == 0 else movie(anime=number % 3 == 1)
        offset = number * 100_000
        evidence += [_renumbered(item, offset) for item in lifecycle.evidence]
    return evidence


def _renumbered(item: Evidence, offset: int) -> Evidence:
    """The same evidence about another request: every id shifted so requests do not merge."""
    ids = frozenset((kind, _shift(value, offset)) for kind, value in item.ids)
    return replace(item, ids=ids)


def _shift(value: str, offset: int) -> str:
    prefix, _, last = value.rpartition(":")
    if last.isdigit():
        return f"{prefix}:{int(last) + offset}" if prefix else str(int(last) + offset)
    return f"{value}-{offset}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    evidence = lifecycles(args.requests)

    tracemalloc.start()
    tracker = Tracker()
    started = time.process_time()
    for item in evidence:
        tracker.apply(item)
    applied = time.process_time() - started
    current, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    started = time.process_time()
    text = json.dumps(dump_tracker(tracker))
    dumped = time.process_time() - started
    started = time.process_time()
    load_tracker(json.loads(text), Tracker())
    loaded = time.process_time() - started

    again = time.process_time()
    for item in evidence[:5000]:
        tracker.apply(item)
    repeat = (time.process_time() - again) / min(len(evidence), 5000)

    print("| requests | evidence | CPU per apply | CPU per repeat | memory per request | store size | dump | load |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {len(tracker.requests)} | {len(evidence)} | {applied / len(evidence) * 1e6:.1f} µs "
        f"| {repeat * 1e6:.1f} µs | {current / len(tracker.requests) / 1024:.1f} KiB | {len(text) / 1024:.0f} KiB "
        f"| {dumped * 1000:.0f} ms | {loaded * 1000:.0f} ms |"
    )


if __name__ == "__main__":
    main()
