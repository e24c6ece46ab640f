"""The notify blueprint on a real lifecycle: Seerr, Radarr and Jellyfin post their webhooks over loopback, the
integration fires its events, and the requester's phone is told, with the poster and the watch link."""

from __future__ import annotations

from pathlib import Path
import shutil

from homeassistant.components.automation import DOMAIN as AUTOMATION_DOMAIN
from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_mock_service

from simulator import payloads
from simulator.arr import SimulatedArr
from simulator.jellyfin import SERVER_ID, SimulatedJellyfin
from simulator.seerr import SimulatedSeerr, request_record
from tests.conftest import PROJECT_ROOT

from .conftest import add_service, arr_input, jellyfin_input, seerr_input
from .test_webhooks import FILM, FILM_PATH, HASH, MOVIE, post, state

BLUEPRINT = PROJECT_ROOT / "blueprints/automation/media_request_tracker/notify_requester.yaml"
ITEM_ID = "0f3c6a1e-8b2d-4c5e-9a7f-1d2e3f4a5b6c"


@pytest.fixture
async def stack(
    hass: HomeAssistant,
    tracker: MockConfigEntry,
    seerr: SimulatedSeerr,
    radarr: SimulatedArr,
    jellyfin: SimulatedJellyfin,
) -> dict[str, ConfigSubentry]:
    return {
        "seerr": await add_service(hass, tracker, "seerr", seerr_input(seerr), configure_webhook=True),
        "radarr": await add_service(hass, tracker, "radarr", arr_input(radarr)),
        "jellyfin": await add_service(hass, tracker, "jellyfin", jellyfin_input(jellyfin)),
    }


async def notify_requester(hass: HomeAssistant) -> list[ServiceCall]:
    """The blueprint installed as a person would, telling the requester's phone."""
    target = Path(hass.config.path("blueprints/automation/media_request_tracker/notify_requester.yaml"))
    target.parent.mkdir(parents=True, exist_ok=True)
    await hass.async_add_executor_job(shutil.copyfile, BLUEPRINT, target)
    phone = async_mock_service(hass, "notify", "mobile_app_requester")
    config = {
        AUTOMATION_DOMAIN: {
            "alias": "Tell the requester",
            "use_blueprint": {
                "path": "media_request_tracker/notify_requester.yaml",
                "input": {"requesters": {"requester": "notify.mobile_app_requester"}},
            },
        }
    }
    assert await async_setup_component(hass, AUTOMATION_DOMAIN, config)
    await hass.async_block_till_done()
    return phone


async def test_the_requester_is_told_with_the_poster_and_a_watch_link(
    hass: HomeAssistant,
    ha_url: str,
    stack: dict[str, ConfigSubentry],
    seerr: SimulatedSeerr,
    radarr: SimulatedArr,
    jellyfin: SimulatedJellyfin,
) -> None:
    phone = await notify_requester(hass)
    seerr.add_request(request_record(request_id=7, media_type="movie", tmdb_id=603, status=1))
    assert await seerr.notify("MEDIA_PENDING", 7, title="The Film", year=1999, poster_path="/film.jpg")
    assert await seerr.notify("MEDIA_APPROVED", 7, title="The Film", year=1999, poster_path="/film.jpg")
    await radarr.send(payloads.radarr_grab(MOVIE, download_id=HASH, release_title="The.Film.1999.1080p"))
    await radarr.send(
        payloads.radarr_download(MOVIE, download_id=HASH, file_path=FILM_PATH, release_title="The.Film.1999.1080p")
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert state(hass, FILM) == "importing"
    assert phone == [], "nobody is told before it is available"

    item = payloads.jellyfin_movie_added(
        name="The Film", year=1999, path=FILM_PATH, provider_ids={"Tmdb": "603"}, item_id=ITEM_ID
    )
    assert await post(hass, ha_url, stack["jellyfin"], item) == 200
    await hass.async_block_till_done(wait_background_tasks=True)

    assert state(hass, FILM) == "available"
    watch = f"{jellyfin.url}/web/#/details?id={ITEM_ID.replace('-', '')}&serverId={SERVER_ID}"
    assert hass.states.get(FILM).attributes["jellyfin_url"] == watch
    assert len(phone) == 1
    message = phone[0].data
    assert (message["title"], message["message"]) == ("Now available", "The Film (1999) is ready to watch.")
    assert message["data"]["image"] == "https://image.tmdb.org/t/p/w600_and_h900_bestv2/film.jpg"
    assert message["data"]["url"] == watch
    assert message["data"]["actions"] == [{"action": "URI", "title": "Watch now", "uri": watch}]
