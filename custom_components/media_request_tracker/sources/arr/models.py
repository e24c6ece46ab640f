"""Typed views of the Radarr/Sonarr v3 API answers the tracker needs.

The API serialises with System.Text.Json: camelCase keys, enums as camelCase strings (`downloading`, `grabbed`),
and null values left out, so optional fields may simply be absent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..payload import (
    JsonObject,
    PayloadError,
    as_object,
    clean_text,
    objects,
    opt_bool,
    opt_datetime,
    opt_int,
    opt_list,
    opt_number,
    opt_object,
    opt_str,
    req_int,
    req_str,
    strings,
)


@dataclass(frozen=True, slots=True)
class ArrStatus:
    """`GET /api/v3/system/status`."""

    app_name: str
    """"Radarr" or "Sonarr" (also "Lidarr", "Readarr", "Whisparr" for the relatives that are not supported)."""
    instance_name: str | None
    version: str

    @classmethod
    def from_json(cls, data: Any) -> ArrStatus:
        """Parse the status."""
        what = "*arr system status"
        obj = as_object(data, what)
        return cls(
            app_name=req_str(obj, "appName", what),
            instance_name=opt_str(obj, "instanceName", what),
            version=req_str(obj, "version", what),
        )


def provider_field(resource: Mapping[str, Any], name: str) -> Any:
    """The value of one entry of a provider resource's `fields` list (None when absent)."""
    for entry in opt_list(resource, "fields", "*arr provider"):
        if isinstance(entry, Mapping) and entry.get("name") == name:
            return entry.get("value")
    return None


@dataclass(frozen=True, slots=True)
class ArrNotification:
    """One "Connection" (`/api/v3/notification` resource)."""

    id: int
    name: str
    implementation: str
    """"Webhook" for the kind the tracker creates."""
    url: str | None
    """The webhook URL, for webhook connections (it contains the Home Assistant webhook id: a secret)."""
    username: str | None
    events: Mapping[str, bool]
    """The `on...` flags (`onGrab`, `onDownload`, ...) as the server reports them."""
    raw: Mapping[str, Any] = field(repr=False, compare=False)
    """The whole resource; the password in it is masked ("********") by the server."""

    @classmethod
    def from_json(cls, data: Any) -> ArrNotification:
        """Parse one connection."""
        what = "*arr notification"
        obj = as_object(data, what)
        objects(obj, "fields", what)  # Read again when the connection is saved: check them once, here.
        url = provider_field(obj, "url")
        username = provider_field(obj, "username")
        return cls(
            id=req_int(obj, "id", what),
            name=req_str(obj, "name", what),
            implementation=req_str(obj, "implementation", what),
            url=url if isinstance(url, str) else None,
            username=username if isinstance(username, str) and username else None,
            events={key: value for key, value in obj.items() if key.startswith("on") and isinstance(value, bool)},
            raw=obj,
        )


@dataclass(frozen=True, slots=True)
class WebhookSetup:
    """What `ensure_webhook` did."""

    id: int
    """The id of the one webhook connection the tracker owns."""
    created: bool
    """True when it was created, False when an existing one was updated in place."""
    removed_ids: tuple[int, ...] = ()
    """Duplicates (same name or URL) that were deleted so exactly one remains."""


def _status_messages(obj: JsonObject, what: str) -> tuple[str, ...]:
    """Flatten `statusMessages: [{title, messages: [...]}]` to lines (titles are usually the release name)."""
    blocks = objects(obj, "statusMessages", what)
    return tuple(line for block in blocks for line in strings(block, "messages", f"{what} statusMessages[]") if line)


def _nested(obj: JsonObject, key: str, what: str) -> JsonObject:
    """An included object (`movie`, `series`, `episode`), empty when the server left it out."""
    return opt_object(obj, key, what) or {}


@dataclass(frozen=True, slots=True)
class ArrQueueRecord:
    """One entry of `/api/v3/queue`: a download Radarr/Sonarr is tracking."""

    id: int
    download_id: str | None
    """The torrent hash in upper case (or a usenet client's id); compare hashes case-insensitively."""
    title: str | None
    status: str | None
    """`downloading`, `completed`, `paused`, `queued`, `failed`, `warning`, ..."""
    tracked_download_status: str | None
    """`ok`, `warning`, `error`."""
    tracked_download_state: str | None
    """`downloading`, `importPending`, `importBlocked`, `importing`, `imported`, `failedPending`, `failed`, ..."""
    size: float | None
    size_left: float | None
    time_left: str | None
    """A .NET TimeSpan ("01:02:03" or "1.02:03:04")."""
    estimated_completion: datetime | None
    error_message: str | None
    status_messages: tuple[str, ...]
    protocol: str | None
    download_client: str | None
    output_path: str | None
    movie_id: int | None
    series_id: int | None
    episode_id: int | None
    season_number: int | None
    episode_number: int | None
    tmdb_id: int | None
    tvdb_id: int | None
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Any) -> ArrQueueRecord:
        """Parse one queue record (with `movie`, or `series` and `episode`, when they were asked for)."""
        what = "*arr queue record"
        obj = as_object(data, what)
        movie, series = _nested(obj, "movie", what), _nested(obj, "series", what)
        episode = _nested(obj, "episode", what)
        return cls(
            id=req_int(obj, "id", what),
            download_id=opt_str(obj, "downloadId", what),
            title=opt_str(obj, "title", what),
            status=opt_str(obj, "status", what),
            tracked_download_status=opt_str(obj, "trackedDownloadStatus", what),
            tracked_download_state=opt_str(obj, "trackedDownloadState", what),
            size=opt_number(obj, "size", what),
            size_left=opt_number(obj, "sizeleft", what),
            time_left=opt_str(obj, "timeleft", what),
            estimated_completion=opt_datetime(obj, "estimatedCompletionTime", what),
            error_message=opt_str(obj, "errorMessage", what),
            status_messages=_status_messages(obj, what),
            protocol=opt_str(obj, "protocol", what),
            download_client=opt_str(obj, "downloadClient", what),
            output_path=opt_str(obj, "outputPath", what),
            movie_id=opt_int(obj, "movieId", what),
            series_id=opt_int(obj, "seriesId", what),
            episode_id=opt_int(obj, "episodeId", what),
            season_number=opt_int(obj, "seasonNumber", what),
            episode_number=opt_int(episode, "episodeNumber", what),
            tmdb_id=opt_int(movie or series, "tmdbId", what),
            tvdb_id=opt_int(series, "tvdbId", what),
            raw=obj,
        )


@dataclass(frozen=True, slots=True)
class ArrHistoryRecord:
    """One entry of `/api/v3/history`."""

    id: int
    event_type: str
    """`grabbed`, `downloadFolderImported`, `downloadFailed`, `movieFileDeleted`/`episodeFileDeleted`, ..."""
    date: datetime | None
    download_id: str | None
    source_title: str | None
    movie_id: int | None
    series_id: int | None
    episode_id: int | None
    data: Mapping[str, Any]
    """Event details as the server stores them (all values strings, e.g. `importedPath`, `droppedPath`)."""
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Any) -> ArrHistoryRecord:
        """Parse one history record."""
        what = "*arr history record"
        obj = as_object(data, what)
        event_type = obj.get("eventType")
        # Current servers send the enum name; very old ones sent its number. Keep either as text.
        if not isinstance(event_type, str | int) or isinstance(event_type, bool):
            raise PayloadError(f"{what}: eventType is missing")
        return cls(
            id=req_int(obj, "id", what),
            event_type=clean_text(event_type) if isinstance(event_type, str) else str(event_type),
            date=opt_datetime(obj, "date", what),
            download_id=opt_str(obj, "downloadId", what),
            source_title=opt_str(obj, "sourceTitle", what),
            movie_id=opt_int(obj, "movieId", what),
            series_id=opt_int(obj, "seriesId", what),
            episode_id=opt_int(obj, "episodeId", what),
            data=_nested(obj, "data", what),
            raw=obj,
        )


@dataclass(frozen=True, slots=True)
class ArrMovie:
    """`GET /api/v3/movie/{id}`: whether Radarr has a file for the movie."""

    id: int
    title: str | None
    has_file: bool
    monitored: bool

    @classmethod
    def from_json(cls, data: Any) -> ArrMovie:
        """Parse a movie resource."""
        what = "Radarr movie"
        obj = as_object(data, what)
        return cls(
            id=req_int(obj, "id", what),
            title=opt_str(obj, "title", what),
            has_file=opt_bool(obj, "hasFile", what) or False,
            monitored=opt_bool(obj, "monitored", what) is not False,
        )


@dataclass(frozen=True, slots=True)
class ArrEpisode:
    """One entry of `GET /api/v3/episode?seriesId=`: an episode and whether Sonarr has a file for it."""

    id: int
    season: int
    episode: int
    has_file: bool
    monitored: bool

    @classmethod
    def from_json(cls, data: Any) -> ArrEpisode:
        """Parse an episode resource."""
        what = "Sonarr episode"
        obj = as_object(data, what)
        return cls(
            id=req_int(obj, "id", what),
            season=req_int(obj, "seasonNumber", what),
            episode=req_int(obj, "episodeNumber", what),
            has_file=opt_bool(obj, "hasFile", what) or False,
            monitored=opt_bool(obj, "monitored", what) is not False,
        )


@dataclass(frozen=True, slots=True)
class ArrCommand:
    """`POST /api/v3/command`'s answer (HTTP 201): the queued command."""

    id: int
    name: str
    status: str | None
    """`queued`, `started`, `completed`, `failed`, ..."""

    @classmethod
    def from_json(cls, data: Any) -> ArrCommand:
        """Parse a command resource."""
        what = "*arr command"
        obj = as_object(data, what)
        return cls(id=req_int(obj, "id", what), name=req_str(obj, "name", what), status=opt_str(obj, "status", what))
