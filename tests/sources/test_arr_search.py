"""Searching again through Radarr and Sonarr: the library and the queue are checked first, then one command."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from custom_components.media_request_tracker.sources.arr.client import ArrClient, SearchOutcome
from custom_components.media_request_tracker.sources.errors import CannotConnect, InvalidAuth, NotFound
from simulator import payloads
from simulator.arr import SimulatedArr, queue_record

pytestmark = pytest.mark.usefixtures("socket_enabled")

API_KEY = "arr-search-key-2c26b46b68ffc68f"
HASH = "A" * 40


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture
async def radarr() -> AsyncIterator[SimulatedArr]:
    server = SimulatedArr("radarr", API_KEY)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def sonarr() -> AsyncIterator[SimulatedArr]:
    server = SimulatedArr("sonarr", API_KEY)
    await server.start()
    yield server
    await server.stop()


def movie() -> dict[str, Any]:
    return payloads.radarr_movie(movie_id=7, title="The Quiet Harbor", year=2021, tmdb_id=700_007)


def series() -> dict[str, Any]:
    return payloads.sonarr_series(series_id=3, title="Northern Lines", year=2019, tvdb_id=812_345)


# --- Radarr ------------------------------------------------------------------------------------------------


async def test_movie_without_file_is_searched(session: aiohttp.ClientSession, radarr: SimulatedArr) -> None:
    radarr.add_movie(movie())
    outcome = await ArrClient(session, radarr.url, API_KEY, "radarr").search_again(7)

    assert outcome == SearchOutcome(command_id=1, command="MoviesSearch")
    assert radarr.commands[0]["body"]["movieIds"] == [7]
    assert radarr.commands[0]["status"] == "queued"


async def test_movie_with_file_is_not_searched(session: aiohttp.ClientSession, radarr: SimulatedArr) -> None:
    radarr.add_movie(movie(), has_file=True)
    outcome = await ArrClient(session, radarr.url, API_KEY, "radarr").search_again(7)

    assert outcome == SearchOutcome(skipped="in_library")
    assert radarr.commands == []


async def test_movie_downloading_is_not_searched(session: aiohttp.ClientSession, radarr: SimulatedArr) -> None:
    radarr.add_movie(movie())
    radarr.set_queue([queue_record(record_id=1, download_id=HASH, title="Harbor.2021.1080p", movie=movie())])
    outcome = await ArrClient(session, radarr.url, API_KEY, "radarr").search_again(7)

    assert outcome == SearchOutcome(skipped="queued")
    assert radarr.commands == []


async def test_unknown_movie_is_not_found(session: aiohttp.ClientSession, radarr: SimulatedArr) -> None:
    with pytest.raises(NotFound):
        await ArrClient(session, radarr.url, API_KEY, "radarr").search_again(99)
    assert radarr.commands == []


async def test_wrong_key_and_server_down(session: aiohttp.ClientSession, radarr: SimulatedArr) -> None:
    radarr.add_movie(movie())
    with pytest.raises(InvalidAuth) as caught:
        await ArrClient(session, radarr.url, "wrong-key", "radarr").search_again(7)
    assert "wrong-key" not in str(caught.value)
    await radarr.down()
    with pytest.raises(CannotConnect):
        await ArrClient(session, radarr.url, API_KEY, "radarr").search_again(7)


# --- Sonarr ------------------------------------------------------------------------------------------------


async def test_series_with_nothing_queued_is_one_series_search(
    session: aiohttp.ClientSession, sonarr: SimulatedArr
) -> None:
    sonarr.add_episodes(payloads.sonarr_episodes(series(), 1, [1, 2]), has_file=True)
    sonarr.add_episodes(payloads.sonarr_episodes(series(), 1, [3, 4]))
    outcome = await ArrClient(session, sonarr.url, API_KEY, "sonarr").search_again(3)

    assert outcome == SearchOutcome(command_id=1, command="SeriesSearch")
    assert sonarr.commands[0]["body"]["seriesId"] == 3


async def test_episodes_already_queued_are_left_out(session: aiohttp.ClientSession, sonarr: SimulatedArr) -> None:
    episodes = payloads.sonarr_episodes(series(), 1, [1, 2, 3])
    sonarr.add_episodes(episodes)
    sonarr.set_queue(
        [queue_record(record_id=1, download_id=HASH, title="S01E01", series=series(), episode=episodes[0])]
    )
    outcome = await ArrClient(session, sonarr.url, API_KEY, "sonarr").search_again(3)

    wanted = (episodes[1]["id"], episodes[2]["id"])
    assert outcome == SearchOutcome(command_id=1, command="EpisodeSearch", episode_ids=wanted)
    assert sonarr.commands[0]["body"]["episodeIds"] == list(wanted)


async def test_named_episodes_only(session: aiohttp.ClientSession, sonarr: SimulatedArr) -> None:
    episodes = payloads.sonarr_episodes(series(), 1, [1, 2, 3])
    sonarr.add_episodes(episodes)
    outcome = await ArrClient(session, sonarr.url, API_KEY, "sonarr").search_again(3, [(1, 2)])

    assert outcome.episode_ids == (episodes[1]["id"],)
    assert sonarr.commands[0]["name"] == "EpisodeSearch"


async def test_unmonitored_episodes_are_searched_only_when_named(
    session: aiohttp.ClientSession, sonarr: SimulatedArr
) -> None:
    episodes = payloads.sonarr_episodes(series(), 1, [1])
    sonarr.add_episodes(episodes, monitored=False)
    client = ArrClient(session, sonarr.url, API_KEY, "sonarr")

    assert await client.search_again(3) == SearchOutcome(skipped="in_library")
    assert (await client.search_again(3, [(1, 1)])).command == "EpisodeSearch"


async def test_series_complete_or_all_queued_sends_nothing(
    session: aiohttp.ClientSession, sonarr: SimulatedArr
) -> None:
    client = ArrClient(session, sonarr.url, API_KEY, "sonarr")
    sonarr.add_episodes(payloads.sonarr_episodes(series(), 1, [1, 2]), has_file=True)
    assert await client.search_again(3) == SearchOutcome(skipped="in_library")

    missing = payloads.sonarr_episodes(series(), 2, [1])
    sonarr.add_episodes(missing)
    sonarr.set_queue([queue_record(record_id=1, download_id=HASH, title="S02", series=series(), episode=missing[0])])
    assert await client.search_again(3) == SearchOutcome(skipped="queued")
    assert sonarr.commands == []


async def test_unknown_series_is_not_found(session: aiohttp.ClientSession, sonarr: SimulatedArr) -> None:
    with pytest.raises(NotFound):
        await ArrClient(session, sonarr.url, API_KEY, "sonarr").search_again(404)
    assert sonarr.commands == []
