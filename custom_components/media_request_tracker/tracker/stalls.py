"""When a request counts as stuck, and what a person can do about it."""

from __future__ import annotations

from collections.abc import Mapping

from .evidence import DownloadPhase
from .model import TrackedRequest
from .stages import Stage

type StallPolicy = Mapping[Stage, float]
"""Seconds a request may stay in a stage without progress before it is stalled."""

DEFAULT_STALL_AFTER: dict[Stage, float] = {
    Stage.REQUESTED: 2 * 86400.0,
    Stage.APPROVED: 6 * 3600.0,
    Stage.GRABBING: 30 * 60.0,
    Stage.DOWNLOADING: 60 * 60.0,
    Stage.DOWNLOADED: 30 * 60.0,
    Stage.IMPORTING: 30 * 60.0,
    Stage.ANIME_MATCHING: 60 * 60.0,
}


def stall_reason(request: TrackedRequest, now: float, policy: StallPolicy) -> str | None:
    """Why the request is stuck, or None when it is not (yet)."""
    allowed = policy.get(request.stage)
    idle = now - max(request.last_activity, request.stage_since)
    if allowed is None or idle < allowed:
        return None
    return _REASONS[request.stage](request, _duration(idle))


def _duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 120:
        return f"{minutes} min"
    hours = minutes // 60
    return f"{hours} h" if hours < 48 else f"{hours // 24} days"


def _requested(request: TrackedRequest, idle: str) -> str:
    return f"waiting {idle} for approval in Seerr"


def _approved(request: TrackedRequest, idle: str) -> str:
    service = "Sonarr" if request.media_type == "tv" else "Radarr"
    return (
        f"approved {idle} ago and no release was grabbed: check {service} for search results, "
        "indexer errors or a quality profile nothing matches"
    )


def _grabbing(request: TrackedRequest, idle: str) -> str:
    return f"grabbed {idle} ago and the download has not started: check that qBittorrent received it"


def _downloading(request: TrackedRequest, idle: str) -> str:
    phase = request.download_phase
    if phase is DownloadPhase.METADATA:
        return f"the torrent has been fetching metadata for {idle}: it may have no peers"
    if phase is DownloadPhase.PAUSED:
        return f"the download has been paused for {idle}: resume it in qBittorrent"
    if phase is DownloadPhase.ERROR:
        return f"qBittorrent reports an error for {idle}: check the save path and free disk space"
    return f"no download progress for {idle}: the torrent may have no seeds"


def _downloaded(request: TrackedRequest, idle: str) -> str:
    service = "Sonarr" if request.media_type == "tv" else "Radarr"
    return f"downloaded {idle} ago and {service} has not imported it: check Activity > Queue in {service}"


def _importing(request: TrackedRequest, idle: str) -> str:
    reason = f"imported {idle} ago and Jellyfin has not listed it: scan the library"
    if request.anime:
        reason += "; with Shokofin, the VFS may need regenerating"
    return reason


def _anime_matching(request: TrackedRequest, idle: str) -> str:
    return f"Shoko has not matched the file for {idle}: check Shoko's unrecognized files"


_REASONS = {
    Stage.REQUESTED: _requested,
    Stage.APPROVED: _approved,
    Stage.GRABBING: _grabbing,
    Stage.DOWNLOADING: _downloading,
    Stage.DOWNLOADED: _downloaded,
    Stage.IMPORTING: _importing,
    Stage.ANIME_MATCHING: _anime_matching,
}
