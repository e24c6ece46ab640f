"""Identifier normalization: the same thing is the same key, whichever service reports it and however it spells it."""

from __future__ import annotations

import hashlib

import pytest

from custom_components.media_request_tracker.tracker import (
    DownloadProgress,
    IdKind,
    LibraryItemFound,
    MediaType,
    RequestApproved,
    Stage,
    Tracker,
    make_ids,
    normalize_download_id,
)
from custom_components.media_request_tracker.tracker.ids import file_key

from .builders import FILM, HASH_A, grab, movie_ids, progress

# A hybrid torrent has a v1 (SHA-1) and a v2 (SHA-256) info-hash. Radarr's downloadId is the v1 hash (upper case);
# qBittorrent's `hash` (its torrent id) is the v2 hash cut to 40 digits, and `infohash_v1` is the v1 hash.
HYBRID_V1 = hashlib.sha1(b"hybrid torrent", usedforsecurity=False).hexdigest()
HYBRID_V2 = hashlib.sha256(b"hybrid torrent").hexdigest()
QBIT_TORRENT_ID = HYBRID_V2[:40]


def download_keys(*values: str) -> set[str]:
    return {value for kind, value in make_ids(download_ids=values) if kind is IdKind.DOWNLOAD}


# --- torrent hashes ------------------------------------------------------------------------------------------


def test_arr_upper_case_hash_and_qbittorrent_lower_case_hash_are_one_key() -> None:
    assert normalize_download_id(HASH_A) == normalize_download_id(HASH_A.lower()) == HASH_A.lower()
    assert make_ids(download_ids=(HASH_A,)) == make_ids(download_ids=(HASH_A.lower(),))


def test_hash_is_stripped_of_surrounding_whitespace() -> None:
    assert normalize_download_id(f" {HASH_A}\n") == HASH_A.lower()


def test_v2_hash_is_cut_to_qbittorrents_40_digit_torrent_id() -> None:
    assert len(HYBRID_V2) == 64
    assert normalize_download_id(HYBRID_V2) == QBIT_TORRENT_ID
    assert normalize_download_id(HYBRID_V2.upper()) == QBIT_TORRENT_ID
    assert download_keys(HYBRID_V2) == download_keys(QBIT_TORRENT_ID)


def test_v1_hash_is_not_cut() -> None:
    assert normalize_download_id(HYBRID_V1) == HYBRID_V1


def test_blank_download_ids_are_no_id() -> None:
    assert make_ids(download_ids=("", "   ")) == frozenset()


def test_lower_case_qbittorrent_report_reaches_the_download_radarr_grabbed_in_upper_case() -> None:
    tracker = Tracker()
    tracker.apply(grab(HASH_A))
    changes = tracker.apply(progress(HASH_A, 0.25))

    assert len(tracker.requests) == 1
    assert not tracker.pending
    (request,) = tracker.requests.values()
    assert [change.request for change in changes] == [request]
    assert list(request.downloads) == [HASH_A.lower()]
    assert request.stage is Stage.DOWNLOADING
    assert request.progress == pytest.approx(0.25)


def _hybrid_report(fraction: float, *ids: str, at: float) -> DownloadProgress:
    return DownloadProgress(source="qbit", at=at, ids=make_ids(download_ids=ids), progress=fraction, size=4_000)


def test_hybrid_torrent_report_links_to_the_grab_that_named_the_v1_hash() -> None:
    tracker = Tracker()
    tracker.apply(grab(HYBRID_V1.upper()))
    # qBittorrent names the torrent by its `hash` (v2, cut) and also reports `infohash_v1`.
    tracker.apply(_hybrid_report(0.3, QBIT_TORRENT_ID, HYBRID_V1, at=4))

    assert not tracker.pending
    (request,) = tracker.requests.values()
    assert request.stage is Stage.DOWNLOADING
    assert list(request.downloads) == [HYBRID_V1], "one download, not one per hash"
    assert request.download_aliases == {QBIT_TORRENT_ID: HYBRID_V1}
    assert (IdKind.DOWNLOAD, QBIT_TORRENT_ID) in request.ids

    # From now on a report naming the torrent only by qBittorrent's torrent id reaches the same download.
    tracker.apply(_hybrid_report(0.8, QBIT_TORRENT_ID, at=5))
    assert list(request.downloads) == [HYBRID_V1]
    assert request.downloads[HYBRID_V1].progress == pytest.approx(0.8)
    assert request.progress == pytest.approx(0.8)


def test_hybrid_torrent_report_before_the_grab_is_linked_when_the_grab_arrives() -> None:
    tracker = Tracker()
    tracker.apply(_hybrid_report(0.3, HYBRID_V2, HYBRID_V1, at=2))  # infohash_v2 in full, cut by normalization
    assert len(tracker.pending) == 1
    assert not tracker.requests

    tracker.apply(grab(HYBRID_V1.upper(), at=3))

    assert not tracker.pending
    (request,) = tracker.requests.values()
    assert list(request.downloads) == [HYBRID_V1]
    assert request.downloads[HYBRID_V1].progress == pytest.approx(0.3)
    assert request.stage is Stage.DOWNLOADING


# --- numeric ids -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_int", "as_str"),
    [
        ({"tmdb": 603, "media_type": "movie"}, {"tmdb": "603", "media_type": "movie"}),
        ({"tvdb": 121361}, {"tvdb": "121361"}),
        ({"seerr_request": 7, "seerr_instance": "seerr"}, {"seerr_request": "7", "seerr_instance": "seerr"}),
        ({"arr_item": 11, "arr_instance": "radarr"}, {"arr_item": "11", "arr_instance": "radarr"}),
        ({"shoko_file": 77}, {"shoko_file": "77"}),
        ({"shoko_series": (901,)}, {"shoko_series": ("901",)}),
        ({"anidb": (4242,)}, {"anidb": (" 4242 ",)}),
    ],
)
def test_id_given_as_int_or_str_is_the_same_key(as_int: dict[str, object], as_str: dict[str, object]) -> None:
    assert make_ids(**as_int) == make_ids(**as_str)  # type: ignore[arg-type]
    assert len(make_ids(**as_int)) == 1  # type: ignore[arg-type]


@pytest.mark.parametrize("nothing", ["", "   ", 0, "0", None, False])
def test_empty_zero_and_none_are_no_id(nothing: object) -> None:
    ids = make_ids(
        seerr_request=nothing,  # type: ignore[arg-type]
        arr_item=nothing,  # type: ignore[arg-type]
        shoko_file=nothing,  # type: ignore[arg-type]
        tmdb=nothing,  # type: ignore[arg-type]
        media_type="movie",
        tvdb=nothing,  # type: ignore[arg-type]
        shoko_series=(nothing,),  # type: ignore[arg-type]
        anidb=(nothing,),  # type: ignore[arg-type]
    )
    assert ids == frozenset()


def test_seerr_webhook_string_id_matches_the_request_created_from_an_api_int() -> None:
    tracker = Tracker()
    tracker.apply(RequestApproved(source="seerr", at=1, ids=movie_ids(seerr_request=7, seerr_instance="seerr")))
    changes = tracker.apply(
        RequestApproved(source="seerr", at=2, ids=movie_ids(seerr_request="7", seerr_instance="seerr"), media=FILM)
    )
    assert len(tracker.requests) == 1
    assert changes
    assert changes[0].request.title == "The Film"


def test_ids_of_one_service_instance_are_scoped_to_it() -> None:
    assert make_ids(arr_item=11, arr_instance="radarr") != make_ids(arr_item=11, arr_instance="radarr4k")
    assert make_ids(seerr_request=7, seerr_instance="a") != make_ids(seerr_request=7, seerr_instance="b")


# --- TMDB movie and tv ids --------------------------------------------------------------------------------


def test_tmdb_movie_and_tmdb_tv_ids_with_the_same_number_are_different_keys() -> None:
    movie = make_ids(tmdb=1399, media_type="movie")
    tv = make_ids(tmdb=1399, media_type=MediaType.TV)
    assert movie == {(IdKind.TMDB_MOVIE, "1399")}
    assert tv == {(IdKind.TMDB_TV, "1399")}
    assert movie.isdisjoint(tv)


def test_tmdb_id_without_a_media_type_is_no_id() -> None:
    assert make_ids(tmdb=1399) == frozenset()


def test_library_item_of_a_movie_does_not_reach_a_series_with_the_same_tmdb_number() -> None:
    tracker = Tracker()
    tracker.apply(
        RequestApproved(
            source="seerr", at=1, ids=make_ids(tmdb=1399, media_type="tv", seerr_request=1, seerr_instance="s")
        )
    )
    (series,) = tracker.requests.values()

    changes = tracker.apply(
        LibraryItemFound(source="jellyfin", at=2, ids=make_ids(tmdb=1399, media_type="movie", jellyfin_item="j9"))
    )

    assert changes == []
    assert len(tracker.pending) == 1
    assert series.stage is Stage.APPROVED

    # The movie request it belongs to picks it up when it appears.
    tracker.apply(
        RequestApproved(
            source="seerr", at=3, ids=make_ids(tmdb=1399, media_type="movie", seerr_request=2, seerr_instance="s")
        )
    )
    movie = next(r for r in tracker.requests.values() if r is not series)
    assert movie.stage is Stage.AVAILABLE
    assert series.stage is Stage.APPROVED
    assert not tracker.pending


# --- other ids -------------------------------------------------------------------------------------------


def test_jellyfin_item_id_with_or_without_dashes_is_one_key() -> None:
    dashed = "5E3A1C2B-0D4F-4A6B-8C9D-0E1F2A3B4C5D"
    assert make_ids(jellyfin_item=dashed) == make_ids(jellyfin_item=dashed.replace("-", "").lower())


def test_imdb_id_is_case_folded() -> None:
    assert make_ids(imdb="TT0133093") == make_ids(imdb="tt0133093")


# --- files -------------------------------------------------------------------------------------------------


def test_file_key_is_the_case_folded_base_name_whatever_the_mount_path() -> None:
    assert file_key("/data/x/File.MKV") == file_key("/mnt/anime/x/file.mkv") == "file.mkv"
    assert make_ids(files=("/data/x/File.MKV",)) == make_ids(files=("/mnt/anime/x/file.mkv",))


def test_file_key_understands_windows_paths() -> None:
    assert file_key("D:\\Anime\\x\\File.mkv") == file_key("/data/x/file.MKV")


def test_files_with_different_names_are_different_keys() -> None:
    assert make_ids(files=("/data/x/File.S01E01.mkv",)) != make_ids(files=("/data/x/File.S01E02.mkv",))
