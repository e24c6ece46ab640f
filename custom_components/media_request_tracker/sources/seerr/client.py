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

from ..errors import CannotConnect, NotFound, UnexpectedResponse, WebhookUnreachable
from ..http import JsonApi
from ..payload import as_list, as_object, req_int, req_object
from ..records import read_answer, read_records
from .models import (
    TRACKED_NOTIFICATIONS,
    RequestStatus,
    SeerrArrServer,
    SeerrRequest,
    SeerrStatus,
    SeerrWebhookSettings,
)
from .versions import SeerrFeatures

API_KEY_HEADER = "X-Api-Key"

REQUEST_PAGE_SIZE = 100
"""Requests fetched per call while paging through `/api/v1/request`."""

UNFINISHED_PAGES = 10
"""Pages of unfinished requests read per poll on releases whose requests do not change when media does."""

FINISHED_LOOKUPS = 50
"""Requests that left the unfinished list, read one by one per poll (the rest wait for the next poll)."""

WEBHOOK_TEST_TIMEOUT = 110.0
"""Seconds to wait for Seerr's webhook test. Its agent posts with no timeout of its own
(`server/lib/notifications/agents/webhook.ts`), so a Home Assistant URL that drops packets keeps the route
waiting: a test not answered by then did not reach Home Assistant (a reachable one answers in under a second)."""

_UNFINISHED = frozenset({RequestStatus.PENDING, RequestStatus.APPROVED})

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

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        api_key: str,
        *,
        verify_ssl: bool = True,
        webhook_test_timeout: float = WEBHOOK_TEST_TIMEOUT,
    ) -> None:
        """Prepare calls to the server at `url` (a reverse-proxy sub-path is kept)."""
        self._api = JsonApi(session, url, headers={API_KEY_HEADER: api_key}, verify_ssl=verify_ssl)
        self.skipped: Counter[str] = Counter()
        """Records left out because they did not read, by collection (`requests`), since the client was made."""
        self._webhook_test_limit = aiohttp.ClientTimeout(total=webhook_test_timeout)
        self._features: SeerrFeatures | None = None
        self._unfinished: set[int] = set()
        """Requests last seen pending or approved with their media not available."""

    async def status(self) -> SeerrStatus:
        """Version of the server; `UnexpectedResponse` when it does not answer like a Seerr-family server.

        The version decides how the request list is asked for from then on.
        """
        status = read_answer(SeerrStatus.from_json, await self._api.get("/api/v1/status"))
        self._features = SeerrFeatures.of(status.version)
        return status

    async def features(self) -> SeerrFeatures:
        """What the server's release accepts, read from its version on first use and again after a failure."""
        if self._features is not None:
            return self._features
        return SeerrFeatures.of((await self.status()).version)

    async def validate(self) -> SeerrStatus:
        """Check the server, the key and the request list exactly as polls will read it.

        `/status` answers anyone and the request counter takes no parameters; only the list shows whether the
        server accepts the poll's query (a release that does not declare a parameter answers 400).
        """
        status = await self.status()
        read_answer(_request_total, await self._api.get("/api/v1/request/count"))
        await self._api.get("/api/v1/request", self._list_params("unavailable", take=1, skip=0))
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
        modification time), which keeps catch-up polls cheap. A naive datetime is taken as UTC. On releases
        whose requests do not change when their media becomes available (Overseerr, Jellyseerr before 2.6), such
        a read also returns the requests that have left the unfinished list since the last read, each read
        again by id, so availability shows there too.
        """
        try:
            features = await self.features()
            since = _as_utc(updated_since) if updated_since else None
            found, _whole = await self._read(status_filter, since, page_size)
            if since is not None and status_filter == "all" and not features.completes_requests:
                found += await self._finished_since_last_read(found, page_size)
        except (CannotConnect, UnexpectedResponse):
            # The server may come back as another release (an upgrade): read its version again first.
            self._features = None
            raise
        self._remember(found)
        return found

    async def _read(
        self, status_filter: RequestFilter, since: datetime | None, page_size: int, max_pages: int | None = None
    ) -> tuple[list[SeerrRequest], bool]:
        """The requests of a filter, newest modification first, down to `since`; and whether all were read."""
        found: dict[int, SeerrRequest] = {}
        skip = 0
        pages = 0
        while True:
            params = self._list_params(status_filter, take=page_size, skip=skip)
            page = read_answer(_Page.from_json, await self._api.get("/api/v1/request", params))
            results = read_records(
                page.results, SeerrRequest.from_json, service="Seerr", collection="requests", skipped=self.skipped
            )
            pages += 1
            before = len(found)
            for request in results:
                if since and request.updated_at and _as_utc(request.updated_at) < since:
                    return list(found.values()), True
                found.setdefault(request.id, request)
            skip += len(page.results)
            # A page that adds nothing new means the server ignored `skip`: stop instead of looping forever.
            if not page.results or skip >= page.total or len(found) == before:
                return list(found.values()), True
            if max_pages is not None and pages >= max_pages:
                return list(found.values()), False

    def _list_params(self, status_filter: RequestFilter, *, take: int, skip: int) -> dict[str, str | int]:
        """The request list query in the server's terms: `sortDirection` only where it is declared.

        Every release sorts newest first without it; Overseerr and Jellyseerr before 2.2 answer it with 400.
        """
        params: dict[str, str | int] = {"take": take, "skip": skip, "sort": "modified", "filter": status_filter}
        if self._features is not None and self._features.sort_direction:
            params["sortDirection"] = "desc"
        return params

    async def _finished_since_last_read(self, found: list[SeerrRequest], page_size: int) -> list[SeerrRequest]:
        """Requests that were unfinished at the last read and are not now, read again one by one.

        On these releases an approved request keeps its `updatedAt` when its media becomes available, so the
        only sign is that it leaves the `unavailable` filter. At most `FINISHED_LOOKUPS` per call; the others
        stay remembered for the next one.
        """
        unfinished, whole = await self._read("unavailable", None, page_size, max_pages=UNFINISHED_PAGES)
        current = {request.id for request in unfinished}
        seen = {request.id for request in found}
        left = sorted(self._unfinished - current - seen) if whole else []
        finished: list[SeerrRequest] = []
        for request_id in left[:FINISHED_LOOKUPS]:
            try:
                finished.append(await self.request(request_id))
            except NotFound:
                self._unfinished.discard(request_id)  # deleted in Seerr
        self._unfinished |= current
        return finished

    def _remember(self, requests: list[SeerrRequest]) -> None:
        """Note which of these requests are unfinished (pending or approved, media not available)."""
        for request in requests:
            if request.request_status in _UNFINISHED and not request.media_available:
                self._unfinished.add(request.id)
            else:
                self._unfinished.discard(request.id)

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

    async def arr_servers(self, kind: Literal["radarr", "sonarr"]) -> list[SeerrArrServer]:
        """The Radarr or Sonarr servers Seerr sends requests to, each saying whether it is the 4K one."""
        items = read_answer(
            lambda answer: as_list(answer, f"Seerr {kind} servers"), await self._api.get(f"/api/v1/settings/{kind}")
        )
        return read_records(items, SeerrArrServer.from_json, service="Seerr", collection=kind, skipped=self.skipped)

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

        Raises `WebhookUnreachable` when Seerr reports that it could not deliver it, or has not finished trying
        after `webhook_test_timeout` seconds (a URL that drops packets).
        """
        try:
            await self._api.request(
                "POST",
                "/api/v1/settings/notifications/webhook/test",
                payload=_webhook_body(url, auth_header),
                time_limit=self._webhook_test_limit,
            )
        except CannotConnect as err:
            if not isinstance(err.__cause__, TimeoutError):
                raise
            raise WebhookUnreachable(
                "Seerr could not deliver a test notification to the webhook URL",
                server_message=f"no answer within {self._webhook_test_limit.total:g} s",
            ) from err
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
