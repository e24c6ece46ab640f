"""Polling: one coordinator per polled service instance, feeding what it sees to the tracker."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Any

from homeassistant.core import callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .runtime import TrackerRuntime
from .sources.errors import InvalidAuth, UpstreamError
from .sources.qbittorrent.client import QBittorrentClient
from .sources.qbittorrent.parser import torrent_evidence
from .tracker import Evidence, Stage
from .upstream import ServiceConfig, qbittorrent_client

_LOGGER = logging.getLogger(__name__)

QBITTORRENT_FAST = timedelta(seconds=5)
QBITTORRENT_SLOW = timedelta(seconds=60)
# Stages in which a download is, or is about to be, running: qBittorrent is then polled fast.
DOWNLOAD_STAGES = frozenset({Stage.GRABBING, Stage.DOWNLOADING})


class ServiceCoordinator(DataUpdateCoordinator[None]):
    """Polls one service. A failed poll marks it unavailable (logged once); rejected credentials ask for new ones.

    The tracked state never depends on a poll succeeding: a poll only adds evidence.
    """

    def __init__(self, runtime: TrackerRuntime, config: ServiceConfig, update_interval: timedelta) -> None:
        """Poll `config`'s service every `update_interval`."""
        super().__init__(
            runtime.hass,
            _LOGGER,
            config_entry=runtime.entry,
            name=f"{DOMAIN} {config.title}",
            update_interval=update_interval,
            always_update=False,
        )
        self.runtime = runtime
        self.config = config
        self.session = async_get_clientsession(runtime.hass, config.verify_ssl)

    async def _async_update_data(self) -> None:
        try:
            evidence = await self.async_poll()
        except InvalidAuth as err:
            self.runtime.start_reauth(self.config.subentry_id)
            raise UpdateFailed(f"{self.config.title} rejected the credentials") from err
        except UpstreamError as err:
            raise UpdateFailed(f"{self.config.title}: {err}") from err
        if evidence:
            self.runtime.ingest(evidence)

    async def async_poll(self) -> list[Evidence]:
        """Ask the service what changed; return it as evidence."""
        raise NotImplementedError

    @callback
    def keep_polling(self) -> None:
        """Poll even while no entity listens (a coordinator without listeners stops)."""
        self.config_entry.async_on_unload(self.async_add_listener(_no_op))  # type: ignore[union-attr]


def _no_op() -> None:
    """A listener that only keeps the coordinator scheduled."""


class QBittorrentCoordinator(ServiceCoordinator):
    """Follows torrents through sync/maindata deltas: fast while a tracked download runs, slowly otherwise."""

    def __init__(self, runtime: TrackerRuntime, config: ServiceConfig, *, fast: timedelta, slow: timedelta) -> None:
        """Poll qBittorrent every `fast` while something tracked downloads, else every `slow`."""
        super().__init__(runtime, config, slow)
        self.client: QBittorrentClient = qbittorrent_client(self.session, config)
        self._fast = fast
        self._slow = slow
        self._reported: set[str] = set()
        """Download ids whose torrent was reported at least once since it became tracked."""

    async def async_poll(self) -> list[Evidence]:
        """Report tracked torrents that changed, and tracked ones not reported yet (tracked since the last poll)."""
        delta = await self.client.sync()
        tracked = self.runtime.tracker.active_download_ids()
        self._reported &= tracked
        hashes = set(delta.changed) if not delta.full_update else set(self.client.torrents)
        hashes |= {t.hash for i in tracked - self._reported if (t := self.client.torrent_by_download_id(i))}
        now = dt_util.utcnow().timestamp()
        evidence: list[Evidence] = []
        for torrent_hash in sorted(hashes):
            torrent = self.client.torrents.get(torrent_hash)
            if torrent is None or not torrent.download_ids() & tracked:
                continue
            evidence += torrent_evidence(torrent, source=self.config.subentry_id, at=now)
            self._reported |= torrent.download_ids()
        self._adapt_interval()
        return evidence

    def _adapt_interval(self) -> None:
        downloading = any(r.stage in DOWNLOAD_STAGES for r in self.runtime.tracker.requests.values())
        self.update_interval = self._fast if downloading else self._slow


def make_coordinator(
    runtime: TrackerRuntime, config: ServiceConfig, options: dict[str, Any]
) -> ServiceCoordinator | None:
    """The coordinator polling a kind of service, if it is polled."""
    if config.kind == "qbittorrent":
        return QBittorrentCoordinator(
            runtime,
            config,
            fast=timedelta(seconds=options.get("qbittorrent_fast_seconds", QBITTORRENT_FAST.total_seconds())),
            slow=timedelta(seconds=options.get("qbittorrent_slow_seconds", QBITTORRENT_SLOW.total_seconds())),
        )
    return None
