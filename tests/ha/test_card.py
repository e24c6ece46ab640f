"""The card is served by the integration and registered as a dashboard resource (storage mode) by itself."""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.const import EVENT_HOMEASSISTANT_STARTED
from homeassistant.core import CoreState, HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.media_request_tracker.card import CARD_FILE, CARD_URL, async_setup_card, card_version

OTHER_RESOURCE = {"id": "other", "type": "module", "url": "/local/another-card.js"}


def _resources(hass: HomeAssistant) -> list[dict[str, Any]]:
    return list(hass.data["lovelace"].resources.async_items())


def _stored_resources(*items: dict[str, Any]) -> dict[str, Any]:
    return {"key": "lovelace_resources", "version": 1, "data": {"items": list(items)}}


@pytest.fixture
async def http(hass: HomeAssistant) -> None:
    assert await async_setup_component(hass, "http", {})


async def test_the_card_is_served_and_becomes_a_resource(
    hass: HomeAssistant, http: None, hass_client: ClientSessionGenerator, hass_storage: dict[str, Any]
) -> None:
    hass_storage["lovelace_resources"] = _stored_resources(OTHER_RESOURCE)
    assert await async_setup_component(hass, "lovelace", {})
    await async_setup_card(hass)

    version = card_version(CARD_FILE)
    assert version is not None
    assert len(version) == 12
    resources = _resources(hass)
    assert {"type": "module", "url": f"{CARD_URL}?v={version}"} in [
        {"type": item["type"], "url": item["url"]} for item in resources
    ]
    assert OTHER_RESOURCE in resources

    client = await hass_client()
    reply = await client.get(f"{CARD_URL}?v={version}")
    assert reply.status == 200
    assert "javascript" in reply.headers["Content-Type"]
    assert await reply.read() == CARD_FILE.read_bytes()


async def test_an_older_version_is_replaced_and_duplicates_removed(
    hass: HomeAssistant, http: None, hass_storage: dict[str, Any]
) -> None:
    hass_storage["lovelace_resources"] = _stored_resources(
        {"id": "old", "type": "module", "url": f"{CARD_URL}?v=0123456789ab"},
        OTHER_RESOURCE,
        {"id": "twice", "type": "module", "url": CARD_URL},
    )
    assert await async_setup_component(hass, "lovelace", {})
    await async_setup_card(hass)

    resources = _resources(hass)
    assert resources == [
        {"id": "old", "type": "module", "url": f"{CARD_URL}?v={card_version(CARD_FILE)}"},
        OTHER_RESOURCE,
    ]


async def test_registered_once_dashboards_are_loaded_when_home_assistant_starts(
    hass: HomeAssistant, http: None
) -> None:
    hass.set_state(CoreState.starting)
    await async_setup_card(hass)
    assert await async_setup_component(hass, "lovelace", {})
    await hass.data["lovelace"].resources.async_get_info()
    assert _resources(hass) == []

    hass.set_state(CoreState.running)
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STARTED)
    await hass.async_block_till_done()
    assert [item["url"] for item in _resources(hass)] == [f"{CARD_URL}?v={card_version(CARD_FILE)}"]


async def test_without_storage_mode_dashboards_the_card_is_served_and_the_log_says_what_to_add(
    hass: HomeAssistant, http: None, hass_client: ClientSessionGenerator, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="custom_components.media_request_tracker.card"):
        await async_setup_card(hass)
    assert f"add a resource with url {CARD_URL} and type module" in caplog.text

    client = await hass_client()
    reply = await client.get(CARD_URL)
    assert reply.status == 200
