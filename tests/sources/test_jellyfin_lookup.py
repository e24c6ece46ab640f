"""Finding a waiting request's Jellyfin items, against the simulated Jellyfin over loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from custom_components.media_request_tracker.sources.jellyfin.client import PAGE_SIZE, JellyfinClient
from custom_components.media_request_tracker.sources.jellyfin.lookup import MAX_SCANNED_ITEMS, find_request_items
from custom_components.media_request_tracker.tracker import MediaType, TrackedRequest, make_ids
from simulator import payloads
from simulator.jellyfin import SimulatedJellyfin, library_item

pytestmark = pytest.mark.usefixtures("socket_enabled")

API_KEY = "jf-lookup-key-7f1e2d3c4b5a69788796"
SHOKO_MOVIE_AS_SERIES = payloads.jellyfin_id("series:Hoshi no Kakera")


def filler(count: int) -> list[dict[str, object]]:
    """Other titles of a library, listed before the one looked for."""
    return [
        library_item(
            item_id=payloads.jellyfin_id(f"filler:{n}"),
            name=f"Aardvark {n:04d}",
            item_type="Series" if n % 2 else "Movie",
            provider_ids={"Tmdb": str(90_000 + n)},
            path=f"/media/other/Aardvark {n:04d}",
        )
        for n in range(count)
    ]


def complete_movie_as_series() -> dict[str, object]:
    """Shokofin's "Complete Movie": a Series with Shoko and AniDB ids, no TMDB id, its romaji name."""
    return library_item(
        item_id=SHOKO_MOVIE_AS_SERIES,
        name="Hoshi no Kakera",
        item_type="Series",
        provider_ids=payloads.shokofin_provider_ids(shoko_series_id=4410, anidb_id=19910),
        path="/config/Shokofin/VFS/1/Hoshi no Kakera [shoko-series-4410]",
    )


@pytest.fixture
async def jellyfin() -> AsyncIterator[SimulatedJellyfin]:
    server = SimulatedJellyfin(API_KEY)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def client(jellyfin: SimulatedJellyfin) -> AsyncIterator[JellyfinClient]:
    async with aiohttp.ClientSession() as session:
        yield JellyfinClient(session, jellyfin.url, API_KEY)


def anime_movie_request() -> TrackedRequest:
    """An anime movie requested by its English title, whose Shoko series and AniDB ids Shoko told."""
    request = TrackedRequest(key="r", created_at=0, updated_at=0, title="Shards of a Star", media_type=MediaType.MOVIE)
    request.anime = True
    request.ids |= make_ids(tmdb=701, media_type="movie", shoko_series=(4410,), anidb=(19910,))
    return request


async def test_an_anime_movie_listed_as_a_series_under_another_name_is_found_by_its_shoko_ids(
    jellyfin: SimulatedJellyfin, client: JellyfinClient
) -> None:
    jellyfin.set_items([*filler(450), complete_movie_as_series()])

    found = await find_request_items(client, anime_movie_request())

    assert [item.id for item in found] == [SHOKO_MOVIE_AS_SERIES]
    assert found[0].type == "Series"


async def test_the_title_search_is_tried_first_and_finds_the_item_in_one_call(
    jellyfin: SimulatedJellyfin, client: JellyfinClient
) -> None:
    item = complete_movie_as_series() | {"Name": "Shards of a Star"}
    jellyfin.set_items([*filler(450), item])

    found = await find_request_items(client, anime_movie_request())

    assert [i.id for i in found] == [SHOKO_MOVIE_AS_SERIES]
    assert len(jellyfin.item_queries) == 1
    assert jellyfin.item_queries[0]["includeitemtypes"] == "Movie,Series"


async def test_the_scan_is_bounded(jellyfin: SimulatedJellyfin, client: JellyfinClient) -> None:
    jellyfin.set_items([*filler(MAX_SCANNED_ITEMS + PAGE_SIZE), complete_movie_as_series()])

    assert await find_request_items(client, anime_movie_request()) == []
    pages = [query for query in jellyfin.item_queries if "startindex" in query]
    assert len(pages) == MAX_SCANNED_ITEMS // PAGE_SIZE


async def test_an_item_is_recognised_by_the_file_it_plays(jellyfin: SimulatedJellyfin, client: JellyfinClient) -> None:
    movie = library_item(
        item_id=payloads.jellyfin_id("movie:Quiet Harbour"),
        name="Quiet Harbour (Director's Cut)",
        item_type="Movie",
        provider_ids={},
        path="/media/movies/Quiet Harbour (2011)/Quiet.Harbour.2011.1080p.mkv",
    )
    jellyfin.set_items([*filler(10), movie])
    request = TrackedRequest(key="r", created_at=0, updated_at=0, title="Quiet Harbour", media_type=MediaType.MOVIE)
    request.ids |= make_ids(files=("/data/media/movies/Quiet Harbour (2011)/Quiet.Harbour.2011.1080p.mkv",))

    found = await find_request_items(client, request)

    assert [item.name for item in found] == ["Quiet Harbour (Director's Cut)"]
