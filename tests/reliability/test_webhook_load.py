"""200 webhooks a second with every poll running: nothing dropped, no error logged, no secret anywhere.

Three seconds by default; RELIABILITY_SCALE=20 runs the full minute. Real time (no frozen clock): the polls of
Seerr, Radarr, Sonarr, qBittorrent and Jellyfin are forced every quarter second while the load runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import json
import logging
import time
from typing import Any

import aiohttp
from homeassistant.core import HomeAssistant
import pytest

from bench.fuzz_webhooks import fixture_bodies
from bench.home_assistant import grab_body
from custom_components.media_request_tracker.const import DOMAIN
from simulator.replay import Simulated, simulate, tracker_entry, webhook_auth, webhook_id
from simulator.trace_format import Service, Trace

from .conftest import INTEGRATION_LOGGER, assert_no_secret_in, integration_log, scaled

RATE = 200
SECONDS = 3
POLLED = tuple(Service(kind, kind) for kind in ("seerr", "radarr", "sonarr", "jellyfin", "qbittorrent"))


@pytest.fixture
async def services(hass: HomeAssistant, ha_url: str) -> AsyncIterator[list[Simulated]]:
    """The tracker with every polled service, simulated."""
    simulated = [simulate(service) for service in POLLED]
    for each in simulated:
        await each.simulator.start()
    trace = Trace(services=POLLED, options={}, steps=())
    await hass.config_entries.async_add(tracker_entry(trace, simulated))
    await hass.async_block_till_done(wait_background_tasks=True)
    yield simulated
    assert await hass.config_entries.async_unload(hass.config_entries.async_entries(DOMAIN)[0].entry_id)
    for each in simulated:
        await each.simulator.stop()


async def poll_all_the_time(hass: HomeAssistant, stop: asyncio.Event) -> int:
    """Refresh every coordinator every quarter second until told to stop; how many rounds ran."""
    rounds = 0
    while not stop.is_set():
        coordinators = hass.config_entries.async_entries(DOMAIN)[0].runtime_data.coordinators.values()
        await asyncio.gather(*(coordinator.async_refresh() for coordinator in coordinators))
        rounds += 1
        await asyncio.sleep(0.25)
    return rounds


async def send_at_rate(url: str, headers: dict[str, str], bodies: list[bytes]) -> list[int]:
    """POST the bodies open-loop at RATE a second; their statuses."""
    statuses = [0] * len(bodies)
    async with aiohttp.ClientSession() as session:

        async def post(index: int) -> None:
            async with session.post(url, data=bodies[index], headers=headers) as response:
                await response.read()
                statuses[index] = response.status

        start = time.monotonic()
        tasks = []
        for index in range(len(bodies)):
            await asyncio.sleep(max(0.0, start + index / RATE - time.monotonic()))
            tasks.append(asyncio.create_task(post(index)))
        await asyncio.gather(*tasks)
    return statuses


async def test_200_webhooks_a_second_with_polls_running_drop_nothing_and_log_no_error(
    hass: HomeAssistant, ha_url: str, services: list[Simulated], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=INTEGRATION_LOGGER)
    template = next(body for body in fixture_bodies()["radarr"] if body.get("eventType") == "Grab")
    count = scaled(RATE * SECONDS)
    bodies = [json.dumps(grab_body(number, template)).encode() for number in range(count)]
    radarr = Service("radarr", "radarr")
    headers = {"Content-Type": "application/json", **webhook_auth(radarr)}

    stop = asyncio.Event()
    polling = asyncio.create_task(poll_all_the_time(hass, stop))
    statuses = await send_at_rate(f"{ha_url}/api/webhook/{webhook_id(radarr.id)}", headers, bodies)
    stop.set()
    rounds = await polling
    await hass.async_block_till_done(wait_background_tasks=True)

    assert statuses == [200] * count
    tracker = hass.config_entries.async_entries(DOMAIN)[0].runtime_data.hub.tracker
    assert len(tracker.requests) == count, "every webhook became a request"
    titles = {state.attributes.get("title") for state in hass.states.async_all("sensor")}
    assert {f"Bench Movie {number}" for number in range(count)} <= titles, "every request has its sensor"
    assert tracker.counts["active"] == count
    assert rounds >= 2, "the polls ran while the webhooks came in"
    errors = [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]
    assert errors == []
    assert_no_secret_in(hass, "the integration's log", integration_log(caplog))
    for state in hass.states.async_all():
        assert_no_secret_in(hass, f"{state.entity_id}'s attributes", json.dumps(state.attributes, default=str))


async def test_no_secret_in_diagnostics_after_a_busy_run(
    hass: HomeAssistant, ha_url: str, services: list[Simulated], hass_client: Any
) -> None:
    template = next(body for body in fixture_bodies()["radarr"] if body.get("eventType") == "Grab")
    radarr = Service("radarr", "radarr")
    headers = {"Content-Type": "application/json", **webhook_auth(radarr)}
    bodies = [json.dumps(grab_body(number, template)).encode() for number in range(20)]
    assert await send_at_rate(f"{ha_url}/api/webhook/{webhook_id(radarr.id)}", headers, bodies) == [200] * 20
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    client = await hass_client()
    response = await client.get(f"/api/diagnostics/config_entry/{entry.entry_id}")
    assert response.status == 200
    assert_no_secret_in(hass, "diagnostics", await response.text())
