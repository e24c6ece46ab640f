"""A simulated Radarr or Sonarr: system status, queue, history, and webhook "Connections" that really deliver.

Connections behave like `ProviderControllerBase.cs`: names are unique (case-insensitively), an enabled connection
is tested before it is created (and before an update that changes it) unless `forceSave=true`, the test POSTs a
`Test` event to the URL with the connection's basic auth, a test answered with an HTTP error is a 400 validation
failure on `Url`, and a test that cannot connect is a 500 with the .NET exception message. GET masks passwords
as "********", and a PUT that sends the mask back keeps the stored password.

Outgoing calls wait up to 100 s, then fail with "Http request timed out" (`ManagedHttpDispatcher.cs`: the
.NET HttpClient default; the WebException is not the HttpException the webhook test turns into a validation
failure, so the save or test answers 500). The queue hides records of unknown media unless
`includeUnknownMovieItems`/`includeUnknownSeriesItems` is set and sorts the whole queue by time left (ascending)
on every page; queue and history embed the movie, series or episode only when asked (`QueueController.cs`,
`HistoryController.cs`, Radarr v6.0.3).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from http import HTTPStatus
import math
from typing import Any, Final, Literal

import aiohttp
from aiohttp import web

from .base import SimulatedService
from .payloads import post_webhook, radarr_test, sonarr_test

type ArrKind = Literal["radarr", "sonarr"]

DEFAULT_API_KEY = "arr-simulated-api-key"
PRIVATE_VALUE = "********"
WEBHOOK_METHODS = {1: "POST", 2: "PUT"}

VERSIONS: Final[dict[str, tuple[ArrKind, str]]] = {
    "radarr-5": ("radarr", "5.28.0.10274"),
    "radarr-6": ("radarr", "6.0.3.10000"),
    "sonarr-4": ("sonarr", "4.0.19.2700"),
}
"""The emulated releases: kind and the version `/system/status` reports. API v3 is the same in Radarr 5 and 6 for
everything emulated here; the newest of a kind is its default."""
NEWEST: Final[dict[ArrKind, str]] = {"radarr": "radarr-6", "sonarr": "sonarr-4"}
HTTP_TIMEOUT = 100.0
"""Seconds an outgoing call (a webhook, its test) waits before failing."""
_INCLUDES: dict[ArrKind, tuple[str, ...]] = {"radarr": ("movie",), "sonarr": ("series", "episode")}

_EVENT_FLAGS = {
    "Grab": "onGrab",
    "Rename": "onRename",
    "MovieAdded": "onMovieAdded",
    "SeriesAdd": "onSeriesAdd",
    "MovieDelete": "onMovieDelete",
    "SeriesDelete": "onSeriesDelete",
    "MovieFileDelete": "onMovieFileDelete",
    "EpisodeFileDelete": "onEpisodeFileDelete",
    "Health": "onHealthIssue",
    "HealthRestored": "onHealthRestored",
    "ApplicationUpdate": "onApplicationUpdate",
    "ManualInteractionRequired": "onManualInteractionRequired",
}
"""Which connection flag lets an event type through (Download and file deletions are special-cased)."""

_FIELD_PRIVACY = {"username": "userName", "password": "password"}


def queue_record(
    *,
    record_id: int,
    download_id: str,
    title: str,
    size: float = 4_000_000_000,
    size_left: float = 2_000_000_000,
    status: str = "downloading",
    tracked_download_state: str = "downloading",
    tracked_download_status: str = "ok",
    movie: Mapping[str, Any] | None = None,
    series: Mapping[str, Any] | None = None,
    episode: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A `/api/v3/queue` record; pass `movie` (Radarr) or `series` and `episode` (Sonarr) as webhook objects."""
    record: dict[str, Any] = {
        "id": record_id,
        "title": title,
        "size": size,
        "sizeleft": size_left,
        "timeleft": "00:10:00",
        "estimatedCompletionTime": "2026-01-01T00:10:00Z",
        "added": "2026-01-01T00:00:00Z",
        "status": status,
        "trackedDownloadStatus": tracked_download_status,
        "trackedDownloadState": tracked_download_state,
        "statusMessages": [],
        "downloadId": download_id,
        "protocol": "torrent",
        "downloadClient": "qBittorrent",
        "downloadClientHasPostImportCategory": False,
        "indexer": "Example Indexer (Prowlarr)",
        "outputPath": f"/downloads/complete/{title}",
    }
    if movie is not None:
        record |= {"movieId": movie["id"], "movie": dict(movie)}
    if series is not None:
        record |= {"seriesId": series["id"], "series": dict(series)}
    if episode is not None:
        record |= {"episodeId": episode["id"], "seasonNumber": episode["seasonNumber"], "episode": dict(episode)}
    return record


def history_record(
    *,
    record_id: int,
    download_id: str,
    event_type: str,
    source_title: str,
    date: str = "2026-01-01T00:00:00Z",
    movie_id: int | None = None,
    series_id: int | None = None,
    episode_id: int | None = None,
    data: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A `/api/v3/history` record; `event_type` is the camelCase enum name (`grabbed`, ...)."""
    record: dict[str, Any] = {
        "id": record_id,
        "sourceTitle": source_title,
        "date": date,
        "downloadId": download_id,
        "eventType": event_type,
        "data": dict(data or {}),
    }
    ids = {"movieId": movie_id, "seriesId": series_id, "episodeId": episode_id}
    record.update({key: value for key, value in ids.items() if value is not None})
    return record


class SimulatedArr(SimulatedService):
    """Radarr (`kind="radarr"`) or Sonarr (`kind="sonarr"`) on loopback; a wrong API key gets 401."""

    def __init__(
        self,
        kind: ArrKind,
        api_key: str = DEFAULT_API_KEY,
        *,
        instance_name: str | None = None,
        version: str | None = None,
        http_timeout: float = HTTP_TIMEOUT,
    ) -> None:
        """An instance of one of `VERSIONS` (the newest of its kind by default), empty, with no connections.

        Outgoing calls give up after `http_timeout` seconds.
        """
        release = version or NEWEST[kind]
        if VERSIONS[release][0] != kind:
            raise ValueError(f"{release} is not a {kind} release")
        self.version = VERSIONS[release][1]
        self.http_timeout = http_timeout
        self.kind: ArrKind = kind
        self.api_key = api_key
        self.app_name = kind.capitalize()
        self.instance_name = instance_name or self.app_name
        self.queue: list[dict[str, Any]] = []
        self.history: list[dict[str, Any]] = []
        self.notifications: dict[int, dict[str, Any]] = {}
        self._next_id = 1
        self.movies: dict[int, dict[str, Any]] = {}
        self.episodes: dict[int, dict[str, Any]] = {}
        self.commands: list[dict[str, Any]] = []
        """Commands posted to `/api/v3/command`, in order, as the server queued them."""
        super().__init__()
        self.app.middlewares.append(self._check_key)

    # --- state -------------------------------------------------------------------------------------------

    def set_queue(self, records: Iterable[Mapping[str, Any]]) -> None:
        """Replace the queue (records as `/api/v3/queue` returns them, with their movie/series/episode)."""
        self.queue = [dict(record) for record in records]

    def set_history(self, records: Iterable[Mapping[str, Any]]) -> None:
        """Replace the history (records as `/api/v3/history` returns them)."""
        self.history = [dict(record) for record in records]

    def set_commands(self, commands: Iterable[Mapping[str, Any]]) -> None:
        """Replace the commands the server remembers (resources as `GET /api/v3/command` returns them)."""
        self.commands = [dict(command) for command in commands]

    def add_movie(self, movie: Mapping[str, Any], *, has_file: bool = False, monitored: bool = True) -> None:
        """Put a movie (a webhook movie object) in Radarr's library, with or without its file."""
        self.movies[int(movie["id"])] = {**movie, "hasFile": has_file, "monitored": monitored}

    def add_episodes(
        self, episodes: Iterable[Mapping[str, Any]], *, has_file: bool = False, monitored: bool = True
    ) -> None:
        """Put episodes (webhook episode objects, with `seriesId`) in Sonarr's library."""
        for episode in episodes:
            self.episodes[int(episode["id"])] = {
                **episode,
                "hasFile": has_file,
                "episodeFileId": int(episode["id"]) if has_file else 0,
                "monitored": monitored,
            }

    # --- delivering events -------------------------------------------------------------------------------

    async def send(self, body: Mapping[str, Any]) -> dict[int, int | None]:
        """Deliver a webhook body to every connection subscribed to its event type.

        Returns the HTTP status per connection id (None when the connection failed), as the server would log it.
        """
        results: dict[int, int | None] = {}
        for notification_id, notification in self.notifications.items():
            if self._wants(notification, body):
                try:
                    results[notification_id] = await self._deliver(notification, body)
                except TimeoutError:
                    results[notification_id] = None
        return results

    def _wants(self, notification: Mapping[str, Any], body: Mapping[str, Any]) -> bool:
        """Whether a connection's flags let this event through."""
        event = body.get("eventType")
        if event == "Test":
            return True
        if event == "Download":
            if "episodeFiles" in body:
                flag = "onImportComplete"
            else:
                flag = "onUpgrade" if body.get("isUpgrade") else "onDownload"
        elif event in {"MovieFileDelete", "EpisodeFileDelete"} and body.get("deleteReason") == "upgrade":
            flag = "onMovieFileDeleteForUpgrade" if event == "MovieFileDelete" else "onEpisodeFileDeleteForUpgrade"
        else:
            flag = _EVENT_FLAGS.get(str(event), "")
        return bool(notification.get(flag))

    async def _deliver(self, notification: Mapping[str, Any], body: Mapping[str, Any]) -> int | None:
        """POST (or PUT) one body to a connection with its basic auth; None when it cannot connect.

        Raises `TimeoutError` when the URL has not answered within `http_timeout`.
        """
        settings = _settings(notification)
        headers = {}
        if settings["username"].strip() or settings["password"].strip():
            headers["Authorization"] = aiohttp.BasicAuth(settings["username"], settings["password"]).encode()
        method = WEBHOOK_METHODS.get(settings["method"], "POST")
        limits = aiohttp.ClientTimeout(total=self.http_timeout)
        try:
            return await post_webhook(self.outgoing(), settings["url"], body, headers, method=method, limits=limits)
        except (aiohttp.ClientError, ValueError):
            return None

    # --- HTTP --------------------------------------------------------------------------------------------

    def setup_routes(self, router: web.UrlDispatcher) -> None:
        router.add_get("/api/v3/system/status", self._status)
        router.add_get("/api/v3/queue", self._queue)
        router.add_get("/api/v3/history", self._history)
        router.add_get("/api/v3/notification", self._list_notifications)
        router.add_post("/api/v3/notification", self._create_notification)
        router.add_post("/api/v3/notification/test", self._test_notification)
        router.add_get("/api/v3/notification/{id}", self._get_notification)
        router.add_put("/api/v3/notification/{id}", self._update_notification)
        router.add_delete("/api/v3/notification/{id}", self._delete_notification)
        if self.kind == "radarr":
            router.add_get("/api/v3/movie/{id}", self._media)
            router.add_get("/api/v3/history/movie", self._media_history)
        else:
            router.add_get("/api/v3/series/{id}", self._media)
            router.add_get("/api/v3/episode", self._episodes)
            router.add_get("/api/v3/history/series", self._media_history)
        router.add_post("/api/v3/command", self._command)
        router.add_get("/api/v3/command", self._list_commands)

    @web.middleware
    async def _check_key(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        """Every API call needs the key, as `X-Api-Key` or `?apikey=`."""
        key = request.headers.get("X-Api-Key") or request.query.get("apikey")
        # Unknown paths get the router's 404: the real servers route before they authenticate.
        if key != self.api_key and request.match_info.http_exception is None:
            return web.Response(status=401)
        return await handler(request)

    async def _status(self, _request: web.Request) -> web.Response:
        return web.json_response(
            {
                "appName": self.app_name,
                "instanceName": self.instance_name,
                "version": self.version,
                "isDebug": False,
                "isProduction": True,
                "authentication": "forms",
                "urlBase": "",
            }
        )

    async def _queue(self, request: web.Request) -> web.Response:
        media = "movie" if self.kind == "radarr" else "series"
        unknown = _flag(request.query, f"includeUnknown{media.capitalize()}Items")
        records = [record for record in self.queue if unknown or record.get(media) is not None]
        sort_key = request.query.get("sortKey", "timeleft")
        if sort_key not in _QUEUE_SORT_KEYS:
            sort_key = "timeleft"
        descending = request.query.get("sortDirection", "ascending").lower() == "descending"
        # Sorted afresh on every call, so records move between pages as their time left changes.
        records.sort(key=_QUEUE_SORT_KEYS[sort_key], reverse=descending)
        return web.json_response(
            _page(self._embedding(records, request.query), request.query, sort_key=sort_key, direction="ascending")
        )

    async def _history(self, request: web.Request) -> web.Response:
        download_id = request.query.get("downloadId")
        # The filter is an SQL equality: case-sensitive, like the real one.
        records = [record for record in self.history if download_id in (None, record.get("downloadId"))]
        records.sort(key=lambda record: str(record.get("date", "")), reverse=True)
        return web.json_response(
            _page(self._embedding(records, request.query), request.query, sort_key="date", direction="descending")
        )

    def _embedding(self, records: list[dict[str, Any]], query: Mapping[str, str]) -> list[dict[str, Any]]:
        """Records without the movie, series or episode objects the query did not ask for (`include...`)."""
        hidden = {name for name in _INCLUDES[self.kind] if not _flag(query, f"include{name.capitalize()}")}
        return [{key: value for key, value in record.items() if key not in hidden} for record in records]

    async def _list_notifications(self, _request: web.Request) -> web.Response:
        items = sorted(self.notifications.values(), key=lambda item: str(item["name"]))
        return web.json_response([_masked(item) for item in items])

    async def _get_notification(self, request: web.Request) -> web.Response:
        notification = self.notifications.get(_id(request))
        if notification is None:
            return _not_found()
        return web.json_response(_masked(notification))

    async def _create_notification(self, request: web.Request) -> web.Response:
        resource = _normalized(await request.json(), None)
        failure = await self._validate_and_test(resource, None, force=_flag(request.query, "forceSave"))
        if failure is not None:
            return failure
        resource["id"] = self._next_id
        self._next_id += 1
        self.notifications[resource["id"]] = resource
        return web.json_response(_masked(resource), status=201)

    async def _update_notification(self, request: web.Request) -> web.Response:
        existing = self.notifications.get(_id(request))
        if existing is None:
            return _not_found()
        resource = _normalized(await request.json(), existing)
        resource["id"] = existing["id"]
        if resource != existing:
            failure = await self._validate_and_test(resource, existing["id"], force=_flag(request.query, "forceSave"))
            if failure is not None:
                return failure
            self.notifications[existing["id"]] = resource
        return web.json_response(_masked(resource), status=202)

    async def _delete_notification(self, request: web.Request) -> web.Response:
        if self.notifications.pop(_id(request), None) is None:
            return _not_found()
        return web.json_response({})

    async def _media(self, request: web.Request) -> web.Response:
        """A movie (Radarr) or series (Sonarr) the library holds (`add_movie`), else 404."""
        movie = self.movies.get(_id(request))
        return web.json_response(movie) if movie is not None else _not_found()

    async def _media_history(self, request: web.Request) -> web.Response:
        """`HistoryController.GetMovieHistory`/`GetSeriesHistory`: a plain list, newest first, not paged."""
        key = "movieId" if self.kind == "radarr" else "seriesId"
        wanted = request.query.get(key)
        if wanted is None:
            return _invalid(key[0].upper() + key[1:], f"'{key}' must be provided.")
        records = [record for record in self.history if str(record.get(key)) == wanted]
        records.sort(key=lambda record: str(record.get("date", "")), reverse=True)
        return web.json_response(self._embedding(records, request.query))

    async def _list_commands(self, _request: web.Request) -> web.Response:
        """`CommandController.GetStartedCommands`: the commands the server still remembers, as a plain list."""
        return web.json_response(self.commands)

    async def _episodes(self, request: web.Request) -> web.Response:
        """`EpisodeController.GetEpisodes` by series: an unknown series simply has no episodes."""
        series_id = request.query.get("seriesId")
        if series_id is None:
            return web.json_response({"message": "seriesId or episodeIds must be provided"}, status=400)
        found = [item for item in self.episodes.values() if str(item.get("seriesId")) == series_id]
        return web.json_response(sorted(found, key=lambda item: (item["seasonNumber"], item["episodeNumber"])))

    async def _command(self, request: web.Request) -> web.Response:
        """`CommandController.StartCommand`: queue the command and answer 201 with its resource.

        The body binds to the command class whose name (without "Command") matches `name` case-insensitively;
        an unknown name fails the `.Single()` look-up, a 500.
        """
        body = await request.json()
        name = str(body.get("name") or "")
        if not name:
            return _invalid("Name", "'Name' must not be empty.")
        if name.casefold() not in {known.casefold() for known in _SEARCH_COMMANDS[self.kind]}:
            message = "Sequence contains no matching element"
            return web.json_response({"message": message, "description": message}, status=500)
        command = {
            "id": len(self.commands) + 1,
            "name": name,
            "commandName": _COMMAND_TITLES[name.casefold()],
            "body": {**body, "sendUpdatesToClient": True, "trigger": "manual"},
            "priority": "normal",
            "status": "queued",
            "queued": "2026-01-01T00:00:00Z",
            "trigger": "manual",
            "sendUpdatesToClient": True,
            "updateScheduledTask": True,
        }
        self.commands.append(command)
        return web.json_response(command, status=201)

    async def _test_notification(self, request: web.Request) -> web.Response:
        body = await request.json()
        existing = self.notifications.get(body.get("id") or 0)
        failure = await self._test(_normalized(body, existing))
        # A Response is falsy (it is a mapping with no items), so compare with None.
        return failure if failure is not None else web.json_response({})

    async def _validate_and_test(
        self, resource: Mapping[str, Any], own_id: int | None, *, force: bool
    ) -> web.Response | None:
        """Validation, then the test of an enabled connection (skipped with `forceSave`)."""
        name = str(resource.get("name") or "")
        if not name:
            return _invalid("Name", "'Name' must not be empty.")
        if any(
            item["name"].casefold() == name.casefold() and item["id"] != own_id for item in self.notifications.values()
        ):
            return _invalid("Name", "Should be unique")
        if not _settings(resource)["url"]:
            return _invalid("Url", "'Url' must not be empty.")
        enabled = any(value is True for key, value in resource.items() if key.startswith("on"))
        return None if force or not enabled else await self._test(resource)

    async def _test(self, resource: Mapping[str, Any]) -> web.Response | None:
        """`Webhook.Test()`: POST a Test event.

        An HTTP error is a validation failure; no connection, or no answer within `http_timeout`, a 500.
        """
        settings = _settings(resource)
        body = radarr_test(self.instance_name) if self.kind == "radarr" else sonarr_test(self.instance_name)
        try:
            status = await self._deliver(resource, body)
        except TimeoutError:
            timed_out = "Http request timed out"
            return web.json_response({"message": timed_out, "description": f"WebException: {timed_out}"}, status=500)
        if status is None:
            refused = f"Connection refused ({settings['url']})"
            return web.json_response(
                {"message": refused, "description": f"HttpRequestException: {refused}"}, status=500
            )
        if status >= 400:
            method = WEBHOOK_METHODS.get(settings["method"], "POST")
            detail = f"HTTP request failed: [{status}:{_reason(status)}] [{method}] at [{settings['url']}]"
            return _invalid("Url", f"Unable to send test message: Unable to post to webhook: {detail}")
        return None


def _timeleft(record: Mapping[str, Any]) -> float:
    """`TimeleftComparer`: a .NET TimeSpan ("hh:mm:ss" or "d.hh:mm:ss") in seconds; unknown sorts last."""
    value = record.get("timeleft")
    if not isinstance(value, str) or value.count(":") != 2:
        return math.inf
    hours, minutes, seconds = value.split(":")
    days, _, hours = hours.rpartition(".")
    return ((int(days or 0) * 24 + int(hours)) * 60 + int(minutes)) * 60 + float(seconds)


_QUEUE_SORT_KEYS: Final[dict[str, Callable[[Mapping[str, Any]], Any]]] = {
    "timeleft": _timeleft,
    "added": lambda record: str(record.get("added", "")),
    "estimatedCompletionTime": lambda record: str(record.get("estimatedCompletionTime") or "9999"),
    "size": lambda record: float(record.get("size") or 0),
    "title": lambda record: str(record.get("title", "")).casefold(),
}
"""Sort keys the queue accepts (a subset of `QueueController.cs`); another key falls back to time left."""


def _reason(status: int) -> str:
    """.NET's `HttpStatusCode` name for a status ("NotFound")."""
    try:
        return HTTPStatus(status).phrase.replace(" ", "").replace("-", "")
    except ValueError:
        return str(status)


def _flag(query: Mapping[str, str], name: str) -> bool:
    """A boolean query parameter (ASP.NET binds them case-insensitively)."""
    return query.get(name, "").lower() == "true"


def _id(request: web.Request) -> int:
    """The `{id}` of the route (0 when it is not a number, which matches nothing)."""
    try:
        return int(request.match_info["id"])
    except ValueError:
        return 0


def _page(records: list[dict[str, Any]], query: Mapping[str, str], *, sort_key: str, direction: str) -> dict[str, Any]:
    """A `PagingResource`: 1-based pages, default size 10."""
    page = max(int(query.get("page", 1)), 1)
    size = max(int(query.get("pageSize", 10)), 1)
    return {
        "page": page,
        "pageSize": size,
        "sortKey": sort_key,
        "sortDirection": direction,
        "totalRecords": len(records),
        "records": records[(page - 1) * size : page * size],
    }


def _settings(resource: Mapping[str, Any]) -> dict[str, Any]:
    """The webhook settings held in a resource's `fields` list, with the server's defaults."""
    values = {
        str(field.get("name")): field.get("value")
        for field in resource.get("fields") or []
        if isinstance(field, Mapping)
    }
    method = values.get("method")
    return {
        "url": str(values.get("url") or ""),
        "method": method if isinstance(method, int) else 1,
        "username": str(values.get("username") or ""),
        "password": str(values.get("password") or ""),
    }


def _normalized(body: Mapping[str, Any], existing: Mapping[str, Any] | None) -> dict[str, Any]:
    """The resource as the server keeps it: fields carry their privacy, and a masked password keeps the old one."""
    old_password = _settings(existing)["password"] if existing else ""
    fields = []
    for field in body.get("fields") or []:
        entry = dict(field)
        name = entry.get("name")
        if name in _FIELD_PRIVACY:
            entry["privacy"] = _FIELD_PRIVACY[str(name)]
        if name == "password" and entry.get("value") == PRIVATE_VALUE:
            entry["value"] = old_password
        fields.append(entry)
    resource = {key: value for key, value in body.items() if key != "id"}
    resource["fields"] = fields
    resource.setdefault("implementationName", resource.get("implementation"))
    resource.setdefault("tags", [])
    return resource


def _masked(resource: Mapping[str, Any]) -> dict[str, Any]:
    """A resource as GET returns it: passwords replaced by the mask."""
    fields = [
        {**field, "value": PRIVATE_VALUE} if field.get("privacy") == "password" and field.get("value") else field
        for field in resource.get("fields", [])
    ]
    return {**resource, "fields": fields}


def _invalid(property_name: str, message: str) -> web.Response:
    """A FluentValidation failure list, as the error pipeline writes it (HTTP 400)."""
    failure = {
        "isWarning": False,
        "propertyName": property_name,
        "errorMessage": message,
        "severity": "error",
    }
    return web.json_response([failure], status=400)


def _not_found() -> web.Response:
    return web.json_response({"message": "NotFound"}, status=404)


_SEARCH_COMMANDS: dict[ArrKind, tuple[str, ...]] = {
    "radarr": ("MoviesSearch", "MissingMoviesSearch"),
    "sonarr": ("SeriesSearch", "SeasonSearch", "EpisodeSearch", "MissingEpisodeSearch"),
}
"""The commands emulated: the searches (others exist on the real servers)."""
_COMMAND_TITLES = {
    "moviessearch": "Movie Search",
    "missingmoviessearch": "Missing Movie Search",
    "seriessearch": "Series Search",
    "seasonsearch": "Season Search",
    "episodesearch": "Episode Search",
    "missingepisodesearch": "Missing Episode Search",
}
