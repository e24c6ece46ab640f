"""Property tests of the tracker's central promise: order and duplication of evidence do not matter."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.media_request_tracker.tracker import (
    DownloadCompleted,
    DownloadProgress,
    Evidence,
    IdKind,
    ReleaseGrabbed,
    Stage,
    TrackedRequest,
    Tracker,
)
from custom_components.media_request_tracker.tracker.stages import PROGRESS_STAGES

from .lifecycles import LIFECYCLES, Lifecycle


def deliver(evidence: list[Evidence]) -> tuple[Tracker, list[tuple[Evidence, Stage | None]]]:
    """Apply evidence in the given order; record the request's stage after each (None while it is held)."""
    tracker = Tracker()
    seen: list[tuple[Evidence, Stage | None]] = []
    for item in evidence:
        tracker.apply(item)
        held = any(item is pending for pending in tracker.pending)
        # The request that took the evidence holds every id it carries.
        stages = [request.stage for request in tracker.requests.values() if item.ids <= request.ids]
        seen.append((item, None if held or not stages else stages[0]))
    return tracker, seen


def only_request(tracker: Tracker) -> TrackedRequest:
    assert len(tracker.requests) == 1, [r.title for r in tracker.requests.values()]
    return next(iter(tracker.requests.values()))


def lifecycle_requests(tracker: Tracker, lifecycle: Lifecycle) -> dict[tuple[str, ...], TrackedRequest]:
    """The lifecycle's requests by their Seerr request ids (one per copy of a title requested twice)."""
    found = {tuple(request.ids_of(IdKind.SEERR_REQUEST)): request for request in tracker.requests.values()}
    assert len(found) == len(tracker.requests) == lifecycle.requests, [r.ids for r in tracker.requests.values()]
    return found


@st.composite
def deliveries(draw: st.DrawFn, lifecycle: Lifecycle) -> list[Evidence]:
    """The lifecycle's evidence in any order, some of it more than once."""
    order = draw(st.permutations(lifecycle.evidence))
    extra = draw(st.lists(st.sampled_from(lifecycle.evidence), max_size=len(lifecycle.evidence)))
    positions = draw(st.lists(st.integers(0, len(order)), min_size=len(extra), max_size=len(extra)))
    delivered = list(order)
    for item, position in zip(extra, positions, strict=True):
        delivered.insert(position, item)
    return delivered


def from_failed_download(item: Evidence, lifecycle: Lifecycle) -> bool:
    hashes = {value for kind, value in item.ids if kind is IdKind.DOWNLOAD}
    return item.download_scoped and bool(hashes & lifecycle.failed_downloads)


@pytest.mark.parametrize("name", sorted(LIFECYCLES))
def test_in_order_lifecycle_ends_available(name: str) -> None:
    lifecycle = LIFECYCLES[name]
    tracker, _ = deliver(lifecycle.evidence)
    for request in lifecycle_requests(tracker, lifecycle).values():
        assert request.stage is lifecycle.final_stage
    assert not tracker.pending


@pytest.mark.parametrize("name", sorted(LIFECYCLES))
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_any_order_and_duplication_ends_in_the_same_stage(name: str, data: st.DataObject) -> None:
    lifecycle = LIFECYCLES[name]
    delivered = data.draw(deliveries(lifecycle))
    tracker, _ = deliver(delivered)
    requests = lifecycle_requests(tracker, lifecycle)
    assert not tracker.pending, "every piece of evidence found its request"
    in_order = lifecycle_requests(deliver(lifecycle.evidence)[0], lifecycle)
    assert requests.keys() == in_order.keys()
    for key, request in requests.items():
        assert request.stage is lifecycle.final_stage
        assert request.episode_stages() == in_order[key].episode_stages()
        assert request.ids == in_order[key].ids
        # Progress, size and ETA come from the request's own downloads, never from the other copy's.
        assert set(request.downloads) == set(in_order[key].downloads)
        if lifecycle.listed_item:
            assert request.jellyfin_item == lifecycle.listed_item


@pytest.mark.parametrize("name", [n for n in sorted(LIFECYCLES) if "series" not in n and "pack" not in n])
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_no_evidence_is_rejected_for_arriving_early(name: str, data: st.DataObject) -> None:
    """Right after evidence of stage X reaches its request, the request is at X or beyond.

    Only a failure holds a request back: approval evidence does not lift a failed request, and the reports of a
    failed download count for nothing.
    """
    lifecycle = LIFECYCLES[name]
    _, seen = deliver(data.draw(deliveries(lifecycle)))
    for item, stage in seen:
        if stage is None or item.stage is None or item.stage.is_problem:
            continue
        if from_failed_download(item, lifecycle):
            continue
        if stage.is_problem and item.stage.rank <= Stage.APPROVED.rank:
            continue
        assert not stage.is_problem, f"{type(item).__name__} left the request in {stage}"
        assert stage.rank >= item.stage.rank, f"{type(item).__name__} left the request at {stage}"


@pytest.mark.parametrize("name", sorted(LIFECYCLES))
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_skipped_stages_are_in_the_timeline_as_inferred(name: str, data: st.DataObject) -> None:
    lifecycle = LIFECYCLES[name]
    tracker, _ = deliver(data.draw(deliveries(lifecycle)))
    for request in lifecycle_requests(tracker, lifecycle).values():
        path = [s for s in PROGRESS_STAGES if request.anime or s is not Stage.ANIME_MATCHING]
        shown = {entry.stage for entry in request.timeline}
        assert set(path) <= shown, f"missing {set(path) - shown}"
        seen_stages = {entry.stage for entry in request.timeline if not entry.inferred}
        proven = {item.stage for item in lifecycle.evidence if item.stage is not None}
        assert seen_stages <= proven | {request.stage}, "a stage no evidence proved is marked as seen"
        for entry in request.timeline:
            if entry.stage not in proven:
                assert entry.inferred, entry


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_applying_the_same_evidence_twice_changes_nothing(data: st.DataObject) -> None:
    lifecycle = LIFECYCLES[data.draw(st.sampled_from(sorted(LIFECYCLES)))]
    delivered = data.draw(deliveries(lifecycle))
    tracker = Tracker()
    for item in delivered:
        tracker.apply(item)
    for item in lifecycle.evidence:
        assert tracker.apply(item) == [], f"{type(item).__name__} changed the request again"


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_stale_progress_never_moves_a_request_back(data: st.DataObject) -> None:
    lifecycle = LIFECYCLES["movie"]
    tracker, _ = deliver(lifecycle.evidence)
    request = only_request(tracker)
    stale = data.draw(
        st.lists(
            st.sampled_from(
                [e for e in lifecycle.evidence if isinstance(e, ReleaseGrabbed | DownloadProgress | DownloadCompleted)]
            ),
            min_size=1,
        )
    )
    for item in stale:
        tracker.apply(item)
    assert request.stage is Stage.AVAILABLE


@pytest.mark.parametrize("name", sorted(LIFECYCLES))
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_a_finished_request_shows_full_progress_and_no_dead_download(name: str, data: st.DataObject) -> None:
    """Whatever the order, an available request shows 100 % (or nothing), and no replaced download's figures."""
    lifecycle = LIFECYCLES[name]
    for request in lifecycle_requests(deliver(data.draw(deliveries(lifecycle)))[0], lifecycle).values():
        assert request.progress in (1.0, None)
        assert request.eta is None
        assert request.stall is None, "trouble reported before the download finished is history"
