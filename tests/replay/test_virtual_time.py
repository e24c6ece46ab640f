"""The replay's virtual time: timers fire in order at their virtual times, idle gaps cost no real time."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
import time
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from simulator.virtual_time import StuckError, VirtualClock

START = datetime(2026, 1, 1, tzinfo=UTC)


def in_virtual_time[T](main: Callable[[VirtualClock], Coroutine[Any, Any, T]]) -> T:
    """Run `main` on a loop driven by a fresh virtual clock."""
    with VirtualClock(START) as clock, asyncio.Runner(loop_factory=clock.new_loop) as runner:
        return runner.run(main(clock))


def real_seconds() -> float:
    """Real monotonic time (freezegun freezes `time.monotonic`, not `clock_gettime`)."""
    return time.clock_gettime(time.CLOCK_MONOTONIC)


def test_timers_fire_in_order_at_their_virtual_times_without_waiting() -> None:
    async def main(clock: VirtualClock) -> list[tuple[str, float]]:
        fired: list[tuple[str, float]] = []
        loop = asyncio.get_running_loop()
        for name, delay in (("hour", 3600.0), ("minute", 60.0), ("second", 1.0)):
            loop.call_later(delay, lambda name=name: fired.append((name, clock.now)))
        await clock.run_until(7200)
        assert clock.now == 7200
        return fired

    started = real_seconds()
    assert in_virtual_time(main) == [("second", 1.0), ("minute", 60.0), ("hour", 3600.0)]
    assert real_seconds() - started < 5


def test_wall_clock_and_monotonic_time_move_together() -> None:
    async def main(clock: VirtualClock) -> tuple[float, float, float]:
        wall, monotonic = time.time(), time.monotonic()
        await clock.run(asyncio.sleep(90))
        return time.time() - wall, time.monotonic() - monotonic, asyncio.get_running_loop().time()

    assert in_virtual_time(main) == (90.0, 90.0, 90.0)


def test_run_until_stops_at_the_target_and_never_goes_back() -> None:
    async def main(clock: VirtualClock) -> list[float]:
        seen = []
        await clock.run_until(12.5)
        seen.append(clock.now)
        await clock.run_until(3)
        seen.append(clock.now)
        asyncio.get_running_loop().call_later(100, lambda: None)
        await clock.run_until(20)
        seen.append(clock.now)
        return seen

    assert in_virtual_time(main) == [12.5, 12.5, 20.0]


def test_a_timer_due_exactly_at_the_target_fires() -> None:
    async def main(clock: VirtualClock) -> list[float]:
        fired: list[float] = []
        asyncio.get_running_loop().call_later(30, lambda: fired.append(clock.now))
        await clock.run_until(30)
        return fired

    assert in_virtual_time(main) == [30.0]


def test_waiting_for_nothing_that_can_come_is_an_error() -> None:
    async def main(clock: VirtualClock) -> None:
        never: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        await clock.run(never, limit=60)

    with pytest.raises(StuckError, match="60 s of virtual time"):
        in_virtual_time(main)


def test_an_executor_job_finishes_before_time_jumps() -> None:
    """A thread's result arrives from outside the loop: the clock waits for it instead of jumping ahead."""

    async def main(clock: VirtualClock) -> float:
        asyncio.get_running_loop().call_later(10, lambda: None)
        await clock.run(asyncio.to_thread(time.sleep, 0.05))
        return clock.now

    assert in_virtual_time(main) == 0.0


@pytest.mark.usefixtures("socket_enabled")
def test_loopback_http_happens_at_the_moment_it_is_sent() -> None:
    """Nothing waits on a timer while a request is on the wire, so it takes no virtual time."""

    async def handler(_request: web.Request) -> web.Response:
        return web.Response(text="pong")

    async def main(clock: VirtualClock) -> tuple[str, float]:
        app = web.Application()
        app.router.add_get("/ping", handler)
        runner = web.AppRunner(app)
        await clock.run(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await clock.run(site.start())
        port = runner.addresses[0][1]
        asyncio.get_running_loop().call_later(10, lambda: None)
        async with aiohttp.ClientSession() as session:
            response = await clock.run(session.get(f"http://127.0.0.1:{port}/ping"))
            text = await clock.run(response.text())
        await clock.run(runner.cleanup())
        return text, clock.now

    assert in_virtual_time(main) == ("pong", 0.0)
