"""The correlation index: every identifier of every request, for O(1) matching of new evidence."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from .ids import EXCLUSIVE_KINDS, STRENGTH, IdKey, IdKind
from .model import TrackedRequest
from .stages import FINISHED_STAGES

MATCHED_KINDS = frozenset(STRENGTH)


class CorrelationIndex:
    """Maps each identifier to the requests that carry it."""

    def __init__(self) -> None:
        """Start empty."""
        self._keys: defaultdict[IdKey, set[str]] = defaultdict(set)

    def add(self, request_key: str, ids: Iterable[IdKey]) -> None:
        """Index ids of a request (those evidence can be matched by)."""
        for id_key in ids:
            if id_key[0] in MATCHED_KINDS:
                self._keys[id_key].add(request_key)

    def remove(self, request_key: str, ids: Iterable[IdKey]) -> None:
        """Forget a request's ids."""
        for id_key in ids:
            holders = self._keys.get(id_key)
            if holders is not None:
                holders.discard(request_key)
                if not holders:
                    del self._keys[id_key]

    def holders(self, id_key: IdKey) -> set[str]:
        """The requests carrying an id."""
        return self._keys.get(id_key, set())

    def match(self, ids: frozenset[IdKey], requests: dict[str, TrackedRequest], source: str) -> TrackedRequest | None:
        """The request evidence with these ids belongs to, by the strongest id that names any request."""
        by_kind: defaultdict[IdKind, list[str]] = defaultdict(list)
        for kind, value in ids:
            by_kind[kind].append(value)
        for kind in STRENGTH:
            candidates = {key for value in by_kind.get(kind, ()) for key in self.holders((kind, value))}
            candidates = {key for key in candidates if _compatible(requests[key], ids)}
            if candidates:
                return _best(candidates, requests, ids, source)
        return None


def _compatible(request: TrackedRequest, ids: frozenset[IdKey]) -> bool:
    """Evidence naming another Seerr request, or another copy (4K or standard), is about a different request."""
    for kind in EXCLUSIVE_KINDS:
        theirs = {value for k, value in ids if k is kind}
        ours = {value for k, value in request.ids if k is kind}
        if theirs and ours and theirs.isdisjoint(ours):
            return False
    return True


def _best(
    candidates: set[str], requests: dict[str, TrackedRequest], ids: frozenset[IdKey], source: str
) -> TrackedRequest:
    """Among requests sharing a weak id (a 1080p and a 4K request of one movie, or a re-request), the likeliest.

    A request already followed by other Radarr/Sonarr items than the evidence names is somebody else's (the
    4K instance's, or the deleted movie's). Then prefer one the reporting instance already follows, then one
    still in progress, then the newest.
    """
    items = {value for kind, value in ids if kind is IdKind.ARR_ITEM}

    def score(key: str) -> tuple[bool, bool, bool, float]:
        request = requests[key]
        followed = {value for kind, value in request.ids if kind is IdKind.ARR_ITEM}
        other_item = bool(items and followed and followed.isdisjoint(items))
        same_instance = any(value.startswith(f"{source}:") for value in followed)
        return (not other_item, same_instance, request.stage not in FINISHED_STAGES, request.updated_at)

    return requests[max(candidates, key=score)]
