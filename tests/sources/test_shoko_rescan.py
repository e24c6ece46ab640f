"""Asking Shoko to rescan a file, against the simulated Shoko."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from custom_components.media_request_tracker.sources.errors import (
    CannotConnect,
    InvalidAuth,
    NotFound,
    UnexpectedResponse,
)
from custom_components.media_request_tracker.sources.shoko.client import ShokoClient
from simulator.shoko import SimulatedShoko

pytestmark = pytest.mark.usefixtures("socket_enabled")

API_KEY = "7a3c1e5f-2b4d-4c6e-8f0a-1b3d5f7a9c2e"


@pytest.fixture
async def shoko() -> AsyncIterator[SimulatedShoko]:
    server = SimulatedShoko(api_key=API_KEY)
    server.set_import_folder(1, "/data/anime/")
    server.add_file(41, size=1_000_000, locations=[(1, "Show/Show - 01.mkv")])
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


async def test_rescan_queues_a_prioritised_lookup(session: aiohttp.ClientSession, shoko: SimulatedShoko) -> None:
    client = ShokoClient(session, shoko.url, api_key=API_KEY)
    await client.rescan_file(41)
    await client.rescan_file(41, priority=False)

    assert shoko.rescans == [(41, True), (41, False)]


async def test_unknown_file_and_file_without_location(session: aiohttp.ClientSession, shoko: SimulatedShoko) -> None:
    client = ShokoClient(session, shoko.url, api_key=API_KEY)
    with pytest.raises(NotFound):
        await client.rescan_file(99)
    shoko.add_file(42, size=1, locations=[])
    with pytest.raises(UnexpectedResponse):
        await client.rescan_file(42)
    assert shoko.rescans == []


async def test_wrong_key_and_server_down(session: aiohttp.ClientSession, shoko: SimulatedShoko) -> None:
    with pytest.raises(InvalidAuth) as caught:
        await ShokoClient(session, shoko.url, api_key="wrong-key").rescan_file(41)
    assert "wrong-key" not in str(caught.value)
    await shoko.down()
    with pytest.raises(CannotConnect):
        await ShokoClient(session, shoko.url, api_key=API_KEY).rescan_file(41)
    assert shoko.rescans == []
