"""Reading upstream answers: a page's records one at a time, so an odd record costs only itself.

A server answers with records of whatever version and history it has; one record that does not read (a field of
another type, an entry that is not an object) is skipped with one debug line and counted, and the rest of the page
is used. An answer whose envelope does not read (not a page at all) is an `UnexpectedResponse`, as before.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
import logging

from .errors import UnexpectedResponse
from .payload import PayloadError

_LOGGER = logging.getLogger(__name__)


def read_records[T](
    items: Iterable[object], read: Callable[[object], T], *, service: str, collection: str, skipped: Counter[str]
) -> list[T]:
    """Every item that `read` accepts; the others are logged and counted in `skipped[collection]`."""
    found: list[T] = []
    for item in items:
        try:
            found.append(read(item))
        except PayloadError as err:
            skipped[collection] += 1
            _LOGGER.debug("Skipped a record of the %s %s: %s", service, collection, err)
    return found


def read_answer[T](read: Callable[[object], T], data: object) -> T:
    """`read(data)` for an answer that is one thing (a status, a page envelope): a misfit is the server's fault."""
    try:
        return read(data)
    except PayloadError as err:
        raise UnexpectedResponse(str(err)) from err
