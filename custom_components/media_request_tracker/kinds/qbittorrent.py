"""qBittorrent: torrents polled through sync/maindata deltas, fast while a tracked download runs.

Its optional "run external program on torrent finished" calls a webhook that makes the next poll happen now.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import Any, Final

import aiohttp
from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util
import voluptuous as vol

from ..const import CONF_QBITTORRENT_FAST, CONF_QBITTORRENT_SLOW
from ..coordinator import ServiceCoordinator
from ..kind import ServiceKind, option
from ..links import WebhookLink
from ..port import ServicePort
from ..settings import ServiceConfig
from ..sources.payload import PayloadError
from ..sources.qbittorrent.client import ETA_UNKNOWN, QBittorrentClient, Torrent, autorun_command, autorun_download_ids
from ..sources.qbittorrent.parser import torrent_evidence
from ..tracker import Change, Evidence
from ..tracker.queries import DOWNLOAD_STAGES, any_downloading

FAST: Final = timedelta(seconds=5)
SLOW: Final = timedelta(seconds=60)


def client(session: aiohttp.ClientSession, config: ServiceConfig) -> QBittorrentClient:
    """A qBittorrent client."""
    return QBittorrentClient(
        session, config.url, config.username or "", config.password or "", verify_ssl=config.verify_ssl
    )


async def validate(session: aiohttp.ClientSession, config: ServiceConfig) -> dict[str, Any]:
    """QBittorrent takes the login and answers its version."""
    qbittorrent = client(session, config)
    await qbittorrent.login()
    await qbittorrent.app_version()
    return {}


async def webhook_step(
    hass: HomeAssistant, config: ServiceConfig, url: str | None
) -> tuple[vol.Schema | None, dict[str, str]]:
    """Show the optional "run external program on torrent finished" command."""
    return None, {"command": autorun_command(url) if url else "(set your Home Assistant URL first)"}


class QBittorrentCoordinator(ServiceCoordinator):
    """Follows torrents through sync/maindata deltas: fast while a tracked download runs, slowly otherwise."""

    def __init__(self, port: ServicePort) -> None:
        """Poll qBittorrent at the options' fast pace while something tracked downloads, else at the slow one."""
        self._fast = timedelta(seconds=option(port.options, CONF_QBITTORRENT_FAST, FAST.total_seconds()))
        self._slow = timedelta(seconds=option(port.options, CONF_QBITTORRENT_SLOW, SLOW.total_seconds()))
        super().__init__(port, self._slow)
        self.client = client(self.session, port.config)
        self._reported: set[str] = set()
        """Download ids whose torrent was reported at least once since it became tracked."""

    async def async_poll(self) -> list[Evidence]:
        """Report tracked torrents that changed, and tracked ones not reported yet (tracked since the last poll)."""
        delta = await self.client.sync()
        tracked = self.port.tracker.active_download_ids()
        self._reported &= tracked
        hashes = set(delta.changed) if not delta.full_update else set(self.client.torrents)
        hashes |= {t.hash for i in tracked - self._reported if (t := self.client.torrent_by_download_id(i))}
        now = dt_util.utcnow().timestamp()
        reported = [
            torrent
            for torrent_hash in sorted(hashes)
            if (torrent := self.client.torrents.get(torrent_hash)) and torrent.download_ids() & tracked
        ]
        evidence: list[Evidence] = []
        for torrent in reported:
            evidence += torrent_evidence(torrent, source=self.config.subentry_id, at=now)
            self._reported |= torrent.download_ids()
        if reported:
            rows = [_info_row(t) for t in self.client.torrents.values() if t.download_ids() & tracked]
            self.port.recorder.state(self.config.subentry_id, "torrents", rows)
        self.update_interval = self._fast if any_downloading(self.port.tracker) else self._slow
        return evidence

    @callback
    def tracker_changed(self, changes: list[Change]) -> None:
        """A grab elsewhere (a Radarr webhook) starts fast polling now, not at the next slow poll."""
        if self.update_interval != self._fast and any(c.new_stage in DOWNLOAD_STAGES for c in changes):
            self.update_interval = self._fast
            self.port.background(self.async_request_refresh(), "poll on grab")


class QBittorrentLink(WebhookLink):
    """qBittorrent can run a program when a torrent finishes: a curl to this webhook makes the next poll now."""

    service_name = "qBittorrent"

    def parse(self, body: Any, at: float) -> list[Evidence]:
        """A finished torrent: poll at once (the poll reports it; the push only says when)."""
        if not isinstance(body, dict) or not autorun_download_ids(body):
            raise PayloadError("no torrent hash in the body")
        if self.coordinator is not None:
            self.port.background(self.coordinator.async_request_refresh(), "poll on push")
        return []


def _info_row(torrent: Torrent) -> dict[str, Any]:
    """A torrent as `/api/v2/torrents/info` lists it (for traces)."""
    row = asdict(torrent)
    row["eta"] = ETA_UNKNOWN if torrent.eta is None else torrent.eta
    row["completion_on"] = torrent.completion_on or 0
    row["tags"] = ",".join(torrent.tags)
    return row


KIND = ServiceKind(
    kind="qbittorrent",
    name="qBittorrent",
    example_url="http://192.168.1.10:8080",
    credentials="login",
    validate=validate,
    webhook=True,
    webhook_step=webhook_step,
    link=QBittorrentLink,
    coordinator=QBittorrentCoordinator,
)
