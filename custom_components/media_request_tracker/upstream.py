"""The upstream services a user adds (config subentries): their settings, clients and validation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
import secrets
from typing import Any, Final, Literal

import aiohttp
from homeassistant.config_entries import ConfigSubentry
from yarl import URL

from .sources.arr.client import ArrClient
from .sources.errors import InvalidAuth
from .sources.jellyfin.client import JellyfinClient
from .sources.qbittorrent.client import QBittorrentClient
from .sources.seerr.client import SeerrClient
from .sources.shoko.client import ShokoClient

type ServiceKind = Literal["seerr", "radarr", "sonarr", "qbittorrent", "jellyfin", "shoko"]

CONF_URL: Final = "url"
CONF_API_KEY: Final = "api_key"
CONF_USERNAME: Final = "username"
CONF_PASSWORD: Final = "password"  # noqa: S105  # a settings key, not a password
CONF_VERIFY_SSL: Final = "verify_ssl"
CONF_WEBHOOK_ID: Final = "webhook_id"
CONF_WEBHOOK_SECRET: Final = "webhook_secret"  # noqa: S105  # a settings key
CONF_CONFIGURE_WEBHOOK: Final = "configure_webhook"

# Which credentials each kind of service takes.
API_KEY_SERVICES: Final = frozenset({"seerr", "radarr", "sonarr", "jellyfin"})
LOGIN_SERVICES: Final = frozenset({"qbittorrent"})
# Services that push to a Home Assistant webhook of their own.
WEBHOOK_SERVICES: Final = frozenset({"seerr", "radarr", "sonarr", "jellyfin", "qbittorrent"})
SHOKO_DEVICE_NAME: Final = "home-assistant-media-request-tracker"
SERVICE_NAMES: Final[Mapping[str, str]] = {
    "seerr": "Seerr",
    "radarr": "Radarr",
    "sonarr": "Sonarr",
    "qbittorrent": "qBittorrent",
    "jellyfin": "Jellyfin",
    "shoko": "Shoko",
}


@dataclass(frozen=True, kw_only=True)
class ServiceConfig:
    """A typed view of one service instance's settings."""

    subentry_id: str
    kind: ServiceKind
    title: str
    url: str
    verify_ssl: bool = True
    api_key: str | None = None
    username: str | None = None
    password: str | None = None
    webhook_id: str | None = None
    webhook_secret: str | None = None
    configure_webhook: bool = False

    @classmethod
    def from_subentry(cls, subentry: ConfigSubentry) -> ServiceConfig:
        """Read a subentry."""
        return cls.from_data(subentry.subentry_id, subentry.subentry_type, subentry.title, subentry.data)

    @classmethod
    def from_data(cls, subentry_id: str, kind: str, title: str, data: Mapping[str, Any]) -> ServiceConfig:
        """Read stored settings."""
        if kind not in SERVICE_NAMES:
            raise ValueError(f"unknown service type {kind!r}")
        return cls(
            subentry_id=subentry_id,
            kind=kind,  # type: ignore[arg-type]  # checked above
            title=title,
            url=str(data[CONF_URL]),
            verify_ssl=bool(data.get(CONF_VERIFY_SSL, True)),
            api_key=data.get(CONF_API_KEY),
            username=data.get(CONF_USERNAME),
            password=data.get(CONF_PASSWORD),
            webhook_id=data.get(CONF_WEBHOOK_ID),
            webhook_secret=data.get(CONF_WEBHOOK_SECRET),
            configure_webhook=bool(data.get(CONF_CONFIGURE_WEBHOOK, False)),
        )


def normalize_url(url: str) -> str:
    """A service URL in one spelling: scheme and host lower-case, no trailing slash, no query."""
    parsed = URL(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError("not an http(s) URL")
    path = parsed.path.rstrip("/")
    return str(parsed.with_path(path or "/").with_query(None).with_fragment(None)).rstrip("/")


def new_webhook_settings() -> dict[str, str]:
    """A webhook id (256 random bits, as Home Assistant's own) and a shared secret for the upstream to send."""
    return {CONF_WEBHOOK_ID: secrets.token_hex(32), CONF_WEBHOOK_SECRET: secrets.token_urlsafe(24)}


def seerr_client(session: aiohttp.ClientSession, config: ServiceConfig) -> SeerrClient:
    """A Seerr client."""
    return SeerrClient(session, config.url, config.api_key or "", verify_ssl=config.verify_ssl)


def arr_client(session: aiohttp.ClientSession, config: ServiceConfig) -> ArrClient:
    """A Radarr or Sonarr client."""
    kind: Literal["radarr", "sonarr"] = "sonarr" if config.kind == "sonarr" else "radarr"
    return ArrClient(session, config.url, config.api_key or "", kind, verify_ssl=config.verify_ssl)


def jellyfin_client(session: aiohttp.ClientSession, config: ServiceConfig) -> JellyfinClient:
    """A Jellyfin client."""
    return JellyfinClient(session, config.url, config.api_key or "", verify_ssl=config.verify_ssl)


def qbittorrent_client(session: aiohttp.ClientSession, config: ServiceConfig) -> QBittorrentClient:
    """A qBittorrent client."""
    return QBittorrentClient(
        session, config.url, config.username or "", config.password or "", verify_ssl=config.verify_ssl
    )


def shoko_client(session: aiohttp.ClientSession, config: ServiceConfig) -> ShokoClient:
    """A Shoko client (with the stored API key)."""
    return ShokoClient(session, config.url, api_key=config.api_key, verify_ssl=config.verify_ssl)


async def validate(session: aiohttp.ClientSession, config: ServiceConfig) -> dict[str, Any]:
    """Check that the service answers as its kind and accepts the credentials.

    Returns settings learned on the way (Shoko trades a user name and password for an API key, which is kept
    instead of the password). Raises CannotConnect, InvalidAuth or UnexpectedResponse.
    """
    match config.kind:
        case "seerr":
            await seerr_client(session, config).validate()
        case "radarr" | "sonarr":
            await arr_client(session, config).system_status()
        case "jellyfin":
            await jellyfin_client(session, config).validate()
        case "qbittorrent":
            client = qbittorrent_client(session, config)
            await client.login()
            await client.app_version()
        case "shoko":
            return await _validate_shoko(session, config)
    return {}


async def _validate_shoko(session: aiohttp.ClientSession, config: ServiceConfig) -> dict[str, Any]:
    client = shoko_client(session, config)
    await client.version()
    learned: dict[str, Any] = {}
    if config.username and config.password is not None:
        learned[CONF_API_KEY] = await client.login(config.username, config.password, SHOKO_DEVICE_NAME)
        learned[CONF_PASSWORD] = None
    elif not config.api_key:
        raise InvalidAuth("Shoko needs an API key, or a user name and password")
    await client.import_folders()
    return learned
