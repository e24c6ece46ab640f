"""The state machine's rules: what one piece of evidence does to one request."""

from __future__ import annotations

from collections import Counter

import pytest

from custom_components.media_request_tracker.tracker import (
    AnimeFileMatched,
    AnimeFileNotMatched,
    AnimeFileSeen,
    DownloadFailed,
    DownloadPhase,
    DownloadProgress,
    Evidence,
    ImportBlocked,
    LibraryItemFound,
    MediaDeleted,
    MediaInfo,
    MediaType,
    RequestApproved,
    RequestCreated,
    RequestDeclined,
    RequestFailed,
    Stage,
    make_ids,
)
from custom_components.media_request_tracker.tracker.model import MAX_TIMELINE, TrackedRequest
from custom_components.media_request_tracker.tracker.stages import PROGRESS_STAGES
from tests.tracker.words_support import detail_text, stall_text

from .builders import (
    FILM,
    HASH_A,
    HASH_B,
    HASH_C,
    MOVIE_PATH,
    SHOW,
    added,
    completed,
    episode_path,
    episodes_imported,
    feed,
    grab,
    movie_ids,
    movie_imported,
    new_request,
    progress,
    qbit_ids,
    show_ids,
)

SEERR = movie_ids(seerr_request=7, seerr_instance="seerr")
ANIME_FILM = MediaInfo(title="The Film", media_type=MediaType.MOVIE, anime=True)


def created(at: float = 1, media: MediaInfo = FILM) -> RequestCreated:
    return RequestCreated(source="seerr", at=at, ids=SEERR, media=media)


def approved(at: float = 2, media: MediaInfo = FILM) -> RequestApproved:
    return RequestApproved(source="seerr", at=at, ids=SEERR, media=media)


def in_library(at: float = 9) -> LibraryItemFound:
    return LibraryItemFound(source="jellyfin", at=at, ids=movie_ids(jellyfin_item="j1"))


def timeline(request: TrackedRequest) -> list[tuple[Stage, bool]]:
    return [(entry.stage, entry.inferred) for entry in request.timeline]


def available_movie() -> TrackedRequest:
    request = new_request()
    feed(request, created(), approved(), added(at=2.5), grab(), progress(), completed(), movie_imported(), in_library())
    assert request.stage is Stage.AVAILABLE
    return request


# --- moving forward ------------------------------------------------------------------------------------------


def test_jump_forward_records_the_skipped_stages_as_inferred() -> None:
    request = new_request()
    feed(request, created())
    outcome = feed(request, movie_imported(at=6))

    assert outcome.old_stage is Stage.REQUESTED
    assert outcome.new_stage is Stage.IMPORTING
    assert outcome.stage_changed
    assert request.stage is Stage.IMPORTING
    assert request.stage_since == 6
    assert timeline(request) == [
        (Stage.REQUESTED, False),
        (Stage.APPROVED, True),
        (Stage.SEARCHING, True),
        (Stage.GRABBING, True),
        (Stage.DOWNLOADING, True),
        (Stage.DOWNLOADED, True),
        (Stage.IMPORTING, False),
    ]
    for entry in request.timeline[1:-1]:
        assert detail_text(entry) == "inferred from: imported"
        assert entry.source == "radarr"
        assert entry.at == 6


def test_first_evidence_past_requested_infers_the_start_of_the_path() -> None:
    request = new_request()
    feed(request, grab())
    assert timeline(request) == [
        (Stage.REQUESTED, True),
        (Stage.APPROVED, True),
        (Stage.SEARCHING, True),
        (Stage.GRABBING, False),
    ]


def test_each_step_in_order_is_seen_and_nothing_is_inferred() -> None:
    request = available_movie()
    assert timeline(request) == [(stage, False) for stage in PROGRESS_STAGES if stage is not Stage.ANIME_MATCHING], (
        "a non-anime movie never passes anime_matching"
    )


def test_non_anime_movie_jumping_to_available_does_not_infer_anime_matching() -> None:
    request = new_request()
    feed(request, created(), in_library())
    assert Stage.ANIME_MATCHING not in {entry.stage for entry in request.timeline}
    assert request.stage is Stage.AVAILABLE


def test_anime_movie_jumping_to_available_infers_anime_matching() -> None:
    request = new_request()
    feed(request, created(media=ANIME_FILM), movie_imported(), in_library())
    assert timeline(request)[-2:] == [(Stage.ANIME_MATCHING, True), (Stage.AVAILABLE, False)]


def test_late_download_completed_after_the_import_turns_the_inferred_entry_into_a_seen_one() -> None:
    request = new_request()
    feed(request, created(), grab(), progress(), movie_imported(at=6))
    downloaded = next(entry for entry in request.timeline if entry.stage is Stage.DOWNLOADED)
    assert downloaded.inferred

    outcome = feed(request, completed(at=7))

    assert outcome.changed
    assert not outcome.stage_changed
    assert request.stage is Stage.IMPORTING
    assert [entry.stage for entry in request.timeline].count(Stage.DOWNLOADED) == 1
    assert not downloaded.inferred
    assert downloaded.source == "qbit"
    assert detail_text(downloaded) == "download complete"


# --- stale and repeated evidence -----------------------------------------------------------------------------


def test_same_evidence_twice_changes_nothing_the_second_time() -> None:
    request = new_request()
    feed(request, created(), grab())
    report = progress(fraction=0.4, speed=100, eta=60)
    assert feed(request, report).changed
    before = list(request.timeline)

    outcome = feed(request, report)

    assert not outcome.changed
    assert request.timeline == before


@pytest.mark.parametrize(
    "stale",
    [created(at=20), approved(at=20), grab(at=20), progress(at=20), completed(at=20), movie_imported(at=20)],
    ids=lambda item: type(item).__name__,
)
def test_stale_evidence_never_moves_a_request_back(stale: Evidence) -> None:
    request = available_movie()
    entries = len(request.timeline)

    outcome = feed(request, stale)

    assert request.stage is Stage.AVAILABLE
    assert not outcome.stage_changed
    assert len(request.timeline) == entries


def test_stale_evidence_may_still_fill_in_details() -> None:
    request = new_request()
    feed(request, grab(), progress(), completed(), movie_imported())
    late = RequestCreated(
        source="seerr",
        at=20,
        ids=SEERR,
        media=MediaInfo(title="Another Title", poster="/poster.jpg", requested_by="ana"),
    )

    outcome = feed(request, late)

    assert outcome.changed
    assert not outcome.stage_changed
    assert request.stage is Stage.IMPORTING
    assert request.poster == "/poster.jpg"
    assert request.requested_by == "ana"
    assert request.title == "The Film", "the first source to name a title keeps it"
    assert (SEERR - request.ids) == frozenset()


def test_late_download_completed_updates_the_download_but_not_the_stage() -> None:
    request = new_request()
    feed(request, grab(), progress(fraction=0.5, speed=100, eta=30), movie_imported(), in_library())

    feed(request, completed(at=20, size=4_200))

    assert request.stage is Stage.AVAILABLE
    assert request.progress == 1.0
    assert request.size == 4_200
    assert request.download_speed == 0


def test_older_progress_report_does_not_lower_the_progress() -> None:
    request = new_request()
    feed(request, grab(), progress(fraction=0.6, at=5))

    outcome = feed(request, progress(fraction=0.4, at=4))

    assert not outcome.changed
    assert request.progress == pytest.approx(0.6)


# --- download details ----------------------------------------------------------------------------------------


def test_progress_speed_and_eta_of_one_download() -> None:
    request = new_request()
    feed(request, grab(size=None), progress(fraction=0.25, size=8_000, speed=500, eta=120))

    assert request.stage is Stage.DOWNLOADING
    assert request.progress == pytest.approx(0.25)
    assert request.size == 8_000
    assert request.download_speed == 500
    assert request.eta == 120
    assert request.download_phase is DownloadPhase.DOWNLOADING


def test_progress_is_weighted_by_size_over_the_downloads() -> None:
    ep1, ep2 = frozenset({(1, 1)}), frozenset({(1, 2)})
    request = new_request()
    feed(
        request,
        grab(HASH_A, media=SHOW, episodes=ep1, size=None),
        grab(HASH_B, media=SHOW, episodes=ep2, size=None),
        progress(HASH_A, 1.0, size=1_000, speed=100, eta=0, episodes=ep1),
        progress(HASH_B, 0.2, size=3_000, speed=300, eta=90, episodes=ep2),
    )

    assert request.progress == pytest.approx((1_000 * 1.0 + 3_000 * 0.2) / 4_000)
    assert request.size == 4_000
    assert request.download_speed == 400
    assert request.eta == 90, "the last download to finish"


def test_eta_is_unknown_while_any_download_has_no_eta() -> None:
    request = new_request()
    feed(
        request,
        grab(HASH_A, media=SHOW, episodes=frozenset({(1, 1)})),
        grab(HASH_B, media=SHOW, episodes=frozenset({(1, 2)})),
        progress(HASH_A, 0.5, eta=60),
        progress(HASH_B, 0.5, eta=None),
    )
    assert request.eta is None


def test_metadata_report_with_size_zero_never_erases_a_known_size() -> None:
    request = new_request()
    queued = DownloadProgress(
        source="qbit", at=4, ids=qbit_ids(HASH_A), progress=0.0, size=7_000, phase=DownloadPhase.QUEUED
    )
    metadata = DownloadProgress(
        source="qbit", at=5, ids=qbit_ids(HASH_A), progress=0.0, size=0, phase=DownloadPhase.METADATA
    )
    feed(request, grab(size=None), queued, metadata)

    assert request.downloads[HASH_A.lower()].size == 7_000
    assert request.size == 7_000
    assert request.download_phase is DownloadPhase.METADATA


def test_metadata_report_with_size_zero_shows_the_grabbed_release_size() -> None:
    request = new_request()
    metadata = DownloadProgress(
        source="qbit", at=5, ids=qbit_ids(HASH_A), progress=0.0, size=0, phase=DownloadPhase.METADATA
    )
    feed(request, grab(size=5_000), metadata)
    assert request.size == 5_000


def test_size_is_unknown_rather_than_zero_when_only_a_metadata_report_gave_one() -> None:
    request = new_request()
    metadata = DownloadProgress(
        source="qbit", at=5, ids=qbit_ids(HASH_A), progress=0.0, size=0, phase=DownloadPhase.METADATA
    )
    feed(request, grab(size=None), metadata)
    assert request.size is None


def test_download_completed_without_a_size_keeps_the_known_size() -> None:
    request = new_request()
    feed(request, grab(size=None), progress(size=6_000), completed(size=None))
    assert request.size == 6_000
    assert request.progress == 1.0


def test_completed_download_no_longer_reports_the_metadata_phase() -> None:
    request = new_request()
    metadata = DownloadProgress(
        source="qbit", at=4, ids=qbit_ids(HASH_A), progress=0.0, size=0, phase=DownloadPhase.METADATA
    )
    feed(request, grab(), metadata, completed(at=5, size=4_000))

    assert request.stage is Stage.DOWNLOADED
    assert request.download_phase is not DownloadPhase.METADATA


# --- failure and recovery ------------------------------------------------------------------------------------


def failed(download: str = HASH_A, at: float = 6, reason: str = "no seeders") -> DownloadFailed:
    return DownloadFailed(source="radarr", at=at, ids=movie_ids(download_ids=(download,)), reason=reason)


def test_failure_of_the_current_download_fails_the_request() -> None:
    request = new_request()
    feed(request, created(), approved(), grab(HASH_A), progress(HASH_A, 0.3))

    outcome = feed(request, failed(HASH_A))

    assert outcome.new_stage is Stage.FAILED
    assert request.stage is Stage.FAILED
    assert request.timeline[-1].stage is Stage.FAILED
    assert detail_text(request.timeline[-1]) == "download failed: no seeders"
    assert not request.timeline[-1].inferred


def test_new_grab_after_a_failure_recovers_and_the_failed_download_no_longer_counts() -> None:
    request = new_request()
    feed(request, created(), approved(), grab(HASH_A), progress(HASH_A, 0.3, speed=900), failed(HASH_A))

    outcome = feed(request, grab(HASH_B, at=7, size=5_000))

    assert outcome.old_stage is Stage.FAILED
    assert outcome.new_stage is Stage.GRABBING
    assert request.progress is None, "the failed download's progress no longer counts"
    assert request.download_speed == 0
    assert request.size == 5_000

    # qBittorrent keeps reporting the failed torrent: it moves nothing.
    feed(request, progress(HASH_A, 0.9, at=8, speed=900), completed(HASH_A, at=9))
    assert request.stage is Stage.GRABBING
    assert request.progress is None
    assert request.download_speed == 0

    feed(request, progress(HASH_B, 0.1, at=10, size=5_000))
    assert request.stage is Stage.DOWNLOADING
    assert request.progress == pytest.approx(0.1)


def test_late_failure_of_an_old_download_does_not_fail_the_new_one() -> None:
    request = new_request()
    feed(request, created(), grab(HASH_A), failed(HASH_A), grab(HASH_B, at=7), progress(HASH_B, 0.4, at=8))

    feed(request, failed(HASH_A, at=9))

    assert request.stage is Stage.DOWNLOADING


def test_failed_download_whose_report_arrives_before_the_failure_still_fails() -> None:
    request = new_request()
    feed(request, created(), grab(HASH_A), completed(HASH_A), failed(HASH_A, at=7, reason="import failed"))
    assert request.stage is Stage.FAILED


@pytest.mark.parametrize(
    ("problem", "stage"),
    [
        (RequestFailed(source="seerr", at=3, ids=SEERR, reason="Radarr unreachable"), Stage.FAILED),
        (RequestDeclined(source="seerr", at=3, ids=SEERR, reason="not on my server"), Stage.DECLINED),
    ],
    ids=["failed", "declined"],
)
def test_seerr_problem_holds_the_request_until_a_grab_lifts_it(
    problem: RequestFailed | RequestDeclined, stage: Stage
) -> None:
    request = new_request()
    feed(request, created(), approved())

    feed(request, problem)
    assert request.stage is stage
    assert request.problems[stage] == problem.reason

    # A stale approval is no new progress.
    feed(request, approved(at=4))
    assert request.stage is stage

    outcome = feed(request, grab(at=5))
    assert outcome.old_stage is stage
    assert request.stage is Stage.GRABBING


def test_problem_timeline_entry_is_never_marked_inferred() -> None:
    request = new_request()
    feed(request, created(), RequestDeclined(source="seerr", at=3, ids=SEERR))
    assert request.timeline[-1].stage is Stage.DECLINED
    assert not request.timeline[-1].inferred
    assert detail_text(request.timeline[-1]) == "declined"


# --- Shoko matching --------------------------------------------------------------------------------------------

SHOKO_PATH = "/mnt/anime/The Film (1999)/The.Film.1999.1080p.mkv"


def shoko(kind: type[AnimeFileSeen | AnimeFileMatched | AnimeFileNotMatched], at: float, **extra: str) -> Evidence:
    return kind(source="shoko", at=at, ids=make_ids(files=(SHOKO_PATH,), shoko_file=77), file_id="77", **extra)


def test_file_shoko_cannot_match_is_match_failed_until_matched_by_hand() -> None:
    request = new_request()
    feed(request, created(media=ANIME_FILM), grab(), completed(), movie_imported())
    feed(request, shoko(AnimeFileSeen, 7))
    assert request.stage is Stage.ANIME_MATCHING

    feed(request, shoko(AnimeFileNotMatched, 8, reason="no AniDB release"))
    assert request.stage is Stage.MATCH_FAILED
    assert detail_text(request.timeline[-1]) == "Shoko could not match the file: no AniDB release"

    outcome = feed(request, shoko(AnimeFileMatched, 9))
    assert outcome.old_stage is Stage.MATCH_FAILED
    assert request.stage is Stage.ANIME_MATCHING
    assert request.timeline[-1].stage is Stage.ANIME_MATCHING

    feed(request, in_library(at=10))
    assert request.stage is Stage.AVAILABLE
    assert [entry.stage for entry in request.timeline].count(Stage.ANIME_MATCHING) == 2


def test_shoko_event_about_a_file_marks_the_request_as_anime() -> None:
    request = new_request()
    feed(request, created(), movie_imported())
    assert not request.anime

    feed(request, shoko(AnimeFileSeen, 7))

    assert request.anime
    assert request.stage is Stage.ANIME_MATCHING
    (file,) = request.files.values()
    assert file.path == MOVIE_PATH, "Shoko's event is about the file Radarr imported"
    assert file.shoko_id == "77"


# --- deletion ------------------------------------------------------------------------------------------------


def deleted(at: float = 20) -> MediaDeleted:
    return MediaDeleted(source="radarr", at=at, ids=movie_ids(arr_item=11, arr_instance="radarr"), reason="removed")


def test_deletion_then_a_new_grab_starts_over() -> None:
    request = available_movie()

    outcome = feed(request, deleted())
    assert outcome.new_stage is Stage.DELETED
    assert request.files == {}

    # Reports about the old download are void now.
    feed(request, completed(HASH_A, at=21))
    assert request.stage is Stage.DELETED

    outcome = feed(request, grab(HASH_B, at=30))
    assert outcome.old_stage is Stage.DELETED
    assert request.stage is Stage.GRABBING
    assert Stage.DELETED not in request.problems

    feed(request, progress(HASH_B, 0.5, at=31), completed(HASH_B, at=32))
    assert request.stage is Stage.DOWNLOADED
    feed(request, movie_imported(HASH_B, at=33))
    assert request.stage is Stage.IMPORTING
    feed(request, in_library(at=34))
    assert request.stage is Stage.AVAILABLE


def test_repeated_deletion_changes_nothing() -> None:
    request = available_movie()
    feed(request, deleted())
    assert not feed(request, deleted(at=21)).changed


def test_stale_library_item_after_a_deletion_does_not_make_the_next_grab_available() -> None:
    request = available_movie()
    feed(request, deleted(at=20))
    feed(request, in_library(at=21))  # the library has not been rescanned yet
    assert request.stage is Stage.DELETED

    feed(request, grab(HASH_B, at=30))

    assert request.stage is Stage.GRABBING


# --- import blocked ------------------------------------------------------------------------------------------


def test_import_blocked_sets_the_stalled_reason_and_a_stage_change_clears_it() -> None:
    request = new_request()
    feed(request, created(), grab(), completed())
    blocked = ImportBlocked(source="radarr", at=6, ids=movie_ids(download_ids=(HASH_A,)), reason="no files found")

    outcome = feed(request, blocked)

    assert outcome.changed
    assert not outcome.stage_changed
    assert request.stage is Stage.DOWNLOADED
    assert stall_text(request) == "import needs attention: no files found"
    assert not feed(request, blocked).changed

    feed(request, movie_imported(at=7))
    assert request.stage is Stage.IMPORTING
    assert stall_text(request) is None


# --- series --------------------------------------------------------------------------------------------------

SEASON = frozenset({(1, 1), (1, 2), (1, 3)})


def series_request(*evidence: Evidence) -> TrackedRequest:
    request = new_request()
    feed(request, RequestApproved(source="seerr", at=1, ids=show_ids(seerr_request=8, seerr_instance="s"), media=SHOW))
    for item in evidence:
        feed(request, item)
    return request


def ep(number: int, season: int = 1) -> frozenset[tuple[int, int]]:
    return frozenset({(season, number)})


def series_item(at: float = 50) -> LibraryItemFound:
    return LibraryItemFound(source="jellyfin", at=at, ids=show_ids(jellyfin_item="s1"), item_type="Series")


def test_season_pack_moves_every_episode_with_one_download() -> None:
    request = series_request(
        grab(HASH_C, media=SHOW, episodes=SEASON, arr_item=23, source="sonarr"),
        progress(HASH_C, 0.5, size=9_000),
    )
    assert request.episode_stages() == dict.fromkeys(sorted(SEASON), Stage.DOWNLOADING)
    assert list(request.downloads) == [HASH_C.lower()]

    feed(request, completed(HASH_C), episodes_imported(HASH_C, SEASON))
    assert request.episode_stages() == dict.fromkeys(sorted(SEASON), Stage.IMPORTING)
    assert request.stage is Stage.IMPORTING
    assert len(request.files) == 3

    feed(request, series_item())
    assert request.stage is Stage.AVAILABLE


def test_series_stage_is_its_least_advanced_episode_with_per_episode_counts() -> None:
    request = series_request(
        grab(HASH_A, media=SHOW, episodes=ep(1), source="sonarr"),
        grab(HASH_B, media=SHOW, episodes=ep(2), source="sonarr"),
        grab(HASH_C, media=SHOW, episodes=ep(3), source="sonarr"),
        completed(HASH_A),
        episodes_imported(HASH_A, ep(1)),
        progress(HASH_B, 0.5),
    )

    assert request.episode_stages() == {
        (1, 1): Stage.IMPORTING,
        (1, 2): Stage.DOWNLOADING,
        (1, 3): Stage.GRABBING,
    }
    assert request.stage is Stage.GRABBING
    assert Counter(request.episode_stages().values()) == {
        Stage.IMPORTING: 1,
        Stage.DOWNLOADING: 1,
        Stage.GRABBING: 1,
    }

    feed(request, progress(HASH_C, 0.1))
    assert request.stage is Stage.DOWNLOADING


def test_one_failed_episode_shows_the_series_as_failed() -> None:
    request = series_request(
        grab(HASH_A, media=SHOW, episodes=ep(1), source="sonarr"),
        grab(HASH_B, media=SHOW, episodes=ep(2), source="sonarr"),
        completed(HASH_A),
        episodes_imported(HASH_A, ep(1)),
        series_item(),
    )
    assert request.episode_stages()[(1, 1)] is Stage.AVAILABLE

    feed(request, DownloadFailed(source="sonarr", at=60, ids=qbit_ids(HASH_B), episodes=ep(2)))

    assert request.episode_stages() == {(1, 1): Stage.AVAILABLE, (1, 2): Stage.FAILED}
    assert request.stage is Stage.FAILED


def test_one_episode_shoko_cannot_match_shows_the_series_as_match_failed() -> None:
    anime_show = MediaInfo(media_type=MediaType.TV, anime=True, seasons=frozenset({1}))
    request = series_request(
        grab(HASH_C, media=SHOW, episodes=SEASON, source="sonarr"),
        completed(HASH_C),
        episodes_imported(HASH_C, SEASON, media=anime_show),
    )
    for number in (1, 3):
        name = episode_path(1, number).rsplit("/", 1)[1]
        feed(request, AnimeFileMatched(source="shoko", at=10, ids=make_ids(files=(f"/anime/{name}",))))
    name = episode_path(1, 2).rsplit("/", 1)[1]
    feed(request, AnimeFileNotMatched(source="shoko", at=11, ids=make_ids(files=(f"/anime/{name}",))))

    assert request.episode_stages() == {
        (1, 1): Stage.ANIME_MATCHING,
        (1, 2): Stage.MATCH_FAILED,
        (1, 3): Stage.ANIME_MATCHING,
    }
    assert request.stage is Stage.MATCH_FAILED


def test_requested_seasons_filter_which_episodes_count() -> None:
    request = series_request(
        grab(HASH_A, media=SHOW, episodes=ep(1), source="sonarr"),
        completed(HASH_A),
        episodes_imported(HASH_A, ep(1)),
        # Sonarr also downloads an episode of season 2, which nobody asked for in this request.
        grab(HASH_B, media=SHOW, episodes=ep(1, season=2), source="sonarr"),
        DownloadFailed(source="sonarr", at=9, ids=qbit_ids(HASH_B), episodes=ep(1, season=2)),
    )

    assert set(request.episode_stages()) == {(1, 1)}
    assert request.stage is Stage.IMPORTING


def test_unrequested_season_does_not_set_the_stage_before_requested_episodes_are_known() -> None:
    request = series_request(
        grab(HASH_B, media=SHOW, episodes=ep(1, season=2), source="sonarr"),
        DownloadFailed(source="sonarr", at=9, ids=qbit_ids(HASH_B), episodes=ep(1, season=2)),
    )
    assert request.counted_episodes() == []
    assert request.stage is Stage.APPROVED


def test_without_known_seasons_every_episode_counts() -> None:
    request = new_request()
    feed(
        request,
        RequestApproved(source="seerr", at=1, media=MediaInfo(media_type=MediaType.TV)),
        grab(HASH_A, media=MediaInfo(media_type=MediaType.TV), episodes=ep(1, season=3), source="sonarr"),
    )
    assert request.seasons == set()
    assert set(request.episode_stages()) == {(3, 1)}
    assert request.stage is Stage.GRABBING


def test_series_item_in_the_library_makes_every_episode_with_a_file_available() -> None:
    request = series_request(
        grab(HASH_A, media=SHOW, episodes=ep(1), source="sonarr"),
        grab(HASH_B, media=SHOW, episodes=ep(2), source="sonarr"),
        completed(HASH_A),
        episodes_imported(HASH_A, ep(1)),
        progress(HASH_B, 0.5),
    )

    feed(request, series_item(at=20))

    assert request.episode_stages() == {(1, 1): Stage.AVAILABLE, (1, 2): Stage.DOWNLOADING}
    assert request.stage is Stage.DOWNLOADING

    # The item is in the library already: the second episode is in as soon as it has a file.
    feed(request, completed(HASH_B, at=21), episodes_imported(HASH_B, ep(2), at=22))
    assert request.episode_stages() == {(1, 1): Stage.AVAILABLE, (1, 2): Stage.AVAILABLE}
    assert request.stage is Stage.AVAILABLE


def test_series_item_does_not_make_a_downloaded_but_not_imported_episode_available() -> None:
    request = series_request(
        grab(HASH_C, media=SHOW, episodes=SEASON, source="sonarr"),
        completed(HASH_C),
        series_item(),
    )
    assert request.stage is Stage.DOWNLOADED


# --- the timeline cap ----------------------------------------------------------------------------------------


def test_timeline_is_capped_keeping_the_first_entry_and_the_newest() -> None:
    request = new_request()
    feed(request, created(at=1))
    first = request.timeline[0]
    cycles = MAX_TIMELINE  # each cycle adds two entries: grabbing, then failed
    for number in range(cycles):
        download = f"{number:040x}"
        feed(request, grab(download, at=10 + 2 * number), failed(download, at=11 + 2 * number))

    assert len(request.timeline) == MAX_TIMELINE
    assert request.timeline[0] is first
    assert request.timeline[0].stage is Stage.REQUESTED
    total = 3 + 2 * cycles  # requested, the inferred approved and searching, then the cycles
    assert request.timeline_dropped == total - MAX_TIMELINE
    assert request.timeline[-1].stage is Stage.FAILED
    assert request.timeline[-1].at == 11 + 2 * (cycles - 1)
    assert request.timeline[-2].stage is Stage.GRABBING
    assert [entry.at for entry in request.timeline[1:]] == sorted(entry.at for entry in request.timeline[1:])
