"""Seerr REST client: server check, request back-fill, and the webhook notification agent.

Works with Seerr and with the Jellyseerr and Overseerr builds it replaced: they share `/api/v1`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
import json
from typing import Any, Final, Literal

import aiohttp

from ..errors import UnexpectedResponse, WebhookUnreachable
from ..http import JsonApi
from ..payload import as_list, as_object, req_int, req_object
from ..records import read_answer, read_records
from .models import TRACKED_NOTIFICATIONS, SeerrRequest, SeerrStatus, SeerrWebhookSettings

API_KEY_HEADER = "X-Api-Key"

REQUEST_PAGE_SIZE = 100
"""Requests fetched per call while paging through `/api/v1/request`."""

WEBHOOK_TYPES: Final = int(TRACKED_NOTIFICATIONS)
"""The notification bitmask the tracker registers: pending, approved, available, failed, declined, auto-approved."""

type RequestFilter = Literal[
    "all", "approved", "processing", "pending", "unavailable", "failed", "completed", "available", "deleted"
]

WEBHOOK_TEMPLATE: Final[dict[str, Any]] = {
    "notification_type": "{{notification_type}}",
    "event": "{{event}}",
    "subject": "{{subject}}",
    "message": "{{message}}",
    "image": "{{image}}",
    "{{media}}": {
        "media_type": "{{media_type}}",
        "tmdbId": "{{media_tmdbid}}",
        "tvdbId": "{{media_tvdbid}}",
        "status": "{{media_status}}",
        "status4k": "{{media_status4k}}",
    },
    "{{request}}": {
        "request_id": "{{request_id}}",
        "requestedBy_email": "{{requestedBy_email}}",
        "requestedBy_username": "{{requestedBy_username}}",
        "requestedBy_avatar": "{{requestedBy_avatar}}",
        "requestedBy_settings_discordId": "{{requestedBy_settings_discordId}}",
        "requestedBy_settings_telegramChatId": "{{requestedBy_settings_telegramChatId}}",
    },
    "{{issue}}": {
        "issue_id": "{{issue_id}}",
        "issue_type": "{{issue_type}}",
        "issue_status": "{{issue_status}}",
        "reportedBy_email": "{{reportedBy_email}}",
        "reportedBy_username": "{{reportedBy_username}}",
        "reportedBy_avatar": "{{reportedBy_avatar}}",
        "reportedBy_settings_discordId": "{{reportedBy_settings_discordId}}",
        "reportedBy_settings_telegramChatId": "{{reportedBy_settings_telegramChatId}}",
    },
    "{{comment}}": {
        "comment_message": "{{comment_message}}",
        "commentedBy_email": "{{commentedBy_email}}",
        "commentedBy_username": "{{commentedBy_username}}",
        "commentedBy_avatar": "{{commentedBy_avatar}}",
        "commentedBy_settings_discordId": "{{commentedBy_settings_discordId}}",
        "commentedBy_settings_telegramChatId": "{{commentedBy_settings_telegramChatId}}",
    },
    "{{extra}}": [],
}
"""The JSON template the tracker registers: exactly the fields of Seerr's default template, so bodies look the
same whether a user kept the default or let the tracker register it. Every value arrives as a string ("" when
missing); `{{media}}`/`{{request}}` become `media`/`request` (null when the notification has none) and
`{{extra}}` becomes `extra`, a list of `{name, value}` such as `Requested Seasons`. Do not mutate."""


def encode_json_payload(template: Mapping[str, Any]) -> str:
    """The `jsonPayload` field for the settings API: a JSON string literal whose content is the template.

    Seerr `JSON.parse`s the field on save, stores it base64-encoded, and on every send runs
    `JSON.parse(JSON.parse(stored))`; its own web UI sends `JSON.stringify(templateText)`. Sending the template
    text (or an object) instead saves fine but makes every later notification fail.
    """
    return json.dumps(json.dumps(template))


class SeerrClient:
    """A typed client for one Seerr server over a shared aiohttp session.

    Every method raises `CannotConnect`, `InvalidAuth` or `UnexpectedResponse` (from `sources.errors`). Seerr
    answers a wrong API key with HTTP 403, which is reported as `InvalidAuth`.
    """

    def __init__(self, session: aiohttp.ClientSession, url: str, api_key: str, *, verify_ssl: bool = True) -> None:
        """Prepare calls to the server at `url` (a reverse-proxy sub-path is kept)."""
        self._api = JsonApi(session, url, headers={API_KEY_HEADER: api_key}, verify_ssl=verify_ssl)
        self.skipped: Counter[str] = Counter()
        """Records left out because they did not read, by collection (`requests`), since the client was made."""

    async def status(self) -> SeerrStatus:
        """Version of the server; `UnexpectedResponse` when it does not answer like a Seerr-family server."""
        return read_answer(SeerrStatus.from_json, await self._api.get("/api/v1/status"))

    async def validate(self) -> SeerrStatus:
        """Check the server and the key: `/status` answers anyone, the request counter only a valid key."""
        status = await self.status()
        read_answer(_request_total, await self._api.get("/api/v1/request/count"))
        return status

    async def requests(
        self,
        *,
        status_filter: RequestFilter = "all",
        updated_since: datetime | None = None,
        page_size: int = REQUEST_PAGE_SIZE,
    ) -> list[SeerrRequest]:
        """Every request matching `status_filter`, most recently modified first, across all pages.

        With `updated_since`, paging stops at the first request modified before it (the list is sorted by
        modification time), which keeps catch-up polls cheap. A naive datetime is taken as UTC.
        """
        since = _as_utc(updated_since) if updated_since else None
        found: dict[int, SeerrRequest] = {}
        skip = 0
        while True:
            params: dict[str, str | int] = {
                "take": page_size,
                "skip": skip,
                "sort": "modified",
                "sortDirection": "desc",
                "filter": status_filter,
            }
            page = read_answer(_Page.from_json, await self._api.get("/api/v1/request", params))
            results = read_records(
                page.results, SeerrRequest.from_json, service="Seerr", collection="requests", skipped=self.skipped
            )
            before = len(found)
            for request in results:
                if since and request.updated_at and _as_utc(request.updated_at) < since:
                    return list(found.values())
                found.setdefault(request.id, request)
            skip += len(page.results)
            # A page that adds nothing new means the server ignored `skip`: stop instead of looping forever.
            if not page.results or skip >= page.total or len(found) == before:
                return list(found.values())

    async def request(self, request_id: int) -> SeerrRequest:
        """One request by id; an id Seerr does not know is an HTTP 404, reported as `UnexpectedResponse`."""
        return read_answer(SeerrRequest.from_json, await self._api.get(f"/api/v1/request/{request_id}"))

    async def approve(self, request_id: int) -> SeerrRequest:
        """Approve a pending request (Seerr then sends it to Radarr/Sonarr); the request as saved.

        `NotFound` for an id Seerr does not know; `Conflict` when the request is no longer pending (Seerr v3
        checks this; older builds change any request, so check `status` first).
        """
        return await self._moderate(request_id, "approve")

    async def decline(self, request_id: int) -> SeerrRequest:
        """Decline a pending request; the request as saved. Errors as for `approve`."""
        return await self._moderate(request_id, "decline")

    async def _moderate(self, request_id: int, action: Literal["approve", "decline"]) -> SeerrRequest:
        answer = await self._api.request("POST", f"/api/v1/request/{request_id}/{action}")
        return read_answer(SeerrRequest.from_json, answer)

    async def webhook_settings(self) -> SeerrWebhookSettings:
        """The webhook agent's current settings (there is one agent per server; the user may already use it)."""
        return read_answer(
            SeerrWebhookSettings.from_json, await self._api.get("/api/v1/settings/notifications/webhook")
        )

    async def configure_webhook(self, url: str, auth_header: str | None) -> None:
        """Point the webhook agent at `url`, sending the tracked notifications rendered from `WEBHOOK_TEMPLATE`.

        This replaces whatever the agent was configured for; read `webhook_settings()` first to warn the user.
        """
        await self._api.request(
            "POST", "/api/v1/settings/notifications/webhook", payload=_webhook_body(url, auth_header)
        )

    async def test_webhook(self, url: str, auth_header: str | None) -> None:
        """Have Seerr send a TEST_NOTIFICATION to `url` with these settings, without saving them.

        Raises `WebhookUnreachable` when Seerr reports that it could not deliver it.
        """
        try:
            await self._api.request(
                "POST", "/api/v1/settings/notifications/webhook/test", payload=_webhook_body(url, auth_header)
            )
        except UnexpectedResponse as err:
            # The route answers 500 exactly when the agent's POST failed; Seerr gives no further detail.
            raise WebhookUnreachable(
                "Seerr could not deliver a test notification to the webhook URL",
                server_message="Failed to send webhook notification.",
            ) from err


def _webhook_body(url: str, auth_header: str | None) -> dict[str, Any]:
    """The settings body shared by the save and test routes."""
    return {
        "enabled": True,
        "embedPoster": True,
        "types": WEBHOOK_TYPES,
        "options": {
            "webhookUrl": url,
            "jsonPayload": encode_json_payload(WEBHOOK_TEMPLATE),
            "authHeader": auth_header or "",
            "supportVariables": False,
        },
    }


@dataclass(frozen=True, slots=True)
class _Page:
    """One `/api/v1/request` page: its records, still unread, and the number of matching requests."""

    results: list[object]
    total: int

    @classmethod
    def from_json(cls, data: object) -> _Page:
        what = "Seerr request page"
        page = as_object(data, what)
        return cls(
            results=as_list(page.get("results"), f"{what} results"),
            total=req_int(req_object(page, "pageInfo", what), "results", f"{what} pageInfo"),
        )


def _request_total(data: object) -> int:
    """The total of `/api/v1/request/count`."""
    return req_int(as_object(data, "Seerr request count"), "total", "Seerr request count")


def _as_utc(value: datetime) -> datetime:
    """An aware datetime; Seerr sends UTC, so naive values are read as UTC too."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
