"""Shoko Server v5 push events: a supervisor that keeps one live SignalR connection with pysignalr.

pysignalr (1.3.x) cannot be trusted to stay connected on its own: its retry covers only one kind of
negotiate failure, after a dropped socket it reconnects with the old, single-use connection id (ASP.NET
answers 404), a client cannot run twice, and there is no close. So every attempt here uses a fresh
`SignalRClient` in a task of its own; the supervisor ends the attempt as soon as the connection is lost or
does not come up in time, waits an exponential backoff with full jitter, and starts over. Stopping cancels
the supervisor, which cancels the attempt and waits for everything the library left running, so nothing
outlives `stop()`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
import contextlib
from contextvars import ContextVar
from dataclasses import dataclass, field
import inspect
import logging
import random
import ssl
from typing import Any, Final
from urllib.parse import quote, quote_plus

from pysignalr.client import SignalRClient
from pysignalr.exceptions import AuthorizationError, ConnectionError as HubConnectionError, ServerError
from websockets.exceptions import InvalidStatus
from yarl import URL

from ..errors import CannotConnect, InvalidAuth, UpstreamError

_LOGGER = logging.getLogger(__name__)

SHOKO_EVENTS: Final = tuple(
    f"ShokoEvent:{name}"
    for name in (
        "FileDetected",
        "FileHashed",
        "FileMatched",
        "FileNotMatched",
        "FileMoved",
        "FileRenamed",
        "FileDeleted",
        "SeriesUpdated",
        "EpisodeUpdated",
        "MovieUpdated",
    )
)
"""The v5 events passed to `on_event` (group "ShokoEvent", `ShokoEventEmitter.cs`)."""

ON_CONNECTED_EVENT: Final = "ShokoEvent:OnConnected"
"""Sent by the hub right after joining the feed (payload null); handled so that pysignalr does not warn."""

HUB_PATH: Final = "signalr/aggregate"
FEEDS: Final = "shoko"
API_KEY_PARAMETER: Final = "apikey"
LEFTOVER_GRACE: Final = 2.0
"""Seconds a websocket left closing by a cancelled attempt may take to say goodbye before it is cut."""
CANCEL_RETRY: Final = 0.1
"""Seconds between cancellations of a task that has not ended yet (see `_cancel_until_done`)."""

EventCallback = Callable[[str, dict[str, Any]], None]
ConnectedCallback = Callable[[], None]
DisconnectedCallback = Callable[[str], None]
TaskFactory = Callable[[Coroutine[Any, Any, None], str], asyncio.Task[None]]
"""Creates the background task: called as `factory(coroutine, name)`; Home Assistant glue can pass
`lambda coro, name: entry.async_create_background_task(hass, coro, name)`."""
Sleep = Callable[[float], Awaitable[None]]

# Marks the tasks an attempt starts (pysignalr's run, its gather children, the generator closers the garbage
# collector schedules), so the attempt can find and finish the ones the library abandons.
_ATTEMPT: ContextVar[object | None] = ContextVar("shoko_event_stream_attempt", default=None)


@dataclass
class Backoff:
    """Exponential backoff with full jitter: the n-th delay is uniform in [0, min(maximum, initial * m**n)).

    Pure and deterministic given `rng` (which returns floats in [0, 1)); `jitter=False` gives the ceilings.
    """

    initial: float = 1.0
    maximum: float = 300.0
    multiplier: float = 2.0
    jitter: bool = True
    rng: Callable[[], float] = random.random
    _ceiling: float = field(init=False, repr=False)

    def __post_init__(self) -> None:
        """Check the policy makes sense and start from the initial delay."""
        if not 0 < self.initial <= self.maximum:
            raise ValueError("backoff needs 0 < initial <= maximum")
        if self.multiplier < 1:
            raise ValueError("backoff multiplier must be at least 1")
        self._ceiling = self.initial

    @property
    def ceiling(self) -> float:
        """The largest delay the next call can return."""
        return self._ceiling

    def next_delay(self) -> float:
        """The delay before the next attempt; the ceiling grows by `multiplier` each call up to `maximum`."""
        ceiling = self._ceiling
        # Multiplying the capped ceiling (not initial * m**n) cannot overflow however many attempts fail.
        self._ceiling = min(self.maximum, ceiling * self.multiplier)
        return ceiling * self.rng() if self.jitter else ceiling

    def reset(self) -> None:
        """Start over from the initial delay (after a connection has been up)."""
        self._ceiling = self.initial


@dataclass(eq=False)
class _Attempt:
    """What one connection attempt has seen, as futures the supervisor can wait on."""

    opened: asyncio.Future[None]
    lost: asyncio.Future[str]


class ShokoEventStream:
    """Keeps a SignalR connection to `{url}/signalr/aggregate?feeds=shoko` and reports its events.

    Callbacks are plain functions called in the event loop, never after `stop()`:
    `on_event(name, payload)` for each of `SHOKO_EVENTS` whose first argument is an object,
    `on_connected()` when the hub connection is up, `on_disconnected(reason)` when an up connection is lost.
    A callback that raises is logged and does not disturb the connection.

    TLS: `ssl_context` (or, with `verify_ssl=False`, one that accepts any certificate) is used for the
    websocket. pysignalr 1.3 negotiates over an HTTP session of its own that always verifies certificates,
    so an https server with a self-signed certificate cannot be reached even with `verify_ssl=False`.
    """

    def __init__(
        self,
        url: str,
        api_key: str,
        *,
        on_event: EventCallback,
        on_connected: ConnectedCallback | None = None,
        on_disconnected: DisconnectedCallback | None = None,
        verify_ssl: bool = True,
        ssl_context: ssl.SSLContext | None = None,
        backoff: Backoff | None = None,
        connect_timeout: float = 30.0,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        """Prepare the stream; nothing connects before `start()`.

        Pass a ready `ssl_context` for https servers (Home Assistant has a cached one): building a default
        context loads the CA files, a blocking call in the event loop.
        `connect_timeout` bounds one whole attempt (negotiate, websocket upgrade and SignalR handshake), which
        pysignalr itself does not: a server that accepts and never answers would otherwise hold it forever.
        """
        self._api_key = api_key
        self._base = URL(url.rstrip("/"))
        self._on_event = on_event
        self._on_connected = on_connected
        self._on_disconnected = on_disconnected
        self._ssl = ssl_context
        if not verify_ssl and self._base.scheme == "https":
            self._ssl = _insecure_ssl_context()
        self._backoff = backoff or Backoff()
        self._connect_timeout = connect_timeout
        self._sleep = sleep
        self._task: asyncio.Task[None] | None = None
        self._connected = False
        self._stopped = True
        self._last_error: UpstreamError | None = None
        self._reported_unavailable = False
        self._attempts = 0

    @property
    def connected(self) -> bool:
        """Whether the hub connection is up right now."""
        return self._connected

    @property
    def last_error(self) -> UpstreamError | None:
        """Why the latest attempt failed (`InvalidAuth` for a refused key); None once connected."""
        return self._last_error

    @property
    def attempts(self) -> int:
        """How many connection attempts were started since `start()`."""
        return self._attempts

    @property
    def hub_url(self) -> URL:
        """The hub URL without credentials (safe to show)."""
        return self._hub_url().without_query_params(API_KEY_PARAMETER)

    def _hub_url(self) -> URL:
        """The URL pysignalr connects to, key included.

        The key rides in the query as well as the header: v5 reads it from either, and a proxy in between may
        drop custom headers.
        """
        hub = self._base.with_path(f"{self._base.path.rstrip('/')}/{HUB_PATH}")
        return hub.with_query({"feeds": FEEDS, API_KEY_PARAMETER: self._api_key})

    def start(self, task_factory: TaskFactory | None = None) -> None:
        """Start the supervisor in a background task made by `task_factory` (default: a plain task)."""
        if self._task is not None and not self._task.done():
            raise RuntimeError("Shoko event stream already started")
        self._stopped = False
        self._attempts = 0
        self._backoff.reset()
        _REDACTOR.add(self._api_key)
        factory = task_factory or _create_task
        self._task = factory(self._supervise(), f"Shoko events {self._base.host}")

    async def stop(self) -> None:
        """Stop for good: cancel the supervisor and wait until it and everything it started have ended."""
        if self._stopped:
            return
        self._stopped = True
        task, self._task = self._task, None
        try:
            if task is not None:
                task.cancel()
                await asyncio.wait({task})
                if not task.cancelled() and (error := task.exception()) is not None:
                    _LOGGER.debug("Shoko event stream ended with %s", _describe(error, self._api_key))
        finally:
            self._connected = False
            _REDACTOR.discard(self._api_key)

    async def _supervise(self) -> None:
        """Connect, and after each failed or lost connection wait a backoff delay and connect again."""
        while True:
            error = await self._attempt()
            self._report_failure(error)
            delay = self._backoff.next_delay()
            _LOGGER.debug("Shoko events: next attempt in %.1f s", delay)
            await self._sleep(delay)

    async def _attempt(self) -> UpstreamError:
        """Run one fresh client until it fails, is lost, or does not connect in time; return why it ended."""
        self._attempts += 1
        marker = object()
        token = _ATTEMPT.set(marker)
        try:
            return await self._run_client()
        finally:
            try:
                await _finish_leftovers(marker)
            finally:
                self._set_disconnected("stopped")
                _ATTEMPT.reset(token)

    async def _run_client(self) -> UpstreamError:
        """Start pysignalr's run for a new client in a task of its own and watch it."""
        loop = asyncio.get_running_loop()
        attempt = _Attempt(opened=loop.create_future(), lost=loop.create_future())
        run = loop.create_task(self._new_client(attempt).run(), name="Shoko SignalR connection")
        try:
            return await self._watch(run, attempt)
        finally:
            await _finish(run)

    async def _watch(self, run: asyncio.Task[None], attempt: _Attempt) -> UpstreamError:
        """Wait for the connection to open (bounded by `connect_timeout`), then for it to end."""
        opening: set[asyncio.Future[Any]] = {run, attempt.opened}
        try:
            async with asyncio.timeout(self._connect_timeout):
                await asyncio.wait(opening, return_when=asyncio.FIRST_COMPLETED)
        except TimeoutError:
            return CannotConnect(f"Shoko hub did not connect within {self._connect_timeout:g} s")
        if not attempt.opened.done():
            return self._run_error(run)
        running: set[asyncio.Future[Any]] = {run, attempt.lost}
        await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
        error = CannotConnect(attempt.lost.result()) if attempt.lost.done() else self._run_error(run)
        self._set_disconnected(str(error))
        return error

    def _new_client(self, attempt: _Attempt) -> SignalRClient:
        """A fresh pysignalr client wired to this attempt (clients are single-use)."""
        client = SignalRClient(
            str(self._hub_url()),
            headers={API_KEY_PARAMETER: self._api_key},
            connection_timeout=max(1, int(self._connect_timeout)),
            # One negotiate try per client: retrying is the supervisor's job, with its own backoff.
            retry_count=1,
            ssl=self._ssl,
        )

        async def opened() -> None:
            if not attempt.opened.done():
                attempt.opened.set_result(None)
            self._set_connected()

        async def closed() -> None:
            # pysignalr reports a lost socket here and then retries with the dead connection id; end instead.
            if attempt.opened.done() and not attempt.lost.done():
                attempt.lost.set_result("connection closed")
                self._set_disconnected("connection closed")

        client.on_open(opened)
        client.on_close(closed)
        client.on(ON_CONNECTED_EVENT, _ignore)
        for name in SHOKO_EVENTS:
            client.on(name, self._handler(name))
        return client

    def _handler(self, name: str) -> Callable[[Any], Awaitable[None]]:
        """The pysignalr callback for one event: it receives the invocation's argument list."""

        async def handle(arguments: Any) -> None:
            payload = arguments[0] if isinstance(arguments, list) and arguments else None
            if not isinstance(payload, dict):
                _LOGGER.debug("Shoko event %s without an object payload ignored", name)
                return
            self._callback(self._on_event, name, payload)

        return handle

    def _callback(self, callback: Callable[..., None] | None, *args: Any) -> None:
        """Call one user callback, outside the attempt's task marker and shielded from its errors."""
        if callback is None or self._stopped:
            return
        token = _ATTEMPT.set(None)
        try:
            callback(*args)
        except Exception:
            _LOGGER.exception("Error in a Shoko event stream callback")
        finally:
            _ATTEMPT.reset(token)

    def _set_connected(self) -> None:
        """Record an open connection: reset the backoff and tell the owner once."""
        if self._connected:
            return
        self._connected = True
        self._last_error = None
        self._backoff.reset()
        if self._reported_unavailable:
            _LOGGER.info("Shoko events from %s are available again", self._base.host)
            self._reported_unavailable = False
        self._callback(self._on_connected)

    def _set_disconnected(self, reason: str) -> None:
        """Record the loss of an open connection and tell the owner once."""
        if not self._connected:
            return
        self._connected = False
        self._callback(self._on_disconnected, reason)

    def _report_failure(self, error: UpstreamError) -> None:
        """Remember why the attempt ended; log the first failure of a streak only."""
        self._last_error = error
        if self._reported_unavailable:
            _LOGGER.debug("Shoko events still unavailable: %s", error)
            return
        self._reported_unavailable = True
        _LOGGER.warning("Shoko events from %s unavailable, retrying in the background: %s", self._base.host, error)

    def _run_error(self, run: asyncio.Task[None]) -> UpstreamError:
        """Turn how pysignalr's run ended into an UpstreamError with a message free of the key."""
        if run.cancelled():
            return CannotConnect("Shoko hub connection cancelled")
        error = run.exception()
        if error is None:
            return CannotConnect("Shoko hub connection ended")
        return _upstream_error(error, self._api_key)


async def _ignore(_arguments: Any) -> None:
    """Accept an invocation we do not need."""


def _create_task(coro: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
    """The default task factory: a plain task on the running loop."""
    return asyncio.get_running_loop().create_task(coro, name=name)


async def _finish(task: asyncio.Task[None]) -> None:
    """Cancel a task if it still runs and wait for it, without raising what it raised."""
    await _cancel_until_done({task})
    if not task.cancelled():
        task.exception()  # retrieved, so that asyncio does not log it as never retrieved


async def _cancel_until_done(tasks: set[asyncio.Task[Any]]) -> None:
    """Cancel the tasks and wait until they have ended, cancelling again each that is still running.

    One cancellation is not always enough: pysignalr's connection task, cancelled just after the server closed
    the connection, was seen to swallow it and go on retrying in its websocket reconnection loop for good.
    Cancelling the caller meanwhile (stopping while an attempt ends) does not cut this short: the caller's
    cancellation goes on once the tasks have ended.
    """
    pending = {task for task in tasks if not task.done()}
    interrupted = False
    while pending:
        for task in pending:
            task.cancel()
        try:
            _done, pending = await asyncio.wait(pending, timeout=CANCEL_RETRY)
        except asyncio.CancelledError:
            interrupted = True
    if interrupted:
        raise asyncio.CancelledError


async def _finish_leftovers(marker: object) -> None:
    """Finish the tasks an attempt left behind.

    pysignalr gathers a reader and a keepalive; when the reader fails, the keepalive keeps running (cancel
    it). The websocket generator abandoned mid-iteration is closed by a task that its finalizer schedules; give
    that a moment to close the socket politely, then cut it. This runs to its end even when the caller is
    cancelled meanwhile (the stream is stopped while an attempt ends): nothing of the attempt may outlive it.
    """
    try:
        await asyncio.sleep(0)  # let scheduled generator finalizers create their tasks
    finally:
        await _finish_tasks_of(marker)


async def _finish_tasks_of(marker: object) -> None:
    """Cancel the still running tasks of one attempt, give them a grace period, then cut what is left."""
    current = asyncio.current_task()
    leftovers = {
        task
        for task in asyncio.all_tasks()
        if task is not current and not task.done() and task.get_context().get(_ATTEMPT) is marker
    }
    if not leftovers:
        return
    _LOGGER.debug("Finishing %d task(s) left by the Shoko hub client: %s", len(leftovers), leftovers)
    for task in leftovers:
        if inspect.iscoroutine(task.get_coro()):
            task.cancel()
    try:
        _done, pending = await asyncio.wait(leftovers, timeout=LEFTOVER_GRACE)
    finally:
        # Also when the caller is cancelled meanwhile.
        await _cancel_until_done(leftovers)
    for task in leftovers - pending:
        if not task.cancelled():
            task.exception()


def _upstream_error(error: BaseException, api_key: str) -> UpstreamError:
    """Map what pysignalr, websockets or aiohttp raised to the errors every source uses."""
    if isinstance(error, AuthorizationError):
        return InvalidAuth("Shoko hub refused the API key (HTTP 401)")
    if isinstance(error, InvalidStatus):
        status = error.response.status_code
        if status in (401, 403):
            return InvalidAuth(f"Shoko hub refused the API key (HTTP {status})")
        return CannotConnect(f"Shoko hub refused the websocket (HTTP {status})")
    if isinstance(error, HubConnectionError):
        return CannotConnect(f"Shoko hub negotiation failed (HTTP {error.status})")
    if isinstance(error, ServerError):
        return CannotConnect(f"Shoko hub closed the connection: {_redact(str(error.message), api_key)}")
    return CannotConnect(_describe(error, api_key))


def _describe(error: BaseException, api_key: str) -> str:
    """`Type: message` with the key removed (aiohttp and websockets errors can quote the URL)."""
    text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return _redact(text, api_key)


def _redact(text: str, secret: str) -> str:
    """Replace every spelling of `secret` a URL may carry."""
    for spelling in {secret, quote(secret, safe=""), quote_plus(secret)}:
        if spelling:
            text = text.replace(spelling, "**REDACTED**")
    return text


def _insecure_ssl_context() -> ssl.SSLContext:
    """A TLS client context that accepts any certificate (it loads no CA files, so it never blocks)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class _KeyRedactor(logging.Filter):
    """Removes live API keys from pysignalr's own log lines, which quote the negotiate and websocket URLs."""

    LOGGERS: Final = ("pysignalr.client", "pysignalr.transport")

    def __init__(self) -> None:
        """Start with no keys; the filter attaches itself to pysignalr's loggers on first use."""
        super().__init__()
        self._keys: dict[str, int] = {}
        self._attached = False

    def add(self, key: str) -> None:
        """Redact `key` until it is discarded as often as it was added."""
        if not self._attached:
            for name in self.LOGGERS:
                logging.getLogger(name).addFilter(self)
            self._attached = True
        self._keys[key] = self._keys.get(key, 0) + 1

    def discard(self, key: str) -> None:
        """Stop redacting `key` once no stream uses it."""
        count = self._keys.get(key, 0) - 1
        if count > 0:
            self._keys[key] = count
        else:
            self._keys.pop(key, None)

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record without the keys (never drops it)."""
        if not self._keys:
            return True
        with contextlib.suppress(Exception):  # a record that cannot be formatted is not ours to break
            message = original = record.getMessage()
            for key in self._keys:
                message = _redact(message, key)
            if message != original:
                record.msg, record.args = message, None
        return True


_REDACTOR = _KeyRedactor()
