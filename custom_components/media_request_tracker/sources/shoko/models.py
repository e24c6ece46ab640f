"""Typed views of the Shoko Server v3 REST answers the tracker needs, parsed strictly.

Shoko serialises with Newtonsoft's default contract resolver, so every key is PascalCase exactly as the
C# property (`Shoko.Server/API/v3/Models/...` on the v5 release branch). Parsing keeps only the fields used
for correlation and raises `UnexpectedResponse` when one of them is missing or has the wrong type, so a
server that is not Shoko (or a future incompatible one) gives one clear error instead of a `KeyError` deep
in the tracker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
import re
from typing import Any

from ..payload import (
    JsonObject,
    as_object,
    integers,
    objects,
    opt_bool,
    opt_datetime,
    opt_int,
    opt_object,
    opt_str,
    req_int,
    req_object,
    req_str,
    strings,
)

SUPPORTED_MAJOR_VERSION = 5
"""The server line whose hub, event names and REST shapes this package speaks (v6 renamed all events)."""

_MAJOR_VERSION = re.compile(r"^\s*v?(\d+)")


def _tmdb_ids(obj: JsonObject, what: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The `TMDB: {Movie: [...], Show: [...]}` cross-reference block, as (movie ids, show ids)."""
    tmdb = opt_object(obj, "TMDB", what)
    if tmdb is None:
        return (), ()
    return tuple(integers(tmdb, "Movie", f"{what} TMDB")), tuple(integers(tmdb, "Show", f"{what} TMDB"))


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
        what = "Shoko version Server"
        server = req_object(as_object(data, "Shoko version"), "Server", "Shoko version")
        return cls(
            version=req_str(server, "Version", what),
            channel=opt_str(server, "ReleaseChannel", what),
            tag=opt_str(server, "Tag", what),
            commit=opt_str(server, "Commit", what),
            released=opt_datetime(server, "ReleaseDate", what),
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
        what = "Shoko import folder"
        obj = as_object(data, what)
        return cls(id=req_int(obj, "ID", what), name=opt_str(obj, "Name", what), path=req_str(obj, "Path", what))


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
        what = "Shoko file location"
        obj = as_object(data, what)
        return cls(
            id=opt_int(obj, "ID", what),
            import_folder_id=req_int(obj, "ImportFolderID", what),
            relative_path=req_str(obj, "RelativePath", what),
            accessible=opt_bool(obj, "IsAccessible", what),
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
        what = "Shoko cross-reference"
        obj = as_object(data, what)
        series = req_object(obj, "SeriesID", what)
        episodes = objects(obj, "EpisodeIDs", what)
        movies, shows = _tmdb_ids(series, f"{what} series")
        shoko_episodes = (opt_int(episode, "ID", f"{what} episode") for episode in episodes)
        anidb_episodes = (opt_int(episode, "AniDB", f"{what} episode") for episode in episodes)
        return cls(
            series_id=opt_int(series, "ID", f"{what} series"),
            anidb_anime_id=opt_int(series, "AniDB", f"{what} series"),
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
        what = "Shoko file"
        obj = as_object(data, what)
        hashes = opt_object(obj, "Hashes", what)
        return cls(
            id=req_int(obj, "ID", what),
            size=req_int(obj, "Size", what),
            ed2k=None if hashes is None else opt_str(hashes, "ED2K", f"{what} Hashes"),
            locations=tuple(ShokoFileLocation.from_json(item) for item in objects(obj, "Locations", what)),
            cross_references=tuple(ShokoFileCrossReference.from_json(item) for item in objects(obj, "SeriesIDs", what)),
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
        what = "Shoko series"
        obj = as_object(data, what)
        ids = req_object(obj, "IDs", what)
        movies, shows = _tmdb_ids(ids, f"{what} IDs")
        return cls(
            id=req_int(ids, "ID", f"{what} IDs"),
            name=opt_str(obj, "Name", what),
            anidb_id=opt_int(ids, "AniDB", f"{what} IDs"),
            tmdb_movie_ids=movies,
            tmdb_show_ids=shows,
            tvdb_ids=tuple(integers(ids, "TvDB", f"{what} IDs")),
            imdb_ids=tuple(strings(ids, "IMDB", f"{what} IDs")),
            mal_ids=tuple(integers(ids, "MAL", f"{what} IDs")),
        )
