"""How a configured service reaches the tracker while its entry is loaded: the base, and the webhook receiver."""

from __future__ import annotations

import hmac
import logging
from typing import Any, Final

from aiohttp import hdrs, web
from homeassistant.components import webhook
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .coordinator import ServiceCoordinator
from .port import ServicePort
from .sources.payload import PayloadError
from .sources.webhook_body import WebhookBodyError, read_json_object
from .tracker import Evidence

_LOGGER = logging.getLogger(__name__)

MAX_BODY_BYTES: Final = 1 << 20
ISSUE_NO_URL: Final = "no_home_assistant_url"
ISSUE_UNREACHABLE: Final = "webhook_unreachable"


class ServiceLink:
    """A configured service instance, while its entry is loaded; kinds that push or set things up extend it."""

    def __init__(self, port: ServicePort, coordinator: ServiceCoordinator | None) -> None:
        """Bind a service to the tracker; `coordinator` is its poller, if it is polled."""
        self.port = port
        self.hass: HomeAssistant = port.hass
        self.config = port.config
        self.coordinator = coordinator

    async def async_start(self) -> None:
        """Start receiving from the service."""

    async def async_stop(self) -> None:
        """Stop receiving (the entry is unloading)."""

    async def async_removed(self) -> None:
        """The user removed the service: undo what the tracker set up on its side."""


class WebhookLink(ServiceLink):
    """A service that pushes to a Home Assistant webhook of its own."""

    service_name: str = "service"
    """How Home Assistant's webhook list names the kind."""

    def parse(self, body: Any, at: float) -> list[Evidence]:
        """Turn a webhook body into evidence (raises PayloadError for an unknown shape)."""
        raise NotImplementedError

    def authorized(self, request: web.Request) -> bool:
        """Whether the request carries the secret this service was given (when it can send one)."""
        return True

    @property
    def webhook_url(self) -> str | None:
        """The URL the service should post to (Home Assistant's internal URL first)."""
        return webhook_url(self.hass, self.config.webhook_id)

    def reachable_url(self) -> str | None:
        """The webhook URL for setting the service up; without one, a repair issue asks for Home Assistant's URL."""
        url = self.webhook_url
        if url is None:
            self.port.raise_issue(ISSUE_NO_URL)
        else:
            self.port.clear_issue(ISSUE_NO_URL)
        return url

    async def async_start(self) -> None:
        """Register the webhook."""
        if self.config.webhook_id is None:
            return
        webhook.async_register(
            self.hass,
            DOMAIN,
            f"{self.service_name}: {self.config.title}",
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
        try:
            payload = await read_json_object(request, limit=MAX_BODY_BYTES)
        except WebhookBodyError as err:
            self._ignore(str(err))
            return web.Response(status=err.status)
        self.port.recorder.webhook(self.config.subentry_id, payload)
        return self._ingest(payload)

    @callback
    def _ingest(self, payload: dict[str, Any]) -> web.Response:
        try:
            evidence = self.parse(payload, dt_util.utcnow().timestamp())
        except PayloadError as err:
            self._ignore(f"it is not a known event ({err})")
            return web.Response(status=422)
        self.port.ingest(evidence)
        return web.Response(text="ok")

    def _ignore(self, reason: str, *, level: int = logging.INFO) -> None:
        _LOGGER.log(level, "Ignored a webhook call from %s: %s", self.config.title, reason)


def webhook_url(hass: HomeAssistant, webhook_id: str | None) -> str | None:
    """The URL of a webhook of the tracker's (Home Assistant's internal URL first); None without a URL."""
    if webhook_id is None:
        return None
    try:
        return webhook.async_generate_url(hass, webhook_id, prefer_external=False)
    except NoURLAvailableError:
        return None


def same_secret(given: str | None, expected: str | None) -> bool:
    """Constant-time comparison, so the secret cannot be guessed from response times."""
    return given is not None and expected is not None and hmac.compare_digest(given.encode(), expected.encode())
