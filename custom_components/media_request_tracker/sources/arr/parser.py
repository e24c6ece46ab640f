"""Radarr and Sonarr payloads as tracker evidence: webhooks, queue records and history records.

Webhook bodies are Newtonsoft JSON (camelCase keys, nulls left out, event names PascalCase); the v3 API is
System.Text.Json (camelCase keys and enum values, string dictionaries for history details). Field names were read
from Radarr v6 / Sonarr v4 (`Notifications/Webhook/*`, `Api.V3/Queue/QueueResource.cs`,
`Api.V3/History/HistoryResource.cs`, `History/HistoryService.cs`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
import re
from typing import Final, Literal, TypedDict

from ...tracker.evidence import (
    DownloadCompleted,
    DownloadFailed,
    DownloadPhase,
    DownloadProgress,
    EpisodeKey,
    Evidence,
    FilesImported,
    ImportBlocked,
    ImportedFile,
    MediaAdded,
    MediaDeleted,
    MediaInfo,
    MediaType,
    ReleaseGrabbed,
    SearchCompleted,
)
from ...tracker.ids import COPY_STANDARD, IdKey, copy_of_name, copy_of_path, make_ids
from ..payload import (
    JsonObject,
    PayloadError,
    as_object,
    int_text,
    objects,
    opt_bool,
    opt_int,
    opt_list,
    opt_number,
    opt_object,
    opt_str,
    reason_text,
    req_int,
    req_object,
    req_str,
    strings,
)

type ArrKind = Literal["radarr", "sonarr"]

_APP: Final[Mapping[str, str]] = {"radarr": "Radarr", "sonarr": "Sonarr"}
_ANIME: Final = "anime"
_MAX_EPISODES_PER_FILE: Final = 50
"""A multi-episode file spans a few episodes; a longer "range" is a number that is not an episode."""

# SxxEyy, SxxEyyEzz, SxxEyy-Ezz, SxxEyy-zz (Sonarr's multi-episode styles), not inside a longer word.
_EPISODE_TAG: Final = re.compile(r"(?<![a-z0-9])s(\d{1,3})((?:[ ._-]?e\d{1,4})+(?:-\d{1,4}(?!\d))*)", re.IGNORECASE)
_TAGGED_NUMBER: Final = re.compile(r"e(\d+)", re.IGNORECASE)
_BARE_NUMBER: Final = re.compile(r"-(\d+)")

# .NET TimeSpan.ToString(): [d.]hh:mm:ss[.fffffff]
_TIMESPAN: Final = re.compile(r"(?:(\d{1,7})\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.\d+)?")

_IGNORED_WEBHOOKS: Final = frozenset({"Test", "Health", "HealthRestored", "ApplicationUpdate", "Rename"})

# Why a file was deleted (DeleteMediaFileReason, camelCase in webhooks, PascalCase in history details). An upgrade
# or a manual import over the same path replaces the file: the media stays in the library.
_REPLACED: Final = frozenset({"upgrade", "manualoverride"})
_DELETE_REASONS: Final[Mapping[str, str]] = {
    "missingfromdisk": "file missing from disk",
    "manual": "file deleted",
    "nolinkedepisodes": "file no longer linked to an episode",
}

# QueueStatus (what the download client says) -> download phase; "completed" and the failure states are handled
# before this, from trackedDownloadState.
_QUEUE_PHASES: Final[Mapping[str, DownloadPhase]] = {
    "queued": DownloadPhase.QUEUED,
    "delay": DownloadPhase.QUEUED,
    "paused": DownloadPhase.PAUSED,
    "downloading": DownloadPhase.DOWNLOADING,
    "warning": DownloadPhase.STALLED,
    # The client reports an error; Radarr/Sonarr decide whether it is a failure (state failedPending/failed).
    "failed": DownloadPhase.ERROR,
}

# History event types as the API names them, and as numbers from servers that sent the enum's value.
_HISTORY_NUMBERS: Final[Mapping[str, Mapping[int, str]]] = {
    "radarr": {
        1: "grabbed",
        3: "downloadFolderImported",
        4: "downloadFailed",
        6: "movieFileDeleted",
        7: "movieFolderImported",
        8: "movieFileRenamed",
        9: "downloadIgnored",
    },
    "sonarr": {
        1: "grabbed",
        2: "seriesFolderImported",
        3: "downloadFolderImported",
        4: "downloadFailed",
        5: "episodeFileDeleted",
        6: "episodeFileRenamed",
        7: "downloadIgnored",
    },
}
_HISTORY_IGNORED: Final = frozenset(
    {
        "unknown",
        "movieFileRenamed",
        "episodeFileRenamed",
        # History is read in bulk to catch up, in no particular order and long after the fact, while a deletion
        # is the one fact whose order matters (it starts a request over): deletions come from webhooks only.
        "movieFileDeleted",
        "episodeFileDeleted",
    }
)


@dataclass(frozen=True, slots=True)
class _Context:
    """Who reported, and how to name the payload in error messages."""

    source: str
    kind: ArrKind
    at: float
    what: str

    @property
    def media_type(self) -> MediaType:
        """Radarr follows movies, Sonarr series."""
        return MediaType.MOVIE if self.kind == "radarr" else MediaType.TV


@dataclass(frozen=True, slots=True)
class _Subject:
    """The movie or series a payload is about: its ids and what it says about the media."""

    ids: frozenset[IdKey]
    media: MediaInfo


class _Base(TypedDict):
    """The fields every piece of evidence from one record shares."""

    source: str
    at: float
    ids: frozenset[IdKey]
    media: MediaInfo
    episodes: frozenset[EpisodeKey]


type _Handler = Callable[[JsonObject, _Context], list[Evidence]]


# --- webhooks ----------------------------------------------------------------------------------------------------


def parse_webhook(body: object, *, source: str, kind: ArrKind, at: float) -> list[Evidence]:
    """Evidence from one webhook of the Radarr or Sonarr instance `source`."""
    context = _context(source, kind, at, "webhook")
    payload = as_object(body, context.what)
    event = req_str(payload, "eventType", context.what)
    if event in _IGNORED_WEBHOOKS:
        return []
    handler = _WEBHOOKS[kind].get(event)
    if handler is None:
        raise PayloadError(f"{context.what}: unknown eventType")
    return handler(payload, context)


def _on_grab(payload: JsonObject, context: _Context) -> list[Evidence]:
    """Grab: a release was sent to the download client (a season pack lists every episode)."""
    subject = _webhook_subject(payload, context)
    release = opt_object(payload, "release", context.what) or {}
    what = f"{context.what} release"
    size = opt_int(release, "size", what)
    grab = ReleaseGrabbed(
        **_base(context, subject, _download_ids(payload, context), _webhook_episodes(payload, context)),
        release=opt_str(release, "releaseTitle", what),
        size=size or None,
        indexer=opt_str(release, "indexer", what),
    )
    return [grab]


def _on_download(payload: JsonObject, context: _Context) -> list[Evidence]:
    """Download: files were imported.

    Three shapes: Radarr's `movieFile`, Sonarr's per-file `episodeFile`, and Sonarr's import-complete
    `episodeFiles` (one webhook for every file of a release, told apart by the plural key).
    """
    episodes = _webhook_episodes(payload, context)
    if context.kind == "radarr":
        files: tuple[ImportedFile, ...] = (
            _imported_file(req_object(payload, "movieFile", context.what), frozenset(), context),
        )
    elif payload.get("episodeFiles") is not None:
        entries = objects(payload, "episodeFiles", context.what)
        files = tuple(_imported_file(entry, _file_episodes(entry, episodes, context), context) for entry in entries)
    else:
        files = (_imported_file(req_object(payload, "episodeFile", context.what), episodes, context),)
    subject = _webhook_subject(payload, context, extra_paths=[file.path for file in files])
    ids = _download_ids(payload, context) | make_ids(files=tuple(file.path for file in files))
    imported = FilesImported(
        **_base(context, subject, ids, episodes),
        files=files,
        upgrade=opt_bool(payload, "isUpgrade", context.what) or False,
        # An upgrade lists the files it replaced; they leave the library with their items.
        replaced=tuple(
            path
            for entry in objects(payload, "deletedFiles", context.what)
            if (path := opt_str(entry, "path", f"{context.what} deletedFiles[]"))
        ),
    )
    return [imported]


def _on_added(payload: JsonObject, context: _Context) -> list[Evidence]:
    """MovieAdded / SeriesAdd: Seerr (or a person) handed the media to Radarr/Sonarr."""
    subject = _webhook_subject(payload, context)
    return [MediaAdded(**_base(context, subject))]


def _on_deleted(payload: JsonObject, context: _Context) -> list[Evidence]:
    """MovieDelete / SeriesDelete: the media is gone from Radarr/Sonarr."""
    subject = _webhook_subject(payload, context)
    files = " with its files" if opt_bool(payload, "deletedFiles", context.what) else ""
    return [MediaDeleted(**_base(context, subject), reason=f"removed from {_APP[context.kind]}{files}")]


def _on_movie_file_deleted(payload: JsonObject, context: _Context) -> list[Evidence]:
    """MovieFileDelete: the movie's file is gone, unless it was replaced by a better one."""
    cause = (opt_str(payload, "deleteReason", context.what) or "").casefold()
    if cause in _REPLACED:
        return []
    subject = _webhook_subject(payload, context)
    return [MediaDeleted(**_base(context, subject), reason=_DELETE_REASONS.get(cause, "file deleted"))]


def _on_episode_file_deleted(_payload: JsonObject, _context: _Context) -> list[Evidence]:
    """EpisodeFileDelete: nothing.

    One episode's file going away does not delete a series request (Sonarr searches again, or a person removed
    a bad file); deleting the series itself is SeriesDelete.
    """
    return []


def _on_manual_interaction(payload: JsonObject, context: _Context) -> list[Evidence]:
    """ManualInteractionRequired: the download is complete but cannot be imported without a person.

    Radarr/Sonarr only try to import completed downloads (CompletedDownloadService), so this proves completion.
    The movie/series is missing when the release matched none.
    """
    subject = _webhook_subject(payload, context, required=False)
    base = _base(context, subject, _download_ids(payload, context), _webhook_episodes(payload, context))
    if not base["ids"]:
        raise PayloadError(f"{context.what}: neither a download id nor a movie or series")
    info = opt_object(payload, "downloadInfo", context.what) or {}
    size = opt_int(info, "size", f"{context.what} downloadInfo")
    messages = _status_messages(payload, "downloadStatusMessages", context.what)
    # Completed first: applying it after the block would clear the block's stalled reason.
    return [
        DownloadCompleted(**base, size=size or None),
        ImportBlocked(**base, reason=reason_text(messages, default="manual import required")),
    ]


_WEBHOOKS: Final[Mapping[str, Mapping[str, _Handler]]] = {
    "radarr": {
        "Grab": _on_grab,
        "Download": _on_download,
        "MovieAdded": _on_added,
        "MovieDelete": _on_deleted,
        "MovieFileDelete": _on_movie_file_deleted,
        "ManualInteractionRequired": _on_manual_interaction,
    },
    "sonarr": {
        "Grab": _on_grab,
        "Download": _on_download,
        "SeriesAdd": _on_added,
        "SeriesDelete": _on_deleted,
        "EpisodeFileDelete": _on_episode_file_deleted,
        "ManualInteractionRequired": _on_manual_interaction,
    },
}


def _webhook_subject(
    payload: JsonObject, context: _Context, *, required: bool = True, extra_paths: Iterable[str] = ()
) -> _Subject:
    """The webhook's `movie` (Radarr) or `series` (Sonarr) object."""
    key = "movie" if context.kind == "radarr" else "series"
    item = req_object(payload, key, context.what) if required else opt_object(payload, key, context.what)
    if item is None:
        return _Subject(ids=frozenset(), media=MediaInfo(media_type=context.media_type))
    what = f"{context.what} {key}"
    if context.kind == "radarr":
        # Webhooks carry tag labels; "anime" is the usual way to mark an anime movie, an "anime" root folder the other.
        tagged = any(tag.casefold() == _ANIME for tag in strings(item, "tags", what))
        folder = opt_str(item, "folderPath", what)
        paths = [folder, opt_str(item, "filePath", what), *extra_paths]
        anime = tagged or any(_has_anime_segment(path) for path in paths if path)
    else:
        folder = opt_str(item, "path", what)
        anime = opt_str(item, "type", what) == _ANIME
    subject = _subject(item, context, what, anime=anime)
    # Every webhook names its instance, so it always tells which copy it serves.
    copy = copy_of_name(opt_str(payload, "instanceName", context.what)) or _copy_of_folder(folder) or COPY_STANDARD
    return _Subject(ids=subject.ids | make_ids(copy=copy), media=subject.media)


# --- queue and history -------------------------------------------------------------------------------------------


def parse_queue_record(record: object, *, source: str, kind: ArrKind, at: float) -> list[Evidence]:
    """Evidence from one `/api/v3/queue` record of the Radarr or Sonarr instance `source`.

    Records without a download id (releases held back by a delay profile or waiting for an unavailable client)
    are not grabbed yet and give nothing. The list is in the order to apply it.
    """
    context = _context(source, kind, at, "queue record")
    obj = as_object(record, context.what)
    download_id = opt_str(obj, "downloadId", context.what)
    if download_id is None:
        return []
    subject = _resource_subject(obj, context)
    base = _base(context, subject, make_ids(download_ids=(download_id,)), _resource_episodes(obj, context))
    state = opt_str(obj, "trackedDownloadState", context.what) or "downloading"
    status = opt_str(obj, "status", context.what) or "unknown"
    messages = _queue_messages(obj, context.what)
    size, progress = _queue_progress(obj, context.what)
    match state:
        case "failedPending" | "failed":
            # failedPending always becomes failed on Radarr/Sonarr's next pass (FailedDownloadService).
            return [DownloadFailed(**base, reason=reason_text(messages))]
        case "importBlocked":
            # Completed first: applying it after the block would clear the block's stalled reason.
            blocked = ImportBlocked(**base, reason=reason_text(messages, default="manual import required"))
            return [DownloadCompleted(**base, size=size), blocked]
        case "ignored":
            return [ImportBlocked(**base, reason=_ignored_reason(messages, context))]
        case "importPending" | "importing" | "imported":
            # Done downloading; the import itself (with its files) is reported by the webhook or the history.
            return [DownloadCompleted(**base, size=size)]
    if status == "completed":
        return [DownloadCompleted(**base, size=size)]
    phase = _QUEUE_PHASES.get(status, DownloadPhase.DOWNLOADING)
    report = DownloadProgress(
        **base,
        progress=progress,
        size=size,
        eta=_timespan_seconds(opt_str(obj, "timeleft", context.what)),
        phase=phase,
        client=opt_str(obj, "downloadClient", context.what),
        problem=reason_text(messages) or None if phase is DownloadPhase.ERROR else None,
    )
    return [report]


def parse_history_record(record: object, *, source: str, kind: ArrKind, at: float) -> list[Evidence]:
    """Evidence from one `/api/v3/history` record of the Radarr or Sonarr instance `source`.

    History is how a missed Grab or Download webhook is recovered; its `data` details are all strings.
    """
    context = _context(source, kind, at, "history record")
    obj = as_object(record, context.what)
    event = _history_event(obj, context)
    if event in _HISTORY_IGNORED:
        return []
    handler = _HISTORY.get(event)
    if handler is None:
        raise PayloadError(f"{context.what}: unknown eventType")
    return handler(obj, context)


def _history_grabbed(obj: JsonObject, context: _Context) -> list[Evidence]:
    """A release was grabbed."""
    data = _history_data(obj, context)
    subject = _resource_subject(obj, context)
    grab = ReleaseGrabbed(
        **_base(context, subject, _download_ids(obj, context), _resource_episodes(obj, context)),
        release=opt_str(obj, "sourceTitle", context.what),
        size=_data_int(data, "size", context) or None,
        indexer=opt_str(data, "indexer", f"{context.what} data"),
    )
    return [grab]


def _history_imported(obj: JsonObject, context: _Context) -> list[Evidence]:
    """A file was imported (from a download, or from the library folder)."""
    data = _history_data(obj, context)
    episodes = _resource_episodes(obj, context)
    path = opt_str(data, "importedPath", f"{context.what} data")
    files = (ImportedFile(path=path, size=_data_int(data, "size", context) or None, episodes=episodes),) if path else ()
    subject = _resource_subject(obj, context, extra_paths=[path] if path else [])
    ids = _download_ids(obj, context) | make_ids(files=(path,) if path else ())
    imported = FilesImported(**_base(context, subject, ids, episodes), files=files)
    return [imported]


def _history_failed(obj: JsonObject, context: _Context) -> list[Evidence]:
    """Radarr/Sonarr gave up on a download (it grabs another release when it can)."""
    data = _history_data(obj, context)
    subject = _resource_subject(obj, context)
    failed = DownloadFailed(
        **_base(context, subject, _download_ids(obj, context), _resource_episodes(obj, context)),
        reason=reason_text([opt_str(data, "message", f"{context.what} data") or ""]),
    )
    return [failed]


def _history_ignored(obj: JsonObject, context: _Context) -> list[Evidence]:
    """A person told Radarr/Sonarr to ignore the download: it will not be imported, nor replaced by another."""
    data = _history_data(obj, context)
    subject = _resource_subject(obj, context)
    blocked = ImportBlocked(
        **_base(context, subject, _download_ids(obj, context), _resource_episodes(obj, context)),
        reason=_ignored_reason([opt_str(data, "message", f"{context.what} data") or ""], context),
    )
    return [blocked]


_HISTORY: Final[Mapping[str, _Handler]] = {
    "grabbed": _history_grabbed,
    "downloadFolderImported": _history_imported,
    "movieFolderImported": _history_imported,
    "seriesFolderImported": _history_imported,
    "downloadFailed": _history_failed,
    "downloadIgnored": _history_ignored,
}


def _history_event(obj: JsonObject, context: _Context) -> str:
    """The record's event type name; old servers sent the enum's number."""
    value = obj.get("eventType")
    if isinstance(value, int) and not isinstance(value, bool):
        return _HISTORY_NUMBERS[context.kind].get(value, "unknown")
    return req_str(obj, "eventType", context.what)


def _history_data(obj: JsonObject, context: _Context) -> JsonObject:
    """The record's details: a dictionary of strings."""
    return opt_object(obj, "data", context.what) or {}


def _data_int(data: JsonObject, key: str, context: _Context) -> int | None:
    """A number kept as text in the history details ("1181116032")."""
    return int_text(opt_str(data, key, f"{context.what} data"), f"{context.what} data {key}")


def _resource_subject(obj: JsonObject, context: _Context, *, extra_paths: Iterable[str] = ()) -> _Subject:
    """The movie or series of an API record: its id, and the resource itself when the API was asked to include it.

    API resources differ from webhook objects: their tags are numbers, and Sonarr's type is `seriesType`.
    """
    if context.kind == "radarr":
        key, arr_id = "movie", opt_int(obj, "movieId", context.what)
    else:
        key, arr_id = "series", opt_int(obj, "seriesId", context.what)
    what = f"{context.what} {key}"
    item = opt_object(obj, key, context.what) or {}
    if context.kind == "radarr":
        paths = [opt_str(item, "path", what), opt_str(item, "rootFolderPath", what), *extra_paths]
        anime = any(_has_anime_segment(path) for path in paths if path)
    else:
        anime = opt_str(item, "seriesType", what) == _ANIME
    subject = _subject(item, context, what, anime=anime)
    # The record tells its copy only when the movie/series is included (its root folder says).
    root = opt_str(item, "rootFolderPath", what)
    copy = (copy_of_path(root, media_levels=0) if root else None) or _copy_of_folder(opt_str(item, "path", what))
    ids = subject.ids | make_ids(arr_item=arr_id, arr_instance=context.source, copy=copy)
    return _Subject(ids=ids, media=subject.media)


def _resource_episodes(obj: JsonObject, context: _Context) -> frozenset[EpisodeKey]:
    """The episode of a Sonarr record, when the API included it."""
    if context.kind != "sonarr":
        return frozenset()
    episode = opt_object(obj, "episode", context.what)
    return frozenset() if episode is None else frozenset({_episode_key(episode, f"{context.what} episode")})


def _queue_progress(obj: JsonObject, what: str) -> tuple[int | None, float]:
    """Bytes to download (None when unknown) and the part done, from `size` and `sizeleft` (decimals)."""
    size = opt_number(obj, "size", what) or 0.0
    left = opt_number(obj, "sizeleft", what)
    if size <= 0:
        return None, 0.0
    done = 0.0 if left is None else min(max(1.0 - left / size, 0.0), 1.0)
    return int(size), done


def _queue_messages(obj: JsonObject, what: str) -> list[str]:
    """What Radarr/Sonarr say about a queue record: its error, then its status messages."""
    return [opt_str(obj, "errorMessage", what) or "", *_status_messages(obj, "statusMessages", what)]


def _ignored_reason(messages: list[str], context: _Context) -> str:
    return reason_text(messages, default=f"download ignored in {_APP[context.kind]}")


def _timespan_seconds(text: str | None) -> int | None:
    """Seconds in a .NET TimeSpan ("01:02:03", "1.02:03:04"); None when absent or unreadable."""
    match = _TIMESPAN.fullmatch(text.strip()) if text else None
    if match is None:
        return None
    days, hours, minutes, seconds = (int(part) if part else 0 for part in match.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


# --- searches: the media in the API, and the results of search commands ------------------------------------------

# Search commands and the body field naming what they searched (`/api/v3/command`, `IndexerSearch/*Command.cs`).
# Sonarr's EpisodeSearch names only episode ids, which name no series: it cannot be matched and is left out.
_SEARCH_COMMANDS: Final[Mapping[str, Mapping[str, str]]] = {
    "radarr": {"MoviesSearch": "movieIds", "MissingMoviesSearch": "movieIds"},
    "sonarr": {"SeriesSearch": "seriesId", "SeasonSearch": "seriesId", "MissingEpisodeSearch": "seriesId"},
}
# The last progress message of a search command: "Movie search completed. 0 reports downloaded."
# (`_logger.ProgressInfo` in `MovieSearchService.cs` / `EpisodeSearchService.cs`; `SeasonSearchService.cs`).
_REPORTS_DOWNLOADED: Final = re.compile(r"(\d+) reports? downloaded", re.IGNORECASE)


def parse_command(record: object, *, source: str, kind: ArrKind, at: float) -> list[Evidence]:
    """Evidence from one `/api/v3/command` record: a finished search and how many releases it grabbed.

    Other commands, searches still running or failed, and searches the record does not say the result of give
    nothing. A search of several movies that grabbed something is left out too (which movie got it is unknown).
    """
    context = _context(source, kind, at, "command")
    obj = as_object(record, context.what)
    name = opt_str(obj, "name", context.what)
    target = _SEARCH_COMMANDS[kind].get(name or "")
    if target is None or opt_str(obj, "status", context.what) != "completed":
        return []
    found = _REPORTS_DOWNLOADED.search(opt_str(obj, "message", context.what) or "")
    if found is None:
        return []
    grabbed = int(found.group(1))
    body = opt_object(obj, "body", context.what) or {}
    what = f"{context.what} body"
    arr_ids = _search_targets(body, target, what)
    if len(arr_ids) > 1 and grabbed:
        return []
    search_id = f"{req_int(obj, 'id', context.what)}@{opt_str(obj, 'ended', context.what) or ''}"
    ended = _instant(opt_str(obj, "ended", context.what)) or at
    season = opt_int(body, "seasonNumber", what)
    media = MediaInfo(media_type=context.media_type, seasons=frozenset({season}) if season is not None else frozenset())
    return [
        SearchCompleted(
            source=source,
            at=ended,
            ids=make_ids(arr_item=arr_id, arr_instance=source),
            media=media,
            search_id=search_id,
            grabbed=grabbed,
        )
        for arr_id in arr_ids
    ]


def parse_media_item(record: object, *, source: str, kind: ArrKind, at: float) -> list[Evidence]:
    """Evidence from one `/api/v3/movie/{id}` or `/api/v3/series/{id}` resource: Radarr/Sonarr have the media."""
    context = _context(source, kind, at, "movie" if kind == "radarr" else "series")
    item = as_object(record, context.what)
    if context.kind == "radarr":
        paths = [opt_str(item, "path", context.what), opt_str(item, "rootFolderPath", context.what)]
        anime = any(_has_anime_segment(path) for path in paths if path)
    else:
        anime = opt_str(item, "seriesType", context.what) == _ANIME
    subject = _subject(item, context, context.what, anime=anime)
    return [MediaAdded(**_base(context, subject))]


def _search_targets(body: JsonObject, field: str, what: str) -> list[int]:
    """The movie or series ids a search command's body names (a list for Radarr, one id for Sonarr)."""
    if field == "movieIds":
        values = opt_list(body, field, what)
        return sorted({value for value in values if isinstance(value, int) and not isinstance(value, bool)})
    arr_id = opt_int(body, field, what)
    return [arr_id] if arr_id is not None else []


def _instant(text: str | None) -> float | None:
    """A server time ("2025-03-05T08:00:00Z") as a timestamp; None when absent or unreadable."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.timestamp() if moment.tzinfo is not None else None


# --- shared --------------------------------------------------------------------------------------------------------


def _context(source: str, kind: ArrKind, at: float, part: str) -> _Context:
    """The parse's context; `part` names what is parsed ("webhook") in error messages."""
    if kind not in _APP:
        # A caller's mistake, not a payload's: it must not pass for a bad body.
        raise ValueError(f"not a Radarr/Sonarr kind: {kind!r}")
    return _Context(source=source, kind=kind, at=at, what=f"{_APP[kind]} {part}")


def _base(
    context: _Context,
    subject: _Subject,
    ids: frozenset[IdKey] = frozenset(),
    episodes: frozenset[EpisodeKey] = frozenset(),
) -> _Base:
    """The shared evidence fields: who reported when, the subject's ids and facts, plus `ids` and `episodes`."""
    return _Base(source=context.source, at=context.at, ids=subject.ids | ids, media=subject.media, episodes=episodes)


def _subject(item: JsonObject, context: _Context, what: str, *, anime: bool) -> _Subject:
    """Ids and media facts of a movie/series object; webhook objects and API resources share these fields."""
    media_type = context.media_type
    year = opt_int(item, "year", what)
    ids = make_ids(
        arr_item=opt_int(item, "id", what),
        arr_instance=context.source,
        tmdb=opt_int(item, "tmdbId", what),
        media_type=media_type,
        tvdb=opt_int(item, "tvdbId", what) if media_type is MediaType.TV else None,
        imdb=opt_str(item, "imdbId", what),
    )
    media = MediaInfo(
        title=opt_str(item, "title", what),
        year=year or None,
        media_type=media_type,
        poster=_poster(item, what),
        anime=anime,
    )
    return _Subject(ids=ids, media=media)


def _poster(item: JsonObject, what: str) -> str | None:
    """The poster's remote URL (the plain `url` is a path on the Radarr/Sonarr server)."""
    for image in objects(item, "images", what):
        if opt_str(image, "coverType", f"{what} image") == "poster":
            return opt_str(image, "remoteUrl", f"{what} image")
    return opt_str(item, "remotePoster", what)


def _copy_of_folder(folder: str | None) -> str | None:
    """The copy a movie or series folder holds, by its root folder ("/movies4k/Title (Year)" is 4K)."""
    return copy_of_path(folder, media_levels=1) if folder else None


def _has_anime_segment(path: str) -> bool:
    """Whether a path has a folder named "anime" (a root folder like /data/anime/movies)."""
    return any(part.casefold() == _ANIME for part in re.split(r"[\\/]", path))


def _download_ids(payload: JsonObject, context: _Context) -> frozenset[IdKey]:
    """The download id (a torrent's info-hash in upper case, or a usenet client's id)."""
    download_id = opt_str(payload, "downloadId", context.what)
    return make_ids(download_ids=(download_id,)) if download_id else frozenset()


def _webhook_episodes(payload: JsonObject, context: _Context) -> frozenset[EpisodeKey]:
    """The `episodes[]` of a Sonarr webhook (every episode of a season pack)."""
    if context.kind != "sonarr":
        return frozenset()
    return frozenset(
        _episode_key(item, f"{context.what} episode") for item in objects(payload, "episodes", context.what)
    )


def _episode_key(item: JsonObject, what: str) -> EpisodeKey:
    return req_int(item, "seasonNumber", what), req_int(item, "episodeNumber", what)


def _imported_file(entry: JsonObject, episodes: frozenset[EpisodeKey], context: _Context) -> ImportedFile:
    """One imported file: its full library path (what Shoko will see), else its path inside the media folder."""
    what = f"{context.what} file"
    path = opt_str(entry, "path", what) or opt_str(entry, "relativePath", what)
    if path is None:
        raise PayloadError(f"{what}: neither path nor relativePath")
    size = opt_int(entry, "size", what)
    return ImportedFile(path=path, size=size or None, episodes=episodes)


def _file_episodes(entry: JsonObject, episodes: frozenset[EpisodeKey], context: _Context) -> frozenset[EpisodeKey]:
    """The episodes of one file of an import-complete webhook, which does not say which file holds which episode.

    The episode tag in the file's name (S01E02, S01E02E03, S01E02-E03) tells, when the name has one and it names
    episodes of this import; otherwise the file's episodes stay unknown (empty).
    """
    what = f"{context.what} file"
    for name in (opt_str(entry, "relativePath", what), opt_str(entry, "path", what)):
        found = _episodes_in_name(name or "")
        if episodes:
            found &= episodes
        if found:
            return found
    return frozenset()


def _episodes_in_name(path: str) -> frozenset[EpisodeKey]:
    """Episodes named by the SxxEyy tags in a file name (not its folders: "Season 01" is no episode)."""
    name = re.split(r"[\\/]", path)[-1]
    found: set[EpisodeKey] = set()
    for match in _EPISODE_TAG.finditer(name):
        season, tag = int(match[1]), match[2]
        tagged = [int(number) for number in _TAGGED_NUMBER.findall(tag)]
        bare = [int(number) for number in _BARE_NUMBER.findall(tag)]
        # Multi-episode files hold consecutive episodes, whichever style names them (E01E02E03, E01-E03, E01-03);
        # a bare number too far off is something else (S01E01-2019), so then only the E-tagged ones count.
        for numbers in (tagged + bare, tagged):
            first, last = min(numbers), max(numbers)
            if last - first < _MAX_EPISODES_PER_FILE:
                found.update((season, episode) for episode in range(first, last + 1))
                break
    return frozenset(found)


def _status_messages(payload: JsonObject, key: str, what: str) -> list[str]:
    """The lines of `[{title, messages: [...]}]` status messages (titles are the release name, so left out)."""
    return [line for block in objects(payload, key, what) for line in strings(block, "messages", f"{what} {key}")]
