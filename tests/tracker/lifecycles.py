"""Evidence for whole lifecycles, as upstream services would report them, for the tracker's tests.

Each builder returns the evidence in the order it happens; tests deliver it in other orders.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from custom_components.media_request_tracker.tracker import (
    AnimeFileMatched,
    AnimeFileSeen,
    DownloadCompleted,
    DownloadFailed,
    DownloadPhase,
    DownloadProgress,
    Evidence,
    FilesImported,
    ImportedFile,
    LibraryItemFound,
    MediaAdded,
    MediaInfo,
    MediaType,
    ReleaseGrabbed,
    RequestApproved,
    RequestCreated,
    SearchCompleted,
    Stage,
    make_ids,
)

MOVIE_HASH = "C2C60F66C126652A86F7F2EE73DC83D4E255929E"
RETRY_HASH = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B"
PACK_HASH = "3F92992E2FBEB6EBB251304236BF5E0B600A91C3"


@dataclass
class Lifecycle:
    """A lifecycle's evidence and the stage it must end in."""

    name: str
    evidence: list[Evidence]
    final_stage: Stage = Stage.AVAILABLE
    failed_downloads: frozenset[str] = field(default_factory=frozenset)
    requests: int = 1
    """How many requests the evidence is about (one title asked for in HD and in 4K is two)."""
    listed_item: str | None = None
    """The Jellyfin item the request must end with, when the lifecycle is about which one it is."""


def _movie_ids(**extra: object) -> frozenset[tuple]:
    return make_ids(tmdb=603, media_type="movie", **extra)  # type: ignore[arg-type]


def movie(
    *,
    anime: bool = False,
    retry: bool = False,
    metadata_first: bool = True,
    searches: int = 0,
    replaced_error: bool = False,
) -> Lifecycle:
    """A movie from request to library; optionally anime (through Shoko) and with a failed first download.

    `searches`: Radarr adds the movie and searches that often in vain before a release turns up. `replaced_error`:
    qBittorrent reports the first download's files missing and Radarr grabs another release without failing it.
    """
    media = MediaInfo(title="The Film", year=1999, media_type=MediaType.MOVIE, anime=anime, requested_by="ana")
    seerr = _movie_ids(seerr_request=7, seerr_instance="seerr")
    radarr = "radarr"
    evidence: list[Evidence] = [
        RequestCreated(source="seerr", at=1, ids=seerr, media=media),
        RequestApproved(source="seerr", at=2, ids=seerr, media=media),
    ]
    if searches:
        arr = _movie_ids(arr_item=11, arr_instance=radarr)
        evidence.append(MediaAdded(source=radarr, at=2.1, ids=arr, media=media))
        evidence += [
            SearchCompleted(source=radarr, at=2.2 + n / 10, ids=arr, media=media, search_id=str(n), grabbed=0)
            for n in range(searches)
        ]
    failed: frozenset[str] = frozenset()
    download = MOVIE_HASH
    if replaced_error:
        errored = make_ids(download_ids=(MOVIE_HASH.lower(),))
        evidence += [
            _grab(radarr, MOVIE_HASH, 3, media),
            DownloadProgress(
                source="qbit", at=4, ids=errored, progress=0.4, size=4_000, phase=DownloadPhase.ERROR, problem="x"
            ),
        ]
        download = RETRY_HASH
    if retry:
        failed = frozenset({MOVIE_HASH.lower()})
        evidence += [
            _grab(radarr, MOVIE_HASH, 3, media),
            DownloadProgress(source="qbit", at=4, ids=make_ids(download_ids=(MOVIE_HASH.lower(),)), progress=0.1),
            DownloadFailed(source=radarr, at=5, ids=_movie_ids(download_ids=(MOVIE_HASH,)), reason="stalled"),
        ]
        download = RETRY_HASH
    qbit_ids = make_ids(download_ids=(download.lower(),))
    if metadata_first:
        evidence.append(
            DownloadProgress(source="qbit", at=6.5, ids=qbit_ids, progress=0.0, size=None, phase=DownloadPhase.METADATA)
        )
    path = "/data/movies/The Film (1999)/The.Film.1999.mkv"
    evidence += [
        _grab(radarr, download, 6, media),
        DownloadProgress(source="qbit", at=7, ids=qbit_ids, progress=0.5, size=4_000, download_speed=100, eta=20),
        DownloadCompleted(source="qbit", at=8, ids=qbit_ids, size=4_000),
        FilesImported(
            source=radarr,
            at=9,
            ids=_movie_ids(download_ids=(download,), files=(path,), arr_item=11, arr_instance=radarr),
            media=media,
            files=(ImportedFile(path=path, size=4_000),),
        ),
    ]
    if anime:
        shoko_path = "/mnt/anime/The Film (1999)/The.Film.1999.mkv"
        shoko_ids = make_ids(files=(shoko_path,), shoko_file=77, shoko_series=(901,), anidb=(4242,))
        evidence += [
            AnimeFileSeen(source="shoko", at=10, ids=make_ids(files=(shoko_path,)), file_id="77"),
            AnimeFileMatched(source="shoko", at=11, ids=shoko_ids, file_id="77"),
            LibraryItemFound(
                source="jellyfin",
                at=12,
                ids=make_ids(shoko_series=(901,), jellyfin_item="j1"),
                item_type="Movie",
            ),
        ]
    else:
        evidence.append(
            LibraryItemFound(source="jellyfin", at=12, ids=make_ids(tmdb=603, media_type="movie", jellyfin_item="j1"))
        )
    name = f"{'anime ' if anime else ''}movie{' retried' if retry else ''}"
    name += f"{' searched' if searches else ''}{' replacing an error' if replaced_error else ''}"
    return Lifecycle(name, evidence, failed_downloads=failed)


def _grab(source: str, download: str, at: float, media: MediaInfo) -> ReleaseGrabbed:
    return ReleaseGrabbed(
        source=source,
        at=at,
        ids=_movie_ids(download_ids=(download,), arr_item=11, arr_instance=source),
        media=media,
        release="The.Film.1999.1080p",
        size=4_000,
    )


def series(*, anime: bool = False, episodes: int = 4, per_episode: bool = False) -> Lifecycle:
    """A one-season series: a season pack (one torrent, one import) or one download per episode."""
    media = MediaInfo(
        title="The Show",
        year=2022,
        media_type=MediaType.TV,
        anime=anime,
        requested_by="bo",
        seasons=frozenset({1}),
    )
    tv_ids = make_ids(tmdb=154, media_type="tv", tvdb=414)
    seerr = tv_ids | make_ids(seerr_request=8, seerr_instance="seerr")
    evidence: list[Evidence] = [
        RequestCreated(source="seerr", at=1, ids=seerr, media=media),
        RequestApproved(source="seerr", at=2, ids=seerr, media=media),
    ]
    all_eps = frozenset((1, n) for n in range(1, episodes + 1))
    groups = [frozenset({ep}) for ep in sorted(all_eps)] if per_episode else [all_eps]
    for number, eps in enumerate(groups):
        download = f"{PACK_HASH[:-4]}{number:04d}"
        evidence += _series_download(download, eps, media, tv_ids, anime=anime, at=3 + number * 10)
    # Shokofin lists anime by Shoko series id and hides the TMDB id.
    library_ids = make_ids(shoko_series=(555,)) if anime else tv_ids
    evidence.append(
        LibraryItemFound(source="jellyfin", at=200, ids=library_ids | make_ids(jellyfin_item="s1"), item_type="Series")
    )
    kind = "per-episode series" if per_episode else "season pack"
    return Lifecycle(f"{'anime ' if anime else ''}{kind}", evidence)


def _series_download(
    download: str,
    eps: frozenset[tuple[int, int]],
    media: MediaInfo,
    tv_ids: frozenset[tuple],
    *,
    anime: bool,
    at: float,
) -> list[Evidence]:
    sonarr_ids = tv_ids | make_ids(download_ids=(download,), arr_item=23, arr_instance="sonarr")
    qbit_ids = make_ids(download_ids=(download.lower(),))
    paths = {ep: f"/data/tv/The Show/Season 1/The.Show.S01E{ep[1]:02d}.mkv" for ep in sorted(eps)}
    evidence: list[Evidence] = [
        ReleaseGrabbed(source="sonarr", at=at, ids=sonarr_ids, media=media, episodes=eps, release="pack"),
        DownloadProgress(source="qbit", at=at + 1, ids=qbit_ids, progress=0.3, size=9_000),
        DownloadCompleted(source="qbit", at=at + 2, ids=qbit_ids),
        FilesImported(
            source="sonarr",
            at=at + 3,
            ids=sonarr_ids | make_ids(files=tuple(paths.values())),
            media=media,
            episodes=eps,
            files=tuple(ImportedFile(path=path, episodes=frozenset({ep})) for ep, path in paths.items()),
        ),
    ]
    if anime:
        for ep, path in paths.items():
            name = path.rsplit("/", 1)[1]
            shoko = make_ids(files=(f"/anime/The Show/{name}",), shoko_series=(555,), anidb=(17000,))
            evidence.append(AnimeFileMatched(source="shoko", at=at + 4, ids=shoko, file_id=f"{ep[1]}"))
    return evidence


UHD_HASH = "5D41402ABC4B2A76B9719D911017C592AE1B4D2C"
UPGRADE_HASH = "AAF4C61DDCC5E8A2DABEDE0F3B482CD9AEA9434D"


def upgraded_movie() -> Lifecycle:
    """A movie in the library whose file Radarr replaces with a better release, and Jellyfin's new item for it."""
    lifecycle = movie(metadata_first=False)
    media = MediaInfo(title="The Film", year=1999, media_type=MediaType.MOVIE, requested_by="ana")
    old_path = "/data/movies/The Film (1999)/The.Film.1999.mkv"
    new_path = "/data/movies/The Film (1999)/The.Film.1999.2160p.Remux.mkv"
    radarr_ids = _movie_ids(arr_item=11, arr_instance="radarr", download_ids=(UPGRADE_HASH,))
    qbit_ids = make_ids(download_ids=(UPGRADE_HASH.lower(),))
    evidence = [
        # The first item lists the first file.
        *(
            replace(item, ids=item.ids | make_ids(files=(old_path,))) if isinstance(item, LibraryItemFound) else item
            for item in lifecycle.evidence
        ),
        ReleaseGrabbed(source="radarr", at=20, ids=radarr_ids, media=media, release="The.Film.1999.2160p.Remux"),
        DownloadProgress(source="qbit", at=21, ids=qbit_ids, progress=0.5, size=8_000, eta=30),
        DownloadCompleted(source="qbit", at=22, ids=qbit_ids, size=8_000),
        FilesImported(
            source="radarr",
            at=23,
            ids=radarr_ids | make_ids(files=(new_path,)),
            media=media,
            files=(ImportedFile(path=new_path, size=8_000),),
            upgrade=True,
            replaced=(old_path,),
        ),
        LibraryItemFound(
            source="jellyfin", at=30, ids=_movie_ids(jellyfin_item="j2", files=(new_path,)), item_type="Movie"
        ),
    ]
    return Lifecycle("upgraded movie", evidence, listed_item="j2")


def two_copies(media_type: MediaType) -> Lifecycle:
    """One title requested twice, in HD and in 4K: two Radarr (or Sonarr) instances, one download client, one
    Jellyfin with a library for each copy. Both copies share every id of the media."""
    is_movie = media_type is MediaType.MOVIE
    arr, arr4k = ("radarr", "radarr4k") if is_movie else ("sonarr", "sonarr4k")
    media = MediaInfo(
        title="The Film" if is_movie else "The Show",
        year=1999,
        media_type=media_type,
        requested_by="ana",
        seasons=frozenset() if is_movie else frozenset({1}),
    )
    title_ids = make_ids(tmdb=603, media_type=media_type.value, tvdb=None if is_movie else 414)
    episodes = frozenset() if is_movie else frozenset({(1, 1)})
    evidence: list[Evidence] = []
    for copy, number, instance, download, root, library in (
        ("standard", 7, arr, MOVIE_HASH, "/data/movies", "/media/movies"),
        ("4k", 8, arr4k, UHD_HASH, "/data/movies4k", "/media/movies4k"),
    ):
        seerr = title_ids | make_ids(seerr_request=number, seerr_instance="seerr", copy=copy)
        arr_ids = title_ids | make_ids(arr_item=number * 3, arr_instance=instance, copy=copy)
        quality = "2160p" if copy == "4k" else "1080p"
        name = f"The.Film.1999.{quality}.mkv" if is_movie else f"The.Show.S01E01.{quality}.mkv"
        path = f"{root}/The Film (1999)/{name}"
        qbit = make_ids(download_ids=(download.lower(),))
        size = 40_000 if copy == "4k" else 4_000
        evidence += [
            RequestApproved(source="seerr", at=1 + number, ids=seerr, media=media),
            ReleaseGrabbed(
                source=instance,
                at=10 + number,
                ids=arr_ids | make_ids(download_ids=(download,)),
                media=media,
                episodes=episodes,
                release=name,
                size=size,
            ),
            DownloadProgress(source="qbit", at=20 + number, ids=qbit, progress=0.4, size=size, eta=60 * number),
            DownloadCompleted(source="qbit", at=30 + number, ids=qbit, size=size),
            FilesImported(
                source=instance,
                at=40 + number,
                ids=arr_ids | make_ids(download_ids=(download,), files=(path,)),
                media=media,
                episodes=episodes,
                files=(ImportedFile(path=path, size=size, episodes=episodes),),
            ),
            # Jellyfin lists each copy as its own item, with the same provider ids and the file it plays.
            LibraryItemFound(
                source="jellyfin",
                at=50 + number,
                ids=title_ids | make_ids(jellyfin_item=f"j{copy}", files=(f"{library}/x/{name}",), copy=copy),
                episodes=episodes,
                item_type="Movie" if is_movie else "Episode",
            ),
        ]
    return Lifecycle(f"HD and 4K {'movie' if is_movie else 'series'}", evidence, requests=2)


LIFECYCLES = {
    lifecycle.name: lifecycle
    for lifecycle in (
        movie(),
        movie(retry=True),
        movie(anime=True),
        movie(anime=True, retry=True),
        movie(searches=3),
        movie(replaced_error=True),
        series(),
        series(per_episode=True),
        series(anime=True),
        series(anime=True, per_episode=True),
        two_copies(MediaType.MOVIE),
        two_copies(MediaType.TV),
        upgraded_movie(),
    )
}
