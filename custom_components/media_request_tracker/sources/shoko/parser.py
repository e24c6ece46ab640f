"""Shoko Server v5 SignalR events (`ShokoEvent:*`) as tracker evidence.

Payloads are Newtonsoft JSON with PascalCase keys (`API/SignalR/Models/*EventSignalRModel.cs`). A file event is
linked to the file Radarr/Sonarr imported by its name: Shoko sees the file under its own mount (import folder +
`RelativePath`), so the full paths differ between the two while the file name does not.

Files read from the v3 REST API (the catch-up after the hub was away) become the same evidence: `pick_file` finds
the Shoko file that is an imported file, and `file_evidence` says what Shoko knows of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from ...tracker.evidence import AnimeFileMatched, AnimeFileNotMatched, AnimeFileSeen, Evidence
from ...tracker.ids import IdKey, IdKind, make_ids
from ..payload import JsonObject, PayloadError, as_object, objects, opt_bool, opt_int, req_int, req_str
from .models import ShokoFile

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


def file_evidence(
    file: ShokoFile, *, source: str, at: float, import_folders: Mapping[int, str] = _NO_FOLDERS
) -> list[Evidence]:
    """What a file from the REST API proves: matched when it has cross-references, else Shoko has it.

    The REST API cannot tell a file Shoko is still matching from one it gave up on, so an unmatched file is only
    "seen": it never enters or leaves match_failed on its own (only FileNotMatched and a later match do).
    """
    series = tuple(dict.fromkeys(x.series_id for x in file.cross_references if x.series_id is not None))
    anime = tuple(dict.fromkeys(x.anidb_anime_id for x in file.cross_references if x.anidb_anime_id is not None))
    ids = make_ids(
        files=tuple(_location_paths(file, import_folders)),
        shoko_file=file.id,
        shoko_series=series,
        anidb=anime,
    )
    if file.cross_references:
        return [AnimeFileMatched(source=source, at=at, ids=ids, file_id=str(file.id))]
    return [AnimeFileSeen(source=source, at=at, ids=ids, file_id=str(file.id))]


def pick_file(
    candidates: Iterable[ShokoFile],
    *,
    path: str,
    size: int | None,
    import_folders: Mapping[int, str] = _NO_FOLDERS,
) -> ShokoFile | None:
    """The Shoko file that is the file Radarr/Sonarr imported at `path`, among files found by its name.

    Shoko and Radarr/Sonarr mount the library at different places (`/mnt/anime` and `/data/anime`), so paths are
    compared from their end: a candidate must have the same file name, and the one that shares the most trailing
    folders wins. A candidate of another size than a known import size is another file of that name (an older copy,
    another release) and never wins.
    """
    wanted = _parts(path)
    best: ShokoFile | None = None
    best_score = 0
    for candidate in candidates:
        if size and candidate.size != size:
            continue
        score = max((_common_tail(wanted, _parts(p)) for p in _location_paths(candidate, import_folders)), default=0)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _location_paths(file: ShokoFile, import_folders: Mapping[int, str]) -> list[str]:
    """Every place of a file on the Shoko server (import folder + relative path, when the folder is known)."""
    return [_full_path(import_folders.get(place.import_folder_id), place.relative_path) for place in file.locations]


def _parts(path: str) -> list[str]:
    """A path's components, case-folded, whatever its separators."""
    return [part.casefold() for part in path.replace("\\", "/").split("/") if part]


def _common_tail(first: list[str], second: list[str]) -> int:
    """How many trailing components two paths share (0 when their file names differ)."""
    count = 0
    for one, other in zip(reversed(first), reversed(second), strict=False):
        if one != other:
            break
        count += 1
    return count
