"""Upgrades: Radarr/Sonarr replace the file of media already in the library with a better one."""

from __future__ import annotations

from custom_components.media_request_tracker.tracker import (
    FilesImported,
    ImportedFile,
    LibraryItemFound,
    Stage,
    TrackedRequest,
    Tracker,
)
from custom_components.media_request_tracker.tracker.serialization import dump_request, load_request
from tests.tracker.words_support import detail_text

from .builders import FILM, HASH_A, HASH_B, completed, grab, movie_ids, progress

OLD_PATH = "/data/movies/The Film (1999)/The.Film.1999.1080p.mkv"
NEW_PATH = "/data/movies/The Film (1999)/The.Film.1999.2160p.Remux.mkv"


def imported(
    path: str, download: str, *, at: float, upgrade: bool = False, replaced: tuple[str, ...] = ()
) -> FilesImported:
    return FilesImported(
        source="radarr",
        at=at,
        ids=movie_ids(download_ids=(download,), arr_item=11, arr_instance="radarr", files=(path,)),
        media=FILM,
        files=(ImportedFile(path=path, size=4_000),),
        upgrade=upgrade,
        replaced=replaced,
    )


def listed(item: str, path: str, *, at: float) -> LibraryItemFound:
    return LibraryItemFound(
        source="jellyfin", at=at, ids=movie_ids(jellyfin_item=item, files=(path,)), item_type="Movie"
    )


def available_movie() -> tuple[Tracker, TrackedRequest]:
    tracker = Tracker()
    request = tracker.apply(grab(HASH_A, at=1))[0].request
    for evidence in (completed(HASH_A, at=2), imported(OLD_PATH, HASH_A, at=3), listed("j1", OLD_PATH, at=4)):
        tracker.apply(evidence)
    assert request.stage is Stage.AVAILABLE
    assert request.jellyfin_item == "j1"
    return tracker, request


def upgrade(tracker: Tracker) -> None:
    for evidence in (
        grab(HASH_B, at=10),
        progress(HASH_B, 0.5, at=11),
        completed(HASH_B, at=12),
        imported(NEW_PATH, HASH_B, at=13, upgrade=True, replaced=(OLD_PATH,)),
    ):
        tracker.apply(evidence)


def test_an_upgrade_keeps_the_request_available_and_notes_it_in_the_timeline() -> None:
    tracker, request = available_movie()

    upgrade(tracker)

    assert request.stage is Stage.AVAILABLE
    assert Stage.DELETED not in request.problems
    last = request.timeline[-1]
    assert (last.stage, last.source, detail_text(last)) == (
        Stage.AVAILABLE,
        "radarr",
        "upgraded to The.Film.1999.2160p.Remux.mkv",
    )
    assert [entry.stage for entry in request.timeline].count(Stage.AVAILABLE) == 2


def test_the_same_upgrade_reported_again_notes_it_once() -> None:
    tracker, request = available_movie()
    upgrade(tracker)
    length = len(request.timeline)

    assert tracker.apply(imported(NEW_PATH, HASH_B, at=13, upgrade=True, replaced=(OLD_PATH,))) == []
    assert len(request.timeline) == length


def test_the_jellyfin_item_follows_the_new_file_once_jellyfin_lists_it() -> None:
    tracker, request = available_movie()
    upgrade(tracker)
    # Until Jellyfin lists the new file, the old item is all there is.
    assert request.jellyfin_item == "j1"

    tracker.apply(listed("j2", NEW_PATH, at=20))
    assert request.jellyfin_item == "j2"

    # A late report of the old item (a poll answered before the scan) does not bring it back.
    tracker.apply(listed("j1", OLD_PATH, at=21))
    assert request.jellyfin_item == "j2"


def test_the_replaced_file_no_longer_counts_in_the_size() -> None:
    tracker, request = available_movie()
    upgrade(tracker)
    assert not request.files["the.film.1999.2160p.remux.mkv"].replaced
    assert request.files["the.film.1999.1080p.mkv"].replaced


def test_what_an_upgrade_left_survives_a_restart() -> None:
    tracker, request = available_movie()
    upgrade(tracker)
    tracker.apply(listed("j2", NEW_PATH, at=20))

    restored = load_request(dump_request(request))

    assert restored.jellyfin_item == "j2"
    assert restored.files["the.film.1999.1080p.mkv"].replaced
