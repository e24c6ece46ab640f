"""What every simulated service shares: an aiohttp app on a free loopback port that can go down and up."""

from __future__ import annotations

import aiohttp
from aiohttp import web


class SimulatedService:
    """An aiohttp application on 127.0.0.1; `down()` refuses connections until `up()` (same port)."""

    def __init__(self) -> None:
        """Build the app; subclasses add their routes in `setup_routes`."""
        self.app = web.Application()
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

    async def stop(self) -> None:
        """Shut the service down (and close its outgoing session)."""
        if self._outgoing is not None:
            await self._outgoing.close()
            self._outgoing = None
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
