"""A request's sensor attributes: stable names, bounded size (the recorder drops attributes over 16 KiB)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from .tracker import IdKind, TimelineEntry, TrackedRequest
from .words import stall_reason, timeline_detail

TIMELINE_ATTRIBUTE_ENTRIES = 20
DETAIL_MAX_CHARS = 160
# Attributes that are bulky or change with every poll: shown live, not kept in the recorder's history.
UNRECORDED_ATTRIBUTES = frozenset({"timeline", "poster", "download_speed", "eta", "eta_available", "episodes"})
# Attributes that change while a download runs; their changes alone are written at a throttled pace.
VOLATILE_ATTRIBUTES = frozenset({"progress", "download_speed", "eta", "eta_available", "size"})
JELLYFIN_URL = "jellyfin_url"
"""The library item's Jellyfin web page ("watch now"), as the Jellyfin service links it."""
LINK_ATTRIBUTES = (JELLYFIN_URL,)
"""Links services give; always present, null while no service gives one."""


def request_attributes(
    request: TrackedRequest,
    source_names: Mapping[str, str],
    *,
    links: Mapping[str, str] | None = None,
    eta_available: int | None = None,
    timeline: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The documented attributes of a request's sensor; `source_names` names the services for people.

    `links` are the services' links by attribute name; `eta_available` the estimate in seconds to available;
    `timeline` the timeline attribute when the caller kept it (see `TimelineAttribute`).
    """
    links = links or {}
    progress = request.progress
    episode_stages = request.episode_stages()
    return {
        "title": request.title,
        "year": request.year,
        "media_type": request.media_type,
        "tmdb_id": _first(request, IdKind.TMDB_MOVIE, IdKind.TMDB_TV),
        "tvdb_id": _first(request, IdKind.TVDB),
        "imdb_id": _first(request, IdKind.IMDB),
        "seerr_request_id": _scoped(_first(request, IdKind.SEERR_REQUEST)),
        "requested_by": request.requested_by,
        "anime": request.anime,
        "seasons": sorted(request.seasons),
        "progress": round(progress * 100, 1) if progress is not None else None,
        "download_speed": request.download_speed,
        "eta": request.eta,
        "eta_available": eta_available,
        "size": request.size,
        "release": request.release,
        "episodes_total": len(episode_stages),
        "episodes": dict(sorted(Counter(stage.value for stage in episode_stages.values()).items())),
        "stalled": request.stall is not None,
        "stalled_reason": None if request.stall is None else stall_reason(request.stall, source_names),
        "poster": request.poster,
        "jellyfin_id": request.jellyfin_item,
        **{name: links.get(name) for name in LINK_ATTRIBUTES},
        "timeline": timeline_attribute(request, source_names) if timeline is None else timeline,
    }


class TimelineAttribute:
    """A request's timeline attribute, built again only when the timeline or the services' names changed.

    Most changes of a request (every progress poll) leave its timeline alone, and the attribute is the bulkiest
    part to build: twenty entries, each with its words and time. Entries can change in place (a search count, an
    inferred entry confirmed), so the key holds the shown entries' fields: comparing them is far cheaper than
    the words.
    """

    def __init__(self) -> None:
        """Nothing built yet."""
        self._key: tuple[Any, ...] | None = None
        self._value: list[dict[str, Any]] = []

    def get(self, request: TrackedRequest, source_names: Mapping[str, str]) -> list[dict[str, Any]]:
        """The attribute, built again only if what it shows may have changed."""
        entries = request.timeline
        if len(entries) > TIMELINE_ATTRIBUTE_ENTRIES:
            entries = [entries[0], *entries[-(TIMELINE_ATTRIBUTE_ENTRIES - 1) :]]
        key = (
            tuple((entry.stage, entry.at, entry.source, entry.note, entry.inferred) for entry in entries),
            tuple(source_names.items()),
        )
        if key != self._key:
            self._key, self._value = key, timeline_attribute(request, source_names)
        return self._value


def timeline_attribute(
    request: TrackedRequest, source_names: Mapping[str, str], *, limit: int | None = TIMELINE_ATTRIBUTE_ENTRIES
) -> list[dict[str, Any]]:
    """The timeline, capped at `limit` (None: whole): the first entry (where it started) and the newest ones."""
    entries = request.timeline
    if limit is not None and len(entries) > limit:
        entries = [entries[0], *entries[-(limit - 1) :]]
    return [_entry(entry, source_names) for entry in entries]


def _entry(entry: TimelineEntry, source_names: Mapping[str, str]) -> dict[str, Any]:
    detail = timeline_detail(entry.note, source_names)
    if len(detail) > DETAIL_MAX_CHARS:
        detail = detail[: DETAIL_MAX_CHARS - 1] + "…"
    return {
        "stage": entry.stage.value,
        "at": datetime.fromtimestamp(entry.at, UTC).isoformat(timespec="seconds"),
        "source": source_names.get(entry.source, entry.source),
        "detail": detail,
        "inferred": entry.inferred,
    }


def _first(request: TrackedRequest, *kinds: IdKind) -> str | None:
    for kind in kinds:
        if values := request.ids_of(kind):
            return values[0]
    return None


def _scoped(value: str | None) -> str | None:
    """Drop the instance prefix of a scoped id ("seerr:69" -> "69")."""
    return value.rsplit(":", 1)[-1] if value else None


def display_name(request: TrackedRequest) -> str:
    """How a request is named to people."""
    if request.title is None:
        return f"Request {request.key}"
    return f"{request.title} ({request.year})" if request.year else request.title
