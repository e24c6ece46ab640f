"""Typed views of the Seerr REST answers the tracker needs.

Seerr, Jellyseerr and Overseerr share the `/api/v1` API. Their numeric enums differ: request statuses 1-5 agree,
media statuses agree up to 5 (AVAILABLE) and then diverge (BLOCKLISTED/DELETED), so media statuses are kept as
the raw numbers and only the values all forks share are named here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum, IntFlag
import json
from typing import Any

from yarl import URL

from ..payload import (
    as_object,
    objects,
    opt_bool,
    opt_datetime,
    opt_int,
    opt_object,
    opt_str,
    req_int,
    req_object,
    req_str,
)


class NotificationType(IntFlag):
    """Seerr's notification types; the webhook agent's `types` setting is a sum of these bits."""

    MEDIA_PENDING = 2
    MEDIA_APPROVED = 4
    MEDIA_AVAILABLE = 8
    MEDIA_FAILED = 16
    TEST_NOTIFICATION = 32
    MEDIA_DECLINED = 64
    MEDIA_AUTO_APPROVED = 128
    ISSUE_CREATED = 256
    ISSUE_COMMENT = 512
    ISSUE_RESOLVED = 1024
    ISSUE_REOPENED = 2048
    # Never reaches a webhook: Seerr sends it with notifySystem=false.
    MEDIA_AUTO_REQUESTED = 4096


TRACKED_NOTIFICATIONS = (
    NotificationType.MEDIA_PENDING
    | NotificationType.MEDIA_APPROVED
    | NotificationType.MEDIA_AVAILABLE
    | NotificationType.MEDIA_FAILED
    | NotificationType.MEDIA_DECLINED
    | NotificationType.MEDIA_AUTO_APPROVED
)
"""The request lifecycle notifications a tracker subscribes to (222)."""


class RequestStatus(IntEnum):
    """`MediaRequestStatus`, the same numbers in every fork (COMPLETED only in newer builds)."""

    PENDING = 1
    APPROVED = 2
    DECLINED = 3
    FAILED = 4
    COMPLETED = 5


MEDIA_STATUS_AVAILABLE = 5
"""`MediaStatus.AVAILABLE`: the last media status whose number all forks agree on."""


@dataclass(frozen=True, slots=True)
class SeerrStatus:
    """`GET /api/v1/status`: answered without a key by every fork."""

    version: str
    commit_tag: str

    @classmethod
    def from_json(cls, data: Any) -> SeerrStatus:
        """Parse the status; both fields must be there, or this is not a Seerr-family server."""
        obj = as_object(data, "Seerr status")
        what = "Seerr status"
        return cls(version=req_str(obj, "version", what), commit_tag=req_str(obj, "commitTag", what))


@dataclass(frozen=True, slots=True)
class SeerrUser:
    """The user who made a request."""

    id: int | None
    display_name: str | None
    """What Seerr's webhook sends as `requestedBy_username` (display name, else a user name or e-mail)."""
    email: str | None

    @classmethod
    def from_json(cls, data: Any) -> SeerrUser:
        """Parse a user; Seerr computes `displayName` on load, older builds may only have the user names."""
        what = "Seerr user"
        obj = as_object(data, what)
        names = ("displayName", "username", "jellyfinUsername", "plexUsername", "email")
        display = next((value for key in names if (value := opt_str(obj, key, what))), None)
        return cls(id=opt_int(obj, "id", what), display_name=display, email=opt_str(obj, "email", what))


@dataclass(frozen=True, slots=True)
class SeerrMedia:
    """The media a request is for, with the ids Seerr has learned about it."""

    id: int | None
    media_type: str | None
    """"movie" or "tv" (the request's `type` says it too)."""
    tmdb_id: int | None
    tvdb_id: int | None
    imdb_id: str | None
    status: int | None
    """Raw `MediaStatus` number (fork-dependent above 5)."""
    status4k: int | None
    """Left out by some builds for media never requested in 4K."""
    external_service_id: int | None
    """The Radarr movie id or Sonarr series id."""
    external_service_id4k: int | None
    jellyfin_media_id: str | None
    """The Jellyfin item id, set after Seerr's own library scan."""
    jellyfin_media_id4k: str | None

    @classmethod
    def from_json(cls, data: Any) -> SeerrMedia:
        """Parse the `media` object of a request."""
        what = "Seerr media"
        obj = as_object(data, what)
        return cls(
            id=opt_int(obj, "id", what),
            media_type=opt_str(obj, "mediaType", what),
            tmdb_id=opt_int(obj, "tmdbId", what),
            tvdb_id=opt_int(obj, "tvdbId", what),
            imdb_id=opt_str(obj, "imdbId", what),
            status=opt_int(obj, "status", what),
            status4k=opt_int(obj, "status4k", what),
            external_service_id=opt_int(obj, "externalServiceId", what),
            external_service_id4k=opt_int(obj, "externalServiceId4k", what),
            jellyfin_media_id=opt_str(obj, "jellyfinMediaId", what),
            jellyfin_media_id4k=opt_str(obj, "jellyfinMediaId4k", what),
        )


@dataclass(frozen=True, slots=True)
class SeerrRequest:
    """One media request (`MediaRequest`), typed, with the raw object kept for the evidence parser."""

    id: int
    status: int
    """Raw `MediaRequestStatus` number; see `request_status`."""
    media_type: str | None
    """"movie" or "tv" (the media's `mediaType` says it too)."""
    is4k: bool
    seasons: tuple[int, ...]
    """Requested season numbers (empty for movies)."""
    requested_by: SeerrUser | None
    created_at: datetime | None
    updated_at: datetime | None
    media: SeerrMedia
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    @property
    def request_status(self) -> RequestStatus | None:
        """The status as an enum, or None for a number this client does not know."""
        try:
            return RequestStatus(self.status)
        except ValueError:
            return None

    @property
    def media_available(self) -> bool:
        """Whether the media (in the requested quality: 4K or not) is fully available."""
        status = self.media.status4k if self.is4k else self.media.status
        return status == MEDIA_STATUS_AVAILABLE

    @classmethod
    def from_json(cls, data: Any) -> SeerrRequest:
        """Parse one request as `/api/v1/request` and `/api/v1/request/{id}` return it.

        Only what the evidence parser needs is required (an id, a status, the media), so no request it could
        track is lost to a field it does not read.
        """
        what = "Seerr request"
        obj = as_object(data, what)
        requested_by = opt_object(obj, "requestedBy", what)
        return cls(
            id=req_int(obj, "id", what),
            status=req_int(obj, "status", what),
            media_type=opt_str(obj, "type", what),
            is4k=opt_bool(obj, "is4k", what) or False,
            seasons=tuple(req_int(item, "seasonNumber", f"{what} season") for item in objects(obj, "seasons", what)),
            requested_by=None if requested_by is None else SeerrUser.from_json(requested_by),
            created_at=opt_datetime(obj, "createdAt", what),
            updated_at=opt_datetime(obj, "updatedAt", what),
            media=SeerrMedia.from_json(req_object(obj, "media", what)),
            raw=obj,
        )


@dataclass(frozen=True, slots=True)
class SeerrWebhookSettings:
    """The webhook notification agent's settings (`GET /api/v1/settings/notifications/webhook`)."""

    enabled: bool
    types: int
    webhook_url: str
    auth_header: str | None = field(repr=False)
    """Sent as the `Authorization` header of every webhook POST: a secret."""
    json_payload: str | None
    """The template text Seerr renders. None when the stored payload is not a JSON string literal, which means
    someone saved it without the second JSON encoding and Seerr fails every send."""
    support_variables: bool

    @property
    def template(self) -> Any:
        """The template as JSON, or None when there is none or it does not parse."""
        if self.json_payload is None:
            return None
        try:
            return json.loads(self.json_payload)
        except ValueError:
            return None

    def is_configured_for(self, url: str, auth_header: str | None, template: Mapping[str, Any]) -> bool:
        """Whether the agent already sends the tracked notifications, rendered from `template`, to `url`."""
        return (
            self.enabled
            and self.types & TRACKED_NOTIFICATIONS == TRACKED_NOTIFICATIONS
            and self.webhook_url == url
            and (self.auth_header or None) == (auth_header or None)
            and self.template == template
        )

    @classmethod
    def from_json(cls, data: Any) -> SeerrWebhookSettings:
        """Parse the settings; `options.jsonPayload` arrives already decoded from base64 by the server."""
        what = "Seerr webhook settings"
        obj = as_object(data, what)
        options = req_object(obj, "options", what)
        payload = options.get("jsonPayload")
        return cls(
            enabled=opt_bool(obj, "enabled", what) or False,
            types=opt_int(obj, "types", what) or 0,
            webhook_url=opt_str(options, "webhookUrl", what) or "",
            auth_header=opt_str(options, "authHeader", what),
            json_payload=payload if isinstance(payload, str) else None,
            support_variables=opt_bool(options, "supportVariables", what) or False,
        )


@dataclass(frozen=True, slots=True)
class SeerrArrServer:
    """A Radarr/Sonarr Seerr sends requests to (`GET /api/v1/settings/radarr|sonarr`; its API key is not kept)."""

    id: int
    name: str
    hostname: str
    port: int
    use_ssl: bool
    base_url: str
    is_4k: bool
    is_default: bool

    @classmethod
    def from_json(cls, data: Any) -> SeerrArrServer:
        """Parse one server; where it is and whether it is Seerr's 4K server are required."""
        what = "Seerr Radarr/Sonarr server"
        obj = as_object(data, what)
        return cls(
            id=req_int(obj, "id", what),
            name=opt_str(obj, "name", what) or "",
            hostname=req_str(obj, "hostname", what),
            port=req_int(obj, "port", what),
            use_ssl=bool(opt_bool(obj, "useSsl", what)),
            base_url=opt_str(obj, "baseUrl", what) or "",
            is_4k=bool(opt_bool(obj, "is4k", what)),
            is_default=bool(opt_bool(obj, "isDefault", what)),
        )

    def serves(self, url: str) -> bool:
        """Whether `url` (a configured Radarr/Sonarr) is this server: same host, port and base path, any case."""
        found = URL(url)
        default_port = 443 if found.scheme == "https" else 80
        return (
            (found.host or "").lower() == self.hostname.strip().lower()
            and (found.port or default_port) == self.port
            and found.path.strip("/").lower() == self.base_url.strip("/").lower()
        )
