"""Shoko Server: anime matching pushed over SignalR, and a REST catch-up whenever the event hub (re)connects.

Shoko pushes, so nothing polls on a schedule. A refresh of the coordinator is the catch-up: it checks the server
version, makes sure the event stream runs, waits for the hub, and asks the REST API about the files of anime requests
that Shoko may have reported while nobody listened. The connectivity sensor is on while the hub is connected.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
import logging
import posixpath
from typing import Any, Final

import aiohttp
from homeassistant.const import CONF_API_KEY, CONF_PASSWORD, EVENT_HOMEASSISTANT_STOP
from homeassistant.core import CALLBACK_TYPE, Event, HassJob, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util
from homeassistant.util.ssl import get_default_context
from yarl import URL

from ..const import CONF_SHOKO_REPAIR_MINUTES, DEFAULT_SHOKO_REPAIR_MINUTES
from ..coordinator import ServiceCoordinator
from ..kind import ServiceKind, option
from ..port import ServicePort
from ..settings import ServiceConfig
from ..sources.errors import CannotConnect, InvalidAuth, NotFound, UnexpectedResponse, UpstreamError
from ..sources.payload import PayloadError
from ..sources.shoko.client import ShokoClient
from ..sources.shoko.events import Backoff, ShokoEventStream
from ..sources.shoko.models import ShokoFile
from ..sources.shoko.parser import file_evidence, parse_event, pick_file
from ..tracker import Evidence
from ..tracker.model import FileFacts
from ..tracker.queries import files_for_shoko

_LOGGER = logging.getLogger(__name__)

RECONNECT_INITIAL_SECONDS = 1.0
"""Ceiling of the first reconnection delay; it doubles per failed attempt up to RECONNECT_MAX_SECONDS."""
RECONNECT_MAX_SECONDS = 300.0
HUB_CONNECT_WAIT = 30.0
"""Seconds a catch-up waits for the hub before it reports the service as not connected."""
CATCH_UP_RETRY_INITIAL_SECONDS: Final = 5.0
"""Ceiling of the first delay before a failed catch-up is tried again; it doubles up to the maximum."""
CATCH_UP_RETRY_MAX_SECONDS: Final = 300.0
CATCH_UP_FILES_PER_RUN: Final = 50
"""Files looked up per catch-up, so a long outage with many waiting requests does not flood Shoko."""
PATH_CANDIDATES: Final = 10
"""Files of the same name considered when looking an imported file up by its name."""
ISSUE_DISCONNECTED: Final = "shoko_disconnected"
ISSUE_UNSUPPORTED: Final = "shoko_unsupported"


class ShokoCoordinator(ServiceCoordinator):
    """Follows one Shoko Server: its SignalR events as they happen, its REST API for what happened while away."""

    def __init__(self, port: ServicePort) -> None:
        """Prepare the REST client and the event stream; both start with the first refresh."""
        # Shoko pushes, so refreshes run only when the hub (re)connects: no interval.
        super().__init__(port, None)
        config = port.config
        self.client: ShokoClient = client(self.session, config)
        self._repair_after = timedelta(
            minutes=option(port.options, CONF_SHOKO_REPAIR_MINUTES, DEFAULT_SHOKO_REPAIR_MINUTES)
        )
        self._stream = ShokoEventStream(
            config.url,
            config.api_key or "",
            on_event=self._on_event,
            on_connected=self._on_connected,
            on_disconnected=self._on_disconnected,
            verify_ssl=config.verify_ssl,
            # Home Assistant's ready context: building one would load CA files inside the event loop.
            ssl_context=get_default_context() if URL(config.url).scheme == "https" else None,
            backoff=Backoff(initial=RECONNECT_INITIAL_SECONDS, maximum=RECONNECT_MAX_SECONDS),
        )
        self._import_folders: dict[int, str] = {}
        self._hub_up = asyncio.Event()
        self._waiting_for_hub = False
        self._started = False
        self._unsupported = False
        self._closed = False
        self._repair_timer: CALLBACK_TYPE | None = None
        self._catch_up_backoff = Backoff(initial=CATCH_UP_RETRY_INITIAL_SECONDS, maximum=CATCH_UP_RETRY_MAX_SECONDS)
        self._catch_up_retry: CALLBACK_TYPE | None = None
        self._catch_up_failing = False
        self._unsub_stop: CALLBACK_TYPE | None = port.hass.bus.async_listen_once(
            EVENT_HOMEASSISTANT_STOP, self._async_on_stop
        )

    @property
    def stream(self) -> ShokoEventStream:
        """The SignalR event stream (for diagnostics and tests)."""
        return self._stream

    # --- the catch-up ---------------------------------------------------------------------------------------

    async def async_poll(self) -> list[Evidence]:
        """Check the server, wait for the hub, then ask the REST API about files the events may have missed.

        The poll fails (the connectivity sensor goes off) only when events cannot arrive. A catch-up that fails
        while the hub is connected is retried with backoff until it succeeds, logged once per outage.
        """
        try:
            await self._check_version()
        except UpstreamError as err:
            if self._unsupported or not self._hub_up.is_set():
                raise
            return self._catch_up_failed(err)
        self._start_stream()
        await self._wait_for_hub()
        try:
            # Refreshed on every connection: a folder added in Shoko meanwhile changes the paths events give.
            self._import_folders = {folder.id: folder.path for folder in await self.client.import_folders()}
            evidence, unanswered = await self._catch_up()
        except UpstreamError as err:
            return self._catch_up_failed(err)
        if unanswered is not None:
            # What the other files gave is kept; the files that failed are asked about again on the retry.
            self._catch_up_failed(unanswered)
        else:
            self._catch_up_succeeded()
        return evidence

    def _catch_up_failed(self, err: UpstreamError) -> list[Evidence]:
        """Retry the catch-up later; say so once, not on every attempt."""
        if isinstance(err, InvalidAuth):
            self.port.start_reauth()
        delay = self._catch_up_backoff.next_delay()
        if not self._catch_up_failing:
            self._catch_up_failing = True
            _LOGGER.warning(
                "Could not catch up with what %s matched while nobody listened (%s); retrying until it works",
                self.config.title,
                err,
            )
        self._cancel_catch_up_retry()
        job = HassJob(self._retry_catch_up, "Shoko catch-up retry", cancel_on_shutdown=True)
        self._catch_up_retry = async_call_later(self.hass, delay, job)
        return []

    def _catch_up_succeeded(self) -> None:
        self._catch_up_backoff.reset()
        self._cancel_catch_up_retry()
        if self._catch_up_failing:
            self._catch_up_failing = False
            _LOGGER.info("Caught up with %s again", self.config.title)

    @callback
    def _retry_catch_up(self, _now: datetime) -> None:
        self._catch_up_retry = None
        if not self._closed:
            # Not `async_request_refresh`: its cooldown would stretch the backoff's first delays.
            self.port.background(self.async_refresh(), "retry the catch-up with")

    def _cancel_catch_up_retry(self) -> None:
        if self._catch_up_retry is not None:
            self._catch_up_retry()
            self._catch_up_retry = None

    async def _check_version(self) -> None:
        """Go on with a v5 server; stop for good, with a repair issue, on any other."""
        try:
            version = await self.client.version()
        except CannotConnect:
            # The stream retries with its own backoff; once it connects, the next catch-up checks again.
            self._start_stream()
            raise
        if version.is_supported:
            self.port.clear_issue(ISSUE_UNSUPPORTED)
            return
        self._unsupported = True
        await self._stream.stop()
        self._stop_disconnected_clock()
        self.port.raise_issue(ISSUE_UNSUPPORTED, {"version": version.version}, severity=ir.IssueSeverity.ERROR)
        raise UnexpectedResponse(f"Shoko Server {version.version} is not supported (the tracker speaks Shoko 5)")

    async def _wait_for_hub(self) -> None:
        """Return once the hub is connected; raise CannotConnect when it is not within HUB_CONNECT_WAIT."""
        if self._hub_up.is_set():
            return
        self._waiting_for_hub = True
        try:
            async with asyncio.timeout(HUB_CONNECT_WAIT):
                await self._hub_up.wait()
        except TimeoutError as err:
            why = self._stream.last_error or "no connection yet"
            raise CannotConnect(f"event hub not connected: {why}") from err
        finally:
            self._waiting_for_hub = False

    async def _catch_up(self) -> tuple[list[Evidence], UnexpectedResponse | None]:
        """Evidence for the unmatched files of anime requests, from what the REST API says of each.

        A file whose answer does not read costs only itself: the others are still learnt, and the error comes
        back with them so the catch-up is tried again. A refused key or an unreachable server ends it at once.
        """
        now = dt_util.utcnow().timestamp()
        evidence: list[Evidence] = []
        unanswered: UnexpectedResponse | None = None
        for file in files_for_shoko(self.port.tracker)[:CATCH_UP_FILES_PER_RUN]:
            try:
                found = await self._look_up(file)
            except NotFound as err:
                # Gone from Shoko: nothing to learn about this file, and nothing to ask again.
                _LOGGER.debug("No Shoko file for a tracked file on %s: %s", self.config.title, err)
                continue
            except UnexpectedResponse as err:
                unanswered = err
                continue
            if found is not None:
                evidence += file_evidence(
                    found, source=self.config.subentry_id, at=now, import_folders=self._import_folders
                )
        return evidence, unanswered

    async def _look_up(self, file: FileFacts) -> ShokoFile | None:
        """The Shoko file for a tracked file: by Shoko's id when an event gave it, else by its name and path."""
        if file.shoko_id and file.shoko_id.isdigit():
            return await self.client.file(int(file.shoko_id))
        name = posixpath.basename(file.path.replace("\\", "/"))
        candidates = await self.client.files_path_ends_with(name, limit=PATH_CANDIDATES)
        return pick_file(candidates, path=file.path, size=file.size, import_folders=self._import_folders)

    # --- the event stream -----------------------------------------------------------------------------------

    def _start_stream(self) -> None:
        """Start the SignalR stream once (never for an unsupported server, never after shutdown)."""
        if self._started or self._unsupported or self._closed:
            return
        self._started = True
        # Not connected until it is: the clock for the "disconnected" repair issue runs from now.
        self._start_disconnected_clock()
        # A task of the stream's own, not a Home Assistant background task: it lives as long as the entry, and such
        # a background task keeps `async_block_till_done(wait_background_tasks=True)` waiting for good. This
        # coordinator is its one owner and stops it on unload and when Home Assistant stops.
        self._stream.start()

    @callback
    def _on_event(self, name: str, payload: dict[str, Any]) -> None:
        """One `ShokoEvent:*` invocation: record it for traces and hand its evidence to the tracker."""
        self.port.recorder.signalr(self.config.subentry_id, name, [payload])
        try:
            evidence = parse_event(
                name,
                payload,
                source=self.config.subentry_id,
                at=dt_util.utcnow().timestamp(),
                import_folders=self._import_folders,
            )
        except PayloadError as err:
            _LOGGER.info("Ignored a Shoko event from %s: %s", self.config.title, err)
            return
        self.port.ingest(evidence)

    @callback
    def _on_connected(self) -> None:
        """The hub is up: clear the alarm, and fetch what the events told nobody while it was away."""
        self._hub_up.set()
        self._stop_disconnected_clock()
        if not self._waiting_for_hub:
            # A catch-up waiting for this connection goes on by itself; otherwise start one.
            self.port.background(self.async_request_refresh(), "catch up")

    @callback
    def _on_disconnected(self, reason: str) -> None:
        """The hub connection was lost: the connectivity sensor goes off (logged once) and the clock runs."""
        self._hub_up.clear()
        if self.hass.is_stopping:
            # Home Assistant cancels the stream's task on its way down; that is no outage.
            return
        self._start_disconnected_clock()
        self.set_unavailable(CannotConnect(f"event hub disconnected ({reason})"))

    # --- the "disconnected" repair issue --------------------------------------------------------------------

    def _start_disconnected_clock(self) -> None:
        """Raise the repair issue if the hub is still away after the configured time."""
        if self._repair_timer is None:
            job = HassJob(self._raise_disconnected_issue, "Shoko disconnected issue", cancel_on_shutdown=True)
            self._repair_timer = async_call_later(self.hass, self._repair_after, job)

    def _stop_disconnected_clock(self) -> None:
        """The hub is back (or will not be followed): no alarm, and none raised."""
        self._cancel_repair_timer()
        self.port.clear_issue(ISSUE_DISCONNECTED)

    def _cancel_repair_timer(self) -> None:
        if self._repair_timer is not None:
            self._repair_timer()
            self._repair_timer = None

    @callback
    def _raise_disconnected_issue(self, _now: datetime) -> None:
        self._repair_timer = None
        minutes = self._repair_after.total_seconds() / 60
        self.port.raise_issue(ISSUE_DISCONNECTED, {"minutes": f"{minutes:g}"})

    # --- shutdown -------------------------------------------------------------------------------------------

    async def async_shutdown(self) -> None:
        """Stop the stream and the timers with the coordinator (entry unloading, or Home Assistant stopping)."""
        self._closed = True
        await super().async_shutdown()
        self._cancel_repair_timer()
        self._cancel_catch_up_retry()
        if self._unsub_stop is not None:
            self._unsub_stop()
            self._unsub_stop = None
        await self._stream.stop()

    async def _async_on_stop(self, _event: Event) -> None:
        """Home Assistant stops without unloading entries: stop the stream cleanly all the same."""
        self._unsub_stop = None  # a once-listener is gone once it ran
        await self.async_shutdown()


SHOKO_DEVICE_NAME: Final = "home-assistant-media-request-tracker"
"""The device name Shoko lists the API key under, when the tracker traded a login for one."""


def client(session: aiohttp.ClientSession, config: ServiceConfig) -> ShokoClient:
    """A Shoko client (with the stored API key)."""
    return ShokoClient(session, config.url, api_key=config.api_key, verify_ssl=config.verify_ssl)


async def validate(session: aiohttp.ClientSession, config: ServiceConfig) -> dict[str, Any]:
    """A Shoko 5 server that takes the API key, or the user name and password, traded for an API key then."""
    shoko = client(session, config)
    await shoko.version()
    learned: dict[str, Any] = {}
    if config.username and config.password is not None:
        learned[CONF_API_KEY] = await shoko.login(config.username, config.password, SHOKO_DEVICE_NAME)
        learned[CONF_PASSWORD] = None
    elif not config.api_key:
        raise InvalidAuth("Shoko needs an API key, or a user name and password")
    await shoko.import_folders()
    return learned


KIND = ServiceKind(
    kind="shoko",
    name="Shoko",
    example_url="http://192.168.1.10:8111",
    credentials="api_key_or_login",
    validate=validate,
    coordinator=ShokoCoordinator,
)
