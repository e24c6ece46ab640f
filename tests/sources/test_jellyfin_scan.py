"""Scanning the Jellyfin library and linking to an item's web page, against the simulated Jellyfin."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from custom_components.media_request_tracker.sources.errors import CannotConnect, InvalidAuth
from custom_components.media_request_tracker.sources.jellyfin.client import JellyfinClient, item_web_url
from simulator.jellyfin import SERVER_ID, SimulatedJellyfin, library_item

pytestmark = pytest.mark.usefixtures("socket_enabled")

API_KEY = "jellyfin-scan-key-e3b0c44298fc1c14"
ITEM_ID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"


@pytest.fixture
async def jellyfin() -> AsyncIterator[SimulatedJellyfin]:
    server = SimulatedJellyfin(API_KEY)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


async def test_scan_lists_the_new_file(session: aiohttp.ClientSession, jellyfin: SimulatedJellyfin) -> None:
    jellyfin.add_unscanned_item(library_item(item_id=ITEM_ID, name="The Quiet Harbor", item_type="Movie", year=2021))
    client = JellyfinClient(session, jellyfin.url, API_KEY)
    assert await client.items_by_ids([ITEM_ID]) == []

    await client.refresh_library()

    assert jellyfin.scans_run == 1
    assert [item.id for item in await client.items_by_ids([ITEM_ID])] == [ITEM_ID]


async def test_scan_needs_the_key_and_the_server(session: aiohttp.ClientSession, jellyfin: SimulatedJellyfin) -> None:
    with pytest.raises(InvalidAuth) as caught:
        await JellyfinClient(session, jellyfin.url, "wrong-key").refresh_library()
    assert "wrong-key" not in str(caught.value)
    await jellyfin.down()
    with pytest.raises(CannotConnect):
        await JellyfinClient(session, jellyfin.url, API_KEY).refresh_library()
    assert jellyfin.scans_run == 0


async def test_item_web_url_uses_the_public_server_id(
    session: aiohttp.ClientSession, jellyfin: SimulatedJellyfin
) -> None:
    info = await JellyfinClient(session, jellyfin.url + "/", API_KEY).public_info()

    assert info.id == SERVER_ID
    assert item_web_url(jellyfin.url + "/", ITEM_ID, info.id) == (
        f"{jellyfin.url}/web/#/details?id={ITEM_ID}&serverId={SERVER_ID}"
    )
