"""Radarr/Sonarr v3 client: server check, queue and history catch-up, and the tracker's webhook connection."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
import json
import re
from typing import Any, Final, Literal

import aiohttp

from ..errors import CannotConnect, InvalidAuth, NotFound, UnexpectedResponse, UpstreamError, WebhookUnreachable
from ..http import REQUEST_TIMEOUT, JsonApi
from ..payload import as_list, as_object, objects, opt_list, req_int
from ..records import read_answer, read_records
from .models import (
    ArrCommand,
    ArrEpisode,
    ArrHistoryRecord,
    ArrMovie,
    ArrNotification,
    ArrQueueRecord,
    ArrStatus,
    WebhookSetup,
    provider_field,
)

type ArrKind = Literal["radarr", "sonarr"]

API_KEY_HEADER = "X-Api-Key"
PAGE_SIZE = 100
"""Records fetched per call while paging through the queue and history."""

WEBHOOK_TEST_TIMEOUT = 110.0
"""Seconds to wait for a save or test that makes the server call the webhook URL: the server's own call gives up
after 100 s (the .NET HttpClient default in `ManagedHttpDispatcher.cs`) and then answers 500."""
MOVIES_SEARCH: Final = "MoviesSearch"
SERIES_SEARCH: Final = "SeriesSearch"
EPISODE_SEARCH: Final = "EpisodeSearch"
"""Command names (`MoviesSearchCommand` and so on without "Command"; the server matches them case-insensitively)."""

WEBHOOK_IMPLEMENTATION = "Webhook"
WEBHOOK_METHOD_POST: Final = 1
"""`WebhookMethod.POST` (2 is PUT)."""

_COMMON_EVENTS: Final[dict[str, bool]] = {
    "onGrab": True,
    "onDownload": True,
    "onUpgrade": True,
    "onRename": False,
    "onHealthIssue": True,
    "includeHealthWarnings": False,
    "onHealthRestored": True,
    "onApplicationUpdate": False,
    "onManualInteractionRequired": True,
}
WEBHOOK_EVENTS: Final[dict[ArrKind, dict[str, bool]]] = {
    "radarr": {
        **_COMMON_EVENTS,
        "onMovieAdded": True,
        "onMovieDelete": True,
        "onMovieFileDelete": True,
        # The file an upgrade replaces is not a deletion the requester cares about.
        "onMovieFileDeleteForUpgrade": False,
    },
    "sonarr": {
        **_COMMON_EVENTS,
        # One extra Download event with `episodeFiles[]` once every file of a release is imported (v4.0.6+).
        "onImportComplete": True,
        "onSeriesAdd": True,
        "onSeriesDelete": True,
        "onEpisodeFileDelete": True,
        "onEpisodeFileDeleteForUpgrade": False,
    },
}
"""The connection's event flags per kind; servers ignore the flags they do not know (older versions)."""

_TORRENT_HASH = re.compile(r"[0-9a-fA-F]{40}|[0-9a-fA-F]{64}")
_REDACTED = "<redacted>"


class _ArrApi(JsonApi):
    """`JsonApi` plus a save call that reads the body of a rejected save, which says why the test failed."""

    async def save(
        self,
        method: str,
        path: str,
        resource: Mapping[str, Any],
        secrets: Sequence[str],
        time_limit: aiohttp.ClientTimeout = REQUEST_TIMEOUT,
    ) -> Any:
        """POST or PUT a provider resource and return the saved resource.

        The server tests an enabled connection before saving it: a URL it cannot reach comes back as HTTP 500
        (connection refused, timeout) or as a 400 validation failure on `Url` (any HTTP error answer). With
        `time_limit` set, no answer within it means the server is still waiting on the URL: `WebhookUnreachable`.
        """
        url = self.url(path)
        try:
            async with self._session.request(
                method, url, json=resource, headers=self._headers, ssl=self._ssl, timeout=time_limit
            ) as response:
                status, body = response.status, await response.read()
        except TimeoutError as err:
            if time_limit is REQUEST_TIMEOUT:
                raise CannotConnect(f"{method} {url.path}: {type(err).__name__}") from err
            raise WebhookUnreachable(
                "the server could not reach the webhook URL",
                server_message=f"no answer within {time_limit.total:g} s",
            ) from err
        except aiohttp.ClientError as err:
            raise CannotConnect(f"{method} {url.path}: {type(err).__name__}") from err
        if status in (401, 403):
            raise InvalidAuth(f"{method} {url.path}: HTTP {status}")
        if status >= 400:
            raise _rejection(f"{method} {url.path}", status, body, secrets)
        try:
            return json.loads(body) if body.strip() else None
        except ValueError as err:
            raise UnexpectedResponse(f"{method} {url.path}: not JSON") from err


class ArrClient:
    """A typed client for one Radarr or Sonarr over a shared aiohttp session.

    Every method raises `CannotConnect`, `InvalidAuth` or `UnexpectedResponse` (from `sources.errors`);
    `ensure_webhook` also raises `WebhookUnreachable`.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        api_key: str,
        kind: ArrKind,
        *,
        verify_ssl: bool = True,
        webhook_test_timeout: float = WEBHOOK_TEST_TIMEOUT,
    ) -> None:
        """Prepare calls to the server at `url` (a URL base such as `/radarr` is kept)."""
        if kind not in WEBHOOK_EVENTS:
            raise ValueError(f"unknown *arr kind {kind!r}")
        self.kind: ArrKind = kind
        self._webhook_test_limit = aiohttp.ClientTimeout(total=webhook_test_timeout)
        self._api = _ArrApi(session, url, headers={API_KEY_HEADER: api_key}, verify_ssl=verify_ssl)
        self.skipped: Counter[str] = Counter()
        """Records left out because they did not read, by collection (`queue`, `history`, `notifications`)."""

    @property
    def app_name(self) -> str:
        """The application name the server should report ("Radarr" or "Sonarr")."""
        return self.kind.capitalize()

    @property
    def _includes(self) -> dict[str, str]:
        """Query flags that embed the movie (Radarr) or series and episode (Sonarr) in queue and history records."""
        if self.kind == "radarr":
            return {"includeMovie": "true"}
        return {"includeSeries": "true", "includeEpisode": "true"}

    async def system_status(self) -> ArrStatus:
        """The server's status; `UnexpectedResponse` when it is not the configured kind (e.g. Sonarr as Radarr)."""
        status = read_answer(ArrStatus.from_json, await self._api.get("/api/v3/system/status"))
        if status.app_name.casefold() != self.kind:
            raise UnexpectedResponse(f"the server is {status.app_name}, not {self.app_name}")
        return status

    async def notifications(self) -> list[ArrNotification]:
        """Every configured connection."""
        what = f"{self.app_name} notifications"
        data = read_answer(lambda answer: as_list(answer, what), await self._api.get("/api/v3/notification"))
        return self._read(data, ArrNotification.from_json, "notifications")

    async def ensure_webhook(self, name: str, url: str, username: str, password: str) -> WebhookSetup:
        """Make sure exactly one webhook connection called `name` POSTs the tracked events to `url`.

        An existing webhook connection with this name (or, failing that, this URL) is updated in place; other
        webhook connections with the same name or URL are deleted. The server tests the URL before saving a
        changed connection, so `WebhookUnreachable` means it cannot reach Home Assistant at `url`. Empty
        `username` and `password` mean no basic auth.
        """
        ours = self._matching(await self.notifications(), name, url)
        by_name = [item for item in ours if item.name.casefold() == name.casefold()]
        existing = (by_name or ours)[0] if ours else None
        resource = _webhook_resource(
            self.kind,
            existing.raw if existing else None,
            name=name,
            url=url,
            username=username,
            password=password,
        )
        secrets = (password, url)
        limit = self._webhook_test_limit
        if existing is None:
            saved = await self._api.save("POST", "/api/v3/notification", resource, secrets, limit)
        else:
            saved = await self._api.save("PUT", f"/api/v3/notification/{existing.id}", resource, secrets, limit)
        saved_id = _saved_id(saved, existing)
        removed = tuple(item.id for item in ours if item.id != saved_id)
        for notification_id in removed:
            await self._api.request("DELETE", f"/api/v3/notification/{notification_id}")
        return WebhookSetup(id=saved_id, created=existing is None, removed_ids=removed)

    async def test_webhook(self, notification_id: int) -> None:
        """Have the server send a Test event through an existing connection now.

        Saving an unchanged connection does not test it again, so this is how to check later that the server
        still reaches Home Assistant; `WebhookUnreachable` when it does not.
        """
        what = f"{self.app_name} notification"
        resource = read_answer(
            lambda answer: as_object(answer, what), await self._api.get(f"/api/v3/notification/{notification_id}")
        )
        url = provider_field(resource, "url")
        # The password comes back masked; the server puts the stored one back for a resource with an id.
        secrets = (url if isinstance(url, str) else "",)
        await self._api.save("POST", "/api/v3/notification/test", resource, secrets, self._webhook_test_limit)

    async def remove_webhook(self, name: str, url: str) -> tuple[int, ...]:
        """Delete every webhook connection called `name` or posting to `url`; return their ids."""
        removed = tuple(item.id for item in self._matching(await self.notifications(), name, url))
        for notification_id in removed:
            await self._api.request("DELETE", f"/api/v3/notification/{notification_id}")
        return removed

    async def queue(self) -> list[ArrQueueRecord]:
        """Every download in the queue, with its movie (Radarr) or series and episode (Sonarr).

        Downloads the server could not map to media are asked for too (hidden by default): their download id
        still says how a tracked download is doing. The server sorts the whole queue again on every page, by
        time left unless told otherwise, so a download's page would change while paging; sorting by when it was
        added keeps each on its page.
        """
        unknown = "includeUnknownMovieItems" if self.kind == "radarr" else "includeUnknownSeriesItems"
        params = {**self._includes, unknown: "true", "sortKey": "added", "sortDirection": "ascending"}
        return await self._all_pages("/api/v3/queue", params, ArrQueueRecord.from_json, "queue")

    async def history_for_download(self, download_id: str) -> list[ArrHistoryRecord]:
        """Every history record of one download (grab, import, failure), newest first.

        Torrent hashes are sent upper-case because that is how the server stores them and the filter is
        case-sensitive; other download ids (usenet) are sent as given.
        """
        if _TORRENT_HASH.fullmatch(download_id):
            download_id = download_id.upper()
        params = {"downloadId": download_id, **self._includes}
        return await self._all_pages("/api/v3/history", params, ArrHistoryRecord.from_json, "history")

    # --- what a request that is searching needs: the media, its history and the searches run for it ------------

    @property
    def _media_path(self) -> str:
        return "/api/v3/movie" if self.kind == "radarr" else "/api/v3/series"

    async def media_item(self, arr_id: int) -> Mapping[str, Any]:
        """The movie (Radarr) or series (Sonarr) with this id, raw, for `parser.parse_media_item`."""
        path = f"{self._media_path}/{arr_id}"
        what = f"{self.app_name} {self._media_path}"
        return read_answer(lambda data: as_object(data, what), await self._api.get(path))

    async def media_history(self, arr_id: int) -> list[Any]:
        """Every history record of one movie or series, raw, each for `parser.parse_history_record`.

        The per-media history is a plain list (not paged); it holds the grab a missed webhook did not tell.
        """
        if self.kind == "radarr":
            path, params = "/api/v3/history/movie", {"movieId": str(arr_id)}
        else:
            path, params = "/api/v3/history/series", {"seriesId": str(arr_id)}
        what = f"{self.app_name} {path}"
        return read_answer(lambda data: as_list(data, what), await self._api.get(path, {**params, **self._includes}))

    async def commands(self) -> list[Any]:
        """The commands the server ran lately (searches among them), raw, each for `parser.parse_command`.

        The server keeps finished commands only for a while (and not across a restart), so a poll that wants
        every search result reads this more often than that; the tracker counts each search once however often
        it is read.
        """
        what = f"{self.app_name} commands"
        return read_answer(lambda data: as_list(data, what), await self._api.get("/api/v3/command"))

    async def _all_pages[R: (ArrQueueRecord, ArrHistoryRecord)](
        self, path: str, params: Mapping[str, str], read: Callable[[object], R], collection: str
    ) -> list[R]:
        """The records of every page of a paged v3 endpoint that read; the others are skipped and counted."""
        what = f"{self.app_name} {path}"
        found: dict[int, R] = {}
        page = 1
        while True:
            answer = await self._api.get(path, {**params, "page": page, "pageSize": PAGE_SIZE})
            envelope = read_answer(lambda data: _Page.from_json(data, what), answer)
            before = len(found)
            for record in self._read(envelope.records, read, collection):
                found.setdefault(record.id, record)
            # A page that adds nothing new means the server ignored `page`: stop instead of looping forever.
            if not envelope.records or len(found) == before or page * PAGE_SIZE >= envelope.total:
                return list(found.values())
            page += 1

    def _read[T](self, items: list[object], read: Callable[[object], T], collection: str) -> list[T]:
        """The items that read as records; the others are skipped and counted."""
        return read_records(items, read, service=self.app_name, collection=collection, skipped=self.skipped)

    @staticmethod
    def _matching(notifications: list[ArrNotification], name: str, url: str) -> list[ArrNotification]:
        """The webhook connections that are the tracker's: same name (case-insensitive, like the server) or URL."""
        return [
            item
            for item in notifications
            if item.implementation == WEBHOOK_IMPLEMENTATION
            and (item.name.casefold() == name.casefold() or item.url == url)
        ]

    # --- searching again ---------------------------------------------------------------------------------

    async def movie(self, movie_id: int) -> ArrMovie:
        """One Radarr movie; `NotFound` when the library has no movie with this id."""
        return read_answer(ArrMovie.from_json, await self._api.get(f"/api/v3/movie/{movie_id}"))

    async def episodes(self, series_id: int) -> list[ArrEpisode]:
        """Every episode of one Sonarr series (none for a series id the library does not have)."""
        what = f"{self.app_name} episodes"
        data = read_answer(
            lambda answer: as_list(answer, what), await self._api.get("/api/v3/episode", {"seriesId": series_id})
        )
        return self._read(data, ArrEpisode.from_json, "episodes")

    async def run_command(self, name: str, body: Mapping[str, Any]) -> ArrCommand:
        """Queue a command (`POST /api/v3/command`) and return it as the server queued it."""
        answer = await self._api.request("POST", "/api/v3/command", payload={"name": name, **body})
        return read_answer(ArrCommand.from_json, answer)

    async def search_again(self, item_id: int, episodes: Collection[tuple[int, int]] = ()) -> SearchOutcome:
        """Ask Radarr to search for a movie, or Sonarr for a series' missing episodes, unless nothing is missing.

        `item_id` is the movie id (Radarr) or series id (Sonarr); `episodes`, (season, episode) pairs, narrows
        a Sonarr search to those. What already has a file, or already has a download in the queue, is not
        searched for, so nothing downloads twice; when that leaves nothing, no command is sent.
        """
        if self.kind == "radarr":
            return await self._search_movie(item_id)
        return await self._search_episodes(item_id, set(episodes))

    async def _search_movie(self, movie_id: int) -> SearchOutcome:
        if (await self.movie(movie_id)).has_file:
            return SearchOutcome(skipped="in_library")
        if any(record.movie_id == movie_id for record in await self.queue()):
            return SearchOutcome(skipped="queued")
        command = await self.run_command(MOVIES_SEARCH, {"movieIds": [movie_id]})
        return SearchOutcome(command_id=command.id, command=MOVIES_SEARCH)

    async def _search_episodes(self, series_id: int, wanted: set[tuple[int, int]]) -> SearchOutcome:
        episodes = await self.episodes(series_id)
        if not episodes:
            raise NotFound(f"Sonarr has no episodes for series {series_id}")
        chosen = [ep for ep in episodes if (ep.season, ep.episode) in wanted] if wanted else episodes
        missing = [ep for ep in chosen if not ep.has_file and (ep.monitored or bool(wanted))]
        if not missing:
            return SearchOutcome(skipped="in_library")
        queued = {record.episode_id for record in await self.queue() if record.series_id == series_id}
        searchable = [ep for ep in missing if ep.id not in queued]
        if not searchable:
            return SearchOutcome(skipped="queued")
        if not wanted and len(searchable) == len(missing):
            command = await self.run_command(SERIES_SEARCH, {"seriesId": series_id})
            return SearchOutcome(command_id=command.id, command=SERIES_SEARCH)
        ids = sorted(ep.id for ep in searchable)
        command = await self.run_command(EPISODE_SEARCH, {"episodeIds": ids})
        return SearchOutcome(command_id=command.id, command=EPISODE_SEARCH, episode_ids=tuple(ids))


type SearchSkip = Literal["in_library", "queued"]


@dataclass(frozen=True, slots=True)
class SearchOutcome:
    """What `search_again` did: the command it queued, or why it sent none."""

    command_id: int | None = None
    command: str | None = None
    """`MoviesSearch`, `SeriesSearch` or `EpisodeSearch`."""
    episode_ids: tuple[int, ...] = ()
    """The Sonarr episode ids an `EpisodeSearch` asked for."""
    skipped: SearchSkip | None = None
    """`in_library`: everything asked for has a file; `queued`: what is missing is already downloading."""


@dataclass(frozen=True, slots=True)
class _Page:
    """One page of a paged v3 endpoint: its records, still unread, and how many there are in all."""

    records: list[object]
    total: int

    @classmethod
    def from_json(cls, data: object, what: str) -> _Page:
        page = as_object(data, what)
        return cls(records=opt_list(page, "records", what), total=req_int(page, "totalRecords", what))


def _webhook_resource(
    kind: ArrKind,
    existing: Mapping[str, Any] | None,
    *,
    name: str,
    url: str,
    username: str,
    password: str,
) -> dict[str, Any]:
    """The connection resource to save: the existing one or a new one, with our settings and event flags.

    Starting from the existing resource keeps what the user may have added (tags, extra headers).
    """
    resource: dict[str, Any] = (
        dict(existing)
        if existing
        else {"implementation": WEBHOOK_IMPLEMENTATION, "configContract": "WebhookSettings", "tags": []}
    )
    resource["name"] = name
    resource["fields"] = _merge_fields(
        objects(resource, "fields", "*arr notification"),
        {"url": url, "method": WEBHOOK_METHOD_POST, "username": username, "password": password},
    )
    resource.update(WEBHOOK_EVENTS[kind])
    return resource


def _merge_fields(fields: list[Mapping[str, object]], values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Set `values` in a provider's `fields` list, keeping the other entries (such as `headers`) as they are.

    The server masks the stored password as "********" and would keep the old one if that came back, so the
    password is always sent in full.
    """
    merged: list[dict[str, Any]] = []
    for entry in fields:
        item: dict[str, Any] = dict(entry)
        if isinstance(name := item.get("name"), str) and name in values:
            item["value"] = values[name]
        merged.append(item)
    present = {item.get("name") for item in merged}
    merged.extend({"name": key, "value": value} for key, value in values.items() if key not in present)
    return merged


def _saved_id(saved: Any, existing: ArrNotification | None) -> int:
    """The id of the saved connection: from the answer, or the updated one's when the answer has none."""
    if saved is None and existing is not None:
        return existing.id
    what = "*arr saved notification"
    return read_answer(lambda answer: req_int(as_object(answer, what), "id", what), saved)


def _rejection(call: str, status: int, body: bytes, secrets: Sequence[str]) -> UpstreamError:
    """The error for a rejected save: unreachable URL, another validation failure, or a plain HTTP error."""
    try:
        decoded = json.loads(body)
    except ValueError:
        decoded = None
    if status == 400 and isinstance(decoded, list):
        failures = [item for item in decoded if isinstance(item, Mapping)]
        message = _redact("; ".join(str(item.get("errorMessage", "")) for item in failures), secrets)
        if any(str(item.get("propertyName", "")).casefold() == "url" for item in failures):
            return WebhookUnreachable(
                "the server could not deliver a test event to the webhook URL", server_message=message
            )
        return UnexpectedResponse(f"{call}: the server rejected the connection: {message}")
    if status == 500 and isinstance(decoded, Mapping) and isinstance(decoded.get("message"), str):
        # The test POST is the only network call behind this route; .NET network errors surface as a 500.
        return WebhookUnreachable(
            "the server could not reach the webhook URL", server_message=_redact(decoded["message"], secrets)
        )
    return UnexpectedResponse(f"{call}: HTTP {status}")


def _redact(text: str, secrets: Sequence[str]) -> str:
    """`text` without the secrets: the password, the webhook URL and its last path segment (the webhook id)."""
    candidates = set()
    for secret in secrets:
        if secret:
            candidates.add(secret)
            candidates.add(secret.rstrip("/").rsplit("/", 1)[-1])
    for secret in sorted(candidates, key=len, reverse=True):
        if secret:
            text = text.replace(secret, _REDACTED)
    return text
