"""Diagnostics: everything a bug report needs, and no secret."""

from __future__ import annotations

import json

from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import get_diagnostics_for_config_entry

from custom_components.media_request_tracker.config_flow import DEFAULT_OPTIONS
from custom_components.media_request_tracker.const import DOMAIN

from ..tracker.lifecycles import movie
from .conftest import ENTRY_ID, feed, setup_integration

API_KEY = "0123456789abcdef0123456789abcdef"
PASSWORD = "correct horse battery staple"
WEBHOOK_ID = "f" * 64


async def test_diagnostics_hold_the_requests_and_no_secret(hass: HomeAssistant, hass_client) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Media Request Tracker",
        unique_id=DOMAIN,
        entry_id=ENTRY_ID,
        options=DEFAULT_OPTIONS,
        subentries_data=[
            ConfigSubentryData(
                subentry_type="jellyfin",
                title="Jellyfin",
                unique_id="jellyfin",
                data={
                    "url": "http://admin:hunter2@127.0.0.1:9/?apikey=" + API_KEY,
                    "api_key": API_KEY,
                    "webhook_id": WEBHOOK_ID,
                    "username": "tracker",
                    "password": PASSWORD,
                },
            )
        ],
    )
    await setup_integration(hass, entry)
    await feed(hass, entry, movie().evidence)

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    text = json.dumps(diagnostics)
    for secret in (API_KEY, PASSWORD, WEBHOOK_ID, "hunter2"):
        assert secret not in text
    service = diagnostics["services"][0]
    assert service["type"] == "jellyfin"
    assert service["data"]["url"] == "http://127.0.0.1:9/"
    assert service["data"]["api_key"] == "**REDACTED**"
    requests = diagnostics["tracker"]["requests"]
    assert [(r["title"], r["stage"]) for r in requests] == [("The Film", "available")]
