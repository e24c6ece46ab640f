"""`scripts/develop` as a person runs it: a real Home Assistant serves the integration, and a request becomes available.

The command runs in a subprocess on a free port with a configuration directory of the test's own (so a demo someone
runs on 8123 is not disturbed), `--once` so that it stops by itself. The test logs in with the user and password the
command prints and watches the request sensors through Home Assistant's REST API. It is skipped, saying why, when
the machine lacks what the demo needs: the venv's `hass`, or Home Assistant's frontend package and PyPI to get it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
import re
import signal
import socket
import subprocess
import time

import aiohttp
import pytest

from simulator.demo.api import HomeAssistantApi
from tests.conftest import PROJECT_ROOT

DEVELOP = PROJECT_ROOT / "scripts" / "develop"
INSTALL_FRONTEND = PROJECT_ROOT / "scripts" / "install-frontend"
EXIT_MISSING = 3
READY_SECONDS = 180.0
"""How long Home Assistant may take to start, be onboarded and get the tracker and its services."""
AVAILABLE_SECONDS = 120.0
"""The promise: a request is available within two minutes of Home Assistant serving the demo."""
FINISH_SECONDS = 90.0
"""After that, the rest of the demo plays and `--once` stops everything."""


@dataclass
class RunningDemo:
    """`scripts/develop --once` in a subprocess, and what it printed so far."""

    process: asyncio.subprocess.Process
    url: str
    lines: list[str] = field(default_factory=list)

    @property
    def output(self) -> str:
        """Everything printed so far."""
        return "\n".join(self.lines)

    def printed(self, label: str) -> str | None:
        """The value of a `  label: value` line of the banner."""
        found = re.search(rf"^\s+{label}:\s+(\S+)", self.output, re.MULTILINE)
        return found.group(1) if found else None

    async def read(self) -> None:
        """Collect the output line by line until the command exits."""
        assert self.process.stdout is not None
        async for line in self.process.stdout:
            self.lines.append(line.decode().rstrip())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def skip_without_prerequisites() -> None:
    """Skip, with the reason, when the demo cannot run on this machine."""
    if not (PROJECT_ROOT / ".venv" / "bin" / "hass").exists():
        pytest.skip("no .venv/bin/hass: scripts/setup has not run")
    installed = subprocess.run(  # noqa: S603  # the project's own script
        [str(INSTALL_FRONTEND)], capture_output=True, text=True, check=False, cwd=PROJECT_ROOT, timeout=600
    )
    if installed.returncode == EXIT_MISSING:
        pytest.skip(f"Home Assistant's frontend is not installed and cannot be: {installed.stderr.strip()}")
    assert installed.returncode == 0, installed.stderr


@pytest.fixture
async def demo(tmp_path: Path, socket_enabled: None) -> AsyncIterator[RunningDemo]:
    """The demo, started; stopped (by SIGTERM, as Ctrl-C would) if the test ends before it does."""
    skip_without_prerequisites()
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        str(DEVELOP),
        "--once",
        "--port",
        str(port),
        "--config",
        str(tmp_path / "config"),
        cwd=PROJECT_ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    running = RunningDemo(process, f"http://127.0.0.1:{port}")
    reader = asyncio.create_task(running.read())
    try:
        yield running
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 90)
            except TimeoutError:
                process.kill()
                await process.wait()
        with suppress(asyncio.CancelledError):
            await reader


async def wait_until_ready(demo: RunningDemo) -> None:
    """Wait for the banner with the user and password; skip when the demo says something it needs is missing."""
    async with asyncio.timeout(READY_SECONDS):
        while demo.printed("password") is None:
            if demo.process.returncode is not None:
                await asyncio.sleep(0.5)  # the last lines
                if demo.process.returncode == EXIT_MISSING:
                    pytest.skip(f"the demo cannot run here: {demo.output.strip()}")
                pytest.fail(f"scripts/develop exited with {demo.process.returncode}:\n{demo.output}")
            await asyncio.sleep(0.5)


async def available_requests(api: HomeAssistantApi) -> list[str]:
    """The request sensors that show `available`."""
    return [
        state["entity_id"]
        for state in await api.states()
        if "timeline" in state["attributes"] and state["state"] == "available"
    ]


@pytest.mark.demo
@pytest.mark.timeout(READY_SECONDS + AVAILABLE_SECONDS + FINISH_SECONDS + 60)
async def test_a_demo_request_becomes_available_within_two_minutes(demo: RunningDemo) -> None:
    await wait_until_ready(demo)
    served = time.monotonic()
    async with aiohttp.ClientSession() as session:
        api = HomeAssistantApi(session, demo.url)
        await api.login(str(demo.printed("user")), str(demo.printed("password")))
        available: list[str] = []
        async with asyncio.timeout(AVAILABLE_SECONDS):
            while not available:
                await asyncio.sleep(1)
                available = await available_requests(api)
    assert time.monotonic() - served < AVAILABLE_SECONDS
    assert any(entity_id.startswith("sensor.media_request_tracker_") for entity_id in available)

    # --once: the rest plays, every request reaches its last stage, and everything stops.
    async with asyncio.timeout(FINISH_SECONDS):
        status = await demo.process.wait()
    assert status == 0, demo.output
    assert "Every request reached its last stage." in demo.output
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", int(demo.url.rsplit(":", 1)[1]))) != 0, "Home Assistant still listens"
