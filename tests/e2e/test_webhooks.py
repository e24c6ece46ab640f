"""Requests followed from webhooks alone: simulated Seerr, Radarr, Sonarr and Jellyfin post to Home Assistant."""

from __future__ import annotations

import json
import logging
from typing import Any

import aiohttp
from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant
from hypothesis import HealthCheck, given, settings, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import get_diagnostics_for_config_entry

from custom_components.media_request_tracker.kinds.arr import UPSTREAM_WEBHOOK_NAME
from custom_components.media_request_tracker.tracker.serialization import dump_tracker
from simulator import payloads
from simulator.arr import SimulatedArr
from simulator.jellyfin import SimulatedJellyfin
from simulator.payloads import post_webhook
from simulator.seerr import SimulatedSeerr, request_record

from .conftest import add_service, arr_input, jellyfin_input, seerr_input

FILM = "sensor.media_request_tracker_the_film_1999"
SHOW = "sensor.media_request_tracker_the_show_2022"
HASH = payloads.torrent_hash("the film")
MOVIE = payloads.radarr_movie(movie_id=11, title="The Film", year=1999, tmdb_id=603, imdb_id="tt0133093")
FILM_PATH = "/data/media/movies/The Film (1999)/The.Film.1999.1080p.mkv"


@pytest.fixture
async def stack(
    hass: HomeAssistant,
    tracker: MockConfigEntry,
    seerr: SimulatedSeerr,
    radarr: SimulatedArr,
    sonarr: SimulatedArr,
    jellyfin: SimulatedJellyfin,
) -> dict[str, ConfigSubentry]:
    """Every push service added through the UI; Seerr's webhook agent configured by the tracker."""
    added = {
        "seerr": await add_service(hass, tracker, "seerr", seerr_input(seerr), configure_webhook=True),
        "radarr": await add_service(hass, tracker, "radarr", arr_input(radarr)),
        "sonarr": await add_service(hass, tracker, "sonarr", arr_input(sonarr)),
        "jellyfin": await add_service(hass, tracker, "jellyfin", jellyfin_input(jellyfin)),
    }
    await hass.async_block_till_done(wait_background_tasks=True)
    assert seerr.webhook["enabled"], "the tracker configured Seerr's agent"
    return added


def state(hass: HomeAssistant, entity_id: str) -> str | None:
    found = hass.states.get(entity_id)
    return found.state if found else None


async def post(hass: HomeAssistant, ha_url: str, subentry: ConfigSubentry, body: Any, **kwargs: Any) -> int:
    """POST a body to a service's Home Assistant webhook, as that service would."""
    async with aiohttp.ClientSession() as session:
        url = f"{ha_url}/api/webhook/{subentry.data['webhook_id']}"
        if isinstance(body, bytes):
            async with session.post(url, data=body, **kwargs) as response:
                status = response.status
        else:
            status = await post_webhook(session, url, body, kwargs.get("headers"))
    await hass.async_block_till_done(wait_background_tasks=True)
    return status


async def test_a_movie_from_request_to_library(
    hass: HomeAssistant, ha_url: str, stack: dict, seerr: SimulatedSeerr, radarr: SimulatedArr
) -> None:
    seerr.add_request(request_record(request_id=7, media_type="movie", tmdb_id=603, status=1))
    assert await seerr.notify("MEDIA_PENDING", 7, title="The Film", year=1999), seerr.last_error
    await hass.async_block_till_done(wait_background_tasks=True)
    assert state(hass, FILM) == "requested"
    assert await seerr.notify("MEDIA_APPROVED", 7, title="The Film", year=1999)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert state(hass, FILM) == "approved"

    await radarr.send(payloads.radarr_grab(MOVIE, download_id=HASH, release_title="The.Film.1999.1080p"))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert state(hass, FILM) == "grabbing"
    await radarr.send(
        payloads.radarr_download(MOVIE, download_id=HASH, file_path=FILM_PATH, release_title="The.Film.1999.1080p")
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert state(hass, FILM) == "importing"

    item = payloads.jellyfin_movie_added(name="The Film", year=1999, path=FILM_PATH, provider_ids={"Tmdb": "603"})
    assert await post(hass, ha_url, stack["jellyfin"], item) == 200
    assert state(hass, FILM) == "available"
    attributes = hass.states.get(FILM).attributes
    assert attributes["requested_by"] == "requester"
    assert attributes["release"] == "The.Film.1999.1080p"
    timeline = [(step["stage"], step["inferred"]) for step in attributes["timeline"]]
    assert timeline == [
        ("requested", False),
        ("approved", False),
        ("searching", True),
        ("grabbing", False),
        ("downloading", True),
        ("downloaded", True),
        ("importing", False),
        ("available", False),
    ]


async def test_a_season_pack_imported_in_one_webhook(
    hass: HomeAssistant, ha_url: str, stack: dict, seerr: SimulatedSeerr, sonarr: SimulatedArr
) -> None:
    seerr.add_request(request_record(request_id=8, media_type="tv", tmdb_id=154, tvdb_id=414, seasons=[1]))
    assert await seerr.notify("MEDIA_AUTO_APPROVED", 8, title="The Show", year=2022)
    series = payloads.sonarr_series(series_id=23, title="The Show", year=2022, tvdb_id=414, tmdb_id=154)
    episodes = payloads.sonarr_episodes(series, 1, range(1, 9))
    pack = payloads.torrent_hash("the show s01")
    await sonarr.send(payloads.sonarr_grab(series, episodes, download_id=pack, release_title="The.Show.S01"))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert state(hass, SHOW) == "grabbing"
    assert hass.states.get(SHOW).attributes["episodes"] == {"grabbing": 8}

    await sonarr.send(payloads.sonarr_import_complete(series, episodes, download_id=pack, release_title="The.Show.S01"))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert state(hass, SHOW) == "importing"
    assert hass.states.get(SHOW).attributes["episodes"] == {"importing": 8}

    item = payloads.jellyfin_series_added(
        name="The Show", year=2022, path="/data/media/tv/The Show", provider_ids={"Tvdb": "414", "Tmdb": "154"}
    )
    await post(hass, ha_url, stack["jellyfin"], item)
    assert state(hass, SHOW) == "available"
    assert hass.states.get(SHOW).attributes["episodes"] == {"available": 8}


async def test_an_anime_series_is_marked_anime(
    hass: HomeAssistant, ha_url: str, stack: dict, seerr: SimulatedSeerr, sonarr: SimulatedArr
) -> None:
    seerr.add_request(request_record(request_id=9, media_type="tv", tmdb_id=155, tvdb_id=415, seasons=[1]))
    assert await seerr.notify("MEDIA_AUTO_APPROVED", 9, title="Anime Show", year=2022)
    series = payloads.sonarr_series(
        series_id=24, title="Anime Show", year=2022, tvdb_id=415, tmdb_id=155, series_type="anime", root="/data/anime"
    )
    episodes = payloads.sonarr_episodes(series, 1, [1, 2])
    download = payloads.torrent_hash("anime show")
    await sonarr.send(payloads.sonarr_grab(series, episodes, download_id=download, release_title="Anime.Show.S01"))
    await sonarr.send(
        payloads.sonarr_import_complete(series, episodes, download_id=download, release_title="Anime.Show.S01")
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    entity = "sensor.media_request_tracker_anime_show_2022"
    assert state(hass, entity) == "importing"
    assert hass.states.get(entity).attributes["anime"] is True


async def test_a_declined_request(hass: HomeAssistant, stack: dict, seerr: SimulatedSeerr) -> None:
    seerr.add_request(request_record(request_id=10, media_type="movie", tmdb_id=604, status=1))
    await seerr.notify("MEDIA_PENDING", 10, title="Unwanted", year=2001)
    await seerr.notify("MEDIA_DECLINED", 10, title="Unwanted", year=2001)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert state(hass, "sensor.media_request_tracker_unwanted_2001") == "declined"


async def test_a_failed_request(hass: HomeAssistant, stack: dict, seerr: SimulatedSeerr) -> None:
    seerr.add_request(request_record(request_id=11, media_type="movie", tmdb_id=605))
    await seerr.notify("MEDIA_AUTO_APPROVED", 11, title="Broken", year=2002)
    await seerr.notify("MEDIA_FAILED", 11, title="Broken", year=2002)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert state(hass, "sensor.media_request_tracker_broken_2002") == "failed"


async def test_radarr_webhooks_twice_and_out_of_order(
    hass: HomeAssistant, stack: dict, seerr: SimulatedSeerr, radarr: SimulatedArr
) -> None:
    seerr.add_request(request_record(request_id=7, media_type="movie", tmdb_id=603))
    await seerr.notify("MEDIA_AUTO_APPROVED", 7, title="The Film", year=1999)
    grab = payloads.radarr_grab(MOVIE, download_id=HASH, release_title="The.Film.1999.1080p")
    imported = payloads.radarr_download(
        MOVIE, download_id=HASH, file_path=FILM_PATH, release_title="The.Film.1999.1080p"
    )
    for body in (imported, grab, imported, grab):
        await radarr.send(body)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert state(hass, FILM) == "importing"
    stages = [step["stage"] for step in hass.states.get(FILM).attributes["timeline"]]
    assert stages == ["requested", "approved", "searching", "grabbing", "downloading", "downloaded", "importing"]
    assert len([s for s in hass.states.async_all("sensor") if "timeline" in s.attributes]) == 1


async def test_radarr_gets_exactly_one_connection_to_home_assistant(
    hass: HomeAssistant, ha_url: str, tracker: MockConfigEntry, radarr: SimulatedArr
) -> None:
    subentry = await add_service(hass, tracker, "radarr", arr_input(radarr))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _connections(radarr) == [f"{ha_url}/api/webhook/{subentry.data['webhook_id']}"]

    assert await hass.config_entries.async_reload(tracker.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(_connections(radarr)) == 1, "a reload does not add a second connection"

    hass.config_entries.async_remove_subentry(tracker, subentry.subentry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _connections(radarr) == [], "removing the service removes its connection"

    again = await add_service(hass, tracker, "radarr", arr_input(radarr))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _connections(radarr) == [f"{ha_url}/api/webhook/{again.data['webhook_id']}"]


async def test_a_removed_service_no_longer_reaches_the_tracker(
    hass: HomeAssistant, ha_url: str, tracker: MockConfigEntry, stack: dict
) -> None:
    hass.config_entries.async_remove_subentry(tracker, stack["jellyfin"].subentry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    item = payloads.jellyfin_movie_added(name="The Film", year=1999, path=FILM_PATH, provider_ids={"Tmdb": "603"})
    await post(hass, ha_url, stack["jellyfin"], item)
    assert tracker.runtime_data.hub.tracker.pending == []


async def test_requests_without_the_secret_are_rejected(
    hass: HomeAssistant, ha_url: str, tracker: MockConfigEntry, stack: dict
) -> None:
    grab = payloads.radarr_grab(MOVIE, download_id=HASH, release_title="x")
    assert await post(hass, ha_url, stack["radarr"], grab) == 401
    wrong = aiohttp.BasicAuth("media_request_tracker", "guess").encode()
    assert await post(hass, ha_url, stack["radarr"], grab, headers={"Authorization": wrong}) == 401
    request = payloads.seerr_notification(
        "MEDIA_PENDING", request_id=1, media_type="movie", tmdb_id=603, title="The Film", year=1999
    )
    assert await post(hass, ha_url, stack["seerr"], request, headers={"Authorization": "guess"}) == 401
    assert tracker.runtime_data.hub.tracker.requests == {}


async def test_probes_and_test_events_change_nothing(
    hass: HomeAssistant, ha_url: str, tracker: MockConfigEntry, stack: dict, radarr: SimulatedArr
) -> None:
    async with aiohttp.ClientSession() as session:
        for subentry in stack.values():
            url = f"{ha_url}/api/webhook/{subentry.data['webhook_id']}"
            async with session.get(url) as response:
                assert response.status == 200
            async with session.head(url) as response:
                assert response.status == 200
    assert set((await radarr.send(payloads.radarr_test())).values()) == {200}
    assert tracker.runtime_data.hub.tracker.requests == {}


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=20), children, max_size=5),
    max_leaves=30,
)


def _fuzz_bodies() -> list[bytes]:
    """Random JSON, truncated real bodies, wrong types and huge strings, drawn by hypothesis."""
    real = [
        payloads.radarr_grab(MOVIE, download_id=HASH, release_title="x"),
        payloads.seerr_notification("MEDIA_PENDING", request_id=1, media_type="movie", tmdb_id=1, title="t"),
        payloads.jellyfin_movie_added(name="t", year=2000, path="/x.mkv", provider_ids={"Tmdb": "1"}),
    ]
    drawn: list[bytes] = []

    @settings(max_examples=60, database=None, suppress_health_check=list(HealthCheck), deadline=None)
    @given(
        value=JSON_VALUES,
        base=st.sampled_from(real),
        cut=st.integers(0, 400),
        key=st.text(max_size=10),
        replacement=JSON_VALUES | st.just("x" * 100_000),
    )
    def draw(value: Any, base: dict, cut: int, key: str, replacement: Any) -> None:
        encoded = json.dumps(base).encode()
        mutated = {**base, **dict.fromkeys(list(base)[: len(key) % 4 + 1], replacement)}
        missing = {k: v for k, v in base.items() if k not in list(base)[: len(key) % 6]}
        drawn.extend(
            [json.dumps(value).encode(), encoded[:cut], json.dumps(mutated).encode(), json.dumps(missing).encode()]
        )

    draw()
    return drawn


async def test_fuzzed_bodies_never_crash_and_rejected_ones_change_nothing(
    hass: HomeAssistant,
    ha_url: str,
    tracker: MockConfigEntry,
    stack: dict,
    radarr: SimulatedArr,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await radarr.send(payloads.radarr_grab(MOVIE, download_id=HASH, release_title="The.Film"))
    runtime = tracker.runtime_data.hub
    assert runtime.tracker.requests, "a tracked request the fuzzing could damage"
    auth = {
        kind: {"Authorization": aiohttp.BasicAuth("media_request_tracker", stack[kind].data["webhook_secret"]).encode()}
        for kind in ("radarr", "sonarr")
    } | {"seerr": {"Authorization": stack["seerr"].data["webhook_secret"]}, "jellyfin": {}}
    caplog.set_level(logging.INFO)
    rejected = 0
    async with aiohttp.ClientSession() as session:
        for kind, subentry in stack.items():
            url = f"{ha_url}/api/webhook/{subentry.data['webhook_id']}"
            for body in _fuzz_bodies():
                before = json.dumps(dump_tracker(runtime.tracker), default=str)
                async with session.post(url, data=body, headers=auth[kind]) as response:
                    status = response.status
                assert status in (200, 400, 413, 422), (kind, body[:200], status)
                if status != 200:
                    rejected += 1
                    assert json.dumps(dump_tracker(runtime.tracker), default=str) == before, (kind, body[:200])
    assert rejected > 100
    assert "Error handling webhook" not in caplog.text
    assert "Traceback" not in caplog.text
    assert "Ignored a webhook call from" in caplog.text


async def test_no_secret_reaches_a_log_line_an_attribute_or_diagnostics(
    hass: HomeAssistant,
    hass_client: Any,
    ha_url: str,
    tracker: MockConfigEntry,
    stack: dict,
    seerr: SimulatedSeerr,
    radarr: SimulatedArr,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    seerr.add_request(request_record(request_id=7, media_type="movie", tmdb_id=603))
    await seerr.notify("MEDIA_AUTO_APPROVED", 7, title="The Film", year=1999)
    await radarr.send(payloads.radarr_grab(MOVIE, download_id=HASH, release_title="The.Film"))
    await post(hass, ha_url, stack["radarr"], b"not json")
    await radarr.down()
    assert await hass.config_entries.async_reload(tracker.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, tracker)

    secrets = [
        value
        for subentry in tracker.subentries.values()
        for key, value in subentry.data.items()
        if key in ("api_key", "password", "webhook_id", "webhook_secret") and value
    ]
    assert len(secrets) == 12, "an API key, a webhook id and a webhook secret for each of the four services"
    # Home Assistant's webhook component logs the path (with the id) at debug level itself, as does aiohttp's
    # access log: every line this integration writes, and every warning or error from anywhere, is checked.
    ours = [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("custom_components.") or record.levelno >= logging.WARNING
    ]
    assert any("Ignored a webhook call" in line for line in ours), "the check would see our lines"
    shown = [*ours, json.dumps(diagnostics)]
    shown += [json.dumps(dict(s.attributes), default=str) for s in hass.states.async_all()]
    for text in shown:
        for secret in secrets:
            assert secret not in text


def _connections(service: SimulatedArr) -> list[str]:
    return [
        field["value"]
        for notification in service.notifications.values()
        if notification["name"] == UPSTREAM_WEBHOOK_NAME
        for field in notification["fields"]
        if field["name"] == "url"
    ]
