"""Approving and declining a pending Seerr request through its API, against the simulated Seerr."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from custom_components.media_request_tracker.sources.errors import CannotConnect, Conflict, InvalidAuth, NotFound
from custom_components.media_request_tracker.sources.seerr.client import SeerrClient
from custom_components.media_request_tracker.sources.seerr.models import RequestStatus
from simulator.seerr import SimulatedSeerr, request_record

pytestmark = pytest.mark.usefixtures("socket_enabled")

API_KEY = "seerr-moderation-key-fcde2b2edba56bf4"


@pytest.fixture
async def seerr() -> AsyncIterator[SimulatedSeerr]:
    server = SimulatedSeerr(API_KEY)
    server.add_request(request_record(request_id=5, media_type="movie", tmdb_id=700_007, status=1, media_status=2))
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def client(seerr: SimulatedSeerr) -> AsyncIterator[SeerrClient]:
    async with aiohttp.ClientSession() as session:
        yield SeerrClient(session, seerr.url, API_KEY)


async def test_approve_pending_request(client: SeerrClient, seerr: SimulatedSeerr) -> None:
    saved = await client.approve(5)

    assert saved.id == 5
    assert saved.request_status is RequestStatus.APPROVED
    assert seerr.moderated == [(5, "approve")]
    assert (await client.request(5)).request_status is RequestStatus.APPROVED


async def test_decline_pending_request(client: SeerrClient, seerr: SimulatedSeerr) -> None:
    saved = await client.decline(5)

    assert saved.request_status is RequestStatus.DECLINED
    assert seerr.moderated == [(5, "decline")]


async def test_a_request_no_longer_pending_is_a_conflict(client: SeerrClient, seerr: SimulatedSeerr) -> None:
    await client.approve(5)
    with pytest.raises(Conflict):
        await client.decline(5)
    assert (await client.request(5)).request_status is RequestStatus.APPROVED


async def test_unknown_request_is_not_found(client: SeerrClient, seerr: SimulatedSeerr) -> None:
    with pytest.raises(NotFound):
        await client.approve(404)
    assert seerr.moderated == []


async def test_wrong_key_and_server_down(seerr: SimulatedSeerr) -> None:
    async with aiohttp.ClientSession() as session:
        with pytest.raises(InvalidAuth) as caught:
            await SeerrClient(session, seerr.url, "wrong-key").approve(5)
        assert "wrong-key" not in str(caught.value)
        await seerr.down()
        with pytest.raises(CannotConnect):
            await SeerrClient(session, seerr.url, API_KEY).decline(5)
    assert seerr.moderated == []
