"""Fixtures for tests that run the integration inside the Home Assistant test harness."""

from __future__ import annotations

from collections.abc import Iterable

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from custom_components.media_request_tracker.config_flow import DEFAULT_OPTIONS
from custom_components.media_request_tracker.const import DOMAIN
from custom_components.media_request_tracker.tracker import Change, Evidence

ENTRY_ID = "01JTRACKERENTRY0000000000"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration under test."""


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots as Home Assistant keeps them (tests/ha/snapshots)."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
def config_entry() -> MockConfigEntry:
    """The tracker's config entry."""
    return MockConfigEntry(
        domain=DOMAIN, title="Media Request Tracker", unique_id=DOMAIN, entry_id=ENTRY_ID, options=DEFAULT_OPTIONS
    )


@pytest.fixture
async def loaded_entry(hass: HomeAssistant, config_entry: MockConfigEntry) -> MockConfigEntry:
    """The tracker, set up."""
    await setup_integration(hass, config_entry)
    return config_entry


async def setup_integration(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add and set up an entry."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def feed(hass: HomeAssistant, entry: MockConfigEntry, evidence: Iterable[Evidence]) -> list[Change]:
    """Hand evidence to the running tracker, as a source would, and let Home Assistant process it."""
    changes = entry.runtime_data.hub.ingest(evidence)
    await hass.async_block_till_done()
    return changes
