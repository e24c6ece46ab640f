"""The parsers' ids interlock: evidence parsed from each upstream's fixtures follows one request through the tracker."""

from __future__ import annotations

from custom_components.media_request_tracker.sources.arr.parser import (
    parse_history_record,
    parse_webhook as arr_webhook,
)
from custom_components.media_request_tracker.sources.jellyfin.parser import parse_item_added
from custom_components.media_request_tracker.sources.qbittorrent.models import torrent_from_row
from custom_components.media_request_tracker.sources.qbittorrent.parser import torrent_evidence
from custom_components.media_request_tracker.sources.seerr.parser import parse_webhook as seerr_webhook
from custom_components.media_request_tracker.sources.shoko.parser import parse_event
from custom_components.media_request_tracker.tracker import Evidence, Stage, TrackedRequest, Tracker

from .parser_support import fixture


def torrent(name: str) -> list[Evidence]:
    [row] = [row for row in fixture("qbittorrent", "torrents") if row["name"] == name]
    return torrent_evidence(torrent_from_row(row), source="qbit", at=30)


def only_request(evidence: list[Evidence]) -> TrackedRequest:
    tracker = Tracker()
    for item in evidence:
        tracker.apply(item)
    assert len(tracker.requests) == 1
    assert not tracker.pending
    return next(iter(tracker.requests.values()))


def test_movie_from_request_to_library() -> None:
    request = only_request(
        [
            *seerr_webhook(fixture("seerr", "movie_pending"), source="seerr", at=0),
            *seerr_webhook(fixture("seerr", "movie_approved"), source="seerr", at=10),
            *arr_webhook(fixture("radarr", "grab"), source="radarr", kind="radarr", at=20),
            *torrent("The.Quiet.Orchard.2018.1080p.WEB-DL.DDP5.1.H.264-GRPX"),
            *parse_history_record(fixture("radarr", "history_imported"), source="radarr", kind="radarr", at=40),
            *parse_item_added(fixture("jellyfin", "movie"), source="jellyfin", at=50),
        ]
    )
    assert request.stage is Stage.AVAILABLE
    assert request.title == "The Quiet Orchard"
    assert request.requested_by == "maria"
    assert not request.anime


def test_anime_movie_through_shoko_to_shokofin() -> None:
    seerr = fixture("seerr", "movie_auto_approved")
    seerr["subject"] = "Skyward Tide (2021)"
    seerr["media"]["tmdbId"] = "610077"
    evidence = [
        *seerr_webhook(seerr, source="seerr", at=0),
        *arr_webhook(fixture("radarr", "download_anime_tag"), source="radarr", kind="radarr", at=20),
        *parse_event("ShokoEvent:FileMatched", fixture("shoko", "file_matched"), source="shoko", at=30),
    ]
    request = only_request(evidence)
    assert request.stage is Stage.ANIME_MATCHING
    assert request.anime
    # Shokofin's movie has no TMDB id: the Shoko series learned from FileMatched links it.
    library = parse_item_added(fixture("jellyfin", "shokofin_movie"), source="jellyfin", at=40)
    assert only_request(evidence + library).stage is Stage.AVAILABLE


def test_anime_season_pack_from_grab_to_library() -> None:
    request = only_request(
        [
            *arr_webhook(fixture("sonarr", "grab_season_pack"), source="sonarr", kind="sonarr", at=0),
            *torrent("[SubGrp] Starfall Academy - S01 (BD 1080p HEVC) [Dual Audio]"),
            *arr_webhook(fixture("sonarr", "download_import_complete"), source="sonarr", kind="sonarr", at=40),
            *parse_event("ShokoEvent:FileMatched", fixture("shoko", "file_matched_crossrefs"), source="shoko", at=50),
            *parse_item_added(fixture("jellyfin", "shokofin_series"), source="jellyfin", at=60),
        ]
    )
    assert request.title == "Starfall Academy"
    assert request.anime
    # Episodes 1-4 were imported and the series is in the library; 5-10 of the pack are not imported yet.
    stages = request.episode_stages()
    assert all(stages[(1, episode)] is Stage.AVAILABLE for episode in range(1, 5))
    assert all(stages[(1, episode)] is Stage.DOWNLOADED for episode in range(5, 11))
