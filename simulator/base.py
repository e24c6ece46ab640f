"""What every simulated service shares: an aiohttp app on a free loopback port that can go down and up."""

from __future__ import annotations

import asyncio
import json
from typing import Any, Literal

import aiohttp
from aiohttp import web
from aiohttp.typedefs import Handler

type Fault = Literal["500", "malformed", "shape", "hang"]
"""How a failing service answers every call: HTTP 500, JSON cut short, JSON of another shape, or never."""


class SimulatedService:
    """An aiohttp application on 127.0.0.1; `down()` refuses connections until `up()` (same port)."""

    def __init__(self) -> None:
        """Build the app; subclasses add their routes in `setup_routes`."""
        self.app = web.Application(middlewares=[self._inject_fault])
        self.fault: Fault | None = None
        """Set to make every call fail that way (None: answer normally)."""
        self.bad_records: list[Any] = []
        """Records of no valid shape, slipped into every page of records the service answers."""
        self.setup_routes(self.app.router)
        self._runner: web.AppRunner | None = None
        self._outgoing: aiohttp.ClientSession | None = None
        self.port = 0

    def setup_routes(self, router: web.UrlDispatcher) -> None:
        """Register the service's endpoints."""

    @property
    def url(self) -> str:
        """Base URL of the running service."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def is_up(self) -> bool:
        """Whether the service accepts connections."""
        return self._runner is not None

    async def start(self, port: int = 0) -> None:
        """Start serving (on a free port unless one is given)."""
        runner = web.AppRunner(self.app, access_log=None, handler_cancellation=True)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", port, reuse_address=True)
        await site.start()
        self.port = runner.addresses[0][1]
        self._runner = runner

    def outgoing(self) -> aiohttp.ClientSession:
        """The session for requests the service makes itself (webhooks it delivers), opened on first use."""
        if self._outgoing is None or self._outgoing.closed:
            self._outgoing = aiohttp.ClientSession()
        return self._outgoing

    async def down(self) -> None:
        """Stop listening and drop open connections, as a stopped service does."""
        await self.stop()

    async def up(self) -> None:
        """Listen again on the same port."""
        if self._runner is None:
            await self.start(self.port)

    @web.middleware
    async def _inject_fault(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if self.fault is not None:
            return await fault_answer(self.fault)
        response = await handler(request)
        if self.bad_records and isinstance(response, web.Response) and response.content_type == "application/json":
            return _with_bad_records(response, self.bad_records)
        return response

    async def stop(self) -> None:
        """Shut the service down (and close its outgoing session)."""
        if self._outgoing is not None:
            await self._outgoing.close()
            self._outgoing = None
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()


async def fault_answer(fault: Fault) -> web.Response:
    """The answer of a service failing that way (a hang answers only after an hour, long after any client left)."""
    match fault:
        case "500":
            return web.Response(status=500, text="Internal Server Error")
        case "malformed":
            return web.Response(text='{"records": [{"id": 1, "title": "cut sh', content_type="application/json")
        case "shape":
            return web.json_response({"unexpected": "shape"})
        case "hang":
            await asyncio.sleep(3600)
            return web.Response(status=504, text="Gateway Timeout")


PAGE_KEYS = ("records", "Items", "results")
"""Where a page of records is in an answer that is an object (Radarr/Sonarr, Jellyfin, Seerr)."""


def _with_bad_records(response: web.Response, bad: list[Any]) -> web.Response:
    """The answer with the bad records first in its page (a list, a paged object, or qBittorrent's torrents)."""
    body = json.loads(response.body or b"null")  # type: ignore[arg-type]
    if isinstance(body, list):
        body = [*bad, *body]
    elif isinstance(body, dict):
        for key in PAGE_KEYS:
            if isinstance(body.get(key), list):
                body[key] = [*bad, *body[key]]
        if isinstance(body.get("torrents"), dict):
            body["torrents"] |= {f"{index:040x}": record for index, record in enumerate(bad)}
    return web.json_response(body, status=response.status)
