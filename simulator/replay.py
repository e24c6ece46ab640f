"""Replay a Trace v1: the real integration in a real Home Assistant, fed by simulated services, in virtual time.

`scripts/replay TRACE [--settle SECONDS]` runs this module. The trace's services become simulated services on
loopback (real HTTP, and real SignalR for Shoko); Home Assistant (the test harness's `async_test_home_assistant`,
with its registries, config entries and the tracker's store in a real temporary config directory) serves its
webhooks on a loopback port; the tracker is set up with one subentry per service, pointing at them. Each line then
happens at its `at` of virtual time (see `virtual_time`): coordinators poll on their own schedules in between,
webhook bodies are POSTed to the service's webhook with the secret Home Assistant expects, `state` lines change
what the simulated APIs answer, `signalr` lines go out on Shoko's hub, `down`/`up` stop and restart a service on
its port, and `restart` stops Home Assistant the way it stops and starts a new one on the same config directory.

What Home Assistant shows at the end is printed as one JSON object: every per-request sensor, the stage-changed
events in the order they fired, and the open repair issues.
"""

from __future__ import annotations

# The harness makes Home Assistant's clock patchable by freezegun; it must come before Home Assistant's modules.
import pytest_homeassistant_custom_component.patch_time  # noqa: F401  # isort: skip

import argparse
import asyncio
from collections.abc import Callable, Sequence
from contextlib import AsyncExitStack
import contextvars
from dataclasses import dataclass
from datetime import UTC, datetime
import hashlib
import importlib
from itertools import takewhile
import json
import logging
from pathlib import Path
import random
import sys
import tempfile
from types import MappingProxyType
from typing import Any, Final
from unittest.mock import patch

import aiohttp
from aiohttp.test_utils import TestServer
from homeassistant import loader
from homeassistant.bootstrap import DATA_REGISTRIES_LOADED
from homeassistant.config_entries import SOURCE_USER, ConfigEntry, ConfigSubentryDataWithId
from homeassistant.const import (
    CONF_API_KEY,
    CONF_PASSWORD,
    CONF_URL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
    CONF_WEBHOOK_ID,
)
from homeassistant.core import Event, HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.helpers import (
    area_registry as ar,
    category_registry as cr,
    device_registry as dr,
    entity_registry as er,
    floor_registry as fr,
    frame,
    issue_registry as ir,
    label_registry as lr,
    restore_state as rs,
    translation,
)
from homeassistant.helpers.json import json_dumps
from homeassistant.setup import async_setup_component
from homeassistant.util.async_ import get_scheduled_timer_handles
from pytest_homeassistant_custom_component.common import async_test_home_assistant

from custom_components.media_request_tracker.config_flow import DEFAULT_OPTIONS
from custom_components.media_request_tracker.const import DOMAIN, EVENT_STAGE_CHANGED
from custom_components.media_request_tracker.kinds.arr import WEBHOOK_USERNAME
from custom_components.media_request_tracker.settings import CONF_CONFIGURE_WEBHOOK, CONF_WEBHOOK_SECRET, normalize_url

from .arr import SimulatedArr
from .base import SimulatedService
from .jellyfin import SimulatedJellyfin
from .qbittorrent import SimulatedQBittorrent
from .seerr import SimulatedSeerr
from .shoko import SimulatedShoko
from .trace_format import WEBHOOK_TYPES, Service, Step, Trace, TraceError, load_trace
from .virtual_time import VirtualClock

_LOGGER = logging.getLogger(__name__)

START: Final = datetime(2026, 1, 1, tzinfo=UTC)
"""Virtual time 0 of every replay (fixed, so a replay prints the same thing every time)."""
DEFAULT_SETTLE: Final = 900.0
ENTRY_ID: Final = "01JREPLAYTRACKER000000000"
EXIT_MALFORMED: Final = 2
WORLD_ACTIONS: Final = frozenset({"state", "down", "up"})
TRANSPORT_HEADERS: Final = frozenset({"content-length", "transfer-encoding", "connection", "host"})
"""Headers of a recorded call that describe how it travelled, not what it said: the replay's client sets them."""
"""Actions that only change the simulated world: at time 0 they describe it as Home Assistant starts."""

PRELOADED: Final = (
    "homeassistant.components.binary_sensor",
    "homeassistant.components.diagnostics",
    "homeassistant.components.event",
    "homeassistant.components.http",
    "homeassistant.components.repairs",
    "homeassistant.components.sensor",
    "homeassistant.components.webhook",
    "custom_components.media_request_tracker.binary_sensor",
    "custom_components.media_request_tracker.diagnostics",
    "custom_components.media_request_tracker.event",
    "custom_components.media_request_tracker.sensor",
    "custom_components.media_request_tracker.kinds",
)
"""Modules Home Assistant imports while it sets up, imported before time is frozen: a module imported under
freezegun sees its fake `datetime` class, which breaks libraries that generate code from type names (mashumaro)."""

_INSTANCE: contextvars.ContextVar[int | None] = contextvars.ContextVar("replay_instance", default=None)
"""Which Home Assistant instance created a task or timer (None: the replay or the simulated services)."""

type Setter = Callable[[Sequence[Any]], None]


# --- the simulated services ---------------------------------------------------------------------------------


@dataclass
class Simulated:
    """A trace's service and the simulator playing it."""

    service: Service
    simulator: SimulatedService
    setters: dict[str, Setter]
    """Which simulator method replaces each of its collections."""


def simulate(service: Service) -> Simulated:
    """The simulator for a service of the trace, with the setters of its collections."""
    match service.type:
        case "seerr":
            seerr = SimulatedSeerr()
            return Simulated(service, seerr, {"requests": seerr.set_requests})
        case "radarr" | "sonarr":
            arr = SimulatedArr(service.type, instance_name=service.id)
            return Simulated(
                service, arr, {"queue": arr.set_queue, "history": arr.set_history, "commands": arr.set_commands}
            )
        case "qbittorrent":
            qbit = SimulatedQBittorrent()
            return Simulated(service, qbit, {"torrents": qbit.set_torrents})
        case "jellyfin":
            jellyfin = SimulatedJellyfin()
            return Simulated(service, jellyfin, {"items": jellyfin.set_items})
        case "shoko":
            shoko = SimulatedShoko()
            return Simulated(service, shoko, {"files": shoko.set_files, "series": shoko.set_series})
    raise ValueError(f"unknown service type {service.type!r}")


def _derived(service_id: str, purpose: str) -> str:
    """A value that is the same on every replay of the trace (traces carry no ids or secrets)."""
    return hashlib.sha256(f"replay:{purpose}:{service_id}".encode()).hexdigest()


def webhook_id(service_id: str) -> str:
    """The Home Assistant webhook id of a service."""
    return _derived(service_id, "webhook")


def webhook_secret(service_id: str) -> str:
    """The secret a service sends with its webhook calls."""
    return _derived(service_id, "secret")[:32]


def subentry_data(simulated: Simulated, *, pushes: bool) -> dict[str, Any]:
    """What the service's subentry holds: where the simulator answers, its credentials, its webhook.

    `pushes`: the trace has the service's webhook calls, so it was set up to send them.
    """
    service, sim = simulated.service, simulated.simulator
    data: dict[str, Any] = {CONF_URL: sim.url, CONF_VERIFY_SSL: True}
    match sim:
        case SimulatedSeerr() | SimulatedArr() | SimulatedJellyfin() | SimulatedShoko():
            data[CONF_API_KEY] = sim.api_key
        case SimulatedQBittorrent():
            data |= {CONF_USERNAME: sim.username, CONF_PASSWORD: sim.password}
    if service.type in WEBHOOK_TYPES:
        data |= {CONF_WEBHOOK_ID: webhook_id(service.id), CONF_WEBHOOK_SECRET: webhook_secret(service.id)}
    if service.type == "seerr":
        # Seerr's single webhook agent is opt-in: a Seerr that pushed had it configured (and is polled less).
        data[CONF_CONFIGURE_WEBHOOK] = pushes
    return data


def webhook_auth(service: Service) -> dict[str, str]:
    """The header with which the service proves its webhook calls are its own."""
    secret = webhook_secret(service.id)
    if service.type == "seerr":
        return {"Authorization": secret}
    if service.type in ("radarr", "sonarr"):
        return {"Authorization": aiohttp.BasicAuth(WEBHOOK_USERNAME, secret).encode()}
    return {}


# --- Home Assistant ------------------------------------------------------------------------------------------


@dataclass
class RunningHomeAssistant:
    """One Home Assistant between its start and its stop."""

    number: int
    context: contextvars.Context
    hass: HomeAssistant
    server: TestServer
    resources: AsyncExitStack

    @property
    def url(self) -> str:
        """Where its HTTP API answers."""
        return f"http://127.0.0.1:{self.server.port}"


def tracker_entry(trace: Trace, services: Sequence[Simulated]) -> ConfigEntry:
    """The tracker's config entry with one subentry per service (its id is the trace's service id)."""
    pushing = {step.service for step in trace.steps if step.action == "webhook"}
    subentries: list[ConfigSubentryDataWithId] = [
        ConfigSubentryDataWithId(
            subentry_id=simulated.service.id,
            subentry_type=simulated.service.type,
            title=simulated.service.id,
            data=subentry_data(simulated, pushes=simulated.service.id in pushing),
            unique_id=normalize_url(simulated.simulator.url),
        )
        for simulated in services
    ]
    return ConfigEntry(
        data={},
        discovery_keys=MappingProxyType({}),
        domain=DOMAIN,
        entry_id=ENTRY_ID,
        minor_version=1,
        options={**DEFAULT_OPTIONS, **trace.options},
        source=SOURCE_USER,
        subentries_data=subentries,
        title="Media Request Tracker",
        unique_id=DOMAIN,
        version=1,
    )


async def load_registries(hass: HomeAssistant) -> None:
    """Load the registries and config entries from the config directory, as Home Assistant's bootstrap does.

    (The harness's own loading keeps them in memory only; a restart must find them on disk.)
    """
    frame.async_setup(hass)
    translation.async_setup(hass)
    await asyncio.gather(
        *(registry.async_load(hass) for registry in (ar, cr, dr, er, fr, ir, lr, rs)),
        hass.config_entries.async_initialize(),
    )
    hass.data[DATA_REGISTRIES_LOADED] = None


def json_safe(value: Any) -> Any:
    """A value as Home Assistant would serialize it (datetimes as ISO strings, and so on)."""
    return json.loads(json_dumps(value))


def request_sensors(hass: HomeAssistant) -> list[dict[str, Any]]:
    """Every per-request sensor of the tracker (the sensors with a timeline), by entity id."""
    found = []
    for entry in er.async_entries_for_config_entry(er.async_get(hass), ENTRY_ID):
        state = hass.states.get(entry.entity_id)
        if entry.domain == "sensor" and state is not None and "timeline" in state.attributes:
            found.append(
                {"entity_id": state.entity_id, "state": state.state, "attributes": json_safe(dict(state.attributes))}
            )
    return sorted(found, key=lambda sensor: str(sensor["entity_id"]))


def open_repairs(hass: HomeAssistant) -> list[str]:
    """The ids of the tracker's open repair issues."""
    issues = ir.async_get(hass).issues
    return sorted(issue_id for (domain, issue_id), issue in issues.items() if domain == DOMAIN and issue.active)


# --- the replay ----------------------------------------------------------------------------------------------


class Replay:
    """Runs one trace; `run()` returns what Home Assistant shows at the end."""

    def __init__(
        self, trace: Trace, clock: VirtualClock, config_dir: Path, *, settle: float, checkpoints: Sequence[float] = ()
    ) -> None:
        """Replay `trace` with `clock`, keeping Home Assistant's files in `config_dir`.

        At each of `checkpoints` (virtual seconds) the report also takes what Home Assistant shows then.
        """
        self.trace = trace
        self.checkpoints = sorted(set(checkpoints))
        self.taken: list[dict[str, Any]] = []
        self.clock = clock
        self.config_dir = config_dir
        self.settle = settle
        self.services = {service.id: simulate(service) for service in trace.services}
        self.events: list[dict[str, Any]] = []
        self._instances = 0
        self._port: int | None = None
        self._ha: RunningHomeAssistant | None = None
        self._session: aiohttp.ClientSession | None = None

    async def run(self) -> dict[str, Any]:
        """Start the services and Home Assistant, play every line, settle, and report."""
        resources = AsyncExitStack()
        try:
            for simulated in self.services.values():
                await simulated.simulator.start()
                resources.push_async_callback(simulated.simulator.stop)
            # No keep-alive: Home Assistant's server goes away on restarts.
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True))
            resources.push_async_callback(self._session.close)
            return await self._play()
        finally:
            # Stopping a server may wait on its own timers: in virtual time too.
            await self.clock.run(resources.aclose())

    async def _play(self) -> dict[str, Any]:
        steps = self.trace.steps
        world = list(takewhile(lambda step: step.at == 0 and step.action in WORLD_ACTIONS, steps))
        for step in world:
            await self._do(step)
        await self._start_home_assistant()
        for step in steps[len(world) :]:
            await self._take_checkpoints(before=step.at)
            await self.clock.run_until(step.at)
            await self._do(step)
        end = (steps[-1].at if steps else 0.0) + self.settle
        await self._take_checkpoints(before=end)
        await self.clock.run_until(end)
        result = self._report()
        if self.checkpoints or self.taken:
            result["checkpoints"] = self.taken
        await self._stop_home_assistant()
        return result

    async def _take_checkpoints(self, *, before: float) -> None:
        """What Home Assistant shows at each checkpoint earlier than `before` (after every line up to it)."""
        while self.checkpoints and self.checkpoints[0] < before:
            at = self.checkpoints.pop(0)
            await self.clock.run_until(at)
            self.taken.append({"at": at, **self._report()})

    def _report(self) -> dict[str, Any]:
        hass = self._running.hass
        report = {"requests": request_sensors(hass), "events": list(self.events), "repairs": open_repairs(hass)}
        return self._without_ports(report)

    def _without_ports(self, report: dict[str, Any]) -> dict[str, Any]:
        """Links to a service (Jellyfin's watch page) name it by its id: its port differs at every replay."""
        text = json.dumps(report)
        for service_id, simulated in self.services.items():
            text = text.replace(simulated.simulator.url, f"http://{service_id}")
        result: dict[str, Any] = json.loads(text)
        return result

    @property
    def _running(self) -> RunningHomeAssistant:
        if self._ha is None:
            raise RuntimeError("Home Assistant is not running")
        return self._ha

    # --- actions ---------------------------------------------------------------------------------------------

    async def _do(self, step: Step) -> None:
        """Carry out one line of the trace."""
        match step.action:
            case "webhook":
                await self.clock.run(self._post(step))
            case "state":
                simulated = self.services[str(step.service)]
                simulated.setters[str(step.collection)](list(step.items))
            case "signalr":
                await self.clock.run(self._broadcast(step))
            case "down":
                await self.clock.run(self.services[str(step.service)].simulator.down())
            case "up":
                await self.clock.run(self.services[str(step.service)].simulator.up())
            case "restart":
                await self._stop_home_assistant()
                await self._start_home_assistant()

    async def _post(self, step: Step) -> None:
        """POST the body to the service's webhook, as the service would (with the secret it was given)."""
        service = self.services[str(step.service)].service
        url = f"{self._running.url}/api/webhook/{webhook_id(service.id)}"
        recorded = {name: value for name, value in step.headers.items() if name.lower() not in TRANSPORT_HEADERS}
        headers = {"Content-Type": "application/json", **recorded, **webhook_auth(service)}
        if self._session is None:
            raise RuntimeError("the replay is not running")
        async with self._session.post(url, data=json.dumps(step.body), headers=headers) as response:
            await response.read()
        if response.status >= 300:
            _LOGGER.warning(
                "line %d: Home Assistant answered HTTP %d to %s's webhook", step.line, response.status, service.id
            )

    async def _broadcast(self, step: Step) -> None:
        shoko = self.services[str(step.service)].simulator
        if not isinstance(shoko, SimulatedShoko):
            raise TypeError(f"{step.service} is not Shoko")
        if not await shoko.broadcast(str(step.event), *step.args):
            _LOGGER.warning(
                "line %d: no client is connected to %s's hub to receive %s", step.line, step.service, step.event
            )

    # --- Home Assistant's lifetime ---------------------------------------------------------------------------

    async def _start_home_assistant(self) -> None:
        """Start a Home Assistant on the config directory, in a context that marks what it creates."""
        self._instances += 1
        context = contextvars.copy_context()
        context.run(_INSTANCE.set, self._instances)
        self._ha = await self.clock.run(asyncio.create_task(self._boot(self._instances, context), context=context))

    async def _boot(self, number: int, context: contextvars.Context) -> RunningHomeAssistant:
        resources = AsyncExitStack()
        hass = await resources.enter_async_context(
            async_test_home_assistant(config_dir=str(self.config_dir), load_registries=False)
        )
        # The harness hides custom integrations; the tracker is one. Registries and entries live on disk.
        hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
        await load_registries(hass)
        for component in ("http", "webhook", "diagnostics"):
            if not await async_setup_component(hass, component, {}):
                raise RuntimeError(f"Home Assistant could not set up {component}")
        server = await self._serve(hass)
        resources.push_async_callback(server.close)
        await async_process_ha_core_config(hass, {"internal_url": f"http://127.0.0.1:{server.port}"})
        hass.bus.async_listen(EVENT_STAGE_CHANGED, self._on_stage_changed)
        if hass.config_entries.async_entries(DOMAIN):
            await async_setup_component(hass, DOMAIN, {})
        else:
            await hass.config_entries.async_add(tracker_entry(self.trace, list(self.services.values())))
        return RunningHomeAssistant(number, context, hass, server, resources)

    async def _serve(self, hass: HomeAssistant) -> TestServer:
        """Serve Home Assistant's HTTP app on loopback, on the same port across restarts."""
        server = TestServer(hass.http.app, port=self._port)
        # As the harness does: views registered after the server started must still be routed.
        hass.http.app.router.freeze = lambda: None  # type: ignore[method-assign]
        await server.start_server()
        self._port = server.port
        return server

    def _on_stage_changed(self, event: Event[Any]) -> None:
        self.events.append(json_safe(dict(event.data)))

    async def _stop_home_assistant(self) -> None:
        """Stop Home Assistant as it stops for a restart; what it leaves behind dies with it, as with a process."""
        ha, self._ha = self._running, None
        await self.clock.run(asyncio.create_task(self._shut_down(ha), context=ha.context))
        self._abandon(ha.number)
        await self.clock.run_until(self.clock.now)

    @staticmethod
    async def _shut_down(ha: RunningHomeAssistant) -> None:
        await ha.hass.async_stop()
        await ha.resources.aclose()

    @staticmethod
    def _abandon(number: int) -> None:
        """Cancel the timers and tasks a stopped instance created (its process would have ended)."""
        for handle in get_scheduled_timer_handles(asyncio.get_running_loop()):
            if handle.get_context().get(_INSTANCE) == number:
                handle.cancel()
        for task in asyncio.all_tasks():
            if task is not asyncio.current_task() and task.get_context().get(_INSTANCE) == number:
                task.cancel()


def replay(trace: Trace, *, settle: float = DEFAULT_SETTLE, checkpoints: Sequence[float] = ()) -> dict[str, Any]:
    """Replay a trace; returns `{"requests": [...], "events": [...], "repairs": [...]}`.

    With `checkpoints`, also `"checkpoints": [{"at": seconds, "requests", "events", "repairs"}, ...]`: what Home
    Assistant showed at those virtual times, after every line up to them.
    """
    for module in PRELOADED:
        importlib.import_module(module)
    # Home Assistant spreads its polls with random offsets: the same seed gives the same replay.
    random.seed(0)
    with (
        tempfile.TemporaryDirectory(prefix="media-request-tracker-replay-") as config_dir,
        # As the harness does: Home Assistant's own resolver starts mDNS (zeroconf) on every interface; the replay
        # only ever talks to 127.0.0.1, which needs no resolver at all.
        patch(
            "homeassistant.helpers.aiohttp_client._async_make_resolver",
            side_effect=lambda _hass: aiohttp.ThreadedResolver(),
        ),
        VirtualClock(START) as clock,
        asyncio.Runner(loop_factory=clock.new_loop) as runner,
    ):
        return runner.run(Replay(trace, clock, Path(config_dir), settle=settle, checkpoints=checkpoints).run())


# --- the command ---------------------------------------------------------------------------------------------


def _seconds(text: str) -> float:
    value = float(text)
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds >= 0")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """`scripts/replay TRACE [--settle SECONDS] [--checkpoint SECONDS]...`: print what Home Assistant shows."""
    parser = argparse.ArgumentParser(
        prog="scripts/replay",
        description="Replay a Trace v1 against the real integration in a real Home Assistant, in virtual time.",
    )
    parser.add_argument("trace", type=Path, help="the trace (JSON Lines, see DESIGN.md)")
    parser.add_argument(
        "--settle",
        type=_seconds,
        default=DEFAULT_SETTLE,
        help=f"virtual seconds to let pass after the last line (default {DEFAULT_SETTLE:g})",
    )
    parser.add_argument(
        "--checkpoint",
        type=_seconds,
        action="append",
        default=[],
        metavar="SECONDS",
        help="also report what Home Assistant shows at this virtual time (repeatable)",
    )
    parser.add_argument("--verbose", "-v", action="store_true", help="log what the integration does (to stderr)")
    args = parser.parse_args(argv)
    try:
        trace = load_trace(args.trace)
    except TraceError as err:
        sys.stderr.write(f"{args.trace}: {err}\n")
        return EXIT_MALFORMED
    _configure_logging(verbose=args.verbose)
    result = replay(trace, settle=args.settle, checkpoints=args.checkpoint)
    sys.stdout.write(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return 0


def _configure_logging(*, verbose: bool) -> None:
    """Warnings (and with --verbose the integration's debug lines) on stderr, stamped with virtual time."""
    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # Home Assistant warns on every start that the tracker is a custom integration, and aiohttp that zlib is the
    # slow one: nothing a replay can act on.
    for name in ("homeassistant.loader", "aiohttp_fast_zlib"):
        logging.getLogger(name).setLevel(logging.ERROR)
    if verbose:
        for name in ("custom_components.media_request_tracker", __name__):
            logging.getLogger(name).setLevel(logging.DEBUG)


if __name__ == "__main__":
    sys.exit(main())
