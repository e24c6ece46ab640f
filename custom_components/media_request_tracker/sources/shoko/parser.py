"""Shoko Server v5 SignalR events (`ShokoEvent:*`) as tracker evidence.

Payloads are Newtonsoft JSON with PascalCase keys (`API/SignalR/Models/*EventSignalRModel.cs`). A file event is
linked to the file Radarr/Sonarr imported by its name: Shoko sees the file under its own mount (import folder +
`RelativePath`), so the full paths differ between the two while the file name does not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from ...tracker.evidence import AnimeFileMatched, AnimeFileNotMatched, AnimeFileSeen, Evidence
from ...tracker.ids import IdKey, IdKind, make_ids
from ..payload import JsonObject, PayloadError, as_object, objects, opt_bool, opt_int, req_int, req_str

_PREFIX: Final = "ShokoEvent:"
_NO_FOLDERS: Final[Mapping[int, str]] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class _File:
    """The file a file event is about."""

    ids: frozenset[IdKey]
    file_id: str | None


type _Handler = Callable[[JsonObject, _File, str, float], list[Evidence]]


def parse_event(
    name: str,
    payload: object,
    *,
    source: str,
    at: float,
    import_folders: Mapping[int, str] = _NO_FOLDERS,
) -> list[Evidence]:
    """Evidence from one `ShokoEvent:<Name>` invocation of the Shoko server `source`.

    `import_folders` maps import folder ids to their paths on the Shoko server, when known.
    """
    event = name.removeprefix(_PREFIX)
    if event in _NO_FILE_EVENTS:
        return []
    handler = _FILE_EVENTS.get(event) if name.startswith(_PREFIX) else None
    if handler is None:
        raise PayloadError("Shoko event: unknown event name")
    what = f"Shoko {event}"
    obj = as_object(payload, what)
    # FileDetected comes before hashing, so it is the one file event without a file id.
    file = _file(obj, what, import_folders, with_id=event != "FileDetected")
    return handler(obj, file, source, at)


def _seen(_obj: JsonObject, file: _File, source: str, at: float) -> list[Evidence]:
    """Found, hashed, moved or renamed: Shoko is working on the file (at its new place, for a move or rename)."""
    return [AnimeFileSeen(source=source, at=at, ids=file.ids, file_id=file.file_id)]


def _matched(_obj: JsonObject, file: _File, source: str, at: float) -> list[Evidence]:
    """Shoko matched the file to AniDB episodes (automatically, or a person did)."""
    return [AnimeFileMatched(source=source, at=at, ids=file.ids, file_id=file.file_id)]


def _not_matched(obj: JsonObject, file: _File, source: str, at: float) -> list[Evidence]:
    """Shoko could not match the file, and says why in a way a person can act on."""
    what = "Shoko FileNotMatched"
    if opt_bool(obj, "IsUDPBanned", what):
        reason = "AniDB ban (UDP)"
    else:
        attempts = opt_int(obj, "AutoMatchAttempts", what) or 0
        reason = f"no match after {attempts} attempt{'' if attempts == 1 else 's'}" if attempts > 0 else "no match"
    return [AnimeFileNotMatched(source=source, at=at, ids=file.ids, file_id=file.file_id, reason=reason)]


_FILE_EVENTS: Final[Mapping[str, _Handler]] = {
    "FileDetected": _seen,
    "FileHashed": _seen,
    "FileMatched": _matched,
    "FileNotMatched": _not_matched,
    "FileMoved": _seen,
    "FileRenamed": _seen,
}

_NO_FILE_EVENTS: Final = frozenset(
    {
        # The file is gone from Shoko; whether the media is gone is for Radarr/Sonarr to say.
        "FileDeleted",
        # Metadata updates name AniDB/TMDB series, episodes and movies, not a file, so they link to nothing
        # (Shoko may report an anime movie as EpisodeUpdated or MovieUpdated: both give nothing).
        "SeriesUpdated",
        "EpisodeUpdated",
        "MovieUpdated",
    }
)


def _file(obj: JsonObject, what: str, import_folders: Mapping[int, str], *, with_id: bool) -> _File:
    """The file's ids: its name (the FILE key), Shoko's file id, and the series its cross-references name."""
    relative = req_str(obj, "RelativePath", what)
    folder = opt_int(obj, "ImportFolderID", what)
    file_id = req_int(obj, "FileID", what) if with_id else None
    series, anime = _cross_references(obj, what)
    ids = make_ids(
        files=(_full_path(import_folders.get(folder) if folder is not None else None, relative),),
        shoko_file=file_id,
        shoko_series=series,
        anidb=anime,
    )
    if not any(kind in (IdKind.FILE, IdKind.SHOKO_FILE) for kind, _value in ids):
        raise PayloadError(f"{what}: neither a file name nor a file id")
    return _File(ids=ids, file_id=str(file_id) if file_id else None)


def _cross_references(obj: JsonObject, what: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Shoko series ids and AniDB anime ids from `CrossReferences` (older servers: `CrossRefs`)."""
    key = "CrossReferences" if obj.get("CrossReferences") is not None else "CrossRefs"
    series: list[int] = []
    anime: list[int] = []
    for reference in objects(obj, key, what):
        # The Shoko series is null until Shoko has created it; the AniDB anime is always there.
        if (series_id := opt_int(reference, "SeriesID", f"{what} {key}")) is not None:
            series.append(series_id)
        if (anime_id := opt_int(reference, "AnidbAnimeID", f"{what} {key}")) is not None:
            anime.append(anime_id)
    return tuple(dict.fromkeys(series)), tuple(dict.fromkeys(anime))


def _full_path(folder: str | None, relative: str) -> str:
    """The file's path on the Shoko server: import folder + relative path, '/'-separated.

    Shoko on Windows uses backslashes. Without the folder this is the relative path; either way the file's name,
    which is what links it to an import, is the same.
    """
    relative = relative.replace("\\", "/").lstrip("/")
    if not folder:
        return relative
    return f"{folder.replace('\\', '/').rstrip('/')}/{relative}"
