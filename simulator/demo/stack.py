"""The demo's media stack: one simulated instance of each service, added to the tracker through its config flows."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp

from custom_components.media_request_tracker.const import CONF_QBITTORRENT_SLOW, DOMAIN
from simulator.arr import SimulatedArr
from simulator.base import SimulatedService
from simulator.jellyfin import SimulatedJellyfin
from simulator.qbittorrent import SimulatedQBittorrent
from simulator.seerr import SimulatedSeerr
from simulator.shoko import SimulatedShoko

from .api import HomeAssistantApi
from .errors import DemoError

LINK_TIMEOUT = 30.0
"""How long the tracker may take to set up its webhooks in Seerr, Radarr and Sonarr and connect to Shoko's hub."""
SHOKO_MOUNT = "/mnt/anime"
"""Where Shoko sees the anime library, which Radarr sees at /data/anime."""


class DemoStack:
    """Seerr, Radarr, Sonarr, qBittorrent, Jellyfin and Shoko, each on a free loopback port."""

    def __init__(self) -> None:
        """Create the services (not listening yet)."""
        self.seerr = SimulatedSeerr()
        self.radarr = SimulatedArr("radarr")
        self.sonarr = SimulatedArr("sonarr")
        self.qbittorrent = SimulatedQBittorrent()
        self.jellyfin = SimulatedJellyfin()
        self.shoko = SimulatedShoko()
        self.shoko.set_import_folder(1, SHOKO_MOUNT, "Anime")
        self._session: aiohttp.ClientSession | None = None
        self.entry_id = ""
        self.jellyfin_webhook_url = ""
        """Where Jellyfin's webhook plugin posts, as the Jellyfin set-up form tells the user."""

    @property
    def services(self) -> tuple[SimulatedService, ...]:
        """Every service."""
        return (self.seerr, self.radarr, self.sonarr, self.qbittorrent, self.jellyfin, self.shoko)

    @property
    def session(self) -> aiohttp.ClientSession:
        """For what the demo posts itself: Jellyfin's webhook plugin."""
        if self._session is None:
            raise DemoError("the stack is not started")
        return self._session

    async def start(self) -> None:
        """Start listening."""
        self._session = aiohttp.ClientSession()
        for service in self.services:
            await service.start()

    async def stop(self) -> None:
        """Stop every service and the demo's own HTTP session."""
        for service in self.services:
            await service.stop()
        if self._session is not None:
            await self._session.close()

    async def add_to(self, api: HomeAssistantApi) -> None:
        """Add the tracker and every service as a user does in the UI, then wait for the webhooks to be set up."""
        entry = (await api.config_flow(DOMAIN, {}))[-1]
        self.entry_id = entry["result"]["entry_id"]
        await api.options_flow(self.entry_id, {"init": DEMO_OPTIONS})
        await api.subentry_flow(
            self.entry_id, "seerr", {"user": self._api_key_form("Seerr", self.seerr), "webhook": _SEERR_WEBHOOK}
        )
        for kind, service in (("radarr", self.radarr), ("sonarr", self.sonarr)):
            await api.subentry_flow(self.entry_id, kind, {"user": self._api_key_form(service.instance_name, service)})
        qbittorrent = self.qbittorrent
        await api.subentry_flow(
            self.entry_id,
            "qbittorrent",
            {
                "user": {
                    "name": "qBittorrent",
                    "url": qbittorrent.url,
                    "username": qbittorrent.username,
                    "password": qbittorrent.password,
                }
            },
        )
        steps = await api.subentry_flow(
            self.entry_id, "jellyfin", {"user": self._api_key_form("Jellyfin", self.jellyfin)}
        )
        # The form that tells the user what to enter in Jellyfin's webhook plugin.
        self.jellyfin_webhook_url = next(
            step["description_placeholders"]["url"] for step in steps if step.get("step_id") == "webhook"
        )
        await api.subentry_flow(self.entry_id, "shoko", {"user": self._api_key_form("Shoko", self.shoko)})
        await self._wait_for_webhooks()

    @staticmethod
    def _api_key_form(
        name: str, service: SimulatedSeerr | SimulatedArr | SimulatedJellyfin | SimulatedShoko
    ) -> dict[str, Any]:
        return {"name": name, "url": service.url, "api_key": service.api_key}

    async def _wait_for_webhooks(self) -> None:
        """The tracker points Seerr's agent and Radarr/Sonarr connections at Home Assistant in the background."""
        deadline = time.monotonic() + LINK_TIMEOUT
        while not self.webhooks_ready():
            if time.monotonic() > deadline:
                raise DemoError("the tracker did not set up the webhooks or connect to Shoko's hub; see the log")
            await asyncio.sleep(0.2)

    def webhooks_ready(self) -> bool:
        """Whether every pushing service knows where to send its events, and the tracker listens to Shoko's hub."""
        pushing = self.seerr.webhook["enabled"] and self.radarr.notifications and self.sonarr.notifications
        return bool(pushing and self.shoko.connected_clients)


DEMO_OPTIONS = {CONF_QBITTORRENT_SLOW: 10}
"""qBittorrent is polled every 10 s while nothing downloads (not every minute), so a grab shows as a download soon."""

_SEERR_WEBHOOK = {"configure_webhook": True}
"""Let the tracker take Seerr's webhook agent (the demo's Seerr has no other user of it)."""
