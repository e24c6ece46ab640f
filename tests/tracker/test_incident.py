"""The known incident of the prior art, replayed exactly against the tracker.

An anime movie: Radarr's import webhook arrived one second before qBittorrent reported the download complete (the
prior art rejected the import as an invalid transition and the request sat there), the torrent had reported size 0
while fetching metadata, and Shoko matched the file as an episode of a series: its event carries a Shoko series id
and an AniDB id but no TMDB movie id, and names the file by Shoko's own mount path. Jellyfin (Shokofin) then lists
the item under the Shoko series id only.
"""

from __future__ import annotations

import pytest

from custom_components.media_request_tracker.tracker import (
    AnimeFileMatched,
    DownloadCompleted,
    DownloadPhase,
    DownloadProgress,
    Evidence,
    FilesImported,
    IdKind,
    ImportedFile,
    LibraryItemFound,
    MediaInfo,
    MediaType,
    ReleaseGrabbed,
    RequestApproved,
    RequestCreated,
    Stage,
    Tracker,
    make_ids,
)
from tests.tracker.words_support import detail_text, stall_text

TMDB = 916224
HASH = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4"  # as Radarr reports it
REAL_SIZE = 8_437_524_480
RADARR_PATH = "/data/media/anime-movies/Suzume (2022)/Suzume.2022.1080p.BluRay.x265-GROUP.mkv"
SHOKO_PATH = "/mnt/anime/Movies/Suzume/Suzume.2022.1080p.BluRay.x265-GROUP.mkv"  # Shoko's import folder
SHOKO_FILE = 48213
SHOKO_SERIES = 2731
ANIDB = 17281


def incident(*, radarr_knows_anime: bool, library_item_type: str) -> list[Evidence]:
    """The incident's evidence, in the order it arrived."""
    seerr = make_ids(tmdb=TMDB, media_type="movie", seerr_request=311, seerr_instance="seerr")
    requested = MediaInfo(title="Suzume", year=2022, media_type=MediaType.MOVIE, requested_by="ana")
    radarr_media = MediaInfo(title="Suzume", year=2022, media_type=MediaType.MOVIE, anime=radarr_knows_anime)
    radarr = make_ids(tmdb=TMDB, media_type="movie", download_ids=(HASH,), arr_item=87, arr_instance="radarr")
    qbit = make_ids(download_ids=(HASH.lower(),))
    return [
        RequestCreated(source="seerr", at=0, ids=seerr, media=requested),
        RequestApproved(source="seerr", at=1, ids=seerr, media=requested, automatic=True),
        ReleaseGrabbed(
            source="radarr",
            at=5,
            ids=radarr,
            media=radarr_media,
            release="Suzume.2022.1080p.BluRay.x265-GROUP",
            size=REAL_SIZE,
            indexer="nyaa",
        ),
        # qBittorrent has the magnet but not the metadata yet: it reports size 0.
        DownloadProgress(source="qbit", at=7, ids=qbit, progress=0.0, size=0, phase=DownloadPhase.METADATA),
        DownloadProgress(
            source="qbit", at=67, ids=qbit, progress=0.42, size=REAL_SIZE, download_speed=12_500_000, eta=380
        ),
        # Radarr imports one second before qBittorrent says the download is complete.
        FilesImported(
            source="radarr",
            at=600,
            ids=radarr | make_ids(files=(RADARR_PATH,)),
            media=radarr_media,
            files=(ImportedFile(path=RADARR_PATH, size=REAL_SIZE),),
        ),
        DownloadCompleted(source="qbit", at=601, ids=qbit, size=REAL_SIZE),
        # Shoko matched the file as episode 1 of an AniDB series: no TMDB movie id, its own mount path.
        AnimeFileMatched(
            source="shoko",
            at=640,
            ids=make_ids(files=(SHOKO_PATH,), shoko_file=SHOKO_FILE, shoko_series=(SHOKO_SERIES,), anidb=(ANIDB,)),
            episodes=frozenset({(1, 1)}),
            file_id=str(SHOKO_FILE),
        ),
        # Shokofin lists it by the Shoko series id and the AniDB id; the TMDB id is hidden.
        LibraryItemFound(
            source="jellyfin",
            at=700,
            ids=make_ids(
                shoko_series=(SHOKO_SERIES,), anidb=(ANIDB,), jellyfin_item="a6f1c0de-51d2-4d4c-9f0e-4e1b7d2c9a11"
            ),
            item_type=library_item_type,
        ),
    ]


EXPECTED_STAGES = [
    Stage.REQUESTED,
    Stage.APPROVED,
    Stage.GRABBING,
    Stage.DOWNLOADING,
    Stage.DOWNLOADING,
    Stage.IMPORTING,  # the early import is taken at its word, not rejected
    Stage.IMPORTING,
    Stage.ANIME_MATCHING,
    Stage.AVAILABLE,
]

VARIANTS = pytest.mark.parametrize(
    ("radarr_knows_anime", "library_item_type"),
    [(True, "Movie"), (False, "Movie"), (True, "Series"), (False, "Series")],
    ids=["anime-tag-movie-item", "shoko-only-movie-item", "anime-tag-series-item", "shoko-only-series-item"],
)


@VARIANTS
def test_incident_ends_available_with_downloaded_in_the_timeline(
    radarr_knows_anime: bool, library_item_type: str
) -> None:
    tracker = Tracker()
    stages = []
    sizes = []
    for item in incident(radarr_knows_anime=radarr_knows_anime, library_item_type=library_item_type):
        tracker.apply(item)
        assert tracker.pending == [], f"{type(item).__name__} found no request"
        assert len(tracker.requests) == 1, f"{type(item).__name__} started another request"
        (request,) = tracker.requests.values()
        stages.append(request.stage)
        sizes.append(request.size)

    assert stages == EXPECTED_STAGES
    assert request.stage is Stage.AVAILABLE

    timeline = [entry.stage for entry in request.timeline]
    assert timeline == [
        Stage.REQUESTED,
        Stage.APPROVED,
        Stage.SEARCHING,
        Stage.GRABBING,
        Stage.DOWNLOADING,
        Stage.DOWNLOADED,
        Stage.IMPORTING,
        Stage.ANIME_MATCHING,
        Stage.AVAILABLE,
    ]
    downloaded = request.timeline[timeline.index(Stage.DOWNLOADED)]
    assert not downloaded.inferred, "qBittorrent's late completion is the proof of `downloaded`"
    assert downloaded.source == "qbit"
    assert [detail_text(entry) for entry in request.timeline if "metadata" in detail_text(entry).lower()] == []

    # The size shown was the real one from the grab on, never the 0 of the metadata report.
    assert sizes[:2] == [None, None]
    assert sizes[2:] == [REAL_SIZE] * (len(sizes) - 2)
    assert request.size == REAL_SIZE
    assert request.downloads[HASH.lower()].size == REAL_SIZE
    assert request.progress == 1.0


@VARIANTS
def test_incident_correlates_shoko_by_file_name_and_jellyfin_by_shoko_series(
    radarr_knows_anime: bool, library_item_type: str
) -> None:
    tracker = Tracker()
    for item in incident(radarr_knows_anime=radarr_knows_anime, library_item_type=library_item_type):
        tracker.apply(item)
    (request,) = tracker.requests.values()

    # It stays a movie: Shoko calling it an episode does not make it a series.
    assert request.media_type is MediaType.MOVIE
    assert request.counted_episodes() == []
    assert request.anime
    # Shoko's event found the file Radarr imported, despite the different mount path.
    (file,) = request.files.values()
    assert file.path == RADARR_PATH
    assert file.shoko_id == str(SHOKO_FILE)
    assert file.matched
    assert request.ids_of(IdKind.SHOKO_SERIES) == [str(SHOKO_SERIES)]
    assert request.ids_of(IdKind.ANIDB) == [str(ANIDB)]
    assert request.ids_of(IdKind.JELLYFIN_ITEM) == ["a6f1c0de51d24d4c9f0e4e1b7d2c9a11"]
    assert request.ids_of(IdKind.TMDB_MOVIE) == [str(TMDB)]
    assert stall_text(request) is None


def test_incident_evidence_delivered_again_changes_nothing() -> None:
    evidence = incident(radarr_knows_anime=False, library_item_type="Movie")
    tracker = Tracker()
    for item in evidence:
        tracker.apply(item)

    for item in evidence:
        assert tracker.apply(item) == [], type(item).__name__
    (request,) = tracker.requests.values()
    assert request.stage is Stage.AVAILABLE
    assert request.size == REAL_SIZE
