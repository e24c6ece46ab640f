"""A tracked request: what is known about it, and the stage that knowledge implies.

The facts only ever grow (a later stage, one more failed download, a file matched), and the stage is derived
from them. Merging facts is therefore commutative and idempotent: the same evidence in any order, any
number of times, gives the same stage. Only a deletion, which starts the request over, depends on order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .evidence import DownloadPhase, EpisodeKey, MediaType
from .ids import IdKey, IdKind
from .notes import Note
from .stages import PROBLEM_STAGES, Stage, later

MAX_TIMELINE = 200


@dataclass(slots=True)
class UnitFacts:
    """Facts about the whole request (a movie) or one episode: the furthest stage seen for it directly."""

    reached: Stage | None = None


@dataclass(slots=True)
class DownloadFacts:
    """One download attempt (a torrent), keyed by its normalized hash."""

    stage: Stage = Stage.GRABBING
    failed: str | None = None
    """Why the attempt failed; once failed, the attempt never counts again (Radarr grabs another release)."""
    superseded: bool = False
    """Belonged to media that was deleted since: its late reports are ignored."""
    episodes: set[EpisodeKey] = field(default_factory=set)
    progress: float = 0.0
    size: int | None = None
    download_speed: int = 0
    eta: int | None = None
    phase: DownloadPhase | None = None
    first_seen: float | None = None
    """When any source first reported the attempt: a later attempt for the same media replaces it."""
    trouble: Note | None = None
    """What the client last said is wrong with it (an error, no seeds); None while it moves."""
    troubles_noted: set[str] = field(default_factory=set)
    """The trouble codes the timeline already shows for it (each once, however often the client flips)."""

    @property
    def counts(self) -> bool:
        """Whether this attempt is evidence of progress."""
        return self.failed is None and not self.superseded

    @property
    def finished(self) -> bool:
        """Whether the client has every byte."""
        return self.stage.rank >= Stage.DOWNLOADED.rank

    def replaced_by(self, others: list[DownloadFacts]) -> bool:
        """Whether later attempts cover everything this unfinished one was for (Radarr grabbed again)."""
        if self.finished or self.first_seen is None:
            return False
        later_ones = [
            o for o in others if o is not self and o.first_seen is not None and o.first_seen > self.first_seen
        ]
        if not later_ones:
            return False
        if any(not o.episodes for o in later_ones):
            return True
        covered = set().union(*(o.episodes for o in later_ones))
        return bool(self.episodes) and self.episodes <= covered


@dataclass(slots=True)
class SearchFacts:
    """One search Radarr/Sonarr ran for the media, and what it grabbed."""

    at: float
    grabbed: int


@dataclass(slots=True)
class FileFacts:
    """A file imported into the library, and what Shoko made of it."""

    path: str
    size: int | None = None
    episodes: set[EpisodeKey] = field(default_factory=set)
    """The episodes in the file; empty when the import did not say (then it counts for every episode)."""
    reached: Stage = Stage.IMPORTING
    matched: bool = False
    unmatched_reason: str | None = None
    shoko_id: str | None = None
    replaced: bool = False
    """An upgrade replaced the file: the library item playing it is gone, or soon will be."""

    @property
    def match_failed(self) -> bool:
        """Shoko gave up on the file and nobody matched it by hand since."""
        return self.unmatched_reason is not None and not self.matched


@dataclass(slots=True)
class TimelineEntry:
    """One step of a request's history."""

    stage: Stage
    at: float
    source: str
    note: Note
    inferred: bool = False


@dataclass(slots=True)
class TrackedRequest:
    """Everything the tracker knows about one request."""

    key: str
    created_at: float
    updated_at: float
    title: str | None = None
    year: int | None = None
    media_type: MediaType | None = None
    poster: str | None = None
    anime: bool = False
    requested_by: str | None = None
    seasons: set[int] = field(default_factory=set)
    ids: set[IdKey] = field(default_factory=set)
    release: str | None = None
    release_size: int | None = None
    release_at: float = 0.0
    """When the release shown was grabbed: after an upgrade, the newest grab's release is the one shown."""
    indexer: str | None = None
    whole: UnitFacts = field(default_factory=UnitFacts)
    series_in_library: bool = False
    """The library lists the series: every episode with a file in it counts as available."""
    problems: dict[Stage, str] = field(default_factory=dict)
    downloads: dict[str, DownloadFacts] = field(default_factory=dict)
    download_aliases: dict[str, str] = field(default_factory=dict)
    files: dict[str, FileFacts] = field(default_factory=dict)
    listings: dict[str, tuple[float, str]] = field(default_factory=dict)
    """By file key: the library item that plays the file, and when the library last said so (newest wins)."""
    episodes: dict[EpisodeKey, UnitFacts] = field(default_factory=dict)
    proofs: dict[Stage, TimelineEntry] = field(default_factory=dict)
    """The first evidence seen for each progress stage: the timeline shows it whenever the stage is entered."""
    timeline: list[TimelineEntry] = field(default_factory=list)
    searches: dict[str, SearchFacts] = field(default_factory=dict)
    """Searches Radarr/Sonarr reported, by source and search id."""
    timeline_dropped: int = 0
    stage: Stage = Stage.REQUESTED
    stage_since: float = 0.0
    last_activity: float = 0.0
    stall: Note | None = None
    """Why the request is stuck (a code with values), or None while it is not."""

    # --- what the facts imply ------------------------------------------------------------------------------

    def derive_stage(self) -> Stage:
        """The request's stage: its own for a movie, the summary of its episodes for a series."""
        units = self.counted_episodes()
        if not units:
            return self.unit_stage(None)
        stages = [self.unit_stage(episode) for episode in units]
        for problem in PROBLEM_STAGES:
            if problem in stages:
                return problem
        return min(stages, key=lambda stage: stage.rank)

    def counted_episodes(self) -> list[EpisodeKey]:
        """The episodes that make up a series request: those of the requested seasons, when they are known."""
        if self.media_type is not MediaType.TV:
            return []
        return sorted(ep for ep in self.episodes if not self.seasons or ep[0] in self.seasons)

    def episode_stages(self) -> dict[EpisodeKey, Stage]:
        """Each counted episode's stage."""
        return {episode: self.unit_stage(episode) for episode in self.counted_episodes()}

    def unit_stage(self, episode: EpisodeKey | None) -> Stage:
        """The stage of the whole request (None) or of one episode."""
        progress = self.unit_progress(episode)
        if Stage.DELETED in self.problems:
            return Stage.DELETED
        if progress is not Stage.AVAILABLE and any(f.match_failed for f in self.files_of(episode)):
            return Stage.MATCH_FAILED
        if progress is None or progress.rank <= Stage.SEARCHING.rank:
            failed = Stage.FAILED in self.problems or any(d.failed for d in self.downloads_of(episode))
            if failed:
                return Stage.FAILED
            if Stage.DECLINED in self.problems:
                return Stage.DECLINED
        return progress or Stage.REQUESTED

    def unit_progress(self, episode: EpisodeKey | None) -> Stage | None:
        """The furthest progress stage the facts prove for the whole request or one episode."""
        own = self.episodes.get(episode) if episode is not None else None
        reached = later(own.reached if own else None, self.whole.reached)
        for download in self.downloads_of(episode):
            if download.counts:
                reached = later(reached, download.stage)
        if reached is not None and reached.rank >= Stage.IMPORTING.rank:
            # What is known of a file counts only for episodes that have a file.
            for file in self.files_of(episode):
                reached = later(reached, file.reached)
            if self.series_in_library:
                reached = Stage.AVAILABLE
        return reached

    def downloads_of(self, episode: EpisodeKey | None) -> list[DownloadFacts]:
        """The download attempts for the whole request, or those that carry an episode."""
        if episode is None:
            return [d for d in self.downloads.values() if self._requested(d.episodes)]
        return [d for d in self.downloads.values() if episode in d.episodes]

    def files_of(self, episode: EpisodeKey | None) -> list[FileFacts]:
        """The files of the whole request, or those holding an episode (or not saying which they hold)."""
        if episode is None:
            return [f for f in self.files.values() if self._requested(f.episodes)]
        return [f for f in self.files.values() if not f.episodes or episode in f.episodes]

    def _requested(self, episodes: set[EpisodeKey]) -> bool:
        """Whether something carrying these episodes belongs to what was requested (all of a movie does)."""
        return not episodes or not self.seasons or any(season in self.seasons for season, _ in episodes)

    # --- details shown to people ---------------------------------------------------------------------------

    def active_downloads(self) -> list[DownloadFacts]:
        """Download attempts that count."""
        return [d for d in self.downloads.values() if d.counts]

    def shown_downloads(self) -> list[DownloadFacts]:
        """Download attempts whose figures people see: those that count and that no later grab replaced."""
        active = self.active_downloads()
        return [d for d in active if not d.replaced_by(active)]

    def fruitless_searches(self) -> list[SearchFacts]:
        """The searches that grabbed nothing, oldest first."""
        return sorted((s for s in self.searches.values() if not s.grabbed), key=lambda s: s.at)

    @property
    def progress(self) -> float | None:
        """Download progress 0..1 over the attempts shown, weighted by size; None before any.

        Once every byte is in, it is 1 (or None when no download was seen), never an average with a dead attempt.
        """
        if not self.stage.is_problem and self.stage.rank >= Stage.DOWNLOADED.rank:
            return 1.0 if any(d.finished for d in self.active_downloads()) else None
        downloads = [d for d in self.shown_downloads() if d.stage is not Stage.GRABBING or d.progress]
        if not downloads:
            return None
        sized = [d for d in downloads if d.size]
        if sized:
            total = sum(d.size or 0 for d in sized)
            return sum(d.progress * (d.size or 0) for d in sized) / total
        return sum(d.progress for d in downloads) / len(downloads)

    @property
    def download_speed(self) -> int:
        """Bytes per second over the attempts shown."""
        return sum(d.download_speed for d in self.shown_downloads())

    @property
    def eta(self) -> int | None:
        """Seconds until every download that counts is complete, when the client knows."""
        etas = [d.eta for d in self.shown_downloads() if d.stage is Stage.DOWNLOADING]
        if not etas or any(eta is None for eta in etas):
            return None
        return max(eta for eta in etas if eta is not None)

    @property
    def size(self) -> int | None:
        """Bytes of the media: the downloads' sizes, else the grabbed release's, else the imported files'."""
        sizes = [d.size for d in self.shown_downloads() if d.size]
        if sizes:
            return sum(s for s in sizes if s)
        if self.release_size:
            return self.release_size
        file_sizes = [f.size for f in self.files.values() if f.size and not f.replaced]
        return sum(s for s in file_sizes if s) if file_sizes else None

    @property
    def download_phase(self) -> DownloadPhase | None:
        """What the download client says the download is doing (the least advanced attempt)."""
        phased = [d for d in self.shown_downloads() if d.phase is not None]
        return min(phased, key=lambda d: d.progress).phase if phased else None

    @property
    def jellyfin_item(self) -> str | None:
        """The library item of the request: the one playing its current file (after an upgrade, the new one)."""
        if self.listings:
            live = {key for key, file in self.files.items() if not file.replaced}
            newest = max(self.listings.items(), key=lambda listing: (listing[0] in live, listing[1]))
            return newest[1][1]
        items = self.ids_of(IdKind.JELLYFIN_ITEM)
        return items[0] if items else None

    def ids_of(self, kind: str) -> list[str]:
        """The request's ids of one kind, sorted."""
        return sorted(value for id_kind, value in self.ids if id_kind == kind)

    # --- history -------------------------------------------------------------------------------------------

    def add_timeline(self, entry: TimelineEntry) -> None:
        """Append to the timeline, keeping the first entry and the newest ones within the cap."""
        self.timeline.append(entry)
        if len(self.timeline) > MAX_TIMELINE:
            del self.timeline[1]
            self.timeline_dropped += 1

    def highest_progress_in_timeline(self) -> Stage | None:
        """The furthest progress stage the timeline already shows."""
        reached: Stage | None = None
        for entry in self.timeline:
            if not entry.stage.is_problem:
                reached = later(reached, entry.stage)
        return reached
