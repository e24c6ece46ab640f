"""Download errors and replaced downloads: shown at once, cleared when the download moves, never mixed in."""

from __future__ import annotations

from custom_components.media_request_tracker.tracker import (
    DEFAULT_STALL_AFTER,
    DownloadPhase,
    DownloadProgress,
    ImportBlocked,
    Note,
    Stage,
    TrackedRequest,
    Tracker,
)
from tests.tracker.words_support import stall_text

from .builders import (
    HASH_A,
    HASH_B,
    SHOW,
    completed,
    feed,
    grab,
    movie_ids,
    movie_imported,
    new_request,
    progress,
    qbit_ids,
)


def report(
    download: str = HASH_A,
    phase: DownloadPhase = DownloadPhase.DOWNLOADING,
    *,
    at: float,
    fraction: float = 0.4,
    seeds: int | None = None,
    problem: str | None = None,
    episodes: frozenset[tuple[int, int]] = frozenset(),
) -> DownloadProgress:
    """qBittorrent's report of a torrent, as its parser writes it."""
    return DownloadProgress(
        source="qbit",
        at=at,
        ids=qbit_ids(download),
        episodes=episodes,
        progress=fraction,
        size=4_000,
        eta=600 if phase is DownloadPhase.DOWNLOADING else None,
        phase=phase,
        seeds=seeds,
        client="qBittorrent",
        problem=problem,
    )


def errored(download: str = HASH_A, *, at: float = 5, problem: str = "missingFiles") -> DownloadProgress:
    return report(download, DownloadPhase.ERROR, at=at, problem=problem)


def codes(request: TrackedRequest) -> list[str]:
    return [entry.note.code for entry in request.timeline]


# --- an error, shown at once -----------------------------------------------------------------------------------


def test_a_client_error_is_a_timeline_line_and_the_stall_at_once() -> None:
    request = new_request()
    feed(request, grab(at=3), report(at=4), errored(at=5))

    assert request.stage is Stage.DOWNLOADING, "an error is a warning: Radarr decides when a download failed"
    error = Note.of("download_error", client="qBittorrent", problem="missingFiles")
    assert request.stall == error
    assert (request.timeline[-1].stage, request.timeline[-1].at, request.timeline[-1].note) == (
        Stage.DOWNLOADING,
        5,
        error,
    )
    assert stall_text(request) == (
        "qBittorrent reports an error: its files are missing: check that the save path is mounted"
    )


def test_an_error_in_the_first_report_comes_after_the_download_started_line() -> None:
    request = new_request()
    feed(request, grab(at=3), errored(at=4, problem="error"))
    assert codes(request)[-2:] == ["download_started", "download_error"]
    assert request.stall is not None
    assert stall_text(request) == "qBittorrent reports an error: check the save path and free disk space"


def test_the_stall_clears_when_the_download_moves_again() -> None:
    request = new_request()
    feed(request, grab(at=3), errored(at=5))
    feed(request, report(at=6, fraction=0.4))
    assert request.stall is None
    assert request.downloads[HASH_A.lower()].trouble is None


def test_an_error_flipping_on_and_off_is_one_timeline_line() -> None:
    request = new_request()
    feed(request, grab(at=3))
    for minute in range(5):
        feed(request, errored(at=10 + 2 * minute), report(at=11 + 2 * minute))
    assert codes(request).count("download_error") == 1
    feed(request, errored(at=30))
    assert request.stall is not None
    assert request.stall.code == "download_error"


def test_a_stalled_torrent_without_seeds_says_so_at_once_and_one_with_seeds_does_not() -> None:
    with_seeds = new_request()
    feed(with_seeds, grab(at=3), report(phase=DownloadPhase.STALLED, seeds=2, at=4))
    assert with_seeds.stall is None

    without = new_request()
    feed(without, grab(at=3), report(phase=DownloadPhase.STALLED, seeds=0, at=4))
    assert without.stall == Note.of("no_seeds", client="qBittorrent")
    assert codes(without)[-1] == "no_seeds"
    assert stall_text(without) is not None
    assert "no seeds" in stall_text(without)


def test_an_error_outranks_a_timed_stall_but_not_an_import_block() -> None:
    tracker = Tracker()
    for item in (grab(at=0), report(at=0)):
        tracker.apply(item)
    (request,) = tracker.requests.values()
    tracker.check_stalls(DEFAULT_STALL_AFTER[Stage.DOWNLOADING], DEFAULT_STALL_AFTER)
    assert request.stall is not None
    assert request.stall.code == "no_progress"
    tracker.apply(errored(at=DEFAULT_STALL_AFTER[Stage.DOWNLOADING] + 1))
    assert request.stall is not None
    assert request.stall.code == "download_error"

    blocked = new_request()
    feed(blocked, grab(at=0), report(at=1))
    feed(blocked, ImportBlocked(source="radarr", at=2, ids=movie_ids(download_ids=(HASH_A,)), reason="sample"))
    feed(blocked, errored(at=3))
    assert blocked.stall == Note.of("import_blocked", reason="sample")


def test_a_report_of_old_trouble_after_the_download_completed_changes_nothing() -> None:
    request = new_request()
    feed(request, grab(at=3), completed(at=6))
    before = len(request.timeline)
    feed(request, errored(at=5))
    assert request.stall is None
    assert len(request.timeline) == before


# --- a replaced download ---------------------------------------------------------------------------------------


def test_a_new_grab_replacing_an_errored_download_shows_only_the_new_one() -> None:
    request = new_request()
    feed(request, grab(HASH_A, at=3), errored(HASH_A, at=5))
    feed(request, grab(HASH_B, at=7, size=6_000), report(HASH_B, at=8, fraction=0.1))
    feed(request, DownloadProgress(source="qbit", at=9, ids=qbit_ids(HASH_B), progress=0.1, size=6_000, eta=900))

    assert request.progress == 0.1, "not the average with the dead download's 40 %"
    assert request.size == 6_000
    assert request.eta == 900
    assert request.stall is None, "the replaced download's error is not the request's any more"


def test_an_available_request_shows_full_progress_never_an_average_with_a_dead_download() -> None:
    request = new_request()
    feed(request, grab(HASH_A, at=3), errored(HASH_A, at=5))
    feed(request, grab(HASH_B, at=7), completed(HASH_B, at=9), movie_imported(HASH_B, at=10))
    assert request.stage is Stage.IMPORTING
    assert request.progress == 1.0


def test_a_replacing_grab_counts_whichever_order_the_reports_arrive_in() -> None:
    request = new_request()
    feed(request, grab(HASH_B, at=7), report(HASH_B, at=8, fraction=0.2), grab(HASH_A, at=3), errored(HASH_A, at=5))
    assert request.progress == 0.2
    assert request.stall is None


def test_an_available_request_without_any_download_seen_shows_no_progress() -> None:
    request = new_request()
    feed(request, movie_imported(at=6))
    assert request.progress is None


def test_a_later_grab_of_other_episodes_replaces_nothing() -> None:
    ep1, ep2 = frozenset({(1, 1)}), frozenset({(1, 2)})
    request = new_request()
    feed(
        request,
        grab(HASH_A, at=3, media=SHOW, episodes=ep1, source="sonarr"),
        progress(HASH_A, 0.5, at=4, size=1_000, episodes=ep1),
        grab(HASH_B, at=5, media=SHOW, episodes=ep2, source="sonarr"),
        progress(HASH_B, 0.1, at=6, size=1_000, episodes=ep2),
    )
    assert request.progress == 0.3
    assert request.size == 2_000
