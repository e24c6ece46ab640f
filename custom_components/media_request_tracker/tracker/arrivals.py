"""Episodes that reach the library: which are new since the last look, so each import is announced once.

A season pack imports every episode at once and is one arrival listing them; an airing show whose episodes are
grabbed one by one arrives one episode at a time. What was already available when the tracker started (after a
restart) is known, not new.
"""

from __future__ import annotations

from collections.abc import Iterable

from .evidence import EpisodeKey
from .model import TrackedRequest
from .stages import Stage


def episode_label(episode: EpisodeKey) -> str:
    """How people write an episode: S01E05."""
    season, number = episode
    return f"S{season:02d}E{number:02d}"


def available_episodes(request: TrackedRequest) -> set[EpisodeKey]:
    """The counted episodes of a series request that are in the library."""
    return {episode for episode, stage in request.episode_stages().items() if stage is Stage.AVAILABLE}


class EpisodeArrivals:
    """The episodes of each series request already announced as available."""

    def __init__(self) -> None:
        """Know nothing yet: `prime` with the requests there are."""
        self._announced: dict[str, set[EpisodeKey]] = {}

    def prime(self, requests: Iterable[TrackedRequest]) -> None:
        """Take what is available now as already announced (a restart announces nothing again)."""
        for request in requests:
            if episodes := available_episodes(request):
                self._announced[request.key] = episodes

    def arrived(self, request: TrackedRequest) -> list[EpisodeKey]:
        """The request's episodes available now and not before, in order; they count as announced from now."""
        available = available_episodes(request)
        announced = self._announced.setdefault(request.key, set())
        new = sorted(available - announced)
        announced.update(new)
        return new

    def forget(self, key: str) -> None:
        """The request is no longer tracked."""
        self._announced.pop(key, None)
