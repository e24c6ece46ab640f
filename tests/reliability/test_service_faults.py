"""Every polled service failing mid-lifecycle, each way a service fails: the integration stays up, marks the service,
recovers when it is back, and loses nothing it tracks.

A request is tracked (Radarr's grab webhook, then a poll of every service) before the service fails; the states of
every request sensor then must not change while it fails, nor after it recovered.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState, ConfigSubentry
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.media_request_tracker.const import DOMAIN
from simulator import payloads
from simulator.arr import SimulatedArr, queue_record
from simulator.jellyfin import SimulatedJellyfin, library_item
from simulator.qbittorrent import SimulatedQBittorrent
from simulator.seerr import SimulatedSeerr

from ..e2e.conftest import add_service, arr_input
from ..e2e.test_polling import (
    EVERY_POLL,
    FILM,
    HASH,
    MOVIE,
    RELEASE,
    SIZE,
    add_polled,
    advance,
    connectivity,
    request_states,
    stage,
    torrent,
)
from .conftest import assert_no_secret_in, integration_log

KINDS = ("seerr", "radarr", "sonarr", "qbittorrent", "jellyfin")
FAULTS = ("refused", "500", "malformed", "shape")
"""A service that never answers is tested where time is not frozen (tests/sources, tests/e2e/test_shoko.py): here
the frozen clock can leave a hanging answer, and the simulator's shutdown waiting for it, stuck."""


@pytest.fixture
def simulators(
    radarr: SimulatedArr,
    sonarr: SimulatedArr,
    seerr: SimulatedSeerr,
    jellyfin: SimulatedJellyfin,
    qbittorrent: SimulatedQBittorrent,
) -> dict[str, Any]:
    """Every polled service, simulated, by kind."""
    return {"radarr": radarr, "sonarr": sonarr, "seerr": seerr, "jellyfin": jellyfin, "qbittorrent": qbittorrent}


async def tracked_film(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, tracker: MockConfigEntry, kind: str, services: dict[str, Any]
) -> ConfigSubentry:
    """Radarr and the service under test added, the film grabbed, every service polled; the service's subentry."""
    radarr: SimulatedArr = services["radarr"]
    radarr_entry = await add_service(hass, tracker, "radarr", arr_input(radarr))
    subentry = radarr_entry if kind == "radarr" else await add_polled(hass, tracker, kind, services[kind])
    await radarr.send(payloads.radarr_grab(MOVIE, download_id=HASH, release_title=RELEASE))
    await hass.async_block_till_done(wait_background_tasks=True)
    await advance(hass, freezer, EVERY_POLL)
    assert stage(hass, FILM) == "grabbing"
    assert connectivity(hass, subentry) == STATE_ON
    return subentry


STALL_ATTRIBUTES = frozenset({"stalled", "stalled_reason"})
"""Time passes while a service fails: a request may stall meanwhile, which is not a loss."""


def snapshot(hass: HomeAssistant) -> dict[str, tuple[str, dict[str, Any]]]:
    """Every request sensor's state and attributes (but whether it stalled)."""
    return {
        state.entity_id: (state.state, {k: v for k, v in state.attributes.items() if k not in STALL_ATTRIBUTES})
        for state in request_states(hass)
    }


def unhandled(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Log records that carry a traceback, or come from Home Assistant's handler of uncaught errors."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.exc_info is not None or (record.levelno >= logging.ERROR and "Error doing job" in record.getMessage())
    ]


async def advance_while_hanging(hass: HomeAssistant, freezer: FrozenDateTimeFactory, duration: timedelta) -> None:
    """Let time pass while a service never answers: polls are not waited for (they wait on the clock to time out)."""
    for _ in range(int(duration.total_seconds())):
        freezer.tick(timedelta(seconds=1))
        async_fire_time_changed(hass)
        for _ in range(3):
            await asyncio.sleep(0)


async def fail(service: Any, fault: str) -> None:
    if fault == "refused":
        await service.down()
    else:
        service.fault = "hang" if fault == "timeout" else fault


async def mend(service: Any, fault: str) -> None:
    if fault == "refused":
        await service.up()
    service.fault = None


@pytest.mark.usefixtures("short_request_timeout")
@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("kind", KINDS)
async def test_a_failing_service_is_marked_then_recovers_and_nothing_tracked_is_lost(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    tracker: MockConfigEntry,
    simulators: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    kind: str,
    fault: str,
) -> None:
    subentry = await tracked_film(hass, freezer, tracker, kind, simulators)
    before = snapshot(hass)

    await fail(simulators[kind], fault)
    if fault == "timeout":
        await advance_while_hanging(hass, freezer, EVERY_POLL * 2)
    else:
        await advance(hass, freezer, EVERY_POLL * 2)
    assert tracker.state is ConfigEntryState.LOADED
    assert connectivity(hass, subentry) == STATE_OFF, f"{kind} answering {fault} is shown as unreachable"
    assert snapshot(hass) == before, "nothing tracked changes while a service fails"

    await mend(simulators[kind], fault)
    await advance(hass, freezer, EVERY_POLL)
    assert connectivity(hass, subentry) == STATE_ON
    assert snapshot(hass) == before
    assert unhandled(caplog) == []
    assert_no_secret_in(hass, "the integration's log", integration_log(caplog))
    for state in hass.states.async_all():
        assert_no_secret_in(hass, f"{state.entity_id}'s attributes", str(state.attributes))


def rotate_credentials(kind: str, service: Any) -> dict[str, str]:
    """The service stops accepting what the integration holds; what the user types to fix it."""
    if kind == "qbittorrent":
        service.password = "a-new-password"
        service.expire_sessions()
        return {"username": service.username, "password": service.password}
    service.api_key = f"rotated-{kind}-key"
    return {"api_key": service.api_key}


@pytest.mark.parametrize("kind", KINDS)
async def test_rejected_credentials_mid_lifecycle_ask_for_reauth_and_lose_nothing(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    tracker: MockConfigEntry,
    simulators: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    kind: str,
) -> None:
    subentry = await tracked_film(hass, freezer, tracker, kind, simulators)
    before = snapshot(hass)

    credentials = rotate_credentials(kind, simulators[kind])
    await advance(hass, freezer, EVERY_POLL * 2)
    [flow] = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert flow["context"]["source"] == SOURCE_REAUTH
    assert connectivity(hass, subentry) == STATE_OFF
    assert snapshot(hass) == before

    await hass.config_entries.flow.async_configure(flow["flow_id"])
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], credentials)
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done(wait_background_tasks=True)
    await advance(hass, freezer, EVERY_POLL)
    assert connectivity(hass, tracker.subentries[subentry.subentry_id]) == STATE_ON
    assert snapshot(hass) == before
    assert unhandled(caplog) == []
    assert_no_secret_in(hass, "the integration's log", integration_log(caplog))
    for state in hass.states.async_all():
        assert_no_secret_in(hass, f"{state.entity_id}'s attributes", str(state.attributes))


# --- one bad record in a good page ---------------------------------------------------------------------------

BAD_RECORDS: list[Any] = [None, "a string", 42, [], {}, {"id": "not a number", "downloadId": {"nested": True}}]


WITH_BAD = pytest.mark.parametrize("with_bad", [False, True], ids=["good page", "one bad record"])


@WITH_BAD
async def test_a_bad_queue_record_costs_radarr_none_of_the_good_ones(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    tracker: MockConfigEntry,
    simulators: dict[str, Any],
    with_bad: bool,
) -> None:
    radarr: SimulatedArr = simulators["radarr"]
    subentry = await tracked_film(hass, freezer, tracker, "radarr", simulators)
    good = queue_record(record_id=1, download_id=HASH, title=RELEASE, size=SIZE, movie=MOVIE, size_left=SIZE // 2)
    radarr.set_queue([good])
    radarr.bad_records = BAD_RECORDS if with_bad else []
    await advance(hass, freezer, EVERY_POLL)
    assert stage(hass, FILM) == "downloading"
    assert connectivity(hass, subentry) == STATE_ON


@WITH_BAD
async def test_a_bad_torrent_row_costs_qbittorrent_none_of_the_good_ones(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    tracker: MockConfigEntry,
    simulators: dict[str, Any],
    with_bad: bool,
) -> None:
    qbittorrent: SimulatedQBittorrent = simulators["qbittorrent"]
    subentry = await tracked_film(hass, freezer, tracker, "qbittorrent", simulators)
    bad = {"hash": "0" * 40, "progress": "half", "state": {"nested": True}, "size": "big"}
    qbittorrent.set_torrents([torrent(0.5, dlspeed=1000, eta=60)])
    qbittorrent.bad_records = [bad, *BAD_RECORDS] if with_bad else []
    await advance(hass, freezer, EVERY_POLL)
    assert stage(hass, FILM) == "downloading"
    assert hass.states.get(FILM).attributes["progress"] == 50  # type: ignore[union-attr]
    assert connectivity(hass, subentry) == STATE_ON


@WITH_BAD
async def test_a_bad_library_item_costs_jellyfin_none_of_the_good_ones(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    tracker: MockConfigEntry,
    simulators: dict[str, Any],
    with_bad: bool,
) -> None:
    jellyfin: SimulatedJellyfin = simulators["jellyfin"]
    radarr: SimulatedArr = simulators["radarr"]
    subentry = await tracked_film(hass, freezer, tracker, "jellyfin", simulators)
    path = f"/data/media/movies/The Film (1999)/{RELEASE}.mkv"
    await radarr.send(payloads.radarr_download(MOVIE, download_id=HASH, file_path=path, release_title=RELEASE))
    await hass.async_block_till_done(wait_background_tasks=True)
    good = library_item(
        item_id=payloads.jellyfin_id("movie:The Film"),
        name="The Film",
        item_type="Movie",
        year=1999,
        path=path,
        provider_ids={"Tmdb": "603", "Imdb": "tt0133093"},
    )
    jellyfin.set_items([good])
    jellyfin.bad_records = (
        [{"Id": "bad", "Type": {"nested": True}, "ProviderIds": "none"}, *BAD_RECORDS] if with_bad else []
    )
    await advance(hass, freezer, EVERY_POLL + timedelta(minutes=5))
    assert stage(hass, FILM) == "available"
    assert connectivity(hass, subentry) == STATE_ON
