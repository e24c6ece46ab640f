"""The tracker says why and what as notes; these read them in English, as people see them."""

from __future__ import annotations

from custom_components.media_request_tracker.tracker import TimelineEntry, TrackedRequest
from custom_components.media_request_tracker.words import stall_reason, timeline_detail


def stall_text(request: TrackedRequest) -> str | None:
    """The request's `stalled_reason` attribute."""
    return None if request.stall is None else stall_reason(request.stall)


def detail_text(entry: TimelineEntry) -> str:
    """A timeline entry's `detail`."""
    return timeline_detail(entry.note)
