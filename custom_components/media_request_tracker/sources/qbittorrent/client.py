"""qBittorrent WebUI API v2 client: cookie login kept apart from the shared session, and maindata deltas.

The aiohttp session is Home Assistant's shared one, whose cookie jar every integration writes to. qBittorrent
names its session cookie `SID` (up to 5.1) and cookies ignore ports, so two qBittorrents on one host, or a
second client of the same server, would overwrite each other's session in the jar, and the jar's cookie wins
over a `Cookie` header. So the client keeps its own session cookie and passes it per request (aiohttp merges
request cookies over the jar's); for the login itself it blanks the session cookie names, so a cookie another
client left in the jar cannot make the server answer "already logged in" without issuing a session of our own.

`sync()` follows `/api/v2/sync/maindata`: the server answers only what changed since the response id (`rid`)
we send, or everything (`full_update`) when it does not know that id. Sync state lives in the server's
session, so a new login always starts over with a full update.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
import logging
from types import MappingProxyType
from typing import Any, Final

import aiohttp
from aiohttp import hdrs
from yarl import URL

from ..errors import CannotConnect, InvalidAuth, UnexpectedResponse
from ..http import REQUEST_TIMEOUT, decode_json
from ..payload import PayloadError, as_object, clean_text
from ..records import read_records
from .models import (
    ETA_UNKNOWN,
    SHA1_HEX_LENGTH,
    MaindataDelta,
    Torrent,
    TorrentPhase,
    classify_state,
    torrent_from_row,
)

__all__ = [
    "ETA_UNKNOWN",
    "MaindataDelta",
    "QBittorrentClient",
    "Torrent",
    "TorrentPhase",
    "autorun_command",
    "autorun_download_ids",
    "classify_state",
]

_LOGGER = logging.getLogger(__name__)

API_PREFIX: Final = "api/v2/"
LOGIN_OK: Final = b"Ok."
LOGIN_FAILED: Final = b"Fails."
LEGACY_SESSION_COOKIE: Final = "SID"
PORT_SESSION_COOKIE_PREFIX: Final = "QBT_SID_"
"""5.2+ names the cookie after its WebUI port, which behind a port mapping is not the port in our URL."""
MAX_VERSION_LENGTH: Final = 64

Form = Mapping[str, str]
Params = Mapping[str, str | int]


@dataclass(frozen=True, slots=True)
class _Reply:
    """One HTTP answer, read completely."""

    status: int
    body: bytes
    set_cookies: Mapping[str, str]
    """Cookies the answer sets (names with non-empty values)."""
    sent_cookie_names: frozenset[str]
    """Names of the cookies the request carried (ours and whatever the shared jar added)."""


class QBittorrentClient:
    """A typed client for one qBittorrent WebUI over a shared aiohttp session.

    Every call raises `CannotConnect`, `InvalidAuth` or `UnexpectedResponse` (from `sources.errors`). A call
    whose session has expired (HTTP 403) logs in again once and is retried.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        username: str,
        password: str,
        *,
        verify_ssl: bool = True,
    ) -> None:
        """Prepare calls to the WebUI at `url` (a reverse-proxy sub-path is kept)."""
        self._session = session
        self._base = URL(url.rstrip("/"))
        self._username = username
        self._password = password
        self._ssl = verify_ssl
        self._cookies: dict[str, str] = {}
        self._session_cookie_names = {LEGACY_SESSION_COOKIE, f"{PORT_SESSION_COOKIE_PREFIX}{self._base.port}"}
        self._login_lock = asyncio.Lock()
        self._sync_lock = asyncio.Lock()
        self._rid = 0
        self._fields: dict[str, dict[str, Any]] = {}
        self._torrents: dict[str, Torrent] = {}
        self._by_download_id: dict[str, str] = {}
        self.last_response_bytes = 0
        """Body size of the latest response (for benchmarks and diagnostics)."""
        self.total_response_bytes = 0
        """Body bytes received since the client was made."""
        self.skipped: Counter[str] = Counter()
        """Records left out because they did not read, by collection (`torrents`, `torrents_removed`)."""

    @property
    def url(self) -> URL:
        """The WebUI's base URL."""
        return self._base

    @property
    def rid(self) -> int:
        """The maindata response id the next `sync()` sends (0: none yet)."""
        return self._rid

    @property
    def torrents(self) -> Mapping[str, Torrent]:
        """The merged view after the latest `sync()`, by hash (a read-only view that later syncs update)."""
        return MappingProxyType(self._torrents)

    def torrent_by_download_id(self, download_id: str) -> Torrent | None:
        """The synced torrent a Radarr/Sonarr `downloadId` (any case) or autorun hash refers to, if any."""
        torrent_hash = self._by_download_id.get(download_id.lower())
        return None if torrent_hash is None else self._torrents.get(torrent_hash)

    # Session handling

    async def login(self) -> None:
        """Log in and keep the session cookie."""
        async with self._login_lock:
            await self._login()

    async def _login(self) -> None:
        """Log in (the caller holds the login lock); a new session has no sync history, so rid starts over."""
        self._cookies = {}
        self._rid = 0
        reply = await self._post_login(self._session_cookie_names)
        if not reply.set_cookies and reply.sent_cookie_names - self._session_cookie_names:
            # "Ok." without a cookie: the server took a session cookie the shared jar added under a name we
            # did not blank (a 5.2 WebUI port behind a port mapping, or a custom name in 4.6 to 5.1). Blank it
            # and retry.
            self._session_cookie_names |= reply.sent_cookie_names
            reply = await self._post_login(self._session_cookie_names)
        if not reply.set_cookies:
            raise UnexpectedResponse("qBittorrent login: accepted, but no session cookie was set")
        self._session_cookie_names |= reply.set_cookies.keys()
        self._cookies = dict(reply.set_cookies)
        _LOGGER.debug("Logged in to qBittorrent at %s", self._where)

    async def _post_login(self, blanked_names: set[str]) -> _Reply:
        """POST the credentials, sending empty session cookies so no other client's session is reused."""
        form = {"username": self._username, "password": self._password}
        reply = await self._send("POST", "auth/login", form=form, cookies=dict.fromkeys(blanked_names, ""))
        _check_login(reply)
        return reply

    async def _current_cookies(self) -> dict[str, str]:
        """Our session cookies, logging in first when there are none."""
        if not self._cookies:
            async with self._login_lock:
                if not self._cookies:
                    await self._login()
        return self._cookies

    async def _relogin(self, stale: dict[str, str]) -> None:
        """Log in again unless a concurrent call already replaced the `stale` session."""
        async with self._login_lock:
            if self._cookies is stale or not self._cookies:
                _LOGGER.debug("qBittorrent session at %s expired; logging in again", self._where)
                await self._login()

    # HTTP

    @property
    def _where(self) -> str:
        """Host and port for log lines (never the whole URL, which could carry user info)."""
        return f"{self._base.host}:{self._base.port}"

    def _url(self, path: str) -> URL:
        return self._base.with_path(f"{self._base.path.rstrip('/')}/{API_PREFIX}{path}")

    async def _send(
        self,
        method: str,
        path: str,
        *,
        cookies: Mapping[str, str],
        params: Params | None = None,
        form: Form | None = None,
    ) -> _Reply:
        """Send one request and read the whole answer; transport failures become CannotConnect."""
        url = self._url(path)
        try:
            async with self._session.request(
                method,
                url,
                params=params,
                data=form,
                cookies=cookies,
                ssl=self._ssl,
                timeout=REQUEST_TIMEOUT,
                allow_redirects=False,
            ) as response:
                body = await response.read()
                reply = _Reply(
                    status=response.status,
                    body=body,
                    set_cookies={name: morsel.value for name, morsel in response.cookies.items() if morsel.value},
                    sent_cookie_names=_cookie_names(response.request_info.headers.get(hdrs.COOKIE, "")),
                )
        except (aiohttp.ClientError, TimeoutError) as err:
            raise CannotConnect(f"qBittorrent {method} {url.path}: {type(err).__name__}") from err
        self.last_response_bytes = len(body)
        self.total_response_bytes += len(body)
        return reply

    async def _api(self, method: str, path: str, *, params: Params | None = None, form: Form | None = None) -> bytes:
        """Call an API endpoint with our session, logging in again once if the session has expired."""
        cookies = await self._current_cookies()
        reply = await self._send(method, path, cookies=cookies, params=params, form=form)
        if reply.status == 403:
            # A session ends after the WebUI session timeout (1 h by default) or when qBittorrent restarts.
            await self._relogin(cookies)
            reply = await self._send(method, path, cookies=self._cookies, params=params, form=form)
        _check_api(reply, method, path)
        return reply.body

    async def _get_json(self, path: str, params: Params | None = None) -> Any:
        return decode_json(await self._api("GET", path, params=params), f"qBittorrent GET {path}")

    async def _get_version(self, path: str) -> str:
        """A bare version string; anything else (an HTML page, say) means this is not qBittorrent."""
        text = (await self._api("GET", path)).decode(errors="replace").strip()
        if not text or len(text) > MAX_VERSION_LENGTH or any(char.isspace() or char in "<>{}" for char in text):
            raise UnexpectedResponse(f"qBittorrent GET {path}: the answer is not a version")
        return text

    # API

    async def app_version(self) -> str:
        """The application version, such as `v4.5.2` or `v5.1.2`."""
        return await self._get_version("app/version")

    async def web_api_version(self) -> str:
        """The WebUI API version, such as `2.8.19`."""
        return await self._get_version("app/webapiVersion")

    async def torrents_info(self, **filters: str) -> list[Torrent]:
        """Fetch the full list (filters as the API names them: `category`, `hashes="a|b"`, `filter`)."""
        rows = await self._get_json("torrents/info", filters or None)
        if not isinstance(rows, list):
            raise UnexpectedResponse("qBittorrent torrents/info: expected a list")
        return read_records(rows, torrent_from_row, service="qBittorrent", collection="torrents", skipped=self.skipped)

    async def sync(self) -> MaindataDelta:
        """Fetch what changed since the last sync and merge it into `torrents`."""
        async with self._sync_lock:
            payload = await self._get_json("sync/maindata", {"rid": self._rid})
            update = _parse_maindata(payload, self.skipped)
            delta = self._apply(update, self.last_response_bytes)
            self._rid = update.rid
            return delta

    # Merging

    def _apply(self, update: _MaindataUpdate, response_bytes: int) -> MaindataDelta:
        """Merge a validated maindata answer into the cache and the typed view."""
        before = set(self._fields) if update.full_update else set()
        if update.full_update:
            self._fields.clear()
            self._torrents.clear()
            self._by_download_id.clear()
        for torrent_hash, fields in update.torrents.items():
            self._fields.setdefault(torrent_hash, {}).update(fields)
        removed = {h for h in update.removed if self._fields.pop(h, None) is not None}
        if update.full_update:
            removed |= before - self._fields.keys()
        for torrent_hash in removed:
            self._forget(torrent_hash)
        for torrent_hash in update.torrents.keys() - removed:
            self._remember(Torrent.from_api(torrent_hash, self._fields[torrent_hash]))
        return MaindataDelta(
            rid=update.rid,
            full_update=update.full_update,
            changed=frozenset(update.torrents.keys() - removed),
            removed=frozenset(removed),
            changed_fields=MappingProxyType(
                {torrent_hash: frozenset(fields) for torrent_hash, fields in update.torrents.items()}
            ),
            response_bytes=response_bytes,
        )

    def _forget(self, torrent_hash: str) -> None:
        """Drop a torrent from the typed view and the download-id index."""
        old = self._torrents.pop(torrent_hash, None)
        if old is not None:
            for download_id in old.download_ids():
                if self._by_download_id.get(download_id) == torrent_hash:
                    del self._by_download_id[download_id]

    def _remember(self, torrent: Torrent) -> None:
        """Put a new or changed torrent in the typed view; ids change when a magnet gets its metadata."""
        self._forget(torrent.hash)
        self._torrents[torrent.hash] = torrent
        for download_id in torrent.download_ids():
            self._by_download_id[download_id] = torrent.hash


@dataclass(frozen=True, slots=True)
class _MaindataUpdate:
    """The torrent part of a maindata answer, checked before anything is merged."""

    rid: int
    full_update: bool
    torrents: Mapping[str, Mapping[str, Any]]
    removed: frozenset[str]


def _parse_maindata(payload: Any, skipped: Counter[str] | None = None) -> _MaindataUpdate:
    """Validate a maindata answer before anything is merged, so a bad one leaves the cache untouched.

    A torrent entry that is not an object, or a removed hash that is not a string, is skipped and counted in
    `skipped`; the rest of the answer is used.
    """
    if not isinstance(payload, Mapping):
        raise UnexpectedResponse("qBittorrent sync/maindata: expected an object")
    rid = payload.get("rid")
    if not isinstance(rid, int) or isinstance(rid, bool):
        raise UnexpectedResponse("qBittorrent sync/maindata: rid is not an integer")
    torrents = payload.get("torrents") or {}
    removed = payload.get("torrents_removed") or []
    if not isinstance(torrents, Mapping):
        raise UnexpectedResponse("qBittorrent sync/maindata: torrents is not a map")
    if not isinstance(removed, list):
        raise UnexpectedResponse("qBittorrent sync/maindata: torrents_removed is not a list")
    counter = Counter[str]() if skipped is None else skipped
    entries = read_records(
        torrents.items(), _torrent_entry, service="qBittorrent", collection="torrents", skipped=counter
    )
    hashes = read_records(removed, _removed_hash, service="qBittorrent", collection="torrents_removed", skipped=counter)
    return _MaindataUpdate(
        rid=rid,
        full_update=payload.get("full_update") is True,
        torrents=dict(entries),
        removed=frozenset(hashes),
    )


def _torrent_entry(entry: object) -> tuple[str, Mapping[str, Any]]:
    """One `hash: {changed fields}` entry of maindata's `torrents`."""
    torrent_hash, fields = entry if isinstance(entry, tuple) else (None, entry)
    if not isinstance(torrent_hash, str) or not torrent_hash:
        raise PayloadError("qBittorrent maindata torrent: the hash is not a string")
    return clean_text(torrent_hash).lower(), as_object(fields, "qBittorrent maindata torrent")


def _removed_hash(item: object) -> str:
    """One hash of maindata's `torrents_removed`."""
    if not isinstance(item, str) or not item:
        raise PayloadError("qBittorrent maindata torrents_removed: an entry is not a hash")
    return clean_text(item).lower()


def _check_login(reply: _Reply) -> None:
    """Raise unless the login answer is qBittorrent's success (`Ok.` or, from 5.2, an empty 2xx)."""
    if reply.status == 401:
        raise InvalidAuth("qBittorrent login: wrong username or password (HTTP 401)")
    if reply.status == 403:
        raise InvalidAuth("qBittorrent login: HTTP 403, this address is banned after too many failed logins")
    if not 200 <= reply.status < 300:
        raise UnexpectedResponse(f"qBittorrent login: HTTP {reply.status}, not a qBittorrent WebUI API v2")
    body = reply.body.strip()
    if body == LOGIN_FAILED:
        raise InvalidAuth("qBittorrent login: wrong username or password")
    if body not in (LOGIN_OK, b""):
        raise UnexpectedResponse("qBittorrent login: the answer is not qBittorrent's")


def _check_api(reply: _Reply, method: str, path: str) -> None:
    """Raise for an API answer that is not a success."""
    if reply.status in (401, 403):
        raise InvalidAuth(f"qBittorrent {method} {path}: HTTP {reply.status} after logging in")
    if reply.status == 404:
        raise UnexpectedResponse(f"qBittorrent {method} {path}: HTTP 404, not a qBittorrent WebUI API v2")
    if not 200 <= reply.status < 300:
        raise UnexpectedResponse(f"qBittorrent {method} {path}: HTTP {reply.status}")


def _cookie_names(header: str) -> frozenset[str]:
    """The names in a `Cookie` request header (values are never kept)."""
    return frozenset(name for part in header.split(";") if (name := part.partition("=")[0].strip()))


# Push from qBittorrent: "Run external program on torrent finished"

AUTORUN_FIELDS: Final = (
    ("id", "%K"),
    ("infohash_v1", "%I"),
    ("infohash_v2", "%J"),
    ("name", "%N"),
    ("category", "%L"),
)
"""JSON keys and the placeholders that fill them (%I and %J are `-` when the torrent lacks that hash)."""


def autorun_command(webhook_url: str) -> str:
    """The command to paste into "Run external program on torrent finished" to POST the torrent as JSON.

    Since 4.5.0 qBittorrent on Linux and macOS splits the command at spaces outside double quotes, strips one
    pair of quotes around a whole argument, substitutes the placeholders inside each argument and starts the
    program without a shell. So the JSON body is one argument with no spaces in it, whose inner quotes stay as
    they are; a name or category with spaces is safe, and nothing reaches a shell. A double quote or backslash
    in a name makes the body invalid JSON (qBittorrent has no escaping); polling still sees the torrent
    finish. curl must exist where qBittorrent runs (inside its container, if it has one).
    """
    if not webhook_url or any(char.isspace() or char in '"%' for char in webhook_url):
        # Spaces and quotes would split the argument; qBittorrent would treat "%X" sequences as placeholders.
        raise ValueError("the webhook URL must not contain spaces, double quotes or percent signs")
    body = "{" + ",".join(f'"{key}":"{placeholder}"' for key, placeholder in AUTORUN_FIELDS) + "}"
    return f'curl -sS --max-time 10 -H "Content-Type: application/json" --data-raw {body} {webhook_url}'


def autorun_download_ids(payload: Mapping[str, Any]) -> frozenset[str]:
    """The lower-case ids (as `Torrent.download_ids`) in a body sent by `autorun_command`."""
    values = (payload.get("id"), payload.get("infohash_v1"), payload.get("infohash_v2"))
    ids = {value.strip().lower()[:SHA1_HEX_LENGTH] for value in values if isinstance(value, str)}
    ids -= {"", "-"}
    return frozenset(ids)
