"""Home Assistant as a child process: `hass` started on the demo's configuration directory, and stopped again."""

from __future__ import annotations

import asyncio
from contextlib import suppress
from pathlib import Path
import signal
import socket
import subprocess

import aiohttp

from .errors import DemoError, MissingPrerequisite

STOP_SECONDS = 60.0
"""How long Home Assistant gets to stop after SIGTERM before it is killed."""


def check_port_free(port: int) -> None:
    """Raise MissingPrerequisite when something already listens on 127.0.0.1:`port`."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As Home Assistant binds: a closed connection of an earlier run (TIME_WAIT) does not block the port.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as err:
            raise MissingPrerequisite(f"port {port} on 127.0.0.1 is in use ({err.strerror})") from err


class HomeAssistantProcess:
    """One `hass` process; its console output goes to `console.log` beside its own `home-assistant.log`."""

    def __init__(self, hass: Path, config_dir: Path, url: str) -> None:
        """Run `hass` (the venv's entry point) on `config_dir`, to be served at `url`."""
        if not hass.exists():
            raise MissingPrerequisite(f"{hass} not found: run scripts/setup first")
        self.hass = hass
        self.config_dir = config_dir
        self.url = url
        self.console_log = config_dir / "console.log"
        self._process: asyncio.subprocess.Process | None = None

    @property
    def log_file(self) -> Path:
        """Home Assistant's own log."""
        return self.config_dir / "home-assistant.log"

    async def start(self) -> None:
        """Start `hass`; `--skip-pip` because every requirement is installed already (and PyPI is not asked)."""
        with self.console_log.open("wb") as console:
            self._process = await asyncio.create_subprocess_exec(
                str(self.hass),
                "--config",
                str(self.config_dir),
                "--skip-pip",
                stdin=subprocess.DEVNULL,
                stdout=console,
                stderr=subprocess.STDOUT,
                # Its own process group: Ctrl-C reaches the demo, which stops Home Assistant before the simulators.
                start_new_session=True,
            )

    async def wait_until_answering(self, session: aiohttp.ClientSession) -> None:
        """Wait until the HTTP server answers (the onboarding view needs no login); fail if `hass` exits."""
        while True:
            self._check_alive()
            with suppress(aiohttp.ClientError, TimeoutError):
                async with session.get(f"{self.url}/api/onboarding", timeout=aiohttp.ClientTimeout(total=5)) as reply:
                    if reply.status == 200:
                        return
            await asyncio.sleep(0.5)

    def _check_alive(self) -> None:
        if self._process is not None and self._process.returncode is not None:
            raise DemoError(
                f"hass exited with status {self._process.returncode} while starting; see {self.console_log}"
            )

    async def stop(self) -> None:
        """Stop `hass` as a service manager would: SIGTERM, then SIGKILL if it takes too long."""
        process, self._process = self._process, None
        if process is None or process.returncode is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), STOP_SECONDS)
        except TimeoutError:
            process.kill()
            await process.wait()
