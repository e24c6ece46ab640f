"""Shoko Server v3 REST client: log in, check the version, and look up files, series and import folders."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import aiohttp

from ..errors import InvalidAuth, UnexpectedResponse
from ..http import JsonApi
from ..payload import as_list
from ..records import read_answer, read_records
from .models import ShokoFile, ShokoImportFolder, ShokoSeries, ShokoVersion

API_KEY_HEADER = "apikey"
"""Shoko's auth handler reads the key from this header (or the `apikey` query parameter)."""

PATH_ENDS_WITH_MAX_LIMIT = 100
"""`File/PathEndsWith` rejects a `limit` above this (`[Range(0, 100)]`)."""


class ShokoClient:
    """A typed client for one Shoko Server over a shared aiohttp session.

    Every method raises `CannotConnect`, `InvalidAuth` or `UnexpectedResponse` (from `sources.errors`).
    A lookup of an id that does not exist is an HTTP 404, reported as `UnexpectedResponse`.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        *,
        api_key: str | None = None,
        verify_ssl: bool = True,
    ) -> None:
        """Prepare calls to the server at `url`; `api_key` may be set later by `login`."""
        self._session = session
        self._url = url
        self._verify_ssl = verify_ssl
        self._api_key = api_key
        self._api = self._json_api(api_key)
        self.skipped: Counter[str] = Counter()
        """Records left out because they did not read, by collection (`files`, `import_folders`)."""

    @property
    def api_key(self) -> str | None:
        """The key sent with every call (the one passed in, or the one `login` obtained)."""
        return self._api_key

    def _json_api(self, api_key: str | None) -> JsonApi:
        """A JSON API that sends `api_key` as the `apikey` header (none for an anonymous client)."""
        headers = {API_KEY_HEADER: api_key} if api_key else None
        return JsonApi(self._session, self._url, headers=headers, verify_ssl=self._verify_ssl)

    async def login(self, user: str, password: str, device: str) -> str:
        """Trade a user name and password for an API key, use it from now on, and return it.

        Shoko keeps one key per (user, device): logging in again with the same device name invalidates the
        previous key for that device, so each installation should use its own device name.
        """
        if not user.strip():
            # Shoko answers an empty user name with a 400 that would read as "not a Shoko server".
            raise InvalidAuth("Shoko login: empty user name")
        anonymous = self._json_api(None)
        body = await anonymous.request("POST", "/api/auth", payload={"user": user, "pass": password, "device": device})
        key = body.get("apikey") if isinstance(body, dict) else None
        if not isinstance(key, str) or not key:
            raise UnexpectedResponse("Shoko login: no apikey in the answer")
        self._api_key = key
        self._api = self._json_api(key)
        return key

    async def version(self) -> ShokoVersion:
        """The server version; `is_supported` is False for servers other than v5.

        Shoko answers this without checking the key, so it proves the server is Shoko, not that the key works;
        `import_folders()` does that.
        """
        return read_answer(ShokoVersion.from_json, await self._api.get("/api/v3/Init/Version"))

    async def import_folders(self) -> list[ShokoImportFolder]:
        """Every import folder (needs a valid key, so it also validates credentials)."""
        body = await self._api.get("/api/v3/ImportFolder")
        return self._read(body, ShokoImportFolder.from_json, "import_folders")

    async def import_folder(self, folder_id: int) -> ShokoImportFolder:
        """One import folder, whose `path` joins a file location's relative path."""
        return read_answer(ShokoImportFolder.from_json, await self._api.get(f"/api/v3/ImportFolder/{folder_id}"))

    async def file(self, file_id: int) -> ShokoFile:
        """One file with its locations and its series/episode cross-references."""
        return read_answer(ShokoFile.from_json, await self._api.get(f"/api/v3/File/{file_id}", {"include": "XRefs"}))

    async def rescan_file(self, file_id: int, *, priority: bool = True) -> None:
        """Ask Shoko to look the file up on AniDB again and match it (`POST File/{id}/Rescan`, queued).

        `priority` puts the job first in Shoko's queue. `NotFound` for a file id Shoko does not know;
        `UnexpectedResponse` when Shoko cannot resolve the file's location or has auto-matching turned off.
        """
        params = {"priority": "true" if priority else "false"}
        await self._api.request("POST", f"/api/v3/File/{file_id}/Rescan", params=params)

    async def files_path_ends_with(self, tail: str, limit: int = 1) -> list[ShokoFile]:
        """Files with a location whose full server path ends with `tail` (case-insensitive, any separator).

        Use the part of an *arr file path that survives different mount points, e.g. "Show/Season 1/file.mkv".
        """
        if not tail.strip():
            return []
        params: dict[str, str | int] = {
            "path": tail,
            "includeXRefs": "true",
            "limit": max(1, min(limit, PATH_ENDS_WITH_MAX_LIMIT)),
        }
        body = await self._api.get("/api/v3/File/PathEndsWith", params)
        return self._read(body, ShokoFile.from_json, "files")

    async def series(self, series_id: int) -> ShokoSeries:
        """One Shoko series with its AniDB, TMDB, TvDB, IMDb and MAL ids."""
        return read_answer(ShokoSeries.from_json, await self._api.get(f"/api/v3/Series/{series_id}"))

    def _read[T](self, body: Any, read: Callable[[object], T], collection: str) -> list[T]:
        """The records of an array answer that read; the others are skipped and counted."""
        items = read_answer(lambda answer: as_list(answer, f"Shoko {collection}"), body)
        return read_records(items, read, service="Shoko", collection=collection, skipped=self.skipped)
