"""The actions that act upstream, against simulated Seerr, Radarr and Jellyfin over loopback HTTP."""

from __future__ import annotations

from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, MockUser

from custom_components.media_request_tracker.const import DOMAIN
from custom_components.media_request_tracker.tracker import RequestCreated, make_ids
from custom_components.media_request_tracker.tracker.evidence import MediaInfo, MediaType
from simulator import payloads
from simulator.arr import SimulatedArr, queue_record
from simulator.jellyfin import SimulatedJellyfin
from simulator.seerr import SimulatedSeerr, request_record

from .conftest import add_service, arr_input, jellyfin_input, seerr_input

FILM = "sensor.media_request_tracker_the_film_1999"
MOVIE = payloads.radarr_movie(movie_id=11, title="The Film", year=1999, tmdb_id=603, imdb_id="tt0133093")
HASH = payloads.torrent_hash("the film")


@pytest.fixture
async def stack(
    hass: HomeAssistant,
    tracker: MockConfigEntry,
    seerr: SimulatedSeerr,
    radarr: SimulatedArr,
    jellyfin: SimulatedJellyfin,
) -> dict[str, ConfigSubentry]:
    """Seerr (its webhook agent taken over), Radarr and Jellyfin added through the UI."""
    return {
        "seerr": await add_service(hass, tracker, "seerr", seerr_input(seerr), configure_webhook=True),
        "radarr": await add_service(hass, tracker, "radarr", arr_input(radarr)),
        "jellyfin": await add_service(hass, tracker, "jellyfin", jellyfin_input(jellyfin)),
    }


async def call(hass: HomeAssistant, action: str, context: Context | None = None, **data: object) -> None:
    await hass.services.async_call(DOMAIN, action, data, blocking=True, context=context)
    await hass.async_block_till_done(wait_background_tasks=True)


def details(hass: HomeAssistant, entity_id: str = FILM) -> list[str]:
    return [step["detail"] for step in hass.states.get(entity_id).attributes["timeline"]]


async def pending_film(hass: HomeAssistant, seerr: SimulatedSeerr, *, status: int = 1) -> None:
    """Someone asked for The Film in Seerr; it waits for approval (status 1) unless told otherwise."""
    seerr.add_request(request_record(request_id=7, media_type="movie", tmdb_id=603, status=status))
    assert await seerr.notify("MEDIA_PENDING", 7, title="The Film", year=1999), seerr.last_error
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(FILM).state == "requested"


async def searching_film(hass: HomeAssistant, seerr: SimulatedSeerr, radarr: SimulatedArr) -> None:
    """Approved in Seerr; Radarr has the movie (no file yet) and told the tracker it added it."""
    seerr.add_request(request_record(request_id=7, media_type="movie", tmdb_id=603))
    assert await seerr.notify("MEDIA_AUTO_APPROVED", 7, title="The Film", year=1999), seerr.last_error
    radarr.add_movie(MOVIE, has_file=False)
    await radarr.send(payloads.radarr_movie_added(MOVIE))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(FILM).state == "searching"


# --- approve and decline ------------------------------------------------------------------------------------


async def test_approve_a_pending_request(
    hass: HomeAssistant, stack: dict, seerr: SimulatedSeerr, hass_admin_user: MockUser
) -> None:
    await pending_film(hass, seerr)
    await call(hass, "approve", Context(user_id=hass_admin_user.id), entity_id=FILM)
    assert seerr.moderated == [(7, "approve")]
    assert hass.states.get(FILM).state == "approved", "Seerr's answer moved the request at once"
    assert details(hass)[-1] == f"approved by {hass_admin_user.name}"


async def test_decline_with_a_reason(hass: HomeAssistant, stack: dict, seerr: SimulatedSeerr) -> None:
    await pending_film(hass, seerr)
    await call(hass, "decline", entity_id=FILM, reason="we have it on disc")
    assert seerr.moderated == [(7, "decline")]
    assert hass.states.get(FILM).state == "declined"
    assert details(hass)[-1] == "declined in Home Assistant: we have it on disc"


async def test_a_request_no_longer_pending_is_refused_before_anything_is_sent(
    hass: HomeAssistant, stack: dict, seerr: SimulatedSeerr
) -> None:
    await pending_film(hass, seerr)
    seerr.requests[7]["status"] = 2  # approved in Seerr's own UI meanwhile; no webhook told the tracker yet
    with pytest.raises(ServiceValidationError) as raised:
        await call(hass, "approve", entity_id=FILM)
    assert raised.value.translation_key == "not_pending"
    assert raised.value.translation_placeholders["status"] == "approved"
    assert seerr.moderated == []


async def test_a_request_seerr_does_not_hold_cannot_be_approved(
    hass: HomeAssistant, stack: dict, radarr: SimulatedArr
) -> None:
    await radarr.send(payloads.radarr_grab(MOVIE, download_id=HASH, release_title="The.Film.1999.1080p"))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(FILM).state == "grabbing", "a grab nobody requested in Seerr"
    with pytest.raises(ServiceValidationError) as raised:
        await call(hass, "approve", entity_id=FILM)
    assert raised.value.translation_key == "not_a_seerr_request"


async def test_a_request_of_a_seerr_no_longer_set_up_is_refused(hass: HomeAssistant, stack: dict) -> None:
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    media = MediaInfo(title="The Film", year=1999, media_type=MediaType.MOVIE)
    ids = make_ids(seerr_request=7, seerr_instance="a-removed-seerr", tmdb=603, media_type="movie")
    entry.runtime_data.hub.ingest([RequestCreated(source="a-removed-seerr", at=1, ids=ids, media=media)])
    await hass.async_block_till_done()
    with pytest.raises(ServiceValidationError) as raised:
        await call(hass, "decline", entity_id=FILM)
    assert raised.value.translation_key == "service_not_running"


async def test_seerr_down_is_an_error_and_a_timeline_line(
    hass: HomeAssistant, stack: dict, seerr: SimulatedSeerr
) -> None:
    await pending_film(hass, seerr)
    await seerr.stop()
    with pytest.raises(HomeAssistantError) as raised:
        await call(hass, "approve", entity_id=FILM)
    assert not isinstance(raised.value, ServiceValidationError)
    assert raised.value.translation_key == "upstream_failed"
    assert details(hass)[-1].startswith("approving failed: Seerr answered ")
    assert hass.states.get(FILM).state == "requested"


# --- search again -------------------------------------------------------------------------------------------


async def test_search_again_sends_radarr_a_search(
    hass: HomeAssistant, stack: dict, seerr: SimulatedSeerr, radarr: SimulatedArr
) -> None:
    await searching_film(hass, seerr, radarr)
    await call(hass, "search_again", entity_id=FILM)
    assert [(command["name"], command["body"]["movieIds"]) for command in radarr.commands] == [("MoviesSearch", [11])]
    assert details(hass)[-1] == "asked Radarr to search again"


async def test_search_again_sends_nothing_for_a_movie_in_the_queue(
    hass: HomeAssistant, stack: dict, seerr: SimulatedSeerr, radarr: SimulatedArr
) -> None:
    await searching_film(hass, seerr, radarr)
    radarr.set_queue([queue_record(record_id=1, download_id=HASH, title="The.Film.1999.1080p", movie=MOVIE)])
    await call(hass, "search_again", entity_id=FILM)
    assert radarr.commands == []
    assert details(hass)[-1] == "no search sent to Radarr: it is downloading it already"


async def test_search_again_for_a_request_without_radarr_is_refused(
    hass: HomeAssistant, stack: dict, seerr: SimulatedSeerr, radarr: SimulatedArr
) -> None:
    await pending_film(hass, seerr)
    with pytest.raises(ServiceValidationError) as raised:
        await call(hass, "search_again", entity_id=FILM)
    assert raised.value.translation_key == "cannot_search"
    assert radarr.commands == []


# --- refresh and get_requests -------------------------------------------------------------------------------


async def test_refresh_polls_now(hass: HomeAssistant, stack: dict, seerr: SimulatedSeerr) -> None:
    """A request made while nobody polled shows up at once (Seerr's next scheduled poll is minutes away)."""
    seerr.add_request(request_record(request_id=12, media_type="movie", tmdb_id=606, status=1))
    seerr.requests[12]["updatedAt"] = "2099-01-01T00:00:00.000Z"
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    before = len(entry.runtime_data.hub.tracker.requests)
    await call(hass, "refresh")
    assert len(entry.runtime_data.hub.tracker.requests) == before + 1


async def test_refresh_without_a_tracker_is_refused(hass: HomeAssistant, tracker: MockConfigEntry) -> None:
    await hass.config_entries.async_unload(tracker.entry_id)
    with pytest.raises(ServiceValidationError) as raised:
        await call(hass, "refresh")
    assert raised.value.translation_key == "not_loaded"
