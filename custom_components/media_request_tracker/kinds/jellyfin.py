"""Jellyfin, the library: items pushed by the optional webhook plugin, and looked up by a poll.

The plugin is configured by hand. The poll looks up the requests waiting for the library by their ids, across
item types (Shokofin may list an anime movie as a series), never by name alone: see `sources/jellyfin/lookup.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
import logging
import time
from typing import Any, Final

import aiohttp
from homeassistant.core import CALLBACK_TYPE, HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util import dt as dt_util
import voluptuous as vol

from ..attributes import JELLYFIN_URL
from ..coordinator import ServiceCoordinator, Turns
from ..kind import ServiceKind
from ..links import WebhookLink
from ..port import ServicePort
from ..settings import ServiceConfig
from ..sources.errors import UpstreamError
from ..sources.jellyfin.client import JellyfinClient, item_web_url
from ..sources.jellyfin.lookup import find_request_items
from ..sources.jellyfin.models import JellyfinItem
from ..sources.jellyfin.parser import parse_item, parse_item_added
from ..sources.payload import PayloadError
from ..tracker import Evidence, TrackedRequest
from ..tracker.queries import waiting_for_library

_LOGGER = logging.getLogger(__name__)

INTERVAL: Final = timedelta(seconds=60)
LOOKUPS_PER_POLL: Final = 10
SERVER_ID_RETRY_SECONDS: Final = 60.0
"""How soon a failed read of the server id (needed by web links) is tried again."""


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

    def __init__(self, port: ServicePort, coordinator: ServiceCoordinator | None) -> None:
        """Receive Jellyfin's webhook and link requests to their page in Jellyfin's web client."""
        super().__init__(port, coordinator)
        self._server_id: str | None = None
        """`/System/Info/Public`'s `Id`, which web links carry; read once per start."""
        self._server_id_tried = float("-inf")
        self._stop_links: CALLBACK_TYPE | None = None

    def parse(self, body: Any, at: float) -> list[Evidence]:
        """Jellyfin ItemAdded -> evidence."""
        return parse_item_added(body, source=self.config.subentry_id, at=at)

    async def async_start(self) -> None:
        """Register the webhook and start linking requests to the web client."""
        await super().async_start()
        self._stop_links = self.port.provide_links(self.links)
        self._learn_server_id()

    async def async_stop(self) -> None:
        """Stop receiving and linking."""
        if self._stop_links is not None:
            self._stop_links()
            self._stop_links = None
        await super().async_stop()

    def links(self, request: TrackedRequest) -> Mapping[str, str]:
        """The request's library item in Jellyfin's web client ("watch now"), once both ids are known."""
        if (item_id := request.jellyfin_item) is None:
            return {}
        if self._server_id is None:
            self._learn_server_id()
            return {}
        return {JELLYFIN_URL: item_web_url(self.config.url, item_id, self._server_id)}

    def _learn_server_id(self) -> None:
        """Read the server id in the background (again, a while after a failed read)."""
        now = time.monotonic()
        if now - self._server_id_tried < SERVER_ID_RETRY_SECONDS:
            return
        self._server_id_tried = now
        self.port.background(self._async_read_server_id(), "read the server id of")

    async def _async_read_server_id(self) -> None:
        jellyfin = client(async_get_clientsession(self.hass, self.config.verify_ssl), self.config)
        try:
            self._server_id = (await jellyfin.public_info()).id
        except UpstreamError as err:
            _LOGGER.debug("Could not read the server id of %s (no web links yet): %s", self.config.title, err)
            return
        self.port.links_changed()


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
