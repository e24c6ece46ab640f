"""Loopback servers for client tests: a webhook receiver standing in for Home Assistant, and servers that are
not the service a client was pointed at."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import json
from typing import Any

from aiohttp import web
from multidict import CIMultiDict

from simulator.base import SimulatedService

WEBHOOK_ID = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"


@dataclass(frozen=True)
class Received:
    """One request the receiver got."""

    method: str
    path: str
    headers: CIMultiDict[str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON (raises when it is not)."""
        return json.loads(self.body)


class WebhookReceiver(SimulatedService):
    """Records every request and answers `status` (200 unless a test changes it)."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.status = 200
        super().__init__()

    def setup_routes(self, router: web.UrlDispatcher) -> None:
        router.add_route("*", "/{tail:.*}", self._receive)

    def hook_url(self, webhook_id: str = WEBHOOK_ID) -> str:
        """A Home-Assistant-like webhook URL on this receiver."""
        return f"{self.url}/api/webhook/{webhook_id}"

    async def _receive(self, request: web.Request) -> web.Response:
        self.received.append(Received(request.method, request.path, CIMultiDict(request.headers), await request.read()))
        return web.Response(status=self.status)


class StaticServer(SimulatedService):
    """Answers every path with the same body: an unrelated web app, or a JSON API of another kind."""

    def __init__(self, body: str, *, content_type: str = "text/html", status: int = 200) -> None:
        self.body = body
        self.content_type = content_type
        self.status = status
        super().__init__()

    def setup_routes(self, router: web.UrlDispatcher) -> None:
        router.add_route("*", "/{tail:.*}", self._answer)

    async def _answer(self, _request: web.Request) -> web.Response:
        return web.Response(text=self.body, content_type=self.content_type, status=self.status)


class RepeatingPageServer(SimulatedService):
    """A JSON API that ignores paging parameters and always answers the same page (and `fixed` paths as given)."""

    def __init__(self, page: Any, fixed: dict[str, Any] | None = None) -> None:
        self.page = page
        self.fixed = dict(fixed or {})
        self.calls = 0
        super().__init__()

    def setup_routes(self, router: web.UrlDispatcher) -> None:
        router.add_route("*", "/{tail:.*}", self._answer)

    async def _answer(self, request: web.Request) -> web.Response:
        if request.path in self.fixed:
            return web.json_response(self.fixed[request.path])
        self.calls += 1
        return web.json_response(self.page)


class BlackHole(SimulatedService):
    """A Home Assistant URL whose packets are dropped: connections open, requests are never answered."""

    def setup_routes(self, router: web.UrlDispatcher) -> None:
        router.add_route("*", "/{tail:.*}", self._swallow)

    async def _swallow(self, _request: web.Request) -> web.Response:
        await asyncio.Event().wait()  # until the server stops (handlers are cancelled then)
        return web.Response(status=204)

    def hook_url(self, webhook_id: str = WEBHOOK_ID) -> str:
        """A Home-Assistant-like webhook URL that never answers."""
        return f"{self.url}/api/webhook/{webhook_id}"


class PathServer(SimulatedService):
    """A JSON API that answers each GET path with its own body and records the queries it was asked."""

    def __init__(self, bodies: dict[str, Any]) -> None:
        self.bodies = bodies
        self.asked: list[tuple[str, dict[str, str]]] = []
        super().__init__()

    def setup_routes(self, router: web.UrlDispatcher) -> None:
        router.add_get("/{tail:.*}", self._answer)

    async def _answer(self, request: web.Request) -> web.Response:
        self.asked.append((request.path, dict(request.query)))
        if request.path not in self.bodies:
            return web.json_response({"message": "NotFound"}, status=404)
        return web.json_response(self.bodies[request.path])
