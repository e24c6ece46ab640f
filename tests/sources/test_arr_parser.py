"""The Radarr/Sonarr parser: webhooks, queue records and history records, field by field."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.media_request_tracker.sources.arr.parser import (
    ArrKind,
    parse_history_record,
    parse_queue_record,
    parse_webhook,
)
from custom_components.media_request_tracker.sources.payload import PayloadError
from custom_components.media_request_tracker.tracker.evidence import (
    DownloadCompleted,
    DownloadFailed,
    DownloadPhase,
    DownloadProgress,
    Evidence,
    FilesImported,
    ImportBlocked,
    ImportedFile,
    MediaAdded,
    MediaDeleted,
    MediaInfo,
    MediaType,
    ReleaseGrabbed,
)
from custom_components.media_request_tracker.tracker.ids import IdKind

from .parser_support import JSON_VALUES, assert_evidence_or_payload_error, fixture, fixture_names, mutated

AT = 2000.0
ORCHARD_HASH = "9a0b1c2d3e4f5061728394a5b6c7d8e9f0a1b2c3"
STARFALL_HASH = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"
STANDARD = (IdKind.COPY, "standard")
"""Which copy a payload of an instance with no 4K mark serves."""
ORCHARD_IDS = frozenset({(IdKind.ARR_ITEM, "radarr:7"), (IdKind.TMDB_MOVIE, "401122"), (IdKind.IMDB, "tt7012345")})
ORCHARD = MediaInfo(
    title="The Quiet Orchard",
    year=2018,
    media_type=MediaType.MOVIE,
    poster="https://image.tmdb.org/t/p/original/orchardposter.jpg",
)
STARFALL_IDS = frozenset(
    {
        (IdKind.ARR_ITEM, "sonarr:31"),
        (IdKind.TMDB_TV, "230045"),
        (IdKind.TVDB, "421337"),
        (IdKind.IMDB, "tt20450001"),
    }
)
STARFALL = MediaInfo(
    title="Starfall Academy",
    year=2024,
    media_type=MediaType.TV,
    poster="https://artworks.thetvdb.com/banners/starfall-poster.jpg",
    anime=True,
)
HARBOR_IDS = frozenset(
    {(IdKind.ARR_ITEM, "sonarr:32"), (IdKind.TMDB_TV, "777001"), (IdKind.TVDB, "388201"), (IdKind.IMDB, "tt18800002")}
)


def webhook(kind: ArrKind, name: str) -> list[Evidence]:
    return parse_webhook(fixture(kind, name), source=kind, kind=kind, at=AT)


def queue(kind: ArrKind, name: str) -> list[Evidence]:
    return parse_queue_record(fixture(kind, name), source=kind, kind=kind, at=AT)


def history(kind: ArrKind, name: str) -> list[Evidence]:
    return parse_history_record(fixture(kind, name), source=kind, kind=kind, at=AT)


def download(hash_: str) -> tuple[IdKind, str]:
    return (IdKind.DOWNLOAD, hash_)


# --- Radarr webhooks ---------------------------------------------------------------------------------------------


def test_radarr_grab() -> None:
    [grab] = webhook("radarr", "grab")
    assert isinstance(grab, ReleaseGrabbed)
    assert grab.source == "radarr"
    assert grab.at == AT
    # The hash arrives in upper case and becomes qBittorrent's lower case.
    assert grab.ids == ORCHARD_IDS | {STANDARD, download(ORCHARD_HASH)}
    assert grab.media == ORCHARD
    assert grab.release == "The.Quiet.Orchard.2018.1080p.WEB-DL.DDP5.1.H.264-GRPX"
    assert grab.size == 5368709120
    assert grab.indexer == "Indexer One (Prowlarr)"
    assert grab.episodes == frozenset()


def test_radarr_import_of_an_anime_movie_by_tag() -> None:
    [imported] = webhook("radarr", "download_anime_tag")
    assert isinstance(imported, FilesImported)
    path = "/media/films/Skyward Tide (2021)/Skyward.Tide.2021.1080p.BluRay.x265-ANIGRP.mkv"
    assert imported.files == (ImportedFile(path=path, size=2147483648),)
    assert not imported.upgrade
    assert imported.ids == {
        STANDARD,
        (IdKind.ARR_ITEM, "radarr:9"),
        (IdKind.TMDB_MOVIE, "610077"),
        (IdKind.IMDB, "tt9876501"),
        download("0f1e2d3c4b5a69788796a5b4c3d2e1f001122334"),
        (IdKind.FILE, "skyward.tide.2021.1080p.bluray.x265-anigrp.mkv"),
    }
    assert imported.media == MediaInfo(
        title="Skyward Tide",
        year=2021,
        media_type=MediaType.MOVIE,
        poster="https://image.tmdb.org/t/p/original/tideposter.jpg",
        anime=True,
    )


def test_radarr_upgrade() -> None:
    body = fixture("radarr", "download_anime_tag")
    body["isUpgrade"] = True
    [imported] = parse_webhook(body, source="radarr", kind="radarr", at=AT)
    assert isinstance(imported, FilesImported)
    assert imported.upgrade


def test_radarr_anime_by_root_folder() -> None:
    [added] = webhook("radarr", "movie_added_anime_folder")
    assert isinstance(added, MediaAdded)
    assert added.media.anime
    assert added.ids == {
        STANDARD,
        (IdKind.ARR_ITEM, "radarr:11"),
        (IdKind.TMDB_MOVIE, "455001"),
        (IdKind.IMDB, "tt8800110"),
    }


@pytest.mark.parametrize("folder", ["/media/animethings/x", "/media/movies/Anime Night (2020)"])
def test_radarr_anime_needs_a_folder_named_anime(folder: str) -> None:
    body = fixture("radarr", "movie_added_anime_folder")
    body["movie"]["folderPath"] = folder
    [added] = parse_webhook(body, source="radarr", kind="radarr", at=AT)
    assert not added.media.anime


def test_radarr_anime_by_windows_root_folder() -> None:
    body = fixture("radarr", "movie_added_anime_folder")
    body["movie"]["folderPath"] = "D:\\Anime\\Lantern Keeper (2019)"
    [added] = parse_webhook(body, source="radarr", kind="radarr", at=AT)
    assert added.media.anime


def test_radarr_not_anime() -> None:
    [grab] = webhook("radarr", "grab")
    assert not grab.media.anime


def test_radarr_movie_delete() -> None:
    [deleted] = webhook("radarr", "movie_delete")
    assert isinstance(deleted, MediaDeleted)
    assert deleted.ids == ORCHARD_IDS | {STANDARD}
    assert deleted.reason == "removed from Radarr with its files"


def test_radarr_movie_file_delete() -> None:
    [deleted] = webhook("radarr", "movie_file_delete")
    assert isinstance(deleted, MediaDeleted)
    assert deleted.ids == ORCHARD_IDS | {STANDARD}
    assert deleted.reason == "file missing from disk"


@pytest.mark.parametrize("reason", ["upgrade", "manualOverride", "Upgrade"])
def test_radarr_replaced_file_is_no_deletion(reason: str) -> None:
    body = fixture("radarr", "movie_file_delete_upgrade")
    body["deleteReason"] = reason
    assert parse_webhook(body, source="radarr", kind="radarr", at=AT) == []


def test_radarr_manual_interaction() -> None:
    completed, blocked = webhook("radarr", "manual_interaction")
    assert isinstance(completed, DownloadCompleted)
    assert isinstance(blocked, ImportBlocked)
    for evidence in (completed, blocked):
        assert evidence.ids == ORCHARD_IDS | {STANDARD, download(ORCHARD_HASH)}
    assert completed.size == 5368709120
    assert blocked.reason == (
        "Found matching movie via grab history, but release was matched to movie by ID. Manual Import required."
    )


def test_radarr_manual_interaction_without_messages() -> None:
    body = fixture("radarr", "manual_interaction")
    del body["downloadStatusMessages"]
    _, blocked = parse_webhook(body, source="radarr", kind="radarr", at=AT)
    assert isinstance(blocked, ImportBlocked)
    assert blocked.reason == "manual import required"


@pytest.mark.parametrize("name", ["test", "health", "health_restored", "application_update", "rename"])
def test_radarr_irrelevant_events(name: str) -> None:
    assert webhook("radarr", name) == []


# --- Sonarr webhooks ---------------------------------------------------------------------------------------------


def test_sonarr_season_pack_grab() -> None:
    [grab] = webhook("sonarr", "grab_season_pack")
    assert isinstance(grab, ReleaseGrabbed)
    assert grab.ids == STARFALL_IDS | {STANDARD, download(STARFALL_HASH)}
    assert grab.media == STARFALL
    assert grab.episodes == {(1, episode) for episode in range(1, 11)}
    assert grab.release == "[SubGrp] Starfall Academy - S01 (BD 1080p HEVC) [Dual Audio]"
    assert grab.size == 16106127360
    assert grab.indexer == "Indexer Two"


def test_sonarr_per_file_import() -> None:
    [imported] = webhook("sonarr", "download_episode")
    assert isinstance(imported, FilesImported)
    path = "/media/tv/Harbor Lights/Season 02/Harbor Lights - S02E03 - The Tide Turns.mkv"
    assert imported.files == (ImportedFile(path=path, size=1610612736, episodes=frozenset({(2, 3)})),)
    assert imported.episodes == {(2, 3)}
    assert imported.upgrade
    assert imported.ids == HARBOR_IDS | {
        STANDARD,
        download("b2c3d4e5f60718293a4b5c6d7e8f901234567890"),
        (IdKind.FILE, "harbor lights - s02e03 - the tide turns.mkv"),
    }
    assert imported.media == MediaInfo(
        title="Harbor Lights",
        year=2023,
        media_type=MediaType.TV,
        poster="https://artworks.thetvdb.com/banners/harbor-poster.jpg",
    )


def test_sonarr_import_complete_maps_files_to_episodes() -> None:
    [imported] = webhook("sonarr", "download_import_complete")
    assert isinstance(imported, FilesImported)
    folder = "/media/anime/shows/Starfall Academy/Season 01"
    assert imported.files == (
        ImportedFile(
            path=f"{folder}/Starfall Academy - S01E01 - Arrival.mkv", size=1073741824, episodes=frozenset({(1, 1)})
        ),
        ImportedFile(
            path=f"{folder}/Starfall Academy - S01E02E03 - Double Feature.mkv",
            size=2147483648,
            episodes=frozenset({(1, 2), (1, 3)}),
        ),
        # Absolute numbering: no SxxEyy tag, so which episode it holds stays unknown.
        ImportedFile(path=f"{folder}/Starfall Academy - 04 - Finale.mkv", size=1073741824),
    )
    assert imported.episodes == {(1, 1), (1, 2), (1, 3), (1, 4)}
    assert not imported.upgrade
    assert imported.media == STARFALL
    assert imported.ids == STARFALL_IDS | {
        STANDARD,
        download(STARFALL_HASH),
        (IdKind.FILE, "starfall academy - s01e01 - arrival.mkv"),
        (IdKind.FILE, "starfall academy - s01e02e03 - double feature.mkv"),
        (IdKind.FILE, "starfall academy - 04 - finale.mkv"),
    }


@pytest.mark.parametrize(
    ("name", "episodes"),
    [
        ("Show - S01E02.mkv", {(1, 2)}),
        ("Show.s01e02e03e04.mkv", {(1, 2), (1, 3), (1, 4)}),
        ("Show - S01E02-E04.mkv", {(1, 2), (1, 3), (1, 4)}),
        ("Show - S01E02-04.mkv", {(1, 2), (1, 3), (1, 4)}),
        ("Show - S01E02-03-04.mkv", {(1, 2), (1, 3), (1, 4)}),
        ("Show.S01E02.S01E03.mkv", {(1, 2), (1, 3)}),
        ("Show - S01E04-2024.mkv", {(1, 4)}),
        ("Show - S01E09.mkv", set()),  # not an episode of this import
        ("Season 01/Show - 02.mkv", set()),
        ("Shows01e02.mkv", set()),
    ],
)
def test_sonarr_import_complete_episode_tags(name: str, episodes: set[tuple[int, int]]) -> None:
    body = fixture("sonarr", "download_import_complete")
    body["episodeFiles"] = [{"relativePath": name, "path": f"/media/{name}", "size": 1}]
    [imported] = parse_webhook(body, source="sonarr", kind="sonarr", at=AT)
    assert isinstance(imported, FilesImported)
    assert imported.files[0].episodes == episodes


def test_sonarr_import_complete_falls_back_to_the_path() -> None:
    body = fixture("sonarr", "download_import_complete")
    body["episodeFiles"] = [{"relativePath": "Season 01/04.mkv", "path": "/media/Starfall Academy - S01E04.mkv"}]
    [imported] = parse_webhook(body, source="sonarr", kind="sonarr", at=AT)
    assert isinstance(imported, FilesImported)
    assert imported.files == (ImportedFile(path="/media/Starfall Academy - S01E04.mkv", episodes=frozenset({(1, 4)})),)


def test_sonarr_series_add_and_delete() -> None:
    [added] = webhook("sonarr", "series_add")
    assert isinstance(added, MediaAdded)
    assert added.ids == HARBOR_IDS | {STANDARD}
    assert added.media.title == "Harbor Lights"
    assert not added.media.anime
    [deleted] = webhook("sonarr", "series_delete")
    assert isinstance(deleted, MediaDeleted)
    assert deleted.ids == HARBOR_IDS | {STANDARD}
    assert deleted.reason == "removed from Sonarr"


def test_sonarr_episode_file_delete_is_no_deletion() -> None:
    assert webhook("sonarr", "episode_file_delete") == []


def test_sonarr_manual_interaction_for_an_unknown_series() -> None:
    completed, blocked = webhook("sonarr", "manual_interaction_unknown_series")
    assert isinstance(completed, DownloadCompleted)
    assert isinstance(blocked, ImportBlocked)
    assert blocked.ids == {download("c3d4e5f60718293a4b5c6d7e8f90123456789012")}
    assert blocked.media == MediaInfo(media_type=MediaType.TV)
    assert blocked.reason == "Unknown Series"
    assert completed.size == 1073741824


@pytest.mark.parametrize("name", ["test", "health"])
def test_sonarr_irrelevant_events(name: str) -> None:
    assert webhook("sonarr", name) == []


@pytest.mark.parametrize(
    ("kind", "name", "change"),
    [
        ("radarr", "grab", lambda body: body.update(eventType="SomethingNew")),
        ("radarr", "grab", lambda body: body.pop("eventType")),
        ("radarr", "grab", lambda body: body.pop("movie")),
        ("radarr", "grab", lambda body: body["movie"].update(tmdbId="401122")),
        ("radarr", "grab", lambda body: body["movie"].update(tags=[3])),
        ("radarr", "download_anime_tag", lambda body: body.pop("movieFile")),
        (
            "radarr",
            "download_anime_tag",
            lambda body: body["movieFile"].pop("path") and body["movieFile"].pop("relativePath"),
        ),
        ("radarr", "manual_interaction", lambda body: body.pop("movie") and body.pop("downloadId")),
        ("sonarr", "grab_season_pack", lambda body: body["episodes"][0].pop("seasonNumber")),
        ("sonarr", "grab_season_pack", lambda body: body.update(episodes={"1": 1})),
        ("sonarr", "series_add", lambda body: body.update(eventType="MovieAdded")),
        ("radarr", "movie_delete", lambda body: body.update(eventType="SeriesDelete")),
    ],
)
def test_unknown_shapes_raise(kind: ArrKind, name: str, change: Any) -> None:
    body = fixture(kind, name)
    change(body)
    with pytest.raises(PayloadError):
        parse_webhook(body, source=kind, kind=kind, at=AT)


def test_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="lidarr") as error:
        parse_webhook(fixture("radarr", "grab"), source="x", kind="lidarr", at=AT)  # type: ignore[arg-type]
    assert not isinstance(error.value, PayloadError)


# --- queue -------------------------------------------------------------------------------------------------------


def test_radarr_queue_downloading() -> None:
    [progress] = queue("radarr", "queue_downloading")
    assert isinstance(progress, DownloadProgress)
    assert progress.ids == ORCHARD_IDS | {STANDARD, download(ORCHARD_HASH)}
    assert progress.media == ORCHARD
    assert progress.progress == 0.75
    assert progress.size == 5368709120
    assert progress.eta == 3723
    assert progress.phase is DownloadPhase.DOWNLOADING


def test_radarr_queue_without_the_movie_resource() -> None:
    record = fixture("radarr", "queue_downloading")
    del record["movie"]
    [progress] = parse_queue_record(record, source="radarr", kind="radarr", at=AT)
    assert progress.ids == {(IdKind.ARR_ITEM, "radarr:7"), download(ORCHARD_HASH)}
    assert progress.media == MediaInfo(media_type=MediaType.MOVIE)


def test_radarr_queue_import_blocked() -> None:
    completed, blocked = queue("radarr", "queue_import_blocked")
    assert isinstance(completed, DownloadCompleted)
    assert completed.size == 5368709120
    assert isinstance(blocked, ImportBlocked)
    assert blocked.reason == "Not an upgrade for existing movie file(s); Sample"


def test_radarr_queue_failed_pending() -> None:
    [failed] = queue("radarr", "queue_failed_pending")
    assert isinstance(failed, DownloadFailed)
    assert failed.reason == "The download is missing files"
    assert download(ORCHARD_HASH) in failed.ids


def test_radarr_queue_import_pending() -> None:
    [completed] = queue("radarr", "queue_import_pending")
    assert isinstance(completed, DownloadCompleted)
    assert completed.size == 5368709120


def test_radarr_queue_delayed_release_is_not_grabbed() -> None:
    assert queue("radarr", "queue_delay") == []


def test_radarr_queue_paused() -> None:
    [progress] = queue("radarr", "queue_paused")
    assert isinstance(progress, DownloadProgress)
    assert progress.phase is DownloadPhase.PAUSED
    assert progress.progress == 0.0
    assert progress.eta is None


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"trackedDownloadState": "failed"}, DownloadFailed),
        ({"trackedDownloadState": "importing"}, DownloadCompleted),
        ({"trackedDownloadState": "imported"}, DownloadCompleted),
        ({"trackedDownloadState": "ignored"}, ImportBlocked),
        ({"status": "completed"}, DownloadCompleted),
        ({"status": "failed"}, DownloadProgress),
    ],
)
def test_radarr_queue_states(fields: dict[str, str], expected: type[Evidence]) -> None:
    record = fixture("radarr", "queue_downloading")
    record.update(fields)
    evidence = parse_queue_record(record, source="radarr", kind="radarr", at=AT)
    assert type(evidence[-1]) is expected


def test_queue_client_error_is_not_a_failure() -> None:
    record = fixture("radarr", "queue_downloading")
    record["status"] = "failed"
    [progress] = parse_queue_record(record, source="radarr", kind="radarr", at=AT)
    assert isinstance(progress, DownloadProgress)
    assert progress.phase is DownloadPhase.ERROR


def test_queue_ignored_reason() -> None:
    record = fixture("radarr", "queue_downloading")
    record["trackedDownloadState"] = "ignored"
    [blocked] = parse_queue_record(record, source="radarr", kind="radarr", at=AT)
    assert isinstance(blocked, ImportBlocked)
    assert blocked.reason == "download ignored in Radarr"


def test_sonarr_queue_stalled_episode() -> None:
    [progress] = queue("sonarr", "queue_downloading")
    assert isinstance(progress, DownloadProgress)
    assert progress.ids == STARFALL_IDS | {STANDARD, download(STARFALL_HASH)}
    assert progress.media == STARFALL
    assert progress.episodes == {(1, 5)}
    assert progress.phase is DownloadPhase.STALLED
    assert progress.progress == pytest.approx(0.25)
    assert progress.size == 16106127360
    assert progress.eta == 2 * 86400 + 3 * 3600 + 4 * 60 + 5


@pytest.mark.parametrize(
    "change",
    [
        lambda record: record.update(size="big"),
        lambda record: record.update(statusMessages=[{"title": "x", "messages": [1]}]),
        lambda record: record.update(movie=[]),
        lambda record: record.update(downloadId=12),
    ],
)
def test_queue_unknown_shapes_raise(change: Any) -> None:
    record = fixture("radarr", "queue_downloading")
    change(record)
    with pytest.raises(PayloadError):
        parse_queue_record(record, source="radarr", kind="radarr", at=AT)


def test_queue_odd_timeleft_is_unknown() -> None:
    record = fixture("radarr", "queue_downloading")
    record["timeleft"] = "soon"
    [progress] = parse_queue_record(record, source="radarr", kind="radarr", at=AT)
    assert isinstance(progress, DownloadProgress)
    assert progress.eta is None


# --- history -----------------------------------------------------------------------------------------------------


def test_radarr_history_grabbed() -> None:
    [grab] = history("radarr", "history_grabbed")
    assert isinstance(grab, ReleaseGrabbed)
    assert grab.ids == {(IdKind.ARR_ITEM, "radarr:7"), download(ORCHARD_HASH)}
    assert grab.media == MediaInfo(media_type=MediaType.MOVIE)
    assert grab.release == "The.Quiet.Orchard.2018.1080p.WEB-DL.DDP5.1.H.264-GRPX"
    assert grab.size == 5368709120
    assert grab.indexer == "Indexer One (Prowlarr)"


def test_radarr_history_numeric_event_type() -> None:
    [grab] = history("radarr", "history_numeric_grabbed")
    assert isinstance(grab, ReleaseGrabbed)
    assert grab.size == 5368709120


def test_radarr_history_imported() -> None:
    [imported] = history("radarr", "history_imported")
    assert isinstance(imported, FilesImported)
    path = "/media/movies/The Quiet Orchard (2018)/The.Quiet.Orchard.2018.mkv"
    assert imported.files == (ImportedFile(path=path, size=5368709120),)
    assert imported.ids == ORCHARD_IDS | {STANDARD, download(ORCHARD_HASH), (IdKind.FILE, "the.quiet.orchard.2018.mkv")}
    assert imported.media == ORCHARD


def test_radarr_history_failed() -> None:
    [failed] = history("radarr", "history_failed")
    assert isinstance(failed, DownloadFailed)
    assert failed.reason == "The download is missing files"
    assert failed.ids == {(IdKind.ARR_ITEM, "radarr:7"), download(ORCHARD_HASH)}


def test_radarr_history_ignored() -> None:
    [blocked] = history("radarr", "history_ignored")
    assert isinstance(blocked, ImportBlocked)
    assert blocked.reason == "Manually ignored"


def test_history_deletions_are_left_to_webhooks() -> None:
    assert history("radarr", "history_file_deleted") == []


def test_sonarr_history_grabbed_with_episode() -> None:
    [grab] = history("sonarr", "history_grabbed")
    assert isinstance(grab, ReleaseGrabbed)
    assert grab.episodes == {(1, 5)}
    assert grab.ids == {(IdKind.ARR_ITEM, "sonarr:31"), download(STARFALL_HASH)}
    assert grab.media == MediaInfo(media_type=MediaType.TV)


def test_sonarr_history_imported() -> None:
    [imported] = history("sonarr", "history_imported")
    assert isinstance(imported, FilesImported)
    path = "/media/anime/shows/Starfall Academy/Season 01/Starfall Academy - S01E01 - Arrival.mkv"
    assert imported.files == (ImportedFile(path=path, size=1073741824, episodes=frozenset({(1, 1)})),)
    assert imported.episodes == {(1, 1)}
    assert imported.media == STARFALL
    assert (IdKind.FILE, "starfall academy - s01e01 - arrival.mkv") in imported.ids


def test_sonarr_history_series_folder_import_by_number() -> None:
    [imported] = history("sonarr", "history_series_folder_imported")
    assert isinstance(imported, FilesImported)
    assert imported.episodes == frozenset()
    assert (IdKind.ARR_ITEM, "sonarr:31") in imported.ids
    assert imported.files[0].size == 2147483648


@pytest.mark.parametrize(
    "change",
    [
        lambda record: record.update(eventType="somethingNew"),
        lambda record: record.pop("eventType"),
        lambda record: record.update(data={"size": 12}),
        lambda record: record.update(data={"size": "twelve"}),
        lambda record: record.update(movieId="7"),
    ],
)
def test_history_unknown_shapes_raise(change: Any) -> None:
    record = fixture("radarr", "history_grabbed")
    change(record)
    with pytest.raises(PayloadError):
        parse_history_record(record, source="radarr", kind="radarr", at=AT)


def test_unknown_numeric_history_event_is_ignored() -> None:
    record = fixture("radarr", "history_grabbed")
    record["eventType"] = 42
    assert parse_history_record(record, source="radarr", kind="radarr", at=AT) == []


# --- fuzzing -----------------------------------------------------------------------------------------------------

KINDS: list[ArrKind] = ["radarr", "sonarr"]
FIXTURES = [(kind, name) for kind in KINDS for name in fixture_names(kind)]
PARSERS = [parse_webhook, parse_queue_record, parse_history_record]


@settings(max_examples=150, deadline=None)
@given(body=JSON_VALUES, kind=st.sampled_from(KINDS), parser=st.sampled_from(PARSERS))
def test_fuzz_any_json(body: Any, kind: ArrKind, parser: Any) -> None:
    assert_evidence_or_payload_error(lambda: parser(body, source=kind, kind=kind, at=AT))


def parser_for(name: str) -> Any:
    """The parser a fixture is written for."""
    if name.startswith("queue_"):
        return parse_queue_record
    return parse_history_record if name.startswith("history_") else parse_webhook


@settings(max_examples=150, deadline=None)
@given(data=st.data(), fixture_name=st.sampled_from(FIXTURES))
def test_fuzz_broken_fixtures(data: st.DataObject, fixture_name: tuple[ArrKind, str]) -> None:
    kind, name = fixture_name
    body = data.draw(mutated(fixture(kind, name)))
    parser = parser_for(name)
    assert_evidence_or_payload_error(lambda: parser(body, source=kind, kind=kind, at=AT))
