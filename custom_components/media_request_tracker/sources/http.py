"""JSON over HTTP for the upstream clients: one place that turns transport failures into UpstreamErrors."""

from __future__ import annotations

from collections.abc import Mapping
import json
from typing import Any

import aiohttp
from yarl import URL

from .errors import CannotConnect, Conflict, InvalidAuth, NotFound, UnexpectedResponse
from .payload import clean_json

REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=20)


class JsonApi:
    """A base URL, fixed headers and a shared session; every call returns decoded JSON or raises."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        verify_ssl: bool = True,
    ) -> None:
        """Prepare calls to `base_url` (path prefixes such as a reverse-proxy sub-path are kept)."""
        self._session = session
        self._base = URL(base_url.rstrip("/"))
        self._headers = dict(headers or {})
        self._ssl = verify_ssl

    @property
    def base_url(self) -> URL:
        """The service's base URL."""
        return self._base

    def url(self, path: str, params: Mapping[str, str | int] | None = None) -> URL:
        """Build the absolute URL of an API path."""
        url = self._base.with_path(self._base.path.rstrip("/") + "/" + path.lstrip("/"))
        return url.with_query(params) if params else url

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        payload: Any = None,
        time_limit: aiohttp.ClientTimeout = REQUEST_TIMEOUT,
    ) -> Any:
        """Send one request and return the decoded JSON body (None for an empty body), its strings cleaned.

        `time_limit` is for calls that wait on the service's own network calls (a webhook test); a timeout is a
        `CannotConnect` caused by a `TimeoutError`.
        """
        url = self.url(path, params)
        try:
            async with self._session.request(
                method, url, json=payload, headers=self._headers, ssl=self._ssl, timeout=time_limit
            ) as response:
                if response.status in (401, 403):
                    raise InvalidAuth(f"{method} {url.path}: HTTP {response.status}")
                if response.status == 404:
                    raise NotFound(f"{method} {url.path}: HTTP 404")
                if response.status == 409:
                    raise Conflict(f"{method} {url.path}: HTTP 409")
                if response.status >= 400:
                    raise UnexpectedResponse(f"{method} {url.path}: HTTP {response.status}")
                body = await response.read()
        except (aiohttp.ClientError, TimeoutError) as err:
            raise CannotConnect(f"{method} {url.path}: {type(err).__name__}") from err
        if not body.strip():
            return None
        return decode_json(body, f"{method} {url.path}")

    async def get(self, path: str, params: Mapping[str, str | int] | None = None) -> Any:
        """GET a path."""
        return await self.request("GET", path, params=params)


def decode_json(body: bytes, call: str) -> Any:
    """A JSON answer with its strings cleaned (`payload.clean_json`), so raw records can be stored and shown."""
    try:
        return clean_json(json.loads(body), body)
    except (ValueError, RecursionError) as err:
        raise UnexpectedResponse(f"{call}: not JSON") from err
