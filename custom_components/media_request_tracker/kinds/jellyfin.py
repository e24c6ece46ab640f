"""Jellyfin, the library: items pushed by the optional webhook plugin, and looked up by a poll.

The plugin is configured by hand. The poll looks up the requests waiting for the library by their ids, across
item types (Shokofin may list an anime movie as a series), never by name alone: see `sources/jellyfin/lookup.py`.
"""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Any, Final

import aiohttp
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import voluptuous as vol

from ..coordinator import ServiceCoordinator, Turns
from ..kind import ServiceKind
from ..links import WebhookLink
from ..port import ServicePort
from ..settings import ServiceConfig
from ..sources.jellyfin.client import JellyfinClient
from ..sources.jellyfin.lookup import find_request_items
from ..sources.jellyfin.models import JellyfinItem
from ..sources.jellyfin.parser import parse_item, parse_item_added
from ..sources.payload import PayloadError
from ..tracker import Evidence
from ..tracker.queries import waiting_for_library

_LOGGER = logging.getLogger(__name__)

INTERVAL: Final = timedelta(seconds=60)
LOOKUPS_PER_POLL: Final = 10


def client(session: aiohttp.ClientSession, config: ServiceConfig) -> JellyfinClient:
    """A Jellyfin client."""
    return JellyfinClient(session, config.url, config.api_key or "", verify_ssl=config.verify_ssl)


async def validate(session: aiohttp.ClientSession, config: ServiceConfig) -> dict[str, Any]:
    """Jellyfin answers as Jellyfin and accepts the API key."""
    await client(session, config).validate()
    return {}


async def webhook_step(
    hass: HomeAssistant, config: ServiceConfig, url: str | None
) -> tuple[vol.Schema | None, dict[str, str]]:
    """Show the webhook URL and settings for the Jellyfin webhook plugin."""
    return None, {"url": url or "(set your Home Assistant URL)"}


class JellyfinLink(WebhookLink):
    """Jellyfin pushes through the optional webhook plugin, configured by hand."""

    service_name = "Jellyfin"

    def parse(self, body: Any, at: float) -> list[Evidence]:
        """Jellyfin ItemAdded -> evidence."""
        return parse_item_added(body, source=self.config.subentry_id, at=at)


class JellyfinCoordinator(ServiceCoordinator):
    """Looks up requests waiting for the library, a bounded number per poll, each in turn."""

    def __init__(self, port: ServicePort) -> None:
        """Poll Jellyfin."""
        super().__init__(port, INTERVAL)
        self.client = client(self.session, port.config)
        self._turns = Turns()

    async def async_poll(self) -> list[Evidence]:
        """Find the items of up to LOOKUPS_PER_POLL waiting requests, each waiting request in turn."""
        await self.client.validate()
        requests = self.port.tracker.requests
        waiting_keys = [request.key for request in waiting_for_library(self.port.tracker)]
        waiting = [requests[key] for key in self._turns.next(waiting_keys, LOOKUPS_PER_POLL)]
        now = dt_util.utcnow().timestamp()
        items: list[JellyfinItem] = []
        for request in waiting:
            items += await find_request_items(self.client, request)
        if items:
            self.port.recorder.state(self.config.subentry_id, "items", [item.raw for item in items])
        evidence: list[Evidence] = []
        for item in items:
            try:
                evidence += parse_item(item.raw, source=self.config.subentry_id, at=now)
            except PayloadError as err:
                _LOGGER.debug("Skipped an item from %s: %s", self.config.title, err)
        return evidence


KIND = ServiceKind(
    kind="jellyfin",
    name="Jellyfin",
    example_url="http://192.168.1.10:8096",
    credentials="api_key",
    validate=validate,
    webhook=True,
    webhook_step=webhook_step,
    link=JellyfinLink,
    coordinator=JellyfinCoordinator,
)
