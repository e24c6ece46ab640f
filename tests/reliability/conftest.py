"""Reliability suites: the end-to-end fixtures (a real Home Assistant on loopback, simulated services), and how big
the suites run. `RELIABILITY_SCALE` (default 1) multiplies their counts and durations; CI keeps the default."""

from __future__ import annotations

import os

import aiohttp
import pytest

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
