"""One title requested twice, in HD and in 4K: each copy's evidence belongs to the request for that copy."""

from __future__ import annotations

from custom_components.media_request_tracker.tracker import (
    DownloadProgress,
    FilesImported,
    IdKind,
    ImportedFile,
    LibraryItemFound,
    MediaInfo,
    ReleaseGrabbed,
    RequestApproved,
    Stage,
    TrackedRequest,
    Tracker,
    make_ids,
)

from .builders import FILM, HASH_A, HASH_B, movie_ids, qbit_ids

HD_PATH = "/data/movies/The Film (1999)/The.Film.1999.1080p.mkv"
UHD_PATH = "/data/movies4k/The Film (1999)/The.Film.1999.2160p.mkv"


def seerr(number: int, copy: str, at: float) -> RequestApproved:
    return RequestApproved(
        source="seerr", at=at, ids=movie_ids(seerr_request=number, seerr_instance="seerr", copy=copy), media=FILM
    )


def grabbed(instance: str, item: int, download: str, copy: str, *, at: float, arr_item: bool = True) -> ReleaseGrabbed:
    ids = movie_ids(download_ids=(download,), copy=copy)
    if arr_item:
        ids |= make_ids(arr_item=item, arr_instance=instance)
    return ReleaseGrabbed(source=instance, at=at, ids=ids, media=FILM, release=f"release-{copy}", size=4_000)


def downloading(download: str, fraction: float, *, at: float, size: int, eta: int) -> DownloadProgress:
    return DownloadProgress(source="qbit", at=at, ids=qbit_ids(download), progress=fraction, size=size, eta=eta)


def imported(instance: str, item: int, download: str, path: str, copy: str, *, at: float) -> FilesImported:
    ids = movie_ids(download_ids=(download,), arr_item=item, arr_instance=instance, files=(path,), copy=copy)
    return FilesImported(source=instance, at=at, ids=ids, media=FILM, files=(ImportedFile(path=path, size=4_000),))


def library_item(item_id: str, path: str, copy: str | None, *, at: float) -> LibraryItemFound:
    ids = movie_ids(jellyfin_item=item_id, files=(path,), copy=copy)
    return LibraryItemFound(source="jellyfin", at=at, ids=ids, item_type="Movie")


def hd_imported_while_4k_downloads() -> tuple[Tracker, TrackedRequest, TrackedRequest]:
    """The incident: the HD copy is imported while the 4K copy downloads (38 %), the 4K request the newest."""
    tracker = Tracker()
    hd = tracker.apply(seerr(7, "standard", at=1))[0].request
    uhd = tracker.apply(seerr(8, "4k", at=2))[0].request
    tracker.apply(grabbed("radarr", 11, HASH_A, "standard", at=3))
    tracker.apply(grabbed("radarr4k", 5, HASH_B, "4k", at=4))
    tracker.apply(downloading(HASH_A, 1.0, at=5, size=4_000, eta=0))
    tracker.apply(imported("radarr", 11, HASH_A, HD_PATH, "standard", at=6))
    tracker.apply(downloading(HASH_B, 0.38, at=7, size=40_000, eta=600))
    assert hd.stage is Stage.IMPORTING
    assert uhd.stage is Stage.DOWNLOADING
    return tracker, hd, uhd


def test_the_hd_library_item_is_the_hd_requests_not_the_4k_one() -> None:
    tracker, hd, uhd = hd_imported_while_4k_downloads()

    changes = tracker.apply(
        library_item("jhd", "/media/movies/The Film (1999)/The.Film.1999.1080p.mkv", "standard", at=8)
    )

    assert [change.request.key for change in changes] == [hd.key]
    assert hd.stage is Stage.AVAILABLE
    assert hd.ids_of(IdKind.JELLYFIN_ITEM) == ["jhd"]
    assert uhd.stage is Stage.DOWNLOADING
    assert uhd.ids_of(IdKind.JELLYFIN_ITEM) == []
    assert uhd.progress == 0.38
    assert uhd.size == 40_000
    assert uhd.eta == 600


def test_a_library_item_goes_to_the_request_that_imported_the_file_it_plays() -> None:
    tracker, hd, uhd = hd_imported_while_4k_downloads()

    # A library whose folders do not say which copy it holds: the file tells.
    changes = tracker.apply(library_item("jhd", "/srv/films/The Film (1999)/The.Film.1999.1080p.mkv", None, at=8))

    assert [change.request.key for change in changes] == [hd.key]
    assert uhd.stage is Stage.DOWNLOADING


def test_the_4k_library_item_listed_before_the_4k_import_is_the_4k_requests() -> None:
    tracker, hd, uhd = hd_imported_while_4k_downloads()

    tracker.apply(library_item("juhd", "/media/movies4k/The Film (1999)/The.Film.1999.2160p.mkv", "4k", at=8))

    assert uhd.stage is Stage.AVAILABLE
    assert uhd.ids_of(IdKind.JELLYFIN_ITEM) == ["juhd"]
    assert hd.stage is Stage.IMPORTING
    assert hd.ids_of(IdKind.JELLYFIN_ITEM) == []


def test_a_4k_grab_never_joins_the_hd_request_even_when_it_is_the_only_one() -> None:
    tracker = Tracker()
    hd = tracker.apply(seerr(7, "standard", at=1))[0].request

    # Radarr 4K names only the movie, and no request follows its movie yet.
    [change] = tracker.apply(grabbed("radarr4k", 5, HASH_B, "4k", at=2, arr_item=False))

    assert change.request.key != hd.key
    assert hd.stage is Stage.APPROVED
    assert hd.downloads == {}
    # Seerr's 4K request, seen late, is the one the 4K grab started.
    [late] = tracker.apply(seerr(8, "4k", at=3))
    assert late.request.key == change.request.key
    assert late.request.stage is Stage.GRABBING


def test_progress_size_and_eta_never_mix_between_the_copies() -> None:
    tracker = Tracker()
    hd = tracker.apply(seerr(7, "standard", at=1))[0].request
    uhd = tracker.apply(seerr(8, "4k", at=2))[0].request
    tracker.apply(grabbed("radarr4k", 5, HASH_B, "4k", at=3, arr_item=False))
    tracker.apply(grabbed("radarr", 11, HASH_A, "standard", at=4, arr_item=False))
    tracker.apply(downloading(HASH_A, 0.9, at=5, size=4_000, eta=10))
    tracker.apply(downloading(HASH_B, 0.1, at=5, size=40_000, eta=900))

    assert (hd.progress, hd.size, hd.eta) == (0.9, 4_000, 10)
    assert (uhd.progress, uhd.size, uhd.eta) == (0.1, 40_000, 900)


def test_a_request_of_unknown_copy_takes_either_copys_evidence() -> None:
    # Evidence that does not say its copy (a queue record without its movie) is matched as before.
    tracker = Tracker()
    request = tracker.apply(seerr(7, "standard", at=1))[0].request
    tracker.apply(
        ReleaseGrabbed(source="radarr", at=2, ids=movie_ids(download_ids=(HASH_A,)), media=MediaInfo(), release="r")
    )
    assert request.stage is Stage.GRABBING
