"""Seerr (Jellyseerr, Overseerr): requests pushed through its webhook agent, and polled.

The agent is configured when the user lets the tracker take it over; the poll back-fills at set-up, then
follows changes, either way.
"""

from __future__ import annotations

from datetime import datetime, timedelta
import logging
from typing import Any

import aiohttp
from aiohttp import hdrs, web
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import BooleanSelector
from homeassistant.util import dt as dt_util
import voluptuous as vol

from ..coordinator import ServiceCoordinator
from ..kind import ServiceKind
from ..links import ISSUE_UNREACHABLE, WebhookLink, same_secret
from ..port import ServicePort
from ..settings import CONF_CONFIGURE_WEBHOOK, ServiceConfig, host_of
from ..sources.errors import InvalidAuth, UpstreamError, WebhookUnreachable
from ..sources.payload import PayloadError
from ..sources.seerr.client import WEBHOOK_TEMPLATE, SeerrClient
from ..sources.seerr.parser import parse_request, parse_webhook
from ..tracker import Evidence

_LOGGER = logging.getLogger(__name__)

POLLED = timedelta(seconds=60)
"""Without its webhook, the poll is how Seerr is followed."""
PUSHED = timedelta(minutes=10)
"""With its webhook Seerr pushes; the poll only catches up."""


def client(session: aiohttp.ClientSession, config: ServiceConfig) -> SeerrClient:
    """A Seerr client."""
    return SeerrClient(session, config.url, config.api_key or "", verify_ssl=config.verify_ssl)


async def validate(session: aiohttp.ClientSession, config: ServiceConfig) -> dict[str, Any]:
    """Seerr answers its status and accepts the API key."""
    await client(session, config).validate()
    return {}


async def webhook_step(
    hass: HomeAssistant, config: ServiceConfig, url: str | None
) -> tuple[vol.Schema | None, dict[str, str]]:
    """Seerr has one webhook agent, which the user (or Home Assistant's Seerr integration) may already use.

    Taking it over is an explicit choice; without it the tracker follows Seerr by polling.
    """
    schema = vol.Schema({vol.Required(CONF_CONFIGURE_WEBHOOK, default=False): BooleanSelector()})
    return schema, {"current": await _current_agent(hass, config)}


async def _current_agent(hass: HomeAssistant, config: ServiceConfig) -> str:
    try:
        settings = await client(async_get_clientsession(hass, config.verify_ssl), config).webhook_settings()
    except UpstreamError:
        return "could not be read"
    if not settings.enabled:
        return "not in use"
    target = settings.webhook_url or ""
    host = target.split("/")[2] if target.count("/") >= 2 else target
    return f"in use, sending to {host}"


class SeerrLink(WebhookLink):
    """Seerr pushes through its webhook agent when the user let the tracker configure it."""

    service_name = "Seerr"

    def parse(self, body: Any, at: float) -> list[Evidence]:
        """Seerr notification -> evidence."""
        return parse_webhook(body, source=self.config.subentry_id, at=at)

    def authorized(self, request: web.Request) -> bool:
        """Seerr sends the configured `authHeader` as the Authorization header."""
        return same_secret(request.headers.get(hdrs.AUTHORIZATION), self.config.webhook_secret)

    async def async_start(self) -> None:
        """Register the webhook, and point Seerr's agent at it when the user chose that."""
        await super().async_start()
        if self.config.configure_webhook:
            self.port.background(self._async_configure_agent(), "configure the webhook of")

    async def _async_configure_agent(self) -> None:
        if (url := self.reachable_url()) is None:
            return
        seerr = client(async_get_clientsession(self.hass, self.config.verify_ssl), self.config)
        try:
            settings = await seerr.webhook_settings()
            if not settings.is_configured_for(url, self.config.webhook_secret, WEBHOOK_TEMPLATE):
                await seerr.configure_webhook(url, self.config.webhook_secret)
            await seerr.test_webhook(url, self.config.webhook_secret)
        except InvalidAuth:
            self.port.start_reauth()
        except WebhookUnreachable:
            self.port.raise_issue(ISSUE_UNREACHABLE, {"url": host_of(url)})
        except UpstreamError as err:
            _LOGGER.warning("Could not configure the webhook agent of %s: %s", self.config.title, err)
        else:
            self.port.clear_issue(ISSUE_UNREACHABLE)


class SeerrCoordinator(ServiceCoordinator):
    """Back-fills Seerr's unfinished requests at setup, then follows new and changed ones (webhook or not)."""

    def __init__(self, port: ServicePort) -> None:
        """Poll Seerr: often without its webhook, seldom with it."""
        super().__init__(port, PUSHED if port.config.configure_webhook else POLLED)
        self.client = client(self.session, port.config)
        self._since: datetime | None = None

    async def async_poll(self) -> list[Evidence]:
        """First every unfinished request, afterwards those modified since the last poll."""
        started = dt_util.utcnow()
        if self._since is None:
            requests = await self.client.requests(status_filter="unavailable")
        else:
            # A minute of overlap: Seerr's clock and ours may differ a little; repeats change nothing.
            requests = await self.client.requests(updated_since=self._since - timedelta(minutes=1))
        self._since = started
        raws = [request.raw for request in requests]
        if raws:
            self.port.recorder.state(self.config.subentry_id, "requests", raws)
        evidence: list[Evidence] = []
        for raw in raws:
            try:
                evidence += parse_request(raw, source=self.config.subentry_id, at=started.timestamp())
            except PayloadError as err:
                _LOGGER.debug("Skipped a request from %s: %s", self.config.title, err)
        return evidence


KIND = ServiceKind(
    kind="seerr",
    name="Seerr",
    example_url="http://192.168.1.10:5055",
    credentials="api_key",
    validate=validate,
    webhook=True,
    webhook_step=webhook_step,
    link=SeerrLink,
    coordinator=SeerrCoordinator,
)
