"""The webhook body builders produce the shapes parsers rely on (checked against the upstream payload classes)."""

from __future__ import annotations

from typing import Any

from simulator import payloads

HASH = payloads.torrent_hash("release")


def movie() -> dict[str, Any]:
    return payloads.radarr_movie(
        movie_id=7, title="The Quiet Harbor", year=2021, tmdb_id=700_007, tags=["anime"], language="Japanese"
    )


def series() -> dict[str, Any]:
    return payloads.sonarr_series(series_id=3, title="Starlit Relay", year=2022, tvdb_id=812_345, series_type="anime")


def test_torrent_hash_is_upper_case_v1() -> None:
    assert len(HASH) == 40
    assert HASH.upper() == HASH
    assert payloads.torrent_hash("release") == HASH


def test_seerr_values_are_strings() -> None:
    body = payloads.seerr_notification(
        "MEDIA_PENDING", request_id=12, media_type="tv", tmdb_id=55, tvdb_id=66, title="Starlit Relay", seasons=[1, 2]
    )
    assert body["event"] == "New Series Request"
    assert body["subject"] == "Starlit Relay"
    assert body["media"] == {
        "media_type": "tv",
        "tmdbId": "55",
        "tvdbId": "66",
        "status": "PENDING",
        "status4k": "UNKNOWN",
    }
    assert body["request"]["request_id"] == "12"
    assert body["extra"] == [{"name": "Requested Seasons", "value": "1, 2"}]
    movie_body = payloads.seerr_notification(
        "MEDIA_DECLINED", request_id=1, media_type="movie", tmdb_id=5, title="X", year=2020, is4k=True
    )
    assert (movie_body["event"], movie_body["subject"], movie_body["extra"]) == (
        "4K Movie Request Declined",
        "X (2020)",
        [],
    )


def test_radarr_bodies() -> None:
    grab = payloads.radarr_grab(movie(), download_id=HASH, release_title="The.Quiet.Harbor.2021")
    assert (grab["eventType"], grab["downloadId"], grab["movie"]["tags"]) == ("Grab", HASH, ["anime"])
    assert grab["remoteMovie"]["tmdbId"] == 700_007
    path = "/data/media/movies/The Quiet Harbor (2021)/The.Quiet.Harbor.2021.mkv"
    download = payloads.radarr_download(movie(), download_id=HASH, file_path=path, release_title="r", is_upgrade=True)
    assert download["eventType"] == "Download"
    assert (download["movieFile"]["path"], download["movieFile"]["relativePath"]) == (path, "The.Quiet.Harbor.2021.mkv")
    assert download["isUpgrade"]
    assert download["deletedFiles"]
    assert payloads.radarr_movie_added(movie())["eventType"] == "MovieAdded"
    assert payloads.radarr_movie_delete(movie())["deletedFiles"] is True
    file_delete = payloads.radarr_movie_file_delete(movie(), file_path=path, delete_reason="missingFromDisk")
    assert (file_delete["eventType"], file_delete["deleteReason"]) == ("MovieFileDelete", "missingFromDisk")
    blocked = payloads.radarr_manual_interaction_required(movie(), download_id=HASH, title="t")
    assert (blocked["eventType"], blocked["downloadStatus"]) == ("ManualInteractionRequired", "Warning")
    assert payloads.radarr_test()["eventType"] == "Test"


def test_sonarr_grab_single_episode_and_season_pack() -> None:
    single = payloads.sonarr_grab(
        series(), payloads.sonarr_episodes(series(), 1, [4]), download_id=HASH, release_title="e4"
    )
    pack = payloads.sonarr_grab(
        series(), payloads.sonarr_episodes(series(), 1, range(1, 13)), download_id=HASH, release_title="s1"
    )
    assert [episode["episodeNumber"] for episode in single["episodes"]] == [4]
    assert len(pack["episodes"]) == 12
    assert pack["series"]["type"] == "anime"
    assert len({episode["id"] for episode in pack["episodes"]}) == 12


def test_sonarr_two_download_shapes() -> None:
    episodes = payloads.sonarr_episodes(series(), 1, [1, 2, 3])
    per_file = payloads.sonarr_download(series(), episodes[:1], download_id=HASH, release_title="r")
    complete = payloads.sonarr_import_complete(series(), episodes, download_id=HASH, release_title="r")
    assert per_file["eventType"] == complete["eventType"] == "Download"
    assert "episodeFile" in per_file
    assert "episodeFiles" not in per_file
    assert "episodeFiles" in complete
    assert "episodeFile" not in complete
    assert "isUpgrade" not in complete
    assert per_file["episodeFile"]["relativePath"] == "Season 1/Starlit Relay - S01E01.mkv"
    assert [file["path"] for file in complete["episodeFiles"]] == [
        f"/data/media/tv/Starlit Relay/Season 1/Starlit Relay - S01E0{number}.mkv" for number in (1, 2, 3)
    ]
    assert complete["destinationPath"] == "/data/media/tv/Starlit Relay/Season 1"


def test_other_sonarr_bodies() -> None:
    episodes = payloads.sonarr_episodes(series(), 2, [5])
    assert payloads.sonarr_series_add(series())["eventType"] == "SeriesAdd"
    assert payloads.sonarr_series_delete(series())["eventType"] == "SeriesDelete"
    deleted = payloads.sonarr_episode_file_delete(series(), episodes)
    assert (deleted["eventType"], deleted["episodeFile"]["relativePath"]) == (
        "EpisodeFileDelete",
        "Season 2/Starlit Relay - S02E05.mkv",
    )
    assert payloads.sonarr_manual_interaction_required(series(), episodes, download_id=HASH, title="t")["episodes"]
    assert payloads.sonarr_test()["eventType"] == "Test"


def test_jellyfin_series_and_season_bodies() -> None:
    series_body = payloads.jellyfin_series_added(
        name="Starlit Relay",
        year=2022,
        path="/shokofin/vfs/Starlit Relay",
        provider_ids=payloads.shokofin_provider_ids(shoko_series_id=321, anidb_id=17_001, shoko_file_id=9),
    )
    assert series_body["ItemType"] == "Series"
    assert series_body["Provider_shoko series"] == "321"
    assert series_body["Provider_shoko file"] == "9"
    assert "Provider_tmdb" not in series_body
    season = payloads.jellyfin_season_added(
        series_id=series_body["ItemId"], series_name="Starlit Relay", season_number=2
    )
    assert (season["ItemType"], season["SeriesId"], season["SeasonNumber"]) == ("Season", series_body["ItemId"], 2)
    assert "EpisodeNumber" not in season
