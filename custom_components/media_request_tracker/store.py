"""Persistence of the tracker's state in Home Assistant's storage, versioned with migrations."""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from .const import SAVE_DELAY_SECONDS, STORAGE_KEY, STORAGE_MINOR_VERSION, STORAGE_VERSION
from .tracker import Tracker
from .tracker.serialization import SchemaError, dump_tracker, load_tracker

_LOGGER = logging.getLogger(__name__)


class _VersionedStore(Store[dict[str, Any]]):
    """The store; migrations of older layouts go in `_async_migrate_func`."""

    async def _async_migrate_func(
        self, old_major_version: int, old_minor_version: int, old_data: dict[str, Any]
    ) -> dict[str, Any]:
        # Version 1 is the first layout: nothing to migrate yet. A newer layout adds its steps here.
        return old_data


class TrackerStore:
    """Loads the tracker at setup and saves it, debounced, after changes (and on shutdown)."""

    def __init__(self, hass: HomeAssistant, entry_id: str, tracker: Tracker) -> None:
        """Bind a tracker to its storage file."""
        self._tracker = tracker
        self._store = _VersionedStore(
            hass, STORAGE_VERSION, f"{STORAGE_KEY}.{entry_id}", minor_version=STORAGE_MINOR_VERSION
        )

    async def async_load(self) -> None:
        """Fill the tracker from storage; unreadable data is reported and the tracker starts empty."""
        data = await self._store.async_load()
        if data is None:
            return
        try:
            load_tracker(data, self._tracker)
        except SchemaError as err:
            _LOGGER.error("Stored requests could not be read (%s); starting with none", err)

    def schedule_save(self) -> None:
        """Save soon; many changes in a burst become one write. Home Assistant flushes it on shutdown."""
        self._store.async_delay_save(self._data, SAVE_DELAY_SECONDS)

    async def async_save(self) -> None:
        """Save now (on unload)."""
        await self._store.async_save(self._data())

    async def async_remove(self) -> None:
        """Delete the stored state (when the entry is removed)."""
        await self._store.async_remove()

    def _data(self) -> dict[str, Any]:
        return dump_tracker(self._tracker)
