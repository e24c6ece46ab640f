"""Diagnostics: everything a bug report needs (per service: connectivity and the records skipped), and no secret."""

from __future__ import annotations

from collections.abc import AsyncIterator
import json
from typing import Any

from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import get_diagnostics_for_config_entry

from custom_components.media_request_tracker.config_flow import DEFAULT_OPTIONS
from custom_components.media_request_tracker.const import DOMAIN
from custom_components.media_request_tracker.kinds import KINDS
from simulator.seerr import SimulatedSeerr, request_record

from ..tracker.lifecycles import movie
from .conftest import ENTRY_ID, feed, setup_integration

CLOSED_URL = "http://127.0.0.1:9"
"""Loopback's discard port: nothing answers there, so every poll fails at once."""


def secrets_of(kind: str) -> dict[str, str]:
    """Every secret a service of `kind` can hold, each one different."""
    return {
        "api_key": f"{kind}-api-key-0123456789abcdef",
        "username": f"{kind}-user-name",
        "password": f"{kind} correct horse battery staple",
        "webhook_id": f"{kind}-webhook-id-".ljust(64, "f"),
        "webhook_secret": f"{kind}-webhook-secret-a1b2c3",
    }


def tracker_with(subentries: list[ConfigSubentryData]) -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        title="Media Request Tracker",
        unique_id=DOMAIN,
        entry_id=ENTRY_ID,
        options=DEFAULT_OPTIONS,
        subentries_data=subentries,
    )


async def test_diagnostics_hold_no_secret_of_any_service(hass: HomeAssistant, hass_client) -> None:
    """Every kind configured with every secret it can hold: none of them appears anywhere in the dump."""
    entry = tracker_with(
        [
            ConfigSubentryData(
                subentry_type=kind,
                title=kind.capitalize(),
                unique_id=f"{CLOSED_URL}/{kind}",
                data={"url": f"http://admin:hunter2@127.0.0.1:9/{kind}?apikey={secrets_of(kind)['api_key']}"}
                | secrets_of(kind),
            )
            for kind in KINDS
        ]
    )
    await setup_integration(hass, entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    await feed(hass, entry, movie().evidence)

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    text = json.dumps(diagnostics)
    for kind in KINDS:
        for name, secret in secrets_of(kind).items():
            assert secret not in text, (kind, name)
    assert "hunter2" not in text
    services = {service["type"]: service for service in diagnostics["services"]}
    assert set(services) == set(KINDS)
    for kind, service in services.items():
        assert service["data"]["url"] == f"http://127.0.0.1:9/{kind}"
        assert service["data"]["api_key"] == "**REDACTED**"
        assert service["connected"] is False, kind
        assert service["last_error"] == "CannotConnect", kind
        assert service["skipped"] == {}, kind
    requests = diagnostics["tracker"]["requests"]
    assert [(r["title"], r["stage"]) for r in requests] == [("The Film", "available")]


@pytest.fixture
async def seerr_with_an_odd_request(socket_enabled: None) -> AsyncIterator[SimulatedSeerr]:
    """A Seerr whose request list holds one record that does not read (a season number that is not a number)."""
    odd = request_record(request_id=2, media_type="tv", tmdb_id=702, tvdb_id=802, seasons=[1])
    odd["seasons"][0]["seasonNumber"] = "one"
    server = SimulatedSeerr()
    server.set_requests([request_record(request_id=1, media_type="movie", tmdb_id=701), odd])
    await server.start()
    yield server
    await server.stop()


async def test_diagnostics_count_the_records_a_service_skipped(
    hass: HomeAssistant, hass_client, seerr_with_an_odd_request: SimulatedSeerr
) -> None:
    server = seerr_with_an_odd_request
    settings: dict[str, Any] = {"url": server.url, "api_key": server.api_key} | {
        key: value for key, value in secrets_of("seerr").items() if key.startswith("webhook")
    }
    entry = tracker_with(
        [ConfigSubentryData(subentry_type="seerr", title="Seerr", unique_id=server.url, data=settings)]
    )
    await setup_integration(hass, entry)
    await hass.async_block_till_done(wait_background_tasks=True)

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    [service] = diagnostics["services"]
    assert service["connected"] is True
    assert service["last_error"] is None
    assert service["skipped"] == {"requests": 1}
    [tracked] = diagnostics["tracker"]["requests"]
    assert ["tmdb_movie", "701"] in tracked["ids"], "the good request of the page is tracked"
    assert server.api_key not in json.dumps(diagnostics)
