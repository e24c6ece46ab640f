"""Radarr and Sonarr: pushed through a webhook connection the tracker creates there, polled for what it missed.

The poll reads the queue (downloads a grab webhook missed), the history (imports an import webhook missed) and,
for requests waiting for a release, the media, its history and the results of the searches run for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
import logging
from typing import Any, Final, Literal

import aiohttp
from aiohttp import BasicAuth, hdrs, web
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util import dt as dt_util
import voluptuous as vol

from ..coordinator import ServiceCoordinator, Turns
from ..kind import ServiceKind
from ..links import ISSUE_UNREACHABLE, WebhookLink, same_secret
from ..port import ServicePort
from ..settings import CONF_HOLDS_4K, ServiceConfig, host_of
from ..sources.arr.client import ArrClient
from ..sources.arr.parser import (
    parse_command,
    parse_history_record,
    parse_media_item,
    parse_queue_record,
    parse_webhook,
)
from ..sources.errors import InvalidAuth, NotFound, UpstreamError, WebhookUnreachable
from ..sources.payload import PayloadError
from ..tracker import Evidence, IdKind
from ..tracker.ids import COPY_4K, copy_of_name
from ..tracker.queries import awaiting_import, searching_items

_LOGGER = logging.getLogger(__name__)

INTERVAL: Final = timedelta(minutes=2)
HISTORY_LOOKUPS_PER_POLL: Final = 10
SEARCH_LOOKUPS_PER_POLL: Final = 5
"""Movies/series of requests waiting for a release looked up per poll (their item and history), each in turn."""
UPSTREAM_WEBHOOK_NAME: Final = "Home Assistant Media Request Tracker"
"""The name of the connection the tracker creates in Radarr/Sonarr."""
WEBHOOK_USERNAME: Final = "media_request_tracker"
"""The basic-auth user that connection sends."""

type ArrKind = Literal["radarr", "sonarr"]


def _arr_kind(config: ServiceConfig) -> ArrKind:
    return "sonarr" if config.kind == "sonarr" else "radarr"


def as_instance_copy(config: ServiceConfig, evidence: list[Evidence]) -> list[Evidence]:
    """An instance that holds the 4K copies says so of all it reports, whatever its folders and names say."""
    if not config.holds_4k:
        return evidence
    return [
        replace(item, ids=frozenset(key for key in item.ids if key[0] is not IdKind.COPY) | {(IdKind.COPY, COPY_4K)})
        for item in evidence
    ]


def client(session: aiohttp.ClientSession, config: ServiceConfig) -> ArrClient:
    """A Radarr or Sonarr client."""
    return ArrClient(session, config.url, config.api_key or "", _arr_kind(config), verify_ssl=config.verify_ssl)


async def validate(session: aiohttp.ClientSession, config: ServiceConfig) -> dict[str, Any]:
    """The service answers its status and accepts the API key."""
    await client(session, config).system_status()
    return {}


async def webhook_step(
    hass: HomeAssistant, config: ServiceConfig, url: str | None
) -> tuple[vol.Schema | None, dict[str, str]]:
    """Ask whether the instance holds the 4K copies, and say what will be set up (and how, by hand).

    Whether it holds 4K is guessed from its name ("Radarr 4K"); the answer makes all its evidence 4K evidence.
    """
    schema = vol.Schema({vol.Required(CONF_HOLDS_4K, default=copy_of_name(config.title) == COPY_4K): bool})
    return schema, {
        "url": url or "(set your Home Assistant URL first)",
        "username": WEBHOOK_USERNAME,
        "password": config.webhook_secret or "",
    }


class ArrLink(WebhookLink):
    """Radarr/Sonarr push through a webhook connection the tracker creates (or updates) there."""

    @property
    def service_name(self) -> str:  # type: ignore[override]  # a class constant elsewhere
        """Radarr or Sonarr."""
        return self.config.kind.capitalize()

    def parse(self, body: Any, at: float) -> list[Evidence]:
        """Radarr/Sonarr event -> evidence."""
        evidence = parse_webhook(body, source=self.config.subentry_id, kind=_arr_kind(self.config), at=at)
        return as_instance_copy(self.config, evidence)

    def authorized(self, request: web.Request) -> bool:
        """Radarr/Sonarr send the connection's user name and password as basic auth."""
        try:
            credentials = BasicAuth.decode(request.headers.get(hdrs.AUTHORIZATION, ""))
        except ValueError:
            return False
        return credentials.login == WEBHOOK_USERNAME and same_secret(credentials.password, self.config.webhook_secret)

    async def async_start(self) -> None:
        """Register the webhook and make sure the service has exactly one connection posting to it."""
        await super().async_start()
        self.port.background(self._async_ensure_connection(), "ensure the webhook connection of")

    async def _async_ensure_connection(self) -> None:
        if (url := self.reachable_url()) is None:
            return
        arr = client(async_get_clientsession(self.hass, self.config.verify_ssl), self.config)
        try:
            setup = await arr.ensure_webhook(
                UPSTREAM_WEBHOOK_NAME, url, WEBHOOK_USERNAME, self.config.webhook_secret or ""
            )
            if not setup.created:
                # The server tests a connection only when it changes; an unchanged one is tested here.
                await arr.test_webhook(setup.id)
        except InvalidAuth:
            self.port.start_reauth()
        except WebhookUnreachable:
            self.port.raise_issue(ISSUE_UNREACHABLE, {"url": host_of(url)})
        except UpstreamError as err:
            _LOGGER.warning("Could not set up the webhook connection in %s: %s", self.config.title, err)
        else:
            self.port.clear_issue(ISSUE_UNREACHABLE)

    async def async_removed(self) -> None:
        """Delete the connection the tracker created."""
        arr = client(async_get_clientsession(self.hass, self.config.verify_ssl), self.config)
        try:
            await arr.remove_webhook(UPSTREAM_WEBHOOK_NAME, self.webhook_url or "")
        except UpstreamError as err:
            _LOGGER.warning(
                "Could not delete the webhook connection in %s (%s); delete %r there by hand",
                self.config.title,
                err,
                UPSTREAM_WEBHOOK_NAME,
            )


class ArrCoordinator(ServiceCoordinator):
    """Catches up on Radarr/Sonarr: the queue for downloads a grab webhook missed, the history for missed imports."""

    def __init__(self, port: ServicePort) -> None:
        """Poll Radarr/Sonarr."""
        super().__init__(port, INTERVAL)
        self.client = client(self.session, port.config)
        self.kind = _arr_kind(port.config)
        self._turns = Turns()
        self._search_turns = Turns()

    async def async_poll(self) -> list[Evidence]:
        """The queue, the history of tracked downloads whose import has not been seen, then the searches."""
        await self.client.system_status()
        now = dt_util.utcnow().timestamp()
        queue = await self.client.queue()
        self.port.recorder.state(self.config.subentry_id, "queue", [record.raw for record in queue])
        evidence: list[Evidence] = []
        for record in queue:
            evidence += self._parsed(parse_queue_record, record.raw, now)
        history: list[Any] = []
        waiting = awaiting_import(self.port.tracker.requests, self.config.subentry_id)
        for download_id in self._turns.next(waiting, HISTORY_LOOKUPS_PER_POLL):
            history += [record.raw for record in await self.client.history_for_download(download_id)]
        if history:
            self.port.recorder.state(self.config.subentry_id, "history", history)
        for raw in history:
            evidence += self._parsed(parse_history_record, raw, now)
        return evidence + await self._searches(now)

    async def _searches(self, now: float) -> list[Evidence]:
        """For requests waiting for a release: whether the media is here, its grabs, and the searches' results.

        A search that found nothing is told only by the command's message ("0 reports downloaded").
        """
        held = [str(arr_id) for arr_id in searching_items(self.port.tracker.requests, self.config.subentry_id)]
        if not held:
            return []
        commands = await self.client.commands()
        self.port.recorder.state(self.config.subentry_id, "commands", commands)
        evidence: list[Evidence] = []
        for raw in commands:
            evidence += self._parsed(parse_command, raw, now)
        history: list[Any] = []
        for arr_id in self._search_turns.next(sorted(held), SEARCH_LOOKUPS_PER_POLL):
            try:
                item = await self.client.media_item(int(arr_id))
            except NotFound:
                continue  # removed from Radarr/Sonarr since: its delete event tells
            evidence += self._parsed(parse_media_item, item, now)
            history += await self.client.media_history(int(arr_id))
        if history:
            self.port.recorder.state(self.config.subentry_id, "history", history)
        for raw in history:
            evidence += self._parsed(parse_history_record, raw, now)
        return evidence

    def _parsed(self, parse: Callable[..., list[Evidence]], raw: Any, at: float) -> list[Evidence]:
        try:
            return as_instance_copy(self.config, parse(raw, source=self.config.subentry_id, kind=self.kind, at=at))
        except PayloadError as err:
            _LOGGER.debug("Skipped a record from %s: %s", self.config.title, err)
            return []


def arr_kind(kind: ArrKind, name: str, port: int) -> ServiceKind:
    """Radarr or Sonarr: the same in every respect but their name."""
    return ServiceKind(
        kind=kind,
        name=name,
        example_url=f"http://192.168.1.10:{port}",
        credentials="api_key",
        validate=validate,
        webhook=True,
        webhook_step=webhook_step,
        link=ArrLink,
        coordinator=ArrCoordinator,
    )
