"""Questions the services ask of the tracked requests: which wait for the library, for an import, for Shoko.

Read-only, and answered from the tracker's indexes (requests by stage, downloads still counting), so a poll costs
in proportion to what it asks about, not to every request ever tracked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set as AbstractSet
from typing import Protocol

from .ids import IdKind
from .model import FileFacts, TrackedRequest
from .stages import FINISHED_STAGES, PROBLEM_STAGES, PROGRESS_STAGES, Stage

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

    @property
    def active_downloads(self) -> Mapping[str, AbstractSet[str]]:
        """The same download ids, each with the keys of the requests holding it."""

    def any_in(self, stages: Iterable[Stage]) -> bool:
        """Whether some request is in one of the stages."""

    def keys_in(self, stage: Stage) -> AbstractSet[str]:
        """The keys of the requests in a stage."""


def waiting_for_library(tracker: TrackerView) -> list[TrackedRequest]:
    """Requests the library should list by now (imported, or matched by Shoko), in key order."""
    return _in_stages(tracker, WAITING_FOR_LIBRARY)


def any_downloading(tracker: TrackerView) -> bool:
    """Whether a download is running, or about to run, for any request."""
    return tracker.any_in(DOWNLOAD_STAGES)


def awaiting_import(tracker: TrackerView, instance: str) -> list[str]:
    """Download ids that `instance` (a Radarr/Sonarr) grabbed and whose import has not been seen, sorted.

    For a series this is per episode: a download counts while any of its episodes has not reached the import.
    """
    prefix = f"{instance}:"
    holders = {key for keys in tracker.active_downloads.values() for key in keys}
    requests = [tracker.requests[key] for key in holders]
    return sorted(
        download_id
        for request in requests
        if any(kind is IdKind.ARR_ITEM and value.startswith(prefix) for kind, value in request.ids)
        for download_id, download in request.downloads.items()
        if download.counts and _before_import(request, download.episodes)
    )


SEARCH_STAGES = frozenset({Stage.APPROVED, Stage.SEARCHING})
"""Stages in which Radarr/Sonarr may have the media and search for a release, none grabbed yet."""


def searching_items(tracker: TrackerView, instance: str) -> list[int]:
    """Ids of the movies/series `instance` (a Radarr/Sonarr) holds for requests that wait for a release, sorted."""
    prefix = f"{instance}:"
    return sorted(
        {
            int(value.removeprefix(prefix))
            for request in _in_stages(tracker, SEARCH_STAGES)
            for kind, value in request.ids
            if kind is IdKind.ARR_ITEM and value.startswith(prefix) and value.removeprefix(prefix).isdigit()
        }
    )


def files_for_shoko(tracker: TrackerView) -> list[FileFacts]:
    """Unmatched files of anime requests still on their way, the longest-waiting request first.

    Any unfinished request counts, not only those in importing/anime_matching/match_failed: a series can be
    downloading some episodes while others already wait for Shoko.
    """
    waiting = sorted(
        (request for request in _in_stages(tracker, UNFINISHED_STAGES) if request.anime),
        key=lambda request: request.stage_since,
    )
    return [file for request in waiting for file in request.files.values() if not file.matched]


UNFINISHED_STAGES = frozenset(PROGRESS_STAGES + PROBLEM_STAGES) - FINISHED_STAGES


def _in_stages(tracker: TrackerView, stages: AbstractSet[Stage]) -> list[TrackedRequest]:
    """The requests in any of the stages, in key order."""
    keys = sorted(key for stage in stages for key in tracker.keys_in(stage))
    return [tracker.requests[key] for key in keys]


def _before_import(request: TrackedRequest, episodes: set[tuple[int, int]]) -> bool:
    """Whether the request (a movie), or any of these episodes, has not reached the import yet."""
    units: list[tuple[int, int] | None] = [*episodes] if episodes else [None]
    return any(
        (stage := request.unit_stage(unit)).rank <= Stage.DOWNLOADED.rank and not stage.is_problem for unit in units
    )
