"""Reading untrusted upstream JSON for the evidence parsers.

Webhook bodies and SignalR arguments come from the network, and polled records from servers of any version. Every
parser reads them through these helpers, so a field of the wrong type becomes one `PayloadError` that names the
field, never its value (values can be personal data, paths or secrets), instead of a `TypeError` somewhere in a
parser. The clients read the records of their pages with the same helpers, one record at a time. Conventions
shared by all upstreams:

- absent and null are the same (the .NET servers leave nulls out);
- an empty string is absent too (Seerr renders a missing template value as "");
- integers are JSON integers within the .NET `long` range; a JSON boolean is never a number;
- every string is cleaned (`clean_text`): JSON may carry lone UTF-16 surrogates (an escaped high half alone) and control
  characters that Home Assistant's stores and registries cannot encode, and one such string would make every
  later save fail.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
import math
import re
from typing import Final

type JsonObject = Mapping[str, object]

LONG_LIMIT: Final = 2**63
"""Upstream numbers are .NET `int`/`long`/`decimal` or JavaScript numbers: anything beyond is not a real value."""

MAX_DIGITS: Final = 19
"""Digits of the largest number a string field may hold (a `long`); longer text is not a number of ours."""

MAX_REASON: Final = 300
"""Characters of an upstream message kept as a reason: it is shown to people, not archived."""

MAX_TEXT: Final = 4096
"""Characters kept of any upstream string: longer than any real title, path or id (Linux paths stop at 4096)."""

_CONTROLS: Final = re.compile("[\x00-\x08\x0b-\x1f]")
"""C0 control characters other than tab and newline: they mean nothing in a title or a path."""

_SURROGATES: Final = re.compile("[\ud800-\udfff]")
"""UTF-16 surrogates: a Python string holds them only unpaired (from an escape of one half), and UTF-8 cannot
encode them."""


class PayloadError(ValueError):
    """A payload that is not a shape the parser knows; the message names the field, never its value."""


def clean_text(text: str) -> str:
    """`text` as something every encoder accepts: controls dropped, lone surrogates replaced, length bounded."""
    if _CONTROLS.search(text):
        text = _CONTROLS.sub("", text)
    if _SURROGATES.search(text):
        text = _SURROGATES.sub("\ufffd", text)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


_UNCLEAN_JSON: Final = re.compile(rb"\\u(?:00[01]|[dD][89a-fA-F])|\xed[\xa0-\xbf]")
"""What a JSON text needs to decode to an unclean string: an escaped control character or surrogate, or a
surrogate written as raw bytes (which `json.loads` lets through from bytes)."""


def clean_json(value: object, raw: bytes | None = None) -> object:
    """A decoded JSON document with every string, keys included, cleaned as `clean_text` does.

    With the `raw` text it was decoded from, a document that cannot hold an unclean string is returned as it is
    without a walk (a qBittorrent full update is a megabyte of JSON).
    """
    if raw is not None and not _UNCLEAN_JSON.search(raw):
        return value
    match value:
        case str():
            return clean_text(value)
        case list():
            return [clean_json(item) for item in value]
        case Mapping():
            return {clean_text(key) if isinstance(key, str) else key: clean_json(item) for key, item in value.items()}
    return value


def as_object(value: object, what: str) -> JsonObject:
    """`value` as a JSON object, or raise."""
    if not isinstance(value, Mapping):
        raise PayloadError(f"{what}: expected an object, got {json_kind(value)}")
    return value


def as_list(value: object, what: str) -> list[object]:
    """`value` as a JSON array, or raise."""
    if not isinstance(value, list):
        raise PayloadError(f"{what}: expected a list, got {json_kind(value)}")
    return value


def opt_object(obj: JsonObject, key: str, what: str) -> JsonObject | None:
    """A nested object, or None when absent."""
    value = obj.get(key)
    return None if value is None else as_object(value, f"{what} {key}")


def req_object(obj: JsonObject, key: str, what: str) -> JsonObject:
    """A nested object that must be there."""
    found = opt_object(obj, key, what)
    if found is None:
        raise PayloadError(f"{what}: {key} is missing")
    return found


def opt_list(obj: JsonObject, key: str, what: str) -> list[object]:
    """An array field; absent means empty."""
    value = obj.get(key)
    return [] if value is None else as_list(value, f"{what} {key}")


def objects(obj: JsonObject, key: str, what: str) -> list[JsonObject]:
    """An array of objects; absent means empty."""
    return [as_object(item, f"{what} {key}[]") for item in opt_list(obj, key, what)]


def strings(obj: JsonObject, key: str, what: str) -> list[str]:
    """An array of strings; absent means empty."""
    items = opt_list(obj, key, what)
    if not all(isinstance(item, str) for item in items):
        raise PayloadError(f"{what}: {key} is not a list of strings")
    return [clean_text(item) for item in items if isinstance(item, str)]


def opt_str(obj: JsonObject, key: str, what: str) -> str | None:
    """A string field; absent, null and "" give None."""
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise PayloadError(f"{what}: {key} is not a string")
    return clean_text(value) or None


def req_str(obj: JsonObject, key: str, what: str) -> str:
    """A string field that must be there and not be empty."""
    value = opt_str(obj, key, what)
    if value is None:
        raise PayloadError(f"{what}: {key} is missing")
    return value


def opt_int(obj: JsonObject, key: str, what: str) -> int | None:
    """An integer field; absent gives None."""
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or abs(value) >= LONG_LIMIT:
        raise PayloadError(f"{what}: {key} is not an integer")
    return value


def req_int(obj: JsonObject, key: str, what: str) -> int:
    """An integer field that must be there."""
    value = opt_int(obj, key, what)
    if value is None:
        raise PayloadError(f"{what}: {key} is missing")
    return value


def opt_number(obj: JsonObject, key: str, what: str) -> float | None:
    """A number field (integer or decimal, as .NET sends sizes); absent gives None."""
    value = obj.get(key)
    if value is None:
        return None
    if (
        not isinstance(value, int | float)
        or isinstance(value, bool)
        or not math.isfinite(value)
        or abs(value) >= LONG_LIMIT
    ):
        raise PayloadError(f"{what}: {key} is not a number")
    return float(value)


def opt_datetime(obj: JsonObject, key: str, what: str) -> datetime | None:
    """An ISO 8601 timestamp; absent or unreadable gives None (a bad date is not worth losing a record)."""
    text = opt_str(obj, key, what)
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def integers(obj: JsonObject, key: str, what: str) -> list[int]:
    """An array of integers; absent means empty."""
    items = opt_list(obj, key, what)
    numbers = [item for item in items if isinstance(item, int) and not isinstance(item, bool)]
    if len(numbers) != len(items) or any(abs(number) >= LONG_LIMIT for number in numbers):
        raise PayloadError(f"{what}: {key} is not a list of integers")
    return numbers


def opt_bool(obj: JsonObject, key: str, what: str) -> bool | None:
    """A boolean field; absent gives None."""
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise PayloadError(f"{what}: {key} is not a boolean")
    return value


def int_text(text: str | None, what: str) -> int | None:
    """A whole number written as text ("68"); None and "" give None, anything else that is not digits raises."""
    if text is None or not (text := text.strip()):
        return None
    if not text.isascii() or not text.isdigit() or len(text) > MAX_DIGITS:
        raise PayloadError(f"{what} is not a whole number")
    return int(text)


def opt_int_or_text(obj: JsonObject, key: str, what: str) -> int | None:
    """An integer sent as a number or as digits, as templates and string dictionaries render numbers."""
    value = obj.get(key)
    if isinstance(value, str):
        return int_text(value, f"{what}: {key}")
    return opt_int(obj, key, what)


def opt_id(obj: JsonObject, key: str, what: str) -> str | None:
    """An identifier sent as a number or as text (upstreams do both); absent and "" give None."""
    value = obj.get(key)
    if isinstance(value, str):
        return clean_text(value.strip()) or None
    number = opt_int(obj, key, what)
    return None if number is None else str(number)


def reason_text(parts: list[str], *, default: str = "") -> str:
    """Upstream messages as one short reason: distinct parts in order, joined, cut to `MAX_REASON` characters."""
    distinct = list(dict.fromkeys(part.strip() for part in parts if part and part.strip()))
    text = "; ".join(distinct) or default
    return text if len(text) <= MAX_REASON else text[: MAX_REASON - 1].rstrip() + "…"


def json_kind(value: object) -> str:
    """The JSON kind of a value, for messages that must not carry the value itself."""
    match value:
        case None:
            return "null"
        case bool():
            return "a boolean"
        case int() | float():
            return "a number"
        case str():
            return "a string"
        case list():
            return "a list"
        case _:
            return type(value).__name__
