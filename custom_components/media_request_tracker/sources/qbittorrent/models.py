"""Typed views of qBittorrent torrents and of one maindata sync step.

Field names are the WebUI API's own (`/api/v2/torrents/info`, `/api/v2/sync/maindata`). Parsing is lenient per
field: a missing or mistyped value gets a neutral default, because maindata merges partial updates and older
servers lack newer fields (`infohash_v1`/`infohash_v2` appeared in 4.4), and one odd field is not worth
failing a poll. Only a torrent entry that is not an object at all is skipped (a `PayloadError`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from ..payload import JsonObject, PayloadError, as_object, opt_number, opt_str, req_str

ETA_UNKNOWN: Final = 8640000
"""qBittorrent's "infinite" ETA (100 days), also reported for finished torrents."""

SHA1_HEX_LENGTH: Final = 40


class TorrentPhase(StrEnum):
    """What a torrent is doing, independent of the qBittorrent version's state names."""

    METADATA = "metadata"
    """A magnet link still fetching its metadata; sizes are 0 until it arrives."""
    QUEUED = "queued"
    DOWNLOADING = "downloading"
    STALLED = "stalled"
    """Downloading but no peer sends data."""
    PAUSED = "paused"
    """Stopped by the user before finishing (`pausedDL` before 5.0, `stoppedDL` since)."""
    CHECKING = "checking"
    """Busy with its files on disk: hash check, resume data check, allocation or a move."""
    COMPLETED = "completed"
    """Every wanted byte is on disk (seeding, queued or stopped for upload)."""
    ERROR = "error"
    UNKNOWN = "unknown"


_PHASES: Final[Mapping[str, TorrentPhase]] = {
    "metaDL": TorrentPhase.METADATA,
    "forcedMetaDL": TorrentPhase.METADATA,
    "queuedDL": TorrentPhase.QUEUED,
    "downloading": TorrentPhase.DOWNLOADING,
    "forcedDL": TorrentPhase.DOWNLOADING,
    "stalledDL": TorrentPhase.STALLED,
    "pausedDL": TorrentPhase.PAUSED,
    "stoppedDL": TorrentPhase.PAUSED,
    "checkingDL": TorrentPhase.CHECKING,
    # A re-check after completion can still fail, so checkingUP is not completed yet (Sonarr agrees).
    "checkingUP": TorrentPhase.CHECKING,
    "checkingResumeData": TorrentPhase.CHECKING,
    "allocating": TorrentPhase.CHECKING,
    "moving": TorrentPhase.CHECKING,
    "uploading": TorrentPhase.COMPLETED,
    "forcedUP": TorrentPhase.COMPLETED,
    "stalledUP": TorrentPhase.COMPLETED,
    "queuedUP": TorrentPhase.COMPLETED,
    "pausedUP": TorrentPhase.COMPLETED,
    "stoppedUP": TorrentPhase.COMPLETED,
    "error": TorrentPhase.ERROR,
    "missingFiles": TorrentPhase.ERROR,
}


def classify_state(state: str) -> TorrentPhase:
    """Map a state name (4.x `paused*` or 5.x `stopped*`) to a phase; names not known give UNKNOWN."""
    return _PHASES.get(state, TorrentPhase.UNKNOWN)


_WHAT: Final = "qBittorrent torrent"


def _or_none[T](read: Callable[[JsonObject, str, str], T | None], fields: JsonObject, key: str) -> T | None:
    """A field read as the parsers read it, or None when it is absent or of another type."""
    try:
        return read(fields, key, _WHAT)
    except PayloadError:
        return None


def _str(fields: JsonObject, key: str) -> str:
    return _or_none(opt_str, fields, key) or ""


def _number(fields: JsonObject, key: str) -> float:
    """A finite number, or 0 (JSON from a broken server may hold NaN or Infinity, which Python accepts)."""
    return _or_none(opt_number, fields, key) or 0.0


def _int(fields: JsonObject, key: str) -> int:
    return int(_number(fields, key))


def _progress(fields: JsonObject) -> float:
    return min(max(_number(fields, "progress"), 0.0), 1.0)


def _eta(fields: JsonObject) -> int | None:
    eta = _or_none(opt_number, fields, "eta")
    return None if eta is None or eta < 0 or eta >= ETA_UNKNOWN else int(eta)


def _tags(fields: JsonObject) -> tuple[str, ...]:
    return tuple(tag for tag in (part.strip() for part in _str(fields, "tags").split(",")) if tag)


@dataclass(frozen=True, slots=True)
class Torrent:
    """One torrent as the WebUI API reports it, with qBittorrent's sentinels turned into None."""

    hash: str
    """qBittorrent's torrent id (lower-case hex): the v1 hash, or for v2/hybrid torrents the cut v2 hash."""
    infohash_v1: str
    infohash_v2: str
    name: str
    state: str
    progress: float
    size: int
    total_size: int
    amount_left: int
    dlspeed: int
    eta: int | None
    category: str
    tags: tuple[str, ...]
    added_on: int
    completion_on: int | None
    save_path: str
    content_path: str

    @classmethod
    def from_api(cls, torrent_hash: str, fields: Mapping[str, Any]) -> Torrent:
        """Build from a `torrents/info` row or a merged maindata entry (which does not repeat the hash)."""
        completion_on = _int(fields, "completion_on")
        return cls(
            hash=torrent_hash.lower(),
            infohash_v1=_str(fields, "infohash_v1").lower(),
            infohash_v2=_str(fields, "infohash_v2").lower(),
            name=_str(fields, "name"),
            state=_str(fields, "state") or "unknown",
            progress=_progress(fields),
            size=_int(fields, "size"),
            total_size=_int(fields, "total_size"),
            amount_left=_int(fields, "amount_left"),
            dlspeed=_int(fields, "dlspeed"),
            eta=_eta(fields),
            category=_str(fields, "category"),
            tags=_tags(fields),
            added_on=_int(fields, "added_on"),
            completion_on=completion_on if completion_on > 0 else None,
            save_path=_str(fields, "save_path"),
            content_path=_str(fields, "content_path"),
        )

    @property
    def phase(self) -> TorrentPhase:
        """What the torrent is doing (see `classify_state`)."""
        return classify_state(self.state)

    def download_ids(self) -> frozenset[str]:
        """Every lower-case id an *arr `downloadId` (upper-case) can match after `.lower()`.

        Radarr and Sonarr report the v1 hash when there is one, while qBittorrent's `hash` of a v2 or hybrid
        torrent is the v2 hash cut to 40 digits; so both, and the cut v2 hash, are ids of this torrent.
        """
        ids = {self.hash, self.infohash_v1, self.infohash_v2[:SHA1_HEX_LENGTH]}
        ids.discard("")
        return frozenset(ids)


def torrent_from_row(row: object) -> Torrent:
    """Parse one `/api/v2/torrents/info` row (it carries its own `hash`); `PayloadError` without one."""
    what = "qBittorrent torrents/info row"
    fields = as_object(row, what)
    return Torrent.from_api(req_str(fields, "hash", what), fields)


@dataclass(frozen=True, slots=True)
class MaindataDelta:
    """What one `sync/maindata` call changed in the client's merged view."""

    rid: int
    """The response id to send next time."""
    full_update: bool
    """The server sent everything (first call, unknown rid or a new session); the view was rebuilt."""
    changed: frozenset[str]
    """Hashes that are new or have changed fields (every hash on a full update)."""
    removed: frozenset[str]
    """Hashes that are gone (on a full update: cached before, absent now)."""
    changed_fields: Mapping[str, frozenset[str]]
    """For each changed hash, the names of the fields the server sent."""
    response_bytes: int
    """Size of the response body."""

    @property
    def is_empty(self) -> bool:
        """Nothing changed for any torrent."""
        return not self.changed and not self.removed
