"""How long requests take from `downloaded` to `available`, learnt from the tracker's own finished requests.

Importing, Shoko's matching and the library scan happen after the download and take minutes to hours depending on
the stack. The median of the last requests that went the same way (the same Radarr/Sonarr instance, anime or not)
is added to the download's ETA; with fewer than MIN_SAMPLES past requests there is no estimate at all.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from statistics import median

from .ids import IdKind
from .model import TrackedRequest
from .stages import Stage

MIN_SAMPLES = 3
MAX_SAMPLES = 25
"""Only recent requests count: a stack whose library scans got faster should see it soon."""
AFTER_DOWNLOAD = frozenset({Stage.DOWNLOADED, Stage.IMPORTING, Stage.ANIME_MATCHING})


def route_of(request: TrackedRequest) -> str | None:
    """Which way the request goes after its download: its Radarr/Sonarr instance, and whether Shoko is on it."""
    instances = sorted({value.split(":", 1)[0] for value in request.ids_of(IdKind.ARR_ITEM) if ":" in value})
    if not instances:
        return None
    return f"{instances[0]}/{'anime' if request.anime else 'plain'}"


def downloaded_at(request: TrackedRequest) -> float | None:
    """When the request was first seen downloaded (inferred or not)."""
    return next((entry.at for entry in request.timeline if entry.stage is Stage.DOWNLOADED), None)


def finishing_seconds(request: TrackedRequest) -> float | None:
    """Seconds from `downloaded` to `available` of an available request (None when either is unknown)."""
    if request.stage is not Stage.AVAILABLE or (start := downloaded_at(request)) is None:
        return None
    return max(request.stage_since - start, 0.0)


class FinishingTimes:
    """The last finishing times per route, and the estimate they give."""

    def __init__(self) -> None:
        """Start knowing nothing."""
        self._samples: dict[str, deque[float]] = {}

    def learn(self, request: TrackedRequest) -> bool:
        """Count the finishing time of a request that just became available; returns whether it counted.

        Call it once per move into `available` (a restart or an upgrade moves nothing, so nothing counts twice).
        """
        route = route_of(request)
        seconds = finishing_seconds(request)
        if route is None or seconds is None:
            return False
        self._samples.setdefault(route, deque(maxlen=MAX_SAMPLES)).append(seconds)
        return True

    def median(self, route: str) -> float | None:
        """The median finishing time of a route, once MIN_SAMPLES requests went that way."""
        samples = self._samples.get(route)
        return median(samples) if samples is not None and len(samples) >= MIN_SAMPLES else None

    def eta_available(self, request: TrackedRequest, now: float) -> float | None:
        """Seconds from `now` until the request is likely available; None when there is no honest estimate.

        Before the download ends this needs the download client's ETA; after it, the time since `downloaded`
        counts against the median (never below zero: a late request is "any moment now").
        """
        if request.stage.is_problem or request.stage is Stage.AVAILABLE or (route := route_of(request)) is None:
            return None
        if (typical := self.median(route)) is None:
            return None
        if request.stage in AFTER_DOWNLOAD:
            start = downloaded_at(request)
            return None if start is None else max(typical - (now - start), 0.0)
        if request.stage is Stage.DOWNLOADING and request.eta is not None:
            return request.eta + typical
        return None

    def dump(self) -> dict[str, list[float]]:
        """The samples, for storage."""
        return {route: list(samples) for route, samples in self._samples.items()}

    def load(self, data: Mapping[str, Iterable[float]]) -> None:
        """Restore stored samples (unreadable values are skipped)."""
        for route, samples in data.items():
            kept = [float(s) for s in samples if isinstance(s, int | float) and s >= 0]
            self._samples[str(route)] = deque(kept[-MAX_SAMPLES:], maxlen=MAX_SAMPLES)
