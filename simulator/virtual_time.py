"""Virtual time for a whole asyncio program: timers fire in order, idle gaps take no real time.

Home Assistant, the integration and the simulated services share one event loop. Wall-clock and monotonic time are
frozen with freezegun (which is how Home Assistant's own tests move time) and move only when this module moves
them: whenever the loop has nothing left to do (no ready callback, no socket with data waiting, no executor job
running), time jumps to the loop's next timer, as long as that timer is within the horizon the caller set. A
coordinator polling every 60 s therefore polls every 60 virtual seconds, and a trace spanning hours runs in seconds.

Idleness is seen from inside the loop: `asyncio` asks its selector to wait with a timeout only when no callback is
ready, so a selector that first polls its sockets without waiting knows the loop would block. Everything the
program talks to is on loopback in the same loop, so nothing arrives from outside while it is idle; executor jobs
are counted, because their results do arrive from other threads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from datetime import UTC, datetime, timedelta
import math
import selectors
from typing import Any, Self

import freezegun
from freezegun.api import FrozenDateTimeFactory

DEFAULT_LIMIT = 3600.0
"""Virtual seconds an awaited operation may take before it counts as stuck."""


class StuckError(RuntimeError):
    """The program waits for something that no timer and no socket will ever bring."""


class VirtualClock:
    """Frozen time that jumps to the next timer whenever the loop it drives is idle."""

    def __init__(self, start: datetime) -> None:
        """A clock at `start` (an aware datetime); enter it (`with`) before making its loop."""
        self._start = start.astimezone(UTC).replace(tzinfo=None)
        self._freezer = freezegun.freeze_time(start)
        self._factory: FrozenDateTimeFactory | None = None
        self._horizon: float | None = None
        self._idle: asyncio.Future[None] | None = None
        self.jobs = 0
        """Executor jobs submitted by the loop and not finished yet."""

    def __enter__(self) -> Self:
        """Freeze time at the start."""
        factory = self._freezer.start()
        if not isinstance(factory, FrozenDateTimeFactory):
            raise TypeError("freezegun did not freeze time")
        self._factory = factory
        return self

    def __exit__(self, *_exc: object) -> None:
        """Let time run again."""
        self._freezer.stop()

    @property
    def now(self) -> float:
        """Virtual seconds since the start, to the microsecond freezegun keeps."""
        return (self._frozen()() - self._start).total_seconds()

    def new_loop(self) -> asyncio.AbstractEventLoop:
        """An event loop driven by this clock (for `asyncio.Runner(loop_factory=...)`)."""
        return VirtualTimeLoop(self)

    async def run_until(self, seconds: float) -> None:
        """Run everything due up to `seconds` since the start, then stop there with the loop idle.

        Time never goes back: a target in the past only lets what is due now happen.
        """
        await self._wait_idle(None, horizon=seconds)
        if self.now < seconds:
            self._frozen().move_to(self._start + timedelta(seconds=seconds))
        await self._wait_idle(None, horizon=seconds)

    async def run[T](self, awaitable: Awaitable[T], *, limit: float = DEFAULT_LIMIT) -> T:
        """Await `awaitable` while time jumps over idle gaps; at most `limit` virtual seconds may pass.

        Raises StuckError when the loop goes idle with nothing left to wake it within the limit.
        """
        task = asyncio.ensure_future(awaitable)
        await self._wait_idle(task, horizon=self.now + limit)
        if not task.done():
            task.cancel()
            raise StuckError(f"still waiting after {limit:g} s of virtual time, with nothing left to happen")
        return task.result()

    async def _wait_idle(self, task: asyncio.Future[Any] | None, *, horizon: float) -> None:
        """Jump time up to `horizon` until `task` is done (or, without a task, until the loop is idle there)."""
        idle: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._idle, self._horizon = idle, horizon
        try:
            waiting: set[asyncio.Future[Any]] = {idle} if task is None else {idle, task}
            await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self._idle, self._horizon = None, None
            idle.cancel()

    def on_idle(self, delay: float | None) -> bool:
        """The loop would block; its next timer is `delay` seconds away (None: no timer).

        Jumps to that timer when it is within the horizon, else tells the waiter the loop is idle. Returns False
        when nobody waits for the loop, which then really blocks (only a socket can wake it then).
        """
        if self._horizon is None:
            return False
        if delay is not None and self.now + delay <= self._horizon:
            self._tick(delay)
            return True
        if self._idle is not None and not self._idle.done():
            self._idle.set_result(None)
        return True

    def _tick(self, delay: float) -> None:
        # freezegun keeps microseconds: round up, so the timer is due afterwards and time always moves.
        self._frozen().tick(timedelta(microseconds=max(1, math.ceil(delay * 1_000_000))))

    def _frozen(self) -> FrozenDateTimeFactory:
        if self._factory is None:
            raise RuntimeError("the clock was not started")
        return self._factory


class IdleSelector(selectors.DefaultSelector):
    """The platform's selector, reporting to the clock whenever the loop would block with nothing to do."""

    def __init__(self, clock: VirtualClock) -> None:
        """Report to `clock`."""
        super().__init__()
        self._clock = clock

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        """Poll without waiting; when nothing is ready and no executor job runs, the loop is idle."""
        if timeout is not None and timeout <= 0:
            return super().select(0)
        ready = super().select(0)
        if ready:
            return ready
        # An executor job's result wakes the loop through its self-pipe: wait for it for real.
        if self._clock.jobs or not self._clock.on_idle(timeout):
            return super().select(timeout)
        return []


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """A selector event loop whose idle moments move the virtual clock; it counts its executor jobs."""

    def __init__(self, clock: VirtualClock) -> None:
        """A loop driven by `clock`."""
        super().__init__(IdleSelector(clock))
        self._clock = clock

    def run_in_executor[*Ts, T](
        self, executor: Executor | None, func: Callable[[*Ts], T], *args: *Ts
    ) -> asyncio.Future[T]:
        """Run `func` in a thread; the clock does not jump while it runs."""
        future = super().run_in_executor(executor, func, *args)
        self._clock.jobs += 1
        # Counted down in the loop once the result is delivered, so no idle moment falls in between.
        future.add_done_callback(self._job_done)
        return future

    def time(self) -> float:
        """The loop's clock: virtual seconds since the start.

        Small numbers on purpose: asyncio runs a timer when it is due within 1 ns, which a float holding seconds
        since 1970 cannot resolve.
        """
        return self._clock.now

    def _job_done(self, _future: asyncio.Future[Any]) -> None:
        self._clock.jobs -= 1
