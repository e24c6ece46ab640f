"""Typed views of the Shoko Server v3 REST answers the tracker needs, parsed strictly.

Shoko serialises with Newtonsoft's default contract resolver, so every key is PascalCase exactly as the
C# property (`Shoko.Server/API/v3/Models/...` on the v5 release branch). Parsing keeps only the fields used
for correlation and raises `UnexpectedResponse` when one of them is missing or has the wrong type, so a
server that is not Shoko (or a future incompatible one) gives one clear error instead of a `KeyError` deep
in the tracker.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
import re
from typing import Any

from ..errors import UnexpectedResponse
from ..fields import int_field, json_object, list_field, opt_datetime_field, opt_int_field, opt_str_field, str_field

SUPPORTED_MAJOR_VERSION = 5
"""The server line whose hub, event names and REST shapes this package speaks (v6 renamed all events)."""

_MAJOR_VERSION = re.compile(r"^\s*v?(\d+)")


def _mapping(value: Any, what: str) -> Mapping[str, Any]:
    return json_object(value, f"Shoko {what}")


def _list(obj: Mapping[str, Any], key: str, what: str) -> list[Any]:
    """An array field; absent or null counts as empty (Shoko leaves out empty optional lists)."""
    return list_field(obj, key, f"Shoko {what}")


def _int(obj: Mapping[str, Any], key: str, what: str) -> int:
    return int_field(obj, key, f"Shoko {what}")


def _opt_int(obj: Mapping[str, Any], key: str, what: str) -> int | None:
    """An integer that may be null (Shoko ids not created yet are null)."""
    return opt_int_field(obj, key, f"Shoko {what}")


def _str(obj: Mapping[str, Any], key: str, what: str) -> str:
    return str_field(obj, key, f"Shoko {what}")


def _opt_str(obj: Mapping[str, Any], key: str, what: str) -> str | None:
    return opt_str_field(obj, key, f"Shoko {what}")


def _ints(obj: Mapping[str, Any], key: str, what: str) -> tuple[int, ...]:
    """An array of integers (absent means empty)."""
    values = _list(obj, key, what)
    if not all(isinstance(value, int) and not isinstance(value, bool) for value in values):
        raise UnexpectedResponse(f"Shoko {what}: {key} holds something other than integers")
    return tuple(values)


def _strs(obj: Mapping[str, Any], key: str, what: str) -> tuple[str, ...]:
    """An array of strings (absent means empty)."""
    values = _list(obj, key, what)
    if not all(isinstance(value, str) for value in values):
        raise UnexpectedResponse(f"Shoko {what}: {key} holds something other than strings")
    return tuple(values)


def _tmdb_ids(obj: Mapping[str, Any], what: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The `TMDB: {Movie: [...], Show: [...]}` cross-reference block, as (movie ids, show ids)."""
    tmdb = obj.get("TMDB")
    if tmdb is None:
        return (), ()
    block = _mapping(tmdb, f"{what} TMDB")
    return _ints(block, "Movie", what), _ints(block, "Show", what)


@dataclass(frozen=True, slots=True)
class ShokoVersion:
    """The server component of `GET /api/v3/Init/Version` (a `ComponentVersionSet`)."""

    version: str
    """v5 sends the assembly version ("5.3.3.0"); v6 a semantic version ("6.0.0-dev.425")."""
    channel: str | None
    """`ReleaseChannel`: "Stable", "Dev", "Debug" (or "Auto")."""
    tag: str | None
    commit: str | None
    released: datetime | None

    @property
    def major(self) -> int | None:
        """The major version number, when the version string starts with one."""
        match = _MAJOR_VERSION.match(self.version)
        return int(match.group(1)) if match else None

    @property
    def is_supported(self) -> bool:
        """Whether this server speaks the v5 hub and event names (v6 renamed them all; v4 used other hubs)."""
        return self.major == SUPPORTED_MAJOR_VERSION

    @classmethod
    def from_json(cls, data: Any) -> ShokoVersion:
        """Parse the version set; only its `Server` entry matters."""
        server = _mapping(_mapping(data, "version").get("Server"), "version Server")
        return cls(
            version=_str(server, "Version", "version"),
            channel=_opt_str(server, "ReleaseChannel", "version"),
            tag=_opt_str(server, "Tag", "version"),
            commit=_opt_str(server, "Commit", "version"),
            released=opt_datetime_field(server, "ReleaseDate", "Shoko version"),
        )


@dataclass(frozen=True, slots=True)
class ShokoImportFolder:
    """An import folder: the root that a file location's relative path hangs from (`ImportFolder.cs`)."""

    id: int
    name: str | None
    path: str
    """As the Shoko server sees it (its own mount point, not the *arr one)."""

    @classmethod
    def from_json(cls, data: Any) -> ShokoImportFolder:
        """Parse one import folder."""
        obj = _mapping(data, "import folder")
        return cls(
            id=_int(obj, "ID", "import folder"),
            name=_opt_str(obj, "Name", "import folder"),
            path=_str(obj, "Path", "import folder"),
        )


@dataclass(frozen=True, slots=True)
class ShokoFileLocation:
    """One place on disk where a file is (`File.Location`)."""

    id: int | None
    import_folder_id: int
    relative_path: str
    """Relative to the import folder, no leading separator, in the server's own separators."""
    accessible: bool | None

    @classmethod
    def from_json(cls, data: Any) -> ShokoFileLocation:
        """Parse one location."""
        obj = _mapping(data, "file location")
        accessible = obj.get("IsAccessible")
        return cls(
            id=_opt_int(obj, "ID", "file location"),
            import_folder_id=_int(obj, "ImportFolderID", "file location"),
            relative_path=_str(obj, "RelativePath", "file location"),
            accessible=accessible if isinstance(accessible, bool) else None,
        )


@dataclass(frozen=True, slots=True)
class ShokoFileCrossReference:
    """A file's link to one series and some of its episodes (`FileCrossReference.cs`)."""

    series_id: int | None
    """Shoko series id; null while Shoko has not created the series yet."""
    anidb_anime_id: int | None
    tmdb_movie_ids: tuple[int, ...]
    tmdb_show_ids: tuple[int, ...]
    episode_ids: tuple[int, ...]
    """Shoko episode ids that exist already (episodes not created yet are left out)."""
    anidb_episode_ids: tuple[int, ...]

    @classmethod
    def from_json(cls, data: Any) -> ShokoFileCrossReference:
        """Parse one `{SeriesID: {...}, EpisodeIDs: [...]}` entry."""
        obj = _mapping(data, "cross-reference")
        series = _mapping(obj.get("SeriesID"), "cross-reference SeriesID")
        raw_episodes = _list(obj, "EpisodeIDs", "cross-reference")
        episodes = [_mapping(item, "cross-reference episode") for item in raw_episodes]
        movies, shows = _tmdb_ids(series, "cross-reference series")
        shoko_episodes = (_opt_int(episode, "ID", "cross-reference episode") for episode in episodes)
        anidb_episodes = (_opt_int(episode, "AniDB", "cross-reference episode") for episode in episodes)
        return cls(
            series_id=_opt_int(series, "ID", "cross-reference series"),
            anidb_anime_id=_opt_int(series, "AniDB", "cross-reference series"),
            tmdb_movie_ids=movies,
            tmdb_show_ids=shows,
            episode_ids=tuple(episode for episode in shoko_episodes if episode is not None),
            anidb_episode_ids=tuple(episode for episode in anidb_episodes if episode is not None),
        )


@dataclass(frozen=True, slots=True)
class ShokoFile:
    """A Shoko file (a video, `File.cs`); `id` is the `FileID` the SignalR file events carry."""

    id: int
    size: int
    ed2k: str | None
    locations: tuple[ShokoFileLocation, ...]
    cross_references: tuple[ShokoFileCrossReference, ...]
    """Empty when the file is not matched (or when it was fetched without cross-references)."""

    @classmethod
    def from_json(cls, data: Any) -> ShokoFile:
        """Parse one file."""
        obj = _mapping(data, "file")
        hashes = obj.get("Hashes")
        return cls(
            id=_int(obj, "ID", "file"),
            size=_int(obj, "Size", "file"),
            ed2k=_opt_str(_mapping(hashes, "file Hashes"), "ED2K", "file") if hashes is not None else None,
            locations=tuple(ShokoFileLocation.from_json(item) for item in _list(obj, "Locations", "file")),
            cross_references=tuple(ShokoFileCrossReference.from_json(item) for item in _list(obj, "SeriesIDs", "file")),
        )


@dataclass(frozen=True, slots=True)
class ShokoSeries:
    """A Shoko series with the ids that tie it to AniDB, TMDB, TvDB and IMDb (`Series.cs`, `SeriesIDs`)."""

    id: int
    name: str | None
    anidb_id: int | None
    tmdb_movie_ids: tuple[int, ...]
    tmdb_show_ids: tuple[int, ...]
    tvdb_ids: tuple[int, ...]
    imdb_ids: tuple[str, ...]
    mal_ids: tuple[int, ...]

    @classmethod
    def from_json(cls, data: Any) -> ShokoSeries:
        """Parse one series."""
        obj = _mapping(data, "series")
        ids = _mapping(obj.get("IDs"), "series IDs")
        movies, shows = _tmdb_ids(ids, "series IDs")
        return cls(
            id=_int(ids, "ID", "series IDs"),
            name=_opt_str(obj, "Name", "series"),
            anidb_id=_opt_int(ids, "AniDB", "series IDs"),
            tmdb_movie_ids=movies,
            tmdb_show_ids=shows,
            tvdb_ids=_ints(ids, "TvDB", "series IDs"),
            imdb_ids=_strs(ids, "IMDB", "series IDs"),
            mal_ids=_ints(ids, "MAL", "series IDs"),
        )
