"""What a store write and a restore cost the event loop, with real files, at 1,000 and 11,000 requests.

Run: .venv/bin/python -m bench.store_write [--active N --finished N]   (default: both sizes)
Appends a table to bench/results/store.txt.

Requests: finished ones go through a whole lifecycle (a third season packs of 12 episodes); active ones are
downloading. A typical write follows a qBittorrent poll that moved every active download; a full write encodes
every request (the first one after an upgrade). The loop's cost is the event loop thread's CPU time during the
write; the longest block is the longest the loop could not run a 1 ms timer.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
import gc
import os
from pathlib import Path
import platform
import tempfile
import time

from homeassistant.core import HomeAssistant

from bench.tracker_core import _renumbered, lifecycles
from custom_components.media_request_tracker.store import TrackerStore
from custom_components.media_request_tracker.tracker import DownloadProgress, Tracker, make_ids
from tests.tracker.lifecycles import movie

RESULTS = Path(__file__).parent / "results" / "store.txt"
ENTRY_ID = "bench"


def build_tracker(active: int, finished: int) -> Tracker:
    """`finished` requests through their whole lifecycle and `active` ones downloading."""
    tracker = Tracker()
    for item in lifecycles(finished):
        tracker.apply(item)
    for number in range(active):
        offset = (finished + number) * 100_000
        for item in movie(metadata_first=False).evidence[:4]:
            tracker.apply(_renumbered(item, offset))
    return tracker


def poll(tracker: Tracker, at: float) -> list[str]:
    """Every active download moves on, as one qBittorrent poll reports; returns the changed requests."""
    changed = []
    for key, request in tracker.requests.items():
        for download_id, download in request.downloads.items():
            if download.stage.value == "downloading":
                evidence = DownloadProgress(
                    source="qbit",
                    at=at,
                    ids=make_ids(download_ids=(download_id,)),
                    progress=min(download.progress + 0.01, 0.99),
                    size=4_000,
                )
                if tracker.apply(evidence):
                    changed.append(key)
    return changed


class LoopWatch:
    """The longest the event loop was blocked, and the loop thread's CPU time, while something ran."""

    async def measure(self, work: Callable[[], Awaitable[None]]) -> tuple[float, float, float]:
        """(wall seconds, loop CPU seconds, longest block seconds)."""
        longest = 0.0
        done = False

        async def tick() -> None:
            nonlocal longest
            while not done:
                before = time.perf_counter()
                await asyncio.sleep(0.001)
                longest = max(longest, time.perf_counter() - before - 0.001)

        ticker = asyncio.create_task(tick())
        await asyncio.sleep(0.01)
        self.gc_longest = 0.0
        gc.callbacks.append(self._gc_timer)
        wall, cpu = time.perf_counter(), time.thread_time()
        await work()
        wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
        gc.callbacks.remove(self._gc_timer)
        done = True
        await ticker
        return wall, cpu, longest

    gc_longest = 0.0
    _gc_started = 0.0

    def _gc_timer(self, phase: str, _info: dict[str, int]) -> None:
        """Garbage collection pauses every thread: the longest one is part of the longest block."""
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self.gc_longest = max(self.gc_longest, time.perf_counter() - self._gc_started)


def storage_files(config: str) -> dict[str, tuple[int, int]]:
    folder = Path(config) / ".storage"
    return {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in folder.glob(f"*{ENTRY_ID}*")}


def written_bytes(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> tuple[int, int]:
    changed = [name for name, stat in after.items() if before.get(name, (0, 0))[0] != stat[0]]
    return len(changed), sum(after[name][1] for name in changed)


async def run(active: int, finished: int, frozen: bool) -> str:
    tracker = build_tracker(active, finished)
    if frozen:
        gc.freeze()  # the tracker's objects leave the collector's scans, as after `gc.freeze()` at start-up
    with tempfile.TemporaryDirectory() as config:
        hass = HomeAssistant(config)
        watch = LoopWatch()
        store = TrackerStore(hass, ENTRY_ID, tracker)
        store.schedule_save(None)
        full = await watch.measure(store.async_save)
        full_gc = watch.gc_longest
        files = storage_files(config)
        total = sum(size for _, size in files.values())

        changed = poll(tracker, time.time())
        before = storage_files(config)
        store.schedule_save(changed)
        typical = await watch.measure(store.async_save)
        typical_gc = watch.gc_longest
        parts, written = written_bytes(before, storage_files(config))

        restored = Tracker()
        restore = await watch.measure(TrackerStore(hass, ENTRY_ID, restored).async_load)
        restore_gc = watch.gc_longest
        if len(restored.requests) != len(tracker.requests):
            raise RuntimeError("the restore lost requests")
        await hass.async_stop(force=True)
    return (
        f"| {len(tracker.requests)} ({active} active) | {total / 1e6:.1f} MB in {len(files)} files "
        f"| {full[1] * 1e3:.0f} ms / {full[2] * 1e3:.0f} ms (GC {full_gc * 1e3:.0f} ms) "
        f"| {len(changed)}: {typical[1] * 1e3:.1f} ms / {typical[2] * 1e3:.1f} ms (GC {typical_gc * 1e3:.0f} ms), "
        f"{parts} files {written / 1e6:.1f} MB "
        f"| {restore[0] * 1e3:.0f} ms, loop {restore[1] * 1e3:.0f} ms / {restore[2] * 1e3:.0f} ms "
        f"(GC {restore_gc * 1e3:.0f} ms) |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--active", type=int)
    parser.add_argument("--finished", type=int)
    parser.add_argument("--gc-freeze", action="store_true", help="freeze the built tracker's objects first")
    args = parser.parse_args()
    sizes = [(args.active, args.finished)] if args.active is not None else [(100, 900), (1000, 10_000)]
    lines = [
        f"\n{time.strftime('%Y-%m-%d %H:%M')} on {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}",
        "| requests | store on disk | full write: loop CPU / longest block "
        "| poll write (requests changed): loop CPU / longest block, written "
        "| restore: wall, loop CPU / longest block |",
        "|---|---|---|---|---|",
    ]
    for active, finished in sizes:
        note = " gc.freeze()" if args.gc_freeze else ""
        lines.append(asyncio.run(run(active, finished, args.gc_freeze)) + note)
        print(lines[-1], flush=True)
    RESULTS.parent.mkdir(exist_ok=True)
    with RESULTS.open("a") as results:
        results.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
