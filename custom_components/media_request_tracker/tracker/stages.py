"""The stages a request goes through, and their order."""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    """Where a request is. Progress stages are ordered; problem stages stand beside them."""

    REQUESTED = "requested"
    APPROVED = "approved"
    SEARCHING = "searching"
    GRABBING = "grabbing"
    DOWNLOADING = "downloading"
    DOWNLOADED = "downloaded"
    IMPORTING = "importing"
    ANIME_MATCHING = "anime_matching"
    AVAILABLE = "available"
    FAILED = "failed"
    DECLINED = "declined"
    MATCH_FAILED = "match_failed"
    DELETED = "deleted"

    @property
    def is_problem(self) -> bool:
        """Whether this is a problem stage (it has no place in the progress order)."""
        return self in PROBLEM_STAGES

    @property
    def rank(self) -> int:
        """Position in the progress order; problem stages have none."""
        return _RANK[self]


PROGRESS_STAGES: tuple[Stage, ...] = (
    Stage.REQUESTED,
    Stage.APPROVED,
    Stage.SEARCHING,
    Stage.GRABBING,
    Stage.DOWNLOADING,
    Stage.DOWNLOADED,
    Stage.IMPORTING,
    Stage.ANIME_MATCHING,
    Stage.AVAILABLE,
)
# Ordered by how urgently a person must look: a series shows the most urgent problem of its episodes.
PROBLEM_STAGES: tuple[Stage, ...] = (Stage.FAILED, Stage.MATCH_FAILED, Stage.DELETED, Stage.DECLINED)
# Stages after which nothing is expected to happen: such requests are removed after the retention time.
FINISHED_STAGES = frozenset({Stage.AVAILABLE, Stage.DECLINED, Stage.DELETED})

_RANK = {stage: rank for rank, stage in enumerate(PROGRESS_STAGES)}


def later(first: Stage | None, second: Stage | None) -> Stage | None:
    """The later of two progress stages (None counts as before everything)."""
    if first is None:
        return second
    if second is None:
        return first
    return first if first.rank >= second.rank else second


def stages_between(low: Stage | None, high: Stage, *, anime: bool) -> list[Stage]:
    """Progress stages strictly between `low` and `high`: the ones a jump skipped.

    `anime_matching` only lies on the path of anime.
    """
    start = low.rank + 1 if low is not None else 0
    return [stage for stage in PROGRESS_STAGES[start : high.rank] if anime or stage is not Stage.ANIME_MATCHING]
