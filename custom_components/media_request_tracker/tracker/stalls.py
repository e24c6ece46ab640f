"""When a request counts as stuck, and why: a code with values (`notes.Note`) that the glue puts into words."""

from __future__ import annotations

from collections.abc import Mapping

from .evidence import DownloadPhase, MediaType
from .model import TrackedRequest
from .notes import Note
from .stages import Stage

type StallPolicy = Mapping[Stage, float]
"""Seconds a request may stay in a stage without progress before it is stalled."""

DEFAULT_STALL_AFTER: dict[Stage, float] = {
    Stage.REQUESTED: 2 * 86400.0,
    Stage.APPROVED: 6 * 3600.0,
    Stage.SEARCHING: 6 * 3600.0,
    Stage.GRABBING: 30 * 60.0,
    Stage.DOWNLOADING: 60 * 60.0,
    Stage.DOWNLOADED: 30 * 60.0,
    Stage.IMPORTING: 30 * 60.0,
    Stage.ANIME_MATCHING: 60 * 60.0,
}

# Stall codes; each is a repair issue's translation key as `stalled_<code>`.
WAITING_APPROVAL = "waiting_approval"
NOT_SEARCHED = "not_searched"
NO_RELEASE_FOUND = "no_release_found"
NOT_GRABBED = "not_grabbed"
NOT_STARTED = "not_started"
FETCHING_METADATA = "fetching_metadata"
DOWNLOAD_PAUSED = "download_paused"
DOWNLOAD_ERROR = "download_error"
NO_SEEDS = "no_seeds"
NO_PROGRESS = "no_progress"
NOT_IMPORTED = "not_imported"
NOT_IN_LIBRARY = "not_in_library"
NOT_MATCHED = "not_matched"
IMPORT_BLOCKED = "import_blocked"

STALL_CODES = frozenset(
    {
        WAITING_APPROVAL,
        NOT_SEARCHED,
        NO_RELEASE_FOUND,
        NOT_GRABBED,
        NOT_STARTED,
        FETCHING_METADATA,
        DOWNLOAD_PAUSED,
        DOWNLOAD_ERROR,
        NO_SEEDS,
        NO_PROGRESS,
        NOT_IMPORTED,
        NOT_IN_LIBRARY,
        NOT_MATCHED,
        IMPORT_BLOCKED,
    }
)
DOWNLOAD_TROUBLES = frozenset({DOWNLOAD_ERROR, NO_SEEDS})
"""Stalls the download client reports at once; they end as soon as the download moves again."""


def stall_reason(request: TrackedRequest, now: float, policy: StallPolicy) -> Note | None:
    """Why the request is stuck, or None when it is not (yet)."""
    allowed = policy.get(request.stage)
    idle = now - max(request.last_activity, request.stage_since)
    if allowed is None or idle < allowed:
        return None
    return _REASONS[request.stage](request, int(idle))


def no_release_found(request: TrackedRequest) -> Note | None:
    """Radarr/Sonarr searched and found nothing to grab: how often, and since when."""
    searches = request.fruitless_searches()
    if not searches:
        return None
    return Note.of(NO_RELEASE_FOUND, searches=len(searches), since=int(searches[0].at), service=_arr(request))


def download_trouble(phase: DownloadPhase, seeds: int | None, client: str | None, problem: str | None) -> Note | None:
    """What a download client's report says is wrong at once: an error, or a stalled torrent with no seeds."""
    if phase is DownloadPhase.ERROR:
        return Note.of(DOWNLOAD_ERROR, client=client, problem=problem)
    if phase is DownloadPhase.STALLED and seeds == 0:
        return Note.of(NO_SEEDS, client=client)
    return None


def _arr(request: TrackedRequest) -> str:
    return "sonarr" if request.media_type is MediaType.TV else "radarr"


def _requested(request: TrackedRequest, idle: int) -> Note:
    return Note.of(WAITING_APPROVAL, idle=idle)


def _approved(request: TrackedRequest, idle: int) -> Note:
    return Note.of(NOT_GRABBED, idle=idle, service=_arr(request))


def _searching(request: TrackedRequest, idle: int) -> Note:
    return no_release_found(request) or Note.of(NOT_SEARCHED, idle=idle, service=_arr(request))


def _grabbing(request: TrackedRequest, idle: int) -> Note:
    return Note.of(NOT_STARTED, idle=idle)


def _downloading(request: TrackedRequest, idle: int) -> Note:
    phase = request.download_phase
    if phase is DownloadPhase.METADATA:
        return Note.of(FETCHING_METADATA, idle=idle)
    if phase is DownloadPhase.PAUSED:
        return Note.of(DOWNLOAD_PAUSED, idle=idle)
    # An error or a lack of seeds the client reported is the stall already (`download_trouble`).
    return Note.of(NO_PROGRESS, idle=idle)


def _downloaded(request: TrackedRequest, idle: int) -> Note:
    return Note.of(NOT_IMPORTED, idle=idle, service=_arr(request))


def _importing(request: TrackedRequest, idle: int) -> Note:
    return Note.of(NOT_IN_LIBRARY, idle=idle, anime=request.anime or None)


def _anime_matching(request: TrackedRequest, idle: int) -> Note:
    return Note.of(NOT_MATCHED, idle=idle)


_REASONS = {
    Stage.REQUESTED: _requested,
    Stage.APPROVED: _approved,
    Stage.SEARCHING: _searching,
    Stage.GRABBING: _grabbing,
    Stage.DOWNLOADING: _downloading,
    Stage.DOWNLOADED: _downloaded,
    Stage.IMPORTING: _importing,
    Stage.ANIME_MATCHING: _anime_matching,
}
