"""JellyfinClient against the simulated Jellyfin 12 over loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from custom_components.media_request_tracker.sources.errors import (
    CannotConnect,
    InvalidAuth,
    UnexpectedResponse,
)
from custom_components.media_request_tracker.sources.jellyfin.client import (
    JellyfinClient,
    authorization_header,
)
from simulator import payloads
from simulator.jellyfin import SERVER_ID, SimulatedJellyfin, library_item
from simulator.seerr import SimulatedSeerr
from tests.sources.fake_servers import RepeatingPageServer, StaticServer

pytestmark = pytest.mark.usefixtures("socket_enabled")

API_KEY = "jf-test-key-2c624232cdd221771294dfbb"
SERIES_ID = payloads.jellyfin_id("series:Northern Lines")
ANIME_ID = payloads.jellyfin_id("series:Starlit Relay")


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture
async def jellyfin() -> AsyncIterator[SimulatedJellyfin]:
    server = SimulatedJellyfin(API_KEY)
    server.set_items(library())
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def client(session: aiohttp.ClientSession, jellyfin: SimulatedJellyfin) -> JellyfinClient:
    return JellyfinClient(session, jellyfin.url, API_KEY)


def movie(name: str, year: int, tmdb: int, imdb: str | None = None) -> dict[str, Any]:
    providers = {"Tmdb": str(tmdb)} | ({"Imdb": imdb} if imdb else {})
    return library_item(
        item_id=payloads.jellyfin_id(f"movie:{name}"),
        name=name,
        item_type="Movie",
        provider_ids=providers,
        path=f"/data/media/movies/{name} ({year})/{name}.mkv",
        year=year,
    )


def episode(series_id: str, series_name: str, season: int, number: int, **providers: str) -> dict[str, Any]:
    return library_item(
        item_id=payloads.jellyfin_id(f"episode:{series_id}:{season}:{number}"),
        name=f"Episode {number}",
        item_type="Episode",
        provider_ids=providers,
        path=f"/data/media/tv/{series_name}/Season {season}/E{number:02d}.mkv",
        series=(series_id, series_name),
        season_id=payloads.jellyfin_id(f"season:{series_id}:{season}"),
        season_number=season,
        episode_number=number,
    )


def library() -> list[dict[str, Any]]:
    """Two movies, a regular series with two seasons, and a Shokofin anime series without a TMDB id."""
    shokofin = payloads.shokofin_provider_ids(shoko_series_id=321, anidb_id=17_001)
    return [
        movie("The Quiet Harbor", 2021, 700_007, "tt0700007"),
        movie("Harbor Lights", 2015, 700_008),
        library_item(
            item_id=SERIES_ID,
            name="Northern Lines",
            item_type="Series",
            provider_ids={"Tvdb": "812345", "Tmdb": "55"},
            path="/data/media/tv/Northern Lines",
            year=2019,
        ),
        library_item(
            item_id=payloads.jellyfin_id(f"season:{SERIES_ID}:1"),
            name="Season 1",
            item_type="Season",
            series=(SERIES_ID, "Northern Lines"),
            season_number=1,
        ),
        episode(SERIES_ID, "Northern Lines", 1, 1, Tvdb="9001"),
        episode(SERIES_ID, "Northern Lines", 1, 2, Tvdb="9002"),
        episode(SERIES_ID, "Northern Lines", 2, 1, Tvdb="9101"),
        library_item(
            item_id=ANIME_ID,
            name="Starlit Relay",
            item_type="Series",
            provider_ids=shokofin,
            path="/shokofin/vfs/Starlit Relay",
            year=2022,
        ),
    ]


# --- server check and credentials --------------------------------------------------------------------------


async def test_public_info_and_validate(client: JellyfinClient) -> None:
    info = await client.public_info()
    assert (info.id, info.server_name, info.version) == (SERVER_ID, "jellyfin", "12.0.0")
    assert await client.validate() == info


async def test_wrong_key(session: aiohttp.ClientSession, jellyfin: SimulatedJellyfin) -> None:
    wrong = JellyfinClient(session, jellyfin.url, "wrong-key-abcdef")
    assert (await wrong.public_info()).id == SERVER_ID  # public info needs no key
    with pytest.raises(InvalidAuth) as caught:
        await wrong.validate()
    assert "wrong-key-abcdef" not in str(caught.value)
    with pytest.raises(InvalidAuth):
        await wrong.items_by_ids([SERIES_ID])


async def test_legacy_token_headers_are_refused(session: aiohttp.ClientSession, jellyfin: SimulatedJellyfin) -> None:
    """Jellyfin 12 ignores the legacy headers; only the MediaBrowser authorization works."""
    for headers in ({"X-Emby-Token": API_KEY}, {"X-MediaBrowser-Token": API_KEY}):
        async with session.get(f"{jellyfin.url}/System/Info", headers=headers) as response:
            assert response.status == 401
    async with session.get(f"{jellyfin.url}/System/Info?api_key={API_KEY}") as response:
        assert response.status == 401
    async with session.get(
        f"{jellyfin.url}/System/Info", headers={"Authorization": authorization_header(API_KEY)}
    ) as response:
        assert response.status == 200


async def test_refused_connection(client: JellyfinClient, jellyfin: SimulatedJellyfin) -> None:
    await jellyfin.down()
    with pytest.raises(CannotConnect):
        await client.public_info()
    with pytest.raises(CannotConnect):
        await client.search("Harbor")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("<html>Jellyfin?</html>", "text/html"),
        ('{"ServerName": "emby", "Version": "4.8.0", "Id": "abc"}', "application/json"),
        ('{"ProductName": "Other Server", "Version": "1", "Id": "abc"}', "application/json"),
        ("{", "application/json"),
    ],
    ids=["web-page", "emby", "other-product", "broken-json"],
)
async def test_server_that_is_not_jellyfin(session: aiohttp.ClientSession, body: str, content_type: str) -> None:
    server = StaticServer(body, content_type=content_type)
    await server.start()
    try:
        with pytest.raises(UnexpectedResponse):
            await JellyfinClient(session, server.url, API_KEY).public_info()
    finally:
        await server.stop()


async def test_a_seerr_url_is_not_jellyfin(session: aiohttp.ClientSession) -> None:
    server = SimulatedSeerr()
    await server.start()
    try:
        with pytest.raises(UnexpectedResponse):
            await JellyfinClient(session, server.url, API_KEY).public_info()
    finally:
        await server.stop()


# --- look-ups ----------------------------------------------------------------------------------------------


async def test_items_by_ids(client: JellyfinClient) -> None:
    wanted = [SERIES_ID, payloads.jellyfin_id("movie:Harbor Lights"), "ffffffffffffffffffffffffffffffff"]
    items = {item.id: item for item in await client.items_by_ids(wanted)}
    assert set(items) == set(wanted[:2])
    series = items[SERIES_ID]
    assert (series.name, series.type, series.year) == ("Northern Lines", "Series", 2019)
    assert series.provider_ids == {"Tvdb": "812345", "Tmdb": "55"}
    assert series.path == "/data/media/tv/Northern Lines"
    assert await client.items_by_ids([]) == []


async def test_items_by_ids_in_chunks(client: JellyfinClient, jellyfin: SimulatedJellyfin) -> None:
    extra = [movie(f"Filler {number}", 2000, 900_000 + number) for number in range(120)]
    for item in extra:
        jellyfin.add_item(item)
    items = await client.items_by_ids(item["Id"] for item in extra)
    assert {item.id for item in items} == {item["Id"] for item in extra}


async def test_search_returns_provider_ids_and_paths(client: JellyfinClient) -> None:
    items = await client.search("harbor", ["Movie"])
    assert sorted(item.name for item in items) == ["Harbor Lights", "The Quiet Harbor"]
    quiet = next(item for item in items if item.name == "The Quiet Harbor")
    assert quiet.provider_id("tmdb") == "700007"
    assert quiet.provider_id("IMDB") == "tt0700007"
    assert quiet.path == "/data/media/movies/The Quiet Harbor (2021)/The Quiet Harbor.mkv"
    assert await client.search("harbor", ["Series"]) == []


async def test_any_provider_id_equals_is_ignored_by_jellyfin(
    session: aiohttp.ClientSession, jellyfin: SimulatedJellyfin
) -> None:
    """Why the client never uses it: the filter does nothing and every item comes back."""
    headers = {"Authorization": authorization_header(API_KEY)}
    query = "Recursive=true&IncludeItemTypes=Movie&AnyProviderIdEquals=tmdb.700007"
    async with session.get(f"{jellyfin.url}/Items?{query}", headers=headers) as response:
        body = await response.json()
    assert body["TotalRecordCount"] == 2


async def test_items_by_provider_scans_and_compares(client: JellyfinClient) -> None:
    (found,) = await client.items_by_provider("Tmdb", 700_008, ["Movie"])
    assert found.name == "Harbor Lights"
    assert await client.items_by_provider("Tmdb", 123, ["Movie"]) == []
    (series,) = await client.items_by_provider("tvdb", "812345", ["Series"])
    assert series.id == SERIES_ID


async def test_items_by_provider_finds_shokofin_series(client: JellyfinClient) -> None:
    (anime,) = await client.items_by_provider("Shoko Series", 321, ["Series"])
    assert anime.id == ANIME_ID
    assert anime.provider_id("anidb") == "17001"
    assert anime.provider_id("tmdb") is None
    (by_anidb,) = await client.items_by_provider("AniDB", "17001", ["Series"], title="Starlit")
    assert by_anidb.id == ANIME_ID


async def test_items_by_provider_with_a_title(client: JellyfinClient) -> None:
    (found,) = await client.items_by_provider("Tmdb", "700007", ["Movie"], title="Quiet Harbor")
    assert found.name == "The Quiet Harbor"
    # A title search only sees what the title matches.
    assert await client.items_by_provider("Tmdb", "700007", ["Movie"], title="Lights") == []


async def test_scan_reads_every_page(client: JellyfinClient, jellyfin: SimulatedJellyfin) -> None:
    for number in range(450):
        jellyfin.add_item(movie(f"Filler {number}", 2000, 800_000 + number))
    (last,) = await client.items_by_provider("Tmdb", 800_449, ["Movie"])
    assert last.name == "Filler 449"


async def test_episodes(client: JellyfinClient) -> None:
    everything = await client.episodes(SERIES_ID)
    assert sorted((item.season_number, item.episode_number) for item in everything) == [(1, 1), (1, 2), (2, 1)]
    first_season = await client.episodes(SERIES_ID, season=1)
    assert sorted(item.episode_number for item in first_season) == [1, 2]
    episode_one = next(item for item in first_season if item.episode_number == 1)
    assert (episode_one.series_id, episode_one.series_name) == (SERIES_ID, "Northern Lines")
    assert episode_one.season_id == payloads.jellyfin_id(f"season:{SERIES_ID}:1")
    assert episode_one.provider_id("Tvdb") == "9001"


async def test_season_number_of_a_season(client: JellyfinClient) -> None:
    (season,) = await client.items_by_ids([payloads.jellyfin_id(f"season:{SERIES_ID}:1")])
    assert (season.type, season.season_number, season.episode_number) == ("Season", 1, None)


async def test_paging_stops_when_the_server_ignores_start_index(session: aiohttp.ClientSession) -> None:
    page = {"Items": [library()[0]], "TotalRecordCount": 900}
    server = RepeatingPageServer(page)
    await server.start()
    try:
        found = await JellyfinClient(session, server.url, API_KEY).items_by_provider("Tmdb", "700007", ["Movie"])
    finally:
        await server.stop()
    assert [item.name for item in found] == ["The Quiet Harbor"]
    assert server.calls == 2


async def test_malformed_item_is_skipped(client: JellyfinClient, jellyfin: SimulatedJellyfin) -> None:
    jellyfin.add_item({"Id": "abc", "Name": "No type"})
    assert await client.items_by_ids(["abc"]) == []
    assert client.skipped == {"items": 1}


# --- webhook bodies ----------------------------------------------------------------------------------------


def test_item_added_bodies_use_lower_cased_provider_keys() -> None:
    body = payloads.jellyfin_episode_added(
        series_id=ANIME_ID,
        series_name="Starlit Relay",
        season_number=1,
        episode_number=3,
        path="/shokofin/vfs/Starlit Relay/Season 1/E03.mkv",
        provider_ids=payloads.shokofin_provider_ids(shoko_series_id=321, anidb_id=17_001, shoko_episode_id=77),
    )
    assert body["NotificationType"] == "ItemAdded"
    assert body["ItemType"] == "Episode"
    assert (body["Provider_shoko series"], body["Provider_anidb"], body["Provider_shoko episode"]) == (
        "321",
        "17001",
        "77",
    )
    assert (body["SeasonNumber"], body["SeasonNumber00"], body["EpisodeNumber000"]) == (1, "01", "003")
    assert body["SeriesId"] == ANIME_ID
    assert len(body["ItemId"]) == 32
    movie_body = payloads.jellyfin_movie_added(
        name="The Quiet Harbor", year=2021, path="/m.mkv", provider_ids={"Tmdb": "700007", "Imdb": "tt0700007"}
    )
    assert (movie_body["Provider_tmdb"], movie_body["Provider_imdb"], movie_body["Year"]) == (
        "700007",
        "tt0700007",
        2021,
    )
