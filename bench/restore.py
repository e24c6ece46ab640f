"""Restart with a big store: what setting the entry up costs the event loop, and memory per request.

Run: .venv/bin/python -m bench.restore [--active 1000 --finished 10000] [--finished-sensors N ...]
Writes bench/results/restore.txt.

A real Home Assistant (the test harness) starts with the tracker's store holding `active` downloading and
`finished` available requests (the preloaded store of the webhook benchmark). Measured over setting the entry up
until Home Assistant is idle: wall time, the longest the event loop was blocked (a 1 ms ticker), the longest
full garbage collection, request sensors created, and the growth of the process's resident memory per request.
`--finished-sensors` sets how many finished requests keep a sensor, a row each (default: the default, and a number
over `finished`, which gives every request one as before the limit).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
from pathlib import Path
import tempfile
import time
from typing import Any

from custom_components.media_request_tracker.const import CONF_FINISHED_SENSORS, DEFAULT_FINISHED_SENSORS

from .home_assistant import preloaded_store, running_home
from .results import write_result


def resident_bytes() -> int:
    """The process's resident memory."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


async def setup_cost(
    store: dict[str, dict[str, Any]] | None, finished_sensors: int
) -> tuple[tuple[float, float, float], int, int]:
    """(wall, longest block, longest full GC), request sensors, resident bytes grown while Home Assistant ran."""
    gc.collect()
    options = {CONF_FINISHED_SENSORS: finished_sensors}
    with tempfile.TemporaryDirectory(prefix="media-request-tracker-bench-") as config_dir:
        before = resident_bytes()
        async with running_home(Path(config_dir), store=store, options=options) as home:
            grown = resident_bytes() - before
            states = home.hass.states.async_all("sensor")
            sensors = sum(1 for state in states if "timeline" in state.attributes)
            return home.setup, sensors, grown


async def measure(active: int, finished: int, finished_sensors: int) -> str:
    """A row of the table: Home Assistant without requests first (twice: the first pays the imports)."""
    await setup_cost(None, finished_sensors)
    _, _, empty = await setup_cost(None, finished_sensors)
    store = preloaded_store(active, finished, now=time.time())
    (wall, block, pause), sensors, grown = await setup_cost(store, finished_sensors)
    del store
    requests = active + finished
    return (
        f"| {requests} ({active} active) | {finished_sensors} | {sensors} | {wall:.1f} s | {block * 1000:.0f} ms "
        f"| {pause * 1000:.0f} ms | {(grown - empty) / requests / 1024:.1f} KiB |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--active", type=int, default=1000)
    parser.add_argument("--finished", type=int, default=10_000)
    parser.add_argument("--finished-sensors", type=int, nargs="+", default=[DEFAULT_FINISHED_SENSORS, 1_000_000])
    args = parser.parse_args()
    rows = [asyncio.run(measure(args.active, args.finished, limit)) for limit in args.finished_sensors]
    write_result(
        "restore",
        "Setting the entry up with a preloaded store, until Home Assistant is idle\n\n"
        "| requests | finished_sensors | request sensors | wall | longest loop block | longest full GC "
        "| resident memory per request |\n|---|---:|---:|---:|---:|---:|---:|\n" + "\n".join(rows),
    )


if __name__ == "__main__":
    main()
