"""Webhook bodies read whole over real HTTP on loopback, however they are delivered.

A plain aiohttp server answers with what `read_json_object` read (or the status its error stands for); a raw
socket client sends the headers and the body separately: in one write, in parts with pauses, and chunked.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
import json
from typing import Any

from aiohttp import web
import pytest

from custom_components.media_request_tracker.sources.webhook_body import (
    MAX_DEPTH,
    BodyTooLarge,
    NotAnObject,
    NotJson,
    TooDeeplyNested,
    WebhookBodyError,
    parse_json_object,
    read_json_object,
)

pytestmark = pytest.mark.usefixtures("socket_enabled")

LIMIT = 1 << 20
PAUSE = 0.02

type Send = Callable[[asyncio.StreamWriter, bytes], Coroutine[Any, Any, None]]


async def _receive(request: web.Request) -> web.Response:
    try:
        body = await read_json_object(request, limit=LIMIT)
    except WebhookBodyError as err:
        return web.Response(status=err.status, text=type(err).__name__)
    return web.json_response({"keys": sorted(body), "padding": len(body.get("padding", ""))})


@pytest.fixture
async def port() -> AsyncIterator[int]:
    app = web.Application()
    app.router.add_post("/hook", _receive)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server = site._server
    assert isinstance(server, asyncio.Server)
    yield server.sockets[0].getsockname()[1]
    await runner.cleanup()


def grab_body(size: int) -> bytes:
    """A Radarr-like Grab body of `size` bytes."""
    empty = len(json.dumps({"eventType": "Grab", "padding": ""}))
    return json.dumps({"eventType": "Grab", "padding": "x" * (size - empty)}).encode()


def parts(body: bytes, count: int) -> list[bytes]:
    step = -(-len(body) // count)
    return [body[start : start + step] for start in range(0, len(body), step)]


async def send_whole(writer: asyncio.StreamWriter, body: bytes) -> None:
    writer.write(f"Content-Length: {len(body)}\r\n\r\n".encode())
    await writer.drain()
    writer.write(body)


async def send_in_parts(writer: asyncio.StreamWriter, body: bytes) -> None:
    writer.write(f"Content-Length: {len(body)}\r\n\r\n".encode())
    for part in parts(body, 4):
        await writer.drain()
        await asyncio.sleep(PAUSE)
        writer.write(part)


async def send_chunked(writer: asyncio.StreamWriter, body: bytes) -> None:
    writer.write(b"Transfer-Encoding: chunked\r\n\r\n")
    for part in parts(body, 4):
        await writer.drain()
        await asyncio.sleep(PAUSE)
        writer.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
    writer.write(b"0\r\n\r\n")


DELIVERIES: dict[str, Send] = {"whole": send_whole, "in-parts": send_in_parts, "chunked": send_chunked}


async def post(port: int, body: bytes, send: Send) -> tuple[int, bytes]:
    """POST `body` over a raw socket, headers first, and return the status and the answer's body."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        head = "POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\n"
        writer.write(head.encode())
        await writer.drain()
        try:
            await send(writer, body)
            await writer.drain()
        except ConnectionError:
            pass  # The server answered before the whole body was sent (413) and closed.
        answer = await reader.read()
    finally:
        writer.close()
    status_line, _, rest = answer.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


@pytest.mark.parametrize("delivery", DELIVERIES)
@pytest.mark.parametrize("size", [4 * 1024, 64 * 1024, 900 * 1024])
async def test_bodies_are_read_whole(port: int, delivery: str, size: int) -> None:
    body = grab_body(size)
    status, answer = await post(port, body, DELIVERIES[delivery])
    assert len(body) == size
    assert status == 200
    assert json.loads(answer) == {"keys": ["eventType", "padding"], "padding": len(json.loads(body)["padding"])}


@pytest.mark.parametrize("delivery", DELIVERIES)
async def test_a_body_over_the_limit_is_413(port: int, delivery: str) -> None:
    status, answer = await post(port, grab_body(LIMIT + 1), DELIVERIES[delivery])
    assert (status, answer) == (413, b"BodyTooLarge")


@pytest.mark.parametrize("delivery", DELIVERIES)
async def test_deep_nesting_is_400_without_a_traceback(
    port: int, delivery: str, caplog: pytest.LogCaptureFixture
) -> None:
    body = b'{"a":' + b"[" * 10_000 + b"]" * 10_000 + b"}"
    status, answer = await post(port, body, DELIVERIES[delivery])
    assert (status, answer) == (400, b"TooDeeplyNested")
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"", NotJson),
        (b"{", NotJson),
        (b"\xff\xfe{}", NotJson),
        (b"[1, 2]", NotAnObject),
        (b'"text"', NotAnObject),
        (b'{"a": ' + b"[" * (MAX_DEPTH) + b"]" * (MAX_DEPTH) + b"}", TooDeeplyNested),
    ],
)
def test_bodies_that_are_not_one_json_object(body: bytes, error: type[WebhookBodyError]) -> None:
    with pytest.raises(error):
        parse_json_object(body)


def test_brackets_inside_strings_do_not_count_and_strings_are_cleaned() -> None:
    nested = b'{"a": ' + b"[" * (MAX_DEPTH - 1) + b"]" * (MAX_DEPTH - 1) + b"}"
    assert parse_json_object(nested)["a"]
    body = json.dumps({"title": "[[[{{{" * 100 + '\\"', "bad": "x\ud800\u0000y"}).encode()
    parsed = parse_json_object(body)
    assert parsed["title"].startswith("[[[{{{")
    assert parsed["bad"] == "x\ufffdy"


def test_errors_say_their_status() -> None:
    assert (BodyTooLarge.status, NotJson.status, NotAnObject.status, TooDeeplyNested.status) == (413, 400, 400, 400)
