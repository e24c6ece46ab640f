"""Polling: one coordinator per polled service instance, feeding what it sees to the tracker."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime, timedelta
import logging
from typing import Any, Literal

from homeassistant.core import callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .runtime import TrackerRuntime
from .sources.arr.parser import parse_history_record, parse_queue_record
from .sources.errors import InvalidAuth, UpstreamError
from .sources.jellyfin.models import JellyfinItem
from .sources.jellyfin.parser import parse_item
from .sources.payload import PayloadError
from .sources.qbittorrent.client import ETA_UNKNOWN, QBittorrentClient, Torrent
from .sources.qbittorrent.parser import torrent_evidence
from .sources.seerr.parser import parse_request
from .tracker import Change, Evidence, IdKind, Stage, TrackedRequest
from .upstream import ServiceConfig, arr_client, jellyfin_client, qbittorrent_client, seerr_client

_LOGGER = logging.getLogger(__name__)

QBITTORRENT_FAST = timedelta(seconds=5)
QBITTORRENT_SLOW = timedelta(seconds=60)
ARR_INTERVAL = timedelta(minutes=2)
SEERR_POLLED = timedelta(seconds=60)
SEERR_PUSHED = timedelta(minutes=10)
JELLYFIN_INTERVAL = timedelta(seconds=60)
HISTORY_LOOKUPS_PER_POLL = 10
JELLYFIN_LOOKUPS_PER_POLL = 10
# Stages in which a request waits for the library to list it.
WAITING_FOR_LIBRARY = frozenset({Stage.IMPORTING, Stage.ANIME_MATCHING})
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
    def tracker_changed(self, changes: list[Change]) -> None:
        """The tracker changed (from any source); a coordinator may want to look sooner."""

    @callback
    def keep_polling(self) -> None:
        """Poll even while no entity listens (a coordinator without listeners stops)."""
        self.config_entry.async_on_unload(self.async_add_listener(_no_op))  # type: ignore[union-attr]


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


def _before_import(request: TrackedRequest, episodes: set[tuple[int, int]]) -> bool:
    """Whether the request (a movie), or any of these episodes, has not reached the import yet."""
    units: list[tuple[int, int] | None] = [*episodes] if episodes else [None]
    return any(
        (stage := request.unit_stage(unit)).rank <= Stage.DOWNLOADED.rank and not stage.is_problem for unit in units
    )


def _info_row(torrent: Torrent) -> dict[str, Any]:
    """A torrent as `/api/v2/torrents/info` lists it (for traces)."""
    row = asdict(torrent)
    row["eta"] = ETA_UNKNOWN if torrent.eta is None else torrent.eta
    row["completion_on"] = torrent.completion_on or 0
    row["tags"] = ",".join(torrent.tags)
    return row


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
            self.runtime.recorder.state(self.config.subentry_id, "torrents", rows)
        self._adapt_interval()
        return evidence

    def _adapt_interval(self) -> None:
        downloading = any(r.stage in DOWNLOAD_STAGES for r in self.runtime.tracker.requests.values())
        self.update_interval = self._fast if downloading else self._slow

    @callback
    def tracker_changed(self, changes: list[Change]) -> None:
        """A grab elsewhere (a Radarr webhook) starts fast polling now, not at the next slow poll."""
        if self.update_interval != self._fast and any(c.new_stage in DOWNLOAD_STAGES for c in changes):
            self.update_interval = self._fast
            self.config_entry.async_create_background_task(  # type: ignore[union-attr]
                self.hass, self.async_request_refresh(), f"{DOMAIN} poll {self.config.title} on grab"
            )


class ArrCoordinator(ServiceCoordinator):
    """Catches up on Radarr/Sonarr: the queue for downloads a grab webhook missed, the history for missed imports."""

    def __init__(self, runtime: TrackerRuntime, config: ServiceConfig, update_interval: timedelta) -> None:
        """Poll Radarr/Sonarr."""
        super().__init__(runtime, config, update_interval)
        self.client = arr_client(self.session, config)
        self.kind: Literal["radarr", "sonarr"] = "sonarr" if config.kind == "sonarr" else "radarr"
        self._turns = Turns()

    async def async_poll(self) -> list[Evidence]:
        """The queue, then the history of tracked downloads whose import has not been seen."""
        await self.client.system_status()
        now = dt_util.utcnow().timestamp()
        queue = await self.client.queue()
        self.runtime.recorder.state(self.config.subentry_id, "queue", [record.raw for record in queue])
        evidence: list[Evidence] = []
        for record in queue:
            evidence += self._parsed(parse_queue_record, record.raw, now)
        history: list[Any] = []
        for download_id in self._turns.next(self._awaiting_import(), HISTORY_LOOKUPS_PER_POLL):
            history += [record.raw for record in await self.client.history_for_download(download_id)]
        if history:
            self.runtime.recorder.state(self.config.subentry_id, "history", history)
        for raw in history:
            evidence += self._parsed(parse_history_record, raw, now)
        return evidence

    def _parsed(self, parse: Callable[..., list[Evidence]], raw: Any, at: float) -> list[Evidence]:
        try:
            return parse(raw, source=self.config.subentry_id, kind=self.kind, at=at)
        except PayloadError as err:
            _LOGGER.debug("Skipped a record from %s: %s", self.config.title, err)
            return []

    def _awaiting_import(self) -> list[str]:
        """Download ids this instance grabbed whose import has not been seen (for a series: per episode)."""
        prefix = f"{self.config.subentry_id}:"
        return sorted(
            download_id
            for request in self.runtime.tracker.requests.values()
            if any(kind is IdKind.ARR_ITEM and value.startswith(prefix) for kind, value in request.ids)
            for download_id, download in request.downloads.items()
            if download.counts and _before_import(request, download.episodes)
        )


class SeerrCoordinator(ServiceCoordinator):
    """Back-fills Seerr's unfinished requests at setup, then follows new and changed ones (webhook or not)."""

    def __init__(self, runtime: TrackerRuntime, config: ServiceConfig, update_interval: timedelta) -> None:
        """Poll Seerr."""
        super().__init__(runtime, config, update_interval)
        self.client = seerr_client(self.session, config)
        self._since: datetime | None = None

    async def async_poll(self) -> list[Evidence]:
        """First every unfinished request, afterwards those modified since the last poll."""
        started = dt_util.utcnow()
        if self._since is None:
            requests = await self.client.requests(status_filter="unavailable")
        else:
            # A minute of overlap: Seerr's clock and ours may differ a little; repeats change nothing.
            requests = await self.client.requests(updated_since=self._since - timedelta(minutes=1))
        self._since = started
        raws = [request.raw for request in requests]
        if raws:
            self.runtime.recorder.state(self.config.subentry_id, "requests", raws)
        evidence: list[Evidence] = []
        for raw in raws:
            try:
                evidence += parse_request(raw, source=self.config.subentry_id, at=started.timestamp())
            except PayloadError as err:
                _LOGGER.debug("Skipped a request from %s: %s", self.config.title, err)
        return evidence


class JellyfinCoordinator(ServiceCoordinator):
    """Looks up requests waiting for the library, in the ways Jellyfin really answers (it ignores provider ids)."""

    def __init__(self, runtime: TrackerRuntime, config: ServiceConfig, update_interval: timedelta) -> None:
        """Poll Jellyfin."""
        super().__init__(runtime, config, update_interval)
        self.client = jellyfin_client(self.session, config)
        self._turns = Turns()

    async def async_poll(self) -> list[Evidence]:
        """Find the items of up to JELLYFIN_LOOKUPS_PER_POLL waiting requests, each waiting request in turn."""
        await self.client.validate()
        requests = self.runtime.tracker.requests
        waiting_keys = sorted(key for key, request in requests.items() if request.stage in WAITING_FOR_LIBRARY)
        waiting = [requests[key] for key in self._turns.next(waiting_keys, JELLYFIN_LOOKUPS_PER_POLL)]
        now = dt_util.utcnow().timestamp()
        items: list[JellyfinItem] = []
        for request in waiting:
            items += await self._lookup(request)
        if items:
            self.runtime.recorder.state(self.config.subentry_id, "items", [item.raw for item in items])
        evidence: list[Evidence] = []
        for item in items:
            try:
                evidence += parse_item(item.raw, source=self.config.subentry_id, at=now)
            except PayloadError as err:
                _LOGGER.debug("Skipped an item from %s: %s", self.config.title, err)
        return evidence

    async def _lookup(self, request: TrackedRequest) -> list[JellyfinItem]:
        """By the Jellyfin id Seerr or a webhook gave, else by the Shoko series id (Shokofin), else by title."""
        if known := request.ids_of(IdKind.JELLYFIN_ITEM):
            return await self.client.items_by_ids(known)
        item_type = "Series" if request.media_type == "tv" else "Movie"
        for kind, provider in ((IdKind.SHOKO_SERIES, "Shoko Series"), (IdKind.ANIDB, "AniDB")):
            for value in request.ids_of(kind):
                if request.title and (
                    found := await self.client.items_by_provider(provider, value, (item_type,), title=request.title)
                ):
                    return found
        if not request.title:
            return []
        for kind, provider in ((IdKind.TMDB_MOVIE, "Tmdb"), (IdKind.TMDB_TV, "Tmdb"), (IdKind.TVDB, "Tvdb")):
            for value in request.ids_of(kind):
                if found := await self.client.items_by_provider(provider, value, (item_type,), title=request.title):
                    return found
        return []
