"""The Shoko event stream: real pysignalr against the simulated hub over a real websocket on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
import logging
import random
import time
from typing import Any
from urllib.parse import quote

import aiohttp.web_protocol
import pytest

from custom_components.media_request_tracker.sources.errors import CannotConnect, InvalidAuth
from custom_components.media_request_tracker.sources.shoko.events import (
    SHOKO_EVENTS,
    Backoff,
    ShokoEventStream,
)
import simulator.shoko
from simulator.shoko import V6_VERSION, SimulatedShoko, file_event

pytestmark = pytest.mark.usefixtures("socket_enabled")

API_KEY = "5e0b9a1c-2f4d-4b8e-8a7c-3d6f1e2a9b70"
FAST = Backoff(initial=0.05, maximum=0.2)
SERVER_SIDE = (aiohttp.web_protocol.__file__, simulator.shoko.__file__)
"""Source files whose coroutines belong to the simulated server, not to the client under test."""


def client_tasks() -> set[asyncio.Task[Any]]:
    """Every task except the test's own and the simulated server's request handlers."""
    tasks = set()
    for task in asyncio.all_tasks() - {asyncio.current_task()}:
        code = getattr(task.get_coro(), "cr_code", None)
        if code is None or code.co_filename not in SERVER_SIDE:
            tasks.add(task)
    return tasks


async def eventually(predicate: Callable[[], bool], seconds: float = 5.0) -> None:
    """Wait until `predicate()` holds."""
    async with asyncio.timeout(seconds):
        while not predicate():  # noqa: ASYNC110 - the state belongs to other tasks; no event to wait on
            await asyncio.sleep(0.01)


@dataclass
class Recorder:
    """Collects what the stream reports."""

    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    connected: int = 0
    disconnected: list[str] = field(default_factory=list)

    def on_event(self, name: str, payload: dict[str, Any]) -> None:
        self.events.append((name, payload))

    def on_connected(self) -> None:
        self.connected += 1

    def on_disconnected(self, reason: str) -> None:
        self.disconnected.append(reason)


@dataclass
class RecordingSleep:
    """An injectable sleep that records the delays, and can really sleep or hold at a gate."""

    real: bool = True
    delays: list[float] = field(default_factory=list)
    sleeping: asyncio.Event = field(default_factory=asyncio.Event)

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        self.sleeping.set()
        try:
            await asyncio.sleep(delay if self.real else 0)
        finally:
            self.sleeping.clear()


@pytest.fixture
async def shoko() -> AsyncIterator[SimulatedShoko]:
    server = SimulatedShoko(api_key=API_KEY)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
async def streams() -> AsyncIterator[list[ShokoEventStream]]:
    """Streams made by a test, stopped at the end whatever happened."""
    made: list[ShokoEventStream] = []
    yield made
    for stream in made:
        await stream.stop()


@pytest.fixture
def make_stream(
    shoko: SimulatedShoko, recorder: Recorder, streams: list[ShokoEventStream]
) -> Callable[..., ShokoEventStream]:
    def make(**kwargs: Any) -> ShokoEventStream:
        kwargs.setdefault("backoff", Backoff(initial=FAST.initial, maximum=FAST.maximum))
        stream = ShokoEventStream(
            kwargs.pop("url", shoko.url),
            kwargs.pop("api_key", API_KEY),
            on_event=recorder.on_event,
            on_connected=recorder.on_connected,
            on_disconnected=recorder.on_disconnected,
            **kwargs,
        )
        streams.append(stream)
        return stream

    return make


# The backoff policy.


def test_backoff_grows_and_is_capped() -> None:
    backoff = Backoff(initial=1, maximum=10, multiplier=2, jitter=False)

    assert [backoff.next_delay() for _ in range(6)] == [1, 2, 4, 8, 10, 10]
    backoff.reset()
    assert backoff.next_delay() == 1


def test_backoff_full_jitter_draws_below_the_ceiling() -> None:
    draws = iter([0.5, 0.0, 0.999])
    backoff = Backoff(initial=1, maximum=4, multiplier=2, rng=lambda: next(draws))

    assert backoff.next_delay() == 0.5
    assert backoff.next_delay() == 0.0
    assert backoff.next_delay() == pytest.approx(3.996)


def test_backoff_with_random_jitter_stays_within_the_cap() -> None:
    backoff = Backoff(initial=0.5, maximum=30, multiplier=3, rng=random.Random(7).random)

    delays = [backoff.next_delay() for _ in range(10_000)]  # also: no float overflow however long it fails

    assert all(0 <= delay < 30 for delay in delays)
    assert max(delays[-100:]) > 15  # the ceiling reached the cap, so late draws spread up to it


@pytest.mark.parametrize("settings", [{"initial": 0}, {"initial": 5, "maximum": 1}, {"multiplier": 0.5}], ids=str)
def test_backoff_rejects_nonsense(settings: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="backoff"):
        Backoff(**settings)  # type: ignore[arg-type]


# Connecting and receiving.


async def test_events_arrive_with_their_payloads(
    shoko: SimulatedShoko, recorder: Recorder, make_stream: Callable[..., ShokoEventStream]
) -> None:
    stream = make_stream()
    stream.start()
    await shoko.wait_for_clients(1)
    await eventually(lambda: stream.connected)

    sent = []
    for number, name in enumerate(SHOKO_EVENTS, start=1):
        payload = file_event(number, number * 10, 1, f"Show/Episode {number}.mkv", [{"SeriesID": 12}])
        sent.append((name, payload))
        assert await shoko.broadcast(name, payload) == 1
    await eventually(lambda: len(recorder.events) == len(SHOKO_EVENTS))

    assert recorder.events == sent
    assert recorder.connected == 1
    assert stream.last_error is None


async def test_hub_is_joined_with_the_shoko_feed_and_the_key_in_header_and_query(
    shoko: SimulatedShoko, make_stream: Callable[..., ShokoEventStream]
) -> None:
    stream = make_stream()
    stream.start()
    await shoko.wait_for_clients(1)

    negotiate, websocket = shoko.hub_requests
    assert negotiate.path == "/signalr/aggregate/negotiate"
    assert websocket.path == "/signalr/aggregate"
    for request in (negotiate, websocket):
        assert request.feeds == "shoko"
        assert request.key_in_header
        assert request.key_in_query
    assert str(stream.hub_url) == f"{shoko.url}/signalr/aggregate?feeds=shoko"


def test_hub_url_keeps_a_reverse_proxy_path() -> None:
    stream = ShokoEventStream("https://media.example/shoko/", API_KEY, on_event=lambda name, payload: None)

    assert str(stream.hub_url) == "https://media.example/shoko/signalr/aggregate?feeds=shoko"


async def test_odd_payloads_and_failing_callbacks_do_not_break_the_connection(
    shoko: SimulatedShoko, streams: list[ShokoEventStream], caplog: pytest.LogCaptureFixture
) -> None:
    received: list[dict[str, Any]] = []

    def on_event(_name: str, payload: dict[str, Any]) -> None:
        received.append(payload)
        if payload.get("FileID") == 1:
            raise RuntimeError("tracker bug")

    stream = ShokoEventStream(shoko.url, API_KEY, on_event=on_event, backoff=FAST)
    streams.append(stream)
    stream.start()
    await shoko.wait_for_clients(1)

    await shoko.broadcast("ShokoEvent:FileMatched", "not an object")
    await shoko.broadcast("ShokoEvent:FileMatched")
    await shoko.broadcast("ShokoEvent:FileMatched", {"FileID": 1})
    await shoko.broadcast("ShokoEvent:FileMatched", {"FileID": 2})
    await eventually(lambda: len(received) == 2)

    assert received == [{"FileID": 1}, {"FileID": 2}]
    assert len(shoko.connection_ids) == 1
    assert "Error in a Shoko event stream callback" in caplog.text


async def test_server_pings_keep_the_connection(recorder: Recorder, streams: list[ShokoEventStream]) -> None:
    shoko = SimulatedShoko(api_key=API_KEY, keepalive_interval=0.02)
    await shoko.start()
    try:
        stream = ShokoEventStream(shoko.url, API_KEY, on_event=recorder.on_event, backoff=FAST)
        streams.append(stream)
        stream.start()
        await shoko.wait_for_clients(1)
        await asyncio.sleep(0.2)  # about ten pings

        await shoko.broadcast("ShokoEvent:FileHashed", {"FileID": 3})
        await eventually(lambda: len(recorder.events) == 1)
        assert len(shoko.connection_ids) == 1
        await stream.stop()
    finally:
        await shoko.stop()


# Losing the connection and getting it back.


async def test_dropped_connection_reconnects_with_a_new_id_and_no_duplicate_handlers(
    shoko: SimulatedShoko, recorder: Recorder, make_stream: Callable[..., ShokoEventStream]
) -> None:
    sleep = RecordingSleep()
    stream = make_stream(sleep=sleep)
    stream.start()
    await shoko.wait_for_clients(1)

    for round_number in range(1, 4):
        started = time.monotonic()
        await shoko.drop_connections()
        await eventually(lambda n=round_number: len(shoko.connection_ids) == n + 1 and shoko.connected_clients == 1)
        assert time.monotonic() - started < FAST.maximum + 1.0

        assert await shoko.broadcast("ShokoEvent:FileMatched", {"FileID": round_number}) == 1
        await eventually(lambda n=round_number: len(recorder.events) == n)

    await asyncio.sleep(0.1)  # room for a duplicate delivery to show up
    assert [payload["FileID"] for _name, payload in recorder.events] == [1, 2, 3]
    assert len(set(shoko.connection_ids)) == 4
    assert shoko.rejected_ids == []  # the dead connection id was never reused
    assert recorder.connected == 4
    assert recorder.disconnected == ["connection closed"] * 3
    assert sleep.delays
    assert all(delay <= FAST.maximum for delay in sleep.delays)


async def test_server_restart_is_noticed_and_survived(
    shoko: SimulatedShoko, recorder: Recorder, make_stream: Callable[..., ShokoEventStream]
) -> None:
    stream = make_stream()
    stream.start()
    await shoko.wait_for_clients(1)

    await shoko.down()
    await eventually(lambda: recorder.disconnected != [])
    assert not stream.connected
    await shoko.up()
    await shoko.wait_for_clients(1)
    await eventually(lambda: stream.connected)

    assert recorder.connected == 2
    assert len(set(shoko.connection_ids)) == 2


async def test_server_down_at_start_retries_with_growing_delays(
    shoko: SimulatedShoko, recorder: Recorder, make_stream: Callable[..., ShokoEventStream]
) -> None:
    await shoko.down()
    sleep = RecordingSleep(real=False)
    gate = asyncio.Event()

    async def held_sleep(delay: float) -> None:
        await sleep(delay)
        if len(sleep.delays) >= 6:
            await gate.wait()

    stream = make_stream(sleep=held_sleep, backoff=Backoff(initial=0.1, maximum=0.8, jitter=False))
    stream.start()
    await eventually(lambda: len(sleep.delays) == 6)

    assert sleep.delays == [0.1, 0.2, 0.4, 0.8, 0.8, 0.8]
    assert stream.attempts == 6
    assert isinstance(stream.last_error, CannotConnect)
    assert recorder.connected == 0
    assert recorder.disconnected == []  # it never was connected

    await shoko.up()
    gate.set()
    await shoko.wait_for_clients(1)
    await eventually(lambda: stream.connected)
    assert stream.last_error is None


async def test_backoff_starts_over_after_a_connection_was_up(
    shoko: SimulatedShoko, make_stream: Callable[..., ShokoEventStream]
) -> None:
    sleep = RecordingSleep(real=False)
    stream = make_stream(sleep=sleep, backoff=Backoff(initial=0.1, maximum=0.8, jitter=False))
    await shoko.down()
    stream.start()
    await eventually(lambda: len(sleep.delays) >= 3)
    await shoko.up()
    await shoko.wait_for_clients(1)
    failures_before = len(sleep.delays)

    await shoko.drop_connections()
    await eventually(lambda: len(sleep.delays) > failures_before)

    assert sleep.delays[:3] == [0.1, 0.2, 0.4]
    assert sleep.delays[failures_before] == 0.1


async def test_wrong_key_is_reported_as_invalid_auth_and_retried(
    shoko: SimulatedShoko, recorder: Recorder, make_stream: Callable[..., ShokoEventStream]
) -> None:
    # Only v6's hub checks the key; v5's admits any (see test_shoko_simulator).
    shoko.version = V6_VERSION
    stream = make_stream(api_key="wrong-key")
    stream.start()

    await eventually(lambda: stream.attempts >= 2)

    assert isinstance(stream.last_error, InvalidAuth)
    assert shoko.connected_clients == 0
    assert recorder.connected == 0


async def test_an_attempt_that_hangs_is_bounded_by_the_connect_timeout(
    shoko: SimulatedShoko, make_stream: Callable[..., ShokoEventStream]
) -> None:
    shoko.stall_negotiation()
    stream = make_stream(connect_timeout=0.2)
    stream.start()

    await eventually(lambda: stream.attempts >= 2)
    assert isinstance(stream.last_error, CannotConnect)
    assert "did not connect within" in str(stream.last_error)

    shoko.release_negotiation()
    await shoko.wait_for_clients(1)
    await eventually(lambda: stream.connected)


# Stopping.


async def test_stop_during_a_backoff_sleep_leaves_no_task(
    shoko: SimulatedShoko, make_stream: Callable[..., ShokoEventStream]
) -> None:
    before = client_tasks()
    await shoko.down()
    sleep = RecordingSleep()
    stream = make_stream(sleep=sleep, backoff=Backoff(initial=60, maximum=60, jitter=False))
    stream.start()
    await asyncio.wait_for(sleep.sleeping.wait(), 5)

    started = time.monotonic()
    await stream.stop()

    assert time.monotonic() - started < 1
    assert client_tasks() == before
    assert sleep.delays == [60]


async def test_stop_during_a_connect_leaves_no_task(
    shoko: SimulatedShoko, recorder: Recorder, make_stream: Callable[..., ShokoEventStream]
) -> None:
    before = client_tasks()
    shoko.stall_negotiation()
    stream = make_stream()
    stream.start()
    await eventually(lambda: shoko.negotiations_waiting == 1)

    await stream.stop()

    assert client_tasks() == before
    assert stream.attempts == 1
    await eventually(lambda: shoko.negotiations_waiting == 0)  # the server saw the client hang up
    assert recorder.connected == 0


async def test_stop_while_connected_leaves_no_task_and_no_callback(
    shoko: SimulatedShoko, recorder: Recorder, make_stream: Callable[..., ShokoEventStream]
) -> None:
    before = client_tasks()
    stream = make_stream()
    stream.start()
    await shoko.wait_for_clients(1)
    await eventually(lambda: stream.connected)

    await stream.stop()

    assert client_tasks() == before
    assert not stream.connected
    assert recorder.disconnected == []  # the owner asked for it; no callbacks after stop
    await shoko.wait_for_clients(0)  # the websocket was closed, not just forgotten


async def test_stop_right_after_a_drop_leaves_no_task(
    shoko: SimulatedShoko, make_stream: Callable[..., ShokoEventStream]
) -> None:
    before = client_tasks()
    stream = make_stream(backoff=Backoff(initial=30, maximum=30))
    stream.start()
    await shoko.wait_for_clients(1)

    await shoko.drop_connections()
    await eventually(lambda: not stream.connected)
    await stream.stop()

    assert client_tasks() == before


async def test_task_factory_is_used_and_stop_is_idempotent(
    shoko: SimulatedShoko, make_stream: Callable[..., ShokoEventStream]
) -> None:
    made: list[tuple[asyncio.Task[None], str]] = []

    def factory(coro: Any, name: str) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        made.append((task, name))
        return task

    stream = make_stream()
    stream.start(factory)
    with pytest.raises(RuntimeError, match="already started"):
        stream.start(factory)
    await shoko.wait_for_clients(1)

    [(task, name)] = made
    assert API_KEY not in name
    await stream.stop()
    await stream.stop()
    assert task.cancelled()

    stream.start(factory)  # a stopped stream can start again
    await shoko.wait_for_clients(1)
    assert len(made) == 2


async def test_the_key_is_never_logged(
    shoko: SimulatedShoko,
    make_stream: Callable[..., ShokoEventStream],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    stream = make_stream()
    stream.start()
    await shoko.wait_for_clients(1)
    await shoko.drop_connections()
    await shoko.wait_for_clients(1)
    await shoko.down()
    await eventually(lambda: stream.attempts >= 3)
    await stream.stop()

    assert "pysignalr.transport" in {record.name for record in caplog.records}  # the library did log URLs
    for spelling in (API_KEY, quote(API_KEY, safe="")):
        assert spelling not in caplog.text
        assert all(spelling not in str(record.args) for record in caplog.records)
