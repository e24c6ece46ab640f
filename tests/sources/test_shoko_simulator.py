"""The simulated Shoko hub speaks ASP.NET Core SignalR the way Shoko v5 does (checked with a raw websocket)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import json
from typing import Any

import aiohttp
import pytest

from simulator.shoko import V6_VERSION, SimulatedShoko, cross_reference, file_event

pytestmark = pytest.mark.usefixtures("socket_enabled")

API_KEY = "8d7f0c52-1b7e-4c55-9a0e-5f3c2d1b0a99"
RS = "\x1e"


@pytest.fixture
async def shoko() -> AsyncIterator[SimulatedShoko]:
    server = SimulatedShoko(api_key=API_KEY)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


class RawHubClient:
    """A bare SignalR JSON client: just enough protocol to check the server's side of it."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        self.socket = socket
        self._records: list[str] = []

    async def send(self, message: dict[str, Any]) -> None:
        await self.socket.send_str(json.dumps(message) + RS)

    async def receive(self) -> dict[str, Any]:
        """The next SignalR message (a frame may hold several)."""
        while not self._records:
            frame = await self.socket.receive(timeout=3)
            assert frame.type is aiohttp.WSMsgType.TEXT, frame
            self._records = [record for record in frame.data.split(RS) if record]
        message: dict[str, Any] = json.loads(self._records.pop(0))
        return message


async def negotiate(
    session: aiohttp.ClientSession, shoko: SimulatedShoko, query: str = "feeds=shoko"
) -> tuple[int, Any]:
    async with session.post(
        f"{shoko.url}/signalr/aggregate/negotiate?{query}", headers={"apikey": API_KEY}
    ) as response:
        return response.status, await response.json() if response.status == 200 else None


async def open_hub(session: aiohttp.ClientSession, shoko: SimulatedShoko, feeds: str = "shoko") -> RawHubClient:
    """Negotiate, connect the websocket with the connection id, and complete the handshake."""
    _status, body = await negotiate(session, shoko, f"feeds={feeds}")
    socket = await session.ws_connect(
        f"{shoko.url}/signalr/aggregate?feeds={feeds}&id={body['connectionId']}", headers={"apikey": API_KEY}
    )
    await socket.send_str(json.dumps({"protocol": "json", "version": 1}) + RS)
    reply = await socket.receive(timeout=3)
    assert reply.data == "{}" + RS
    return RawHubClient(socket)


async def test_negotiate_answers_protocol_v0_with_a_connection_id(
    shoko: SimulatedShoko, session: aiohttp.ClientSession
) -> None:
    status, body = await negotiate(session, shoko)

    assert status == 200
    assert isinstance(body["connectionId"], str)
    assert body["connectionId"]
    assert body["negotiateVersion"] == 0
    assert "connectionToken" not in body
    transports = {item["transport"]: item["transferFormats"] for item in body["availableTransports"]}
    assert "Text" in transports["WebSockets"]


async def test_negotiate_v1_connects_with_the_token(shoko: SimulatedShoko, session: aiohttp.ClientSession) -> None:
    _status, body = await negotiate(session, shoko, "feeds=shoko&negotiateVersion=1")
    assert body["connectionToken"] != body["connectionId"]

    async with session.ws_connect(
        f"{shoko.url}/signalr/aggregate?feeds=shoko&id={body['connectionToken']}", headers={"apikey": API_KEY}
    ) as socket:
        await socket.send_str('{"protocol":"json","version":1}' + RS)
        assert (await socket.receive(timeout=3)).data == "{}" + RS


async def test_handshake_greeting_and_broadcast(shoko: SimulatedShoko, session: aiohttp.ClientSession) -> None:
    client = await open_hub(session, shoko)

    greeting = await client.receive()
    assert greeting == {"type": 1, "target": "ShokoEvent:OnConnected", "arguments": [None]}
    assert shoko.connected_clients == 1

    payload = file_event(42, 421, 1, "Frieren/Frieren - 03.mkv", [{"SeriesID": 12, "AnidbAnimeID": 17835}])
    assert await shoko.broadcast("ShokoEvent:FileMatched", payload) == 1
    assert await client.receive() == {"type": 1, "target": "ShokoEvent:FileMatched", "arguments": [payload]}
    await client.socket.close()


async def test_connection_ids_are_single_use(shoko: SimulatedShoko, session: aiohttp.ClientSession) -> None:
    _status, body = await negotiate(session, shoko)
    url = f"{shoko.url}/signalr/aggregate?feeds=shoko&id={body['connectionId']}"
    first = await session.ws_connect(url, headers={"apikey": API_KEY})
    await first.close()

    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await session.ws_connect(url, headers={"apikey": API_KEY})

    assert refused.value.status == 404
    assert shoko.rejected_ids == [body["connectionId"]]


async def test_unknown_connection_id_is_404(shoko: SimulatedShoko, session: aiohttp.ClientSession) -> None:
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await session.ws_connect(f"{shoko.url}/signalr/aggregate?id=nope", headers={"apikey": API_KEY})

    assert refused.value.status == 404


async def test_v5_hub_admits_a_wrong_key_but_rest_refuses_it(
    shoko: SimulatedShoko, session: aiohttp.ClientSession
) -> None:
    """Shoko 5's `AggregateHub` has no `[Authorize]`: a wrong key connects; only the REST calls answer 401."""
    async with session.post(f"{shoko.url}/signalr/aggregate/negotiate?apikey=wrong") as response:
        assert response.status == 200
    async with session.get(f"{shoko.url}/api/v3/ImportFolder", headers={"apikey": "wrong"}) as response:
        assert response.status == 401


async def test_v6_hub_refuses_a_wrong_key(shoko: SimulatedShoko, session: aiohttp.ClientSession) -> None:
    shoko.version = V6_VERSION
    async with session.post(f"{shoko.url}/signalr/aggregate/negotiate?apikey=wrong") as response:
        assert response.status == 401
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await session.ws_connect(f"{shoko.url}/signalr/aggregate", headers={"apikey": "wrong"})
    assert refused.value.status == 401


async def test_v5_hub_admits_no_key_but_v6_requires_one(shoko: SimulatedShoko, session: aiohttp.ClientSession) -> None:
    async with session.post(f"{shoko.url}/signalr/aggregate/negotiate") as response:
        assert response.status == 200

    shoko.version = V6_VERSION
    async with session.post(f"{shoko.url}/signalr/aggregate/negotiate") as response:
        assert response.status == 401
    async with session.post(
        f"{shoko.url}/signalr/aggregate/negotiate", headers={"Authorization": f"Bearer {API_KEY}"}
    ) as response:
        assert response.status == 200


async def test_events_go_only_to_clients_of_their_feed(shoko: SimulatedShoko, session: aiohttp.ClientSession) -> None:
    client = await open_hub(session, shoko, feeds="queue")

    assert (await client.receive())["target"] == "Queue:OnConnected"
    assert await shoko.broadcast("ShokoEvent:FileHashed", {"FileID": 1}) == 0
    await client.socket.close()


async def test_pings_both_ways(session: aiohttp.ClientSession) -> None:
    shoko = SimulatedShoko(api_key=API_KEY, keepalive_interval=0.05)
    await shoko.start()
    try:
        client = await open_hub(session, shoko)
        await client.receive()  # greeting
        assert await client.receive() == {"type": 6}
        await client.send({"type": 6})
        await client.send({"type": 6})
        await client.socket.close()
        await shoko.wait_for_clients(0)
        assert shoko.pings_received == 2
    finally:
        await shoko.stop()


async def test_drop_sends_a_close_message_then_closes(shoko: SimulatedShoko, session: aiohttp.ClientSession) -> None:
    client = await open_hub(session, shoko)
    await client.receive()  # greeting

    # The server waits for the client's answer to its close, so read while it drops.
    dropping = asyncio.create_task(shoko.drop_connections(error="Server restarting"))

    assert await client.receive() == {"type": 7, "allowReconnect": True, "error": "Server restarting"}
    assert (await client.socket.receive(timeout=3)).type is aiohttp.WSMsgType.CLOSE
    assert await dropping == 1
    await shoko.wait_for_clients(0)


async def test_client_close_message_ends_the_connection(shoko: SimulatedShoko, session: aiohttp.ClientSession) -> None:
    client = await open_hub(session, shoko)
    await client.receive()  # greeting

    await client.send({"type": 7})

    assert (await client.socket.receive(timeout=3)).type is aiohttp.WSMsgType.CLOSE
    await shoko.wait_for_clients(0)


async def test_unsupported_protocol_is_refused_in_the_handshake(
    shoko: SimulatedShoko, session: aiohttp.ClientSession
) -> None:
    _status, body = await negotiate(session, shoko)
    async with session.ws_connect(
        f"{shoko.url}/signalr/aggregate?id={body['connectionId']}", headers={"apikey": API_KEY}
    ) as socket:
        await socket.send_str('{"protocol":"messagepack","version":1}' + RS)
        reply = await socket.receive(timeout=3)

    assert "error" in json.loads(reply.data.rstrip(RS))
    assert shoko.connected_clients == 0


async def test_silent_client_times_out(session: aiohttp.ClientSession) -> None:
    shoko = SimulatedShoko(api_key=API_KEY, client_timeout=0.2)
    await shoko.start()
    try:
        client = await open_hub(session, shoko)
        await client.receive()  # greeting
        closing = await client.receive()
        assert closing["type"] == 7
        assert "timeout" in closing["error"]
        assert (await client.socket.receive(timeout=3)).type is aiohttp.WSMsgType.CLOSE
        await shoko.wait_for_clients(0)
    finally:
        await shoko.stop()


async def test_down_closes_hub_connections(shoko: SimulatedShoko, session: aiohttp.ClientSession) -> None:
    client = await open_hub(session, shoko)
    await client.receive()  # greeting

    await shoko.down()

    frame = await client.socket.receive(timeout=3)
    assert frame.type is aiohttp.WSMsgType.CLOSE
    assert frame.data == 1001
    assert shoko.connected_clients == 0


async def test_requests_are_recorded_with_where_the_key_was(
    shoko: SimulatedShoko, session: aiohttp.ClientSession
) -> None:
    async with session.post(f"{shoko.url}/signalr/aggregate/negotiate?feeds=shoko&apikey={API_KEY}"):
        pass

    [request] = shoko.hub_requests
    assert (request.path, request.feeds) == ("/signalr/aggregate/negotiate", "shoko")
    assert (request.key_in_header, request.key_in_query) == (False, True)


def test_file_event_from_stored_state_uses_shoko_keys(shoko: SimulatedShoko) -> None:
    shoko.add_file(
        42,
        size=1,
        locations=[(1, "Frieren/Frieren - 03.mkv")],
        cross_references=[cross_reference(12, 17835, [(301, 9)])],
    )

    event = shoko.file_event(42)

    assert event == {
        "FileID": 42,
        "FileLocationID": 421,
        "ImportFolderID": 1,
        "RelativePath": "Frieren/Frieren - 03.mkv",
        "CrossReferences": [
            {"EpisodeID": 301, "AnidbEpisodeID": 9, "SeriesID": 12, "AnidbAnimeID": 17835, "GroupID": None}
        ],
    }


def test_legacy_file_event_uses_cross_refs() -> None:
    event = file_event(1, 2, 3, "a.mkv", [], legacy_key=True, FileName="a.mkv", PreviousFileName="b.mkv")

    assert "CrossRefs" in event
    assert "CrossReferences" not in event
    assert event["PreviousFileName"] == "b.mkv"
