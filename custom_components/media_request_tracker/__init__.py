"""Media Request Tracker: follow every media request from Seerr to Jellyfin, live in Home Assistant."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv, issue_registry as ir
from homeassistant.helpers.typing import ConfigType

from .card import async_setup_card
from .const import DOMAIN
from .eta_store import FinishingTimesStore
from .hub import TrackerHub
from .kinds import KINDS
from .runtime import MediaRequestTrackerConfigEntry, TrackerData
from .services import async_setup_services
from .settings import ServiceConfig
from .store import TrackerStore

PLATFORMS = [Platform.BINARY_SENSOR, Platform.EVENT, Platform.SENSOR]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's actions and its dashboard card (once, whatever the entries)."""
    async_setup_services(hass)
    await async_setup_card(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: MediaRequestTrackerConfigEntry) -> bool:
    """Load the tracked requests, then start each configured service as its kind declares."""
    hub = TrackerHub(hass, entry)
    await hub.async_start()
    entry.runtime_data = data = TrackerData(hub=hub)
    for subentry_id, subentry in entry.subentries.items():
        kind = KINDS.get(subentry.subentry_type)
        if kind is None:
            continue  # a kind this version no longer knows: its settings stay, nothing runs
        service = kind.instance(hub.port(ServiceConfig.from_subentry(subentry)))
        data.services[subentry_id] = service
        await service.async_start()
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    entry.async_on_unload(entry.add_update_listener(_async_reload_on_update))
    return True


async def async_unload_entry(hass: HomeAssistant, entry: MediaRequestTrackerConfigEntry) -> bool:
    """Stop following services and write the tracked requests."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        for service in entry.runtime_data.services.values():
            await service.async_stop()
        await entry.runtime_data.hub.async_stop()
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: MediaRequestTrackerConfigEntry) -> None:
    """Delete the stored requests with the entry."""
    from .tracker import Tracker  # noqa: PLC0415  # a throwaway tracker: the store only needs its file name

    await TrackerStore(hass, entry.entry_id, Tracker()).async_remove()
    await FinishingTimesStore(hass, entry.entry_id).async_remove()


async def _async_reload_on_update(hass: HomeAssistant, entry: MediaRequestTrackerConfigEntry) -> None:
    """Options or services changed: start again with them (after undoing what removed services had set up)."""
    services = entry.runtime_data.services
    for subentry_id in set(services) - set(entry.subentries):
        await services.pop(subentry_id).link.async_removed()
        # A service's repair issues start with its subentry id; they go with it.
        registry = ir.async_get(hass)
        for issue_id in [i for (domain, i) in registry.issues if domain == DOMAIN and i.startswith(subentry_id)]:
            ir.async_delete_issue(hass, DOMAIN, issue_id)
    await hass.config_entries.async_reload(entry.entry_id)
