"""qBittorrent torrents as tracker evidence.

The client (`client.py`) already turned the WebUI API's fields into a typed `Torrent`, with qBittorrent's sentinels
(an ETA of 100 days, a completion time of 0) turned into None; this module only says what a torrent proves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from ...tracker.evidence import DownloadCompleted, DownloadPhase, DownloadProgress, Evidence
from ...tracker.ids import make_ids
from .models import Torrent, TorrentPhase

CLIENT_NAME: Final = "qBittorrent"
"""How the download client is named to people."""

_PHASES: Final[Mapping[TorrentPhase, DownloadPhase]] = {
    TorrentPhase.METADATA: DownloadPhase.METADATA,
    TorrentPhase.QUEUED: DownloadPhase.QUEUED,
    TorrentPhase.DOWNLOADING: DownloadPhase.DOWNLOADING,
    TorrentPhase.STALLED: DownloadPhase.STALLED,
    TorrentPhase.PAUSED: DownloadPhase.PAUSED,
    TorrentPhase.CHECKING: DownloadPhase.CHECKING,
    # A state name this version of the client does not know: the torrent exists, so it is at least downloading.
    TorrentPhase.UNKNOWN: DownloadPhase.DOWNLOADING,
}


def torrent_evidence(torrent: Torrent, *, source: str, at: float) -> list[Evidence]:
    """Evidence from one torrent of the qBittorrent instance `source`.

    A torrent is known by every hash it answers to (`Torrent.download_ids`), so a Radarr/Sonarr download id finds
    it whether the torrent is v1, v2 or hybrid.
    """
    ids = make_ids(download_ids=tuple(sorted(torrent.download_ids())))
    if not ids:
        return []
    phase = torrent.phase
    if phase is TorrentPhase.COMPLETED:
        return [DownloadCompleted(source=source, at=at, ids=ids, size=torrent.size or None)]
    if phase is TorrentPhase.ERROR:
        # An error (or missing files) is a warning, not a failure: Radarr/Sonarr decide when a download has failed.
        # The tracker shows it at once, with the state that names it (qBittorrent gives no message).
        error = DownloadProgress(
            source=source,
            at=at,
            ids=ids,
            progress=torrent.progress,
            size=torrent.size or None,
            phase=DownloadPhase.ERROR,
            client=CLIENT_NAME,
            problem=torrent.state,
        )
        return [error]
    report = DownloadProgress(
        source=source,
        at=at,
        ids=ids,
        progress=torrent.progress,
        # While fetching metadata qBittorrent reports a size of 0, which is not the size.
        size=None if phase is TorrentPhase.METADATA else torrent.size or None,
        download_speed=torrent.dlspeed,
        eta=torrent.eta,
        phase=_PHASES[phase],
        # A stalled torrent with no seed connected may never finish: the tracker says so at once.
        seeds=torrent.seeds if phase is TorrentPhase.STALLED else None,
        client=CLIENT_NAME,
    )
    return [report]
