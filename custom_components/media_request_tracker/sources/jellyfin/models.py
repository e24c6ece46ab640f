"""Typed views of the Jellyfin REST answers the tracker needs (PascalCase keys, as Jellyfin sends them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..payload import PayloadError, as_object, opt_id, opt_int, opt_object, opt_str, req_str

PRODUCT_NAME_PREFIX = "Jellyfin"
"""Jellyfin's `/System/Info/Public` says `ProductName: "Jellyfin Server"`; Emby's has no such field."""


@dataclass(frozen=True, slots=True)
class JellyfinServerInfo:
    """`/System/Info/Public` or `/System/Info`."""

    id: str
    server_name: str
    version: str

    @classmethod
    def from_json(cls, data: Any) -> JellyfinServerInfo:
        """Parse the server info; a server that does not call itself Jellyfin is `UnexpectedResponse`."""
        what = "Jellyfin system info"
        obj = as_object(data, what)
        product = opt_str(obj, "ProductName", what)
        if not product or not product.startswith(PRODUCT_NAME_PREFIX):
            raise PayloadError(f"{what}: the server is not Jellyfin")
        return cls(
            id=req_str(obj, "Id", what),
            server_name=opt_str(obj, "ServerName", what) or "",
            version=req_str(obj, "Version", what),
        )


@dataclass(frozen=True, slots=True)
class JellyfinItem:
    """A library item (`BaseItemDto`) with the fields the tracker correlates on."""

    id: str
    """32 hex digits without dashes, as the REST API and the webhook plugin both write it."""
    name: str
    type: str
    """`Movie`, `Series`, `Season`, `Episode`, ..."""
    provider_ids: Mapping[str, str]
    """As Jellyfin stores them: `Tmdb`, `Imdb`, `Tvdb`, and with Shokofin `AniDB`, `Shoko Series`, ..."""
    path: str | None
    """With Shokofin this is a path inside its virtual file system, not the Radarr/Sonarr path."""
    year: int | None
    series_id: str | None
    series_name: str | None
    season_id: str | None
    season_number: int | None
    """The season of an episode (`ParentIndexNumber`) or a season's own number (`IndexNumber`)."""
    episode_number: int | None
    episode_number_end: int | None
    """The last episode of a multi-episode file."""
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    def provider_id(self, provider: str) -> str | None:
        """One provider id, matched case-insensitively (the webhook plugin lower-cases the names)."""
        wanted = provider.casefold()
        return next((value for key, value in self.provider_ids.items() if key.casefold() == wanted), None)

    @classmethod
    def from_json(cls, data: Any) -> JellyfinItem:
        """Parse one item of an `/Items` answer."""
        what = "Jellyfin item"
        obj = as_object(data, what)
        item_type = req_str(obj, "Type", what)
        index = opt_int(obj, "IndexNumber", what)
        providers = opt_object(obj, "ProviderIds", what) or {}
        return cls(
            id=req_str(obj, "Id", what),
            name=opt_str(obj, "Name", what) or "",
            type=item_type,
            provider_ids={
                key: value
                for key in providers
                if isinstance(key, str) and (value := opt_id(providers, key, f"{what} ProviderIds")) is not None
            },
            path=opt_str(obj, "Path", what),
            year=opt_int(obj, "ProductionYear", what),
            series_id=opt_str(obj, "SeriesId", what),
            series_name=opt_str(obj, "SeriesName", what),
            season_id=opt_str(obj, "SeasonId", what),
            season_number=index if item_type == "Season" else opt_int(obj, "ParentIndexNumber", what),
            episode_number=index if item_type == "Episode" else None,
            episode_number_end=opt_int(obj, "IndexNumberEnd", what),
            raw=obj,
        )
