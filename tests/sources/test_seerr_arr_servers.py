"""Seerr's Radarr/Sonarr settings: which configured instance is Seerr's 4K server, read from the simulated Seerr."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from custom_components.media_request_tracker.sources.seerr.client import SeerrClient
from custom_components.media_request_tracker.sources.seerr.models import SeerrArrServer
from simulator.seerr import SimulatedSeerr

pytestmark = pytest.mark.usefixtures("socket_enabled")


@pytest.fixture
async def seerr() -> AsyncIterator[SimulatedSeerr]:
    server = SimulatedSeerr()
    await server.start()
    yield server
    await server.stop()


async def test_the_servers_say_which_is_4k(seerr: SimulatedSeerr) -> None:
    seerr.add_arr_server("sonarr", name="Sonarr", url="http://sonarr:8989", is_4k=False)
    seerr.add_arr_server("sonarr", name="Sonarr 4K", url="https://10.0.0.5:9898/sonarr4k/", is_4k=True)
    seerr.bad_records = [{"id": "not a server"}]
    async with aiohttp.ClientSession() as session:
        client = SeerrClient(session, seerr.url, seerr.api_key)
        servers = await client.arr_servers("sonarr")
        assert await client.arr_servers("radarr") == []
    assert [(server.name, server.is_4k) for server in servers] == [("Sonarr", False), ("Sonarr 4K", True)]
    assert client.skipped["sonarr"] == 1, "a record that does not read costs only itself"
    assert "arr-key" not in repr(servers), "the *arr's key is not kept"

    hd, uhd = servers
    assert hd.serves("http://sonarr:8989")
    assert hd.serves("http://SONARR:8989/")
    assert not hd.serves("http://sonarr:8990")
    assert uhd.serves("https://10.0.0.5:9898/sonarr4k")
    assert not uhd.serves("https://10.0.0.5:9898/")


def test_a_default_port_is_the_scheme_s() -> None:
    server = SeerrArrServer(
        id=0, name="R", hostname="radarr.example", port=443, use_ssl=True, base_url="", is_4k=True, is_default=True
    )
    assert server.serves("https://radarr.example")
    assert not server.serves("http://radarr.example")
