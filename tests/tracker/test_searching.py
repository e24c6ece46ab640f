"""The searching stage: Radarr/Sonarr have the media and look for a release; what their searches found."""

from __future__ import annotations

from custom_components.media_request_tracker.tracker import (
    DEFAULT_STALL_AFTER,
    Note,
    RequestApproved,
    Stage,
    Tracker,
)
from tests.tracker.words_support import stall_text

from .builders import FILM, added, feed, grab, movie_ids, new_request, searched

SEERR = movie_ids(seerr_request=7, seerr_instance="seerr")
DAY = 86400.0


def approved(at: float = 1) -> RequestApproved:
    return RequestApproved(source="seerr", at=at, ids=SEERR, media=FILM)


def test_media_added_to_radarr_is_searching() -> None:
    request = new_request()
    feed(request, approved(), added(at=2))
    assert request.stage is Stage.SEARCHING
    assert [entry.stage for entry in request.timeline] == [Stage.REQUESTED, Stage.APPROVED, Stage.SEARCHING]


def test_a_late_approval_does_not_move_a_searching_request_back() -> None:
    request = new_request()
    feed(request, added(at=2), approved(at=1))
    assert request.stage is Stage.SEARCHING


def test_searches_that_found_nothing_are_counted_in_one_line_and_the_stall() -> None:
    request = new_request()
    feed(request, approved(), added(at=2), searched(1, at=3), searched(2, at=DAY), searched(3, at=2 * DAY))

    note = Note.of("no_release_found", searches=3, since=3, service="radarr")
    assert request.stall == note
    assert [entry.note.code for entry in request.timeline].count("no_release_found") == 1
    assert request.timeline[-1].note == note
    assert request.timeline[-1].at == 2 * DAY
    assert stall_text(request) is not None
    assert stall_text(request).startswith("no release found (3 searches since 1970-01-01 00:00 UTC)")


def test_the_same_search_reported_twice_counts_once() -> None:
    request = new_request()
    feed(request, approved(), added(at=2), searched(1, at=3), searched(1, at=3), searched(2, at=4))
    assert request.stall is not None
    assert request.stall.get("searches") == "2"


def test_a_search_that_finds_nothing_before_radarr_said_it_has_the_movie_is_searching() -> None:
    request = new_request()
    feed(request, approved(), searched(1, at=3))
    assert request.stage is Stage.SEARCHING
    assert request.stall is not None
    assert request.stall.code == "no_release_found"


def test_a_grab_ends_the_search_and_its_stall() -> None:
    request = new_request()
    feed(request, approved(), added(at=2), searched(1, at=3), grab(at=4))
    assert request.stage is Stage.GRABBING
    assert request.stall is None
    lines = len(request.timeline)

    feed(request, searched(2, at=3.5))
    assert request.stall is None, "a search reported after the grab is history"
    assert len(request.timeline) == lines


def test_a_search_that_grabbed_is_no_stall() -> None:
    request = new_request()
    feed(request, approved(), added(at=2), searched(1, at=3, grabbed=1))
    assert request.stall is None


def test_searching_without_a_known_search_stalls_after_the_default_time() -> None:
    tracker = Tracker()
    tracker.apply(approved())
    tracker.apply(added(at=2))
    (request,) = tracker.requests.values()
    allowed = DEFAULT_STALL_AFTER[Stage.SEARCHING]
    assert tracker.check_stalls(2 + allowed - 1, DEFAULT_STALL_AFTER) == []
    assert len(tracker.check_stalls(2 + allowed, DEFAULT_STALL_AFTER)) == 1
    assert request.stall == Note.of("not_searched", idle=int(allowed), service="radarr")
    assert stall_text(request) is not None
    assert "Radarr has looked for a release for 6 h" in stall_text(request)
