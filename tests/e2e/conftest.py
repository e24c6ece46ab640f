"""End-to-end fixtures: a real Home Assistant (the test harness) reachable over loopback HTTP, and simulated
upstream services that talk to it over real sockets."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from homeassistant.config_entries import SOURCE_USER, ConfigSubentry
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.media_request_tracker.config_flow import DEFAULT_OPTIONS
from custom_components.media_request_tracker.const import DOMAIN
from simulator.arr import SimulatedArr
from simulator.base import SimulatedService
from simulator.jellyfin import SimulatedJellyfin
from simulator.qbittorrent import SimulatedQBittorrent
from simulator.seerr import SimulatedSeerr

from ..ha.conftest import ENTRY_ID


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration under test."""


@pytest.fixture
async def ha_url(hass: HomeAssistant, hass_client_no_auth: Any) -> str:
    """Serve Home Assistant's HTTP API on a loopback port and make it Home Assistant's internal URL."""
    # Starting the server freezes its routes: components that add views come first.
    for component in ("http", "webhook", "diagnostics", "repairs", DOMAIN):
        assert await async_setup_component(hass, component, {})
    client = await hass_client_no_auth()
    url = str(client.make_url("/")).rstrip("/")
    await async_process_ha_core_config(hass, {"internal_url": url})
    return url


@pytest.fixture
async def tracker(hass: HomeAssistant, ha_url: str) -> MockConfigEntry:
    """The tracker, set up, with no service yet."""
    entry = MockConfigEntry(
        domain=DOMAIN, title="Media Request Tracker", unique_id=DOMAIN, entry_id=ENTRY_ID, options=DEFAULT_OPTIONS
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    return entry


async def _running[S: SimulatedService](service: S) -> AsyncIterator[S]:
    await service.start()
    try:
        yield service
    finally:
        await service.stop()


@pytest.fixture
async def radarr() -> AsyncIterator[SimulatedArr]:
    """A simulated Radarr."""
    async for service in _running(SimulatedArr("radarr")):
        yield service


@pytest.fixture
async def radarr4k() -> AsyncIterator[SimulatedArr]:
    """A second simulated Radarr (the 4K one)."""
    async for service in _running(SimulatedArr("radarr", api_key="radarr-4k-key", instance_name="Radarr 4K")):
        yield service


@pytest.fixture
async def sonarr() -> AsyncIterator[SimulatedArr]:
    """A simulated Sonarr."""
    async for service in _running(SimulatedArr("sonarr")):
        yield service


@pytest.fixture
async def seerr() -> AsyncIterator[SimulatedSeerr]:
    """A simulated Seerr."""
    async for service in _running(SimulatedSeerr()):
        yield service


@pytest.fixture
async def jellyfin() -> AsyncIterator[SimulatedJellyfin]:
    """A simulated Jellyfin."""
    async for service in _running(SimulatedJellyfin()):
        yield service


@pytest.fixture
async def qbittorrent() -> AsyncIterator[SimulatedQBittorrent]:
    """A simulated qBittorrent."""
    async for service in _running(SimulatedQBittorrent()):
        yield service


async def add_service(
    hass: HomeAssistant, entry: MockConfigEntry, kind: str, user_input: dict[str, Any], **later_steps: Any
) -> ConfigSubentry:
    """Add a service through its subentry flow, as a user would, and wait for the entry to reload."""
    flows = hass.config_entries.subentries
    result = await flows.async_init((entry.entry_id, kind), context={"source": SOURCE_USER})
    result = await flows.async_configure(result["flow_id"], user_input)
    if result["type"] is FlowResultType.FORM:
        result = await flows.async_configure(result["flow_id"], later_steps)
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done(wait_background_tasks=True)
    return next(sub for sub in entry.subentries.values() if sub.title == result["title"])


def arr_input(service: SimulatedArr, name: str | None = None) -> dict[str, Any]:
    """What a user types to add a simulated Radarr/Sonarr."""
    return {"name": name or service.instance_name, "url": service.url, "api_key": service.api_key, "verify_ssl": True}


def seerr_input(service: SimulatedSeerr) -> dict[str, Any]:
    """What a user types to add the simulated Seerr."""
    return {"name": "Seerr", "url": service.url, "api_key": service.api_key, "verify_ssl": True}


def jellyfin_input(service: SimulatedJellyfin) -> dict[str, Any]:
    """What a user types to add the simulated Jellyfin."""
    return {"name": "Jellyfin", "url": service.url, "api_key": service.api_key, "verify_ssl": True}


def qbittorrent_input(url: str, username: str, password: str) -> dict[str, Any]:
    """What a user types to add a qBittorrent (simulated or real)."""
    return {"name": "qBittorrent", "url": url, "username": username, "password": password, "verify_ssl": True}
