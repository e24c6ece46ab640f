"""Fix flows of stalled requests, run through Home Assistant's repairs flow manager against the simulators:
scan the Jellyfin library, ask Shoko to rescan a file, search again.

The Shoko stack's fixtures are imported from its tests, so the tests' parameters name them again.
"""
# ruff: noqa: F811

from __future__ import annotations

import time
from typing import Any

from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir

from custom_components.media_request_tracker.const import DOMAIN
from custom_components.media_request_tracker.hub import TrackerHub
from custom_components.media_request_tracker.tracker import RequestApproved, RequestCreated, make_ids
from custom_components.media_request_tracker.tracker.evidence import MediaInfo, MediaType
from simulator import payloads
from simulator.arr import SimulatedArr
from simulator.jellyfin import SERVER_ID, SimulatedJellyfin, library_item
from simulator.shoko import SimulatedShoko

from .test_shoko import (  # noqa: F401  # fixtures of the Shoko stack
    MOVIE_PATH,
    MOVIE_SENSOR,
    add_movie_file,
    fast_reconnect,
    import_movie,
    push,
    settle,
    shoko,
    stack,
)

FILM = "sensor.media_request_tracker_the_film_1999"
FILM_MOVIE = payloads.radarr_movie(movie_id=11, title="The Film", year=1999, tmdb_id=603)
MONTH = 30 * 86400


def hub_of(hass: HomeAssistant) -> TrackerHub:
    return hass.config_entries.async_entries(DOMAIN)[0].runtime_data.hub


def stall_everything(hass: HomeAssistant) -> None:
    """A month passes without progress: every unfinished request is stalled."""
    hub = hub_of(hass)
    hub.publish(hub.tracker.check_stalls(time.time() + MONTH, hub.stall_policy))


def stalled_issue(hass: HomeAssistant, entity_id: str) -> ir.IssueEntry:
    hub = hub_of(hass)
    key = next(key for key in hub.tracker.requests if hub.entity_id(key) == entity_id)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"stalled_{key}")
    assert issue is not None
    return issue


async def fix(hass: HomeAssistant, issue: ir.IssueEntry) -> tuple[dict[str, Any], dict[str, Any]]:
    """Open the issue's fix flow (the confirmation) and submit it: both results."""
    manager = repairs_flow_manager(hass)
    assert manager is not None
    shown = await manager.async_init(DOMAIN, data={"issue_id": issue.issue_id})
    if shown["type"] is not FlowResultType.FORM:
        return dict(shown), dict(shown)
    done = await manager.async_configure(shown["flow_id"], {})
    await settle(hass)
    return dict(shown), dict(done)


def last_detail(hass: HomeAssistant, entity_id: str) -> str:
    return str(hass.states.get(entity_id).attributes["timeline"][-1]["detail"])


async def test_scan_the_jellyfin_library(
    hass: HomeAssistant, stack: dict[str, ConfigSubentry], radarr: SimulatedArr, jellyfin: SimulatedJellyfin
) -> None:
    """Imported, not listed: the fix scans Jellyfin's library, and the next poll finds the film, with its link."""
    await import_movie(hass, radarr)
    jellyfin.add_unscanned_item(
        library_item(
            item_id="5a1f0c2e9d8b4e7fa6c3b2d1e0f9a8b7",
            name="Skyward Tide",
            item_type="Movie",
            provider_ids={"Tmdb": "552"},
            path=MOVIE_PATH,
            year=2021,
        )
    )
    stall_everything(hass)
    issue = stalled_issue(hass, MOVIE_SENSOR)
    assert issue.is_fixable
    assert issue.translation_key == "stalled_not_in_library"

    shown, done = await fix(hass, issue)
    assert (shown["step_id"], shown["description_placeholders"]["service"]) == ("confirm", "Jellyfin")
    assert done["type"] is FlowResultType.CREATE_ENTRY
    assert jellyfin.scans_run == 1
    assert last_detail(hass, MOVIE_SENSOR) == "asked Jellyfin to scan the library"

    await hass.services.async_call(DOMAIN, "refresh", {}, blocking=True)
    await settle(hass)
    state = hass.states.get(MOVIE_SENSOR)
    assert state.state == "available"
    assert state.attributes["jellyfin_url"] == (
        f"{jellyfin.url}/web/#/details?id=5a1f0c2e9d8b4e7fa6c3b2d1e0f9a8b7&serverId={SERVER_ID}"
    )


async def test_ask_shoko_to_rescan_the_file(
    hass: HomeAssistant, stack: dict[str, ConfigSubentry], radarr: SimulatedArr, shoko: SimulatedShoko
) -> None:
    await import_movie(hass, radarr)
    add_movie_file(shoko, matched=False)
    await push(hass, shoko, "FileHashed", shoko.file_event(5120))
    assert hass.states.get(MOVIE_SENSOR).state == "anime_matching"
    stall_everything(hass)
    issue = stalled_issue(hass, MOVIE_SENSOR)
    assert (issue.is_fixable, issue.translation_key) == (True, "stalled_not_matched")

    shown, done = await fix(hass, issue)
    assert shown["description_placeholders"]["service"] == "Shoko"
    assert done["type"] is FlowResultType.CREATE_ENTRY
    assert shoko.rescans == [(5120, True)]
    assert last_detail(hass, MOVIE_SENSOR) == "asked Shoko to rescan the file"


async def test_search_again(hass: HomeAssistant, stack: dict[str, ConfigSubentry], radarr: SimulatedArr) -> None:
    await searching(hass, radarr)
    stall_everything(hass)
    issue = stalled_issue(hass, FILM)
    assert (issue.is_fixable, issue.translation_key) == (True, "stalled_not_searched")

    shown, done = await fix(hass, issue)
    assert shown["description_placeholders"]["service"] == "Radarr"
    assert done["type"] is FlowResultType.CREATE_ENTRY
    assert [command["name"] for command in radarr.commands] == ["MoviesSearch"]
    assert last_detail(hass, FILM) == "asked Radarr to search again"


async def test_a_service_that_fails_aborts_and_says_so(
    hass: HomeAssistant, stack: dict[str, ConfigSubentry], radarr: SimulatedArr, jellyfin: SimulatedJellyfin
) -> None:
    await import_movie(hass, radarr)
    stall_everything(hass)
    issue = stalled_issue(hass, MOVIE_SENSOR)
    await jellyfin.stop()

    _shown, done = await fix(hass, issue)
    assert (done["type"], done["reason"]) == (FlowResultType.ABORT, "failed")
    assert "Jellyfin" in done["description_placeholders"]["error"]
    assert last_detail(hass, MOVIE_SENSOR).startswith("the library scan failed: Jellyfin answered ")
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue.issue_id) is not None, "the issue stays"


async def test_a_request_that_moves_on_while_the_fix_is_open_has_nothing_to_fix(
    hass: HomeAssistant, stack: dict[str, ConfigSubentry], radarr: SimulatedArr
) -> None:
    await searching(hass, radarr)
    stall_everything(hass)
    issue = stalled_issue(hass, FILM)
    manager = repairs_flow_manager(hass)
    assert manager is not None
    shown = await manager.async_init(DOMAIN, data={"issue_id": issue.issue_id})
    assert shown["type"] is FlowResultType.FORM

    await radarr.send(payloads.radarr_grab(FILM_MOVIE, download_id=payloads.torrent_hash("f"), release_title="F"))
    await settle(hass)
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue.issue_id) is None, "moving on cleared the issue"
    done = await manager.async_configure(shown["flow_id"], {})
    assert (done["type"], done["reason"]) == (FlowResultType.ABORT, "not_stalled")
    assert radarr.commands == []


async def test_stalls_without_a_remedy_are_not_fixable(
    hass: HomeAssistant, stack: dict[str, ConfigSubentry], radarr: SimulatedArr
) -> None:
    """Grabbed, and the download never started: nothing the tracker can run, so no fix is offered."""
    await radarr.send(payloads.radarr_grab(FILM_MOVIE, download_id=payloads.torrent_hash("f"), release_title="F"))
    await settle(hass)
    stall_everything(hass)
    issue = stalled_issue(hass, FILM)
    assert (issue.is_fixable, issue.data) == (False, None)


async def searching(hass: HomeAssistant, radarr: SimulatedArr) -> None:
    """An approved request Radarr has added and searches for (without a file)."""
    media = MediaInfo(title="The Film", year=1999, media_type=MediaType.MOVIE)
    ids = make_ids(seerr_request=7, seerr_instance="seerr", tmdb=603, media_type="movie")
    hub_of(hass).ingest(
        [
            RequestCreated(source="seerr", at=time.time(), ids=ids, media=media),
            RequestApproved(source="seerr", at=time.time(), ids=ids, media=media),
        ]
    )
    radarr.add_movie(FILM_MOVIE, has_file=False)
    await radarr.send(payloads.radarr_movie_added(FILM_MOVIE))
    await settle(hass)
    assert hass.states.get(FILM).state == "searching"
