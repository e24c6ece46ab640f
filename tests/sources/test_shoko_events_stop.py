"""Stopping the Shoko event stream at awkward moments: right after the server went away, and while the task's
owner (Home Assistant cancels background tasks on unload and stop) cancels it too."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Coroutine
from typing import Any

import pytest

from custom_components.media_request_tracker.sources.shoko import events
from custom_components.media_request_tracker.sources.shoko.events import Backoff, ShokoEventStream
from simulator.shoko import SimulatedShoko

pytestmark = pytest.mark.usefixtures("socket_enabled")

API_KEY = "0d9c8b7a-6f5e-4d3c-2b1a-0f9e8d7c6b5a"


def other_tasks() -> set[asyncio.Task[Any]]:
    return asyncio.all_tasks() - {asyncio.current_task()}


class Owner:
    """A task factory that keeps the task, as Home Assistant keeps its background tasks."""

    def __init__(self) -> None:
        self.tasks: list[asyncio.Task[None]] = []

    def __call__(self, coro: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self.tasks.append(task)
        return task


@pytest.fixture
async def shoko() -> AsyncIterator[SimulatedShoko]:
    server = SimulatedShoko(api_key=API_KEY)
    await server.start()
    yield server
    await server.stop()


async def connected_stream(server: SimulatedShoko, owner: Owner) -> ShokoEventStream:
    stream = ShokoEventStream(
        server.url, API_KEY, on_event=lambda _name, _payload: None, backoff=Backoff(initial=0.05, maximum=0.2)
    )
    stream.start(owner)
    await server.wait_for_clients(1)
    return stream


@pytest.mark.parametrize("attempt", range(5))
async def test_stop_right_after_the_server_went_away_ends_every_task(shoko: SimulatedShoko, attempt: int) -> None:
    stream = await connected_stream(shoko, Owner())
    await shoko.stop()
    async with asyncio.timeout(5):
        await stream.stop()
    assert other_tasks() == set(), f"attempt {attempt}"


@pytest.mark.parametrize("order", ["owner_first", "stop_first"])
@pytest.mark.parametrize("server_gone", [False, True])
async def test_owner_cancelling_the_task_as_well_leaves_nothing(
    shoko: SimulatedShoko, order: str, server_gone: bool
) -> None:
    owner = Owner()
    stream = await connected_stream(shoko, owner)
    if server_gone:
        await shoko.stop()
    async with asyncio.timeout(5):
        if order == "owner_first":
            owner.tasks[0].cancel()
            await asyncio.sleep(0)
            await stream.stop()
        else:
            stopping = asyncio.create_task(stream.stop())
            await asyncio.sleep(0)
            owner.tasks[0].cancel()
            await stopping
    assert other_tasks() - {t for t in other_tasks() if "aiohttp" in repr(t.get_coro())} == set()


def marked_task(marker: object) -> asyncio.Task[None]:
    """A task started inside an attempt (it carries the attempt's marker), as pysignalr's keepalive is."""
    token = events._ATTEMPT.set(marker)
    try:
        return asyncio.create_task(asyncio.sleep(3600))
    finally:
        events._ATTEMPT.reset(token)


@pytest.mark.parametrize("cancels", [1, 2, 3])
async def test_leftovers_are_finished_even_when_the_clean_up_is_cancelled(cancels: int) -> None:
    marker = object()
    leftover = marked_task(marker)
    clean_up = asyncio.create_task(events._finish_leftovers(marker))
    for _ in range(cancels):
        await asyncio.sleep(0)
        clean_up.cancel()
    with pytest.raises(asyncio.CancelledError):
        await clean_up
    assert leftover.cancelled()


async def test_a_task_that_swallows_a_cancellation_is_cancelled_again() -> None:
    swallowed = asyncio.Event()

    async def stubborn() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            swallowed.set()  # as pysignalr's reconnection loop was seen to do
        await asyncio.sleep(3600)

    task = asyncio.create_task(stubborn())
    await asyncio.sleep(0)
    async with asyncio.timeout(2):
        await events._finish(task)
    assert swallowed.is_set()
    assert task.cancelled()
