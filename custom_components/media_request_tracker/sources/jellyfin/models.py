"""Typed views of the Jellyfin REST answers the tracker needs (PascalCase keys, as Jellyfin sends them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import UnexpectedResponse
from ..fields import json_object, opt_int_field, opt_str_field, str_field

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
        obj = json_object(data, what)
        product = opt_str_field(obj, "ProductName", what)
        if not product or not product.startswith(PRODUCT_NAME_PREFIX):
            raise UnexpectedResponse(f"{what}: the server is not Jellyfin")
        return cls(
            id=str_field(obj, "Id", what),
            server_name=opt_str_field(obj, "ServerName", what) or "",
            version=str_field(obj, "Version", what),
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
        obj = json_object(data, what)
        item_type = str_field(obj, "Type", what)
        index = opt_int_field(obj, "IndexNumber", what)
        parent_index = opt_int_field(obj, "ParentIndexNumber", what)
        providers = obj.get("ProviderIds")
        return cls(
            id=str_field(obj, "Id", what),
            name=opt_str_field(obj, "Name", what) or "",
            type=item_type,
            provider_ids={
                str(key): str(value)
                for key, value in (json_object(providers, what).items() if providers is not None else ())
                if value not in (None, "")
            },
            path=opt_str_field(obj, "Path", what),
            year=opt_int_field(obj, "ProductionYear", what),
            series_id=opt_str_field(obj, "SeriesId", what),
            series_name=opt_str_field(obj, "SeriesName", what),
            season_id=opt_str_field(obj, "SeasonId", what),
            season_number=index if item_type == "Season" else parent_index,
            episode_number=index if item_type == "Episode" else None,
            episode_number_end=opt_int_field(obj, "IndexNumberEnd", what),
            raw=obj,
        )
