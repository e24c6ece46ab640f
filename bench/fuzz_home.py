"""Posting fuzzed bodies to a Home Assistant with every webhook service, and checking what each one did.

Used by `bench/fuzz_webhooks.py` (100,000 bodies) and by tests/reliability/test_fuzz_webhooks.py (5,000).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
import logging
from pathlib import Path
from typing import Any, Self

import aiohttp
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.json import json_bytes

from custom_components.media_request_tracker.const import DOMAIN
from custom_components.media_request_tracker.tracker.serialization import dump_request
from simulator.replay import webhook_auth, webhook_id
from simulator.trace_format import Service

from .fuzz_webhooks import Body

WEBHOOK_SERVICES = tuple(Service(kind, kind) for kind in ("seerr", "radarr", "sonarr", "jellyfin", "qbittorrent"))
"""Every kind of service that posts webhooks, one each; the service id is its kind."""
OUR_ENTITIES = tuple(f"{platform}.media_request_tracker" for platform in ("sensor", "binary_sensor", "event"))


class FuzzFailure(AssertionError):
    """A body did something it must not."""


class UnhandledLog(logging.Handler):
    """Keeps every log record that carries a traceback."""

    def __init__(self) -> None:
        """Start with none."""
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep records with a traceback."""
        if record.exc_info is not None:
            self.records.append(record)


class FuzzChecker:
    """Posts bodies to their webhooks and checks each one's effect."""

    def __init__(self, hass: HomeAssistant, url: str) -> None:
        """Watch the integration's state writes and the log."""
        self.hass = hass
        self.url = url
        self.changed: list[str] = []
        self.unhandled = UnhandledLog()
        logging.getLogger().addHandler(self.unhandled)
        hass.bus.async_listen(EVENT_STATE_CHANGED, self._on_state)

    def close(self) -> None:
        """Stop watching the log."""
        logging.getLogger().removeHandler(self.unhandled)

    @callback
    def _on_state(self, event: Event[Any]) -> None:
        if event.data["entity_id"].startswith(OUR_ENTITIES):
            self.changed.append(event.data["entity_id"])

    async def post(self, session: aiohttp.ClientSession, body: Body, *, chunks: int = 1) -> int:
        """POST a body to its service's webhook, in `chunks` parts when more than one; the status."""
        service = Service(body.kind, body.kind)
        headers = {"Content-Type": "application/json", **webhook_auth(service)}
        url = f"{self.url}/api/webhook/{webhook_id(service.id)}"
        data: Any = body.data if chunks == 1 else _in_parts(body.data, chunks)
        async with session.post(url, data=data, headers=headers) as response:
            await response.read()
            return response.status

    async def post_and_check(self, session: aiohttp.ClientSession, body: Body, *, chunks: int = 1) -> str:
        """Post a body and check it; raises FuzzFailure naming what went wrong. Returns the outcome's name."""
        self.changed.clear()
        unhandled_before = len(self.unhandled.records)
        status = await self.post(session, body, chunks=chunks)
        await self.hass.async_block_till_done()
        if len(self.unhandled.records) > unhandled_before:
            record = self.unhandled.records[-1]
            raise FuzzFailure(
                f"{body.how} {body.kind} body raised: {record.getMessage()[:200]} {record.exc_info!r:.300}"
            )
        if status != 200:
            if self.changed:
                raise FuzzFailure(f"{body.how} {body.kind} body was rejected ({status}) but changed {self.changed}")
            return f"rejected {status}"
        self._check_saveable(body)
        return "accepted"

    def _check_saveable(self, body: Body) -> None:
        """What the body changed can still be written: the requests to the store, the entities to the registry."""
        registry = er.async_get(self.hass)
        runtime = self.hass.config_entries.async_entries(DOMAIN)[0].runtime_data
        for entity_id in set(self.changed):
            entry = registry.async_get(entity_id)
            try:
                if entry is not None:
                    json_bytes(entry.as_storage_fragment)
                    key = entry.unique_id.partition("-request-")[2]
                    if key and (request := runtime.hub.tracker.requests.get(key)) is not None:
                        json_bytes(dump_request(request))
            except (TypeError, ValueError) as err:
                raise FuzzFailure(f"{body.how} {body.kind} body was accepted but cannot be saved: {err}") from err

    async def save_everything(self) -> int:
        """Save the store and the entity registry now, as on shutdown; 1 when both were written."""
        runtime = self.hass.config_entries.async_entries(DOMAIN)[0].runtime_data
        await runtime.hub.store.async_save()
        json_bytes(er.async_get(self.hass)._data_to_save())  # noqa: SLF001 - what the registry writes
        return 1


async def _in_parts(data: bytes, chunks: int) -> AsyncIterator[bytes]:
    """The body in `chunks` parts with a pause between them (chunked transfer, as a slow sender delivers it)."""
    size = max(1, len(data) // chunks + 1)
    for start in range(0, len(data), size):
        yield data[start : start + size]
        await _pause()


async def _pause() -> None:
    import asyncio  # noqa: PLC0415

    await asyncio.sleep(0.01)


class FuzzedHome:
    """The command's Home Assistant: every webhook service, and a checker."""

    def __init__(self, checker: FuzzChecker) -> None:
        """Wrap the checker."""
        self.checker = checker

    @classmethod
    @asynccontextmanager
    async def start(cls, config_dir: Path) -> AsyncIterator[Self]:
        """Start Home Assistant with every webhook service in `config_dir`."""
        from .home_assistant import running_home  # noqa: PLC0415

        async with running_home(config_dir, services=WEBHOOK_SERVICES) as home:
            checker = FuzzChecker(home.hass, home.url)
            try:
                yield cls(checker)
            finally:
                checker.close()

    async def post_and_check(self, session: aiohttp.ClientSession, body: Body) -> str:
        """Post and check one body; a failure is counted, not raised, so the run goes on."""
        try:
            return await self.checker.post_and_check(session, body)
        except FuzzFailure as failure:
            return f"FAILED {str(failure).split(':')[0]}"

    async def save_everything(self) -> int:
        """Save the store and the registry at the end."""
        try:
            return await self.checker.save_everything()
        except (TypeError, ValueError):
            return 0
