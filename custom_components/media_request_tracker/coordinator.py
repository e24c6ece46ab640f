"""Polling: the coordinator every polled service's own coordinator is made from."""

from __future__ import annotations

from datetime import timedelta
import logging

from homeassistant.core import callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .const import DOMAIN
from .port import ServicePort
from .sources.errors import InvalidAuth, UpstreamError
from .tracker import Change, Evidence

_LOGGER = logging.getLogger(__name__)


class ServiceCoordinator(DataUpdateCoordinator[None]):
    """Polls one service. A failed poll marks it unavailable (logged once); rejected credentials ask for new ones.

    The tracked state never depends on a poll succeeding: a poll only adds evidence.
    """

    def __init__(self, port: ServicePort, update_interval: timedelta | None) -> None:
        """Poll the port's service every `update_interval` (None: only when asked)."""
        super().__init__(
            port.hass,
            _LOGGER,
            config_entry=port.entry,
            name=f"{DOMAIN} {port.config.title}",
            update_interval=update_interval,
            always_update=False,
        )
        self.port = port
        self.config = port.config
        self.session = async_get_clientsession(port.hass, port.config.verify_ssl)

    async def _async_update_data(self) -> None:
        try:
            evidence = await self.async_poll()
        except InvalidAuth as err:
            self.port.start_reauth()
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="credentials_rejected",
                translation_placeholders={"service": self.config.title},
            ) from err
        except UpstreamError as err:
            raise self._unavailable(err) from err
        if evidence:
            self.port.ingest(evidence)

    @callback
    def set_unavailable(self, err: UpstreamError) -> None:
        """The service went away between polls (a pushed stream dropped): shown and logged as a failed poll."""
        failed = self._unavailable(err)
        failed.__cause__ = err
        self.async_set_update_error(failed)

    def _unavailable(self, err: UpstreamError) -> UpdateFailed:
        return UpdateFailed(
            translation_domain=DOMAIN,
            translation_key="service_unavailable",
            translation_placeholders={"service": self.config.title, "error": str(err)},
        )

    async def async_poll(self) -> list[Evidence]:
        """Ask the service what changed; return it as evidence."""
        raise NotImplementedError

    @callback
    def start(self) -> None:
        """Keep polling while the entry is loaded, and poll for the first time in the background.

        A coordinator without listeners stops; a service that is down must not keep the tracker from starting.
        """
        entry = self.port.entry
        entry.async_on_unload(self.async_add_listener(_no_op))
        entry.async_on_unload(self.port.listen(self.tracker_changed))
        self.port.background(self.async_refresh(), "first poll")

    @callback
    def tracker_changed(self, changes: list[Change]) -> None:
        """The tracker changed (from any source); a coordinator may want to look sooner."""


class Turns:
    """Hands out a bounded batch of keys per poll, continuing where the last batch ended, so none starves."""

    def __init__(self) -> None:
        """Start at the beginning."""
        self._last: str | None = None

    def next(self, keys: list[str], count: int) -> list[str]:
        """The next `count` of the sorted `keys` after the last one handed out, wrapping around."""
        later = [key for key in keys if self._last is None or key > self._last]
        batch = (later + [key for key in keys if key not in later])[:count]
        if batch:
            self._last = batch[-1]
        return batch


def _no_op() -> None:
    """A listener that only keeps the coordinator scheduled."""
