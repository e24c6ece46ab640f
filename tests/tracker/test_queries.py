"""The read-only questions services ask of the tracked requests."""

from __future__ import annotations

from custom_components.media_request_tracker.tracker import Evidence, Stage, Tracker
from custom_components.media_request_tracker.tracker.queries import (
    any_downloading,
    awaiting_import,
    files_for_shoko,
    searching_items,
    waiting_for_library,
)

from .lifecycles import MOVIE_HASH, movie, series


def tracker_after(evidence: list[Evidence]) -> Tracker:
    tracker = Tracker()
    for item in evidence:
        tracker.apply(item)
    return tracker


def stage_of(tracker: Tracker) -> Stage:
    (request,) = tracker.requests.values()
    return request.stage


def test_a_movie_waits_for_the_library_from_its_import_until_it_is_listed() -> None:
    evidence = movie().evidence
    imported = next(i for i, item in enumerate(evidence) if type(item).__name__ == "FilesImported")
    before = tracker_after(evidence[:imported])
    assert waiting_for_library(before.requests) == []
    after_import = tracker_after(evidence[: imported + 1])
    assert [r.title for r in waiting_for_library(after_import.requests)] == ["The Film"]
    assert waiting_for_library(tracker_after(evidence).requests) == []


def test_waiting_requests_come_in_key_order() -> None:
    tracker = tracker_after(movie().evidence[:-1] + series().evidence[:-1])
    waiting = waiting_for_library(tracker.requests)
    assert [r.key for r in waiting] == sorted(r.key for r in waiting)
    assert {r.title for r in waiting} == {"The Film", "The Show"}


def test_a_grabbed_download_awaits_import_only_on_the_instance_that_grabbed_it() -> None:
    evidence = movie(metadata_first=False).evidence
    grabbed = tracker_after(evidence[:3])
    assert stage_of(grabbed) is Stage.GRABBING
    assert awaiting_import(grabbed.requests, "radarr") == [MOVIE_HASH.lower()]
    assert awaiting_import(grabbed.requests, "radarr_4k") == []
    assert awaiting_import(grabbed.requests, "radar") == [], "an instance is matched whole, not by prefix"


def test_an_imported_or_finished_download_no_longer_awaits_import() -> None:
    evidence = movie(metadata_first=False).evidence
    imported = next(i for i, item in enumerate(evidence) if type(item).__name__ == "FilesImported")
    assert awaiting_import(tracker_after(evidence[: imported + 1]).requests, "radarr") == []
    assert awaiting_import(tracker_after(evidence).requests, "radarr") == []


def test_a_replaced_download_no_longer_awaits_import() -> None:
    lifecycle = movie(retry=True, metadata_first=False)
    tracker = tracker_after(lifecycle.evidence[:-3])
    awaiting = awaiting_import(tracker.requests, "radarr")
    assert awaiting
    assert not set(awaiting) & lifecycle.failed_downloads


def test_a_season_pack_awaits_import_while_any_episode_has_not_reached_it() -> None:
    evidence = series().evidence
    imported = next(i for i, item in enumerate(evidence) if type(item).__name__ == "FilesImported")
    assert len(awaiting_import(tracker_after(evidence[:imported]).requests, "sonarr")) == 1
    assert awaiting_import(tracker_after(evidence[: imported + 1]).requests, "sonarr") == []


def test_shoko_is_asked_about_the_unmatched_files_of_unfinished_anime_requests() -> None:
    evidence = movie(anime=True).evidence
    imported = next(i for i, item in enumerate(evidence) if type(item).__name__ == "FilesImported")
    assert files_for_shoko(tracker_after(evidence[:imported]).requests) == []
    waiting = files_for_shoko(tracker_after(evidence[: imported + 1]).requests)
    assert [file.path for file in waiting] == ["/data/movies/The Film (1999)/The.Film.1999.mkv"]
    matched = next(i for i, item in enumerate(evidence) if type(item).__name__ == "AnimeFileMatched")
    assert files_for_shoko(tracker_after(evidence[: matched + 1]).requests) == []


def test_shoko_is_not_asked_about_files_of_requests_that_are_not_anime() -> None:
    evidence = movie().evidence
    assert files_for_shoko(tracker_after(evidence[:-1]).requests) == []


def test_the_longest_waiting_anime_request_is_asked_about_first() -> None:
    film = movie(anime=True).evidence
    show = series(anime=True).evidence
    film_imported = next(i for i, item in enumerate(film) if type(item).__name__ == "FilesImported")
    show_imported = next(i for i, item in enumerate(show) if type(item).__name__ == "FilesImported")
    tracker = tracker_after(film[: film_imported + 1] + show[: show_imported + 1])
    paths = [file.path for file in files_for_shoko(tracker.requests)]
    requests = sorted(tracker.requests.values(), key=lambda r: r.stage_since)
    assert paths == [file.path for request in requests for file in request.files.values() if not file.matched]


def test_something_downloads_from_the_grab_until_the_download_completes() -> None:
    evidence = movie(metadata_first=False).evidence
    assert not any_downloading(tracker_after(evidence[:2]).requests)
    assert any_downloading(tracker_after(evidence[:3]).requests)
    assert any_downloading(tracker_after(evidence[:4]).requests)
    assert not any_downloading(tracker_after(evidence).requests)


def test_a_movie_radarr_holds_is_searched_for_until_a_release_is_grabbed() -> None:
    evidence = movie(searches=2).evidence
    added = next(i for i, item in enumerate(evidence) if type(item).__name__ == "MediaAdded")
    grabbed = next(i for i, item in enumerate(evidence) if type(item).__name__ == "ReleaseGrabbed")
    assert searching_items(tracker_after(evidence[:added]).requests, "radarr") == [], "Radarr has nothing yet"
    searching = tracker_after(evidence[:grabbed])
    assert stage_of(searching) is Stage.SEARCHING
    assert searching_items(searching.requests, "radarr") == [11]
    assert searching_items(searching.requests, "radarr_4k") == []
    assert searching_items(tracker_after(evidence[: grabbed + 1]).requests, "radarr") == []
