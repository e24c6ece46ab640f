"""Each configured service's runtime: how it reaches the tracker (webhook) and what it set up upstream."""

from __future__ import annotations

from collections.abc import Callable
import hmac
import json
import logging
from typing import Any, Final, Literal

from aiohttp import BasicAuth, hdrs, web
from homeassistant.components import webhook
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .repairs import create_service_issue, delete_service_issue
from .runtime import TrackerRuntime
from .sources.arr.parser import parse_webhook as parse_arr_webhook
from .sources.errors import InvalidAuth, UpstreamError, WebhookUnreachable
from .sources.jellyfin.parser import parse_item_added
from .sources.payload import PayloadError
from .sources.qbittorrent.client import autorun_download_ids
from .sources.seerr.client import WEBHOOK_TEMPLATE
from .sources.seerr.parser import parse_webhook as parse_seerr_webhook
from .tracker import Evidence
from .upstream import SERVICE_NAMES, ServiceConfig, arr_client, seerr_client

_LOGGER = logging.getLogger(__name__)

MAX_BODY_BYTES: Final = 1 << 20
# The name of the connection the tracker creates in Radarr/Sonarr, and the basic-auth user it sends.
UPSTREAM_WEBHOOK_NAME: Final = "Home Assistant Media Request Tracker"
WEBHOOK_USERNAME: Final = "media_request_tracker"

type Parser = Callable[[Any, float], list[Evidence]]


class ServiceLink:
    """A configured service instance, while its entry is loaded."""

    def __init__(self, runtime: TrackerRuntime, config: ServiceConfig) -> None:
        """Bind a service's settings to the tracker."""
        self.runtime = runtime
        self.hass: HomeAssistant = runtime.hass
        self.config = config

    async def async_start(self) -> None:
        """Start receiving from the service."""

    async def async_stop(self) -> None:
        """Stop receiving (the entry is unloading)."""

    async def async_removed(self) -> None:
        """The user removed the service: undo what the tracker set up on its side."""

    def create_issue(self, name: str, **placeholders: str) -> None:
        """Raise a repair issue about this service."""
        create_service_issue(self.hass, self.config, name, placeholders)

    def delete_issue(self, name: str) -> None:
        """Clear a repair issue about this service."""
        delete_service_issue(self.hass, self.config, name)


class WebhookLink(ServiceLink):
    """A service that pushes to a Home Assistant webhook of its own."""

    def parse(self, body: Any, at: float) -> list[Evidence]:
        """Turn a webhook body into evidence (raises PayloadError for an unknown shape)."""
        raise NotImplementedError

    def authorized(self, request: web.Request) -> bool:
        """Whether the request carries the secret this service was given (when it can send one)."""
        return True

    @property
    def webhook_url(self) -> str | None:
        """The URL the service should post to (Home Assistant's internal URL first)."""
        if self.config.webhook_id is None:
            return None
        try:
            return webhook.async_generate_url(self.hass, self.config.webhook_id, prefer_external=False)
        except NoURLAvailableError:
            return None

    def reachable_url(self) -> str | None:
        """The webhook URL for setting the service up; without one, a repair issue asks for Home Assistant's URL."""
        url = self.webhook_url
        if url is None:
            self.create_issue("no_home_assistant_url")
        else:
            self.delete_issue("no_home_assistant_url")
        return url

    async def async_start(self) -> None:
        """Register the webhook."""
        if self.config.webhook_id is None:
            return
        webhook.async_register(
            self.hass,
            DOMAIN,
            f"{SERVICE_NAMES[self.config.kind]}: {self.config.title}",
            self.config.webhook_id,
            self._async_handle,
            local_only=False,
            allowed_methods=(hdrs.METH_POST, hdrs.METH_GET, hdrs.METH_HEAD),
        )

    async def async_stop(self) -> None:
        """Unregister the webhook."""
        if self.config.webhook_id is not None:
            webhook.async_unregister(self.hass, self.config.webhook_id)

    async def _async_handle(self, hass: HomeAssistant, webhook_id: str, request: web.Request) -> web.Response:
        if request.method != hdrs.METH_POST:
            # Services probe the URL before using it; a probe changes nothing.
            return web.Response(text="ok")
        if not self.authorized(request):
            self._ignore("it did not carry the secret the service was given", level=logging.WARNING)
            return web.Response(status=401)
        body = await request.content.read(MAX_BODY_BYTES + 1)
        if len(body) > MAX_BODY_BYTES:
            self._ignore(f"its body is larger than {MAX_BODY_BYTES} bytes")
            return web.Response(status=413)
        try:
            payload = json.loads(body)
        except ValueError:
            self._ignore("its body is not JSON")
            return web.Response(status=400)
        if not isinstance(payload, dict):
            self._ignore(f"its body is a JSON {type(payload).__name__}, not an object")
            return web.Response(status=400)
        self.runtime.recorder.webhook(self.config.subentry_id, payload)
        return self._ingest(payload)

    @callback
    def _ingest(self, payload: dict[str, Any]) -> web.Response:
        try:
            evidence = self.parse(payload, dt_util.utcnow().timestamp())
        except PayloadError as err:
            self._ignore(f"it is not a known event ({err})")
            return web.Response(status=422)
        self.runtime.ingest(evidence)
        return web.Response(text="ok")

    def _ignore(self, reason: str, *, level: int = logging.INFO) -> None:
        _LOGGER.log(level, "Ignored a webhook call from %s: %s", self.config.title, reason)


class SeerrLink(WebhookLink):
    """Seerr pushes through its webhook agent when the user let the tracker configure it."""

    def parse(self, body: Any, at: float) -> list[Evidence]:
        """Seerr notification -> evidence."""
        return parse_seerr_webhook(body, source=self.config.subentry_id, at=at)

    def authorized(self, request: web.Request) -> bool:
        """Seerr sends the configured `authHeader` as the Authorization header."""
        return _same(request.headers.get(hdrs.AUTHORIZATION), self.config.webhook_secret)

    async def async_start(self) -> None:
        """Register the webhook, and point Seerr's agent at it when the user chose that."""
        await super().async_start()
        if self.config.configure_webhook:
            self.runtime.entry.async_create_background_task(
                self.hass, self._async_configure_agent(), f"{DOMAIN} configure Seerr webhook"
            )

    async def _async_configure_agent(self) -> None:
        if (url := self.reachable_url()) is None:
            return
        client = seerr_client(async_get_clientsession(self.hass, self.config.verify_ssl), self.config)
        try:
            settings = await client.webhook_settings()
            if not settings.is_configured_for(url, self.config.webhook_secret, WEBHOOK_TEMPLATE):
                await client.configure_webhook(url, self.config.webhook_secret)
            await client.test_webhook(url, self.config.webhook_secret)
        except InvalidAuth:
            self.runtime.start_reauth(self.config.subentry_id)
        except WebhookUnreachable:
            self.create_issue("webhook_unreachable", url=_host(url))
        except UpstreamError as err:
            _LOGGER.warning("Could not configure the webhook agent of %s: %s", self.config.title, err)
        else:
            self.delete_issue("webhook_unreachable")


class ArrLink(WebhookLink):
    """Radarr/Sonarr push through a webhook connection the tracker creates (or updates) there."""

    def parse(self, body: Any, at: float) -> list[Evidence]:
        """Radarr/Sonarr event -> evidence."""
        kind: Literal["radarr", "sonarr"] = "sonarr" if self.config.kind == "sonarr" else "radarr"
        return parse_arr_webhook(body, source=self.config.subentry_id, kind=kind, at=at)

    def authorized(self, request: web.Request) -> bool:
        """Radarr/Sonarr send the connection's user name and password as basic auth."""
        try:
            credentials = BasicAuth.decode(request.headers.get(hdrs.AUTHORIZATION, ""))
        except ValueError:
            return False
        return credentials.login == WEBHOOK_USERNAME and _same(credentials.password, self.config.webhook_secret)

    async def async_start(self) -> None:
        """Register the webhook and make sure the service has exactly one connection posting to it."""
        await super().async_start()
        self.runtime.entry.async_create_background_task(
            self.hass, self._async_ensure_connection(), f"{DOMAIN} ensure {self.config.kind} webhook"
        )

    async def _async_ensure_connection(self) -> None:
        if (url := self.reachable_url()) is None:
            return
        client = arr_client(async_get_clientsession(self.hass, self.config.verify_ssl), self.config)
        try:
            setup = await client.ensure_webhook(
                UPSTREAM_WEBHOOK_NAME, url, WEBHOOK_USERNAME, self.config.webhook_secret or ""
            )
            if not setup.created:
                # The server tests a connection only when it changes; an unchanged one is tested here.
                await client.test_webhook(setup.id)
        except InvalidAuth:
            self.runtime.start_reauth(self.config.subentry_id)
        except WebhookUnreachable:
            self.create_issue("webhook_unreachable", url=_host(url))
        except UpstreamError as err:
            _LOGGER.warning("Could not set up the webhook connection in %s: %s", self.config.title, err)
        else:
            self.delete_issue("webhook_unreachable")

    async def async_removed(self) -> None:
        """Delete the connection the tracker created."""
        url = self.webhook_url
        client = arr_client(async_get_clientsession(self.hass, self.config.verify_ssl), self.config)
        try:
            await client.remove_webhook(UPSTREAM_WEBHOOK_NAME, url or "")
        except UpstreamError as err:
            _LOGGER.warning(
                "Could not delete the webhook connection in %s (%s); delete %r there by hand",
                self.config.title,
                err,
                UPSTREAM_WEBHOOK_NAME,
            )


class JellyfinLink(WebhookLink):
    """Jellyfin pushes through the optional webhook plugin, configured by hand."""

    def parse(self, body: Any, at: float) -> list[Evidence]:
        """Jellyfin ItemAdded -> evidence."""
        return parse_item_added(body, source=self.config.subentry_id, at=at)


class QBittorrentLink(WebhookLink):
    """qBittorrent can run a program when a torrent finishes: a curl to this webhook makes the next poll now."""

    def parse(self, body: Any, at: float) -> list[Evidence]:
        """A finished torrent: poll at once (the poll reports it; the push only says when)."""
        if not isinstance(body, dict) or not autorun_download_ids(body):
            raise PayloadError("no torrent hash in the body")
        if coordinator := self.runtime.coordinators.get(self.config.subentry_id):
            self.runtime.entry.async_create_background_task(
                self.hass, coordinator.async_request_refresh(), f"{DOMAIN} poll {self.config.title} on push"
            )
        return []


def make_link(runtime: TrackerRuntime, config: ServiceConfig) -> ServiceLink:
    """The runtime for a kind of service."""
    match config.kind:
        case "seerr":
            return SeerrLink(runtime, config)
        case "radarr" | "sonarr":
            return ArrLink(runtime, config)
        case "jellyfin":
            return JellyfinLink(runtime, config)
        case "qbittorrent":
            return QBittorrentLink(runtime, config)
    return ServiceLink(runtime, config)


def _same(given: str | None, expected: str | None) -> bool:
    """Constant-time comparison, so the secret cannot be guessed from response times."""
    return given is not None and expected is not None and hmac.compare_digest(given.encode(), expected.encode())


def _host(url: str) -> str:
    """The scheme and host of a URL, never its path (which holds the webhook id)."""
    parts = url.split("/")
    return "/".join(parts[:3]) if len(parts) >= 3 else url
