"""Repair issues about a configured service.

Their ids start with the service's subentry id, so removing the service removes them too
(see TrackerHub.forget_removed_services).
"""

from __future__ import annotations

from collections.abc import Mapping

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN
from .settings import ServiceConfig


def service_issue_id(config: ServiceConfig, name: str) -> str:
    """The id of a service's repair issue."""
    return f"{config.subentry_id}_{name}"


def create_service_issue(
    hass: HomeAssistant,
    config: ServiceConfig,
    name: str,
    placeholders: Mapping[str, str] | None = None,
    *,
    severity: ir.IssueSeverity = ir.IssueSeverity.WARNING,
) -> None:
    """Raise a repair issue about a service; `name` is also its translation key."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        service_issue_id(config, name),
        is_fixable=False,
        severity=severity,
        translation_key=name,
        translation_placeholders={"service": config.title, **(placeholders or {})},
    )


def delete_service_issue(hass: HomeAssistant, config: ServiceConfig, name: str) -> None:
    """Clear a service's repair issue (nothing happens when there is none)."""
    ir.async_delete_issue(hass, DOMAIN, service_issue_id(config, name))
