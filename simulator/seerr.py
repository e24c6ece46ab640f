"""A simulated Seerr, Jellyseerr or Overseerr: the `/api/v1` endpoints the tracker calls and the webhook agent.

Each named version in `VERSIONS` is as strict as the real one: every release validates requests against its
OpenAPI spec (`OpenApiValidator.middleware({validateRequests: true})` in `server/index.ts`) and answers a query
parameter the spec does not declare with 400; `sortDirection` is declared from Jellyseerr 2.2.0 (#1147) and in
Seerr v3 (`seerr-api.yml`), not in Overseerr (`overseerr-api.yml` up to v1.34.0). From Jellyseerr 2.6.0 a request
whose media becomes available is saved as COMPLETED (`updateRelatedMediaRequest` in
`server/subscriber/MediaSubscriber.ts`), which moves its `updatedAt`; before, an approved request never changes
when its media does.

The agent behaves like `server/lib/notifications/agents/webhook.ts` and `server/routes/settings/notifications.ts`
(Seerr v3.1): the settings route stores `base64(jsonPayload)` after checking that `jsonPayload` parses, the GET
route returns `JSON.parse(base64decode(stored))`, and every send renders `JSON.parse(JSON.parse(decoded))`. A
payload saved without the second JSON encoding therefore saves fine and fails on every send, as it does for real.
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
import json
import math
from typing import Any, Final

import aiohttp
from aiohttp import web
from yarl import URL

from custom_components.media_request_tracker.sources.seerr.client import WEBHOOK_TEMPLATE
from custom_components.media_request_tracker.sources.seerr.models import NotificationType

from .base import SimulatedService
from .payloads import SEERR_EVENTS, SEERR_TEST_MESSAGE, SEERR_TEST_SUBJECT, post_webhook

DEFAULT_API_KEY = "seerr-simulated-api-key"

MEDIA_STATUS_NAMES = {
    1: "UNKNOWN",
    2: "PENDING",
    3: "PROCESSING",
    4: "PARTIALLY_AVAILABLE",
    5: "AVAILABLE",
    6: "BLOCKLISTED",
    7: "DELETED",
}
"""Seerr v3 `MediaStatus` (Overseerr and older Jellyseerr number the last two differently)."""

_ISSUE_TYPES = {1: "VIDEO", 2: "AUDIO", 3: "SUBTITLES", 4: "OTHER"}
_ISSUE_STATUSES = {1: "OPEN", 2: "RESOLVED"}


@dataclass(frozen=True, slots=True)
class SeerrVersion:
    """One upstream release as a client can tell it apart."""

    label: str
    """The name the README's version table uses."""
    version: str
    """What `/api/v1/status` reports."""
    sort_direction: bool
    """Whether the request list declares `sortDirection`."""
    completes_requests: bool
    """Whether available media turns its approved requests COMPLETED (and the `completed`/`deleted` filters)."""


VERSIONS: Final = {
    "overseerr-1.33": SeerrVersion("Overseerr 1.33", "1.33.2", sort_direction=False, completes_requests=False),
    "jellyseerr-2.1": SeerrVersion("Jellyseerr 2.1", "2.1.0", sort_direction=False, completes_requests=False),
    "jellyseerr-2.7": SeerrVersion("Jellyseerr 2.7", "2.7.3", sort_direction=True, completes_requests=True),
    "seerr-3": SeerrVersion("Seerr v3", "3.1.0", sort_direction=True, completes_requests=True),
}
"""The emulated releases, oldest first; the default is the newest."""
NEWEST: Final = "seerr-3"

_FILTERS = frozenset({"all", "approved", "available", "pending", "processing", "unavailable", "failed"})
_COMPLETION_FILTERS = frozenset({"deleted", "completed"})

_ALL_REQUEST_STATUSES = frozenset({1, 2, 3, 4, 5})
_OLD_REQUEST_STATUS_FILTERS = {
    "approved": {2},
    "processing": {2},
    "available": {2},
    "pending": {1},
    "unavailable": {1, 2},
    "failed": {4},
}
"""Overseerr's and Jellyseerr < 2.6's filters: "available" is an approved request whose media is available."""
_REQUEST_STATUS_FILTERS = {
    "approved": {2},
    "processing": {2},
    "pending": {1},
    "unavailable": {1, 2},
    "failed": {4},
    "completed": {5},
    "available": {5},
    "deleted": {5},
}
_MEDIA_STATUS_FILTERS = {
    "available": {5},
    "processing": {1, 2, 3, 4},
    "unavailable": {1, 2, 3, 4},
    "deleted": {7},
}
_DEFAULT_MEDIA_STATUSES = frozenset({1, 2, 3, 4, 5, 7})

ADMIN_USER: dict[str, Any] = {
    "id": 1,
    "email": "admin@example.org",
    "displayName": "admin",
    "avatar": "/avatarproxy/admin",
    "settings": {"discordId": "", "telegramChatId": ""},
}

NO_TIMEOUT: Final = aiohttp.ClientTimeout(total=None, sock_connect=None, sock_read=None)
"""The agent's `axios.post` has no timeout (`server/lib/notifications/agents/webhook.ts`): a Home Assistant URL
that drops packets keeps the test route waiting for as long as the network does."""

type Payload = Mapping[str, Any]
type KeyValue = str | Callable[[Payload, NotificationType], str]


def _status_name(names: Mapping[int, str], key: str) -> Callable[[Payload, NotificationType], str]:
    """A key map entry turning the numeric enum at `<object>.<field>` into its name."""
    obj, _, field = key.partition(".")

    def lookup(payload: Payload, _type: NotificationType) -> str:
        value = payload.get(obj)
        number = value.get(field) if isinstance(value, Mapping) else None
        return names.get(number, "") if isinstance(number, int) else ""

    return lookup


KEY_MAP: dict[str, KeyValue] = {
    "notification_type": lambda _payload, kind: str(kind.name),
    "event": "event",
    "subject": "subject",
    "message": "message",
    "image": "image",
    "notifyuser_username": "notifyUser.displayName",
    "notifyuser_email": "notifyUser.email",
    "notifyuser_avatar": "notifyUser.avatar",
    "notifyuser_settings_discordId": "notifyUser.settings.discordId",
    "notifyuser_settings_telegramChatId": "notifyUser.settings.telegramChatId",
    "media_tmdbid": "media.tmdbId",
    "media_tvdbid": "media.tvdbId",
    "media_type": "media.mediaType",
    "media_status": _status_name(MEDIA_STATUS_NAMES, "media.status"),
    "media_status4k": _status_name(MEDIA_STATUS_NAMES, "media.status4k"),
    "request_id": "request.id",
    "requestedBy_username": "request.requestedBy.displayName",
    "requestedBy_email": "request.requestedBy.email",
    "requestedBy_avatar": "request.requestedBy.avatar",
    "requestedBy_settings_discordId": "request.requestedBy.settings.discordId",
    "requestedBy_settings_telegramChatId": "request.requestedBy.settings.telegramChatId",
    "issue_id": "issue.id",
    "issue_type": _status_name(_ISSUE_TYPES, "issue.issueType"),
    "issue_status": _status_name(_ISSUE_STATUSES, "issue.status"),
    "reportedBy_username": "issue.createdBy.displayName",
    "reportedBy_email": "issue.createdBy.email",
    "reportedBy_avatar": "issue.createdBy.avatar",
    "reportedBy_settings_discordId": "issue.createdBy.settings.discordId",
    "reportedBy_settings_telegramChatId": "issue.createdBy.settings.telegramChatId",
    "comment_message": "comment.message",
    "commentedBy_username": "comment.user.displayName",
    "commentedBy_email": "comment.user.email",
    "commentedBy_avatar": "comment.user.avatar",
    "commentedBy_settings_discordId": "comment.user.settings.discordId",
    "commentedBy_settings_telegramChatId": "comment.user.settings.telegramChatId",
}
"""The agent's `KeyMap`: template placeholder -> payload path (lodash `get`) or function."""

_OBJECT_KEYS = {"{{media}}": "media", "{{request}}": "request", "{{issue}}": "issue", "{{comment}}": "comment"}


def _js_string(value: Any) -> str:
    """What JavaScript's `String.replace` makes of a replacement value (after `?? ''`)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _lookup(payload: Payload, path: str) -> Any:
    """What lodash `get(payload, 'a.b.c')` returns: None when any step is missing."""
    value: Any = payload
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _fill(text: str, payload: Payload, kind: NotificationType) -> str:
    """Replace the first occurrence of each `{{key}}`, as the agent's `String.replace` loop does."""
    for key, source in KEY_MAP.items():
        placeholder = "{{" + key + "}}"
        if placeholder in text:
            value = source(payload, kind) if callable(source) else _js_string(_lookup(payload, source))
            text = text.replace(placeholder, value, 1)
    return text


def render_template(node: Any, payload: Payload, kind: NotificationType) -> Any:
    """The agent's `parseKeys`: special object keys, then placeholders in every string, recursively."""
    if isinstance(node, list):
        return [render_template(item, payload, kind) for item in node]
    if isinstance(node, str):
        return _fill(node, payload, kind)
    if not isinstance(node, Mapping):
        return node
    rendered: dict[str, Any] = {}
    for key, value in node.items():
        if key == "{{extra}}":
            rendered["extra"] = render_template(list(payload.get("extra") or []), payload, kind)
        elif key in _OBJECT_KEYS:
            name = _OBJECT_KEYS[key]
            rendered[name] = render_template(value, payload, kind) if payload.get(name) else None
        else:
            rendered[key] = render_template(value, payload, kind)
    return rendered


def build_body(stored_payload: str, payload: Payload, kind: NotificationType) -> Any:
    """The agent's `buildPayload`: decode the stored setting twice, then render. Raises like Seerr would."""
    template = json.loads(json.loads(base64.b64decode(stored_payload).decode()))
    if not isinstance(template, Mapping | list):
        # Seerr then assigns to properties of a string: "Cannot assign to read only property '0' of string".
        raise TypeError("the stored template is not a JSON object")
    return render_template(template, payload, kind)


def has_notification_type(kind: NotificationType, types: int) -> bool:
    """`hasNotificationType(type, settings.types)`: test notifications always pass."""
    return bool((types | NotificationType.TEST_NOTIFICATION) & kind)


def encode_setting(json_payload: str) -> str:
    """How the settings route stores a `jsonPayload`."""
    return base64.b64encode(json_payload.encode()).decode()


def request_record(
    *,
    request_id: int,
    media_type: str,
    tmdb_id: int,
    status: int = 2,
    media_status: int = 3,
    tvdb_id: int | None = None,
    seasons: Iterable[int] = (),
    requested_by: str = "requester",
    requested_by_email: str = "requester@example.org",
    updated_at: str = "2026-01-01T00:00:00.000Z",
    external_service_id: int | None = None,
    jellyfin_media_id: str | None = None,
    is4k: bool = False,
) -> dict[str, Any]:
    """A `MediaRequest` as `/api/v1/request` returns it (only the fields a tracker reads, plus a few more)."""
    return {
        "id": request_id,
        "status": status,
        "createdAt": updated_at,
        "updatedAt": updated_at,
        "type": media_type,
        "is4k": is4k,
        "serverId": 0,
        "profileId": 1,
        "rootFolder": "/data/media",
        "isAutoRequest": False,
        "seasons": [{"id": number + 1, "seasonNumber": number, "status": status} for number in seasons],
        "requestedBy": {
            "id": 2,
            "email": requested_by_email,
            "username": requested_by,
            "displayName": requested_by,
            "avatar": f"/avatarproxy/{requested_by}",
            "settings": {"discordId": "", "telegramChatId": ""},
        },
        "modifiedBy": ADMIN_USER,
        "media": {
            "id": request_id + 100,
            "mediaType": media_type,
            "tmdbId": tmdb_id,
            "tvdbId": tvdb_id,
            "imdbId": None,
            "status": media_status,
            "status4k": 1,
            "externalServiceId": external_service_id,
            "externalServiceId4k": None,
            "jellyfinMediaId": jellyfin_media_id,
            "jellyfinMediaId4k": None,
            "downloadStatus": [],
            "downloadStatus4k": [],
        },
    }


class SimulatedSeerr(SimulatedService):
    """Seerr's request API and webhook agent; a wrong `X-Api-Key` gets 403, as Seerr answers it."""

    def __init__(self, api_key: str = DEFAULT_API_KEY, *, version: str = NEWEST) -> None:
        """A server of one of `VERSIONS` with no requests and the webhook agent at its defaults (disabled)."""
        self.api_key = api_key
        self.release = VERSIONS[version]
        self.version = self.release.version
        self.requests: dict[int, dict[str, Any]] = {}
        self.webhook: dict[str, Any] = {
            "enabled": False,
            "embedPoster": True,
            "types": 0,
            "options": {
                "webhookUrl": "",
                "jsonPayload": encode_setting(json.dumps(json.dumps(WEBHOOK_TEMPLATE, indent=2))),
                "authHeader": "",
                "supportVariables": False,
            },
        }
        self.moderated: list[tuple[int, str]] = []
        self.arr_servers: dict[str, list[dict[str, Any]]] = {}
        """"radarr"/"sonarr" -> the servers of Seerr's *Services* settings (`add_arr_server`)."""
        """(request id, "approve" or "decline") for every request approved or declined through the API."""
        self.last_error: str | None = None
        """Why the last send failed (as Seerr would log it), or None."""
        super().__init__()
        self.app.middlewares.append(self._check_key)
        self.app.middlewares.append(self._validate_query)

    # --- state -------------------------------------------------------------------------------------------

    def set_requests(self, requests: Iterable[Mapping[str, Any]]) -> None:
        """Replace every request (as `/api/v1/request` results)."""
        self.requests = {int(item["id"]): dict(item) for item in requests}

    def add_request(self, request: Mapping[str, Any]) -> None:
        """Add or replace one request."""
        self.requests[int(request["id"])] = dict(request)

    def set_media_status(self, request_id: int, media_status: int, *, at: str) -> None:
        """Seerr's library sync saw the media of a request change to `media_status` at `at`.

        The media of every request for it changes; from Jellyseerr 2.6 an approved request of the same quality
        becomes COMPLETED (its `updatedAt` moves to `at`) once the media is available or deleted.
        """
        changed = self.requests[request_id]
        field = "status4k" if changed.get("is4k") else "status"
        media_id = changed["media"]["id"]
        for request in self.requests.values():
            if request["media"]["id"] != media_id:
                continue
            request["media"] = {**request["media"], field: media_status, "updatedAt": at}
            same_quality = bool(request.get("is4k")) == bool(changed.get("is4k"))
            if self.release.completes_requests and same_quality and request["status"] == 2 and media_status in (5, 7):
                request["status"] = 5
                request["updatedAt"] = at

    # --- the webhook agent -------------------------------------------------------------------------------

    async def notify(
        self,
        notification_type: str,
        request_id: int,
        *,
        title: str,
        year: int | None = None,
        overview: str = "",
        poster_path: str = "/poster.jpg",
    ) -> bool:
        """Send a request notification through the agent, built as `MediaRequest.ts` builds it.

        Returns whether it was delivered (False when the agent is off, the type is not subscribed, rendering
        failed, or the POST did not get a 2xx; `last_error` says which).
        """
        request = self.requests[request_id]
        kind = "Movie" if request["type"] == "movie" else "Series"
        payload: dict[str, Any] = {
            "event": SEERR_EVENTS[notification_type].format(kind=("4K " if request.get("is4k") else "") + kind),
            "subject": f"{title} ({year})" if year else title,
            "message": overview[:500],
            "image": f"https://image.tmdb.org/t/p/w600_and_h900_bestv2{poster_path}",
            "media": request["media"],
            "request": request,
            "notifySystem": notification_type != "MEDIA_AUTO_REQUESTED",
        }
        if request["type"] == "tv":
            seasons = ", ".join(str(season["seasonNumber"]) for season in request.get("seasons", []))
            payload["extra"] = [{"name": "Requested Seasons", "value": seasons}]
        settings = self.webhook
        if not (settings["enabled"] and settings["options"]["webhookUrl"]):
            self.last_error = "the webhook agent is disabled"
            return False
        return await self._send(settings, NotificationType[notification_type], payload)

    async def _send(self, settings: Mapping[str, Any], kind: NotificationType, payload: Payload) -> bool:
        """The agent's `send`: filter by type, render, POST with the auth header."""
        self.last_error = None
        if not payload.get("notifySystem") or not has_notification_type(kind, settings.get("types") or 0):
            self.last_error = f"{kind.name} is not sent to the webhook"
            return False
        options = settings["options"]
        try:
            body = build_body(options["jsonPayload"], payload, kind)
        except (ValueError, TypeError) as err:
            self.last_error = f"rendering failed: {err}"
            return False
        headers = {"Authorization": options["authHeader"]} if options.get("authHeader") else None
        try:
            status = await post_webhook(self.outgoing(), options["webhookUrl"], body, headers, limits=NO_TIMEOUT)
        except (aiohttp.ClientError, TimeoutError) as err:
            self.last_error = f"delivery failed: {type(err).__name__}"
            return False
        if status >= 300:
            self.last_error = f"delivery failed: HTTP {status}"
            return False
        return True

    # --- HTTP --------------------------------------------------------------------------------------------

    def setup_routes(self, router: web.UrlDispatcher) -> None:
        router.add_get("/api/v1/status", self._status)
        router.add_get("/api/v1/auth/me", self._me)
        router.add_get("/api/v1/request", self._list_requests)
        router.add_get("/api/v1/request/count", self._count)
        router.add_get("/api/v1/request/{request_id}", self._get_request)
        router.add_get("/api/v1/settings/radarr", self._radarr_servers)
        router.add_get("/api/v1/settings/sonarr", self._sonarr_servers)
        router.add_get("/api/v1/settings/notifications/webhook", self._get_webhook)
        router.add_post("/api/v1/settings/notifications/webhook", self._save_webhook)
        router.add_post("/api/v1/settings/notifications/webhook/test", self._test_webhook)
        router.add_post("/api/v1/request/{request_id}/{status}", self._moderate)

    @web.middleware
    async def _check_key(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        """`isAuthenticated()`: everything but `/status` needs the key (Seerr answers 403, not 401)."""
        # Unknown paths get the router's 404: the real servers route before they authenticate.
        unknown = request.match_info.http_exception is not None
        if not unknown and request.path != "/api/v1/status" and request.headers.get("X-Api-Key") != self.api_key:
            return web.json_response(
                {"status": 403, "error": "You do not have permission to access this endpoint"}, status=403
            )
        return await handler(request)

    @web.middleware
    async def _validate_query(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        """express-openapi-validator: a query parameter or value the spec does not declare is a 400."""
        if request.match_info.http_exception is None:
            declared = self._declared_query(request.path)
            for name, value in request.query.items():
                if name not in declared:
                    return _validation_error(f"Unknown query parameter '{name}'", f"/query/{name}")
                allowed = declared[name]
                if allowed is not None and value not in allowed:
                    values = ", ".join(sorted(allowed))
                    message = f"request/query/{name} must be equal to one of the allowed values: {values}"
                    return _validation_error(message, f"/query/{name}")
        return await handler(request)

    def _declared_query(self, path: str) -> dict[str, frozenset[str] | None]:
        """The query parameters this version's spec declares for a path (None: any value)."""
        if path != "/api/v1/request":
            return {}
        filters = _FILTERS | (_COMPLETION_FILTERS if self.release.completes_requests else frozenset())
        declared: dict[str, frozenset[str] | None] = {
            "take": None,
            "skip": None,
            "filter": filters,
            "sort": frozenset({"added", "modified"}),
            "requestedBy": None,
        }
        if self.release.sort_direction:
            declared["sortDirection"] = frozenset({"asc", "desc"})
            declared["mediaType"] = frozenset({"movie", "tv", "all"})
        return declared

    async def _status(self, _request: web.Request) -> web.Response:
        return web.json_response(
            {
                "version": self.version,
                "commitTag": f"v{self.version}",
                "updateAvailable": False,
                "commitsBehind": 0,
                "restartRequired": False,
            }
        )

    async def _me(self, _request: web.Request) -> web.Response:
        return web.json_response(ADMIN_USER)

    async def _list_requests(self, request: web.Request) -> web.Response:
        query = request.query
        take = int(query.get("take", 10))
        skip = int(query.get("skip", 0))
        matches = [item for item in self.requests.values() if self._matches(item, query, self.release)]
        sort_key = "updatedAt" if query.get("sort") == "modified" else "id"
        matches.sort(key=lambda item: item[sort_key], reverse=query.get("sortDirection") != "asc")
        return web.json_response(
            {
                "pageInfo": {
                    "pages": math.ceil(len(matches) / take),
                    "pageSize": take,
                    "results": len(matches),
                    "page": math.ceil(skip / take) + 1,
                },
                "results": matches[skip : skip + take],
                "serviceErrors": {"radarr": [], "sonarr": []},
            }
        )

    @staticmethod
    def _matches(item: Mapping[str, Any], query: Mapping[str, str], release: SeerrVersion) -> bool:
        """The route's status, media status and media type filters (`server/routes/request.ts`)."""
        status_filter = query.get("filter", "all")
        if release.completes_requests:
            statuses = _REQUEST_STATUS_FILTERS.get(status_filter, _ALL_REQUEST_STATUSES)
        else:
            statuses = _OLD_REQUEST_STATUS_FILTERS.get(status_filter, {1, 2, 3, 4})
        media_statuses = _MEDIA_STATUS_FILTERS.get(status_filter, _DEFAULT_MEDIA_STATUSES)
        media = item["media"]
        media_status = media["status4k"] if item.get("is4k") else media["status"]
        media_type = query.get("mediaType", "all")
        return (
            item["status"] in statuses
            and media_status in media_statuses
            and (media_type == "all" or item["type"] == media_type)
        )

    async def _count(self, _request: web.Request) -> web.Response:
        requests = list(self.requests.values())

        def count(status: int) -> int:
            return sum(1 for item in requests if item["status"] == status)

        return web.json_response(
            {
                "total": len(requests),
                "movie": sum(1 for item in requests if item["type"] == "movie"),
                "tv": sum(1 for item in requests if item["type"] == "tv"),
                "pending": count(1),
                "approved": count(2),
                "declined": count(3),
                "processing": sum(1 for item in requests if item["status"] == 2 and item["media"]["status"] != 5),
                "available": sum(1 for item in requests if item["status"] == 2 and item["media"]["status"] == 5),
                "completed": count(5),
            }
        )

    async def _get_request(self, request: web.Request) -> web.Response:
        try:
            return web.json_response(self.requests[int(request.match_info["request_id"])])
        except (KeyError, ValueError):
            return web.json_response({"message": "Request not found."}, status=404)

    async def _moderate(self, request: web.Request) -> web.Response:
        """`POST /request/{id}/approve|decline` as Seerr v3 answers it: only a pending request changes."""
        try:
            item = self.requests[int(request.match_info["request_id"])]
        except (KeyError, ValueError):
            return web.json_response({"message": "Request not found."}, status=404)
        new_status = _MODERATION.get(request.match_info["status"])
        if new_status is None:
            return web.json_response({"message": "Status must be approve or decline."}, status=400)
        if item["status"] != 1:
            return web.json_response({"message": "Only pending requests can be approved or declined."}, status=409)
        item["status"] = new_status
        item["modifiedBy"] = ADMIN_USER
        item["updatedAt"] = "2026-01-01T00:05:00.000Z"
        self.moderated.append((int(item["id"]), request.match_info["status"]))
        return web.json_response(item)

    def add_arr_server(
        self, kind: str, *, name: str, url: str, is_4k: bool, api_key: str = "arr-key", default: bool = True
    ) -> dict[str, Any]:
        """Add a Radarr/Sonarr server to Seerr's settings (`RadarrSettings`/`SonarrSettings` shape) and return it."""
        address = URL(url)
        servers = self.arr_servers.setdefault(kind, [])
        server = {
            "id": len(servers),
            "name": name,
            "hostname": address.host,
            "port": address.port,
            "apiKey": api_key,
            "useSsl": address.scheme == "https",
            "baseUrl": address.path.rstrip("/"),
            "activeProfileId": 1,
            "activeProfileName": "HD-1080p" if not is_4k else "Ultra-HD",
            "activeDirectory": "/data/media/movies4k" if is_4k else "/data/media/movies",
            "is4k": is_4k,
            "isDefault": default,
            "externalUrl": "",
            "syncEnabled": False,
            "preventSearch": False,
            "tags": [],
        }
        servers.append(server)
        return server

    async def _radarr_servers(self, _request: web.Request) -> web.Response:
        return web.json_response(self.arr_servers.get("radarr", []))

    async def _sonarr_servers(self, _request: web.Request) -> web.Response:
        return web.json_response(self.arr_servers.get("sonarr", []))

    async def _get_webhook(self, _request: web.Request) -> web.Response:
        options = self.webhook["options"]
        decoded = json.loads(base64.b64decode(options["jsonPayload"]).decode())
        return web.json_response({**self.webhook, "options": {**options, "jsonPayload": decoded}})

    async def _save_webhook(self, request: web.Request) -> web.Response:
        settings = await self._settings_from(request)
        if isinstance(settings, web.Response):
            return settings
        self.webhook = settings
        return web.json_response(settings)

    async def _test_webhook(self, request: web.Request) -> web.Response:
        settings = await self._settings_from(request)
        if isinstance(settings, web.Response):
            return settings
        payload = {
            "notifySystem": True,
            "notifyUser": ADMIN_USER,
            "subject": SEERR_TEST_SUBJECT,
            "message": SEERR_TEST_MESSAGE,
        }
        if await self._send(settings, NotificationType.TEST_NOTIFICATION, payload):
            return web.Response(status=204)
        return web.json_response({"message": "Failed to send webhook notification."}, status=500)

    @staticmethod
    async def _settings_from(request: web.Request) -> dict[str, Any] | web.Response:
        """The agent settings a save or test body describes, or the 500 Seerr answers for a bad `jsonPayload`."""
        body = await request.json()
        options = body.get("options") or {}
        json_payload = options.get("jsonPayload")
        # The route's `JSON.parse(req.body.options.jsonPayload)`; an object is coerced to "[object Object]" first.
        if not isinstance(json_payload, str):
            return web.json_response(
                {"message": "Unexpected token 'o', \"[object Obj\"... is not valid JSON"}, status=500
            )
        try:
            json.loads(json_payload)
        except ValueError as err:
            return web.json_response({"message": str(err)}, status=500)
        return {
            "enabled": body.get("enabled"),
            "embedPoster": body.get("embedPoster"),
            "types": body.get("types"),
            "options": {
                "jsonPayload": encode_setting(json_payload),
                "webhookUrl": options.get("webhookUrl"),
                "authHeader": options.get("authHeader"),
                "supportVariables": options.get("supportVariables") or False,
            },
        }


def _validation_error(message: str, path: str) -> web.Response:
    """The body the error handler in `server/index.ts` writes for a validator error."""
    return web.json_response({"message": message, "errors": [{"path": path, "message": message}]}, status=400)


_MODERATION = {"approve": 2, "decline": 3}
"""`MediaRequestStatus` after `POST /request/{id}/approve` or `/decline`."""
