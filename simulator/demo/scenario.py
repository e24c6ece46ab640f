"""What the demo plays: a few requests, each through its lifecycle, in real time.

Every step changes a simulated service the way the real one changes: Seerr's request list and its webhook agent,
Radarr's and Sonarr's webhooks, queue and history, qBittorrent's torrents (which the tracker polls), Shoko's files
and SignalR hub, and Jellyfin's library and webhook plugin. The tracker learns of it through the same pushes and
polls it uses with real services.

The timing is slow enough to watch in the browser and fast enough to see a movie reach `available` a little over
a minute in. An anime movie goes through Shoko's matching and follows 20 s later, a season pack (one torrent for
eight episodes) half a minute after that, and a fourth request waits for an admin's approval.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any, Final

from simulator import payloads
from simulator.arr import SimulatedArr, history_record, queue_record
from simulator.jellyfin import library_item
from simulator.qbittorrent import SimulatedQBittorrent
from simulator.seerr import request_record
from simulator.shoko import cross_reference

from .stack import DemoStack

TICK_SECONDS: Final = 4.0
"""How often a running download's progress moves (qBittorrent is polled every 5 s while something downloads)."""
PENDING, APPROVED = 1, 2
"""Seerr's request statuses."""
MEDIA_PENDING, PROCESSING, AVAILABLE = 2, 3, 5
"""Seerr's media statuses."""

type Action = Callable[[], Awaitable[str | None]]
"""A step's change to the simulated services; returns what to tell the person watching, if anything."""


@dataclass(frozen=True, slots=True)
class Step:
    """An action at `at` seconds after the demo's start."""

    at: float
    action: Action


@dataclass(frozen=True, slots=True)
class ShokoMatch:
    """How Shoko knows an anime movie: its file, and the AniDB anime (a series of one episode) it matched."""

    file_id: int
    series_id: int
    anidb_id: int
    episode_id: int
    anidb_episode_id: int


@dataclass(frozen=True, slots=True)
class Title:
    """A movie, or one season of a series requested as a whole (downloaded as one season pack)."""

    request_id: int
    title: str
    year: int
    tmdb_id: int
    arr_id: int
    """Radarr's movie id or Sonarr's series id."""
    size: int
    tvdb_id: int | None = None
    season: int | None = None
    episodes: int = 0
    anime: ShokoMatch | None = None

    @property
    def media_type(self) -> payloads.MediaType:
        """`movie` or `tv`, as Seerr says."""
        return "movie" if self.season is None else "tv"

    @property
    def name(self) -> str:
        """How people name it (and how the tracker names its sensor)."""
        return f"{self.title} ({self.year})"

    @property
    def release(self) -> str:
        """The release Radarr/Sonarr grabs."""
        season = "" if self.season is None else f".S{self.season:02d}"
        source = "BluRay.x265-AniDemo" if self.anime else "WEB-DL.x264-DEMO"
        return f"{self.title.replace(' ', '.')}{season}.{self.year}.1080p.{source}"

    @property
    def download_id(self) -> str:
        """The torrent's info-hash, upper-case as Radarr/Sonarr report it."""
        return payloads.torrent_hash(self.release)

    @property
    def jellyfin_id(self) -> str:
        """Jellyfin's id of the movie or series."""
        return payloads.jellyfin_id(f"{self.media_type}:{self.title}")


@dataclass(frozen=True, slots=True)
class DownloadedItem:
    """One movie or episode in a download: as the queue shows it, as the history names it, and its library path."""

    queue: Mapping[str, Any]
    """`queue_record`'s `movie=`, or `series=` and `episode=`."""
    history: Mapping[str, int]
    """`history_record`'s `movie_id=`, or `series_id=` and `episode_id=`."""
    path: str


@dataclass(slots=True)
class Download:
    """A torrent that fills up in qBittorrent while Radarr's or Sonarr's queue follows it."""

    qbittorrent: SimulatedQBittorrent
    arr: SimulatedArr
    title: Title
    category: str
    items: list[DownloadedItem]
    seconds: float
    """How long the download takes."""

    @property
    def hash(self) -> str:
        """The torrent's id in qBittorrent: the same hash, lower-case."""
        return self.title.download_id.lower()

    def grabbed(self) -> None:
        """Radarr/Sonarr sent the release to qBittorrent: the torrent appears, the queue and history show it."""
        row = {
            "hash": self.hash,
            "infohash_v1": self.hash,
            "name": self.title.release,
            "category": self.category,
            "save_path": "/downloads/complete/",
            "content_path": f"/downloads/complete/{self.title.release}",
            "added_on": int(datetime.now(UTC).timestamp()),
            "num_seeds": 12,
        }
        self.qbittorrent.set_torrents([*self.qbittorrent.torrent_rows(), row])
        self.progress(0.0)
        self._history("grabbed", {"size": str(self.title.size), "indexer": "Demo Indexer (Prowlarr)"})

    def progress(self, fraction: float) -> None:
        """The torrent has `fraction` of its bytes."""
        size = self.title.size
        left = round(size * (1 - fraction))
        seconds_left = self.seconds * (1 - fraction)
        speed = round(size / self.seconds)
        self.qbittorrent.update_torrent(
            self.hash,
            state="downloading",
            progress=round(fraction, 4),
            size=size,
            total_size=size,
            amount_left=left,
            downloaded=size - left,
            completed=size - left,
            dlspeed=speed,
            eta=round(seconds_left),
        )
        self._queue(left, status="downloading", tracked_state="downloading")

    def completed(self) -> None:
        """Every byte is there: qBittorrent seeds, Radarr/Sonarr are about to import."""
        size = self.title.size
        self.qbittorrent.update_torrent(
            self.hash,
            state="stalledUP",
            progress=1,
            amount_left=0,
            downloaded=size,
            completed=size,
            dlspeed=0,
            eta=8_640_000,
            completion_on=int(datetime.now(UTC).timestamp()),
        )
        self._queue(0, status="completed", tracked_state="importPending")

    def imported(self) -> None:
        """The files are in the library: the download leaves the queue, the history records each file."""
        self.arr.set_queue(record for record in self.arr.queue if record["downloadId"] != self.title.download_id)
        for item in self.items:
            size = self.title.size // len(self.items)
            self._history("downloadFolderImported", {"importedPath": item.path, "size": str(size)}, [item])

    def _queue(self, size_left: int, *, status: str, tracked_state: str) -> None:
        others = [record for record in self.arr.queue if record["downloadId"] != self.title.download_id]
        records = [
            queue_record(
                record_id=self.title.arr_id * 1000 + number,
                download_id=self.title.download_id,
                title=self.title.release,
                size=self.title.size,
                size_left=size_left,
                status=status,
                tracked_download_state=tracked_state,
                **item.queue,
            )
            for number, item in enumerate(self.items)
        ]
        self.arr.set_queue([*others, *records])

    def _history(self, event: str, data: Mapping[str, str], items: list[DownloadedItem] | None = None) -> None:
        records = [
            history_record(
                record_id=len(self.arr.history) + number + 1,
                download_id=self.title.download_id,
                event_type=event,
                source_title=self.title.release,
                date=_now(),
                data=data,
                **item.history,
            )
            for number, item in enumerate(items or self.items)
        ]
        self.arr.set_history([*self.arr.history, *records])


MOVIE: Final = Title(request_id=1, title="Silent Orbit", year=2021, tmdb_id=900_101, arr_id=41, size=6_200_000_000)
SEASON_PACK: Final = Title(
    request_id=2,
    title="Harbor Lights",
    year=2019,
    tmdb_id=900_202,
    arr_id=52,
    size=9_600_000_000,
    tvdb_id=700_202,
    season=1,
    episodes=8,
)
ANIME_MOVIE: Final = Title(
    request_id=4,
    title="Starlit Ferry",
    year=2022,
    tmdb_id=900_404,
    arr_id=63,
    size=4_800_000_000,
    anime=ShokoMatch(file_id=6101, series_id=2301, anidb_id=17801, episode_id=9101, anidb_episode_id=250101),
)
AWAITING_APPROVAL: Final = Title(request_id=3, title="Paper Moons", year=2023, tmdb_id=900_303, arr_id=0, size=0)


class DemoScenario:
    """The demo's requests and the steps that play them."""

    def __init__(self, stack: DemoStack) -> None:
        """Play on `stack`'s services."""
        self.stack = stack
        self.expected: dict[str, str] = {
            MOVIE.name: "available",
            ANIME_MOVIE.name: "available",
            SEASON_PACK.name: "available",
            AWAITING_APPROVAL.name: "requested",
        }
        """The stage each request's sensor (by its name) shows when the demo is over."""

    def steps(self) -> list[Step]:
        """Every step, in order."""
        steps = [
            *self._movie(MOVIE, start=0),
            *self._movie(ANIME_MOVIE, start=4),
            *self._season_pack(SEASON_PACK, start=8),
            Step(24, partial(self._requested, AWAITING_APPROVAL)),
        ]
        return sorted(steps, key=lambda step: step.at)

    # --- lifecycles ----------------------------------------------------------------------------------------------

    def _movie(self, movie: Title, *, start: float) -> list[Step]:
        """Requested, approved, grabbed, downloaded in 36 s, imported, [matched by Shoko,] in Jellyfin, noticed.

        The anime movie is approved at once; the other waits a few seconds for an admin.
        """
        root = "/data/anime/movies" if movie.anime else "/data/media/movies"
        tags = ["anime"] if movie.anime else []
        radarr_movie = payloads.radarr_movie(
            movie_id=movie.arr_id, title=movie.title, year=movie.year, tmdb_id=movie.tmdb_id, root=root, tags=tags
        )
        path = f"{radarr_movie['folderPath']}/{movie.release}.mkv"
        download = Download(
            self.stack.qbittorrent,
            self.stack.radarr,
            movie,
            "radarr",
            [DownloadedItem({"movie": radarr_movie}, {"movie_id": movie.arr_id}, path)],
            seconds=36,
        )
        ids: dict[str, Any] = {"download_id": movie.download_id, "release_title": movie.release, "size": movie.size}
        grab = payloads.radarr_grab(radarr_movie, **ids)
        imported = payloads.radarr_download(radarr_movie, file_path=path, **ids)
        requested = [Step(start, partial(self._requested, movie, approved=movie.anime is not None))]
        if movie.anime is None:
            requested.append(Step(start + 6, partial(self._approved, movie)))
        library = start + 66
        if movie.anime is not None:
            shoko = ShokoSteps(self.stack, movie, movie.anime, path.removeprefix("/data/anime/"))
            requested += shoko.steps(start=start + 62)
            library = start + 80
        return [
            *requested,
            Step(start + 12, partial(self._grabbed, download, grab)),
            *_download_steps(download, start=start + 14),
            Step(start + 58, partial(self._imported, download, imported)),
            Step(library, partial(self._in_jellyfin, movie, path)),
            Step(library + 4, partial(self._seerr_available, movie)),
        ]

    def _season_pack(self, show: Title, *, start: float) -> list[Step]:
        """Auto-approved, one torrent for the whole season, imported in one go, added to Jellyfin."""
        season = show.season or 1
        series = payloads.sonarr_series(
            series_id=show.arr_id, title=show.title, year=show.year, tvdb_id=show.tvdb_id or 0, tmdb_id=show.tmdb_id
        )
        episodes = payloads.sonarr_episodes(series, season, range(1, show.episodes + 1))
        items = [
            DownloadedItem(
                {"series": series, "episode": episode},
                {"series_id": show.arr_id, "episode_id": episode["id"]},
                payloads.episode_path(series, episode),
            )
            for episode in episodes
        ]
        download = Download(self.stack.qbittorrent, self.stack.sonarr, show, "tv-sonarr", items, seconds=64)
        ids: dict[str, Any] = {"download_id": show.download_id, "release_title": show.release, "size": show.size}
        grab = payloads.sonarr_grab(series, episodes, **ids)
        imported = payloads.sonarr_import_complete(series, episodes, **ids)
        return [
            Step(start, partial(self._requested, show, approved=True)),
            Step(start + 8, partial(self._grabbed, download, grab)),
            *_download_steps(download, start=start + 10),
            Step(start + 82, partial(self._imported, download, imported)),
            Step(start + 90, partial(self._in_jellyfin, show, series["path"])),
        ]

    # --- Seerr -------------------------------------------------------------------------------------------------

    async def _requested(self, title: Title, *, approved: bool = False) -> str:
        """Someone asks for `title` in Seerr (requests of some users are approved at once)."""
        seerr = self.stack.seerr
        seerr.add_request(
            request_record(
                request_id=title.request_id,
                media_type=title.media_type,
                tmdb_id=title.tmdb_id,
                tvdb_id=title.tvdb_id,
                seasons=[] if title.season is None else [title.season],
                status=APPROVED if approved else PENDING,
                media_status=PROCESSING if approved else MEDIA_PENDING,
                requested_by=_REQUESTERS[title.request_id % len(_REQUESTERS)],
                requested_by_email="family@example.org",
                updated_at=_now(),
            )
        )
        kind = "MEDIA_AUTO_APPROVED" if approved else "MEDIA_PENDING"
        await self._notify(kind, title)
        return f"{title.name}: requested in Seerr" + (", approved at once" if approved else ", waiting for approval")

    async def _approved(self, title: Title) -> str:
        """An admin approves the request; Seerr sends it to Radarr/Sonarr."""
        self._update_request(title, status=APPROVED, media_status=PROCESSING)
        await self._notify("MEDIA_APPROVED", title)
        return f"{title.name}: approved in Seerr"

    async def _seerr_available(self, title: Title) -> str:
        """Seerr's library scan finds the media in Jellyfin and tells everyone it is available."""
        self._update_request(title, status=APPROVED, media_status=AVAILABLE)
        await self._notify("MEDIA_AVAILABLE", title)
        return f"{title.name}: Seerr marks it available"

    def _update_request(self, title: Title, *, status: int, media_status: int) -> None:
        request = self.stack.seerr.requests[title.request_id]
        request["status"] = status
        request["updatedAt"] = _now()
        request["media"] = {**request["media"], "status": media_status, "updatedAt": _now()}
        if media_status == AVAILABLE:
            request["media"]["jellyfinMediaId"] = title.jellyfin_id

    async def _notify(self, kind: str, title: Title) -> None:
        seerr = self.stack.seerr
        if not await seerr.notify(kind, title.request_id, title=title.title, year=title.year):
            raise DeliveryFailed(f"Seerr's {kind} notification was not delivered: {seerr.last_error}")

    # --- Radarr/Sonarr and qBittorrent ---------------------------------------------------------------------------

    async def _grabbed(self, download: Download, body: dict[str, Any]) -> str:
        """Radarr/Sonarr pick a release and hand it to qBittorrent."""
        download.grabbed()
        await _send(download.arr, body)
        return f"{download.title.name}: {download.arr.app_name} grabbed {download.title.release}"

    async def _imported(self, download: Download, body: dict[str, Any]) -> str:
        """Radarr/Sonarr move the finished files into the library."""
        download.imported()
        await _send(download.arr, body)
        return f"{download.title.name}: {download.arr.app_name} imported the files"

    # --- Jellyfin ----------------------------------------------------------------------------------------------

    async def _in_jellyfin(self, title: Title, path: str) -> str:
        """Jellyfin's library scan adds the item; its webhook plugin posts ItemAdded."""
        provider_ids = _provider_ids(title)
        if title.anime is not None:
            # Shokofin serves anime from its virtual file system, named by Shoko's ids (no TMDB id by default).
            path = f"/vfs/{title.title}.mkv"
        item_type = "Movie" if title.media_type == "movie" else "Series"
        self.stack.jellyfin.add_item(
            library_item(
                item_id=title.jellyfin_id,
                name=title.title,
                item_type=item_type,
                provider_ids=provider_ids,
                path=path,
                year=title.year,
            )
        )
        added = payloads.jellyfin_movie_added if item_type == "Movie" else payloads.jellyfin_series_added
        body = added(name=title.title, year=title.year, path=path, provider_ids=provider_ids, item_id=title.jellyfin_id)
        status = await payloads.post_webhook(self.stack.session, self.stack.jellyfin_webhook_url, body)
        if status >= 300:
            raise DeliveryFailed(f"Jellyfin's ItemAdded got HTTP {status}")
        return f"{title.name}: added to the Jellyfin library"


class ShokoSteps:
    """Shoko finds the anime movie's file, hashes it and matches it to its AniDB anime, telling the hub each time."""

    def __init__(self, stack: DemoStack, title: Title, match: ShokoMatch, relative_path: str) -> None:
        """Play `title`'s file, at `relative_path` in Shoko's import folder 1."""
        self.shoko = stack.shoko
        self.title = title
        self.match = match
        self.relative_path = relative_path

    def steps(self, *, start: float) -> list[Step]:
        """Detected, hashed 4 s later, matched 6 s after that."""
        return [
            Step(start, self._detected),
            Step(start + 4, self._hashed),
            Step(start + 10, self._matched),
        ]

    async def _detected(self) -> str:
        await self._broadcast("FileDetected", {"RelativePath": self.relative_path, "ImportFolderID": 1})
        return f"{self.title.name}: Shoko found the file"

    async def _hashed(self) -> None:
        self._file(matched=False)
        await self._broadcast("FileHashed", self.shoko.file_event(self.match.file_id))

    async def _matched(self) -> str:
        match = self.match
        self._file(matched=True)
        self.shoko.add_series(
            match.series_id, name=self.title.title, anidb_id=match.anidb_id, tmdb_movie_ids=[self.title.tmdb_id]
        )
        await self._broadcast("FileMatched", self.shoko.file_event(match.file_id))
        movie_updated = {
            "Source": "TMDB",
            "Reason": "Added",
            "MovieID": self.title.tmdb_id,
            "ShokoEpisodeIDs": [match.episode_id],
            "ShokoSeriesIDs": [match.series_id],
        }
        await self._broadcast("MovieUpdated", movie_updated)
        return f"{self.title.name}: Shoko matched it to AniDB anime {match.anidb_id}"

    def _file(self, *, matched: bool) -> None:
        """Shoko's REST view of the file; cross-referenced to the anime once matched."""
        match = self.match
        xrefs = [cross_reference(match.series_id, match.anidb_id, [(match.episode_id, match.anidb_episode_id)])]
        self.shoko.add_file(
            match.file_id,
            size=self.title.size,
            locations=[(1, self.relative_path)],
            cross_references=xrefs if matched else [],
        )

    async def _broadcast(self, event: str, payload: Mapping[str, Any]) -> None:
        if not await self.shoko.broadcast(f"ShokoEvent:{event}", payload):
            raise DeliveryFailed(f"Shoko's {event} reached no client: the tracker is not connected to its hub")


def _provider_ids(title: Title) -> dict[str, str]:
    """The ids Jellyfin shows for the item: Shokofin's for anime, TMDB (and TVDB) otherwise."""
    if title.anime is not None:
        return payloads.shokofin_provider_ids(shoko_series_id=title.anime.series_id, anidb_id=title.anime.anidb_id)
    return {"Tmdb": str(title.tmdb_id)} | ({"Tvdb": str(title.tvdb_id)} if title.tvdb_id else {})


class DeliveryFailed(Exception):
    """A simulated service could not deliver an event to Home Assistant."""


def _download_steps(download: Download, *, start: float) -> list[Step]:
    """The torrent's progress every TICK_SECONDS while it downloads, then its completion."""
    ticks = max(int(download.seconds // TICK_SECONDS), 1)

    async def advance(tick: int) -> str | None:
        download.progress(tick / ticks)
        return f"{download.title.name}: downloading, {tick * 100 // ticks} %" if tick == ticks // 2 else None

    async def complete() -> str:
        download.completed()
        return f"{download.title.name}: qBittorrent finished the download"

    progress = [Step(start + tick * TICK_SECONDS, partial(advance, tick)) for tick in range(1, ticks)]
    return [*progress, Step(start + ticks * TICK_SECONDS, complete)]


async def _send(arr: SimulatedArr, body: Mapping[str, Any]) -> None:
    """Deliver a webhook through every connection Radarr/Sonarr has (the tracker created one)."""
    statuses = await arr.send(body)
    if not statuses or any(status is None or status >= 300 for status in statuses.values()):
        raise DeliveryFailed(f"{arr.app_name}'s {body.get('eventType')} webhook was not delivered: {statuses}")


_REQUESTERS: Final = ("kai", "alex", "sam", "robin")
"""Who asked: the family members of the demo's Seerr."""


def _now() -> str:
    """An ISO timestamp as Seerr and the *arr APIs write them."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
