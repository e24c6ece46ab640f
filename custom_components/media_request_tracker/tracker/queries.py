"""Questions the services ask of the tracked requests: which wait for the library, for an import, for Shoko.

Read-only: each query takes the requests as they are and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from .ids import IdKind
from .model import FileFacts, TrackedRequest
from .stages import FINISHED_STAGES, Stage

WAITING_FOR_LIBRARY = frozenset({Stage.IMPORTING, Stage.ANIME_MATCHING})
"""Stages in which a request waits for the library to list it."""
DOWNLOAD_STAGES = frozenset({Stage.GRABBING, Stage.DOWNLOADING})
"""Stages in which a download is, or is about to be, running."""


class TrackerView(Protocol):
    """What a service may read of the tracker (it changes it only through evidence)."""

    @property
    def requests(self) -> Mapping[str, TrackedRequest]:
        """The tracked requests by key."""

    def active_download_ids(self) -> set[str]:
        """Download ids of downloads still counting towards an unfinished request."""


def waiting_for_library(requests: Mapping[str, TrackedRequest]) -> list[TrackedRequest]:
    """Requests the library should list by now (imported, or matched by Shoko), in key order."""
    return [requests[key] for key in sorted(requests) if requests[key].stage in WAITING_FOR_LIBRARY]


def any_downloading(requests: Mapping[str, TrackedRequest]) -> bool:
    """Whether a download is running, or about to run, for any request."""
    return any(request.stage in DOWNLOAD_STAGES for request in requests.values())


def awaiting_import(requests: Mapping[str, TrackedRequest], instance: str) -> list[str]:
    """Download ids that `instance` (a Radarr/Sonarr) grabbed and whose import has not been seen, sorted.

    For a series this is per episode: a download counts while any of its episodes has not reached the import.
    """
    prefix = f"{instance}:"
    return sorted(
        download_id
        for request in requests.values()
        if any(kind is IdKind.ARR_ITEM and value.startswith(prefix) for kind, value in request.ids)
        for download_id, download in request.downloads.items()
        if download.counts and _before_import(request, download.episodes)
    )


SEARCH_STAGES = frozenset({Stage.APPROVED, Stage.SEARCHING})
"""Stages in which Radarr/Sonarr may have the media and search for a release, none grabbed yet."""


def searching_items(requests: Mapping[str, TrackedRequest], instance: str) -> list[int]:
    """Ids of the movies/series `instance` (a Radarr/Sonarr) holds for requests that wait for a release, sorted."""
    prefix = f"{instance}:"
    return sorted(
        {
            int(value.removeprefix(prefix))
            for request in requests.values()
            if request.stage in SEARCH_STAGES
            for kind, value in request.ids
            if kind is IdKind.ARR_ITEM and value.startswith(prefix) and value.removeprefix(prefix).isdigit()
        }
    )


def files_for_shoko(requests: Mapping[str, TrackedRequest]) -> list[FileFacts]:
    """Unmatched files of anime requests still on their way, the longest-waiting request first.

    Any unfinished request counts, not only those in importing/anime_matching/match_failed: a series can be
    downloading some episodes while others already wait for Shoko.
    """
    waiting = sorted(
        (request for request in requests.values() if request.anime and request.stage not in FINISHED_STAGES),
        key=lambda request: request.stage_since,
    )
    return [file for request in waiting for file in request.files.values() if not file.matched]


def _before_import(request: TrackedRequest, episodes: set[tuple[int, int]]) -> bool:
    """Whether the request (a movie), or any of these episodes, has not reached the import yet."""
    units: list[tuple[int, int] | None] = [*episodes] if episodes else [None]
    return any(
        (stage := request.unit_stage(unit)).rank <= Stage.DOWNLOADED.rank and not stage.is_problem for unit in units
    )
