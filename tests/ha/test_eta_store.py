"""The finishing times behind eta_available survive a restart in their own small store."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.media_request_tracker.const import DOMAIN, SAVE_DELAY_SECONDS
from custom_components.media_request_tracker.eta_store import FinishingTimesStore
from tests.tracker.test_eta import downloading, finished

ENTRY = "01JETASTORE000000000000000"
KEY = f"{DOMAIN}.{ENTRY}.eta"


async def test_samples_are_saved_and_restored(
    hass: HomeAssistant, hass_storage: dict[str, Any], freezer: FrozenDateTimeFactory
) -> None:
    store = FinishingTimesStore(hass, ENTRY)
    await store.async_load()
    for number, seconds in enumerate((600, 900, 1200)):
        store.learn(finished(f"past-{number}", downloaded=100, available=100 + seconds))
    freezer.tick(SAVE_DELAY_SECONDS + 1)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()

    assert hass_storage[KEY]["data"] == {"samples": {"radarr/plain": [600.0, 900.0, 1200.0]}}

    restarted = FinishingTimesStore(hass, ENTRY)
    await restarted.async_load()
    assert restarted.times.eta_available(downloading(eta=60), now=2) == 60 + 900


async def test_a_request_that_does_not_count_writes_nothing(
    hass: HomeAssistant, hass_storage: dict[str, Any], freezer: FrozenDateTimeFactory
) -> None:
    store = FinishingTimesStore(hass, ENTRY)
    await store.async_load()
    store.learn(downloading(eta=60))
    freezer.tick(SAVE_DELAY_SECONDS + 1)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()

    assert KEY not in hass_storage


async def test_unreadable_samples_start_over(hass: HomeAssistant, hass_storage: dict[str, Any], caplog: Any) -> None:
    hass_storage[KEY] = {"version": 1, "minor_version": 1, "key": KEY, "data": ["not", "samples"]}
    store = FinishingTimesStore(hass, ENTRY)
    await store.async_load()

    assert store.times.dump() == {}
    assert "do not read" in caplog.text
