"""Webhook to state latency in a real Home Assistant, under open-loop load over loopback HTTP.

For each rate, a fresh Home Assistant (tracker + simulated Radarr, set up from a config entry and its subentry)
takes Radarr grab webhooks for new movies from a load generator in another process; a webhook's latency runs
from the moment its POST left to the moment its request sensor's state was written (both read on the system-wide
monotonic clock). The floor is a no-op webhook registered in the same Home Assistant that only writes a state.
Alongside: Home Assistant's CPU per webhook (process_time over the run, less its idle rate, / webhooks), full
garbage-collection pauses (gc.callbacks) and loop stalls (a ticker's lateness).

    .venv/bin/python -m bench.webhook_latency [--rates 20 100 300 1000] [--preload] [--seconds-scale 1.0]
    .venv/bin/python -m bench.webhook_latency --preload --rates 100 --profile

`--preload` fills the store with 1,000 active and 10,000 finished requests first; the set-up's longest loop block
and full-GC pause are reported with it. `--profile` runs the tracker's webhooks under cProfile instead and writes
the functions taking most time to bench/results/webhook_profile.txt (the latencies are not written then).
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
import cProfile
from dataclasses import dataclass, field
import gc
import io
import json
from pathlib import Path
import pstats
import re
import statistics
import tempfile
import time
from typing import Any

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant, callback

from .home_assistant import RunningHome, grab_body, preloaded_store, running_home
from .load import Load, LoadProcess, encode
from .results import write_result

FIXTURES = Path(__file__).parent.parent / "tests" / "sources" / "fixtures"
FLOOR_WEBHOOK = "bench-floor-webhook"
FLOOR_ENTITY = "sensor.bench_floor"
SECONDS_AT_RATE = {20: 10.0, 100: 5.0, 300: 4.0, 1000: 3.0}
TICK = 0.005
IDLE = 1.0
"""Seconds Home Assistant is measured idle before each run: its idle CPU is taken off the run's."""
SETTLE = 10.0
BENCH_TITLE = re.compile(r"Bench Movie (\d+)")


@dataclass
class Monitor:
    """What Home Assistant's process went through while the load ran: CPU, full-GC pauses, loop lateness."""

    gc_pauses: list[float] = field(default_factory=list)
    lateness: list[float] = field(default_factory=list)
    cpu: float = 0.0
    wall: float = 0.0
    _gc_started: float = 0.0
    _ticker: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start measuring."""
        gc.callbacks.append(self._on_gc)
        self._ticker = asyncio.get_running_loop().create_task(self._tick())
        self.cpu = time.process_time()
        self.wall = time.monotonic()

    def stop(self) -> None:
        """Stop measuring."""
        self.cpu = time.process_time() - self.cpu
        self.wall = time.monotonic() - self.wall
        gc.callbacks.remove(self._on_gc)
        if self._ticker is not None:
            self._ticker.cancel()

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self.gc_pauses.append(time.perf_counter() - self._gc_started)

    async def _tick(self) -> None:
        while True:
            planned = time.monotonic() + TICK
            await asyncio.sleep(TICK)
            self.lateness.append(time.monotonic() - planned)


@dataclass(frozen=True)
class Run:
    """One rate against one webhook."""

    label: str
    rate: int
    sent: int
    dropped: int
    latencies: list[float]
    cpu_per_webhook: float
    gc_pauses: list[float]
    lateness: list[float]
    achieved_rate: float


class StateTimes:
    """When each numbered webhook's state was first written."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Listen to state writes."""
        self.floor: dict[int, float] = {}
        self.tracker: dict[int, float] = {}
        self._unsubscribe = hass.bus.async_listen(EVENT_STATE_CHANGED, self._on_state)

    @callback
    def _on_state(self, event: Event[Any]) -> None:
        now = time.monotonic()
        new_state = event.data["new_state"]
        if new_state is None:
            return
        if event.data["entity_id"] == FLOOR_ENTITY:
            self.floor.setdefault(int(new_state.state), now)
        elif (name := new_state.attributes.get("friendly_name")) and (match := BENCH_TITLE.search(name)):
            self.tracker.setdefault(int(match.group(1)), now)


def register_floor(hass: HomeAssistant) -> None:
    """The floor: a webhook in the same Home Assistant that reads its body and writes one state."""

    async def handle(hass: HomeAssistant, webhook_id: str, request: web.Request) -> web.Response:
        body = await request.json()
        hass.states.async_set(FLOOR_ENTITY, str(body["n"]))
        return web.Response(text="ok")

    webhook.async_register(hass, "bench", "Bench floor", FLOOR_WEBHOOK, handle, local_only=False)


async def drive(label: str, rate: int, load: Load, seen: Callable[[], dict[int, float]], *, offset: int) -> Run:
    """Send the load, wait for its states, and measure."""
    generator = LoadProcess(load)
    await generator.start()
    await asyncio.sleep(IDLE)
    monitor = Monitor()
    monitor.start()
    await asyncio.sleep(IDLE)
    idle_cpu = time.process_time() - monitor.cpu
    monitor = Monitor()
    monitor.start()
    sent = await generator.send()
    deadline = time.monotonic() + SETTLE
    while len(_ours(seen(), offset, len(load.bodies))) < len(load.bodies):
        if time.monotonic() > deadline:
            break
        await asyncio.sleep(0.05)
    monitor.stop()
    states = _ours(seen(), offset, len(load.bodies))
    latencies = [states[offset + i] - at for i, at in enumerate(sent.sent_at) if offset + i in states]
    answered_ok = sum(status == 200 for status in sent.statuses)
    span = max(sent.sent_at) - min(sent.sent_at)
    return Run(
        label=label,
        rate=rate,
        sent=len(load.bodies),
        dropped=len(load.bodies) - min(len(latencies), answered_ok),
        latencies=latencies,
        cpu_per_webhook=(monitor.cpu - idle_cpu / IDLE * monitor.wall) / len(load.bodies),
        gc_pauses=monitor.gc_pauses,
        lateness=monitor.lateness,
        achieved_rate=(len(load.bodies) - 1) / span if span else float(rate),
    )


def _ours(seen: dict[int, float], offset: int, count: int) -> dict[int, float]:
    return {n: at for n, at in seen.items() if offset <= n < offset + count}


async def run_rate(
    rate: int, scale: float, store: dict[str, dict[str, Any]] | None, profile: cProfile.Profile | None = None
) -> list[Run]:
    """A fresh Home Assistant; the floor at `rate`, then the tracker's Radarr webhook at `rate`."""
    count = max(20, int(rate * SECONDS_AT_RATE.get(rate, 3.0) * scale))
    template = json.loads((FIXTURES / "radarr" / "grab.json").read_text())
    with tempfile.TemporaryDirectory(prefix="media-request-tracker-bench-") as config_dir:
        async with running_home(Path(config_dir), store=store) as home:
            register_floor(home.hass)
            times = StateTimes(home.hass)
            await asyncio.sleep(1)  # set-up's own tasks settle
            floor = Load(
                f"{home.url}/api/webhook/{FLOOR_WEBHOOK}",
                {"Content-Type": "application/json"},
                [encode({"n": n}) for n in range(count)],
                rate,
            )
            SETUP.append(home.setup)
            floor_run = await drive("no-op webhook (floor)", rate, floor, lambda: times.floor, offset=0)
            tracker = Load(home.radarr_webhook, home.radarr_headers, _grabs(count, template), rate)
            if profile is not None:
                profile.enable()
            tracker_run = await drive("tracker, Radarr grab", rate, tracker, lambda: times.tracker, offset=0)
            if profile is not None:
                profile.disable()
            _check_running(home)
            return [floor_run, tracker_run]


SETUP: list[tuple[float, float, float]] = []
"""Each run's set-up of the entry: wall seconds, longest loop block, longest full-GC pause."""


def _grabs(count: int, template: dict[str, Any]) -> list[bytes]:
    return [encode(grab_body(n, template)) for n in range(count)]


def _check_running(home: RunningHome) -> None:
    if not home.hass.config_entries.async_entries("media_request_tracker"):
        raise RuntimeError("the tracker's entry went away during the run")


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of the values lie (nearest rank)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def table(title: str, runs: list[Run]) -> str:
    """A markdown table of the runs."""
    lines = [
        title,
        "",
        "| webhook | rate (achieved) | sent | dropped | median | p99 | CPU per webhook | full GCs (longest) "
        "| loop lateness p99 (max) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        ms = [latency * 1000 for latency in run.latencies]
        gcs = f"{len(run.gc_pauses)} ({max(run.gc_pauses, default=0) * 1000:.0f} ms)"
        late = [value * 1000 for value in run.lateness]
        lines.append(
            f"| {run.label} | {run.rate}/s ({run.achieved_rate:.0f}/s) | {run.sent} | {run.dropped} "
            f"| {statistics.median(ms) if ms else float('nan'):.2f} ms | {percentile(ms, 0.99):.2f} ms "
            f"| {run.cpu_per_webhook * 1000:.2f} ms | {gcs} "
            f"| {percentile(late, 0.99):.1f} ms ({max(late, default=0):.0f} ms) |"
        )
    tracker = [run for run in runs if not run.label.startswith("no-op")]
    medians = [statistics.median(run.latencies) for run in tracker if run.latencies]
    if medians:
        worst = max(medians)
        lines += [
            "",
            f"Freshness: the slowest median here ({worst * 1000:.2f} ms) is {15 / worst:,.0f}x fresher than the mean "
            f"15 s delay of 30 s polling and {30 / worst:,.0f}x fresher than the mean 30 s of Seerr's 60 s sync.",
        ]
    return "\n".join(lines)


def main() -> None:
    """Run every rate and write bench/results/webhook_latency[_preloaded].txt."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rates", type=int, nargs="+", default=list(SECONDS_AT_RATE))
    parser.add_argument("--preload", action="store_true", help="1,000 active and 10,000 finished requests")
    parser.add_argument("--seconds-scale", type=float, default=1.0, help="shorter or longer runs per rate")
    parser.add_argument("--profile", action="store_true", help="profile the tracker's webhooks instead")
    args = parser.parse_args()
    store = preloaded_store(1000, 10_000, now=time.time()) if args.preload else None
    size = "1,000 active + 10,000 finished requests preloaded" if args.preload else "no request before the run"
    profile = cProfile.Profile() if args.profile else None
    runs: list[Run] = []
    for rate in args.rates:
        runs += asyncio.run(run_rate(rate, args.seconds_scale, store, profile))
    if profile is not None:
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(30)
        sent = sum(run.sent for run in runs if not run.label.startswith("no-op"))
        write_result("webhook_profile", f"cProfile of {sent} Radarr grab webhooks, {size}\n\n```\n{out.getvalue()}```")
        return
    name = "webhook_latency_preloaded" if args.preload else "webhook_latency"
    result = table(f"Webhook to state over loopback HTTP, open-loop load, {size}", runs)
    if args.preload:
        result += "\n\nSet-up of the entry with the preloaded store, per run: " + ", ".join(
            f"{wall:.1f} s, longest loop block {block * 1000:.0f} ms, longest full GC {pause * 1000:.0f} ms"
            for wall, block, pause in SETUP
        )
    write_result(name, result)


if __name__ == "__main__":
    main()
