"""Media Request Tracker: follow every media request from Seerr to Jellyfin, live in Home Assistant."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

from .const import DOMAIN
from .links import make_link
from .polling import make_coordinator
from .runtime import MediaRequestTrackerConfigEntry, TrackerRuntime
from .services import async_setup_services
from .store import TrackerStore
from .upstream import ServiceConfig

PLATFORMS = [Platform.BINARY_SENSOR, Platform.EVENT, Platform.SENSOR]
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
    for subentry_id, subentry in entry.subentries.items():
        config = ServiceConfig.from_subentry(subentry)
        link = make_link(runtime, config)
        runtime.links[subentry_id] = link
        await link.async_start()
        if coordinator := make_coordinator(runtime, config, dict(entry.options)):
            runtime.coordinators[subentry_id] = coordinator
            coordinator.keep_polling()
            # A service that is down must not keep the tracker from starting: the first poll runs in the background.
            entry.async_create_background_task(hass, coordinator.async_refresh(), f"{DOMAIN} first poll {config.title}")
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
    """Options or services changed: start again with them (after undoing what removed services had set up)."""
    await entry.runtime_data.async_forget_removed_services()
    await hass.config_entries.async_reload(entry.entry_id)
