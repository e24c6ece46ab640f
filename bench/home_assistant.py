"""A real Home Assistant on loopback HTTP with the tracker and a simulated Radarr, for the load benchmarks.

Set up through the public surfaces only (a config entry with a Radarr subentry, its webhook), as the replay does,
but in real time. The store can be preloaded with requests, as after a long time in use.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
import gc
import json
from pathlib import Path
import time
from typing import Any
from unittest.mock import patch

import aiohttp
from aiohttp.test_utils import TestServer
from homeassistant import loader
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import async_test_home_assistant

from custom_components.media_request_tracker.const import (
    STORAGE_KEY,
    STORAGE_MINOR_VERSION,
    STORAGE_SEGMENTS,
    STORAGE_VERSION,
)
from custom_components.media_request_tracker.store import UNFINISHED, home_of
from custom_components.media_request_tracker.tracker import Evidence, Tracker
from custom_components.media_request_tracker.tracker.serialization import stored_request
from simulator.replay import ENTRY_ID, Simulated, load_registries, simulate, tracker_entry, webhook_auth, webhook_id
from simulator.trace_format import Service, Trace
from tests.tracker.lifecycles import movie

from .tracker_core import _renumbered

RADARR = Service("radarr", "radarr")


@dataclass
class RunningHome:
    """Home Assistant with the tracker set up, and how to reach the Radarr webhook."""

    hass: HomeAssistant
    url: str
    services: list[Simulated]
    setup: tuple[float, float, float] = (0.0, 0.0, 0.0)
    """Setting the entry up: wall seconds, the longest the loop was blocked, the longest full-GC pause."""

    def webhook(self, service_id: str) -> str:
        """A service's webhook URL."""
        return f"{self.url}/api/webhook/{webhook_id(service_id)}"

    def headers(self, service_id: str) -> dict[str, str]:
        """The headers the service sends (its secret)."""
        service = next(simulated.service for simulated in self.services if simulated.service.id == service_id)
        return {"Content-Type": "application/json", **webhook_auth(service)}

    @property
    def radarr_webhook(self) -> str:
        """The Radarr subentry's webhook URL."""
        return self.webhook(RADARR.id)

    @property
    def radarr_headers(self) -> dict[str, str]:
        """The headers Radarr sends (its secret)."""
        return self.headers(RADARR.id)


def preloaded_store(active: int, finished: int, *, now: float) -> dict[str, dict[str, Any]]:
    """The tracker's store files, by name, with `active` movies downloading and `finished` available, all recent.

    Laid out as the integration writes them: the unfinished requests in the main file, the finished ones in the
    segments their keys hash to. Each has a title of its own ("Stored Movie <n>"), as in a real library: the
    same title thousands of times would make Home Assistant search ever longer for a free entity id.
    """
    tracker = Tracker()
    lifecycle = movie().evidence
    completed_at = next(i for i, item in enumerate(lifecycle) if type(item).__name__ == "DownloadCompleted")
    for number in range(active + finished):
        steps = lifecycle if number < finished else lifecycle[:completed_at]
        for item in steps:
            if item.media.title:
                item = replace(item, media=replace(item.media, title=f"Stored Movie {number}"))  # noqa: PLW2901
            tracker.apply(_recent(_renumbered(item, (number + 1) * 100_000), now))
    main = f"{STORAGE_KEY}.{ENTRY_ID}"
    parts: dict[str, list[dict[str, Any]]] = {main: [], **{f"{main}.{n:02d}": [] for n in range(STORAGE_SEGMENTS)}}
    for request in tracker.requests.values():
        home = home_of(request)
        parts[main if home == UNFINISHED else f"{main}.{home:02d}"].append(stored_request(request))
    return {
        name: {
            "version": STORAGE_VERSION,
            "minor_version": STORAGE_MINOR_VERSION,
            "key": name,
            "data": {"segments": STORAGE_SEGMENTS, "pending": [], "requests": requests}
            if name == main
            else {"requests": requests},
        }
        for name, requests in parts.items()
    }


def _recent(item: Evidence, now: float) -> Evidence:
    """The evidence as if it came in the last minutes (so nothing expires or stalls during the run)."""
    return replace(item, at=now - 600 + item.at)


class _LoopWatch:
    """The longest block of the event loop (a 1 ms ticker's lateness) and full-GC pause while something runs."""

    def __init__(self) -> None:
        self._longest = self._gc_longest = self._gc_started = self._wall = 0.0
        self._ticker: asyncio.Task[None] | None = None

    def start(self) -> None:
        gc.callbacks.append(self._on_gc)
        self._wall = time.perf_counter()
        self._ticker = asyncio.get_running_loop().create_task(self._tick())

    def stop(self) -> tuple[float, float, float]:
        gc.callbacks.remove(self._on_gc)
        if self._ticker is not None:
            self._ticker.cancel()
        return time.perf_counter() - self._wall, self._longest, self._gc_longest

    async def _tick(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.001)
            self._longest = max(self._longest, time.perf_counter() - before - 0.001)

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self._gc_longest = max(self._gc_longest, time.perf_counter() - self._gc_started)


@asynccontextmanager
async def running_home(
    config_dir: Path,
    *,
    store: dict[str, dict[str, Any]] | None = None,
    services: tuple[Service, ...] = (RADARR,),
    options: dict[str, Any] | None = None,
) -> AsyncIterator[RunningHome]:
    """Start Home Assistant in `config_dir` with the tracker and simulated services; stop them all afterwards."""
    simulated = [simulate(service) for service in services]
    for each in simulated:
        await each.simulator.start()
    if store is not None:
        storage = config_dir / ".storage"
        storage.mkdir(parents=True, exist_ok=True)
        for name, content in store.items():
            (storage / name).write_text(json.dumps(content))
    try:
        with patch(
            "homeassistant.helpers.aiohttp_client._async_make_resolver",
            side_effect=lambda _hass: aiohttp.ThreadedResolver(),
        ):
            async with async_test_home_assistant(config_dir=str(config_dir), load_registries=False) as hass:
                hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
                await load_registries(hass)
                for component in ("http", "webhook"):
                    if not await async_setup_component(hass, component, {}):
                        raise RuntimeError(f"Home Assistant could not set up {component}")
                server = TestServer(hass.http.app)
                hass.http.app.router.freeze = lambda: None  # type: ignore[method-assign]
                await server.start_server()
                url = f"http://127.0.0.1:{server.port}"
                await async_process_ha_core_config(hass, {"internal_url": url})
                trace = Trace(services=services, options=options or {}, steps=())
                watch = _LoopWatch()
                watch.start()
                await hass.config_entries.async_add(tracker_entry(trace, simulated))
                await hass.async_block_till_done()
                setup = watch.stop()
                try:
                    yield RunningHome(hass, url, simulated, setup)
                finally:
                    # Unload first: its store write finishes before the config directory goes away.
                    for entry in hass.config_entries.async_entries("media_request_tracker"):
                        await hass.config_entries.async_unload(entry.entry_id)
                    await hass.async_stop(force=True)
                    await server.close()
    finally:
        for each in simulated:
            await each.simulator.stop()


def grab_body(number: int, template: dict[str, Any]) -> dict[str, Any]:
    """Radarr's grab webhook for a movie of its own (a new request each)."""
    body = json.loads(json.dumps(template))
    movie_id = 500_000 + number
    body["movie"] |= {
        "id": movie_id,
        "title": f"Bench Movie {number}",
        "tmdbId": movie_id,
        "imdbId": f"tt9{number:07d}",
    }
    body["remoteMovie"] |= {"tmdbId": movie_id, "imdbId": f"tt9{number:07d}", "title": f"Bench Movie {number}"}
    body["downloadId"] = f"{number:040X}"
    return body
