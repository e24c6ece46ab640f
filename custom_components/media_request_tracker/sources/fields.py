"""Typed reads of decoded JSON for the upstream clients.

A client parses only the fields it uses and raises `UnexpectedResponse` when one is missing or has the wrong
type, so a server that is not what it was configured as gives one clear error instead of a `KeyError` deep in the
tracker. `what` names the thing being read ("Radarr queue record"); messages carry field names, never values,
because values can be URLs with webhook ids or other secrets.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .errors import UnexpectedResponse


def json_object(value: Any, what: str) -> Mapping[str, Any]:
    """Return `value` as a JSON object or raise."""
    if not isinstance(value, Mapping):
        raise UnexpectedResponse(f"{what}: expected an object, got {type(value).__name__}")
    return value


def json_list(value: Any, what: str) -> list[Any]:
    """Return `value` as a JSON array or raise."""
    if not isinstance(value, list):
        raise UnexpectedResponse(f"{what}: expected a list, got {type(value).__name__}")
    return value


def list_field(obj: Mapping[str, Any], key: str, what: str) -> list[Any]:
    """An array field; absent or null counts as empty (the .NET servers leave out nulls)."""
    value = obj.get(key)
    return [] if value is None else json_list(value, f"{what} {key}")


def int_field(obj: Mapping[str, Any], key: str, what: str) -> int:
    """A required integer field (JSON booleans are not integers here)."""
    value = obj.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise UnexpectedResponse(f"{what}: {key} is not an integer")
    return value


def opt_int_field(obj: Mapping[str, Any], key: str, what: str) -> int | None:
    """An integer field that may be null or absent."""
    return None if obj.get(key) is None else int_field(obj, key, what)


def str_field(obj: Mapping[str, Any], key: str, what: str) -> str:
    """A required string field."""
    value = obj.get(key)
    if not isinstance(value, str):
        raise UnexpectedResponse(f"{what}: {key} is not a string")
    return value


def opt_str_field(obj: Mapping[str, Any], key: str, what: str) -> str | None:
    """A string field that may be null or absent."""
    return None if obj.get(key) is None else str_field(obj, key, what)


def bool_field(obj: Mapping[str, Any], key: str, what: str, *, default: bool = False) -> bool:
    """A boolean field; absent or null means `default`."""
    value = obj.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise UnexpectedResponse(f"{what}: {key} is not a boolean")
    return value


def opt_float_field(obj: Mapping[str, Any], key: str, what: str) -> float | None:
    """A number field that may be null or absent (.NET sends sizes as integers or decimals)."""
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise UnexpectedResponse(f"{what}: {key} is not a number")
    return float(value)


def opt_datetime_field(obj: Mapping[str, Any], key: str, what: str) -> datetime | None:
    """An ISO 8601 timestamp; absent, null or unreadable gives None (a bad date is not worth failing a poll)."""
    value = opt_str_field(obj, key, what)
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
