"""The tracker: every request, matched with incoming evidence, plus what is not matched yet."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping, Set as AbstractSet
from dataclasses import dataclass
import hashlib

from .evidence import Evidence
from .ids import STRENGTH, IdKey
from .index import CorrelationIndex, RequestLedger
from .machine import apply
from .model import TimelineEntry, TrackedRequest
from .notes import Note
from .stages import Stage
from .stalls import DEFAULT_STALL_AFTER, StallPolicy, stall_reason

DEFAULT_PENDING_TTL = 6 * 3600.0
MAX_PENDING = 5000


@dataclass(frozen=True, slots=True)
class Change:
    """A request the tracker changed."""

    request: TrackedRequest
    old_stage: Stage | None
    """None when the request is new."""
    new_stage: Stage

    @property
    def stage_changed(self) -> bool:
        """Whether the stage moved (a new request counts as a move)."""
        return self.old_stage is not self.new_stage


class Tracker:
    """Correlates evidence to requests and keeps their state. Pure: the caller supplies every timestamp."""

    def __init__(self, *, pending_ttl: float = DEFAULT_PENDING_TTL) -> None:
        """Start with no requests; unmatched evidence is kept for `pending_ttl` seconds."""
        self.requests: dict[str, TrackedRequest] = {}
        self.pending_ttl = pending_ttl
        self._index = CorrelationIndex()
        self._pending: OrderedDict[int, Evidence] = OrderedDict()
        self._pending_index = CorrelationIndex()
        self._next_pending = 0
        self._ledger = RequestLedger(DEFAULT_STALL_AFTER)

    # --- evidence ------------------------------------------------------------------------------------------

    def apply(self, evidence: Evidence) -> list[Change]:
        """Apply one piece of evidence; returns the requests it changed (none when it changed nothing)."""
        changes: dict[str, Change] = {}
        self._route(evidence, changes)
        return list(changes.values())

    def _route(self, evidence: Evidence, changes: dict[str, Change]) -> None:
        """Apply evidence to the request it matches, start one, or hold it until its request is known."""
        request = self._index.match(evidence.ids, self.requests, evidence.source)
        if request is None:
            if not evidence.creates_request or not any(kind in STRENGTH for kind, _ in evidence.ids):
                self._hold(evidence)
                return
            request = self._create(evidence)
            old_stage: Stage | None = None
        else:
            old_stage = request.stage
        self._apply_to(request, evidence, old_stage, changes)

    def apply_to(self, key: str, evidence: Evidence) -> list[Change]:
        """Apply evidence to a request chosen by a person (an action), whatever its ids say."""
        request = self.requests[key]
        changes: dict[str, Change] = {}
        self._apply_to(request, evidence, request.stage, changes)
        return list(changes.values())

    def _apply_to(
        self, request: TrackedRequest, evidence: Evidence, old_stage: Stage | None, changes: dict[str, Change]
    ) -> None:
        id_count = len(request.ids)
        outcome = apply(request, evidence)
        self._ledger.update(request)
        if outcome.changed or old_stage is None:
            first_old = changes[request.key].old_stage if request.key in changes else old_stage
            changes[request.key] = Change(request, first_old, request.stage)
        if len(request.ids) != id_count:
            # Ids only grow, and every one the request had is indexed: no copy of its ids on each apply.
            new_ids = {id_key for id_key in request.ids if request.key not in self._index.holders(id_key)}
            self._index.add(request.key, new_ids)
            # Evidence that came before the id that links it (a download seen before its grab) may belong here.
            for held in self._take_pending(new_ids):
                self._route(held, changes)

    def _create(self, evidence: Evidence) -> TrackedRequest:
        matchable = [id_key for id_key in evidence.ids if id_key[0] in STRENGTH]
        strongest = min(matchable, key=lambda id_key: (STRENGTH.index(id_key[0]), id_key[1]))
        key = hashlib.sha256(f"{strongest[0]}={strongest[1]}".encode()).hexdigest()[:12]
        while key in self.requests:
            key = hashlib.sha256(key.encode()).hexdigest()[:12]
        request = TrackedRequest(key=key, created_at=evidence.at, updated_at=evidence.at, stage_since=evidence.at)
        request.last_activity = evidence.at
        self.requests[key] = request
        return request

    def tracks(self, id_key: IdKey) -> bool:
        """Whether some request carries this id (a poller reports only what the tracker follows)."""
        return bool(self._index.holders(id_key))

    def active_download_ids(self) -> set[str]:
        """Download ids of requests still on their way (not finished, not failed for good); a copy."""
        return set(self._ledger.download_holders)

    @property
    def active_downloads(self) -> Mapping[str, AbstractSet[str]]:
        """The same download ids, each with the keys of the requests holding it (a live view, not a copy)."""
        return self._ledger.download_holders

    # --- counts and indexes, kept from each change --------------------------------------------------------

    @property
    def counts(self) -> dict[str, int]:
        """What the summary sensors show: requests not finished, downloading, and stalled."""
        return {
            "active": self.active_count,
            "downloading": self.count_in(Stage.DOWNLOADING),
            "stalled": self.stalled_count,
        }

    @property
    def active_count(self) -> int:
        """Requests not in a finished stage."""
        return self._ledger.total - self._ledger.finished

    @property
    def stalled_count(self) -> int:
        """Requests marked stalled."""
        return len(self._ledger.stalled)

    def count_in(self, *stages: Stage) -> int:
        """Requests in any of the stages."""
        return sum(self._ledger.count_in(stage) for stage in set(stages))

    def any_in(self, stages: Iterable[Stage]) -> bool:
        """Whether some request is in one of the stages (is anything downloading?)."""
        return any(self._ledger.count_in(stage) for stage in stages)

    def keys_in(self, stage: Stage) -> AbstractSet[str]:
        """The keys of the requests in a stage (a live view: copy it to change the tracker while iterating)."""
        return self._ledger.keys_in(stage)

    def refresh(self, key: str) -> None:
        """Re-read a request changed other than through the tracker's methods, so the counts stay true."""
        self._ledger.update(self.requests[key])

    # --- unmatched evidence --------------------------------------------------------------------------------

    def _hold(self, evidence: Evidence) -> None:
        if not evidence.ids:
            return
        self._next_pending += 1
        self._pending[self._next_pending] = evidence
        self._pending_index.add(str(self._next_pending), evidence.ids)
        while len(self._pending) > MAX_PENDING:
            self._drop_pending(next(iter(self._pending)))

    def _take_pending(self, ids: set[IdKey]) -> list[Evidence]:
        numbers = sorted({int(n) for id_key in ids for n in self._pending_index.holders(id_key)})
        taken = [self._pending[number] for number in numbers]
        for number in numbers:
            self._drop_pending(number)
        return taken

    def _drop_pending(self, number: int) -> None:
        evidence = self._pending.pop(number)
        self._pending_index.remove(str(number), evidence.ids)

    @property
    def pending(self) -> list[Evidence]:
        """Evidence that matched no request yet, oldest first."""
        return list(self._pending.values())

    def restore_pending(self, evidence: list[Evidence]) -> None:
        """Put back unmatched evidence (after a restart)."""
        for item in evidence:
            self._hold(item)

    def expire_pending(self, now: float) -> int:
        """Drop unmatched evidence older than the pending time; returns how many were dropped."""
        expired = [n for n, e in self._pending.items() if e.at < now - self.pending_ttl]
        for number in expired:
            self._drop_pending(number)
        return len(expired)

    # --- lifecycle -----------------------------------------------------------------------------------------

    def add(self, request: TrackedRequest) -> None:
        """Add a request as it was (after a restart)."""
        self.requests[request.key] = request
        self._index.add(request.key, request.ids)
        self._ledger.update(request)

    def remove(self, key: str) -> TrackedRequest | None:
        """Stop tracking a request."""
        request = self.requests.pop(key, None)
        if request is not None:
            self._index.remove(key, request.ids)
            self._ledger.discard(key)
        return request

    def expired(self, now: float, retention: float) -> list[str]:
        """Requests that finished more than `retention` seconds ago, longest finished first.

        Read from a deadline heap: the cost grows with the requests due, not with all requests.
        """
        return self._ledger.finished_before(now - retention)

    def note(self, key: str, *, at: float, source: str, note: Note) -> Change:
        """Record in a request's timeline what was done for it (an action, a remedy and its outcome).

        The stage does not move; the entry is filed under the current one. `KeyError` for an unknown request.
        """
        request = self.requests[key]
        request.add_timeline(TimelineEntry(request.stage, at, source, note))
        request.updated_at = max(request.updated_at, at)
        return Change(request, request.stage, request.stage)

    def check_stalls(self, now: float, policy: StallPolicy) -> list[Change]:
        """Mark requests that made no progress for their stage's allowed time as stalled, with a reason.

        Only requests whose deadline passed are looked at (a heap per stage of when each went idle).
        """
        changes = []
        for stage, allowed in policy.items():
            for key in self._ledger.due_for_stall_check(stage, now - allowed):
                request = self.requests[key]
                if request.stall is not None:
                    continue  # already stuck for a reason it was told (a download error): keep that one
                reason = stall_reason(request, now, policy)
                if reason is None:
                    self._ledger.recheck_later(key)
                    continue
                request.stall = reason
                self._ledger.update(request)
                changes.append(Change(request, request.stage, request.stage))
        return changes
