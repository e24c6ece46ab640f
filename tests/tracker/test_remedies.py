"""Which remedy a stalled request is offered, and recording what was done in its timeline."""

from __future__ import annotations

import pytest

from custom_components.media_request_tracker.tracker import DEFAULT_STALL_AFTER, MediaAdded, Stage, Tracker, make_ids
from custom_components.media_request_tracker.tracker.notes import Note
from custom_components.media_request_tracker.tracker.remedies import Remedy, RemedyPlan, remedy_for
from tests.tracker.lifecycles import movie


def stalled_at(stage: Stage, *, anime: bool = False) -> Tracker:
    """A movie request fed until it reaches `stage`, then left alone long enough to stall."""
    tracker = Tracker()
    for item in movie(anime=anime).evidence:
        tracker.apply(item)
        if next(iter(tracker.requests.values())).stage is stage:
            break
    request = next(iter(tracker.requests.values()))
    assert request.stage is stage
    tracker.check_stalls(request.stage_since + 7 * 86400, DEFAULT_STALL_AFTER)
    assert request.stall is not None
    return tracker


def only(tracker: Tracker) -> RemedyPlan | None:
    return remedy_for(next(iter(tracker.requests.values())))


def test_importing_scans_the_library() -> None:
    assert only(stalled_at(Stage.IMPORTING)) == RemedyPlan(Remedy.SCAN_LIBRARY)


def test_no_release_found_searches_again_once_radarr_has_the_movie() -> None:
    tracker = stalled_at(Stage.APPROVED)
    assert only(tracker) is None  # Radarr's id is not known yet: nothing to search with.

    request = next(iter(tracker.requests.values()))
    radarr = make_ids(tmdb=603, media_type="movie", arr_item=12, arr_instance="radarr")
    tracker.apply(MediaAdded(source="radarr", at=request.stage_since + 1, ids=radarr))
    tracker.check_stalls(request.stage_since + 7 * 86400, DEFAULT_STALL_AFTER)

    assert only(tracker) == RemedyPlan(Remedy.SEARCH_AGAIN, arr_items=("radarr:12",))


@pytest.mark.parametrize("stage", [Stage.REQUESTED, Stage.DOWNLOADED])
def test_other_stalls_have_no_remedy(stage: Stage) -> None:
    assert only(stalled_at(stage)) is None


def test_a_request_that_moves_has_no_remedy() -> None:
    tracker = Tracker()
    for item in movie().evidence[:4]:
        tracker.apply(item)
    assert only(tracker) is None


def test_note_goes_into_the_timeline_under_the_current_stage() -> None:
    tracker = stalled_at(Stage.IMPORTING)
    request = next(iter(tracker.requests.values()))
    before = len(request.timeline)

    change = tracker.note(request.key, at=10_000, source="user", note=Note.of("library_scan_started"))

    assert change.request is request
    assert not change.stage_changed
    assert len(request.timeline) == before + 1
    entry = request.timeline[-1]
    assert (entry.stage, entry.at, entry.source, entry.note) == (
        Stage.IMPORTING,
        10_000,
        "user",
        Note.of("library_scan_started"),
    )
    assert request.stage is Stage.IMPORTING


def test_note_for_an_unknown_request() -> None:
    with pytest.raises(KeyError):
        Tracker().note("nope", at=1, source="user", note=Note.of("x"))
