"""Fuzzed bodies on every webhook endpoint of a real Home Assistant over loopback HTTP.

5,000 bodies by default (RELIABILITY_SCALE multiplies them; `python -m bench.fuzz_webhooks` posts 100,000): no
unhandled exception, no state change from a rejected body, and what an accepted body changed can still be saved.
What is known to break today has its own test below, marked as an expected failure naming the bug.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
import json
from typing import Any

import aiohttp
from homeassistant.core import HomeAssistant
import pytest

from bench.fuzz_home import WEBHOOK_SERVICES, FuzzChecker
from bench.fuzz_webhooks import LONE_SURROGATES, Body, fixture_bodies, generate
from custom_components.media_request_tracker.const import DOMAIN
from custom_components.media_request_tracker.tracker import Stage
from simulator.replay import Simulated, simulate, tracker_entry
from simulator.trace_format import Trace

from .conftest import assert_no_secret_in, integration_log, scaled

FUZZED_BODIES = 5000


@pytest.fixture
async def checker(hass: HomeAssistant, ha_url: str) -> AsyncIterator[FuzzChecker]:
    """The tracker with one service of every webhook kind (simulated), and a checker posting to them."""
    services: list[Simulated] = [simulate(service) for service in WEBHOOK_SERVICES]
    for each in services:
        await each.simulator.start()
    trace = Trace(services=WEBHOOK_SERVICES, options={}, steps=())
    await hass.config_entries.async_add(tracker_entry(trace, services))
    await hass.async_block_till_done(wait_background_tasks=True)
    checker = FuzzChecker(hass, ha_url)
    yield checker
    checker.close()
    for each in services:
        await each.simulator.stop()


async def test_fuzzed_bodies_raise_nothing_change_nothing_when_rejected_and_save(
    hass: HomeAssistant, checker: FuzzChecker, caplog: pytest.LogCaptureFixture
) -> None:
    outcomes: Counter[str] = Counter()
    # Lone surrogates, 1 MiB values and very deep nesting break today: they have their own tests below.
    bodies = generate(scaled(FUZZED_BODIES), seed=1, surrogates=False, huge=False, depth=200)
    async with aiohttp.ClientSession() as session:
        for body in bodies:
            outcomes[f"{body.how} {await checker.post_and_check(session, body)}"] += 1
    assert await checker.save_everything() == 1
    assert outcomes["valid accepted"] > 0, outcomes
    assert sum(n for what, n in outcomes.items() if "rejected" in what) > 0, outcomes
    assert_no_secret_in(hass, "the integration's log", integration_log(caplog))


def radarr_grab(title: str = "The Quiet Orchard") -> dict[str, Any]:
    """A valid Radarr grab from the fixtures, with another title."""
    grab = next(body for body in fixture_bodies()["radarr"] if body.get("eventType") == "Grab")
    grab = json.loads(json.dumps(grab))
    grab["movie"]["title"] = title
    return grab


def request_stages(hass: HomeAssistant) -> list[Stage]:
    return [
        request.stage
        for request in hass.config_entries.async_entries(DOMAIN)[0].runtime_data.hub.tracker.requests.values()
    ]


@pytest.mark.parametrize("surrogate", LONE_SURROGATES)
async def test_a_lone_surrogate_in_an_accepted_body_still_saves(
    hass: HomeAssistant, checker: FuzzChecker, surrogate: str
) -> None:
    body = Body("radarr", json.dumps(radarr_grab(f"Title {surrogate}"), ensure_ascii=True).encode(), "surrogate")
    async with aiohttp.ClientSession() as session:
        outcome = await checker.post_and_check(session, body)
    assert await checker.save_everything() == 1
    assert outcome in ("accepted", "rejected 400", "rejected 422")


async def test_a_valid_event_delivered_in_parts_is_accepted(hass: HomeAssistant, checker: FuzzChecker) -> None:
    body = Body("radarr", json.dumps(radarr_grab()).encode(), "in parts")
    async with aiohttp.ClientSession() as session:
        assert await checker.post_and_check(session, body, chunks=8) == "accepted"
    assert request_stages(hass) == [Stage.GRABBING]


async def test_a_valid_event_over_128_kb_is_accepted(hass: HomeAssistant, checker: FuzzChecker) -> None:
    grab = radarr_grab()
    grab["movie"]["overview"] = "An overview. " * 12_000
    body = Body("radarr", json.dumps(grab).encode(), "large")
    assert len(body.data) > 128 * 1024
    async with aiohttp.ClientSession() as session:
        assert await checker.post_and_check(session, body) == "accepted"
    assert request_stages(hass) == [Stage.GRABBING]


@pytest.mark.parametrize("shape", ["list", "dict"])
async def test_deep_nesting_is_rejected_without_an_exception(
    hass: HomeAssistant, checker: FuzzChecker, shape: str
) -> None:
    depth = 100_000
    deep = b"[" * depth + b"]" * depth if shape == "list" else b'{"n": ' * depth + b"0" + b"}" * depth
    body = Body("sonarr", b'{"eventType": "Grab", "series": ' + deep + b"}", "deep")
    async with aiohttp.ClientSession() as session:
        outcome = await checker.post_and_check(session, body)
    assert outcome.startswith("rejected")
    assert request_stages(hass) == []


async def test_hostile_strings_in_an_accepted_body_are_kept_and_saved(
    hass: HomeAssistant, checker: FuzzChecker
) -> None:
    hostile = "\x00\x1b[31m\u202e" + "".join(chr(code) for code in range(1, 32))
    body = Body("radarr", json.dumps(radarr_grab(f"Title {hostile}")).encode(), "control characters")
    async with aiohttp.ClientSession() as session:
        assert await checker.post_and_check(session, body) == "accepted"
    assert await checker.save_everything() == 1
    assert request_stages(hass) == [Stage.GRABBING]
