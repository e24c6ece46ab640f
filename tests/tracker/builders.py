"""Small builders for the tracker's rule tests: ids, media and evidence as the upstream services report them."""

from __future__ import annotations

from custom_components.media_request_tracker.tracker import (
    AnimeFileMatched,
    AnimeFileNotMatched,
    AnimeFileSeen,
    DownloadCompleted,
    DownloadFailed,
    DownloadPhase,
    DownloadProgress,
    Evidence,
    FilesImported,
    IdKey,
    ImportBlocked,
    ImportedFile,
    LibraryItemFound,
    MediaAdded,
    MediaDeleted,
    MediaInfo,
    MediaType,
    ReleaseGrabbed,
    RequestApproved,
    RequestAvailable,
    RequestCreated,
    RequestDeclined,
    RequestFailed,
    SearchCompleted,
    TrackedRequest,
    make_ids,
)
from custom_components.media_request_tracker.tracker.machine import Outcome, apply

TMDB_MOVIE = 603
TMDB_SHOW = 1399
TVDB_SHOW = 121361

# Radarr/Sonarr report a torrent's v1 hash in upper case; qBittorrent reports the same hash in lower case.
HASH_A = "C2C60F66C126652A86F7F2EE73DC83D4E255929E"
HASH_B = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B"
HASH_C = "3F92992E2FBEB6EBB251304236BF5E0B600A91C3"

FILM = MediaInfo(title="The Film", year=1999, media_type=MediaType.MOVIE, requested_by="ana")
SHOW = MediaInfo(title="The Show", year=2022, media_type=MediaType.TV, requested_by="bo", seasons=frozenset({1}))

MOVIE_PATH = "/data/movies/The Film (1999)/The.Film.1999.1080p.mkv"


def movie_ids(**extra: object) -> frozenset[IdKey]:
    """The movie's TMDB id plus any other ids."""
    return make_ids(tmdb=TMDB_MOVIE, media_type="movie", **extra)  # type: ignore[arg-type]


def show_ids(**extra: object) -> frozenset[IdKey]:
    """The series' TMDB and TVDB ids plus any other ids."""
    return make_ids(tmdb=TMDB_SHOW, media_type="tv", tvdb=TVDB_SHOW, **extra)  # type: ignore[arg-type]


def qbit_ids(download: str) -> frozenset[IdKey]:
    """What qBittorrent names a (v1) torrent by: its hash in lower case."""
    return make_ids(download_ids=(download.lower(),))


def new_request() -> TrackedRequest:
    """A request the machine has not seen any evidence for."""
    return TrackedRequest(key="request", created_at=0.0, updated_at=0.0)


def feed(request: TrackedRequest, *evidence: Evidence) -> Outcome:
    """Apply evidence in order to one request; the outcome of the last piece."""
    outcome = None
    for item in evidence:
        outcome = apply(request, item)
    assert outcome is not None
    return outcome


def added(*, at: float = 1.5, media: MediaInfo = FILM) -> MediaAdded:
    """Radarr added the movie (Seerr handed it over) and looks for a release."""
    return MediaAdded(source="radarr", at=at, ids=movie_ids(arr_item=11, arr_instance="radarr"), media=media)


def searched(search_id: int, *, at: float, grabbed: int = 0, media: MediaInfo = FILM) -> SearchCompleted:
    """Radarr finished a search for the movie (its `MoviesSearch` command), grabbing `grabbed` releases."""
    ids = movie_ids(arr_item=11, arr_instance="radarr")
    return SearchCompleted(source="radarr", at=at, ids=ids, media=media, search_id=str(search_id), grabbed=grabbed)


def grab(
    download: str = HASH_A,
    *,
    at: float = 3,
    source: str = "radarr",
    size: int | None = 4_000,
    episodes: frozenset[tuple[int, int]] = frozenset(),
    media: MediaInfo = FILM,
    arr_item: int = 11,
    indexer: str | None = None,
) -> ReleaseGrabbed:
    """Radarr/Sonarr grabbed a release (the download id in upper case, as *arr sends it)."""
    ids = (show_ids if media.media_type is MediaType.TV else movie_ids)(
        download_ids=(download,), arr_item=arr_item, arr_instance=source
    )
    return ReleaseGrabbed(
        source=source,
        at=at,
        ids=ids,
        media=media,
        episodes=episodes,
        release=f"release-{download[:6]}",
        size=size,
        indexer=indexer,
    )


def progress(
    download: str = HASH_A,
    fraction: float = 0.5,
    *,
    at: float = 4,
    size: int | None = 4_000,
    speed: int = 0,
    eta: int | None = None,
    episodes: frozenset[tuple[int, int]] = frozenset(),
) -> DownloadProgress:
    """qBittorrent reports a torrent's progress."""
    return DownloadProgress(
        source="qbit",
        at=at,
        ids=qbit_ids(download),
        episodes=episodes,
        progress=fraction,
        size=size,
        download_speed=speed,
        eta=eta,
    )


def completed(
    download: str = HASH_A,
    *,
    at: float = 5,
    size: int | None = None,
    episodes: frozenset[tuple[int, int]] = frozenset(),
) -> DownloadCompleted:
    """qBittorrent has every byte of a torrent."""
    return DownloadCompleted(source="qbit", at=at, ids=qbit_ids(download), episodes=episodes, size=size)


def movie_imported(download: str = HASH_A, *, at: float = 6, path: str = MOVIE_PATH) -> FilesImported:
    """Radarr imported the movie file."""
    return FilesImported(
        source="radarr",
        at=at,
        ids=movie_ids(download_ids=(download,), files=(path,), arr_item=11, arr_instance="radarr"),
        media=FILM,
        files=(ImportedFile(path=path, size=4_100),),
    )


def episode_path(season: int, episode: int) -> str:
    """Where Sonarr puts an episode."""
    return f"/data/tv/The Show/Season {season:02d}/The.Show.S{season:02d}E{episode:02d}.mkv"


def episodes_imported(
    download: str, episodes: frozenset[tuple[int, int]], *, at: float = 6, media: MediaInfo = SHOW
) -> FilesImported:
    """Sonarr imported one file per episode (a season pack is one import of many files)."""
    paths = {ep: episode_path(*ep) for ep in sorted(episodes)}
    return FilesImported(
        source="sonarr",
        at=at,
        ids=show_ids(download_ids=(download,), files=tuple(paths.values()), arr_item=23, arr_instance="sonarr"),
        media=media,
        episodes=episodes,
        files=tuple(ImportedFile(path=path, size=1_000, episodes=frozenset({ep})) for ep, path in paths.items()),
    )


def one_of_each() -> list[Evidence]:
    """One piece of every kind of evidence, with every field set to something other than its default."""
    movie = movie_ids(seerr_request=7, seerr_instance="seerr", imdb="tt0133093")
    download = movie_ids(download_ids=(HASH_A,), arr_item=11, arr_instance="radarr")
    shoko = make_ids(files=("/mnt/anime/x/File.mkv",), shoko_file=77, shoko_series=(901,), anidb=(4242,))
    media = MediaInfo(
        title="The Show",
        year=2022,
        media_type=MediaType.TV,
        poster="/p.jpg",
        anime=True,
        requested_by="bo",
        seasons=frozenset({1, 2}),
    )
    episodes = frozenset({(1, 1), (1, 2)})
    common = {"at": 12.5, "media": media, "episodes": episodes}
    return [
        RequestCreated(source="seerr", ids=movie, **common),
        RequestApproved(source="seerr", ids=movie, automatic=True, **common),
        RequestDeclined(source="seerr", ids=movie, reason="no room", **common),
        RequestFailed(source="seerr", ids=movie, reason="Radarr down", **common),
        MediaAdded(source="radarr", ids=movie_ids(arr_item=11, arr_instance="radarr"), **common),
        SearchCompleted(
            source="radarr", ids=movie_ids(arr_item=11, arr_instance="radarr"), search_id="5", grabbed=1, **common
        ),
        ReleaseGrabbed(source="radarr", ids=download, release="The.Film.1080p", size=4_000, indexer="nyaa", **common),
        DownloadProgress(
            source="qbit",
            ids=qbit_ids(HASH_A),
            progress=0.25,
            size=4_000,
            download_speed=1_000,
            eta=3_600,
            phase=DownloadPhase.STALLED,
            seeds=0,
            client="qBittorrent",
            problem="stalledDL",
            **common,
        ),
        DownloadCompleted(source="qbit", ids=qbit_ids(HASH_A), size=4_000, **common),
        DownloadFailed(source="radarr", ids=download, reason="no seeders", **common),
        FilesImported(
            source="sonarr",
            ids=download | make_ids(files=("/data/x/File.mkv",)),
            files=(
                ImportedFile(path="/data/x/File.mkv", size=1_000, episodes=frozenset({(1, 1)})),
                ImportedFile(path="/data/x/File2.mkv", size=None, episodes=frozenset({(1, 2)})),
            ),
            upgrade=True,
            **common,
        ),
        ImportBlocked(source="radarr", ids=download, reason="no files found", **common),
        AnimeFileSeen(source="shoko", ids=shoko, file_id="77", **common),
        AnimeFileMatched(source="shoko", ids=shoko, file_id="77", **common),
        AnimeFileNotMatched(source="shoko", ids=shoko, file_id="77", reason="no AniDB release", **common),
        LibraryItemFound(
            source="jellyfin", ids=make_ids(jellyfin_item="j1", shoko_series=(901,)), item_type="Series", **common
        ),
        RequestAvailable(source="seerr", ids=movie, **common),
        MediaDeleted(source="radarr", ids=download, reason="removed", **common),
    ]
