"""JSON (de)serialization of the tracker's state, with a schema version.

Stored data is read back with the same rules as upstream input: an entry that does not fit is reported and
skipped, never allowed to stop the rest from loading.

`dump_tracker`/`load_tracker` give the whole state in one object (diagnostics, traces, version 1 stores).
The store keeps each request on its own (`stored_request`, with a compact timeline) so that it can encode only
the requests that changed; `migrate_version_1` turns a version 1 store into that layout.
"""

from __future__ import annotations

from dataclasses import fields
from enum import Enum
import logging
import types
from typing import Any, get_args, get_origin, get_type_hints

from .evidence import EVIDENCE_TYPES, DownloadPhase, Evidence, ImportedFile, MediaInfo, MediaType
from .ids import IdKind
from .model import DownloadFacts, FileFacts, TimelineEntry, TrackedRequest, UnitFacts
from .stages import Stage
from .tracker import Tracker

SCHEMA_VERSION = 1
STORED_TIMELINE = 50
"""Timeline entries a stored request keeps: the first and the newest 49 (the count of the others is kept)."""
_LOGGER = logging.getLogger(__name__)


class SchemaError(ValueError):
    """Stored data that does not fit the schema."""


def dump_tracker(tracker: Tracker) -> dict[str, Any]:
    """The tracker's whole state as JSON-ready data."""
    return {
        "version": SCHEMA_VERSION,
        "requests": [dump_request(request) for request in tracker.requests.values()],
        "pending": [dump_evidence(evidence) for evidence in tracker.pending],
    }


def load_tracker(data: dict[str, Any], tracker: Tracker) -> None:
    """Fill an empty tracker from `dump_tracker` output; entries that do not fit are logged and skipped."""
    if data.get("version") != SCHEMA_VERSION:
        raise SchemaError(f"unsupported schema version {data.get('version')!r}")
    for raw in data.get("requests", []):
        try:
            tracker.add(load_request(raw))
        except (AttributeError, KeyError, TypeError, ValueError) as err:
            _LOGGER.warning("Skipping a stored request that does not fit the schema: %s", err)
    pending = []
    for raw in data.get("pending", []):
        try:
            pending.append(load_evidence(raw))
        except (AttributeError, KeyError, TypeError, ValueError) as err:
            _LOGGER.warning("Skipping stored evidence that does not fit the schema: %s", err)
    tracker.restore_pending(pending)


# --- requests ----------------------------------------------------------------------------------------------


def dump_request(request: TrackedRequest) -> dict[str, Any]:
    """One request as JSON-ready data."""
    return {
        "key": request.key,
        "created_at": request.created_at,
        "updated_at": request.updated_at,
        "title": request.title,
        "year": request.year,
        "media_type": request.media_type,
        "poster": request.poster,
        "anime": request.anime,
        "requested_by": request.requested_by,
        "seasons": sorted(request.seasons),
        "ids": sorted([kind.value, value] for kind, value in request.ids),
        "release": request.release,
        "release_size": request.release_size,
        "indexer": request.indexer,
        "whole": request.whole.reached,
        "series_in_library": request.series_in_library,
        "problems": {stage.value: reason for stage, reason in request.problems.items()},
        "downloads": {key: _dump_download(d) for key, d in request.downloads.items()},
        "download_aliases": dict(request.download_aliases),
        "files": {key: _dump_file(f) for key, f in request.files.items()},
        "episodes": [[s, e, unit.reached] for (s, e), unit in sorted(request.episodes.items())],
        "proofs": [_dump_entry(entry) for entry in request.proofs.values()],
        "timeline": [_dump_entry(entry) for entry in request.timeline],
        "timeline_dropped": request.timeline_dropped,
        "stage": request.stage.value,
        "stage_since": request.stage_since,
        "last_activity": request.last_activity,
        "stalled_reason": request.stalled_reason,
    }


def load_request(raw: dict[str, Any]) -> TrackedRequest:
    """A request from `dump_request` output."""
    return TrackedRequest(
        key=str(raw["key"]),
        created_at=float(raw["created_at"]),
        updated_at=float(raw["updated_at"]),
        title=raw.get("title"),
        year=raw.get("year"),
        media_type=MediaType(raw["media_type"]) if raw.get("media_type") else None,
        poster=raw.get("poster"),
        anime=bool(raw.get("anime")),
        requested_by=raw.get("requested_by"),
        seasons={int(s) for s in raw.get("seasons", [])},
        ids={(IdKind(kind), str(value)) for kind, value in raw.get("ids", [])},
        release=raw.get("release"),
        release_size=raw.get("release_size"),
        indexer=raw.get("indexer"),
        whole=UnitFacts(_stage_or_none(raw.get("whole"))),
        series_in_library=bool(raw.get("series_in_library")),
        problems={Stage(stage): str(reason) for stage, reason in raw.get("problems", {}).items()},
        downloads={str(k): _load_download(v) for k, v in raw.get("downloads", {}).items()},
        download_aliases={str(k): str(v) for k, v in raw.get("download_aliases", {}).items()},
        files={str(k): _load_file(v) for k, v in raw.get("files", {}).items()},
        episodes={(int(s), int(e)): UnitFacts(_stage_or_none(r)) for s, e, r in raw.get("episodes", [])},
        proofs={entry.stage: entry for entry in map(_load_entry, raw.get("proofs", []))},
        timeline=[_load_entry(entry) for entry in raw.get("timeline", [])],
        timeline_dropped=int(raw.get("timeline_dropped", 0)),
        stage=Stage(raw["stage"]),
        stage_since=float(raw.get("stage_since", raw["created_at"])),
        last_activity=float(raw.get("last_activity", raw["created_at"])),
        stalled_reason=raw.get("stalled_reason"),
    )


def stored_request(request: TrackedRequest) -> dict[str, Any]:
    """One request as the store keeps it: `dump_request` with a compact timeline.

    Made of new containers and immutable values only, so it can be encoded in another thread while the request
    goes on changing.
    """
    return compact_timeline(dump_request(request))


def compact_timeline(raw: dict[str, Any]) -> dict[str, Any]:
    """Keep the first and the newest timeline entries of dumped request data (counting those left out)."""
    timeline = raw.get("timeline")
    if isinstance(timeline, list) and len(timeline) > STORED_TIMELINE:
        left_out = len(timeline) - STORED_TIMELINE
        dropped = raw.get("timeline_dropped", 0)
        raw = {
            **raw,
            "timeline": [timeline[0], *timeline[-(STORED_TIMELINE - 1) :]],
            "timeline_dropped": (dropped if isinstance(dropped, int) else 0) + left_out,
        }
    return raw


def migrate_version_1(data: Any) -> dict[str, Any]:
    """A version 1 store's data (`dump_tracker` output) in the per-request layout; entries are not parsed here."""
    if not isinstance(data, dict) or data.get("version") != SCHEMA_VERSION:
        version = data.get("version") if isinstance(data, dict) else type(data).__name__
        raise SchemaError(f"unsupported schema version {version!r}")
    requests, pending = data.get("requests", []), data.get("pending", [])
    if not isinstance(requests, list) or not isinstance(pending, list):
        raise SchemaError("requests and pending must be lists")
    return {
        "requests": [compact_timeline(raw) if isinstance(raw, dict) else raw for raw in requests],
        "pending": pending,
    }


def _dump_entry(entry: TimelineEntry) -> list[Any]:
    return [entry.stage.value, entry.at, entry.source, entry.detail, entry.inferred]


def _load_entry(raw: list[Any]) -> TimelineEntry:
    stage, at, source, detail, inferred = raw
    return TimelineEntry(Stage(stage), float(at), str(source), str(detail), bool(inferred))


def _stage_or_none(value: str | None) -> Stage | None:
    return Stage(value) if value else None


def _dump_download(download: DownloadFacts) -> dict[str, Any]:
    return {
        "stage": download.stage.value,
        "failed": download.failed,
        "superseded": download.superseded,
        "episodes": sorted(list(ep) for ep in download.episodes),
        "progress": download.progress,
        "size": download.size,
        "download_speed": download.download_speed,
        "eta": download.eta,
        "phase": download.phase,
    }


def _load_download(raw: dict[str, Any]) -> DownloadFacts:
    return DownloadFacts(
        stage=Stage(raw["stage"]),
        failed=raw.get("failed"),
        superseded=bool(raw.get("superseded")),
        episodes={(int(s), int(e)) for s, e in raw.get("episodes", [])},
        progress=float(raw.get("progress", 0.0)),
        size=raw.get("size"),
        download_speed=int(raw.get("download_speed", 0)),
        eta=raw.get("eta"),
        phase=DownloadPhase(raw["phase"]) if raw.get("phase") else None,
    )


def _dump_file(file: FileFacts) -> dict[str, Any]:
    return {
        "path": file.path,
        "size": file.size,
        "episodes": sorted(list(ep) for ep in file.episodes),
        "reached": file.reached.value,
        "matched": file.matched,
        "unmatched_reason": file.unmatched_reason,
        "shoko_id": file.shoko_id,
    }


def _load_file(raw: dict[str, Any]) -> FileFacts:
    return FileFacts(
        path=str(raw["path"]),
        size=raw.get("size"),
        episodes={(int(s), int(e)) for s, e in raw.get("episodes", [])},
        reached=Stage(raw.get("reached", Stage.IMPORTING)),
        matched=bool(raw.get("matched")),
        unmatched_reason=raw.get("unmatched_reason"),
        shoko_id=raw.get("shoko_id"),
    )


# --- evidence ----------------------------------------------------------------------------------------------


def dump_evidence(evidence: Evidence) -> dict[str, Any]:
    """Evidence as JSON-ready data, tagged with its kind."""
    data: dict[str, Any] = {"kind": type(evidence).__name__}
    for item in fields(evidence):
        data[item.name] = _to_json(getattr(evidence, item.name))
    return data


def load_evidence(raw: dict[str, Any]) -> Evidence:
    """Evidence from `dump_evidence` output."""
    cls = EVIDENCE_TYPES[raw["kind"]]
    hints = get_type_hints(cls)
    values = {item.name: _from_json(hints[item.name], raw[item.name]) for item in fields(cls) if item.name in raw}
    return cls(**values)


def _to_json(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, MediaInfo | ImportedFile):
        return {item.name: _to_json(getattr(value, item.name)) for item in fields(value)}
    if isinstance(value, frozenset | tuple | list):
        items = [_to_json(item) for item in value]
        return sorted(items, key=repr) if isinstance(value, frozenset) else items
    return value


def _from_json(hint: Any, value: Any) -> Any:  # one case per shape in the schema
    if value is None:
        return None
    origin = get_origin(hint)
    if origin is types.UnionType:
        hint = next(arg for arg in get_args(hint) if arg is not type(None))
        return _from_json(hint, value)
    if origin is frozenset:
        (item_hint,) = get_args(hint)
        return frozenset(_from_json(item_hint, item) for item in value)
    if origin is tuple:
        args = get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_from_json(args[0], item) for item in value)
        return tuple(_from_json(arg, item) for arg, item in zip(args, value, strict=True))
    if hasattr(hint, "__value__"):  # a `type X = ...` alias
        return _from_json(hint.__value__, value)
    if hint in (MediaInfo, ImportedFile):
        nested = get_type_hints(hint)
        return hint(**{name: _from_json(nested[name], item) for name, item in value.items()})
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(value)
    if hint is float:
        return float(value)
    return value
