"""Persistence of the tracker's state: incremental, written within a bounded delay, kept aside when unreadable.

Layout (storage version 2)
- `media_request_tracker.<entry>.<nn>`, `STORAGE_SEGMENTS` files: `{"requests": [...]}`, the finished requests
  (available, declined, deleted), each as `stored_request` writes it (its timeline compacted to the first and
  newest entries), in the segment its key hashes to.
- `media_request_tracker.<entry>`: `{"segments": STORAGE_SEGMENTS, "pending": [...], "requests": [...]}`, the
  unmatched evidence and the unfinished requests (right after the migration from version 1 it holds every
  request). A request that finishes, or starts over, moves at the next write.
- Any file may hold any request: at start each is read wherever it is and moved home at the first write. So
  the layout needs no new version: stores that kept every request in its hashed segment load as they are, and
  an earlier release of the integration reads this one.

Why
- A write encodes only what changed. Each request's encoded JSON is cached; `schedule_save(keys)` marks the keys
  that changed (or went), and only those are snapshot and encoded again. A file is rewritten only when one of
  its requests changed, from its cached fragments (`orjson.Fragment`, copied verbatim), so the bytes written
  follow the changes too. What changes often (progress, stages) belongs to unfinished requests, kept together
  in the main file: a qBittorrent poll rewrites that one file, not every segment a download hashes to.
- Snapshots are taken on the event loop (`stored_request` builds new containers of immutable values; evidence is
  frozen), in slices that yield; only they cross to the executor to be encoded. No other thread reads live
  tracker objects.
- Reading back parses one segment at a time (a thirty-second of the data), so no single parse holds the
  interpreter long, and the requests are rebuilt on the event loop in slices that yield.
- Each file stays an ordinary Home Assistant store: atomic replace, in backups, versioned with migrations.

When: the first unsaved change starts a timer of `SAVE_DELAY_SECONDS`; later changes join that write instead of
pushing it back, so under continuous change the store is written at least that often. A write that fails is
logged once, retried every `SAVE_RETRY_SECONDS`, and logged again when it succeeds. Home Assistant's final write
at shutdown and `async_save` (unload) write at once.

What cannot be read at start (a file that is not JSON, data of the wrong shape, a request or evidence that does
not parse) is kept aside next to the store file, as `<file>.corrupt-<time>`, with a repair issue, before anything
is written; everything readable still loads. A file from a newer major version is never read nor rewritten as
an older one: the whole store is moved aside as `<file>.newer-<time>` (so a later version of the integration
can be given it back), a repair issue says so, and the tracker starts empty. Refusing to set up instead would
leave the user without the integration until they upgrade again; reading it could lose what the newer version
added.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
import gc
import logging
from pathlib import Path
import shutil
import time
from typing import Any
import zlib

from homeassistant.const import EVENT_HOMEASSISTANT_FINAL_WRITE
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
import orjson

from .const import (
    DOMAIN,
    SAVE_DELAY_SECONDS,
    SAVE_RETRY_SECONDS,
    STORAGE_KEY,
    STORAGE_MINOR_VERSION,
    STORAGE_SEGMENTS,
    STORAGE_VERSION,
)
from .tracker import Evidence, TrackedRequest, Tracker
from .tracker.serialization import (
    dump_evidence,
    load_evidence,
    load_request,
    migrate_version_1,
    stored_request,
)
from .tracker.stages import FINISHED_STAGES

_LOGGER = logging.getLogger(__name__)

SLICE_SECONDS = 0.01
"""Longest the store works on the event loop before it yields."""
ISSUE_KEPT_ASIDE = "store_kept_aside"
UNFINISHED = STORAGE_SEGMENTS
"""Where unfinished requests are kept: the main file (an index past the hashed segments)."""
_ENTRY_ERRORS = (AttributeError, KeyError, TypeError, ValueError)


class NewerStoreError(HomeAssistantError):
    """The store was written by a newer major version of the integration."""

    def __init__(self, version: int) -> None:
        """Name the version found."""
        super().__init__(f"written by a newer version of the integration (storage version {version})")
        self.version = version


class _Part(Store[dict[str, Any]]):
    """One file of the store: refuses newer major versions, migrates version 1, remembers a failed write."""

    _write_error: Exception | None = None

    async def async_write(self, data: dict[str, Any]) -> Exception | None:
        """Save now; returns why the write failed, if it did."""
        self._write_error = None
        await self.async_save(data)
        return self._write_error

    async def _async_migrate_func(
        self, old_major_version: int, old_minor_version: int, old_data: dict[str, Any]
    ) -> dict[str, Any]:
        if old_major_version > STORAGE_VERSION:
            raise NewerStoreError(old_major_version)
        if old_major_version == 1:
            return migrate_version_1(old_data)
        # A newer minor version of this layout only adds what this version can ignore.
        return old_data

    async def _async_write_data(self, path: str, data: dict[str, Any]) -> None:
        # Home Assistant logs a failed write and drops it; catching it here (the step its test harness replaces
        # too) lets the store log it once and retry.
        try:
            await super()._async_write_data(path, data)
        except (HomeAssistantError, OSError) as err:
            self._write_error = err


@dataclass
class _Damage:
    """What could not be read at start, and where it was kept."""

    problems: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    newer: int | None = None


def segment_of(key: str) -> int:
    """The segment a finished request is stored in."""
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % STORAGE_SEGMENTS


def home_of(request: TrackedRequest) -> int:
    """Where a request is stored: its hashed segment once finished, else with the unfinished ones."""
    return segment_of(request.key) if request.stage in FINISHED_STAGES else UNFINISHED


class TrackerStore:
    """Loads the tracker at set-up and writes what changed, at most `SAVE_DELAY_SECONDS` after a change."""

    def __init__(self, hass: HomeAssistant, entry_id: str, tracker: Tracker) -> None:
        """Bind a tracker to its storage files."""
        self._hass = hass
        self._entry_id = entry_id
        self._tracker = tracker
        key = f"{STORAGE_KEY}.{entry_id}"
        self._main = self._part(key)
        self._segments = [self._part(f"{key}.{number:02d}") for number in range(STORAGE_SEGMENTS)]
        self._fragments: list[dict[str, orjson.Fragment]] = [{} for _ in range(STORAGE_SEGMENTS + 1)]
        """Each stored request's encoded JSON by segment (`UNFINISHED`: the main file) and key, as written."""
        self._located: dict[str, int] = {}
        """Where each stored request's fragment is."""
        self._pending_fragments: dict[int, tuple[Evidence, orjson.Fragment]] = {}
        self._written_pending: tuple[int, ...] | None = None
        self._dirty: set[str] = set()
        self._all_dirty = False
        self._unsaved: set[int] = set()
        """Segments whose file is behind their fragments (`UNFINISHED`: the main file)."""
        self._timer: CALLBACK_TYPE | None = None
        self._unsub_final_write: CALLBACK_TYPE | None = None
        self._lock = asyncio.Lock()
        self._failing = False
        self._unencodable_logged = False

    def _part(self, key: str) -> _Part:
        return _Part(self._hass, STORAGE_VERSION, key, atomic_writes=True, minor_version=STORAGE_MINOR_VERSION)

    # --- saving --------------------------------------------------------------------------------------------

    @callback
    def schedule_save(self, keys: Iterable[str] | None = None) -> None:
        """Write soon: `keys` are the requests that changed or were removed (None: any may have changed).

        An empty `keys` writes the unmatched evidence only. The write happens `SAVE_DELAY_SECONDS` after the
        first change not yet written; changes meanwhile join it.
        """
        if keys is None:
            self._all_dirty = True
        else:
            self._dirty.update(keys)
        self._arm(SAVE_DELAY_SECONDS)

    async def async_save(self) -> None:
        """Write now (on unload and at Home Assistant's final write)."""
        self._cancel_timer()
        await self._async_write()
        self._cancel_timer()
        self._stop_final_write_listener()

    async def async_remove(self) -> None:
        """Delete the stored state (when the entry is removed)."""
        self._cancel_timer()
        self._stop_final_write_listener()
        for part in (self._main, *self._segments):
            await part.async_remove()

    @callback
    def _arm(self, delay: float) -> None:
        if self._timer is None:
            self._timer = async_call_later(self._hass, delay, self._timer_fired)
        if self._unsub_final_write is None:
            self._unsub_final_write = self._hass.bus.async_listen_once(
                EVENT_HOMEASSISTANT_FINAL_WRITE, self._final_write
            )

    @callback
    def _timer_fired(self, _now: datetime) -> None:
        self._timer = None
        self._hass.async_create_task(self._async_write(), f"{DOMAIN} store write", eager_start=True)

    async def _final_write(self, _event: Event) -> None:
        self._unsub_final_write = None
        self._cancel_timer()
        await self._async_write()

    @callback
    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer()
            self._timer = None

    @callback
    def _stop_final_write_listener(self) -> None:
        if self._unsub_final_write is not None:
            self._unsub_final_write()
            self._unsub_final_write = None

    async def _async_write(self) -> None:
        async with self._lock:
            with collector_paused():  # the snapshots are garbage once encoded, freed by reference counting
                snapshots, homes = await self._snapshot()
                pending = self._tracker.pending
                encoded, pending_fragments, unencodable = await self._hass.async_add_executor_job(
                    _encode, snapshots, pending, self._pending_fragments
                )
                del snapshots
            self._note_unencodable(unencodable)
            for key, fragment in encoded.items():
                if (old := self._located.pop(key, None)) is not None:
                    self._fragments[old].pop(key, None)
                    self._unsaved.add(old)
                if fragment is not None:
                    home = homes[key]
                    self._fragments[home][key] = fragment
                    self._located[key] = home
                    self._unsaved.add(home)
            self._pending_fragments = pending_fragments
            errors = [*await self._write_segments(), *await self._write_main(pending)]
        self._report(errors)

    async def _snapshot(self) -> tuple[dict[str, dict[str, Any] | None], dict[str, int]]:
        """The changed requests as JSON-ready copies (None: removed) and where each goes; on the loop, sliced."""
        keys = self._dirty
        self._dirty = set()
        if self._all_dirty:
            self._all_dirty = False
            keys |= self._tracker.requests.keys()
            keys |= self._located.keys()
        snapshots: dict[str, dict[str, Any] | None] = {}
        homes: dict[str, int] = {}
        deadline = time.monotonic() + SLICE_SECONDS
        for key in keys:
            request = self._tracker.requests.get(key)
            if request is None:
                snapshots[key] = None
            else:
                snapshots[key], homes[key] = stored_request(request), home_of(request)
            if time.monotonic() > deadline:
                await asyncio.sleep(0)
                deadline = time.monotonic() + SLICE_SECONDS
        return snapshots, homes

    async def _write_segments(self) -> list[Exception]:
        errors: list[Exception] = []
        for segment in sorted(self._unsaved - {UNFINISHED}):
            data = {"requests": list(self._fragments[segment].values())}
            if error := await self._segments[segment].async_write(data):
                errors.append(error)
            else:
                self._unsaved.discard(segment)
        return errors

    async def _write_main(self, pending: list[Evidence]) -> list[Exception]:
        written = tuple(map(id, pending))
        if written == self._written_pending and UNFINISHED not in self._unsaved:
            return []
        data = {
            "segments": STORAGE_SEGMENTS,
            "pending": [self._pending_fragments[id(evidence)][1] for evidence in pending],
            "requests": list(self._fragments[UNFINISHED].values()),
        }
        if error := await self._main.async_write(data):
            return [error]
        self._written_pending = written
        self._unsaved.discard(UNFINISHED)
        return []

    @callback
    def _report(self, errors: list[Exception]) -> None:
        if errors:
            if not self._failing:
                _LOGGER.error(
                    "Could not write the tracked requests (%s); retrying every %s s", errors[0], SAVE_RETRY_SECONDS
                )
            self._failing = True
            self._arm(SAVE_RETRY_SECONDS)
            return
        if self._failing:
            _LOGGER.info("The tracked requests are written again")
            self._failing = False
        if self._timer is None:
            self._stop_final_write_listener()

    def _note_unencodable(self, count: int) -> None:
        if count and not self._unencodable_logged:
            _LOGGER.warning("%s stored entries held text that is not valid Unicode; it was replaced", count)
            self._unencodable_logged = True

    # --- loading -------------------------------------------------------------------------------------------

    async def async_load(self) -> None:
        """Fill the tracker from storage, in slices; what cannot be read is kept aside with a repair issue.

        The restored requests live as long as the entry: the collector is paused while they are built, then they
        are frozen out of its scans (see `freeze_long_lived`).
        """
        with collector_paused(freeze=True):
            await self._load()

    async def _load(self) -> None:
        damage = _Damage()
        try:
            main = await self._load_part(self._main, damage)
            segments = [await self._load_part(part, damage) for part in self._segments]
        except NewerStoreError as err:
            await self._refuse_newer(err, damage)
            return
        for number in range(len(segments)):
            # Each file's parsed data goes as soon as it is restored: freeing all of it at once, at the end,
            # would hold the loop for as long as that takes (100 ms at 11,000 requests).
            data, segments[number] = segments[number], None
            if data is not None:
                bad = await self._restore_requests(data.pop("requests", []), number)
                del data
                await self._note_bad(self._segments[number], bad, "request", damage)
        if main is not None:
            bad = await self._restore_requests(main.get("requests", []), UNFINISHED)
            bad += self._restore_pending(main.get("pending", []))
            await self._note_bad(self._main, bad, "entry", damage)
        if self._unsaved:
            # Requests read from elsewhere than their home (an earlier layout, a migration) move at once.
            self._arm(SAVE_DELAY_SECONDS)
        if damage.problems:
            self._raise_issue(damage)

    async def _load_part(self, part: _Part, damage: _Damage) -> dict[str, Any] | None:
        """One file's data; None when it does not exist or was kept aside."""
        existed = await self._hass.async_add_executor_job(_exists, part.path)
        try:
            data = await part.async_load()
        except NewerStoreError:
            raise
        except Exception as err:  # noqa: BLE001  # whatever the file holds, set-up goes on without it
            await self._set_aside(part, f"{part.key}: {err!r}", damage)
            return None
        if data is None:
            if existed and (kept := await self._hass.async_add_executor_job(_kept_by_home_assistant, part.path)):
                # Home Assistant moved a file that is not JSON aside itself.
                damage.problems.append(f"{part.key}: not valid JSON")
                damage.kept.append(kept)
            return None
        if not isinstance(data, dict) or not all(
            isinstance(data.get(name, []), list) for name in ("requests", "pending")
        ):
            await self._set_aside(part, f"{part.key}: data of the wrong shape", damage)
            return None
        return data

    async def _set_aside(self, part: _Part, problem: str, damage: _Damage) -> None:
        damage.problems.append(problem)
        if kept := await self._hass.async_add_executor_job(_keep_aside, part.path, "corrupt", False):
            damage.kept.append(kept)

    async def _refuse_newer(self, err: NewerStoreError, damage: _Damage) -> None:
        """Move every file aside untouched: writing it as an older version would lose what the newer one adds."""
        damage.newer = err.version
        damage.problems.append(str(err))
        for part in (self._main, *self._segments):
            if kept := await self._hass.async_add_executor_job(_keep_aside, part.path, "newer", False):
                damage.kept.append(kept)
        self._raise_issue(damage)

    async def _note_bad(self, part: _Part, bad: int, what: str, damage: _Damage) -> None:
        """Entries were skipped: keep a copy of the file as it is, before a write leaves them out."""
        if not bad:
            return
        damage.problems.append(f"{part.key}: {bad} {what}{'s' if bad > 1 else ''} could not be read")
        if kept := await self._hass.async_add_executor_job(_keep_aside, part.path, "corrupt", True):
            damage.kept.append(kept)

    async def _restore_requests(self, raws: list[Any], segment: int) -> int:
        """Add the readable requests to the tracker in slices; returns how many could not be read."""
        bad = 0
        loaded: list[tuple[str, int, Any]] = []
        deadline = time.monotonic() + SLICE_SECONDS
        for raw in raws:
            try:
                request = load_request(raw)
            except _ENTRY_ERRORS as err:
                _LOGGER.debug("Stored request not readable: %r", err)
                bad += 1
            else:
                self._tracker.add(request)
                loaded.append((request.key, home_of(request), raw))
            if time.monotonic() > deadline:
                await asyncio.sleep(0)
                deadline = time.monotonic() + SLICE_SECONDS
        fragments = await self._hass.async_add_executor_job(_encode_raw, [(key, raw) for key, _, raw in loaded])
        for key, home, _ in loaded:
            if (old := self._located.get(key)) is not None:
                self._fragments[old].pop(key, None)  # stored twice (an interrupted move): the last read wins
                self._unsaved.add(old)
            self._fragments[home][key] = fragments[key]
            self._located[key] = home
            if home != segment:
                self._unsaved.update((home, segment))
        if bad:
            self._unsaved.add(segment)
        return bad

    def _restore_pending(self, raws: list[Any]) -> int:
        pending = []
        for raw in raws:
            try:
                pending.append(load_evidence(raw))
            except _ENTRY_ERRORS as err:
                _LOGGER.debug("Stored evidence not readable: %r", err)
        self._tracker.restore_pending(pending)
        return len(raws) - len(pending)

    @callback
    def _raise_issue(self, damage: _Damage) -> None:
        problem = "; ".join(damage.problems)
        kept = ", ".join(damage.kept) or "-"
        _LOGGER.error("Stored requests could not all be read (%s); kept aside: %s", problem, kept)
        ir.async_create_issue(
            self._hass,
            DOMAIN,
            f"{ISSUE_KEPT_ASIDE}_{self._entry_id}",
            is_fixable=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key=ISSUE_KEPT_ASIDE,
            translation_placeholders={"problem": problem, "kept": kept},
        )


@contextmanager
def collector_paused(*, freeze: bool = False) -> Iterator[None]:
    """No automatic garbage collection meanwhile; with `freeze`, what is alive at the end leaves its scans.

    Building many objects sets off collections of every generation, and a full one scans the whole heap in one
    go (seconds at 11,000 requests), whatever slices the work is cut in. Snapshots for a write are freed by
    reference counting once encoded, so nothing needs collecting after one. Restored requests (and their
    entities) live as long as the entry: frozen (`gc.freeze`) before the collector runs again, neither its first
    young collection nor later full ones scan them. Whatever frozen objects free later is still freed by
    reference counting.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()


# --- executor jobs ---------------------------------------------------------------------------------------------


def _encode(
    snapshots: dict[str, dict[str, Any] | None],
    pending: list[Evidence],
    known: dict[int, tuple[Evidence, orjson.Fragment]],
) -> tuple[dict[str, orjson.Fragment | None], dict[int, tuple[Evidence, orjson.Fragment]], int]:
    """Encode snapshots and (frozen) evidence; evidence already encoded is reused. Counts unencodable entries."""
    unencodable = 0
    encoded: dict[str, orjson.Fragment | None] = {}
    for key, snapshot in snapshots.items():
        if snapshot is None:
            encoded[key] = None
            continue
        fragment, cleaned = _fragment(snapshot)
        encoded[key], unencodable = fragment, unencodable + cleaned
    fragments = {}
    for evidence in pending:
        if (entry := known.get(id(evidence))) is not None and entry[0] is evidence:
            fragments[id(evidence)] = entry
            continue
        fragment, cleaned = _fragment(dump_evidence(evidence))
        fragments[id(evidence)], unencodable = (evidence, fragment), unencodable + cleaned
    return encoded, fragments, unencodable


def _encode_raw(loaded: list[tuple[str, Any]]) -> dict[str, orjson.Fragment]:
    """The requests just read, encoded as they are stored."""
    return {key: _fragment(raw)[0] for key, raw in loaded}


def _fragment(data: Any) -> tuple[orjson.Fragment, int]:
    """Encoded JSON; text that is not valid Unicode (a lone surrogate) is replaced rather than lose the entry."""
    try:
        return orjson.Fragment(orjson.dumps(data)), 0
    except orjson.JSONEncodeError:
        return orjson.Fragment(orjson.dumps(_clean(data))), 1


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    if isinstance(value, dict):
        return {_clean(key): _clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    return value


def _keep_aside(path: str, reason: str, copy: bool) -> str | None:
    """Move (or copy) a store file next to itself as `<file>.<reason>-<time>`; None when there is no file."""
    kept = Path(f"{path}.{reason}-{dt_util.utcnow().strftime('%Y%m%dT%H%M%S%f')}")
    try:
        if copy:
            shutil.copy2(path, kept)
        else:
            Path(path).replace(kept)
    except FileNotFoundError:
        return None
    return str(kept)


def _exists(path: str) -> bool:
    return Path(path).exists()


def _kept_by_home_assistant(path: str) -> str | None:
    """The file Home Assistant moved an unreadable store to (`<file>.corrupt.<time>`), when it just did."""
    file = Path(path)
    if file.exists():
        return None
    return max((str(kept) for kept in file.parent.glob(f"{file.name}.corrupt.*")), default=None)
