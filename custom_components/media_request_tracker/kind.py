"""What a kind of service declares (one module per kind, under `kinds/`), and a configured instance of one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import aiohttp
from homeassistant.core import HomeAssistant
import voluptuous as vol

from .coordinator import ServiceCoordinator
from .links import ServiceLink
from .port import ServicePort
from .settings import ServiceConfig

type Credentials = Literal["api_key", "login", "api_key_or_login"]
"""An API key; a user name and password; or either (a user name and password traded for an API key)."""
type Validator = Callable[[aiohttp.ClientSession, ServiceConfig], Awaitable[dict[str, Any]]]
type WebhookStep = Callable[
    [HomeAssistant, ServiceConfig, str | None], Awaitable[tuple[vol.Schema | None, dict[str, str]]]
]
"""The subentry flow's step after validation: (the form's fields, or None; the description's placeholders).

Given the settings so far and the webhook's URL (None when Home Assistant has no URL yet). What the user enters
is stored with the service's settings.
"""


@dataclass(frozen=True, kw_only=True)
class ServiceKind:
    """Everything about one kind of service, in one place: the rest of the integration reads it from here."""

    kind: str
    """The subentry type (also the key of its strings)."""
    name: str
    """How people call the kind (the default title of a new instance, the device's manufacturer)."""
    example_url: str
    """An address to show as an example in the form (the kind's usual port)."""
    credentials: Credentials
    validate: Validator
    """Check that the URL answers as this kind and takes the credentials; returns settings learnt on the way.

    Raises CannotConnect, InvalidAuth or UnexpectedResponse.
    """
    webhook: bool = False
    """Whether an instance gets a webhook of its own (an id and a secret are made when it is added)."""
    webhook_step: WebhookStep | None = None
    link: Callable[[ServicePort, ServiceCoordinator | None], ServiceLink] = ServiceLink
    """How the instance reaches the tracker while loaded (webhook, upstream set-up and removal)."""
    coordinator: Callable[[ServicePort], ServiceCoordinator] | None = None
    """Its poller or event stream, if it has one."""

    def instance(self, port: ServicePort) -> ServiceInstance:
        """A configured instance of this kind, ready to start."""
        coordinator = self.coordinator(port) if self.coordinator else None
        return ServiceInstance(
            config=port.config, kind=self, link=self.link(port, coordinator), coordinator=coordinator
        )


@dataclass(frozen=True, kw_only=True)
class ServiceInstance:
    """A configured service while its entry is loaded."""

    config: ServiceConfig
    kind: ServiceKind
    link: ServiceLink
    coordinator: ServiceCoordinator | None

    async def async_start(self) -> None:
        """Start receiving, then polling (the first poll runs in the background)."""
        await self.link.async_start()
        if self.coordinator is not None:
            self.coordinator.start()

    async def async_stop(self) -> None:
        """Stop receiving (coordinators stop with the entry)."""
        await self.link.async_stop()


def option(options: Mapping[str, Any], key: str, default: float) -> float:
    """A number from the entry's options."""
    return float(options.get(key, default))
