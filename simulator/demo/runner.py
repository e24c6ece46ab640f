"""The demo's life: prepare, start Home Assistant, onboard, add the services, play, stop everything in order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
import sys
import time

import aiohttp

from .api import HomeAssistantApi
from .config import prepare_config_dir
from .errors import DemoError
from .process import HomeAssistantProcess, check_port_free
from .scenario import DeliveryFailed, DemoScenario
from .stack import DemoStack

PROJECT_ROOT = Path(__file__).resolve().parents[2]
INTEGRATION_DIR = PROJECT_ROOT / "custom_components" / "media_request_tracker"
DEMO_NAME = "Demo"
DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo"  # noqa: S105 - printed for the person running the demo; Home Assistant listens on loopback
START_SECONDS = 180.0
"""How long Home Assistant may take to start (the first start on a slow machine compiles translations etc.)."""

type Say = Callable[[str], None]


def say(line: str) -> None:
    """Tell the person watching (flushed at once: the output is often a pipe)."""
    sys.stdout.write(f"{line}\n")
    sys.stdout.flush()


@dataclass(frozen=True, slots=True)
class DemoOptions:
    """Where the demo runs."""

    port: int
    config_dir: Path
    hass: Path
    """The `hass` entry point of the project's venv."""

    @property
    def url(self) -> str:
        """Home Assistant's address."""
        return f"http://127.0.0.1:{self.port}"


@dataclass(slots=True)
class Demo:
    """A running demo."""

    options: DemoOptions
    hass: HomeAssistantProcess
    api: HomeAssistantApi
    stack: DemoStack
    scenario: DemoScenario

    async def play(self, say: Say) -> None:
        """Run every step of the scenario at its time, telling `say` what happens."""
        started = time.monotonic()
        for step in self.scenario.steps():
            await asyncio.sleep(max(0.0, started + step.at - time.monotonic()))
            try:
                line = await step.action()
            except DeliveryFailed as err:
                line = f"warning: {err}"
            if line:
                elapsed = int(time.monotonic() - started)
                say(f"[{elapsed // 60}:{elapsed % 60:02d}] {line}")

    async def request_stages(self) -> dict[str, str]:
        """The stage of each request sensor, by "title (year)", as Home Assistant's API shows it."""
        return {
            _request_name(state["attributes"]): state["state"]
            for state in await self.api.states()
            if state["entity_id"].startswith("sensor.") and "timeline" in state["attributes"]
        }

    async def missing_stages(self) -> dict[str, str]:
        """The requests that do not show the stage the scenario ends with, and what they show instead."""
        shown = await self.request_stages()
        expected = self.scenario.expected
        return {name: shown.get(name, "no sensor") for name, stage in expected.items() if shown.get(name) != stage}

    async def wait_for_expected_stages(self, seconds: float) -> dict[str, str]:
        """Wait up to `seconds` until every request shows its last stage; returns those that do not (empty)."""
        missing = await self.missing_stages()
        with suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                while missing:
                    await asyncio.sleep(1)
                    missing = await self.missing_stages()
        return missing


@asynccontextmanager
async def running_demo(options: DemoOptions, say: Say) -> AsyncIterator[Demo]:
    """Start everything; on leaving (or on an error or cancellation while starting) stop it again.

    Home Assistant is stopped before the simulators, so it does not log the services going away.
    """
    check_port_free(options.port)
    prepare_config_dir(options.config_dir, port=options.port, integration_dir=INTEGRATION_DIR)
    hass = HomeAssistantProcess(options.hass, options.config_dir, options.url)
    stack = DemoStack()
    async with aiohttp.ClientSession() as session:
        api = HomeAssistantApi(session, options.url)
        try:
            say(f"Starting Home Assistant on {options.url} (log: {hass.log_file})")
            await hass.start()
            await stack.start()
            await _within(START_SECONDS, hass, hass.wait_until_answering(session))
            await api.onboard(name=DEMO_NAME, username=DEMO_USERNAME, password=DEMO_PASSWORD)
            await _within(START_SECONDS, hass, api.wait_until_running())
            say("Adding the tracker and the simulated services through their config flows")
            await stack.add_to(api)
            yield Demo(options, hass, api, stack, DemoScenario(stack))
        finally:
            say("Stopping Home Assistant and the simulated services")
            await hass.stop()
            await stack.stop()


async def _within(seconds: float, hass: HomeAssistantProcess, waiting: Awaitable[None]) -> None:
    """Wait for Home Assistant to get somewhere, for at most `seconds`."""
    try:
        async with asyncio.timeout(seconds):
            await waiting
    except TimeoutError as err:
        raise DemoError(f"Home Assistant did not start within {seconds:.0f} s; see {hass.log_file}") from err


def _request_name(attributes: dict[str, object]) -> str:
    title, year = attributes.get("title"), attributes.get("year")
    return f"{title} ({year})" if year else str(title)
