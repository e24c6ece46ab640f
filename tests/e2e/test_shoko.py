"""Anime through Shoko, end to end: the real pysignalr client in Home Assistant against the simulated Shoko hub.

Radarr/Sonarr import through their webhooks, Shoko reports over SignalR (and its REST API after an outage), and
Jellyfin's ItemAdded with Shokofin's ids makes the request available. What the hub sends is handled in the client's
own tasks, so the tests wait for its effects (`push`, `eventually`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
import functools
import logging
import time
from typing import Any

import aiohttp
from homeassistant.config_entries import SOURCE_REAUTH, ConfigSubentry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.media_request_tracker.const import DOMAIN
from custom_components.media_request_tracker.kinds import shoko as shoko_module
from custom_components.media_request_tracker.kinds.shoko import ShokoCoordinator
from custom_components.media_request_tracker.sources.http import JsonApi
from custom_components.media_request_tracker.sources.shoko.events import Backoff
from custom_components.media_request_tracker.tracker import IdKind, TrackedRequest
from simulator import payloads
from simulator.arr import SimulatedArr
from simulator.jellyfin import SimulatedJellyfin
from simulator.payloads import post_webhook
from simulator.shoko import V6_VERSION, RestFault, SimulatedShoko, cross_reference

from .conftest import add_service, arr_input, jellyfin_input

API_KEY = "7c1e4b9a-5d2f-4e8b-9a3c-1f6d2e8b4a70"
CAP = 0.2
"""The reconnection backoff's ceiling in these tests (seconds)."""
SHOKO_MOUNT = "/mnt/anime"
"""Where Shoko sees the library; Radarr and Sonarr see it at /data/anime."""

MOVIE = payloads.radarr_movie(
    movie_id=31, title="Skyward Tide", year=2021, tmdb_id=552, root="/data/anime/movies", tags=["anime"]
)
MOVIE_FILE = "Skyward.Tide.2021.1080p.BluRay.x265-AniGrp.mkv"
MOVIE_PATH = f"/data/anime/movies/Skyward Tide (2021)/{MOVIE_FILE}"
MOVIE_RELATIVE = f"movies/Skyward Tide (2021)/{MOVIE_FILE}"
MOVIE_SENSOR = "sensor.media_request_tracker_skyward_tide_2021"
MOVIE_HASH = payloads.torrent_hash("skyward tide")
MOVIE_SERIES, MOVIE_ANIME = 2210, 17720
SERIES = payloads.sonarr_series(
    series_id=41, title="Starfall Academy", year=2023, tvdb_id=420, series_type="anime", root="/data/anime"
)
SERIES_SENSOR = "sensor.media_request_tracker_starfall_academy_2023"
SERIES_SHOKO, SERIES_ANIME = 3300, 18800


# --- fixtures and helpers ------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def fast_reconnect(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reconnect within a fifth of a second, and give up waiting for the hub after a few seconds."""
    monkeypatch.setattr(shoko_module, "RECONNECT_INITIAL_SECONDS", 0.05)
    monkeypatch.setattr(shoko_module, "RECONNECT_MAX_SECONDS", CAP)
    monkeypatch.setattr(shoko_module, "HUB_CONNECT_WAIT", 5.0)


@pytest.fixture
async def shoko() -> AsyncIterator[SimulatedShoko]:
    """A simulated Shoko Server v5 with one import folder."""
    server = SimulatedShoko(api_key=API_KEY)
    server.set_import_folder(1, SHOKO_MOUNT, "Anime")
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def stack(
    hass: HomeAssistant,
    tracker: MockConfigEntry,
    radarr: SimulatedArr,
    sonarr: SimulatedArr,
    jellyfin: SimulatedJellyfin,
    shoko: SimulatedShoko,
) -> dict[str, ConfigSubentry]:
    """Radarr, Sonarr, Jellyfin and Shoko added through the UI; Shoko's hub connected."""
    added = {
        "radarr": await add_service(hass, tracker, "radarr", arr_input(radarr)),
        "sonarr": await add_service(hass, tracker, "sonarr", arr_input(sonarr)),
        "jellyfin": await add_service(hass, tracker, "jellyfin", jellyfin_input(jellyfin)),
        "shoko": await add_service(hass, tracker, "shoko", shoko_input(shoko)),
    }
    assert shoko.connected_clients == 1, "the first catch-up waited for the hub"
    return added


def shoko_input(server: SimulatedShoko, **changes: Any) -> dict[str, Any]:
    """What a user types to add the simulated Shoko (an API key, unless changed)."""
    return {"name": "Shoko", "url": server.url, "api_key": server.api_key, "verify_ssl": True, **changes}


async def add_shoko(hass: HomeAssistant, entry: MockConfigEntry, user_input: dict[str, Any]) -> ConfigSubentry:
    """Add Shoko through its subentry flow, as a user would, and wait for the entry to reload with it."""
    return await add_service(hass, entry, "shoko", user_input)


async def settle(hass: HomeAssistant) -> None:
    """Let Home Assistant finish its work, catch-ups included (the event stream is no background task)."""
    await hass.async_block_till_done(wait_background_tasks=True)


async def eventually(hass: HomeAssistant, predicate: Callable[[], bool], seconds: float = 5.0) -> None:
    """Wait until `predicate()` holds (what SignalR delivers is handled in tasks of the client)."""
    await until(predicate, seconds)
    await settle(hass)


async def until(predicate: Callable[[], bool], seconds: float = 5.0) -> None:
    """Wait until `predicate()` holds, without waiting for Home Assistant's tasks (a call may hang meanwhile)."""
    async with asyncio.timeout(seconds):
        while not predicate():  # noqa: ASYNC110 - the state belongs to the client's tasks; no event to wait on
            await asyncio.sleep(0.01)


async def push(hass: HomeAssistant, server: SimulatedShoko, event: str, payload: dict[str, Any]) -> None:
    """Broadcast one `ShokoEvent:<event>` and wait until the tracker recorded it."""
    recorded = len(signalr_lines(hass, event))
    assert await server.broadcast(f"ShokoEvent:{event}", payload) == 1
    await eventually(hass, lambda: len(signalr_lines(hass, event)) > recorded)


async def post(hass: HomeAssistant, ha_url: str, subentry: ConfigSubentry, body: dict[str, Any]) -> None:
    """POST a body to a service's Home Assistant webhook, as that service would."""
    async with aiohttp.ClientSession() as session:
        status = await post_webhook(session, f"{ha_url}/api/webhook/{subentry.data['webhook_id']}", body)
    assert status == 200
    await settle(hass)


def signalr_lines(hass: HomeAssistant, event: str) -> list[dict[str, Any]]:
    """The recorded invocations of one event (the trace diagnostics export)."""
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    return [line for line in entry.runtime_data.hub.trace()[1:] if line.get("event") == f"ShokoEvent:{event}"]


def state(hass: HomeAssistant, entity_id: str) -> str | None:
    found = hass.states.get(entity_id)
    return found.state if found else None


def timeline(hass: HomeAssistant, entity_id: str) -> list[tuple[str, bool]]:
    return [(step["stage"], step["inferred"]) for step in hass.states.get(entity_id).attributes["timeline"]]


def request(hass: HomeAssistant, title: str) -> TrackedRequest:
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    return next(r for r in entry.runtime_data.hub.tracker.requests.values() if r.title == title)


def coordinator(hass: HomeAssistant, subentry: ConfigSubentry) -> ShokoCoordinator:
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    found = entry.runtime_data.coordinators[subentry.subentry_id]
    assert isinstance(found, ShokoCoordinator)
    return found


def connectivity(hass: HomeAssistant, subentry: ConfigSubentry) -> str | None:
    entity_id = er.async_get(hass).async_get_entity_id("binary_sensor", DOMAIN, f"{subentry.subentry_id}-connectivity")
    assert entity_id is not None
    return state(hass, entity_id)


def issue(hass: HomeAssistant, subentry: ConfigSubentry, name: str) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"{subentry.subentry_id}_{name}")


def shokofin(series_id: int, anidb_id: int | None = None) -> dict[str, str]:
    """Provider ids of a Shokofin item (no TMDB id: Shokofin leaves it out by default)."""
    ids = {"Shoko Series": str(series_id)}
    if anidb_id is not None:
        ids["AniDB"] = str(anidb_id)
    return ids


def detected(relative_path: str) -> dict[str, Any]:
    """A FileDetected payload: the file is found, not hashed yet (so it has no id)."""
    return {"RelativePath": relative_path, "ImportFolderID": 1}


async def import_movie(hass: HomeAssistant, radarr: SimulatedArr) -> None:
    """Radarr grabs and imports the anime movie."""
    await radarr.send(payloads.radarr_grab(MOVIE, download_id=MOVIE_HASH, release_title="Skyward.Tide.2021"))
    await radarr.send(
        payloads.radarr_download(MOVIE, download_id=MOVIE_HASH, file_path=MOVIE_PATH, release_title="Skyward.Tide")
    )
    await settle(hass)
    assert state(hass, MOVIE_SENSOR) == "importing"
    assert hass.states.get(MOVIE_SENSOR).attributes["anime"] is True


def add_movie_file(server: SimulatedShoko, *, matched: bool) -> None:
    """Shoko's REST view of the movie's file, with its cross-reference once matched (a series of one episode)."""
    xrefs = [cross_reference(MOVIE_SERIES, MOVIE_ANIME, [(9001, 250001)])] if matched else []
    server.add_file(5120, size=4_000_000_000, locations=[(1, MOVIE_RELATIVE)], cross_references=xrefs)


def stream_tasks() -> list[asyncio.Task[Any]]:
    """Tasks of a Shoko event stream or of the pysignalr client under it, whatever they are doing."""
    found = []
    for task in asyncio.all_tasks():
        code = getattr(task.get_coro(), "cr_code", None)
        filename = code.co_filename if code else ""
        if task.get_name().startswith("Shoko") or any(
            part in filename for part in ("/pysignalr/", "/websockets/", "sources/shoko/events.py")
        ):
            found.append(task)
    return found


# --- lifecycles ----------------------------------------------------------------------------------------------


async def test_an_anime_movie_from_import_to_library(
    hass: HomeAssistant, ha_url: str, stack: dict[str, ConfigSubentry], radarr: SimulatedArr, shoko: SimulatedShoko
) -> None:
    await import_movie(hass, radarr)

    await push(hass, shoko, "FileDetected", detected(MOVIE_RELATIVE))
    assert state(hass, MOVIE_SENSOR) == "anime_matching"
    add_movie_file(shoko, matched=False)
    await push(hass, shoko, "FileHashed", shoko.file_event(5120))
    add_movie_file(shoko, matched=True)
    await push(hass, shoko, "FileMatched", shoko.file_event(5120))
    movie_updated = {"Source": "TMDB", "Reason": "Added", "MovieID": 552, "ShokoEpisodeIDs": [9001]}
    await push(hass, shoko, "MovieUpdated", {**movie_updated, "ShokoSeriesIDs": [MOVIE_SERIES]})
    assert state(hass, MOVIE_SENSOR) == "anime_matching"
    assert request(hass, "Skyward Tide").ids_of(IdKind.SHOKO_SERIES) == [str(MOVIE_SERIES)]

    # Shokofin's item carries only the Shoko series: the match taught the request that id.
    item = payloads.jellyfin_movie_added(
        name="Skyward Tide", year=2021, path="/vfs/Skyward Tide.mkv", provider_ids=shokofin(MOVIE_SERIES)
    )
    await post(hass, ha_url, stack["jellyfin"], item)
    assert state(hass, MOVIE_SENSOR) == "available"
    assert timeline(hass, MOVIE_SENSOR)[-3:] == [("importing", False), ("anime_matching", False), ("available", False)]
    assert connectivity(hass, stack["shoko"]) == "on"


async def test_an_anime_season_pack_from_import_to_library(
    hass: HomeAssistant, ha_url: str, stack: dict[str, ConfigSubentry], sonarr: SimulatedArr, shoko: SimulatedShoko
) -> None:
    episodes = payloads.sonarr_episodes(SERIES, 1, [1, 2, 3])
    pack = payloads.torrent_hash("starfall academy s01")
    await sonarr.send(payloads.sonarr_grab(SERIES, episodes, download_id=pack, release_title="Starfall.S01"))
    await sonarr.send(payloads.sonarr_import_complete(SERIES, episodes, download_id=pack, release_title="Starfall.S01"))
    await settle(hass)
    assert state(hass, SERIES_SENSOR) == "importing"

    for number, episode in enumerate(episodes, start=1):
        relative = payloads.episode_path(SERIES, episode).removeprefix("/data/anime/")
        xref = cross_reference(SERIES_SHOKO, SERIES_ANIME, [(9100 + number, 260000 + number)])
        shoko.add_file(6000 + number, size=500_000_000, locations=[(1, relative)], cross_references=[xref])
        await push(hass, shoko, "FileDetected", detected(relative))
        await push(hass, shoko, "FileMatched", shoko.file_event(6000 + number))
        # The pack is as far as its least advanced episode until Shoko has seen every file.
        expected = {"anime_matching": number, "importing": 3 - number} if number < 3 else {"anime_matching": 3}
        assert hass.states.get(SERIES_SENSOR).attributes["episodes"] == expected
    assert state(hass, SERIES_SENSOR) == "anime_matching"
    episode_updated = {"Source": "AniDB", "Reason": "Updated", "EpisodeID": 260001, "SeriesID": SERIES_ANIME}
    shoko_ids = {"ShokoEpisodeIDs": [9101], "ShokoSeriesIDs": [SERIES_SHOKO]}
    await push(hass, shoko, "EpisodeUpdated", {**episode_updated, **shoko_ids})

    item = payloads.jellyfin_series_added(
        name="Starfall Academy",
        year=2023,
        path="/vfs/Starfall Academy",
        provider_ids=shokofin(SERIES_SHOKO, SERIES_ANIME),
    )
    await post(hass, ha_url, stack["jellyfin"], item)
    assert state(hass, SERIES_SENSOR) == "available"
    assert hass.states.get(SERIES_SENSOR).attributes["episodes"] == {"available": 3}


async def test_a_movie_shoko_files_as_a_series_is_the_same_request(
    hass: HomeAssistant, ha_url: str, stack: dict[str, ConfigSubentry], radarr: SimulatedArr, shoko: SimulatedShoko
) -> None:
    await import_movie(hass, radarr)
    add_movie_file(shoko, matched=True)
    await push(hass, shoko, "FileMatched", shoko.file_event(5120))
    # Shoko announces the movie's metadata as an episode of a series, not with MovieUpdated.
    episode_updated = {"Source": "AniDB", "Reason": "Added", "EpisodeID": 250001, "SeriesID": MOVIE_ANIME}
    shoko_ids = {"ShokoEpisodeIDs": [9001], "ShokoSeriesIDs": [MOVIE_SERIES]}
    await push(hass, shoko, "EpisodeUpdated", {**episode_updated, **shoko_ids})
    assert state(hass, MOVIE_SENSOR) == "anime_matching"

    # A Shokofin shows library lists the movie as a series of its Shoko series.
    item = payloads.jellyfin_series_added(
        name="Skyward Tide", year=2021, path="/vfs/Skyward Tide", provider_ids=shokofin(MOVIE_SERIES, MOVIE_ANIME)
    )
    await post(hass, ha_url, stack["jellyfin"], item)
    assert state(hass, MOVIE_SENSOR) == "available"
    assert hass.states.get(MOVIE_SENSOR).attributes["media_type"] == "movie"
    requests = [s for s in hass.states.async_all("sensor") if "timeline" in s.attributes]
    assert [s.entity_id for s in requests] == [MOVIE_SENSOR], "no second request for the series"


async def test_not_matched_then_matched_by_hand(
    hass: HomeAssistant, ha_url: str, stack: dict[str, ConfigSubentry], radarr: SimulatedArr, shoko: SimulatedShoko
) -> None:
    await import_movie(hass, radarr)
    add_movie_file(shoko, matched=False)
    await push(hass, shoko, "FileHashed", shoko.file_event(5120))
    not_matched = shoko.file_event(5120, AutoMatchAttempts=3, HasCrossReferences=False, IsUDPBanned=False)
    await push(hass, shoko, "FileNotMatched", not_matched)
    assert state(hass, MOVIE_SENSOR) == "match_failed"
    last = hass.states.get(MOVIE_SENSOR).attributes["timeline"][-1]
    assert (last["stage"], last["detail"]) == (
        "match_failed",
        "Shoko could not match the file: no match after 3 attempts",
    )

    # Someone matches it by hand in Shoko.
    add_movie_file(shoko, matched=True)
    await push(hass, shoko, "FileMatched", shoko.file_event(5120))
    assert state(hass, MOVIE_SENSOR) == "anime_matching"

    item = payloads.jellyfin_movie_added(
        name="Skyward Tide", year=2021, path="/vfs/Skyward Tide.mkv", provider_ids=shokofin(MOVIE_SERIES, MOVIE_ANIME)
    )
    await post(hass, ha_url, stack["jellyfin"], item)
    assert state(hass, MOVIE_SENSOR) == "available"
    stages = [stage for stage, _inferred in timeline(hass, MOVIE_SENSOR)]
    assert stages[-4:] == ["anime_matching", "match_failed", "anime_matching", "available"]


async def test_a_udp_ban_is_the_reason_shown(
    hass: HomeAssistant, stack: dict[str, ConfigSubentry], radarr: SimulatedArr, shoko: SimulatedShoko
) -> None:
    await import_movie(hass, radarr)
    add_movie_file(shoko, matched=False)
    await push(hass, shoko, "FileNotMatched", shoko.file_event(5120, AutoMatchAttempts=1, IsUDPBanned=True))
    assert state(hass, MOVIE_SENSOR) == "match_failed"
    detail = hass.states.get(MOVIE_SENSOR).attributes["timeline"][-1]["detail"]
    assert detail == "Shoko could not match the file: AniDB ban (UDP)"


# --- the connection ------------------------------------------------------------------------------------------


async def test_hub_drop_mid_lifecycle_reconnects_and_catches_up(
    hass: HomeAssistant, ha_url: str, stack: dict[str, ConfigSubentry], radarr: SimulatedArr, shoko: SimulatedShoko
) -> None:
    subentry = stack["shoko"]
    await import_movie(hass, radarr)
    await push(hass, shoko, "FileDetected", detected(MOVIE_RELATIVE))
    assert state(hass, MOVIE_SENSOR) == "anime_matching"

    # The hub drops the connection and, for a while, does not take a new one.
    shoko.stall_negotiation()
    dropped = time.monotonic()
    assert await shoko.drop_connections() == 1
    await eventually(hass, lambda: shoko.negotiations_waiting == 1)
    assert time.monotonic() - dropped < CAP + 1.0, "the first retry comes within the backoff cap"
    assert connectivity(hass, subentry) == "off"

    # Meanwhile Shoko matches the file: the event reaches nobody.
    add_movie_file(shoko, matched=True)
    assert await shoko.broadcast("ShokoEvent:FileMatched", shoko.file_event(5120)) == 0

    shoko.release_negotiation()
    await shoko.wait_for_clients(1)
    await eventually(hass, lambda: connectivity(hass, subentry) == "on")
    # The catch-up asked the REST API about the waiting file: the lost match is known after all.
    assert request(hass, "Skyward Tide").ids_of(IdKind.SHOKO_SERIES) == [str(MOVIE_SERIES)]
    assert state(hass, MOVIE_SENSOR) == "anime_matching"
    assert len(set(shoko.connection_ids)) == 2
    assert shoko.connected_clients == 1

    # One handler per event after the reconnection, not two.
    await push(hass, shoko, "FileRenamed", shoko.file_event(5120, FileName=MOVIE_FILE, PreviousFileName="x.mkv"))
    await asyncio.sleep(0.1)
    assert len(signalr_lines(hass, "FileRenamed")) == 1

    item = payloads.jellyfin_movie_added(
        name="Skyward Tide", year=2021, path="/vfs/Skyward Tide.mkv", provider_ids=shokofin(MOVIE_SERIES)
    )
    await post(hass, ha_url, stack["jellyfin"], item)
    assert state(hass, MOVIE_SENSOR) == "available"


async def test_catch_up_at_start_finds_what_happened_before(
    hass: HomeAssistant,
    ha_url: str,
    tracker: MockConfigEntry,
    radarr: SimulatedArr,
    jellyfin: SimulatedJellyfin,
    shoko: SimulatedShoko,
) -> None:
    await add_service(hass, tracker, "radarr", arr_input(radarr))
    jellyfin_entry = await add_service(hass, tracker, "jellyfin", jellyfin_input(jellyfin))
    await import_movie(hass, radarr)
    # Shoko matched the file before the tracker listened to it.
    add_movie_file(shoko, matched=True)

    await add_shoko(hass, tracker, shoko_input(shoko))
    assert state(hass, MOVIE_SENSOR) == "anime_matching"
    assert request(hass, "Skyward Tide").ids_of(IdKind.ANIDB) == [str(MOVIE_ANIME)]
    item = payloads.jellyfin_movie_added(
        name="Skyward Tide", year=2021, path="/vfs/Skyward Tide.mkv", provider_ids=shokofin(MOVIE_SERIES)
    )
    await post(hass, ha_url, jellyfin_entry, item)
    assert state(hass, MOVIE_SENSOR) == "available"


async def test_a_hub_that_does_not_connect_turns_the_sensor_off_until_it_does(
    hass: HomeAssistant, tracker: MockConfigEntry, shoko: SimulatedShoko, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shoko_module, "HUB_CONNECT_WAIT", 0.5)
    shoko.stall_negotiation()
    subentry = await add_shoko(hass, tracker, shoko_input(shoko))
    # The REST API answered, the hub did not: the first catch-up gave up waiting for it.
    assert connectivity(hass, subentry) == "off"

    shoko.release_negotiation()
    await shoko.wait_for_clients(1)
    await eventually(hass, lambda: connectivity(hass, subentry) == "on")


async def test_disconnected_repair_issue_after_the_configured_time(
    hass: HomeAssistant, tracker: MockConfigEntry, shoko: SimulatedShoko
) -> None:
    hass.config_entries.async_update_entry(tracker, options={**tracker.options, "shoko_repair_minutes": 0.02})
    await hass.async_block_till_done(wait_background_tasks=True)
    subentry = await add_shoko(hass, tracker, shoko_input(shoko))
    await shoko.wait_for_clients(1)
    assert connectivity(hass, subentry) == "on"

    await shoko.down()
    await eventually(hass, lambda: connectivity(hass, subentry) == "off")
    assert issue(hass, subentry, "shoko_disconnected") is None, "not at once"
    await eventually(hass, lambda: issue(hass, subentry, "shoko_disconnected") is not None)
    found = issue(hass, subentry, "shoko_disconnected")
    assert found.translation_key == "shoko_disconnected"
    assert found.translation_placeholders == {"service": "Shoko", "minutes": "0.02"}

    await shoko.up()
    await shoko.wait_for_clients(1)
    await eventually(hass, lambda: connectivity(hass, subentry) == "on")
    assert issue(hass, subentry, "shoko_disconnected") is None


async def test_a_v6_server_gets_a_repair_issue_and_no_stream(hass: HomeAssistant, tracker: MockConfigEntry) -> None:
    server = SimulatedShoko(api_key=API_KEY, version=V6_VERSION)
    await server.start()
    try:
        subentry = await add_shoko(hass, tracker, shoko_input(server))
        found = issue(hass, subentry, "shoko_unsupported")
        assert found is not None
        assert found.translation_key == "shoko_unsupported"
        assert found.severity is ir.IssueSeverity.ERROR
        assert found.translation_placeholders == {"service": "Shoko", "version": V6_VERSION}
        assert connectivity(hass, subentry) == "off"
        await asyncio.sleep(0.2)
        assert server.hub_requests == [], "the tracker never connects to a hub it does not understand"
        assert stream_tasks() == []
    finally:
        await server.stop()


async def test_user_and_password_are_traded_for_a_key(
    hass: HomeAssistant, tracker: MockConfigEntry, shoko: SimulatedShoko
) -> None:
    subentry = await add_shoko(
        hass, tracker, {"name": "Shoko", "url": shoko.url, "username": "admin", "password": "password"}
    )
    assert subentry.data["api_key"] == API_KEY
    assert subentry.data.get("password") is None
    await shoko.wait_for_clients(1)
    request_seen = shoko.hub_requests[-1]
    assert (request_seen.feeds, request_seen.key_in_header, request_seen.key_in_query) == ("shoko", True, True)


@pytest.mark.parametrize("phase", ["connecting", "sleeping"])
async def test_unload_during_a_reconnect_leaves_no_task(
    hass: HomeAssistant, tracker: MockConfigEntry, shoko: SimulatedShoko, monkeypatch: pytest.MonkeyPatch, phase: str
) -> None:
    if phase == "sleeping":
        # Long, exact delays, so the stream is surely asleep between attempts when the entry unloads.
        monkeypatch.setattr(shoko_module, "Backoff", functools.partial(Backoff, jitter=False))
        monkeypatch.setattr(shoko_module, "RECONNECT_INITIAL_SECONDS", 30.0)
        monkeypatch.setattr(shoko_module, "RECONNECT_MAX_SECONDS", 60.0)
    assert stream_tasks() == []
    subentry = await add_shoko(hass, tracker, shoko_input(shoko))
    await shoko.wait_for_clients(1)
    stream = coordinator(hass, subentry).stream
    assert stream_tasks()

    if phase == "connecting":
        shoko.stall_negotiation()
        await shoko.drop_connections()
        await eventually(hass, lambda: shoko.negotiations_waiting == 1)
    else:
        await shoko.down()
        await eventually(hass, lambda: stream.last_error is not None and not stream.connected)

    assert await hass.config_entries.async_unload(tracker.entry_id)
    await hass.async_block_till_done()
    assert stream_tasks() == []
    assert not stream.connected
    shoko.release_negotiation()
    await asyncio.sleep(0.2)
    assert shoko.connected_clients == 0
    assert stream_tasks() == []


# --- the catch-up failing while the hub is up ----------------------------------------------------------------

CATCH_UP_FAILED = "Could not catch up with what Shoko matched"
CAUGHT_UP = "Caught up with Shoko again"
SHOKO_LOGGER = "custom_components.media_request_tracker.kinds.shoko"
RETRY_FIRST, RETRY_CAP = 0.05, 0.4
"""The catch-up's retry delays in these tests (seconds): 0.05, 0.1, 0.2, 0.4, 0.4, ..."""


@pytest.fixture(autouse=True)
def quick_catch_up_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retry a failed catch-up after exactly 0.05 s, doubling up to 0.4 s (the stream's backoff is exact too)."""
    monkeypatch.setattr(shoko_module, "Backoff", functools.partial(Backoff, jitter=False))
    monkeypatch.setattr(shoko_module, "CATCH_UP_RETRY_INITIAL_SECONDS", RETRY_FIRST)
    monkeypatch.setattr(shoko_module, "CATCH_UP_RETRY_MAX_SECONDS", RETRY_CAP)


@pytest.fixture
def short_call_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """REST calls give up after half a second instead of 20 s (what a hanging server costs)."""
    defaults = dict(JsonApi.request.__kwdefaults__ or {})
    monkeypatch.setattr(JsonApi.request, "__kwdefaults__", defaults | {"time_limit": aiohttp.ClientTimeout(total=0.5)})


def catch_ups(server: SimulatedShoko) -> int:
    """Catch-up attempts the server saw (each starts by asking the version)."""
    return server.rest_calls.count("/api/v3/Init/Version")


def log_lines(caplog: pytest.LogCaptureFixture, text: str) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == SHOKO_LOGGER and text in record.getMessage()]


async def reconnect_while_matched(shoko: SimulatedShoko) -> None:
    """The hub drops and comes back at once; Shoko matched the movie meanwhile."""
    before = catch_ups(shoko)
    add_movie_file(shoko, matched=True)
    assert await shoko.drop_connections() == 1
    await shoko.wait_for_clients(1)
    await until(lambda: catch_ups(shoko) > before)


@pytest.mark.usefixtures("short_call_limit")
@pytest.mark.parametrize("fault", ["500", "malformed", "shape", "hang"])
async def test_a_failing_catch_up_is_retried_with_backoff_until_the_lost_match_is_learnt(
    hass: HomeAssistant,
    caplog: pytest.LogCaptureFixture,
    stack: dict[str, ConfigSubentry],
    radarr: SimulatedArr,
    shoko: SimulatedShoko,
    fault: RestFault,
) -> None:
    subentry = stack["shoko"]
    await import_movie(hass, radarr)
    await push(hass, shoko, "FileDetected", detected(MOVIE_RELATIVE))
    assert state(hass, MOVIE_SENSOR) == "anime_matching"

    # The REST API fails (the hub does not); the hub drops and comes back; every catch-up fails.
    shoko.rest_fault = fault
    await reconnect_while_matched(shoko)
    first = catch_ups(shoko)
    await until(lambda: catch_ups(shoko) >= first + 4, seconds=10)
    assert shoko.connected_clients == 1
    assert connectivity(hass, subentry) == "on", "events still arrive: the service is connected"
    assert request(hass, "Skyward Tide").ids_of(IdKind.SHOKO_SERIES) == []
    # Tried again and again, each delay twice the last, up to the cap.
    assert coordinator(hass, subentry)._catch_up_backoff.ceiling == RETRY_CAP

    # Shoko answers again: the next try learns the match made while the hub was away.
    shoko.rest_fault = None
    await until(lambda: request(hass, "Skyward Tide").ids_of(IdKind.SHOKO_SERIES) == [str(MOVIE_SERIES)])
    await settle(hass)
    assert state(hass, MOVIE_SENSOR) == "anime_matching"
    assert connectivity(hass, subentry) == "on"
    assert len(log_lines(caplog, CATCH_UP_FAILED)) == 1, "the failure is logged once, not per attempt"
    assert len(log_lines(caplog, CAUGHT_UP)) == 1
    assert coordinator(hass, subentry)._catch_up_backoff.ceiling == RETRY_FIRST, "the backoff starts over"

    # Caught up: no more tries until the hub connects again.
    settled = catch_ups(shoko)
    await asyncio.sleep(RETRY_CAP * 3)
    await settle(hass)
    assert catch_ups(shoko) == settled


async def test_a_rejected_key_on_rest_starts_reauth_while_the_hub_stays_connected(
    hass: HomeAssistant,
    caplog: pytest.LogCaptureFixture,
    tracker: MockConfigEntry,
    stack: dict[str, ConfigSubentry],
    radarr: SimulatedArr,
    shoko: SimulatedShoko,
) -> None:
    subentry = stack["shoko"]
    await import_movie(hass, radarr)
    await push(hass, shoko, "FileDetected", detected(MOVIE_RELATIVE))

    # The key is regenerated in Shoko: Shoko 5's hub takes any key, only REST says 401.
    shoko.api_key = "a-regenerated-key"
    await reconnect_while_matched(shoko)
    first = catch_ups(shoko)
    await until(lambda: catch_ups(shoko) >= first + 3)
    await settle(hass)
    assert shoko.connected_clients == 1
    assert connectivity(hass, subentry) == "on"
    [flow] = hass.config_entries.flow.async_progress_by_handler(DOMAIN)  # one, not one a try
    assert flow["context"]["source"] == SOURCE_REAUTH
    shown = await hass.config_entries.flow.async_configure(flow["flow_id"])
    assert shown["description_placeholders"]["service"] == "Shoko"
    assert len(log_lines(caplog, CATCH_UP_FAILED)) == 1

    # The user gives the new key: the catch-up works again and learns the match made while away.
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {"api_key": "a-regenerated-key"})
    assert result["reason"] == "reauth_successful"
    await settle(hass)
    await shoko.wait_for_clients(1)
    await until(lambda: request(hass, "Skyward Tide").ids_of(IdKind.SHOKO_SERIES) == [str(MOVIE_SERIES)])
    await settle(hass)
    assert connectivity(hass, tracker.subentries[subentry.subentry_id]) == "on"
    assert "a-regenerated-key" not in caplog.text
    assert API_KEY not in caplog.text


async def test_a_file_whose_look_up_failed_is_asked_about_again(
    hass: HomeAssistant,
    caplog: pytest.LogCaptureFixture,
    stack: dict[str, ConfigSubentry],
    radarr: SimulatedArr,
    sonarr: SimulatedArr,
    shoko: SimulatedShoko,
) -> None:
    # Two anime requests whose files Shoko hashed (the tracker knows their Shoko ids) and has not matched.
    await import_movie(hass, radarr)
    add_movie_file(shoko, matched=False)
    await push(hass, shoko, "FileHashed", shoko.file_event(5120))
    episodes = payloads.sonarr_episodes(SERIES, 1, [1])
    grab = payloads.torrent_hash("starfall academy e01")
    await sonarr.send(payloads.sonarr_grab(SERIES, episodes, download_id=grab, release_title="Starfall.S01E01"))
    await sonarr.send(payloads.sonarr_import_complete(SERIES, episodes, download_id=grab, release_title="Starfall"))
    await settle(hass)
    relative = payloads.episode_path(SERIES, episodes[0]).removeprefix("/data/anime/")
    shoko.add_file(6001, size=500_000_000, locations=[(1, relative)])
    await push(hass, shoko, "FileHashed", shoko.file_event(6001))

    # Both are matched while the hub is away; the movie's file answers with a record that does not read.
    xref = cross_reference(SERIES_SHOKO, SERIES_ANIME, [(9101, 260001)])
    shoko.add_file(6001, size=500_000_000, locations=[(1, relative)], cross_references=[xref])
    shoko.file_faults[5120] = "shape"
    await reconnect_while_matched(shoko)
    await until(lambda: request(hass, "Starfall Academy").ids_of(IdKind.SHOKO_SERIES) == [str(SERIES_SHOKO)])
    asked = shoko.rest_calls.count("/api/v3/File/5120")
    await until(lambda: shoko.rest_calls.count("/api/v3/File/5120") >= asked + 2)
    assert request(hass, "Skyward Tide").ids_of(IdKind.SHOKO_SERIES) == [], "one bad answer costs only its file"
    assert len(log_lines(caplog, CATCH_UP_FAILED)) == 1
    assert connectivity(hass, stack["shoko"]) == "on"

    # The movie's file is asked about again on the next try, and its match is learnt then.
    del shoko.file_faults[5120]
    await until(lambda: request(hass, "Skyward Tide").ids_of(IdKind.SHOKO_SERIES) == [str(MOVIE_SERIES)])
    await until(lambda: len(log_lines(caplog, CAUGHT_UP)) == 1)
    await settle(hass)
    assert state(hass, MOVIE_SENSOR) == "anime_matching"
