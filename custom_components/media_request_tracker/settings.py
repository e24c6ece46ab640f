"""A configured service instance's settings (a config subentry), typed, and the spelling of its URL."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
import secrets
from typing import Any, Final

from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import CONF_API_KEY, CONF_PASSWORD, CONF_URL, CONF_USERNAME, CONF_VERIFY_SSL
from yarl import URL

CONF_WEBHOOK_ID: Final = "webhook_id"
CONF_WEBHOOK_SECRET: Final = "webhook_secret"  # noqa: S105  # a settings key
CONF_CONFIGURE_WEBHOOK: Final = "configure_webhook"
CONF_HOLDS_4K: Final = "holds_4k"


@dataclass(frozen=True, kw_only=True)
class ServiceConfig:
    """A typed view of one service instance's settings."""

    subentry_id: str
    kind: str
    title: str
    url: str
    verify_ssl: bool = True
    api_key: str | None = None
    username: str | None = None
    password: str | None = None
    webhook_id: str | None = None
    webhook_secret: str | None = None
    configure_webhook: bool = False
    holds_4k: bool = False
    """A Radarr/Sonarr that holds the 4K copies (Seerr's 4K server): its evidence is about 4K requests."""

    @classmethod
    def from_subentry(cls, subentry: ConfigSubentry) -> ServiceConfig:
        """Read a subentry."""
        return cls.from_data(subentry.subentry_id, subentry.subentry_type, subentry.title, subentry.data)

    @classmethod
    def from_data(cls, subentry_id: str, kind: str, title: str, data: Mapping[str, Any]) -> ServiceConfig:
        """Read stored settings."""
        return cls(
            subentry_id=subentry_id,
            kind=kind,
            title=title,
            url=str(data[CONF_URL]),
            verify_ssl=bool(data.get(CONF_VERIFY_SSL, True)),
            api_key=data.get(CONF_API_KEY),
            username=data.get(CONF_USERNAME),
            password=data.get(CONF_PASSWORD),
            webhook_id=data.get(CONF_WEBHOOK_ID),
            webhook_secret=data.get(CONF_WEBHOOK_SECRET),
            configure_webhook=bool(data.get(CONF_CONFIGURE_WEBHOOK, False)),
            holds_4k=bool(data.get(CONF_HOLDS_4K, False)),
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


def host_of(url: str) -> str:
    """The scheme and host of a URL, never its path (which may hold a webhook id)."""
    parts = url.split("/")
    return "/".join(parts[:3]) if len(parts) >= 3 else url
