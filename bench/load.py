"""Open-loop HTTP load from a child process: each POST leaves at its planned time, whether or not earlier ones
were answered, so a slow server meets the load it would really meet (no coordinated omission).

The child records when each request left (time.monotonic, which is system-wide on Linux, so Home Assistant's
process can compare its own times with it) and the status it got.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass
import json
from pathlib import Path
from subprocess import PIPE
import sys
import time
from typing import Any

import aiohttp


@dataclass(frozen=True)
class Load:
    """What to send: bodies to one URL at a steady rate."""

    url: str
    headers: dict[str, str]
    bodies: list[bytes]
    rate: float


@dataclass(frozen=True)
class Sent:
    """What happened to the load: when each body left, and the status (0: no answer)."""

    sent_at: list[float]
    statuses: list[int]


class LoadProcess:
    """The load generator in its own process (`python -m bench.load`, which imports only aiohttp), so its CPU is
    not Home Assistant's and starting it costs Home Assistant nothing. Load and record travel as JSON lines."""

    def __init__(self, load: Load) -> None:
        """Prepare to send `load`."""
        self._load = load
        self._process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        """Start the process and wait until it is ready to send."""
        self._process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.load", stdin=PIPE, stdout=PIPE, cwd=Path(__file__).parent.parent
        )
        load = {**asdict(self._load), "bodies": [body.decode() for body in self._load.bodies]}
        await self._write(json.dumps(load))
        if await self._pipes()[1].readline() != b"ready\n":
            raise RuntimeError("the load generator did not start")

    async def send(self) -> Sent:
        """Send the load now; returns what happened to it."""
        await self._write("go")
        sent = Sent(**json.loads(await self._pipes()[1].read()))
        if self._process is not None:
            await self._process.wait()
        return sent

    def _pipes(self) -> tuple[asyncio.StreamWriter, asyncio.StreamReader]:
        if self._process is None or self._process.stdin is None or self._process.stdout is None:
            raise RuntimeError("the load generator is not running")
        return self._process.stdin, self._process.stdout

    async def _write(self, line: str) -> None:
        stdin, _ = self._pipes()
        stdin.write(line.encode() + b"\n")
        await stdin.drain()


def _serve_one_load() -> None:
    """In the child: read the load, say ready, wait for go, send, write what happened."""
    raw = json.loads(sys.stdin.readline())
    load = Load(**{**raw, "bodies": [body.encode() for body in raw["bodies"]]})
    print("ready", flush=True)
    sys.stdin.readline()
    print(json.dumps(asdict(asyncio.run(_send(load)))), flush=True)


async def _send(load: Load) -> Sent:
    sent_at = [0.0] * len(load.bodies)
    statuses = [0] * len(load.bodies)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as session:

        async def post(index: int) -> None:
            sent_at[index] = time.monotonic()
            try:
                async with session.post(load.url, data=load.bodies[index], headers=load.headers) as response:
                    await response.read()
                    statuses[index] = response.status
            except (aiohttp.ClientError, TimeoutError):
                statuses[index] = 0

        start = time.monotonic() + 0.2
        tasks = []
        for index in range(len(load.bodies)):
            delay = start + index / load.rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(post(index)))
        await asyncio.gather(*tasks)
    return Sent(sent_at, statuses)


def encode(body: Any) -> bytes:
    """A JSON body."""
    return json.dumps(body).encode()


if __name__ == "__main__":
    _serve_one_load()
