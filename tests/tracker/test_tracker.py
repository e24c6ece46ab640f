"""The tracker: which request evidence belongs to, what is held until it can be placed, and request lifecycles."""

from __future__ import annotations

import pytest

from custom_components.media_request_tracker.tracker import (
    DEFAULT_STALL_AFTER,
    AnimeFileMatched,
    AnimeFileSeen,
    DownloadPhase,
    DownloadProgress,
    Evidence,
    ImportBlocked,
    LibraryItemFound,
    MediaAdded,
    MediaDeleted,
    MediaInfo,
    MediaType,
    ReleaseGrabbed,
    RequestApproved,
    RequestAvailable,
    RequestCreated,
    RequestDeclined,
    RequestFailed,
    Stage,
    TrackedRequest,
    Tracker,
    make_ids,
)
from custom_components.media_request_tracker.tracker.evidence import EVIDENCE_TYPES
from custom_components.media_request_tracker.tracker.tracker import MAX_PENDING
from tests.tracker.words_support import detail_text, stall_text

from .builders import (
    FILM,
    HASH_A,
    HASH_B,
    HASH_C,
    MOVIE_PATH,
    SHOW,
    completed,
    grab,
    movie_ids,
    movie_imported,
    one_of_each,
    progress,
    qbit_ids,
    show_ids,
)

CREATORS = {RequestCreated, RequestApproved, RequestDeclined, RequestFailed, ReleaseGrabbed}
HOUR = 3600.0


def seerr_request(number: int, at: float = 1, media: MediaInfo = FILM) -> RequestApproved:
    ids = (show_ids if media.media_type is MediaType.TV else movie_ids)(seerr_request=number, seerr_instance="seerr")
    return RequestApproved(source="seerr", at=at, ids=ids, media=media)


def only(tracker: Tracker) -> TrackedRequest:
    assert len(tracker.requests) == 1
    return next(iter(tracker.requests.values()))


# --- creation and held evidence --------------------------------------------------------------------------------


def test_only_seerr_events_and_grabs_may_create_a_request() -> None:
    assert {cls for cls in EVIDENCE_TYPES.values() if cls.creates_request} == CREATORS


@pytest.mark.parametrize("evidence", one_of_each(), ids=lambda item: type(item).__name__)
def test_unmatched_evidence_creates_a_request_or_is_held(evidence: Evidence) -> None:
    tracker = Tracker()

    changes = tracker.apply(evidence)

    if type(evidence) in CREATORS:
        request = only(tracker)
        assert [(c.request.key, c.old_stage, c.new_stage) for c in changes] == [(request.key, None, request.stage)]
        assert tracker.pending == []
        assert evidence.ids <= request.ids
    else:
        assert changes == []
        assert tracker.requests == {}
        assert tracker.pending == [evidence]


def test_evidence_without_ids_is_neither_tracked_nor_held() -> None:
    tracker = Tracker()
    assert tracker.apply(RequestCreated(source="seerr", at=1, media=FILM)) == []
    assert tracker.apply(DownloadProgress(source="qbit", at=2, progress=0.5)) == []
    assert tracker.requests == {}
    assert tracker.pending == []


def test_download_progress_before_the_grab_is_applied_when_the_grab_arrives() -> None:
    tracker = Tracker()
    tracker.apply(seerr_request(7))
    request = only(tracker)

    assert tracker.apply(progress(HASH_A, 0.4, at=2, speed=300)) == []
    assert request.stage is Stage.APPROVED
    assert len(tracker.pending) == 1

    changes = tracker.apply(grab(HASH_A, at=3))

    assert [(c.request.key, c.old_stage, c.new_stage) for c in changes] == [
        (request.key, Stage.APPROVED, Stage.DOWNLOADING)
    ]
    assert tracker.pending == []
    assert request.progress == pytest.approx(0.4)
    assert request.download_speed == 300


def test_held_evidence_pulled_in_by_a_new_request_reports_one_change_from_nothing() -> None:
    tracker = Tracker()
    tracker.apply(progress(HASH_A, 0.4, at=2))
    tracker.apply(completed(HASH_A, at=3))

    changes = tracker.apply(grab(HASH_A, at=4))

    request = only(tracker)
    assert len(changes) == 1
    assert changes[0].request is request
    assert changes[0].old_stage is None
    assert changes[0].new_stage is Stage.DOWNLOADED
    assert changes[0].stage_changed
    assert tracker.pending == []


def test_jellyfin_item_before_shoko_linked_the_series_id_is_applied_once_it_is_linked() -> None:
    tracker = Tracker()
    anime = MediaInfo(title="The Film", media_type=MediaType.MOVIE, anime=True)
    tracker.apply(
        RequestApproved(source="seerr", at=1, ids=movie_ids(seerr_request=7, seerr_instance="s"), media=anime)
    )
    tracker.apply(grab(HASH_A, at=2))
    tracker.apply(movie_imported(HASH_A, at=3))
    request = only(tracker)

    # Shokofin lists the movie with Shoko/AniDB ids only: nothing links them to the request yet.
    item = LibraryItemFound(
        source="jellyfin", at=4, ids=make_ids(shoko_series=(901,), anidb=(4242,), jellyfin_item="j1")
    )
    assert tracker.apply(item) == []
    assert tracker.pending == [item]
    assert request.stage is Stage.IMPORTING

    shoko_ids = make_ids(files=("/mnt/anime/The.Film.1999.1080p.mkv",), shoko_file=77, shoko_series=(901,))
    changes = tracker.apply(AnimeFileMatched(source="shoko", at=5, ids=shoko_ids, file_id="77"))

    assert [(c.request.key, c.old_stage, c.new_stage) for c in changes] == [
        (request.key, Stage.IMPORTING, Stage.AVAILABLE)
    ]
    assert tracker.pending == []
    assert request.ids_of("jellyfin_item") == ["j1"]


def test_held_evidence_expires_after_the_pending_time() -> None:
    tracker = Tracker(pending_ttl=100)
    tracker.apply(progress(HASH_A, 0.4, at=10))
    tracker.apply(progress(HASH_B, 0.4, at=50))

    assert tracker.expire_pending(now=110) == 0
    assert tracker.expire_pending(now=111) == 1
    assert [item.at for item in tracker.pending] == [50]

    # The expired report is gone for good: the grab it belonged to does not see it.
    tracker.apply(grab(HASH_A, at=120))
    assert only(tracker).stage is Stage.GRABBING
    assert only(tracker).progress is None


def test_held_evidence_is_bounded_dropping_the_oldest() -> None:
    tracker = Tracker()
    extra = 3
    hashes = [f"{number:040x}" for number in range(MAX_PENDING + extra)]
    for number, download in enumerate(hashes):
        tracker.apply(progress(download, 0.5, at=number))

    assert len(tracker.pending) == MAX_PENDING
    assert tracker.pending[0].at == extra
    assert tracker.pending[-1].at == MAX_PENDING + extra - 1

    # A dropped report is no longer found by its id; a kept one still is.
    tracker.apply(grab(hashes[0], at=10**6))
    assert only(tracker).stage is Stage.GRABBING
    tracker.apply(grab(hashes[-1], at=10**6))
    assert len(tracker.pending) == MAX_PENDING - 1


def test_restored_pending_evidence_is_applied_when_its_request_appears() -> None:
    tracker = Tracker()
    report = progress(HASH_A, 0.4, at=2)
    tracker.restore_pending([report])
    assert tracker.pending == [report]

    tracker.apply(grab(HASH_A, at=3))
    assert only(tracker).stage is Stage.DOWNLOADING


# --- which request evidence belongs to ------------------------------------------------------------------------


def test_same_evidence_twice_reports_no_change_the_second_time() -> None:
    tracker = Tracker()
    tracker.apply(grab(HASH_A))
    report = progress(HASH_A, 0.5)
    assert tracker.apply(report)
    assert tracker.apply(report) == []


def test_new_seerr_request_for_a_movie_with_an_old_finished_request_is_a_second_request() -> None:
    tracker = Tracker()
    tracker.apply(seerr_request(7, at=1))
    tracker.apply(grab(HASH_A, at=2))
    tracker.apply(LibraryItemFound(source="jellyfin", at=3, ids=movie_ids(jellyfin_item="j1")))
    old = only(tracker)
    assert old.stage is Stage.AVAILABLE

    changes = tracker.apply(seerr_request(8, at=100))

    assert len(tracker.requests) == 2
    (change,) = changes
    assert change.request is not old
    assert change.old_stage is None
    assert change.new_stage is Stage.APPROVED
    assert old.stage is Stage.AVAILABLE
    assert old.ids_of("seerr_request") == ["seerr:7"]
    assert change.request.ids_of("seerr_request") == ["seerr:8"]


def test_radarr_evidence_for_a_re_added_movie_goes_to_the_new_request_not_the_deleted_one() -> None:
    tracker = Tracker()
    tracker.apply(seerr_request(7, at=1))
    tracker.apply(grab(HASH_A, at=2, arr_item=11))
    tracker.apply(MediaDeleted(source="radarr", at=3, ids=movie_ids(arr_item=11, arr_instance="radarr")))
    old = only(tracker)
    assert old.stage is Stage.DELETED
    new = tracker.apply(seerr_request(8, at=100))[0].request

    # Radarr gives the re-added movie a new id.
    tracker.apply(MediaAdded(source="radarr", at=101, ids=movie_ids(arr_item=12, arr_instance="radarr")))
    changes = tracker.apply(grab(HASH_B, at=102, arr_item=12))

    assert [c.request.key for c in changes] == [new.key]
    assert new.stage is Stage.GRABBING
    assert old.stage is Stage.DELETED


def _followed_1080p_and_4k() -> tuple[Tracker, TrackedRequest, TrackedRequest]:
    """A 1080p request followed by `radarr`, then a 4K request of the same movie followed by `radarr4k`."""
    tracker = Tracker()
    hd = tracker.apply(seerr_request(7, at=1))[0].request
    tracker.apply(grab(HASH_A, at=2, source="radarr", arr_item=11))
    uhd = tracker.apply(seerr_request(8, at=3))[0].request
    tracker.apply(grab(HASH_B, at=4, source="radarr4k", arr_item=5))
    assert hd.ids_of("arr_item") == ["radarr:11"]
    assert uhd.ids_of("arr_item") == ["radarr4k:5"]
    return tracker, hd, uhd


def test_grab_from_radarr4k_goes_to_the_request_radarr4k_already_follows() -> None:
    tracker, hd, uhd = _followed_1080p_and_4k()
    tracker.apply(progress(HASH_A, 0.5, at=5))  # the 1080p request is the most recently active one

    changes = tracker.apply(grab(HASH_C, at=6, source="radarr4k", arr_item=5))

    assert [c.request.key for c in changes] == [uhd.key]
    assert HASH_C.lower() in uhd.downloads
    assert HASH_C.lower() not in hd.downloads


def test_radarr4k_evidence_naming_only_the_movie_goes_to_the_request_radarr4k_follows() -> None:
    tracker, hd, uhd = _followed_1080p_and_4k()
    tracker.apply(progress(HASH_A, 0.5, at=5))

    # No Radarr item id, only the TMDB id every request of this movie carries.
    changes = tracker.apply(
        ReleaseGrabbed(source="radarr4k", at=6, ids=movie_ids(download_ids=(HASH_C,)), release="The.Film.2160p")
    )

    assert [c.request.key for c in changes] == [uhd.key]
    assert hd.release != "The.Film.2160p"


def test_first_grab_from_radarr_does_not_join_the_request_radarr4k_follows() -> None:
    tracker = Tracker()
    hd = tracker.apply(seerr_request(7, at=1))[0].request
    uhd = tracker.apply(seerr_request(8, at=2))[0].request
    tracker.apply(grab(HASH_B, at=3, source="radarr4k", arr_item=5))
    assert uhd.ids_of("arr_item") == ["radarr4k:5"]

    changes = tracker.apply(grab(HASH_A, at=4, source="radarr", arr_item=11))

    assert [c.request.key for c in changes] == [hd.key]
    assert hd.stage is Stage.GRABBING


def test_evidence_is_matched_by_its_strongest_id() -> None:
    tracker = Tracker()
    first = tracker.apply(seerr_request(7, at=1))[0].request
    tracker.apply(grab(HASH_A, at=2))
    second = tracker.apply(seerr_request(8, at=3))[0].request

    # Both requests carry the TMDB id; only the first carries the hash.
    changes = tracker.apply(progress(HASH_A, 0.5, at=4))
    assert [c.request.key for c in changes] == [first.key]
    assert second.stage is Stage.APPROVED


# --- lifecycle -----------------------------------------------------------------------------------------------


def test_expired_returns_finished_requests_after_the_retention_only() -> None:
    tracker = Tracker()
    available = tracker.apply(seerr_request(1, at=0))[0].request
    tracker.apply(LibraryItemFound(source="jellyfin", at=100, ids=movie_ids(jellyfin_item="j1")))
    assert available.stage is Stage.AVAILABLE
    declined = tracker.apply(
        RequestDeclined(source="seerr", at=100, ids=make_ids(tmdb=1, media_type="movie", seerr_request=2))
    )[0].request
    failed = tracker.apply(
        RequestFailed(source="seerr", at=100, ids=make_ids(tmdb=2, media_type="movie", seerr_request=3))
    )[0].request
    active = tracker.apply(grab(HASH_B, at=0, media=SHOW, source="sonarr"))[0].request
    assert (declined.stage, failed.stage, active.stage) == (Stage.DECLINED, Stage.FAILED, Stage.GRABBING)

    assert tracker.expired(now=100 + HOUR - 1, retention=HOUR) == []
    assert sorted(tracker.expired(now=100 + HOUR, retention=HOUR)) == sorted([available.key, declined.key])
    assert active.key not in tracker.expired(now=10**9, retention=HOUR)
    assert failed.key not in tracker.expired(now=10**9, retention=HOUR), "a failure waits for a person"


def test_remove_unindexes_so_later_evidence_is_held_not_applied_to_a_ghost() -> None:
    tracker = Tracker()
    request = tracker.apply(grab(HASH_A, at=1))[0].request

    assert tracker.remove(request.key) is request
    assert tracker.remove(request.key) is None
    assert tracker.requests == {}

    report = progress(HASH_A, 0.5, at=2)
    assert tracker.apply(report) == []
    assert tracker.pending == [report]
    assert request.stage is Stage.GRABBING
    assert request.progress is None


def test_add_indexes_a_restored_request() -> None:
    source = Tracker()
    request = source.apply(grab(HASH_A, at=1))[0].request
    tracker = Tracker()
    tracker.add(request)

    changes = tracker.apply(progress(HASH_A, 0.5, at=2))

    assert [c.request.key for c in changes] == [request.key]
    assert request.stage is Stage.DOWNLOADING


def test_apply_to_a_chosen_request_whatever_its_ids() -> None:
    tracker = Tracker()
    request = tracker.apply(grab(HASH_A, at=1))[0].request
    tracker.apply(progress(HASH_A, 0.5, at=2))

    # A person marks the request available; the evidence names no id at all.
    changes = tracker.apply_to(request.key, RequestAvailable(source="user", at=3))

    assert [(c.request.key, c.old_stage, c.new_stage) for c in changes] == [
        (request.key, Stage.DOWNLOADING, Stage.AVAILABLE)
    ]
    assert detail_text(request.timeline[-1]) == "available according to user"
    assert tracker.apply_to(request.key, RequestAvailable(source="user", at=4)) == []


def test_apply_to_indexes_new_ids_and_pulls_in_held_evidence() -> None:
    tracker = Tracker()
    request = tracker.apply(seerr_request(7, at=1))[0].request
    held = LibraryItemFound(source="jellyfin", at=2, ids=make_ids(jellyfin_item="j1", shoko_series=(901,)))
    tracker.apply(held)
    assert tracker.pending == [held]

    tracker.apply_to(request.key, MediaAdded(source="user", at=3, ids=make_ids(shoko_series=(901,))))

    assert tracker.pending == []
    assert request.stage is Stage.AVAILABLE
    # The Jellyfin item id is the request's now: a later look-up naming only it is matched, not held.
    assert tracker.apply(LibraryItemFound(source="jellyfin", at=4, ids=make_ids(jellyfin_item="j1"))) == []
    assert tracker.pending == []


# --- stalls --------------------------------------------------------------------------------------------------


def stall_reasons(tracker: Tracker, now: float) -> dict[str, str | None]:
    changes = tracker.check_stalls(now, DEFAULT_STALL_AFTER)
    for change in changes:
        assert change.old_stage is change.new_stage
        assert not change.stage_changed
    return {c.request.key: stall_text(c.request) for c in changes}


def request_at(*evidence: Evidence) -> tuple[Tracker, TrackedRequest]:
    tracker = Tracker()
    for item in evidence:
        tracker.apply(item)
    return tracker, only(tracker)


def _metadata(at: float) -> DownloadProgress:
    return DownloadProgress(source="qbit", at=at, ids=qbit_ids(HASH_A), size=0, phase=DownloadPhase.METADATA)


def _phase(phase: DownloadPhase, at: float) -> DownloadProgress:
    return DownloadProgress(source="qbit", at=at, ids=qbit_ids(HASH_A), progress=0.1, phase=phase)


ANIME = MediaInfo(title="The Film", media_type=MediaType.MOVIE, anime=True)


@pytest.mark.parametrize(
    ("evidence", "stage", "words"),
    [
        ((RequestCreated(source="seerr", at=0, ids=movie_ids(seerr_request=7)),), Stage.REQUESTED, "approval in Seerr"),
        ((seerr_request(7, at=0),), Stage.APPROVED, "check Radarr"),
        ((seerr_request(7, at=0, media=SHOW),), Stage.APPROVED, "check Sonarr"),
        ((grab(at=0),), Stage.GRABBING, "qBittorrent received it"),
        ((grab(at=0), _metadata(0)), Stage.DOWNLOADING, "fetching metadata"),
        ((grab(at=0), _phase(DownloadPhase.PAUSED, 0)), Stage.DOWNLOADING, "paused"),
        ((grab(at=0), progress(at=0)), Stage.DOWNLOADING, "no seeds"),
        ((grab(at=0), completed(at=0)), Stage.DOWNLOADED, "Radarr has not imported it"),
        ((grab(at=0), movie_imported(at=0)), Stage.IMPORTING, "scan the library"),
        ((grab(at=0, media=ANIME), movie_imported(at=0)), Stage.IMPORTING, "Shokofin, the VFS"),
        (
            (grab(at=0), movie_imported(at=0), AnimeFileSeen(source="shoko", at=0, ids=make_ids(files=(MOVIE_PATH,)))),
            Stage.ANIME_MATCHING,
            "Shoko has not matched",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_stall_reason_is_specific_to_the_stage(evidence: tuple[Evidence, ...], stage: Stage, words: str) -> None:
    tracker, request = request_at(*evidence)
    assert request.stage is stage
    allowed = DEFAULT_STALL_AFTER[stage]

    assert stall_reasons(tracker, now=allowed - 1) == {}
    assert stall_text(request) is None

    reasons = stall_reasons(tracker, now=allowed)
    assert list(reasons) == [request.key]
    assert words in (stall_text(request) or "")
    assert request.stage is stage, "a stalled request keeps its stage"


def test_importing_stall_reason_does_not_mention_shokofin_for_other_media() -> None:
    tracker, request = request_at(grab(at=0), movie_imported(at=0))
    stall_reasons(tracker, now=DEFAULT_STALL_AFTER[Stage.IMPORTING])
    assert stall_text(request) is not None
    assert "Shokofin" not in stall_text(request)


def test_stall_reason_says_how_long() -> None:
    tracker, request = request_at(seerr_request(7, at=0))
    stall_reasons(tracker, now=3 * 86400)
    assert stall_text(request) is not None
    assert "3 days ago" in stall_text(request)


def test_stall_does_not_fire_again_while_stalled() -> None:
    tracker, request = request_at(grab(at=0))
    assert stall_reasons(tracker, now=HOUR) == {request.key: stall_text(request)}
    first = stall_text(request)

    assert stall_reasons(tracker, now=5 * HOUR) == {}
    assert stall_text(request) == first


def test_download_progress_lifts_a_stall_and_reports_that_as_a_change() -> None:
    tracker, request = request_at(grab(at=0), progress(fraction=0.1, at=0))
    stall_reasons(tracker, now=HOUR)
    assert stall_text(request) is not None

    changes = tracker.apply(progress(fraction=0.2, at=HOUR + 1))

    assert [c.request.key for c in changes] == [request.key]
    assert stall_text(request) is None
    assert stall_reasons(tracker, now=2 * HOUR) == {}, "progress is activity"


def test_reports_without_progress_do_not_keep_a_download_from_stalling() -> None:
    tracker, request = request_at(grab(at=0), progress(fraction=0.1, at=0))
    for minute in range(1, 60):
        tracker.apply(progress(fraction=0.1, at=minute * 60))
    assert stall_reasons(tracker, now=HOUR) == {request.key: stall_text(request)}


def test_finished_and_problem_stages_never_stall() -> None:
    tracker = Tracker()
    tracker.apply(seerr_request(1, at=0))
    tracker.apply(LibraryItemFound(source="jellyfin", at=0, ids=movie_ids(jellyfin_item="j1")))
    tracker.apply(RequestFailed(source="seerr", at=0, ids=make_ids(tmdb=2, media_type="movie", seerr_request=2)))
    assert stall_reasons(tracker, now=10**9) == {}


def test_import_blocked_reason_is_kept_by_stall_checks() -> None:
    tracker, request = request_at(grab(at=0), completed(at=0))
    tracker.apply(ImportBlocked(source="radarr", at=1, ids=movie_ids(download_ids=(HASH_A,)), reason="sample only"))

    assert stall_reasons(tracker, now=10 * HOUR) == {}
    assert stall_text(request) == "import needs attention: sample only"
