"""Which copy of a title (4K or standard) each source's payload is about, and the file a library item plays."""

from __future__ import annotations

from typing import Any

from custom_components.media_request_tracker.sources.arr.parser import parse_queue_record, parse_webhook
from custom_components.media_request_tracker.sources.jellyfin.parser import parse_item, parse_item_added
from custom_components.media_request_tracker.sources.seerr.parser import (
    parse_request,
    parse_webhook as parse_seerr_webhook,
)
from custom_components.media_request_tracker.tracker.evidence import Evidence
from custom_components.media_request_tracker.tracker.ids import IdKind

from .parser_support import fixture

AT = 100.0


def copies(evidence: list[Evidence]) -> list[list[str]]:
    return [sorted(value for kind, value in item.ids if kind is IdKind.COPY) for item in evidence]


def files(evidence: list[Evidence]) -> list[list[str]]:
    return [sorted(value for kind, value in item.ids if kind is IdKind.FILE) for item in evidence]


def test_seerr_names_a_4k_request_in_its_event() -> None:
    body = fixture("seerr", "movie_pending")
    assert copies(parse_seerr_webhook(body, source="seerr", at=AT)) == [["standard"]]
    body["event"] = "New 4K Movie Request"
    assert copies(parse_seerr_webhook(body, source="seerr", at=AT)) == [["4k"]]


def test_seerr_rest_request_says_is4k() -> None:
    raw = fixture("seerr", "request_4k_declined")
    assert copies(parse_request(raw, source="seerr", at=AT)) == [["4k"]]
    raw["is4k"] = False
    assert copies(parse_request(raw, source="seerr", at=AT)) == [["standard"]]


def test_radarr_instance_named_4k_serves_the_4k_copy() -> None:
    body = fixture("radarr", "grab")
    assert copies(parse_webhook(body, source="radarr", kind="radarr", at=AT)) == [["standard"]]
    body["instanceName"] = "Radarr4K"
    assert copies(parse_webhook(body, source="radarr4k", kind="radarr", at=AT)) == [["4k"]]


def test_radarr_root_folder_marked_4k_serves_the_4k_copy() -> None:
    body = fixture("radarr", "grab")
    body["movie"]["folderPath"] = "/media/movies-uhd/The Quiet Orchard (2018)"
    assert copies(parse_webhook(body, source="radarr4k", kind="radarr", at=AT)) == [["4k"]]


def test_a_title_saying_4k_is_not_a_4k_root_folder() -> None:
    body = fixture("radarr", "grab")
    body["movie"]["folderPath"] = "/media/movies/The 4K Orchard (2018)"
    assert copies(parse_webhook(body, source="radarr", kind="radarr", at=AT)) == [["standard"]]


def test_sonarr_series_root_folder_marked_4k_serves_the_4k_copy() -> None:
    body = fixture("sonarr", "grab_season_pack")
    body["series"]["path"] = "/media/tv4k/Starfall Academy"
    assert copies(parse_webhook(body, source="sonarr4k", kind="sonarr", at=AT)) == [["4k"]]


def test_queue_record_tells_its_copy_only_with_its_movie() -> None:
    record: dict[str, Any] = fixture("radarr", "queue_downloading")
    record["movie"]["rootFolderPath"] = "/media/movies4k"
    assert copies(parse_queue_record(record, source="radarr4k", kind="radarr", at=AT)) == [["4k"]]
    del record["movie"]
    assert copies(parse_queue_record(record, source="radarr4k", kind="radarr", at=AT)) == [[]]


def movie_item(**extra: Any) -> dict[str, Any]:
    return {
        "Id": "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
        "Name": "The Quiet Orchard",
        "Type": "Movie",
        "ProviderIds": {"Tmdb": "401122"},
        **extra,
    }


def test_jellyfin_item_names_the_file_it_plays_and_its_librarys_copy() -> None:
    item = movie_item(Path="/library/movies4k/The Quiet Orchard (2018)/The.Quiet.Orchard.2018.2160p.mkv")
    evidence = parse_item(item, source="jellyfin", at=AT)
    assert files(evidence) == [["the.quiet.orchard.2018.2160p.mkv"]]
    assert copies(evidence) == [["4k"]]


def test_jellyfin_item_with_two_versions_is_the_library_item_of_each() -> None:
    hd = "/library/movies/The Quiet Orchard (2018)/The Quiet Orchard (2018) - 1080p.mkv"
    uhd = "/library/movies/The Quiet Orchard (2018)/The Quiet Orchard (2018) - 2160p.mkv"
    item = movie_item(Path=hd, MediaSources=[{"Path": hd}, {"Path": uhd}])
    evidence = parse_item(item, source="jellyfin", at=AT)
    assert files(evidence) == [["the quiet orchard (2018) - 1080p.mkv"], ["the quiet orchard (2018) - 2160p.mkv"]]
    # A 2160p file in a standard library: the file, not its name, names the request that imported it.
    assert copies(evidence) == [["standard"], []]


def test_jellyfin_item_of_an_upgrade_to_2160p_in_a_standard_library_names_no_copy() -> None:
    path = "/media/movies/Quiet Harbour (2011)/Quiet.Harbour.2011.2160p.BluRay.Remux-GRP.mkv"
    evidence = parse_item(movie_item(Path=path), source="jellyfin", at=AT)
    assert files(evidence) == [["quiet.harbour.2011.2160p.bluray.remux-grp.mkv"]]
    assert copies(evidence) == [[]]


def test_jellyfin_webhook_path_names_the_file() -> None:
    body = fixture("jellyfin", "movie")
    body["Path"] = "/library/movies/The Quiet Orchard (2018)/The.Quiet.Orchard.2018.mkv"
    evidence = parse_item_added(body, source="jellyfin", at=AT)
    assert files(evidence) == [["the.quiet.orchard.2018.mkv"]]
    assert copies(evidence) == [["standard"]]


def test_shokofin_paths_lead_into_its_virtual_file_system_and_name_nothing() -> None:
    item = movie_item(Path="/config/Shokofin/VFS/1/Skyward Tide/Skyward Tide.mkv", ProviderIds={"Shoko Series": "12"})
    evidence = parse_item(item, source="jellyfin", at=AT)
    assert files(evidence) == [[]]
    assert copies(evidence) == [[]]
