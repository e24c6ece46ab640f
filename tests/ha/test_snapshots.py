"""Every entity of the tracker's platforms, and its diagnostics, as snapshots (tests/ha/snapshots).

Nothing random reaches a snapshot: subentries have fixed ids, and a service's URL (a simulator's port is random)
appears only in its device's configuration URL, which entity snapshots do not hold.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from unittest.mock import patch

from homeassistant.config_entries import ConfigSubentryDataWithId
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from custom_components.media_request_tracker.diagnostics import async_get_config_entry_diagnostics
from simulator.seerr import SimulatedSeerr

from ..tracker.lifecycles import movie, series
from .conftest import feed

AT = "2026-01-01T00:00:00+00:00"
CLOSED_URL = "http://127.0.0.1:9"
"""Loopback's discard port: nothing answers there."""


def radarr_away() -> ConfigSubentryDataWithId:
    """A Radarr that does not answer (its connectivity is off)."""
    return ConfigSubentryDataWithId(
        subentry_id="01JRADARRSUBENTRY00000000",
        subentry_type="radarr",
        title="Radarr",
        unique_id=CLOSED_URL,
        data={"url": CLOSED_URL, "api_key": "radarr-key", "webhook_id": "a" * 64, "webhook_secret": "radarr-secret"},
    )


@pytest.fixture
async def seerr(socket_enabled: None) -> AsyncIterator[SimulatedSeerr]:
    """A simulated Seerr on a loopback port."""
    server = SimulatedSeerr()
    await server.start()
    yield server
    await server.stop()


async def test_binary_sensor_entities(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    seerr: SimulatedSeerr,
    freezer,
) -> None:
    """A service that answers and one that does not: one connectivity sensor each."""
    freezer.move_to(AT)
    seerr_answering = ConfigSubentryDataWithId(
        subentry_id="01JSEERRSUBENTRY000000000",
        subentry_type="seerr",
        title="Seerr",
        unique_id=seerr.url,
        data={"url": seerr.url, "api_key": seerr.api_key, "webhook_id": "b" * 64, "webhook_secret": "seerr-secret"},
    )
    entry = MockConfigEntry(
        domain=config_entry.domain,
        title=config_entry.title,
        unique_id=config_entry.unique_id,
        entry_id=config_entry.entry_id,
        options=config_entry.options,
        subentries_data=[seerr_answering, radarr_away()],
    )
    with patch("custom_components.media_request_tracker.PLATFORMS", [Platform.BINARY_SENSOR]):
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done(wait_background_tasks=True)
    await snapshot_platform(hass, entity_registry, snapshot, entry.entry_id)
    assert hass.states.get("binary_sensor.seerr_connectivity").state == "on"
    assert hass.states.get("binary_sensor.radarr_connectivity").state == "off"
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)


@pytest.mark.parametrize("platform", [Platform.SENSOR, Platform.EVENT])
async def test_platform_entities(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    platform: Platform,
    freezer,
) -> None:
    freezer.move_to(AT)
    with patch("custom_components.media_request_tracker.PLATFORMS", [platform]):
        config_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(config_entry.entry_id)
        await hass.async_block_till_done()
        await feed(hass, config_entry, movie().evidence + series().evidence[:4])
    await snapshot_platform(hass, entity_registry, snapshot, config_entry.entry_id)


async def test_diagnostics(
    socket_enabled: None, hass: HomeAssistant, config_entry: MockConfigEntry, snapshot: SnapshotAssertion, freezer
) -> None:
    """The tracked requests, the trace, and a service that does not answer (its settings redacted)."""
    freezer.move_to(AT)
    entry = MockConfigEntry(
        domain=config_entry.domain,
        title=config_entry.title,
        unique_id=config_entry.unique_id,
        entry_id=config_entry.entry_id,
        options=config_entry.options,
        subentries_data=[radarr_away()],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    await feed(hass, entry, movie().evidence)
    assert await async_get_config_entry_diagnostics(hass, entry) == snapshot
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
