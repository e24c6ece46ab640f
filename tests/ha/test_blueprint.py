"""The "tell the requester" blueprint: valid for Home Assistant, and it notifies the right person."""

from __future__ import annotations

from pathlib import Path
import shutil
from typing import Any

from homeassistant.components.automation import DOMAIN as AUTOMATION_DOMAIN
from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint.models import Blueprint
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.setup import async_setup_component
from homeassistant.util import yaml as yaml_util
import pytest
from pytest_homeassistant_custom_component.common import async_mock_service

from tests.conftest import PROJECT_ROOT

BLUEPRINT = PROJECT_ROOT / "blueprints/automation/media_request_tracker/notify_requester.yaml"
STAGE_CHANGED = "media_request_tracker_stage_changed"
EPISODES_AVAILABLE = "media_request_tracker_episodes_available"
WATCH_URL = "http://jellyfin.local:8096/web/#/details?id=f00d&serverId=abc"


def test_blueprint_matches_home_assistants_schema() -> None:
    """The file loads as an automation blueprint whose every `!input` is declared."""
    blueprint = Blueprint(
        yaml_util.load_yaml_dict(BLUEPRINT),
        path=str(BLUEPRINT),
        expected_domain="automation",
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )
    assert set(blueprint.inputs) == {"requesters", "anyone_else", "new_episodes"}
    assert blueprint.validate() is None


async def _automation(hass: HomeAssistant, **inputs: Any) -> None:
    """Install the blueprint in the config folder and set up one automation that uses it."""
    target = Path(hass.config.path("blueprints/automation/media_request_tracker/notify_requester.yaml"))
    target.parent.mkdir(parents=True, exist_ok=True)
    await hass.async_add_executor_job(shutil.copyfile, BLUEPRINT, target)
    config = {
        AUTOMATION_DOMAIN: {
            "alias": "Tell the requester",
            "use_blueprint": {"path": "media_request_tracker/notify_requester.yaml", "input": inputs},
        }
    }
    assert await async_setup_component(hass, AUTOMATION_DOMAIN, config)
    await hass.async_block_till_done()


def _available(requested_by: str | None, **extra: Any) -> dict[str, Any]:
    return {
        "entity_id": "sensor.media_request_tracker_dune_part_two_2024",
        "title": "Dune: Part Two",
        "year": 2024,
        "media_type": "movie",
        "from_stage": "importing",
        "to_stage": "available",
        "requested_by": requested_by,
        "poster": "https://image.tmdb.org/t/p/w500/poster.jpg",
        "jellyfin_url": WATCH_URL,
        **extra,
    }


def _episodes(*, completes_request: bool) -> dict[str, Any]:
    return {
        "entity_id": "sensor.media_request_tracker_frieren_2023",
        "title": "Frieren",
        "year": 2023,
        "media_type": "tv",
        "requested_by": "alice",
        "poster": None,
        "jellyfin_url": None,
        "episodes": [
            {"season": 1, "episode": 5, "label": "S01E05"},
            {"season": 1, "episode": 6, "label": "S01E06"},
        ],
        "completes_request": completes_request,
    }


@pytest.fixture
def alice_phone(hass: HomeAssistant) -> list[ServiceCall]:
    return async_mock_service(hass, "notify", "mobile_app_alice")


@pytest.fixture
def family_tablet(hass: HomeAssistant) -> list[ServiceCall]:
    return async_mock_service(hass, "notify", "family_tablet")


async def test_the_requester_is_told_with_poster_and_watch_link(
    hass: HomeAssistant, alice_phone: list[ServiceCall], family_tablet: list[ServiceCall]
) -> None:
    """Alice's request becomes available: her phone gets the poster and a "Watch now" button, nobody else."""
    await _automation(hass, requesters={"alice": "notify.mobile_app_alice"}, anyone_else="notify.family_tablet")
    hass.bus.async_fire(STAGE_CHANGED, _available("alice"))
    await hass.async_block_till_done()

    assert [call.data["title"] for call in alice_phone] == ["Now available"]
    data = alice_phone[0].data
    assert data["message"] == "Dune: Part Two (2024) is ready to watch."
    assert data["data"]["image"] == "https://image.tmdb.org/t/p/w500/poster.jpg"
    assert data["data"]["url"] == WATCH_URL
    assert data["data"]["actions"] == [{"action": "URI", "title": "Watch now", "uri": WATCH_URL}]
    assert family_tablet == []


async def test_unlisted_requesters_go_to_anyone_else_and_other_stages_to_nobody(
    hass: HomeAssistant, alice_phone: list[ServiceCall], family_tablet: list[ServiceCall]
) -> None:
    """Bob is not listed: the fallback is told. A move to another stage tells nobody."""
    await _automation(hass, requesters={"alice": "notify.mobile_app_alice"}, anyone_else="notify.family_tablet")
    hass.bus.async_fire(STAGE_CHANGED, _available("bob", jellyfin_url=None, poster=None))
    hass.bus.async_fire(STAGE_CHANGED, {**_available("alice"), "to_stage": "downloading"})
    await hass.async_block_till_done()

    assert alice_phone == []
    assert len(family_tablet) == 1
    assert family_tablet[0].data["data"] == {}


async def test_without_a_fallback_unlisted_requesters_are_not_told(
    hass: HomeAssistant, alice_phone: list[ServiceCall]
) -> None:
    """No fallback action: a request nobody listed asked for sends nothing (and raises nothing)."""
    await _automation(hass, requesters={"alice": "notify.mobile_app_alice"})
    hass.bus.async_fire(STAGE_CHANGED, _available(None))
    await hass.async_block_till_done()
    assert alice_phone == []


async def test_new_episodes_are_announced_only_when_asked_and_not_twice(
    hass: HomeAssistant, alice_phone: list[ServiceCall]
) -> None:
    """Episode imports notify when the option is on; the import that completes the series is left to "available"."""
    await _automation(hass, requesters={"alice": "notify.mobile_app_alice"}, new_episodes=True)
    hass.bus.async_fire(EPISODES_AVAILABLE, _episodes(completes_request=False))
    hass.bus.async_fire(EPISODES_AVAILABLE, _episodes(completes_request=True))
    await hass.async_block_till_done()

    assert len(alice_phone) == 1
    assert alice_phone[0].data["title"] == "New episodes"
    assert alice_phone[0].data["message"] == "2 new episodes of Frieren (2023): S01E05, S01E06"


async def test_new_episodes_are_quiet_by_default(hass: HomeAssistant, alice_phone: list[ServiceCall]) -> None:
    """With the option off (the default), episode imports send nothing."""
    await _automation(hass, requesters={"alice": "notify.mobile_app_alice"})
    hass.bus.async_fire(EPISODES_AVAILABLE, _episodes(completes_request=False))
    await hass.async_block_till_done()
    assert alice_phone == []
