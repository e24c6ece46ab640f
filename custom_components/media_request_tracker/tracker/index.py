"""Indexes of the tracked requests, so no event or poll scans them all.

Every identifier, for O(1) matching of evidence; and the counts and deadlines the sensors, pollers and
housekeeping read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Set as AbstractSet
from dataclasses import dataclass
import heapq

from .ids import EXCLUSIVE_KINDS, STRENGTH, IdKey, IdKind
from .model import TrackedRequest
from .stages import FINISHED_STAGES, Stage

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


@dataclass(frozen=True, slots=True)
class _Standing:
    """What the indexes hold of one request; compared before and after a change to update them in O(1)."""

    stage: Stage
    stalled: bool
    idle_since: float
    """When it last made progress: the later of its last activity and its stage's start."""
    stage_since: float
    downloads: frozenset[str]
    """Its download ids (and aliases) that count, while it is unfinished."""


class RequestLedger:
    """Counts and indexes of the tracked requests, kept from each change rather than recounted.

    Requests by stage, the stalled ones, the download ids still on their way, and two deadline heaps (stall
    checks per stage, expiry of finished requests) whose stale entries are skipped when popped and dropped in a
    rebuild once they outnumber the live ones.
    """

    def __init__(self, stall_stages: Iterable[Stage]) -> None:
        """Start empty; only `stall_stages` get a stall heap (the stages a stall policy can name)."""
        self._standing: dict[str, _Standing] = {}
        self._by_stage: dict[Stage, set[str]] = {stage: set() for stage in Stage}
        self._stalled: set[str] = set()
        self._download_holders: dict[str, set[str]] = {}
        self._stall_heaps: dict[Stage, list[tuple[float, str]]] = {stage: [] for stage in stall_stages}
        self._finished_heap: list[tuple[float, str]] = []

    # --- what the sensors and pollers read ------------------------------------------------------------------

    def count_in(self, stage: Stage) -> int:
        """How many requests are in a stage."""
        return len(self._by_stage[stage])

    def keys_in(self, stage: Stage) -> AbstractSet[str]:
        """The requests in a stage (a live view: copy it before changing the tracker while iterating)."""
        return self._by_stage[stage]

    @property
    def total(self) -> int:
        """How many requests are tracked."""
        return len(self._standing)

    @property
    def finished(self) -> int:
        """How many requests are in a finished stage."""
        return sum(len(self._by_stage[stage]) for stage in FINISHED_STAGES)

    @property
    def stalled(self) -> AbstractSet[str]:
        """The stalled requests (a live view)."""
        return self._stalled

    @property
    def download_holders(self) -> Mapping[str, AbstractSet[str]]:
        """Download ids of unfinished requests that still count, with the requests holding each (a live view)."""
        return self._download_holders

    # --- keeping it current -----------------------------------------------------------------------------------

    def update(self, request: TrackedRequest) -> None:
        """Re-read one request after it changed (or was added)."""
        old = self._standing.get(request.key)
        if old is not None and _unchanged(old, request):
            return
        new = _standing_of(request)
        if new == old:
            return
        self._standing[request.key] = new
        self._restage(request.key, old, new)
        self._rehold_downloads(request.key, old.downloads if old else frozenset(), new.downloads)
        self._reschedule(request.key, old, new)

    def _restage(self, key: str, old: _Standing | None, new: _Standing) -> None:
        if old is None or old.stage is not new.stage:
            if old is not None:
                self._by_stage[old.stage].discard(key)
            self._by_stage[new.stage].add(key)
        if new.stalled:
            self._stalled.add(key)
        else:
            self._stalled.discard(key)

    def _rehold_downloads(self, key: str, old: frozenset[str], new: frozenset[str]) -> None:
        if old == new:
            return
        self._drop_downloads(key, old - new)
        for download_id in new - old:
            self._download_holders.setdefault(download_id, set()).add(key)

    def _reschedule(self, key: str, old: _Standing | None, new: _Standing) -> None:
        """Push new deadlines; the entries they replace go stale."""
        moved = old is None or old.stage is not new.stage
        went_idle_again = moved or old is None or old.idle_since != new.idle_since or old.stalled
        heap = self._stall_heaps.get(new.stage)
        if heap is not None and went_idle_again and not new.stalled:
            heapq.heappush(heap, (new.idle_since, key))
            self._compact(heap)
        if new.stage in FINISHED_STAGES and (moved or old is None or old.stage_since != new.stage_since):
            heapq.heappush(self._finished_heap, (new.stage_since, key))
            self._compact(self._finished_heap)

    def discard(self, key: str) -> None:
        """Forget a removed request (its heap entries go stale and are skipped)."""
        old = self._standing.pop(key, None)
        if old is None:
            return
        self._by_stage[old.stage].discard(key)
        self._stalled.discard(key)
        self._drop_downloads(key, old.downloads)

    def _drop_downloads(self, key: str, download_ids: Iterable[str]) -> None:
        for download_id in download_ids:
            holders = self._download_holders[download_id]
            holders.discard(key)
            if not holders:
                del self._download_holders[download_id]

    # --- deadlines ------------------------------------------------------------------------------------------

    def due_for_stall_check(self, stage: Stage, idle_before: float) -> list[str]:
        """Requests in `stage`, not stalled, idle since at or before `idle_before`; taken off the stall heap.

        A request taken off comes back when it moves or shows activity again (then it is re-read).
        """
        heap = self._stall_heaps.get(stage)
        due: dict[str, None] = {}
        while heap and heap[0][0] <= idle_before:
            idle_since, key = heapq.heappop(heap)
            standing = self._standing.get(key)
            if standing and standing.stage is stage and standing.idle_since == idle_since and not standing.stalled:
                due[key] = None
        return list(due)

    def recheck_later(self, key: str) -> None:
        """Put a request taken off its stall heap back (it turned out not to be due yet)."""
        standing = self._standing[key]
        if (heap := self._stall_heaps.get(standing.stage)) is not None:
            heapq.heappush(heap, (standing.idle_since, key))

    def finished_before(self, stage_since_at_most: float) -> list[str]:
        """Finished requests that entered their stage at or before the time, oldest first (they stay indexed)."""
        heap = self._finished_heap
        due: list[tuple[float, str]] = []
        while heap and heap[0][0] <= stage_since_at_most:
            entry = heapq.heappop(heap)
            standing = self._standing.get(entry[1])
            if standing is not None and standing.stage in FINISHED_STAGES and standing.stage_since == entry[0]:
                due.append(entry)
        for entry in due:
            heapq.heappush(heap, entry)
        return [key for _, key in due]

    def _compact(self, heap: list[tuple[float, str]]) -> None:
        """Rebuild a heap from its live entries once stale ones dominate (amortized O(1) per push)."""
        if len(heap) <= 2 * len(self._standing) + 64:
            return
        live = {(idle, key) for idle, key in heap if self._live(heap, idle, key)}
        heap[:] = live
        heapq.heapify(heap)

    def _live(self, heap: list[tuple[float, str]], at: float, key: str) -> bool:
        standing = self._standing.get(key)
        if standing is None:
            return False
        if heap is self._finished_heap:
            return standing.stage in FINISHED_STAGES and standing.stage_since == at
        return self._stall_heaps.get(standing.stage) is heap and standing.idle_since == at and not standing.stalled


def _unchanged(old: _Standing, request: TrackedRequest) -> bool:
    """Whether the request still stands as it did, checked without allocating (the common case of an apply)."""
    return (
        old.stage is request.stage
        and old.stalled is (request.stall is not None)
        and old.idle_since == max(request.last_activity, request.stage_since)
        and old.stage_since == request.stage_since
        and _same_downloads(old.downloads, request)
    )


def _same_downloads(old: frozenset[str], request: TrackedRequest) -> bool:
    if request.stage in FINISHED_STAGES:
        return not old
    seen = 0
    for download_id, download in request.downloads.items():
        if download.counts:
            if download_id not in old:
                return False
            seen += 1
    for alias, canonical in request.download_aliases.items():
        aliased = request.downloads.get(canonical)
        if aliased is not None and aliased.counts:
            if alias not in old:
                return False
            seen += 1
    return seen == len(old)


def _standing_of(request: TrackedRequest) -> _Standing:
    finished = request.stage in FINISHED_STAGES
    return _Standing(
        stage=request.stage,
        stalled=request.stall is not None,
        idle_since=max(request.last_activity, request.stage_since),
        stage_since=request.stage_since,
        downloads=frozenset() if finished else _counting_download_ids(request),
    )


def _counting_download_ids(request: TrackedRequest) -> frozenset[str]:
    counting = [download_id for download_id, download in request.downloads.items() if download.counts]
    if not counting:
        return frozenset()
    aliases = [alias for alias, canonical in request.download_aliases.items() if canonical in counting]
    return frozenset(counting + aliases) if aliases else frozenset(counting)
