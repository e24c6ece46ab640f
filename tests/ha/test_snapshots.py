"""Every entity of the tracker's platforms, and its diagnostics, as snapshots (tests/ha/snapshots)."""

from __future__ import annotations

from unittest.mock import patch

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from custom_components.media_request_tracker.diagnostics import async_get_config_entry_diagnostics

from ..tracker.lifecycles import movie, series
from .conftest import feed

AT = "2026-01-01T00:00:00+00:00"


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
    hass: HomeAssistant, config_entry: MockConfigEntry, snapshot: SnapshotAssertion, freezer
) -> None:
    freezer.move_to(AT)
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    await feed(hass, config_entry, movie().evidence)
    assert await async_get_config_entry_diagnostics(hass, config_entry) == snapshot
