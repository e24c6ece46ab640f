"""The tracker's counts and indexes, kept from each change, always equal a full recount."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings, strategies as st

from custom_components.media_request_tracker.tracker import (
    DEFAULT_STALL_AFTER,
    FINISHED_STAGES,
    DownloadProgress,
    Evidence,
    Stage,
    Tracker,
)
from custom_components.media_request_tracker.tracker.serialization import dump_tracker, load_tracker
from custom_components.media_request_tracker.tracker.stalls import stall_reason

from .builders import one_of_each
from .lifecycles import LIFECYCLES, movie

POOLS: list[list[Evidence]] = [lifecycle.evidence for lifecycle in LIFECYCLES.values()] + [one_of_each()]


def recount(tracker: Tracker) -> dict[str, int]:
    """The summary counts by looking at every request."""
    requests = tracker.requests.values()
    return {
        "active": sum(r.stage not in FINISHED_STAGES for r in requests),
        "downloading": sum(r.stage is Stage.DOWNLOADING for r in requests),
        "stalled": sum(r.stall is not None for r in requests),
    }


def scanned_download_ids(tracker: Tracker) -> set[str]:
    """Download ids (and aliases) of unfinished requests whose attempt counts, by looking at every request."""
    ids: set[str] = set()
    for request in tracker.requests.values():
        if request.stage in FINISHED_STAGES:
            continue
        ids |= {download_id for download_id, download in request.downloads.items() if download.counts}
        ids |= {
            alias
            for alias, canonical in request.download_aliases.items()
            if canonical in request.downloads and request.downloads[canonical].counts
        }
    return ids


def assert_matches_recount(tracker: Tracker) -> None:
    assert tracker.counts == recount(tracker)
    assert tracker.active_download_ids() == scanned_download_ids(tracker)
    for stage in Stage:
        assert set(tracker.keys_in(stage)) == {k for k, r in tracker.requests.items() if r.stage is stage}
        assert tracker.count_in(stage) == len(tracker.keys_in(stage))


def shifted(item: Evidence, slot: int, delay: float) -> Evidence:
    """The same evidence about the request in `slot` (ids renamed so slots do not merge), `delay` seconds later."""
    ids = frozenset((kind, f"{value}~{slot}") for kind, value in item.ids)
    return replace(item, ids=ids, at=item.at + delay)


apply_step = st.tuples(
    st.just("apply"),
    st.integers(0, len(POOLS) - 1),
    st.integers(0, 3),
    st.integers(0, 40),
    st.floats(0, 500, allow_nan=False),
)
steps = st.lists(
    st.one_of(
        apply_step,
        apply_step,
        apply_step,
        st.tuples(st.just("stalls"), st.floats(0, 3000, allow_nan=False)),
        st.tuples(st.just("expire"), st.floats(0, 3000, allow_nan=False), st.floats(0, 500, allow_nan=False)),
        st.tuples(st.just("remove"), st.integers(0, 10)),
        st.tuples(st.just("restart")),
    ),
    max_size=60,
)
policies = st.fixed_dictionaries({stage: st.floats(1, 400, allow_nan=False) for stage in DEFAULT_STALL_AFTER})


@settings(max_examples=300, deadline=None)
@given(steps=steps, policy=policies)
def test_counts_equal_a_full_recount_after_any_sequence(steps: list[tuple], policy: dict[Stage, float]) -> None:
    tracker = Tracker()
    for step in steps:
        match step:
            case ("apply", pool, slot, position, delay):
                evidence = POOLS[pool]
                tracker.apply(shifted(evidence[position % len(evidence)], slot, delay))
            case ("stalls", now):
                check_stalls_against_scan(tracker, now, policy)
            case ("expire", now, retention):
                expected = {
                    key
                    for key, r in tracker.requests.items()
                    if r.stage in FINISHED_STAGES and r.stage_since <= now - retention
                }
                expired = tracker.expired(now, retention)
                assert sorted(expired) == sorted(expected)
                for key in expired[:2]:
                    tracker.remove(key)
            case ("remove", index):
                keys = sorted(tracker.requests)
                if keys:
                    tracker.remove(keys[index % len(keys)])
            case ("restart",):
                restored = Tracker()
                load_tracker(dump_tracker(tracker), restored)
                tracker = restored
        assert_matches_recount(tracker)


def check_stalls_against_scan(tracker: Tracker, now: float, policy: dict[Stage, float]) -> None:
    """check_stalls marks exactly the requests a scan of all of them finds due, and no other."""
    due = {key for key, r in tracker.requests.items() if r.stall is None and stall_reason(r, now, policy) is not None}
    changes = tracker.check_stalls(now, policy)
    assert {change.request.key for change in changes} == due
    assert all(change.request.stall for change in changes)
    assert tracker.check_stalls(now, policy) == []


def test_counts_follow_one_movie_through_its_lifecycle() -> None:
    tracker = Tracker()
    assert tracker.counts == {"active": 0, "downloading": 0, "stalled": 0}
    seen = []
    for item in movie().evidence:
        tracker.apply(item)
        seen.append((tracker.counts["active"], tracker.counts["downloading"]))
    assert seen[0] == (1, 0)
    assert (1, 1) in seen
    assert seen[-1] == (0, 0)
    assert tracker.count_in(Stage.AVAILABLE) == 1


def last_progress(evidence: list[Evidence]) -> int:
    """Where the last progress report of a lifecycle is (the download is running by then)."""
    return max(i for i, item in enumerate(evidence) if isinstance(item, DownloadProgress))


def test_a_stalled_download_is_counted_until_it_moves_again() -> None:
    tracker = Tracker()
    evidence = movie().evidence
    downloading_at = last_progress(evidence)
    for item in evidence[: downloading_at + 1]:
        tracker.apply(item)
    (request,) = tracker.requests.values()
    assert request.stage is Stage.DOWNLOADING
    assert tracker.active_download_ids()
    assert tracker.check_stalls(request.last_activity + 10, {Stage.DOWNLOADING: 60}) == []
    changes = tracker.check_stalls(request.last_activity + 60, {Stage.DOWNLOADING: 60})
    assert [change.request.key for change in changes] == [request.key]
    assert tracker.counts["stalled"] == 1
    later_progress = replace(evidence[downloading_at], at=request.last_activity + 61, progress=0.9)
    tracker.apply(later_progress)
    assert request.stall is None
    assert tracker.counts["stalled"] == 0
    # Idle again from its new activity, it stalls again after the allowed time, not before.
    assert tracker.check_stalls(request.last_activity + 59, {Stage.DOWNLOADING: 60}) == []
    assert len(tracker.check_stalls(request.last_activity + 60, {Stage.DOWNLOADING: 60})) == 1


def test_removed_and_finished_requests_leave_every_index() -> None:
    tracker = Tracker()
    for item in movie().evidence:
        tracker.apply(item)
    (key,) = tracker.requests
    assert tracker.active_download_ids() == set()
    finished_at = tracker.requests[key].stage_since
    assert tracker.expired(finished_at + 99, 100) == []
    assert tracker.expired(finished_at + 100, 100) == [key]
    assert tracker.expired(finished_at + 100, 100) == [key], "asking twice gives the same answer"
    tracker.remove(key)
    assert tracker.expired(finished_at + 100, 100) == []
    assert tracker.counts == {"active": 0, "downloading": 0, "stalled": 0}
    assert not tracker.keys_in(Stage.AVAILABLE)


def test_stale_deadlines_are_dropped_so_the_heaps_stay_bounded() -> None:
    tracker = Tracker()
    evidence = movie().evidence
    downloading_at = last_progress(evidence)
    for item in evidence[: downloading_at + 1]:
        tracker.apply(item)
    for second in range(10_000):
        tracker.apply(replace(evidence[downloading_at], at=1_000 + second, progress=second / 10_000))
    heaps = tracker._ledger._stall_heaps  # the bound is what this test is about
    assert max(len(heap) for heap in heaps.values()) <= 2 * len(tracker.requests) + 65
