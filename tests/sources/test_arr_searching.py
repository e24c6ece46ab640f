"""What a searching request needs from Radarr/Sonarr: the media, its history, and the results of search commands."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest

from custom_components.media_request_tracker.sources.arr.client import ArrClient
from custom_components.media_request_tracker.sources.arr.parser import (
    parse_command,
    parse_history_record,
    parse_media_item,
)
from custom_components.media_request_tracker.sources.payload import PayloadError
from custom_components.media_request_tracker.tracker import (
    MediaAdded,
    MediaType,
    ReleaseGrabbed,
    RequestApproved,
    SearchCompleted,
    Stage,
    Tracker,
    make_ids,
)
from tests.sources.fake_servers import PathServer

from .parser_support import fixture

AT = 9_000_000.0
ENDED = "2025-03-05T08:00:04.1234567Z"
ENDED_AT = datetime(2025, 3, 5, 8, 0, 4, 123456, tzinfo=UTC).timestamp()


def command(name: str, body: dict[str, Any], message: str, *, status: str = "completed", number: int = 31) -> Any:
    """A `/api/v3/command` record as Radarr v5 / Sonarr v4 write it (CommandResource)."""
    return {
        "id": number,
        "name": name,
        "commandName": name,
        "message": message,
        "body": {**body, "sendUpdatesToClient": True, "updateScheduledTask": True, "trigger": "manual"},
        "priority": "normal",
        "status": status,
        "result": "successful",
        "queued": "2025-03-05T08:00:00Z",
        "started": "2025-03-05T08:00:01Z",
        "ended": ENDED,
        "duration": "00:00:03.1234567",
        "trigger": "manual",
        "stateChangeTime": "2025-03-05T08:00:01Z",
        "sendUpdatesToClient": True,
        "updateScheduledTask": True,
    }


# --- search commands -------------------------------------------------------------------------------------------


def test_a_movie_search_that_found_nothing() -> None:
    record = command("MoviesSearch", {"movieIds": [7]}, "Movie search completed. 0 reports downloaded.")
    [search] = parse_command(record, source="radarr", kind="radarr", at=AT)
    assert isinstance(search, SearchCompleted)
    assert search.ids == make_ids(arr_item=7, arr_instance="radarr")
    assert (search.grabbed, search.at, search.search_id) == (0, ENDED_AT, f"31@{ENDED}")
    assert search.media.media_type is MediaType.MOVIE


def test_a_search_of_several_movies_that_found_nothing_is_one_search_for_each() -> None:
    record = command("MoviesSearch", {"movieIds": [7, 9, 7]}, "Movie search completed. 0 reports downloaded.")
    searches = parse_command(record, source="radarr", kind="radarr", at=AT)
    assert [s.ids for s in searches] == [make_ids(arr_item=n, arr_instance="radarr") for n in (7, 9)]


def test_a_search_of_several_movies_that_grabbed_says_nothing_of_any() -> None:
    record = command("MoviesSearch", {"movieIds": [7, 9]}, "Movie search completed. 1 reports downloaded.")
    assert parse_command(record, source="radarr", kind="radarr", at=AT) == []


@pytest.mark.parametrize(
    ("name", "body", "message", "seasons"),
    [
        ("SeriesSearch", {"seriesId": 23}, "Series search completed. 0 reports downloaded.", frozenset()),
        ("SeasonSearch", {"seriesId": 23, "seasonNumber": 2}, "Season search completed. 0 reports downloaded.", {2}),
        ("MissingEpisodeSearch", {"seriesId": 23}, "Completed search for 4 episodes. 0 reports downloaded.", set()),
    ],
)
def test_sonarr_series_searches(name: str, body: dict[str, Any], message: str, seasons: set[int]) -> None:
    [search] = parse_command(command(name, body, message), source="sonarr", kind="sonarr", at=AT)
    assert isinstance(search, SearchCompleted)
    assert search.ids == make_ids(arr_item=23, arr_instance="sonarr")
    assert search.media.seasons == seasons
    assert search.media.media_type is MediaType.TV


@pytest.mark.parametrize(
    "record",
    [
        command("MoviesSearch", {"movieIds": [7]}, "Searching indexers for [Dune]", status="started"),
        command("MoviesSearch", {"movieIds": [7]}, "Failed", status="failed"),
        command("RssSync", {}, "RSS Sync Completed. Reports found: 12, Reports grabbed: 0"),
        command("RefreshMovie", {"movieIds": [7]}, "Completed"),
        command("MoviesSearch", {"movieIds": [7]}, "Completed"),
        command("MissingMoviesSearch", {}, "Completed search for 3 movies. 0 reports downloaded."),
    ],
    ids=["running", "failed", "rss", "refresh", "no-result", "all-missing"],
)
def test_commands_that_say_nothing_of_one_search(record: Any) -> None:
    assert parse_command(record, source="radarr", kind="radarr", at=AT) == []


def test_sonarr_episode_search_names_no_series_and_is_left_out() -> None:
    record = command("EpisodeSearch", {"episodeIds": [501]}, "Episode search completed. 0 reports downloaded.")
    assert parse_command(record, source="sonarr", kind="sonarr", at=AT) == []


def test_a_command_that_is_not_an_object_is_a_payload_error() -> None:
    with pytest.raises(PayloadError):
        parse_command(["MoviesSearch"], source="radarr", kind="radarr", at=AT)


def test_an_unreadable_end_time_falls_back_to_when_it_was_read() -> None:
    record = command("MoviesSearch", {"movieIds": [7]}, "Movie search completed. 0 reports downloaded.")
    record["ended"] = "yesterday"
    [search] = parse_command(record, source="radarr", kind="radarr", at=AT)
    assert search.at == AT


def test_three_fruitless_searches_read_twice_make_the_request_say_so() -> None:
    tracker = Tracker()
    seerr = make_ids(seerr_request=4, seerr_instance="seerr", tmdb=438631, media_type="movie")
    tracker.apply(RequestApproved(source="seerr", at=AT, ids=seerr))
    radarr = make_ids(arr_item=7, arr_instance="radarr", tmdb=438631, media_type="movie")
    tracker.apply(MediaAdded(source="radarr", at=AT, ids=radarr))
    records = [
        command("MoviesSearch", {"movieIds": [7]}, "Movie search completed. 0 reports downloaded.", number=n)
        for n in (31, 32, 33)
    ]
    for _poll in range(2):
        for record in records:
            for evidence in parse_command(record, source="radarr", kind="radarr", at=AT):
                tracker.apply(evidence)
    (request,) = tracker.requests.values()
    assert request.stage is Stage.SEARCHING
    assert request.stall is not None
    assert request.stall.get("searches") == "3"


# --- the media in the API, and its history ---------------------------------------------------------------------


def test_a_movie_resource_is_the_movie_in_radarr() -> None:
    movie = {
        "id": 7,
        "title": "Dune",
        "year": 2021,
        "tmdbId": 438631,
        "imdbId": "tt1160419",
        "hasFile": False,
        "monitored": True,
        "path": "/data/anime/movies/Dune (2021)",
        "rootFolderPath": "/data/anime/movies",
        "images": [{"coverType": "poster", "remoteUrl": "https://image.tmdb.org/p.jpg"}],
        "tags": [3],
    }
    [added] = parse_media_item(movie, source="radarr", kind="radarr", at=AT)
    assert isinstance(added, MediaAdded)
    assert added.stage is Stage.SEARCHING
    assert added.ids == make_ids(arr_item=7, arr_instance="radarr", tmdb=438631, media_type="movie", imdb="tt1160419")
    assert (added.media.title, added.media.anime, added.media.poster) == ("Dune", True, "https://image.tmdb.org/p.jpg")


def test_a_series_resource_is_the_series_in_sonarr() -> None:
    series = {"id": 23, "title": "Frieren", "tvdbId": 424536, "seriesType": "anime", "year": 2023}
    [added] = parse_media_item(series, source="sonarr", kind="sonarr", at=AT)
    assert added.media.anime
    assert added.ids == make_ids(arr_item=23, arr_instance="sonarr", tvdb=424536, media_type="tv")


# --- the client ------------------------------------------------------------------------------------------------

pytestmark = pytest.mark.usefixtures("socket_enabled")


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


async def serve(bodies: dict[str, Any]) -> PathServer:
    server = PathServer(bodies)
    await server.start()
    return server


async def test_radarr_client_reads_commands_the_movie_and_its_history(session: aiohttp.ClientSession) -> None:
    grabbed = fixture("radarr", "history_grabbed")
    search = command("MoviesSearch", {"movieIds": [7]}, "Movie search completed. 0 reports downloaded.")
    server = await serve(
        {
            "/api/v3/command": [search],
            "/api/v3/movie/7": {"id": 7, "title": "Dune", "tmdbId": 438631},
            "/api/v3/history/movie": [grabbed],
        }
    )
    try:
        client = ArrClient(session, server.url, "key", "radarr")
        assert await client.commands() == [search]
        assert (await client.media_item(7))["title"] == "Dune"
        history = await client.media_history(7)
    finally:
        await server.stop()
    assert history == [grabbed]
    assert ("/api/v3/history/movie", {"movieId": "7", "includeMovie": "true"}) in server.asked
    assert any(isinstance(e, ReleaseGrabbed) for e in parse_history_record(history[0], source="r", kind="radarr", at=1))


async def test_sonarr_client_asks_for_the_series_and_its_history(session: aiohttp.ClientSession) -> None:
    server = await serve({"/api/v3/series/23": {"id": 23, "title": "Frieren"}, "/api/v3/history/series": []})
    try:
        client = ArrClient(session, server.url, "key", "sonarr")
        assert (await client.media_item(23))["id"] == 23
        assert await client.media_history(23) == []
    finally:
        await server.stop()
    assert ("/api/v3/history/series", {"seriesId": "23", "includeSeries": "true", "includeEpisode": "true"}) in (
        server.asked
    )
