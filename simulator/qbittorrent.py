"""A simulated qBittorrent WebUI API v2: cookie sessions, versions, torrents/info and sync/maindata deltas.

The state is a list of torrents shaped like `/api/v2/torrents/info` rows (`set_torrents`). `sync/maindata`
derives real deltas from successive states: every response id (`rid`) a session was given keeps the snapshot it
was issued for, so the next call with that rid gets exactly what changed since then (only the changed fields of
a changed torrent, every field of a new one, `torrents_removed`, and the same for categories, tags and
`server_state`); rid 0 or a rid the session does not know gets a `full_update`, as qBittorrent does.

Versions behave as the real ones do where a client can tell: state names are `pausedDL`/`pausedUP` before 5.0
and `stoppedDL`/`stoppedUP` from 5.0 (rows in either spelling are translated); the session cookie is `SID`
before 5.2 and `QBT_SID_<port>` from 5.2, where a login also answers 204 (success) and 401 (bad credentials)
instead of 200 `Ok.`/`Fails.`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
import json
import secrets
from typing import Any, Final

from aiohttp import web

from .base import SimulatedService

DEFAULT_VERSION: Final = "5.1.2"
WEB_API_VERSIONS: Final = {
    (4, 5): "2.8.19",
    (4, 6): "2.9.3",
    (5, 0): "2.11.2",
    (5, 1): "2.11.4",
    (5, 2): "2.15.1",
}
DEFAULT_USERNAME: Final = "admin"
DEFAULT_PASSWORD: Final = "adminadmin"  # noqa: S105 - qBittorrent's own default up to 4.6.0, not a secret
MAX_SNAPSHOTS_PER_SESSION: Final = 16
FREE_SPACE: Final = 500 * 1024**3

FIELDS_4: Final[Mapping[str, Any]] = {
    "added_on": 0,
    "amount_left": 0,
    "auto_tmm": False,
    "availability": -1,
    "category": "",
    "completed": 0,
    "completion_on": 0,
    "content_path": "",
    "dl_limit": 0,
    "dlspeed": 0,
    "download_path": "",
    "downloaded": 0,
    "downloaded_session": 0,
    "eta": 8640000,
    "f_l_piece_prio": False,
    "force_start": False,
    "inactive_seeding_time_limit": -2,
    "infohash_v1": "",
    "infohash_v2": "",
    "last_activity": 0,
    "magnet_uri": "",
    "max_inactive_seeding_time": -1,
    "max_ratio": -1,
    "max_seeding_time": -1,
    "name": "",
    "num_complete": 0,
    "num_incomplete": 0,
    "num_leechs": 0,
    "num_seeds": 0,
    "priority": 0,
    "progress": 0,
    "ratio": 0,
    "ratio_limit": -2,
    "save_path": "",
    "seeding_time": 0,
    "seeding_time_limit": -2,
    "seen_complete": 0,
    "seq_dl": False,
    "size": 0,
    "state": "unknown",
    "super_seeding": False,
    "tags": "",
    "time_active": 0,
    "total_size": 0,
    "tracker": "",
    "trackers_count": 0,
    "up_limit": 0,
    "uploaded": 0,
    "uploaded_session": 0,
    "upspeed": 0,
}
"""Every `torrents/info` field of 4.6 except `hash`, with the value qBittorrent gives when nothing is known."""

FIELDS_5: Final[Mapping[str, Any]] = {
    **FIELDS_4,
    "comment": "",
    "has_metadata": True,
    "popularity": 0,
    "private": False,
    "reannounce": 0,
    "root_path": "",
}

STATES_4_TO_5: Final = {"pausedDL": "stoppedDL", "pausedUP": "stoppedUP"}
STATES_5_TO_4: Final = {new: old for old, new in STATES_4_TO_5.items()}

Fields = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything maindata reports, as it was when one rid was issued (the field dicts are never mutated)."""

    torrents: Mapping[str, Fields]
    categories: Mapping[str, Fields]
    tags: frozenset[str]
    server_state: Fields


@dataclass(slots=True)
class Session:
    """One logged-in WebUI session and the snapshots of the rids it was given."""

    snapshots: dict[int, Snapshot] = field(default_factory=dict)


def parse_version(version: str) -> tuple[int, int]:
    """`"v5.1.2"` or `"4.6"` -> (5, 1)."""
    major, minor, *_ = (version.lstrip("v") + ".0").split(".")
    return int(major), int(minor)


def _field_delta(old: Fields, new: Fields) -> dict[str, Any]:
    """The fields of `new` that are absent from or different in `old`."""
    return {key: value for key, value in new.items() if key not in old or old[key] != value}


def _map_delta(old: Mapping[str, Fields], new: Mapping[str, Fields]) -> tuple[dict[str, Any], list[str]]:
    """Changed entries (only their changed fields; new ones whole) and the removed keys."""
    changed: dict[str, Any] = {}
    for key, fields in new.items():
        before = old.get(key)
        if before is None:
            changed[key] = dict(fields)
        elif before is not fields and before != fields:
            changed[key] = _field_delta(before, fields)
    return changed, [key for key in old if key not in new]


class SimulatedQBittorrent(SimulatedService):
    """qBittorrent's WebUI API v2 as far as the tracker uses it."""

    def __init__(
        self,
        *,
        username: str = DEFAULT_USERNAME,
        password: str = DEFAULT_PASSWORD,
        version: str = DEFAULT_VERSION,
        cookie_name: str | None = None,
    ) -> None:
        """Serve one qBittorrent `version` ("4.6.7", "5.1.2", "5.2.0"...) that accepts these credentials.

        `cookie_name` overrides the session cookie's name, as the `WebAPI/SessionCookieName` setting of 4.6 to
        5.1 does.
        """
        self.username = username
        self.password = password
        self.version = version.lstrip("v")
        self.version_tuple = parse_version(version)
        self._cookie_name = cookie_name
        self.banned = False
        """When set, logins answer 403 as after too many failed attempts."""
        self.login_count = 0
        """Successful logins that started a new session."""
        self._sessions: dict[str, Session] = {}
        self._torrents: dict[str, Fields] = {}
        self._last_rid = 0
        super().__init__()

    # Test controls

    @property
    def cookie_name(self) -> str:
        """The session cookie's name for this version (or the one configured)."""
        if self._cookie_name:
            return self._cookie_name
        return f"QBT_SID_{self.port}" if self.version_tuple >= (5, 2) else "SID"

    @property
    def session_count(self) -> int:
        """Sessions alive now."""
        return len(self._sessions)

    @property
    def web_api_version(self) -> str:
        """The WebUI API version the real release reports."""
        known = [api for release, api in WEB_API_VERSIONS.items() if release <= self.version_tuple]
        return known[-1] if known else "2.8.3"

    def expire_sessions(self) -> None:
        """End every session, as the session timeout or a restart does: the next calls get 403."""
        self._sessions.clear()

    def forget_sync_state(self) -> None:
        """Drop every session's rid snapshots: the next maindata call of each is a full update."""
        for session in self._sessions.values():
            session.snapshots.clear()

    def set_torrents(self, rows: Iterable[Mapping[str, Any]]) -> None:
        """Replace the state with torrents shaped like `/api/v2/torrents/info` rows (each needs a `hash`)."""
        torrents: dict[str, Fields] = {}
        for row in rows:
            torrent_hash = str(row["hash"]).lower()
            fields = self._normalize(row)
            old = self._torrents.get(torrent_hash)
            # Reusing an unchanged dict lets the delta skip it by identity (what keeps idle polls cheap).
            torrents[torrent_hash] = old if old == fields else fields
        self._torrents = torrents

    def update_torrent(self, torrent_hash: str, **changes: Any) -> None:
        """Change some fields of one torrent."""
        torrent_hash = torrent_hash.lower()
        self._torrents[torrent_hash] = self._normalize({**self._torrents[torrent_hash], **changes})

    def remove_torrent(self, torrent_hash: str) -> None:
        """Delete one torrent."""
        del self._torrents[torrent_hash.lower()]

    def torrent_rows(self) -> list[dict[str, Any]]:
        """The state as `/api/v2/torrents/info` returns it."""
        return [{"hash": torrent_hash, **fields} for torrent_hash, fields in self._torrents.items()]

    def _normalize(self, row: Mapping[str, Any]) -> Fields:
        """All fields of this version, with the state spelled as this version spells it."""
        defaults = FIELDS_5 if self.version_tuple >= (5, 0) else FIELDS_4
        fields = {**defaults, **{key: value for key, value in row.items() if key != "hash"}}
        renames = STATES_4_TO_5 if self.version_tuple >= (5, 0) else STATES_5_TO_4
        fields["state"] = renames.get(fields["state"], fields["state"])
        return fields

    # Routes

    def setup_routes(self, router: web.UrlDispatcher) -> None:
        router.add_post("/api/v2/auth/login", self._login)
        for path, handler in (
            ("/api/v2/app/version", self._app_version),
            ("/api/v2/app/webapiVersion", self._webapi_version),
            ("/api/v2/torrents/info", self._torrents_info),
            ("/api/v2/sync/maindata", self._maindata),
        ):
            router.add_get(path, handler)
            router.add_post(path, handler)
        router.add_route("*", "/api/v2/{tail:.*}", self._not_found)

    def _session(self, request: web.Request) -> Session | None:
        sid = request.cookies.get(self.cookie_name)
        return None if sid is None else self._sessions.get(sid)

    def _require_session(self, request: web.Request) -> Session:
        session = self._session(request)
        if session is None:
            raise web.HTTPForbidden(text="Forbidden")
        return session

    async def _login(self, request: web.Request) -> web.Response:
        if self.banned:
            raise web.HTTPForbidden(text="Your IP address has been banned after too many failed attempts.")
        modern = self.version_tuple >= (5, 2)
        success = web.Response(status=204) if modern else web.Response(text="Ok.")
        if self._session(request) is not None:
            # Already logged in: qBittorrent answers success and sets no new cookie.
            return success
        form = await request.post()
        if form.get("username") != self.username or form.get("password") != self.password:
            if modern:
                raise web.HTTPUnauthorized(text="Unauthorized")
            return web.Response(text="Fails.")
        sid = secrets.token_urlsafe(24)
        self._sessions[sid] = Session()
        self.login_count += 1
        success.set_cookie(self.cookie_name, sid, path="/", httponly=True, samesite="Strict")
        return success

    async def _app_version(self, request: web.Request) -> web.Response:
        self._require_session(request)
        return web.Response(text=f"v{self.version}")

    async def _webapi_version(self, request: web.Request) -> web.Response:
        self._require_session(request)
        return web.Response(text=self.web_api_version)

    async def _torrents_info(self, request: web.Request) -> web.Response:
        self._require_session(request)
        params = {**request.query, **(await request.post())}
        rows = self.torrent_rows()
        if hashes := params.get("hashes"):
            wanted = {item.lower() for item in str(hashes).split("|")}
            rows = [row for row in rows if row["hash"] in wanted]
        if (category := params.get("category")) is not None:
            rows = [row for row in rows if row["category"] == category]
        return _json_response(rows)

    async def _maindata(self, request: web.Request) -> web.Response:
        session = self._require_session(request)
        try:
            rid = int(request.query.get("rid", "0"))
        except ValueError:
            rid = 0
        current = self._snapshot()
        base = session.snapshots.get(rid) if rid else None
        self._last_rid += 1
        new_rid = self._last_rid
        session.snapshots[new_rid] = current
        while len(session.snapshots) > MAX_SNAPSHOTS_PER_SESSION:
            del session.snapshots[next(iter(session.snapshots))]
        body = _full_update(new_rid, current) if base is None else _delta(new_rid, base, current)
        return _json_response(body)

    async def _not_found(self, request: web.Request) -> web.Response:
        raise web.HTTPNotFound(text="Not Found")

    def _snapshot(self) -> Snapshot:
        torrents = dict(self._torrents)
        values = torrents.values()
        names = {str(fields["category"]) for fields in values if fields["category"]}
        tags = {tag.strip() for fields in values for tag in str(fields["tags"]).split(",") if tag.strip()}
        server_state = {
            "connection_status": "connected",
            "dht_nodes": 0,
            "dl_info_data": sum(int(fields["downloaded"]) for fields in values),
            "dl_info_speed": sum(int(fields["dlspeed"]) for fields in values),
            "dl_rate_limit": 0,
            "free_space_on_disk": FREE_SPACE,
            "queueing": True,
            "refresh_interval": 1500,
            "up_info_data": sum(int(fields["uploaded"]) for fields in values),
            "up_info_speed": sum(int(fields["upspeed"]) for fields in values),
            "up_rate_limit": 0,
            "use_alt_speed_limits": False,
        }
        categories = {name: {"name": name, "savePath": ""} for name in sorted(names)}
        return Snapshot(torrents, categories, frozenset(tags), server_state)


def _full_update(rid: int, snapshot: Snapshot) -> dict[str, Any]:
    return {
        "rid": rid,
        "full_update": True,
        "torrents": {key: dict(fields) for key, fields in snapshot.torrents.items()},
        "categories": {key: dict(fields) for key, fields in snapshot.categories.items()},
        "tags": sorted(snapshot.tags),
        "server_state": dict(snapshot.server_state),
    }


def _delta(rid: int, old: Snapshot, new: Snapshot) -> dict[str, Any]:
    """Only what changed; an answer with nothing in it is `{"rid": N}`."""
    body: dict[str, Any] = {"rid": rid}
    torrents, torrents_removed = _map_delta(old.torrents, new.torrents)
    categories, categories_removed = _map_delta(old.categories, new.categories)
    parts = {
        "torrents": torrents,
        "torrents_removed": torrents_removed,
        "categories": categories,
        "categories_removed": categories_removed,
        "tags": sorted(new.tags - old.tags),
        "tags_removed": sorted(old.tags - new.tags),
        "server_state": _field_delta(old.server_state, new.server_state),
    }
    body.update({key: value for key, value in parts.items() if value})
    return body


def _json_response(body: Any) -> web.Response:
    # qBittorrent writes compact JSON; the byte counts in benchmarks should match what it sends.
    return web.Response(text=json.dumps(body, separators=(",", ":")), content_type="application/json")
