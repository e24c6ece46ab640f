"""How to find a waiting request's items in Jellyfin: what to ask, in which order, and which answers are its items.

Jellyfin cannot filter by provider id (it ignores `AnyProviderIdEquals`), and a library name need not be the
request's title: Shokofin names an anime by its romaji title and may list a movie as a one-episode series. So the
look-up asks by the Jellyfin ids the request knows, then searches by title across the candidate item types, and
only then pages through those types, a bounded number of items; every answer is checked here, by provider ids and
by the file it plays, never by its name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from ...tracker.ids import IdKind, file_key
from ...tracker.model import TrackedRequest
from .client import PAGE_SIZE, JellyfinClient
from .models import JellyfinItem

MAX_SCANNED_ITEMS: Final = 2_000
"""At most this many items are paged through per look-up: ten pages, a household library's movies or series."""

_PROVIDERS: Final = (
    (IdKind.SHOKO_SERIES, "Shoko Series"),
    (IdKind.ANIDB, "AniDB"),
    (IdKind.TMDB_MOVIE, "Tmdb"),
    (IdKind.TMDB_TV, "Tmdb"),
    (IdKind.TVDB, "Tvdb"),
)


@dataclass(frozen=True, slots=True)
class LookupKeys:
    """What a request knows that a library item can be recognised by."""

    jellyfin_items: tuple[str, ...]
    provider_ids: tuple[tuple[str, str], ...]
    """(Jellyfin provider name, value)."""
    file_names: frozenset[str]
    title: str | None
    item_types: tuple[str, ...]

    @classmethod
    def of(cls, request: TrackedRequest) -> LookupKeys:
        """The keys of a tracked request."""
        providers = tuple((name, value) for kind, name in _PROVIDERS for value in request.ids_of(kind))
        anime = request.anime or any(request.ids_of(kind) for kind in (IdKind.SHOKO_SERIES, IdKind.ANIDB))
        if anime:
            # Shokofin may list an anime movie as a series, and a series' one movie as a movie.
            types: tuple[str, ...] = ("Movie", "Series")
        else:
            types = ("Series",) if request.media_type == "tv" else ("Movie",)
        return cls(
            jellyfin_items=tuple(request.ids_of(IdKind.JELLYFIN_ITEM)),
            provider_ids=providers,
            file_names=frozenset(request.ids_of(IdKind.FILE)),
            title=request.title,
            item_types=types,
        )

    def recognises(self, item: JellyfinItem) -> bool:
        """Whether an item is the request's: one of its provider ids, or the file it plays."""
        if any((item.provider_id(name) or "").strip() == value for name, value in self.provider_ids):
            return True
        return bool(item.path and file_key(item.path) in self.file_names)


async def find_request_items(client: JellyfinClient, request: TrackedRequest) -> list[JellyfinItem]:
    """The library items of a waiting request, asking as little as it can (none when it is not in the library)."""
    keys = LookupKeys.of(request)
    if keys.jellyfin_items and (found := await client.items_by_ids(keys.jellyfin_items)):
        return found
    if not keys.provider_ids and not keys.file_names:
        return []
    if keys.title and (found := _recognised(keys, await client.search(keys.title, keys.item_types))):
        return found
    return await _scan(client, keys)


async def _scan(client: JellyfinClient, keys: LookupKeys) -> list[JellyfinItem]:
    """Page through the candidate item types until the request's items turn up, at most MAX_SCANNED_ITEMS."""
    start = 0
    while start < MAX_SCANNED_ITEMS:
        page = await client.items_page(keys.item_types, start=start, limit=PAGE_SIZE)
        if found := _recognised(keys, page):
            return found
        if len(page) < PAGE_SIZE:
            return []
        start += len(page)
    return []


def _recognised(keys: LookupKeys, items: Iterable[JellyfinItem]) -> list[JellyfinItem]:
    return [item for item in items if keys.recognises(item)]
