"""Reliability suites: the end-to-end fixtures (a real Home Assistant on loopback, simulated services), and how big
the suites run. `RELIABILITY_SCALE` (default 1) multiplies their counts and durations; CI keeps the default."""

from __future__ import annotations

import os

import aiohttp
from homeassistant.core import HomeAssistant
import pytest

from custom_components.media_request_tracker.const import DOMAIN
from custom_components.media_request_tracker.sources import http as source_http
from custom_components.media_request_tracker.sources.arr import client as arr_client
from custom_components.media_request_tracker.sources.qbittorrent import client as qbittorrent_client

from ..e2e.conftest import (  # noqa: F401 - fixtures are found by name
    auto_enable_custom_integrations,
    ha_url,
    jellyfin,
    qbittorrent,
    radarr,
    seerr,
    sonarr,
    tracker,
)

SCALE = float(os.environ.get("RELIABILITY_SCALE", "1"))
"""How much larger than the default the suites run (CI: 1)."""


def scaled(count: float) -> int:
    """A count or duration of the default run, scaled."""
    return max(1, round(count * SCALE))


@pytest.fixture
def short_request_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """A service that never answers times out in half a second instead of twenty."""
    timeout = aiohttp.ClientTimeout(total=0.5)
    for module in (source_http, arr_client, qbittorrent_client):
        monkeypatch.setattr(module, "REQUEST_TIMEOUT", timeout)


INTEGRATION_LOGGER = "custom_components.media_request_tracker"


def integration_log(caplog: pytest.LogCaptureFixture) -> str:
    """What the integration logged.

    Home Assistant's own webhook and access logs name the URL, which holds the webhook id: not the integration's.
    """
    return "\n".join(record.getMessage() for record in caplog.records if record.name.startswith(INTEGRATION_LOGGER))


def secrets_of(hass: HomeAssistant) -> list[str]:
    """Every API key, password, webhook id and webhook secret the integration holds."""
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    keys = ("api_key", "password", "webhook_id", "webhook_secret")
    return [str(sub.data[key]) for sub in entry.subentries.values() for key in keys if sub.data.get(key)]


def assert_no_secret_in(hass: HomeAssistant, where: str, text: str) -> None:
    leaked = [secret[:4] + "…" for secret in secrets_of(hass) if secret in text]
    assert not leaked, f"secrets found in {where}: {leaked}"
