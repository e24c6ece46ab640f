"""Media Request Tracker: follow every media request from Seerr to Jellyfin, live in Home Assistant."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

from .const import DOMAIN
from .runtime import MediaRequestTrackerConfigEntry, TrackerRuntime
from .services import async_setup_services
from .store import TrackerStore

PLATFORMS = [Platform.EVENT, Platform.SENSOR]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's actions (once, whatever the entries)."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: MediaRequestTrackerConfigEntry) -> bool:
    """Load the tracked requests and start following the configured services."""
    runtime = TrackerRuntime(hass, entry)
    await runtime.async_start()
    entry.runtime_data = runtime
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    entry.async_on_unload(entry.add_update_listener(_async_reload_on_update))
    return True


async def async_unload_entry(hass: HomeAssistant, entry: MediaRequestTrackerConfigEntry) -> bool:
    """Stop following services and write the tracked requests."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        await entry.runtime_data.async_stop()
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: MediaRequestTrackerConfigEntry) -> None:
    """Delete the stored requests with the entry."""
    from .tracker import Tracker  # noqa: PLC0415  # a throwaway tracker: the store only needs its file name

    await TrackerStore(hass, entry.entry_id, Tracker()).async_remove()


async def _async_reload_on_update(hass: HomeAssistant, entry: MediaRequestTrackerConfigEntry) -> None:
    """Options or services changed: start again with them."""
    await hass.config_entries.async_reload(entry.entry_id)
