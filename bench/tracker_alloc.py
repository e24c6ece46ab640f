"""Allocations per change in the tracker core, measured with tracemalloc.

With `--requests` requests tracked (a third of them downloading), one progress report for a downloading request
is applied over and over with a new time and progress (what a qBittorrent poll brings), then once more unchanged
(a repeat). For each: bytes allocated and freed again within the apply (tracemalloc's peak over what was held
before), and the memory blocks still held afterwards, per apply. Counts, summary and download ids are read after
every apply, as the sensors and the poller do.

    .venv/bin/python -m bench.tracker_alloc [--requests N] [--applies N]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import replace
import time
import tracemalloc

from custom_components.media_request_tracker.tracker import (
    FINISHED_STAGES,
    DownloadProgress,
    Evidence,
    Stage,
    Tracker,
)
from tests.tracker.lifecycles import movie

from .results import write_result
from .tracker_core import _renumbered

DOWNLOAD_STAGES = frozenset({Stage.GRABBING, Stage.DOWNLOADING})
"""The stages in which the qBittorrent poller polls fast."""


def filled_tracker(requests: int) -> tuple[Tracker, DownloadProgress]:
    """A tracker with `requests` movies, every third one still downloading; a progress report of the last one."""
    lifecycle = movie().evidence
    completed_at = next(i for i, item in enumerate(lifecycle) if type(item).__name__ == "DownloadCompleted")
    tracker = Tracker()
    last_progress: Evidence | None = None
    for number in range(requests):
        downloading = number % 3 == 0
        for item in lifecycle[:completed_at] if downloading else lifecycle:
            renumbered = _renumbered(item, (number + 1) * 100_000)
            tracker.apply(renumbered)
            if downloading and isinstance(renumbered, DownloadProgress):
                last_progress = renumbered
    if not isinstance(last_progress, DownloadProgress):
        raise TypeError("no downloading request was built")
    return tracker, last_progress


def kept_counts(tracker: Tracker) -> object:
    """What the sensors and the poller read, from the counts the tracker keeps."""
    return tracker.counts, tracker.any_in(DOWNLOAD_STAGES), len(tracker.active_downloads)


def scanned_counts(tracker: Tracker) -> object:
    """The same, by looking at every request (as the summary sensors and the poller did)."""
    requests = tracker.requests.values()
    return (
        sum(r.stage not in FINISHED_STAGES for r in requests),
        sum(r.stage is Stage.DOWNLOADING for r in requests),
        sum(r.stalled_reason is not None for r in requests),
        any(r.stage in DOWNLOAD_STAGES for r in requests),
        len({d for r in requests if r.stage not in FINISHED_STAGES for d, f in r.downloads.items() if f.counts}),
    )


def per_apply(
    tracker: Tracker, evidence: list[Evidence], read: Callable[[Tracker], object]
) -> tuple[float, float, float]:
    """Mean transient bytes, blocks left held, and CPU microseconds per apply (reading the counts after each)."""
    transient = 0
    tracemalloc.start()
    before_blocks = len(tracemalloc.take_snapshot().traces)
    for item in evidence:
        current, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        tracker.apply(item)
        read(tracker)
        transient += tracemalloc.get_traced_memory()[1] - current
    held = len(tracemalloc.take_snapshot().traces) - before_blocks
    tracemalloc.stop()
    started = time.process_time()
    for item in evidence:
        tracker.apply(item)
        read(tracker)
    cpu = time.process_time() - started
    return transient / len(evidence), held / len(evidence), cpu / len(evidence) * 1e6


def main() -> None:
    """Measure and write bench/results/tracker_alloc.txt."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--applies", type=int, default=2000)
    args = parser.parse_args()
    tracker, progress = filled_tracker(args.requests)
    base = progress.at + 1000
    moving = [replace(progress, at=base + n, progress=n / (args.applies * 2)) for n in range(args.applies)]
    repeat = [moving[-1]] * args.applies
    rows = [
        ("progress report, counts kept", *per_apply(tracker, moving, kept_counts)),
        ("the same report again, counts kept", *per_apply(tracker, repeat, kept_counts)),
        ("progress report, counts by scanning every request", *per_apply(tracker, moving, scanned_counts)),
    ]
    lines = [
        f"Allocations per apply, {len(tracker.requests):,} requests tracked (tracemalloc; CPU measured without it)",
        "",
        "| evidence | transient bytes per apply | blocks still held per apply | CPU per apply |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {label} | {transient:,.0f} | {held:.2f} | {cpu:.1f} µs |" for label, transient, held, cpu in rows]
    write_result("tracker_alloc", "\n".join(lines))


if __name__ == "__main__":
    main()
