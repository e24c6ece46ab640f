"""Evidence: normalized facts reported by upstream services.

Each piece says "this request is at least at stage X" (or names a problem), plus details. Evidence is never a
command: the machine decides what it means for the request (see machine.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import ClassVar

from .ids import IdKey
from .notes import Note
from .stages import Stage

type EpisodeKey = tuple[int, int]
"""(season, episode)."""


class MediaType(StrEnum):
    """What was requested."""

    MOVIE = "movie"
    TV = "tv"


class DownloadPhase(StrEnum):
    """What a download client says a download is doing."""

    METADATA = "metadata"
    QUEUED = "queued"
    DOWNLOADING = "downloading"
    STALLED = "stalled"
    PAUSED = "paused"
    CHECKING = "checking"
    COMPLETED = "completed"
    ERROR = "error"


@dataclass(frozen=True, kw_only=True)
class MediaInfo:
    """Descriptive facts about the requested media; any of them may be unknown to a given source."""

    title: str | None = None
    year: int | None = None
    media_type: MediaType | None = None
    poster: str | None = None
    anime: bool = False
    requested_by: str | None = None
    seasons: frozenset[int] = frozenset()


@dataclass(frozen=True, kw_only=True)
class Evidence:
    """What every piece of evidence carries."""

    stage: ClassVar[Stage | None] = None
    # Whether evidence that matches no request may start one (only a request or a real download does).
    creates_request: ClassVar[bool] = False
    # Whether the fact belongs to one download attempt, so it is void once that download failed.
    download_scoped: ClassVar[bool] = False

    source: str
    at: float
    ids: frozenset[IdKey] = frozenset()
    media: MediaInfo = field(default_factory=MediaInfo)
    episodes: frozenset[EpisodeKey] = frozenset()
    """The episodes concerned; empty means the whole request."""

    def describe(self) -> Note:
        """What the timeline says of it."""
        return Note.of(type(self).__name__)


@dataclass(frozen=True, kw_only=True)
class RequestCreated(Evidence):
    """A person asked for the media (Seerr pending)."""

    stage = Stage.REQUESTED
    creates_request = True

    def describe(self) -> Note:
        """What the timeline says of it."""
        return Note.of("requested", by=self.media.requested_by)


@dataclass(frozen=True, kw_only=True)
class RequestApproved(Evidence):
    """The request was approved, by a person or automatically."""

    stage = Stage.APPROVED
    creates_request = True
    automatic: bool = False

    def describe(self) -> Note:
        """What the timeline says of it."""
        return Note.of("approved_automatically" if self.automatic else "approved")


@dataclass(frozen=True, kw_only=True)
class RequestDeclined(Evidence):
    """The request was declined."""

    stage = Stage.DECLINED
    creates_request = True
    reason: str = ""

    def describe(self) -> Note:
        """What the timeline says of it."""
        return Note.of("declined", reason=self.reason)


@dataclass(frozen=True, kw_only=True)
class RequestFailed(Evidence):
    """Seerr could not hand the request to Radarr/Sonarr."""

    stage = Stage.FAILED
    creates_request = True
    reason: str = ""

    def describe(self) -> Note:
        """What the timeline says of it."""
        return Note.of("request_failed", reason=self.reason)


@dataclass(frozen=True, kw_only=True)
class MediaAdded(Evidence):
    """Radarr/Sonarr have the movie or series (Seerr handed it over) and look for a release."""

    stage = Stage.SEARCHING

    def describe(self) -> Note:
        """What the timeline says of it."""
        return Note.of("added", service=self.source)


@dataclass(frozen=True, kw_only=True)
class SearchCompleted(Evidence):
    """Radarr/Sonarr finished a search for the media: the result of one of its search commands."""

    stage = Stage.SEARCHING
    search_id: str = ""
    """Names the search within its source, so the same search reported twice counts once."""
    grabbed: int = 0
    """Releases the search sent to the download client."""

    def describe(self) -> Note:
        """What the timeline says of it."""
        return Note.of("search_completed", grabbed=self.grabbed)


@dataclass(frozen=True, kw_only=True)
class ReleaseGrabbed(Evidence):
    """Radarr/Sonarr chose a release and sent it to the download client."""

    stage = Stage.GRABBING
    creates_request = True
    download_scoped = True
    release: str | None = None
    size: int | None = None
    indexer: str | None = None

    def describe(self) -> Note:
        """What the timeline says of it."""
        return Note.of("grabbed", release=self.release)


@dataclass(frozen=True, kw_only=True)
class DownloadProgress(Evidence):
    """The download client reports a download's progress."""

    stage = Stage.DOWNLOADING
    download_scoped = True
    progress: float = 0.0
    """0..1."""
    size: int | None = None
    """Bytes to download; None while unknown (a torrent fetching metadata reports 0)."""
    download_speed: int = 0
    eta: int | None = None
    phase: DownloadPhase = DownloadPhase.DOWNLOADING
    seeds: int | None = None
    """Seeds the client is connected to; None when it does not say."""
    client: str | None = None
    """The download client's name, for people ("qBittorrent")."""
    problem: str | None = None
    """What the client says is wrong when the phase is an error (its state name or message)."""

    def describe(self) -> Note:
        """What the timeline says of it (the phase is a passing state, not a milestone, so it is left out)."""
        return Note.of("download_started")


@dataclass(frozen=True, kw_only=True)
class DownloadCompleted(Evidence):
    """The download client has every byte."""

    stage = Stage.DOWNLOADED
    download_scoped = True
    size: int | None = None

    def describe(self) -> Note:
        """What the timeline says of it."""
        return Note.of("download_complete")


@dataclass(frozen=True, kw_only=True)
class DownloadFailed(Evidence):
    """A download attempt failed (Radarr/Sonarr gave up on it, or the client reports an error)."""

    stage = Stage.FAILED
    download_scoped = True
    reason: str = ""

    def describe(self) -> Note:
        """What the timeline says of it."""
        return Note.of("download_failed", reason=self.reason)


@dataclass(frozen=True, kw_only=True)
class ImportedFile:
    """A file Radarr/Sonarr imported into the library."""

    path: str
    size: int | None = None
    episodes: frozenset[EpisodeKey] = frozenset()


@dataclass(frozen=True, kw_only=True)
class FilesImported(Evidence):
    """Radarr/Sonarr imported files (a movie file, an episode file, or a whole season pack)."""

    stage = Stage.IMPORTING
    files: tuple[ImportedFile, ...] = ()
    upgrade: bool = False
    replaced: tuple[str, ...] = ()
    """Paths of the files the import replaced (an upgrade's `deletedFiles`)."""

    def describe(self) -> Note:
        """What the timeline says of it."""
        count = len(self.files)
        if self.upgrade and count == 1:
            return Note.of("upgraded_to", file=self.files[0].path.replace("\\", "/").rsplit("/", 1)[-1])
        return Note.of("upgrade_imported" if self.upgrade else "imported", files=count if count > 1 else None)


@dataclass(frozen=True, kw_only=True)
class ImportBlocked(Evidence):
    """Radarr/Sonarr cannot import without a person (manual interaction required)."""

    reason: str = ""

    def describe(self) -> Note:
        """What the timeline says of it."""
        return Note.of("import_blocked", reason=self.reason)


@dataclass(frozen=True, kw_only=True)
class AnimeFileSeen(Evidence):
    """Shoko found (or hashed) an imported file and is matching it."""

    stage = Stage.ANIME_MATCHING
    file_id: str | None = None

    def describe(self) -> Note:
        """What the timeline says of it."""
        return Note.of("shoko_matching")


@dataclass(frozen=True, kw_only=True)
class AnimeFileMatched(Evidence):
    """Shoko matched a file to an AniDB episode (automatically or by a person)."""

    stage = Stage.ANIME_MATCHING
    file_id: str | None = None

    def describe(self) -> Note:
        """What the timeline says of it."""
        return Note.of("shoko_matched")


@dataclass(frozen=True, kw_only=True)
class AnimeFileNotMatched(Evidence):
    """Shoko could not match a file."""

    stage = Stage.MATCH_FAILED
    file_id: str | None = None
    reason: str = ""

    def describe(self) -> Note:
        """What the timeline says of it."""
        return Note.of("shoko_not_matched", reason=self.reason)


@dataclass(frozen=True, kw_only=True)
class LibraryItemFound(Evidence):
    """The media library (Jellyfin) lists the item."""

    stage = Stage.AVAILABLE
    item_type: str | None = None

    def describe(self) -> Note:
        """What the timeline says of it."""
        return Note.of("in_library", item_type=self.item_type)


@dataclass(frozen=True, kw_only=True)
class RequestAvailable(Evidence):
    """Seerr (or a person, through the mark-available action) says the request is available."""

    stage = Stage.AVAILABLE

    def describe(self) -> Note:
        """What the timeline says of it."""
        return Note.of("available_from", service=self.source)


@dataclass(frozen=True, kw_only=True)
class MediaDeleted(Evidence):
    """The movie or series was deleted from Radarr/Sonarr."""

    stage = Stage.DELETED
    reason: str = ""

    def describe(self) -> Note:
        """What the timeline says of it."""
        return Note.of("deleted", reason=self.reason)


EVIDENCE_TYPES: dict[str, type[Evidence]] = {
    cls.__name__: cls
    for cls in (
        RequestCreated,
        RequestApproved,
        RequestDeclined,
        RequestFailed,
        MediaAdded,
        SearchCompleted,
        ReleaseGrabbed,
        DownloadProgress,
        DownloadCompleted,
        DownloadFailed,
        FilesImported,
        ImportBlocked,
        AnimeFileSeen,
        AnimeFileMatched,
        AnimeFileNotMatched,
        LibraryItemFound,
        RequestAvailable,
        MediaDeleted,
    )
}
