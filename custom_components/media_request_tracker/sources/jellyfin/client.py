"""Jellyfin REST client: server check and the item look-ups that tell whether a request reached the library.

Jellyfin has no working filter by provider id: `AnyProviderIdEquals` is an Emby parameter that Jellyfin ignores
(it returns every item), so this client never sends it. Items are found by id (Seerr's `jellyfinMediaId`, the
webhook's `ItemId`), by title search, or by paging through items that have the provider id at all, and the
provider ids are compared here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import batched
from urllib.parse import urlencode

import aiohttp

from ..http import JsonApi
from ..payload import as_object, opt_int, opt_list
from ..records import read_answer, read_records
from .models import JellyfinItem, JellyfinServerInfo

ITEM_FIELDS = "ProviderIds,Path"
"""Jellyfin leaves both out of `/Items` answers unless asked for."""

PAGE_SIZE = 200
"""Items fetched per call while scanning the library."""

IDS_PER_CALL = 50
"""Item ids per `/Items?Ids=` call, to keep URLs short."""

DEFAULT_ITEM_TYPES = ("Movie", "Series")

_HAS_PROVIDER_FILTER = {"tmdb": "HasTmdbId", "tvdb": "HasTvdbId", "imdb": "HasImdbId"}
"""The provider filters Jellyfin's `/Items` does implement (presence only, not value)."""


def authorization_header(api_key: str) -> str:
    """The `Authorization` value for an API key: the only form Jellyfin 12 still accepts.

    Jellyfin 12 turns legacy authorization off by default, after which `X-Emby-Token`, `X-MediaBrowser-Token`,
    `X-Emby-Authorization` and `?api_key=` are ignored; this header works from 10.8 on.
    """
    return f'MediaBrowser Token="{api_key}"'


class JellyfinClient:
    """A typed client for one Jellyfin server over a shared aiohttp session.

    Every method raises `CannotConnect`, `InvalidAuth` or `UnexpectedResponse` (from `sources.errors`).
    """

    def __init__(self, session: aiohttp.ClientSession, url: str, api_key: str, *, verify_ssl: bool = True) -> None:
        """Prepare calls to the server at `url` (a base URL such as `/jellyfin` is kept)."""
        self._api = JsonApi(
            session, url, headers={"Authorization": authorization_header(api_key)}, verify_ssl=verify_ssl
        )
        # The public info answers without a key; sending none keeps "is this Jellyfin" apart from "is the key ok".
        self._anonymous = JsonApi(session, url, verify_ssl=verify_ssl)
        self.skipped: Counter[str] = Counter()
        """Records left out because they did not read, by collection (`items`), since the client was made."""

    async def public_info(self) -> JellyfinServerInfo:
        """Name, version and id; `UnexpectedResponse` when the server is not Jellyfin."""
        return read_answer(JellyfinServerInfo.from_json, await self._anonymous.get("/System/Info/Public"))

    async def validate(self) -> JellyfinServerInfo:
        """Check the server and the key (`/System/Info` needs a valid key)."""
        await self.public_info()
        return read_answer(JellyfinServerInfo.from_json, await self._api.get("/System/Info"))

    async def refresh_library(self) -> None:
        """Start a scan of every library (`POST /Library/Refresh`, 204); it runs on after the answer.

        Jellyfin lets only administrators do this: an API key made in the dashboard is one.
        """
        await self._api.request("POST", "/Library/Refresh")

    async def items_by_ids(self, ids: Iterable[str]) -> list[JellyfinItem]:
        """The items with these ids that exist (unknown ids are simply absent from the answer)."""
        items: list[JellyfinItem] = []
        for chunk in batched(dict.fromkeys(ids), IDS_PER_CALL, strict=False):
            items.extend(await self._items({"Ids": ",".join(chunk)}))
        return items

    async def search(
        self, term: str, item_types: Sequence[str] = DEFAULT_ITEM_TYPES, *, limit: int = 50
    ) -> list[JellyfinItem]:
        """Items of these types whose name matches `term`, with provider ids and paths."""
        return await self._items(
            {"SearchTerm": term, "IncludeItemTypes": ",".join(item_types), "Recursive": "true", "Limit": limit}
        )

    async def items_by_provider(
        self,
        provider: str,
        value: str | int,
        item_types: Sequence[str] = DEFAULT_ITEM_TYPES,
        *,
        title: str | None = None,
    ) -> list[JellyfinItem]:
        """Items whose provider id `provider` (e.g. "Tmdb", "Tvdb", "AniDB", "Shoko Series") equals `value`.

        With `title` this is one search by name, filtered here: cheap, but it misses items whose library name
        differs from the title. Without it the library's items of these types are paged through (only those
        that have a TMDB/TVDB/IMDb id, when the provider is one of those): complete, but a full scan.
        """
        wanted = str(value).strip()
        candidates = (
            await self.search(title, item_types, limit=PAGE_SIZE)
            if title
            else await self._scan(item_types, _HAS_PROVIDER_FILTER.get(provider.casefold()))
        )
        return [item for item in candidates if (item.provider_id(provider) or "").strip() == wanted]

    async def items_page(self, item_types: Sequence[str], *, start: int, limit: int = PAGE_SIZE) -> list[JellyfinItem]:
        """One page of the library's items of these types, with provider ids and paths (for a bounded scan)."""
        return await self._items(
            {"IncludeItemTypes": ",".join(item_types), "Recursive": "true", "StartIndex": start, "Limit": limit}
        )

    async def episodes(self, series_id: str, *, season: int | None = None) -> list[JellyfinItem]:
        """The episodes of a series in the library (of one season when `season` is given)."""
        params: dict[str, str | int] = {"ParentId": series_id, "IncludeItemTypes": "Episode", "Recursive": "true"}
        if season is not None:
            params["ParentIndexNumber"] = season
        return await self._paged(params)

    async def _scan(self, item_types: Sequence[str], has_filter: str | None) -> list[JellyfinItem]:
        """Every item of these types, optionally only those having one kind of provider id."""
        params: dict[str, str | int] = {"IncludeItemTypes": ",".join(item_types), "Recursive": "true"}
        if has_filter:
            params[has_filter] = "true"
        return await self._paged(params)

    async def _paged(self, params: Mapping[str, str | int]) -> list[JellyfinItem]:
        """All pages of an `/Items` query."""
        found: dict[str, JellyfinItem] = {}
        start = 0
        while True:
            data = await self._api.get(
                "/Items", {**params, "Fields": ITEM_FIELDS, "StartIndex": start, "Limit": PAGE_SIZE}
            )
            page = read_answer(_Page.from_json, data)
            before = len(found)
            for item in self._read(page.items):
                found.setdefault(item.id, item)
            start += len(page.items)
            # A page that adds nothing new means the server ignored `StartIndex`: stop instead of looping.
            if not page.items or start >= page.total or len(found) == before:
                return list(found.values())

    async def _items(self, params: Mapping[str, str | int]) -> list[JellyfinItem]:
        """One `/Items` call with the fields the tracker needs."""
        page = read_answer(_Page.from_json, await self._api.get("/Items", {**params, "Fields": ITEM_FIELDS}))
        return self._read(page.items)

    def _read(self, items: list[object]) -> list[JellyfinItem]:
        """The items that read; the others are skipped and counted."""
        return read_records(items, JellyfinItem.from_json, service="Jellyfin", collection="items", skipped=self.skipped)


@dataclass(frozen=True, slots=True)
class _Page:
    """An `/Items` answer: its items, still unread, and the total number of matches."""

    items: list[object]
    total: int

    @classmethod
    def from_json(cls, data: object) -> _Page:
        what = "Jellyfin items"
        obj = as_object(data, what)
        items = opt_list(obj, "Items", what)
        total = opt_int(obj, "TotalRecordCount", what)
        return cls(items=items, total=len(items) if total is None else total)


def item_web_url(base_url: str, item_id: str, server_id: str) -> str:
    """The Jellyfin web page of a library item: where "watch now" opens.

    The web client routes by hash; `serverId` (the `Id` of `/System/Info/Public`) lets it pick the right server
    when the browser knows several.
    """
    query = urlencode({"id": item_id, "serverId": server_id})
    return f"{base_url.rstrip('/')}/web/#/details?{query}"
