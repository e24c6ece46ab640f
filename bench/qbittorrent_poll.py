"""What one idle qBittorrent poll costs: a sync/maindata delta versus a full torrents/info fetch.

The simulated qBittorrent holds 2,000 torrents and nothing changes. It runs in a child process, so the CPU time
measured here (`time.process_time`) is the client's alone: the request, reading the answer, decoding the JSON and
merging or parsing it into typed torrents. Wall time per poll (round trip, server included) is shown next to it.

    .venv/bin/python -m bench.qbittorrent_poll [--torrents N]
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
import hashlib
import multiprocessing
from multiprocessing.connection import Connection
import time
from typing import Any

import aiohttp

from custom_components.media_request_tracker.sources.qbittorrent.client import QBittorrentClient
from simulator.qbittorrent import DEFAULT_PASSWORD, DEFAULT_USERNAME, SimulatedQBittorrent

TORRENTS = 2000
DELTA_REPEATS = 1000
FULL_REPEATS = 20
STATES = ("stalledUP", "stalledUP", "stalledUP", "pausedUP", "uploading", "downloading", "stalledDL", "queuedDL")


def torrent_row(index: int) -> dict[str, Any]:
    """A plausible torrents/info row; the simulator fills in every other field."""
    torrent_hash = hashlib.sha1(str(index).encode(), usedforsecurity=False).hexdigest()
    category = "radarr" if index % 3 else "tv-sonarr"
    name = f"Some.Title.{index}.2024.1080p.WEB-DL.DDP5.1.H.264-GROUP"
    size = 1_500_000_000 + index * 7919
    state = STATES[index % len(STATES)]
    done = state.endswith("UP")
    return {
        "hash": torrent_hash,
        "infohash_v1": torrent_hash,
        "name": name,
        "state": state,
        "progress": 1 if done else (index % 100) / 100,
        "size": size,
        "total_size": size,
        "amount_left": 0 if done else size // 2,
        "completed": size if done else size // 2,
        "downloaded": size,
        "category": category,
        "tags": "requested" if index % 5 == 0 else "",
        "added_on": 1_700_000_000 + index,
        "completion_on": 1_700_100_000 + index if done else -1,
        "eta": 8640000,
        "save_path": f"/downloads/{category}",
        "content_path": f"/downloads/{category}/{name}.mkv",
        "magnet_uri": f"magnet:?xt=urn:btih:{torrent_hash}&dn={name}",
        "tracker": "https://tracker.example/announce",
        "trackers_count": 1,
        "num_complete": index % 50,
        "num_incomplete": index % 7,
        "ratio": 1.25,
        "seeding_time": 3600,
        "time_active": 7200,
        "last_activity": 1_700_200_000,
    }


def serve(connection: Connection, torrents: int) -> None:
    """Child process: run the simulated qBittorrent until the parent says stop."""
    asyncio.run(_serve(connection, torrents))


async def _serve(connection: Connection, torrents: int) -> None:
    service = SimulatedQBittorrent()
    service.set_torrents(torrent_row(index) for index in range(torrents))
    await service.start()
    connection.send(service.url)
    await asyncio.get_running_loop().run_in_executor(None, connection.recv)
    await service.stop()


@dataclass(frozen=True)
class Measurement:
    """Per-poll cost of one way of polling."""

    label: str
    response_bytes: int
    cpu_ms: float
    wall_ms: float


async def measure(label: str, repeats: int, poll: Callable[[], Awaitable[int]]) -> Measurement:
    """Run `poll` (which returns the response size) `repeats` times; report the means."""
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(repeats):
        size = await poll()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return Measurement(label, size, cpu * 1000 / repeats, wall * 1000 / repeats)


async def run(url: str, torrents: int) -> list[Measurement]:
    """Measure the first (full) sync, idle delta syncs and full torrents/info fetches with one client."""
    async with aiohttp.ClientSession() as session:
        client = QBittorrentClient(session, url, DEFAULT_USERNAME, DEFAULT_PASSWORD)
        await client.login()

        async def sync() -> int:
            return (await client.sync()).response_bytes

        async def idle_sync() -> int:
            delta = await client.sync()
            if not delta.is_empty:
                raise RuntimeError("the simulated qBittorrent was expected to be idle")
            return delta.response_bytes

        async def info() -> int:
            if len(await client.torrents_info()) != torrents:
                raise RuntimeError("torrents/info did not list every torrent")
            return client.last_response_bytes

        first = await measure("sync/maindata, first call (full_update)", 1, sync)
        if len(client.torrents) != torrents:
            raise RuntimeError("the first sync did not bring every torrent")
        delta = await measure("sync/maindata, idle delta", DELTA_REPEATS, idle_sync)
        full = await measure("torrents/info, full fetch", FULL_REPEATS, info)
        return [delta, full, first]


def table(torrents: int, rows: list[Measurement]) -> str:
    """A markdown table of the measurements, and how the idle delta compares with the full fetch."""
    lines = [
        f"qBittorrent idle poll, {torrents:,} torrents, nothing changing (simulated server in another process)",
        "",
        "| poll | response bytes | client CPU per poll | wall time per poll |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {m.label} | {m.response_bytes:,} | {m.cpu_ms:.3f} ms | {m.wall_ms:.3f} ms |" for m in rows]
    delta, full = rows[0], rows[1]
    lines += [
        "",
        f"The idle delta is {full.response_bytes / delta.response_bytes:,.0f}x smaller and costs "
        f"{full.cpu_ms / delta.cpu_ms:,.0f}x less client CPU than the full fetch.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--torrents", type=int, default=TORRENTS)
    torrents = parser.parse_args().torrents
    parent, child = multiprocessing.get_context("spawn").Pipe()
    server = multiprocessing.get_context("spawn").Process(target=serve, args=(child, torrents), daemon=True)
    server.start()
    try:
        url = parent.recv()
        print(table(torrents, asyncio.run(run(url, torrents))))
    finally:
        parent.send("stop")
        server.join(timeout=10)


if __name__ == "__main__":
    main()
