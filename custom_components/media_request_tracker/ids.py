"""The unique ids of the tracker's entities: one place builds and parses a request sensor's."""

from __future__ import annotations

from typing import Final

REQUEST_MARK: Final = "-request-"


def request_unique_id(entry_id: str, key: str) -> str:
    """The unique id of a request's sensor."""
    return f"{entry_id}{REQUEST_MARK}{key}"


def request_key(unique_id: str) -> str | None:
    """The request key in a request sensor's unique id; None for any other unique id."""
    _, mark, key = unique_id.partition(REQUEST_MARK)
    return key if mark and key else None
