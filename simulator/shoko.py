"""A simulated Shoko Server: the v3 REST endpoints the tracker reads and the v5 SignalR aggregate hub.

The hub speaks the ASP.NET Core SignalR JSON protocol over a real websocket, as Shoko v5 does: a v0 negotiate
answer, single-use connection ids (a reused id gets the 404 ASP.NET sends), the JSON handshake, invocations,
pings both ways and close messages. The REST answers and event payloads use Shoko's PascalCase keys.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
import contextlib
from dataclasses import dataclass, field
import json
import secrets
from typing import Any, Literal

from aiohttp import WSMsgType, web
from aiohttp.typedefs import Handler

from .base import Fault, SimulatedService, fault_answer

V5_VERSION = "5.3.3.0"
"""What a v5 server reports: the assembly version (`Utils.GetApplicationVersion()`)."""
V6_VERSION = "6.0.0-dev.425"
"""What a v6 development build reports: a semantic version."""

RECORD_SEPARATOR = "\x1e"
HUB_PATH = "/signalr/aggregate"
FEED_OF_GROUP = {"ShokoEvent": "shoko", "AniDB": "anidb", "Queue": "queue", "AVDump": "avdump", "Network": "network"}
"""Event name prefix (the emitter's group) -> the `feeds=` value that joins it (`AggregateHub.cs`)."""

REST_PREFIX = "/api/"
INVOCATION, COMPLETION, PING, CLOSE = 1, 3, 6, 7

type RestFault = Fault | Literal["401"]
"""How the REST API fails while the hub stays up: a base fault, or 401 on every call that needs the key."""
CLOSE_TIMEOUT = 2.0


def cross_reference(
    series_id: int | None,
    anidb_anime_id: int,
    episodes: Sequence[tuple[int | None, int]],
    *,
    tmdb_movie_ids: Sequence[int] = (),
    tmdb_show_ids: Sequence[int] = (),
) -> dict[str, Any]:
    """A REST `FileCrossReference`; `episodes` are (Shoko episode id or None, AniDB episode id) pairs."""
    return {
        "SeriesID": {
            "ID": series_id,
            "AniDB": anidb_anime_id,
            "TMDB": {"Movie": list(tmdb_movie_ids), "Show": list(tmdb_show_ids)},
        },
        "EpisodeIDs": [
            {
                "ID": episode_id,
                "AniDB": anidb_episode_id,
                "TMDB": {"Episode": [], "Movie": list(tmdb_movie_ids), "Show": list(tmdb_show_ids)},
                "ReleaseGroup": None,
                "ED2K": "",
                "FileSize": 0,
                "Percentage": {"Start": 0, "End": 100, "Size": 100, "Group": 1},
                "Source": "AniDB",
            }
            for episode_id, anidb_episode_id in episodes
        ],
    }


def event_cross_references(rest_cross_references: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The SignalR `FileCrossReferenceSignalRModel` list that matches REST cross-references."""
    return [
        {
            "EpisodeID": episode.get("ID"),
            "AnidbEpisodeID": episode.get("AniDB"),
            "SeriesID": xref["SeriesID"].get("ID"),
            "AnidbAnimeID": xref["SeriesID"].get("AniDB"),
            "GroupID": None,
        }
        for xref in rest_cross_references
        for episode in xref.get("EpisodeIDs", [])
    ]


def file_event(
    file_id: int,
    location_id: int,
    import_folder_id: int,
    relative_path: str,
    cross_references: Sequence[Mapping[str, Any]] = (),
    *,
    legacy_key: bool = False,
    **extra: Any,
) -> dict[str, Any]:
    """A `FileEventSignalRModel` (FileHashed, FileMatched, FileDeleted; `extra` adds the subclass fields).

    `legacy_key` names the list `CrossRefs`, as servers from before 2024 did.
    """
    return {
        "FileID": file_id,
        "FileLocationID": location_id,
        "ImportFolderID": import_folder_id,
        "RelativePath": relative_path,
        "CrossRefs" if legacy_key else "CrossReferences": [dict(item) for item in cross_references],
        **extra,
    }


@dataclass(frozen=True)
class HubRequest:
    """How a client asked for a hub connection (negotiate or websocket)."""

    path: str
    feeds: str | None
    key_in_header: bool
    key_in_query: bool


@dataclass(eq=False)
class HubClient:
    """One websocket connection that completed the SignalR handshake."""

    connection_id: str
    feeds: frozenset[str]
    socket: web.WebSocketResponse
    send_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def send(self, message: Mapping[str, Any]) -> None:
        """Send one SignalR JSON message (one record)."""
        async with self.send_lock:
            await self.socket.send_str(json.dumps(message) + RECORD_SEPARATOR)


class SimulatedShoko(SimulatedService):
    """Shoko Server v5 (or a v6 version answer) on loopback."""

    def __init__(
        self,
        *,
        api_key: str = "shoko-simulated-key",
        version: str = V5_VERSION,
        users: Mapping[str, str] | None = None,
        keepalive_interval: float = 15.0,
        client_timeout: float = 60.0,
    ) -> None:
        """`users` maps user names to passwords for `/api/auth`; the timeouts are ASP.NET's hub settings."""
        self.api_key = api_key
        self.version = version
        self.users = dict(users if users is not None else {"admin": "password"})
        self.keepalive_interval = keepalive_interval
        self.client_timeout = client_timeout
        self.import_folders: dict[int, dict[str, Any]] = {}
        self.files: dict[int, dict[str, Any]] = {}
        self.series: dict[int, dict[str, Any]] = {}
        self.rescans: list[tuple[int, bool]] = []
        """(file id, priority) of every `File/{id}/Rescan` call: the AniDB look-ups Shoko queued."""
        self.negotiations = 0
        self.connection_ids: list[str] = []
        """Every connection id that completed a handshake, in order."""
        self.rejected_ids: list[str] = []
        """Connection ids refused with 404 because they were unknown or already used."""
        self.pings_received = 0
        self.hub_requests: list[HubRequest] = []
        """Every negotiate and websocket request, in order."""
        self.negotiations_waiting = 0
        self.rest_fault: RestFault | None = None
        """Set to make every REST call fail that way while the event hub goes on serving (None: answer)."""
        self.file_faults: dict[int, Fault] = {}
        """File id -> how `File/{id}` fails for that file alone."""
        self.rest_calls: list[str] = []
        """The path of every REST call, in order, failed or not."""
        self._negotiation_open = asyncio.Event()
        self._negotiation_open.set()
        self._pending: set[str] = set()
        self._clients: set[HubClient] = set()
        self._changed = asyncio.Condition()
        super().__init__()
        self.app.on_shutdown.append(self._close_all_on_shutdown)

    def setup_routes(self, router: web.UrlDispatcher) -> None:
        router.add_post("/api/auth", self._login)
        router.add_get("/api/v3/Init/Version", self._version)
        router.add_get("/api/v3/ImportFolder", self._import_folder_list)
        router.add_get(r"/api/v3/ImportFolder/{id:\d+}", self._import_folder)
        router.add_get("/api/v3/File/PathEndsWith", self._path_ends_with)
        router.add_get(r"/api/v3/File/{id:\d+}", self._file)
        router.add_post(r"/api/v3/File/{id:\d+}/Rescan", self._rescan_file)
        router.add_get(r"/api/v3/Series/{id:\d+}", self._series)
        router.add_post(f"{HUB_PATH}/negotiate", self._negotiate)
        router.add_get(HUB_PATH, self._hub)

    @web.middleware
    async def _inject_fault(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """REST faults of their own (the hub is untouched), then the faults every simulated service has."""
        if request.path.startswith(REST_PREFIX):
            self.rest_calls.append(request.path)
            fault = self._rest_fault_for(request)
            if fault == "401":
                raise web.HTTPUnauthorized
            if fault is not None:
                return await fault_answer(fault)
        return await super()._inject_fault(request, handler)

    def _rest_fault_for(self, request: web.Request) -> RestFault | None:
        if self.rest_fault == "401":
            # The version and the login answer anyone, as the real InitController and AuthController do.
            return None if request.path in ("/api/v3/Init/Version", "/api/auth") else "401"
        if self.rest_fault is not None:
            return self.rest_fault
        file_id = request.match_info.get("id")
        if request.path.startswith("/api/v3/File/") and file_id is not None and file_id.isdigit():
            return self.file_faults.get(int(file_id))
        return None

    # State, set by tests and by trace replay.

    @property
    def is_v6(self) -> bool:
        """Whether the simulated server reports a v6 version."""
        return self.version.startswith("6")

    def set_import_folder(self, folder_id: int, path: str, name: str | None = None) -> dict[str, Any]:
        """Add or replace an import folder (`ImportFolder.cs` shape) and return it."""
        folder = {
            "ID": folder_id,
            "WatchForNewFiles": True,
            "DropFolderType": "None",
            "Path": path,
            "FileSize": 0,
            "Name": name if name is not None else f"Folder {folder_id}",
            "Size": 0,
        }
        self.import_folders[folder_id] = folder
        return folder

    def add_file(
        self,
        file_id: int,
        *,
        size: int,
        locations: Sequence[tuple[int, str]],
        cross_references: Sequence[Mapping[str, Any]] = (),
        ed2k: str | None = None,
    ) -> dict[str, Any]:
        """Add or replace a file; `locations` are (import folder id, relative path). Returns its REST shape."""
        file = {
            "ID": file_id,
            "Size": size,
            "IsVariation": False,
            "IsIgnored": False,
            "Hashes": {"ED2K": ed2k or f"{file_id:032X}", "SHA1": None, "CRC32": None, "MD5": None},
            "Locations": [
                {
                    "ID": file_id * 10 + index,
                    "FileID": file_id,
                    "ImportFolderID": folder_id,
                    "RelativePath": relative_path,
                    "IsAccessible": True,
                }
                for index, (folder_id, relative_path) in enumerate(locations, start=1)
            ],
            "Resolution": "1920x1080",
            "Duration": "00:24:00",
            "Created": "2025-01-01T00:00:00Z",
            "Updated": "2025-01-01T00:00:00Z",
            "Imported": "2025-01-01T00:00:00Z" if cross_references else None,
            "SeriesIDs": [dict(item) for item in cross_references],
        }
        self.files[file_id] = file
        return file

    def add_series(
        self,
        series_id: int,
        *,
        name: str,
        anidb_id: int,
        tmdb_movie_ids: Sequence[int] = (),
        tmdb_show_ids: Sequence[int] = (),
        tvdb_ids: Sequence[int] = (),
        imdb_ids: Sequence[str] = (),
    ) -> dict[str, Any]:
        """Add or replace a series (`Series.cs` shape, the parts the tracker reads) and return it."""
        series = {
            "IDs": {
                "ID": series_id,
                "ParentGroup": series_id,
                "TopLevelGroup": series_id,
                "AniDB": anidb_id,
                "TvDB": list(tvdb_ids),
                "IMDB": list(imdb_ids),
                "TMDB": {"Movie": list(tmdb_movie_ids), "Show": list(tmdb_show_ids)},
                "MAL": [],
            },
            "Name": name,
            "Size": 0,
            "HasCustomName": False,
        }
        self.series[series_id] = series
        return series

    def set_files(self, files: Iterable[Mapping[str, Any]]) -> None:
        """Replace every file with REST-shaped objects (as a trace's `state` line gives them)."""
        self.files = {int(item["ID"]): dict(item) for item in files}

    def set_series(self, series: Iterable[Mapping[str, Any]]) -> None:
        """Replace every series with REST-shaped objects."""
        self.series = {int(item["IDs"]["ID"]): dict(item) for item in series}

    def file_event(self, file_id: int, *, location_index: int = 0, **extra: Any) -> dict[str, Any]:
        """The `FileEventSignalRModel` the server would send for a stored file."""
        file = self.files[file_id]
        location = file["Locations"][location_index]
        return file_event(
            file_id,
            location["ID"],
            location["ImportFolderID"],
            location["RelativePath"],
            event_cross_references(file.get("SeriesIDs") or []),
            **extra,
        )

    # Hub control for tests.

    @property
    def connected_clients(self) -> int:
        """Connections that completed the handshake and are still open."""
        return len(self._clients)

    async def wait_for_clients(self, count: int, seconds: float = 5.0) -> None:
        """Wait (at most `seconds`) until exactly `count` clients are connected."""
        async with asyncio.timeout(seconds), self._changed:
            await self._changed.wait_for(lambda: len(self._clients) == count)

    async def broadcast(self, event_name: str, *arguments: Any) -> int:
        """Send an invocation to every client subscribed to the event's feed; return how many got it."""
        feed = FEED_OF_GROUP.get(event_name.partition(":")[0])
        message = {"type": INVOCATION, "target": event_name, "arguments": list(arguments)}
        delivered = 0
        for client in list(self._clients):
            if feed in client.feeds and not client.socket.closed:
                with contextlib.suppress(ConnectionError, RuntimeError):
                    await client.send(message)
                    delivered += 1
        return delivered

    def stall_negotiation(self) -> None:
        """Accept negotiate requests but do not answer them until `release_negotiation()`."""
        self._negotiation_open.clear()

    def release_negotiation(self) -> None:
        """Answer stalled and later negotiate requests again."""
        self._negotiation_open.set()

    async def drop_connections(self, error: str | None = None) -> int:
        """Close every hub connection from the server side (close message, then websocket close)."""
        clients = list(self._clients)
        close: dict[str, Any] = {"type": CLOSE, "allowReconnect": True}
        if error is not None:
            close["error"] = error
        for client in clients:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await client.send(close)
            await client.socket.close()
        return len(clients)

    # REST.

    def _presented_keys(self, request: web.Request) -> list[str]:
        """The keys a request carries where Shoko's auth handler looks (v6 also reads bearer tokens)."""
        keys = [request.headers.get("apikey"), request.query.get("apikey")]
        if self.is_v6:
            bearer = request.headers.get("Authorization", "")
            keys += [bearer.removeprefix("Bearer ") if bearer.startswith("Bearer ") else None]
            keys += [request.query.get("access_token")]
        return [key for key in keys if key]

    def _authorized(self, request: web.Request) -> bool:
        """Whether the request carries the right key and no wrong one."""
        keys = self._presented_keys(request)
        return bool(keys) and all(key == self.api_key for key in keys)

    def _require_key(self, request: web.Request) -> None:
        """Refuse a REST call without the right key."""
        if not self._authorized(request):
            raise web.HTTPUnauthorized

    async def _login(self, request: web.Request) -> web.Response:
        body = await request.json()
        user = str(body.get("user") or "").strip()
        if not user:
            return web.json_response({"errors": {"user": ["The user field is required."]}}, status=400)
        password = str(body.get("pass") or "").strip()
        if self.users.get(user) != password:
            raise web.HTTPUnauthorized
        return web.json_response({"apikey": self.api_key})

    async def _version(self, request: web.Request) -> web.Response:
        # Anonymous on purpose: the real InitController serves the version without auth.
        server: dict[str, Any] = {"Version": self.version, "Commit": "e09dffe6d"}
        if self.is_v6:
            server |= {"ReleaseChannel": "Dev", "ReleaseDate": "2026-06-01T00:00:00Z"}
            return web.json_response({"Server": server, "MediaInfo": {"Version": "24.12"}})
        server |= {"ReleaseChannel": "Stable", "ReleaseDate": "2026-06-06T00:00:00Z", "Tag": "v5.3.3"}
        component = {"Version": self.version}
        body = {"Server": server, "Commons": component, "Models": component, "MediaInfo": {"Version": None}}
        return web.json_response(body)

    async def _import_folder_list(self, request: web.Request) -> web.Response:
        self._require_key(request)
        return web.json_response(list(self.import_folders.values()))

    async def _import_folder(self, request: web.Request) -> web.Response:
        self._require_key(request)
        return self._found(self.import_folders.get(int(request.match_info["id"])), "Folder not found.")

    async def _file(self, request: web.Request) -> web.Response:
        self._require_key(request)
        file = self.files.get(int(request.match_info["id"]))
        if file is None:
            return self._found(None, "No File entry for the given fileID")
        include = {part.strip().lower() for part in request.query.get("include", "").split(",")}
        return web.json_response(self._file_view(file, with_xrefs="xrefs" in include))

    async def _rescan_file(self, request: web.Request) -> web.Response:
        """`FileController.RescanFile`: queue an AniDB look-up of the file (200, no body); 400 without a path."""
        self._require_key(request)
        file_id = int(request.match_info["id"])
        file = self.files.get(file_id)
        if file is None:
            return self._found(None, "No File entry for the given fileID")
        if not file.get("Locations"):
            return web.json_response({"errors": {"File": ["Unable to resolve file location."]}}, status=400)
        self.rescans.append((file_id, request.query.get("priority", "false").lower() == "true"))
        return web.Response(status=200)

    async def _path_ends_with(self, request: web.Request) -> web.Response:
        self._require_key(request)
        tail = _normalise(request.query.get("path", ""))
        limit = int(request.query.get("limit", "0"))
        if not 0 <= limit <= 100:
            return web.json_response({"errors": {"limit": ["out of range"]}}, status=400)
        with_xrefs = request.query.get("includeXRefs", "true").lower() != "false"
        found = [file for file in self.files.values() if tail and self._file_path_ends_with(file, tail)]
        found = found[:limit] if limit else found
        return web.json_response([self._file_view(file, with_xrefs=with_xrefs) for file in found])

    async def _series(self, request: web.Request) -> web.Response:
        self._require_key(request)
        series = self.series.get(int(request.match_info["id"]))
        return self._found(series, "No Series entry for the given seriesID")

    @staticmethod
    def _found(body: Mapping[str, Any] | None, not_found: str) -> web.Response:
        if body is None:
            return web.json_response(not_found, status=404)
        return web.json_response(body)

    @staticmethod
    def _file_view(file: Mapping[str, Any], *, with_xrefs: bool) -> dict[str, Any]:
        # The server leaves SeriesIDs out entirely unless cross-references were asked for.
        view = dict(file)
        if not with_xrefs:
            view.pop("SeriesIDs", None)
        return view

    def _file_path_ends_with(self, file: Mapping[str, Any], tail: str) -> bool:
        """Whether a full server path of the file (import folder path + relative path) ends with `tail`."""
        for location in file.get("Locations", []):
            folder = self.import_folders.get(location["ImportFolderID"], {})
            full = _normalise(f"{folder.get('Path', '')}/{location['RelativePath']}")
            if full.endswith(tail):
                return True
        return False

    # SignalR.

    async def _negotiate(self, request: web.Request) -> web.Response:
        self._record(request)
        if not self._hub_authorized(request):
            raise web.HTTPUnauthorized
        self.negotiations_waiting += 1
        try:
            await self._negotiation_open.wait()
        finally:
            self.negotiations_waiting -= 1
        self.negotiations += 1
        connection_id = secrets.token_urlsafe(16)
        transports = [
            {"transport": "WebSockets", "transferFormats": ["Text", "Binary"]},
            {"transport": "ServerSentEvents", "transferFormats": ["Text"]},
            {"transport": "LongPolling", "transferFormats": ["Text", "Binary"]},
        ]
        body: dict[str, Any] = {"connectionId": connection_id, "availableTransports": transports}
        if request.query.get("negotiateVersion", "0") != "0":
            # Protocol v1 clients connect with a separate token; v0 ones (pysignalr) with the connection id.
            token = secrets.token_urlsafe(16)
            body |= {"negotiateVersion": 1, "connectionToken": token}
            self._pending.add(token)
        else:
            body["negotiateVersion"] = 0
            self._pending.add(connection_id)
        return web.json_response(body)

    def _hub_authorized(self, request: web.Request) -> bool:
        """v5's `AggregateHub` has no `[Authorize]`: any key, or none, connects (only REST answers 401); v6's does."""
        return not self.is_v6 or self._authorized(request)

    def _record(self, request: web.Request) -> None:
        self.hub_requests.append(
            HubRequest(
                path=request.path,
                feeds=request.query.get("feeds"),
                key_in_header="apikey" in request.headers,
                key_in_query="apikey" in request.query,
            )
        )

    async def _hub(self, request: web.Request) -> web.StreamResponse:
        self._record(request)
        if not self._hub_authorized(request):
            raise web.HTTPUnauthorized
        # `timeout` bounds the wait for the client's answer to a close we start.
        socket = web.WebSocketResponse(autoping=True, max_msg_size=2**20, timeout=CLOSE_TIMEOUT)
        if not socket.can_prepare(request).ok:
            return web.Response(status=400, text="Only WebSockets are simulated")
        connection_id = request.query.get("id")
        if connection_id is None:
            connection_id = secrets.token_urlsafe(16)  # ASP.NET lets WebSockets skip negotiation
        elif connection_id in self._pending:
            self._pending.discard(connection_id)
        else:
            self.rejected_ids.append(connection_id)
            return web.Response(status=404, text="No Connection with that ID")
        await socket.prepare(request)
        if not await self._handshake(socket):
            await socket.close()
            return socket
        feeds = frozenset(
            feed.strip().lower() for value in request.query.getall("feeds", []) for feed in value.split(",")
        )
        await self._serve(HubClient(connection_id, feeds, socket))
        return socket

    async def _handshake(self, socket: web.WebSocketResponse) -> bool:
        """Read the client's handshake request and answer it; False when it is not one we accept."""
        try:
            message = await socket.receive(timeout=15)
        except TimeoutError:
            return False
        if message.type is not WSMsgType.TEXT or RECORD_SEPARATOR not in message.data:
            return False
        try:
            request = json.loads(message.data.split(RECORD_SEPARATOR, 1)[0])
        except ValueError:
            return False
        if request.get("protocol") != "json" or request.get("version") != 1:
            error = {"error": f"The protocol '{request.get('protocol')}' is not supported."}
            await socket.send_str(json.dumps(error) + RECORD_SEPARATOR)
            return False
        await socket.send_str("{}" + RECORD_SEPARATOR)
        return True

    async def _serve(self, client: HubClient) -> None:
        """Hold one connection: greet the feeds, ping, and read until either side closes."""
        await self._register(client)
        keepalive = asyncio.create_task(self._keepalive(client), name="simulated-shoko-keepalive")
        try:
            for group, feed in FEED_OF_GROUP.items():
                if feed in client.feeds:
                    greeting = {"type": INVOCATION, "target": f"{group}:OnConnected", "arguments": [None]}
                    await client.send(greeting)
            await self._read(client)
        finally:
            keepalive.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keepalive
            # Gone for broadcasting at once, even while the close handshake below waits for the client.
            await self._unregister(client)
            await client.socket.close()

    async def _read(self, client: HubClient) -> None:
        """Read client messages until either side ends the connection; time out a silent client."""
        while not client.socket.closed:
            try:
                message = await client.socket.receive(timeout=self.client_timeout)
            except TimeoutError:
                error = "Server timeout elapsed without receiving a message from the client."
                await client.send({"type": CLOSE, "error": error, "allowReconnect": True})
                return
            if message.type is not WSMsgType.TEXT:
                return
            for record in filter(None, message.data.split(RECORD_SEPARATOR)):
                if not await self._on_client_message(client, json.loads(record)):
                    return

    async def _on_client_message(self, client: HubClient, message: Mapping[str, Any]) -> bool:
        """React to one client message; False when the client closed the connection."""
        kind = message.get("type")
        if kind == PING:
            self.pings_received += 1
        elif kind == CLOSE:
            return False
        elif kind == INVOCATION and message.get("invocationId"):
            error = f"Failed to invoke '{message.get('target')}' because it does not exist."
            await client.send({"type": COMPLETION, "invocationId": message["invocationId"], "error": error})
        return True

    async def _keepalive(self, client: HubClient) -> None:
        """Send SignalR pings, as ASP.NET's KeepAliveInterval does."""
        while not client.socket.closed:
            await asyncio.sleep(self.keepalive_interval)
            with contextlib.suppress(ConnectionError, RuntimeError):
                await client.send({"type": PING})

    async def _register(self, client: HubClient) -> None:
        async with self._changed:
            self._clients.add(client)
            self.connection_ids.append(client.connection_id)
            self._changed.notify_all()

    async def _unregister(self, client: HubClient) -> None:
        async with self._changed:
            self._clients.discard(client)
            self._changed.notify_all()

    async def _close_all_on_shutdown(self, _app: web.Application) -> None:
        """A stopping server closes its websockets (otherwise the runner waits for the handlers)."""
        for client in list(self._clients):
            await client.socket.close(code=1001, message=b"Server shutting down")
        self._pending.clear()


def _normalise(path: str) -> str:
    """Compare paths as Shoko's PathEndsWith does: any separator, case-insensitive."""
    return path.replace("\\", "/").lower()
