"""Diagnostics: the configuration and every tracked request, with secrets removed."""

from __future__ import annotations

from collections import Counter
from typing import Any, Protocol, runtime_checkable

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant
from yarl import URL

from .const import SECRET_KEYS
from .coordinator import ServiceCoordinator
from .runtime import MediaRequestTrackerConfigEntry
from .tracker.serialization import dump_tracker

# Personal data upstream bodies carry that a bug report does not need.
PERSONAL_KEYS = frozenset({"requestedBy_email", "email", "notifyuser_email", "reportedBy_email", "commentedBy_email"})


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: MediaRequestTrackerConfigEntry
) -> dict[str, Any]:
    """Return what a bug report needs."""
    return {
        "entry": {
            "title": entry.title,
            "data": redact(dict(entry.data)),
            "options": redact(dict(entry.options)),
        },
        "services": [
            {
                "type": subentry.subentry_type,
                "title": subentry.title,
                "data": redact(dict(subentry.data)),
                **service_health(entry.runtime_data.coordinators.get(subentry_id)),
            }
            for subentry_id, subentry in entry.subentries.items()
        ],
        "tracker": dump_tracker(entry.runtime_data.hub.tracker),
        # The recent raw events as Trace v1 lines: `scripts/replay` reproduces the report with them.
        "trace": [async_redact_data(line, PERSONAL_KEYS) for line in entry.runtime_data.hub.trace()],
    }


@runtime_checkable
class CountsSkipped(Protocol):
    """A client that counts the upstream records it could not read, by collection."""

    skipped: Counter[str]


def service_health(coordinator: ServiceCoordinator | None) -> dict[str, Any]:
    """Whether a polled service answers, and the records its client skipped (an odd upstream shows here)."""
    if coordinator is None:
        return {"connected": None, "last_error": None, "skipped": {}}
    client = getattr(coordinator, "client", None)
    error = None if coordinator.last_update_success else coordinator.last_exception
    return {
        "connected": coordinator.last_update_success,
        # The kind of error only: an upstream's message may quote a URL with its key.
        "last_error": None if error is None else type(error.__cause__ or error).__name__,
        "skipped": dict(sorted(client.skipped.items())) if isinstance(client, CountsSkipped) else {},
    }


def redact(data: dict[str, Any]) -> dict[str, Any]:
    """Redact secret keys, and credentials embedded in URLs."""
    redacted: dict[str, Any] = async_redact_data(data, SECRET_KEYS)
    for key, value in redacted.items():
        if isinstance(value, str) and "://" in value:
            redacted[key] = _without_credentials(value)
    return redacted


def _without_credentials(value: str) -> str:
    try:
        url = URL(value)
    except ValueError:
        return "**REDACTED**"
    if url.user or url.password:
        url = url.with_user(None)
    return str(url.with_query(None)) if url.query else str(url)
