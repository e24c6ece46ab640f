"""Serve the bundled dashboard card and register it as a dashboard resource, so it is in the card picker.

The built file lives in `frontend/` (its source is the repository's `frontend/` folder). Its URL carries a hash of
its content, so a new version reaches browsers that cached the old one. Storage-mode dashboards get the resource
automatically; YAML-mode dashboards list it under `lovelace: resources:` themselves (see the README).
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from homeassistant.components.http import StaticPathConfig
from homeassistant.const import EVENT_HOMEASSISTANT_STARTED
from homeassistant.core import CoreState, Event, HomeAssistant

from .const import DOMAIN

_LOGGER = logging.getLogger(__name__)

CARD_FILE = Path(__file__).parent / "frontend" / "media-request-tracker-card.js"
CARD_URL = f"/{DOMAIN}/media-request-tracker-card.js"
LOVELACE_DATA_KEY = "lovelace"
"""Where the dashboards component keeps its data: a dataclass with `resources` (2025.4 and later alike)."""


async def async_setup_card(hass: HomeAssistant) -> None:
    """Serve the card's file and, once dashboards are loaded, make sure it is a dashboard resource."""
    version = await hass.async_add_executor_job(card_version, CARD_FILE)
    if version is None:
        _LOGGER.warning("The card's file %s is missing: the card is not served", CARD_FILE)
        return
    await hass.http.async_register_static_paths([StaticPathConfig(CARD_URL, str(CARD_FILE), True)])
    resource_url = f"{CARD_URL}?v={version}"

    if hass.state is CoreState.running:
        await async_register_resource(hass, resource_url)
        return

    async def _register_when_started(_event: Event) -> None:
        # Dashboards set up in the same start may come after this integration.
        await async_register_resource(hass, resource_url)

    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STARTED, _register_when_started)


def card_version(path: Path) -> str | None:
    """A short hash of the card's content (None when the file is missing)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    except FileNotFoundError:
        return None


async def async_register_resource(hass: HomeAssistant, url: str) -> None:
    """Add the card to the dashboard resources, or point the existing entry at this version."""
    resources: Any = getattr(hass.data.get(LOVELACE_DATA_KEY), "resources", None)
    # Only the storage collection can be edited; YAML-mode resources come from configuration.yaml.
    if resources is None or not hasattr(resources, "async_create_item"):
        _LOGGER.info(
            "Dashboards are in YAML mode: to use the card, add a resource with url %s and type module", CARD_URL
        )
        return
    await resources.async_get_info()  # loads the stored resources on first use
    ours = [item for item in resources.async_items() if str(item.get("url", "")).split("?")[0] == CARD_URL]
    if not ours:
        await resources.async_create_item({"res_type": "module", "url": url})
        _LOGGER.debug("Registered the card as dashboard resource %s", url)
        return
    first, *duplicates = ours
    if first["url"] != url:
        await resources.async_update_item(first["id"], {"res_type": "module", "url": url})
        _LOGGER.debug("Updated the card's dashboard resource to %s", url)
    for duplicate in duplicates:
        await resources.async_delete_item(duplicate["id"])
