"""The Shoko REST client against the simulated Shoko Server over real HTTP on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aiohttp
import pytest

from custom_components.media_request_tracker.sources.errors import (
    CannotConnect,
    InvalidAuth,
    UnexpectedResponse,
)
from custom_components.media_request_tracker.sources.payload import PayloadError
from custom_components.media_request_tracker.sources.shoko.client import ShokoClient
from custom_components.media_request_tracker.sources.shoko.models import ShokoVersion
from simulator.shoko import V5_VERSION, V6_VERSION, SimulatedShoko, cross_reference

# The Home Assistant test plugin blocks sockets; these tests talk to a server on loopback.
pytestmark = pytest.mark.usefixtures("socket_enabled")

API_KEY = "0c1f5a3e-6d0b-4a8e-9f4f-2b7d9f1c3a55"


@pytest.fixture
async def shoko() -> AsyncIterator[SimulatedShoko]:
    server = SimulatedShoko(api_key=API_KEY, users={"admin": "hunter2"})
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture
def client(shoko: SimulatedShoko, session: aiohttp.ClientSession) -> ShokoClient:
    return ShokoClient(session, shoko.url, api_key=API_KEY)


def add_matched_episode(shoko: SimulatedShoko) -> None:
    """A file of an anime episode, matched to Shoko series 12 (AniDB 17835, TMDB show 209867)."""
    shoko.set_import_folder(1, "/mnt/anime", name="Anime")
    shoko.add_file(
        42,
        size=1_468_006_400,
        locations=[(1, "Frieren/Season 1/Frieren - S01E03.mkv")],
        cross_references=[cross_reference(12, 17835, [(301, 273880)], tmdb_show_ids=[209867])],
        ed2k="AB12CD34EF56AB12CD34EF56AB12CD34",
    )


async def test_login_returns_the_key_and_uses_it(shoko: SimulatedShoko, session: aiohttp.ClientSession) -> None:
    client = ShokoClient(session, shoko.url)
    shoko.set_import_folder(1, "/mnt/anime")

    key = await client.login("admin", "hunter2", "Home Assistant")

    assert key == API_KEY
    assert client.api_key == API_KEY
    assert [folder.id for folder in await client.import_folders()] == [1]


async def test_login_with_a_wrong_password_is_invalid_auth(
    shoko: SimulatedShoko, session: aiohttp.ClientSession
) -> None:
    client = ShokoClient(session, shoko.url)

    with pytest.raises(InvalidAuth):
        await client.login("admin", "wrong", "Home Assistant")
    assert client.api_key is None


async def test_login_with_an_empty_user_is_invalid_auth(shoko: SimulatedShoko, session: aiohttp.ClientSession) -> None:
    with pytest.raises(InvalidAuth, match="empty user"):
        await ShokoClient(session, shoko.url).login("  ", "hunter2", "Home Assistant")


async def test_version_of_a_v5_server_is_supported(client: ShokoClient) -> None:
    version = await client.version()

    assert version.version == V5_VERSION
    assert version.major == 5
    assert version.is_supported
    assert version.channel == "Stable"
    assert version.tag == "v5.3.3"
    assert version.released == datetime(2026, 6, 6, tzinfo=UTC)


async def test_version_of_a_v6_server_is_unsupported(shoko: SimulatedShoko, client: ShokoClient) -> None:
    shoko.version = V6_VERSION

    version = await client.version()

    assert version.major == 6
    assert not version.is_supported
    assert version.channel == "Dev"


@pytest.mark.parametrize(
    ("reported", "major", "supported"),
    [("5.0.0.0", 5, True), ("v5.3.3", 5, True), ("4.2.2.0", 4, False), ("6.0.0", 6, False), ("dev", None, False)],
)
def test_version_parsing(reported: str, major: int | None, supported: bool) -> None:
    version = ShokoVersion.from_json({"Server": {"Version": reported}})

    assert version.major == major
    assert version.is_supported is supported
    assert version.released is None


def test_version_without_a_server_entry_does_not_read() -> None:
    with pytest.raises(PayloadError):
        ShokoVersion.from_json({"version": "5.3.3"})


async def test_file_with_locations_and_cross_references(shoko: SimulatedShoko, client: ShokoClient) -> None:
    add_matched_episode(shoko)

    file = await client.file(42)

    assert file.id == 42
    assert file.size == 1_468_006_400
    assert file.ed2k == "AB12CD34EF56AB12CD34EF56AB12CD34"
    [location] = file.locations
    assert (location.import_folder_id, location.relative_path) == (1, "Frieren/Season 1/Frieren - S01E03.mkv")
    assert location.accessible is True
    [xref] = file.cross_references
    assert (xref.series_id, xref.anidb_anime_id) == (12, 17835)
    assert xref.episode_ids == (301,)
    assert xref.anidb_episode_ids == (273880,)
    assert xref.tmdb_show_ids == (209867,)
    assert xref.tmdb_movie_ids == ()


async def test_unmatched_file_has_no_cross_references(shoko: SimulatedShoko, client: ShokoClient) -> None:
    shoko.add_file(7, size=10, locations=[(1, "unknown.mkv")])

    assert (await client.file(7)).cross_references == ()


async def test_cross_reference_to_a_series_not_created_yet(shoko: SimulatedShoko, client: ShokoClient) -> None:
    shoko.add_file(8, size=10, locations=[(1, "new.mkv")], cross_references=[cross_reference(None, 555, [(None, 9)])])

    [xref] = (await client.file(8)).cross_references

    assert xref.series_id is None
    assert xref.anidb_anime_id == 555
    assert xref.episode_ids == ()
    assert xref.anidb_episode_ids == (9,)


async def test_missing_file_is_unexpected_response(client: ShokoClient) -> None:
    with pytest.raises(UnexpectedResponse, match="404"):
        await client.file(999)


async def test_file_that_is_not_shoko_shaped_is_unexpected_response(shoko: SimulatedShoko, client: ShokoClient) -> None:
    shoko.set_files([{"ID": 5, "Size": "big", "Locations": []}])

    with pytest.raises(UnexpectedResponse, match="Size"):
        await client.file(5)


async def test_files_path_ends_with_matches_the_full_server_path(shoko: SimulatedShoko, client: ShokoClient) -> None:
    add_matched_episode(shoko)
    shoko.add_file(43, size=1, locations=[(1, "Other/Other - S01E01.mkv")])

    # Case and separators differ from what Shoko stores; the import folder path counts as part of the path.
    found = await client.files_path_ends_with("anime\\frieren/season 1/FRIEREN - S01E03.mkv", limit=5)

    assert [file.id for file in found] == [42]
    assert found[0].cross_references[0].series_id == 12


async def test_files_path_ends_with_honours_the_limit(shoko: SimulatedShoko, client: ShokoClient) -> None:
    shoko.set_import_folder(1, "/mnt/anime")
    for file_id in (1, 2, 3):
        shoko.add_file(file_id, size=1, locations=[(1, f"Show {file_id}/episode.mkv")])

    assert len(await client.files_path_ends_with("episode.mkv", limit=2)) == 2
    assert len(await client.files_path_ends_with("episode.mkv", limit=500)) == 3
    assert await client.files_path_ends_with("   ") == []


async def test_series_ids(shoko: SimulatedShoko, client: ShokoClient) -> None:
    shoko.add_series(
        12,
        name="Frieren: Beyond Journey's End",
        anidb_id=17835,
        tmdb_show_ids=[209867],
        tvdb_ids=[424536],
        imdb_ids=["tt22248376"],
    )

    series = await client.series(12)

    assert series.id == 12
    assert series.name == "Frieren: Beyond Journey's End"
    assert series.anidb_id == 17835
    assert series.tmdb_show_ids == (209867,)
    assert series.tmdb_movie_ids == ()
    assert series.tvdb_ids == (424536,)
    assert series.imdb_ids == ("tt22248376",)


async def test_import_folder(shoko: SimulatedShoko, client: ShokoClient) -> None:
    shoko.set_import_folder(3, "/data/anime-movies", name="Anime movies")

    folder = await client.import_folder(3)

    assert (folder.id, folder.name, folder.path) == (3, "Anime movies", "/data/anime-movies")


async def test_wrong_key_is_invalid_auth(shoko: SimulatedShoko, session: aiohttp.ClientSession) -> None:
    add_matched_episode(shoko)
    client = ShokoClient(session, shoko.url, api_key="not-the-key")

    with pytest.raises(InvalidAuth):
        await client.file(42)
    with pytest.raises(InvalidAuth):
        await client.import_folders()


async def test_stopped_server_is_cannot_connect(shoko: SimulatedShoko, client: ShokoClient) -> None:
    await shoko.down()

    with pytest.raises(CannotConnect):
        await client.version()


async def test_a_server_that_is_not_shoko_is_unexpected_response(
    session: aiohttp.ClientSession,
) -> None:
    # Any web server answers /api/v3/Init/Version with a 404 page; here the simulator's own unrelated route.
    server = SimulatedShoko(api_key=API_KEY)
    await server.start()
    try:
        client = ShokoClient(session, f"{server.url}/not-shoko", api_key=API_KEY)
        with pytest.raises(UnexpectedResponse):
            await client.version()
    finally:
        await server.stop()
