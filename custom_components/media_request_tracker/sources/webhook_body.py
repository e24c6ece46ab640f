"""Reading a webhook body whole, bounded, as one JSON object.

`request.content.read(n)` returns what has arrived so far, not `n` bytes: a body delivered in parts (as real
networks and many HTTP clients send it) was cut short, and so was every body past aiohttp's first buffer. This
reads until the end of the body, whatever the delivery (chunked, or a Content-Length written in parts), and stops
as soon as the size passes the limit. Deep nesting is refused before parsing: `json.loads` recurses per level, and
ten thousand levels fit in 20 KB.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final, cast

from aiohttp import web

from .payload import clean_json

MAX_DEPTH: Final = 64
"""Nesting levels a webhook body may have; the deepest upstream body (Sonarr's import-complete) has five."""

_STRINGS: Final = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKETS: Final = re.compile(rb"[\[\]{}]")


class WebhookBodyError(Exception):
    """A webhook body that is not one bounded JSON object; the message never holds the body."""

    status: int = 400


class BodyTooLarge(WebhookBodyError):
    """The body is larger than the limit (answer 413)."""

    status = 413


class NotJson(WebhookBodyError):
    """The body is not JSON text (answer 400)."""


class NotAnObject(WebhookBodyError):
    """The body is JSON, but not an object (answer 400)."""


class TooDeeplyNested(WebhookBodyError):
    """The body nests deeper than `MAX_DEPTH` levels (answer 400)."""


async def read_json_object(request: web.Request, *, limit: int) -> dict[str, Any]:
    """The whole body of `request` as a JSON object, its strings cleaned (`payload.clean_json`).

    Raises `BodyTooLarge` past `limit` bytes (before reading, when the Content-Length says so), and `NotJson`,
    `NotAnObject` or `TooDeeplyNested` for a body that is not one reasonable JSON object.
    """
    if request.content_length is not None and request.content_length > limit:
        raise BodyTooLarge(f"the body is larger than {limit} bytes")
    body = bytearray()
    async for chunk in request.content.iter_any():
        body += chunk
        if len(body) > limit:
            raise BodyTooLarge(f"the body is larger than {limit} bytes")
    return parse_json_object(bytes(body))


def parse_json_object(body: bytes) -> dict[str, Any]:
    """`body` as a JSON object, its depth checked before it is parsed."""
    _check_depth(body)
    try:
        value = json.loads(body)
    except (ValueError, RecursionError) as err:
        raise NotJson("the body is not JSON") from err
    if not isinstance(value, dict):
        raise NotAnObject("the body is not a JSON object")
    return cast(dict[str, Any], clean_json(value, body))


def _check_depth(body: bytes) -> None:
    """Raise `TooDeeplyNested` when the brackets outside strings nest deeper than `MAX_DEPTH`."""
    depth = 0
    for bracket in _BRACKETS.finditer(_STRINGS.sub(b'""', body)):
        depth += 1 if bracket[0] in b"[{" else -1
        if depth > MAX_DEPTH:
            raise TooDeeplyNested(f"the body nests deeper than {MAX_DEPTH} levels")
