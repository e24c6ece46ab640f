"""A simulated Jellyfin 12: server info and the `/Items` query, with Jellyfin's own quirks.

- Only `Authorization: MediaBrowser Token="..."` authenticates: Jellyfin 12 ignores the legacy `X-Emby-Token`,
  `X-MediaBrowser-Token` and `?api_key=` by default, so those get 401 here too.
- `AnyProviderIdEquals` is ignored (it is an Emby parameter): a query that relies on it gets every item.
- `ProviderIds` and `Path` are only in the answer when `Fields` asks for them.
- Query parameter names are case-insensitive, as ASP.NET binds them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
import re
from typing import Any

from aiohttp import web

from .base import SimulatedService

DEFAULT_API_KEY = "jellyfin-simulated-api-key"
VERSIONS = {"10.10": "10.10.7", "10.11": "10.11.6", "12": "12.0.0"}
"""Emulated releases -> the version they report."""
SERVER_ID = "5f2b1c3d4e5f60718293a4b5c6d7e8f9"

_AUTH_PARAM = re.compile(r'(\w+)="([^"]*)"')
_AUTH_SCHEMES = ("mediabrowser", "emby")
_OPTIONAL_FIELDS = ("ProviderIds", "Path")
_HAS_FILTERS = {"hastmdbid": "tmdb", "hastvdbid": "tvdb", "hasimdbid": "imdb"}


def library_item(
    *,
    item_id: str,
    name: str,
    item_type: str,
    provider_ids: Mapping[str, str] | None = None,
    path: str | None = None,
    year: int | None = None,
    series: tuple[str, str] | None = None,
    season_id: str | None = None,
    season_number: int | None = None,
    episode_number: int | None = None,
) -> dict[str, Any]:
    """A `BaseItemDto` as `/Items` returns it with `Fields=ProviderIds,Path`; `series` is (id, name)."""
    item: dict[str, Any] = {
        "Name": name,
        "ServerId": SERVER_ID,
        "Id": item_id,
        "Type": item_type,
        "IsFolder": item_type in {"Series", "Season", "BoxSet"},
        "ProviderIds": dict(provider_ids or {}),
    }
    optional = {
        "Path": path,
        "ProductionYear": year,
        "SeasonId": season_id,
        "IndexNumber": season_number if item_type == "Season" else episode_number,
        "ParentIndexNumber": season_number if item_type == "Episode" else None,
    }
    if series:
        optional["SeriesId"], optional["SeriesName"] = series
    item.update({key: value for key, value in optional.items() if value is not None})
    return item


def _token(request: web.Request) -> str | None:
    """The token of a `MediaBrowser`/`Emby` `Authorization` header (the only place Jellyfin 12 looks)."""
    scheme, _, params = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() not in _AUTH_SCHEMES:
        return None
    return {key.lower(): value for key, value in _AUTH_PARAM.findall(params)}.get("token")


def _bool(value: str | None) -> bool | None:
    """An optional boolean query value."""
    return None if value is None else value.lower() == "true"


class SimulatedJellyfin(SimulatedService):
    """Jellyfin's server info and item queries over a library that tests set."""

    def __init__(self, api_key: str = DEFAULT_API_KEY, *, server_name: str = "jellyfin", version: str = "12") -> None:
        """An empty library on one of `VERSIONS` (what `/System/Info` reports; the endpoints used are the same)."""
        self.api_key = api_key
        self.server_name = server_name
        self.version = VERSIONS[version]
        self.items: dict[str, dict[str, Any]] = {}
        self.item_queries: list[dict[str, str]] = []
        """The query of every `/Items` call, names lower-cased, so tests can tell how much a look-up asked."""
        super().__init__()
        self.app.middlewares.append(self._check_key)
        self.unscanned: dict[str, dict[str, Any]] = {}
        """Items whose files are on disk but that the library lists only after the next scan."""
        self.scans_run = 0

    def set_items(self, items: Iterable[Mapping[str, Any]]) -> None:
        """Replace the library (items as `/Items` returns them with `Fields=ProviderIds,Path`)."""
        self.items = {str(item["Id"]): dict(item) for item in items}

    def add_item(self, item: Mapping[str, Any]) -> None:
        """Add or replace one item."""
        self.items[str(item["Id"])] = dict(item)

    def add_unscanned_item(self, item: Mapping[str, Any]) -> None:
        """An item whose file has arrived: `/Items` lists it once the library is scanned."""
        self.unscanned[str(item["Id"])] = dict(item)

    def setup_routes(self, router: web.UrlDispatcher) -> None:
        router.add_get("/System/Info/Public", self._public_info)
        router.add_get("/System/Info", self._info)
        router.add_get("/Items", self._items)
        router.add_post("/Library/Refresh", self._refresh_library)

    @web.middleware
    async def _check_key(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        """Everything but the public info needs the API key in the `Authorization` header."""
        # Unknown paths get the router's 404: the real servers route before they authenticate.
        unknown = request.match_info.http_exception is not None
        if not unknown and request.path != "/System/Info/Public" and _token(request) != self.api_key:
            return web.Response(status=401)
        return await handler(request)

    def _info_body(self) -> dict[str, Any]:
        return {
            "LocalAddress": self.url,
            "ServerName": self.server_name,
            "Version": self.version,
            "ProductName": "Jellyfin Server",
            "OperatingSystem": "",
            "Id": SERVER_ID,
            "StartupWizardCompleted": True,
        }

    async def _public_info(self, _request: web.Request) -> web.Response:
        return web.json_response(self._info_body())

    async def _info(self, _request: web.Request) -> web.Response:
        return web.json_response(
            {**self._info_body(), "OperatingSystemDisplayName": "Linux", "HasUpdateAvailable": False}
        )

    async def _items(self, request: web.Request) -> web.Response:
        query = {key.lower(): value for key, value in request.query.items()}
        self.item_queries.append(query)
        matches = [item for item in self.items.values() if self._matches(item, query)]
        start = int(query.get("startindex", 0))
        limit = int(query["limit"]) if "limit" in query else len(matches)
        fields = {name.strip().lower() for name in query.get("fields", "").split(",")}
        page = [self._shown(item, fields) for item in matches[start : start + limit]]
        return web.json_response({"Items": page, "TotalRecordCount": len(matches), "StartIndex": start})

    async def _refresh_library(self, _request: web.Request) -> web.Response:
        """`LibraryController.RefreshLibrary`: 204 at once; the scan (instant here) lists the files found."""
        self.scans_run += 1
        self.items.update(self.unscanned)
        self.unscanned.clear()
        return web.Response(status=204)

    @staticmethod
    def _matches(item: Mapping[str, Any], query: Mapping[str, str]) -> bool:
        """The filters of `GET /Items` that the tracker's look-ups use."""
        if "ids" in query:
            wanted = {value.replace("-", "").lower() for value in query["ids"].split(",")}
            return str(item["Id"]).replace("-", "").lower() in wanted
        if _bool(query.get("recursive")) is not True and "parentid" not in query:
            # Without Recursive the query lists the root's children (the library folders), not media.
            return False
        return all(
            check(item, query) for check in (_type_matches, _search_matches, _parent_matches, _has_provider_matches)
        )

    @staticmethod
    def _shown(item: Mapping[str, Any], fields: set[str]) -> dict[str, Any]:
        """An item with the optional fields left out unless asked for."""
        return {key: value for key, value in item.items() if key not in _OPTIONAL_FIELDS or key.lower() in fields}


def _type_matches(item: Mapping[str, Any], query: Mapping[str, str]) -> bool:
    types = {value.strip() for value in query.get("includeitemtypes", "").split(",") if value.strip()}
    return not types or item.get("Type") in types


def _search_matches(item: Mapping[str, Any], query: Mapping[str, str]) -> bool:
    term = query.get("searchterm", "").strip().casefold()
    return not term or term in str(item.get("Name", "")).casefold()


def _parent_matches(item: Mapping[str, Any], query: Mapping[str, str]) -> bool:
    parent = query.get("parentid")
    if parent and parent not in {item.get("SeriesId"), item.get("SeasonId"), item.get("ParentId")}:
        return False
    season = query.get("parentindexnumber")
    return season is None or item.get("ParentIndexNumber") == int(season)


def _has_provider_matches(item: Mapping[str, Any], query: Mapping[str, str]) -> bool:
    providers = {key.lower() for key, value in (item.get("ProviderIds") or {}).items() if value}
    for parameter, provider in _HAS_FILTERS.items():
        wanted = _bool(query.get(parameter))
        if wanted is not None and (provider in providers) != wanted:
            return False
    return True
