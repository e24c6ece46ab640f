"""Where the finishing times behind `eta_available` are kept: a small store of their own, next to the requests'.

The samples are a few numbers per Radarr/Sonarr instance that change only when a request becomes available, so
they are not part of the request segments (which are written only for the requests that changed): one small file,
`media_request_tracker.<entry>.eta`, written with Home Assistant's delayed save after each sample learnt and at
shutdown.
"""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store

from .const import DOMAIN, SAVE_DELAY_SECONDS
from .tracker import TrackedRequest
from .tracker.eta import FinishingTimes

_LOGGER = logging.getLogger(__name__)

ETA_STORAGE_VERSION = 1


class FinishingTimesStore:
    """The finishing times of one config entry, loaded at start and saved after each sample."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Prepare the store (nothing is read yet)."""
        self.times = FinishingTimes()
        self._store: Store[dict[str, Any]] = Store(hass, ETA_STORAGE_VERSION, f"{DOMAIN}.{entry_id}.eta")

    async def async_load(self) -> None:
        """Read the stored samples; a file that does not read as samples is ignored (the ETA starts over)."""
        data = await self._store.async_load()
        samples = data.get("samples") if isinstance(data, dict) else None
        if isinstance(samples, dict):
            self.times.load({route: values for route, values in samples.items() if isinstance(values, list)})
        elif data is not None:
            _LOGGER.warning("The stored finishing times do not read; the estimate to available starts over")

    @callback
    def learn(self, request: TrackedRequest) -> None:
        """Count a request that just became available, and save the samples soon when it counted."""
        if self.times.learn(request):
            self._store.async_delay_save(self._data, SAVE_DELAY_SECONDS)

    async def async_remove(self) -> None:
        """Delete the file (the entry is removed)."""
        await self._store.async_remove()

    def _data(self) -> dict[str, Any]:
        return {"samples": self.times.dump()}
