"""What can be done, through a service's API, for a request that is stuck."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .ids import IdKind
from .model import TrackedRequest
from .stages import Stage


class Remedy(StrEnum):
    """A step the tracker can take upstream, with a person's consent."""

    SCAN_LIBRARY = "scan_library"
    """Imported, not listed by Jellyfin: scan the Jellyfin library."""
    RESCAN_FILE = "rescan_file"
    """Waiting on Shoko: ask Shoko to look the file up again."""
    SEARCH_AGAIN = "search_again"
    """No release found: ask Radarr/Sonarr to search again."""


NO_RELEASE_STAGES = frozenset({"searching", Stage.APPROVED.value})
"""Where a request waits for a release: `approved` (and `searching`, once the tracker has that stage)."""


@dataclass(frozen=True, slots=True)
class RemedyPlan:
    """The remedy for one stalled request and what it acts on."""

    remedy: Remedy
    shoko_files: tuple[int, ...] = ()
    """For `RESCAN_FILE`: the Shoko file ids not matched yet."""
    arr_items: tuple[str, ...] = ()
    """For `SEARCH_AGAIN`: the Radarr/Sonarr items (`instance:id`) to search for."""


def remedy_for(request: TrackedRequest) -> RemedyPlan | None:
    """The remedy for a stalled request, or None when there is none the tracker can run."""
    if request.stall is None:
        return None
    if request.stage is Stage.IMPORTING:
        return RemedyPlan(Remedy.SCAN_LIBRARY)
    if request.stage is Stage.ANIME_MATCHING:
        files = sorted(
            {
                int(file.shoko_id)
                for file in request.files.values()
                if file.shoko_id and file.shoko_id.isdigit() and not file.matched
            }
        )
        return RemedyPlan(Remedy.RESCAN_FILE, shoko_files=tuple(files)) if files else None
    if request.stage.value in NO_RELEASE_STAGES:
        items = tuple(request.ids_of(IdKind.ARR_ITEM))
        return RemedyPlan(Remedy.SEARCH_AGAIN, arr_items=items) if items else None
    return None
