"""Jellyfin library items as tracker evidence: the webhook plugin's ItemAdded and items of the REST `/Items` answer.

Which provider ids can identify the requested media depends on the item type. A movie's and a series' own ids do.
A season's and an episode's TVDB/TMDB/IMDB ids are the season's or episode's own, never the series', and so
is an episode's AniDB id; what they share with their series is its Jellyfin id (`SeriesId`) and, with Shokofin,
the Shoko series (a Shokofin season is one Shoko series, whose AniDB id it also carries: `Providers/SeasonProvider.cs`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
import posixpath
from typing import Final

from ...tracker.evidence import EpisodeKey, Evidence, LibraryItemFound, MediaInfo, MediaType
from ...tracker.ids import COPY_4K, IdKey, copy_of_path, make_ids
from ..payload import (
    JsonObject,
    PayloadError,
    as_object,
    objects,
    opt_id,
    opt_int,
    opt_int_or_text,
    opt_object,
    opt_str,
    req_str,
)

_ITEM_ADDED: Final = "ItemAdded"
_PROVIDER_PREFIX: Final = "Provider_"
_MAX_EPISODES_PER_ITEM: Final = 50
"""A multi-episode item spans a few episodes; a wider range is not real data."""

# Provider names, case-folded: the webhook plugin lower-cases them, the REST API keeps Jellyfin's spelling.
_TMDB, _TVDB, _IMDB, _ANIDB = "tmdb", "tvdb", "imdb", "anidb"
_SHOKO_SERIES, _SHOKO_FILE = "shoko series", "shoko file"


@dataclass(frozen=True, slots=True)
class _Item:
    """The fields of a library item the tracker reads, whichever way Jellyfin reported it."""

    type: str
    id: str
    name: str | None = None
    year: int | None = None
    series_id: str | None = None
    series_name: str | None = None
    season: int | None = None
    episode: int | None = None
    episode_end: int | None = None
    providers: Mapping[str, str] = field(default_factory=dict)
    """Provider ids by case-folded provider name."""
    paths: tuple[str, ...] = ()
    """The item's own path and its media sources' (a movie with a 4K and a 1080p version lists both files)."""


def parse_item_added(body: object, *, source: str, at: float) -> list[Evidence]:
    """Evidence from one jellyfin-plugin-webhook notification of the Jellyfin server `source`.

    Only ItemAdded tells of the library; other notifications (playback, users, ...) give nothing.
    """
    what = "Jellyfin webhook"
    payload = as_object(body, what)
    if req_str(payload, "NotificationType", what) != _ITEM_ADDED:
        return []
    providers = {
        key.removeprefix(_PROVIDER_PREFIX).casefold(): value
        for key in payload
        if isinstance(key, str)
        and key.startswith(_PROVIDER_PREFIX)
        and (value := opt_id(payload, key, what)) is not None
    }
    item = _Item(
        type=req_str(payload, "ItemType", what),
        id=req_str(payload, "ItemId", what),
        name=opt_str(payload, "Name", what),
        year=opt_int_or_text(payload, "Year", what),
        series_id=opt_str(payload, "SeriesId", what),
        series_name=opt_str(payload, "SeriesName", what),
        season=opt_int_or_text(payload, "SeasonNumber", what),
        episode=opt_int_or_text(payload, "EpisodeNumber", what),
        episode_end=opt_int_or_text(payload, "EpisodeNumberEnd", what),
        providers=providers,
        paths=_paths(opt_str(payload, "Path", what), []),
    )
    return _evidence(item, source=source, at=at)


def parse_item(item: Mapping[str, object], *, source: str, at: float) -> list[Evidence]:
    """Evidence from one item of a REST `/Items` answer of the Jellyfin server `source` (same rules as ItemAdded)."""
    what = "Jellyfin item"
    obj = as_object(item, what)
    item_type = req_str(obj, "Type", what)
    ids = opt_object(obj, "ProviderIds", what) or {}
    index = opt_int(obj, "IndexNumber", what)
    parsed = _Item(
        type=item_type,
        id=req_str(obj, "Id", what),
        name=opt_str(obj, "Name", what),
        year=opt_int(obj, "ProductionYear", what),
        series_id=opt_str(obj, "SeriesId", what),
        series_name=opt_str(obj, "SeriesName", what),
        # A season's number is its own index; an episode's season is its parent's index.
        season=index if item_type == "Season" else opt_int(obj, "ParentIndexNumber", what),
        episode=index if item_type == "Episode" else None,
        episode_end=opt_int(obj, "IndexNumberEnd", what),
        providers=_provider_ids(ids, what),
        paths=_paths(
            opt_str(obj, "Path", what),
            [opt_str(source_, "Path", f"{what} MediaSources") for source_ in objects(obj, "MediaSources", what)],
        ),
    )
    return _evidence(parsed, source=source, at=at)


def _paths(own: str | None, sources: list[str | None]) -> tuple[str, ...]:
    """The distinct paths of an item, its own first."""
    return tuple(dict.fromkeys(path for path in (own, *sources) if path))


def _provider_ids(ids: JsonObject, what: str) -> dict[str, str]:
    """`ProviderIds` by case-folded name, without empty values."""
    found: dict[str, str] = {}
    for key in ids:
        if isinstance(key, str) and (value := opt_id(ids, key, f"{what} ProviderIds")) is not None:
            found[key.casefold()] = value
    return found


def _evidence(item: _Item, *, source: str, at: float) -> list[Evidence]:
    """What a library item proves, by its type; other types (music, books, folders, ...) give nothing."""
    match item.type:
        case "Movie":
            found = _found(item, item.id, _series_ids(item, MediaType.MOVIE), source=source, at=at)
        case "Series":
            found = _found(item, item.id, _series_ids(item, MediaType.TV), source=source, at=at)
        case "Season":
            # A season shares no id of its own with the request: it names its series (no episodes, so the
            # tracker counts every imported episode of the series as in the library).
            found = _found(item, item.series_id, _anime_ids(item, anidb=True), source=source, at=at)
        case "Episode":
            episodes = _episodes(item)
            if not episodes:
                # An episode that does not say which one it is cannot stand for the whole series.
                return []
            ids = _anime_ids(item, anidb=False)
            found = _found(item, item.series_id, ids, source=source, at=at, episodes=episodes)
        case _:
            return []
    if not found.ids:
        return []
    return [replace(found, ids=found.ids | ids) for ids in _copies(item)] or [found]


_MEDIA_LEVELS: Final[Mapping[str, int]] = {"Movie": 2, "Series": 1, "Episode": 3}
"""How many trailing segments of an item's path are the media's own (its file, its folders)."""


def _copies(item: _Item) -> list[frozenset[IdKey]]:
    """What an item's paths say: for each, the file it plays and the copy (4K or standard) its library holds.

    A movie may list two versions (a 4K and a 1080p file in one folder): each is the library item of the request
    that imported that file. Shokofin's paths lead into its virtual file system and say nothing of the sort.
    """
    levels = _MEDIA_LEVELS.get(item.type)
    if levels is None or _is_shokofin(item):
        return []
    if item.type == "Series":
        return [make_ids(copy=copy_of_path(path, media_levels=levels)) for path in item.paths]
    return [make_ids(files=(path,), copy=_copy_of_file(path, levels)) for path in item.paths]


def _copy_of_file(path: str, levels: int) -> str | None:
    """The copy a library file belongs to: its library's folders decide; a file name alone does not.

    A 2160p file in a standard library is either the 4K version beside the HD one, or a standard instance's
    upgrade to a 2160p release: no copy then, and the file names the request that imported it.
    """
    by_folders = copy_of_path(posixpath.dirname(path.replace("\\", "/")), media_levels=levels - 1)
    if by_folders == COPY_4K or copy_of_path(path, media_levels=levels) == by_folders:
        return by_folders
    return None


def _is_shokofin(item: _Item) -> bool:
    return any(provider in item.providers for provider in (_SHOKO_SERIES, _SHOKO_FILE, _ANIDB))


def _found(
    item: _Item,
    jellyfin_id: str | None,
    ids: frozenset[IdKey],
    *,
    source: str,
    at: float,
    episodes: frozenset[EpisodeKey] = frozenset(),
) -> LibraryItemFound:
    """The evidence for an item known by `jellyfin_id` (its own, or its series') and `ids`."""
    is_movie = item.type == "Movie"
    media = MediaInfo(
        title=item.name if item.type in ("Movie", "Series") else item.series_name,
        year=item.year or None,
        media_type=MediaType.MOVIE if is_movie else MediaType.TV,
    )
    return LibraryItemFound(
        source=source,
        at=at,
        ids=ids | make_ids(jellyfin_item=jellyfin_id),
        media=media,
        episodes=episodes,
        item_type=item.type,
    )


def _series_ids(item: _Item, media_type: MediaType) -> frozenset[IdKey]:
    """The ids of a movie or series item: all of its provider ids name the media itself."""
    providers = item.providers
    ids = make_ids(
        tmdb=providers.get(_TMDB),
        media_type=media_type,
        tvdb=providers.get(_TVDB) if media_type is MediaType.TV else None,
        imdb=providers.get(_IMDB),
        # Shokofin gives a movie the Shoko file it plays; the file id is Shoko's video id, as in its events.
        shoko_file=providers.get(_SHOKO_FILE) if media_type is MediaType.MOVIE else None,
    )
    return ids | _anime_ids(item, anidb=True)


def _anime_ids(item: _Item, *, anidb: bool) -> frozenset[IdKey]:
    """The Shoko series (and, unless the item is an episode, the AniDB anime) a Shokofin item belongs to."""
    series = item.providers.get(_SHOKO_SERIES)
    anime = item.providers.get(_ANIDB) if anidb else None
    return make_ids(shoko_series=(series,) if series else (), anidb=(anime,) if anime else ())


def _episodes(item: _Item) -> frozenset[EpisodeKey]:
    """The episodes an episode item holds: EpisodeNumber through EpisodeNumberEnd of its season."""
    if item.season is None or item.episode is None:
        return frozenset()
    last = item.episode_end if item.episode_end is not None and item.episode_end > item.episode else item.episode
    if last - item.episode >= _MAX_EPISODES_PER_ITEM:
        raise PayloadError("Jellyfin item: episode range is too wide")
    return frozenset((item.season, number) for number in range(item.episode, last + 1))
