"""Builders for webhook bodies in the exact shapes the real services send, and a helper to deliver them.

Shapes follow the upstream sources: Seerr's webhook agent with its default template (every value a string),
Radarr/Sonarr `Notifications/Webhook/*Payload.cs` (camelCase, nulls left out, event type PascalCase), and the
Jellyfin webhook plugin's "send all properties" data object (`Provider_<name lower-cased>` keys, ids as 32 hex
digits). All titles, ids and paths here are made up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
import hashlib
from typing import Any, Literal

import aiohttp

type Body = dict[str, Any]
type MediaType = Literal["movie", "tv"]

DELIVERY_TIMEOUT = aiohttp.ClientTimeout(total=10)


async def post_webhook(
    session: aiohttp.ClientSession,
    url: str,
    body: Mapping[str, Any],
    headers: Mapping[str, str] | None = None,
    *,
    method: str = "POST",
    limits: aiohttp.ClientTimeout = DELIVERY_TIMEOUT,
) -> int:
    """Send `body` as JSON to `url` and return the HTTP status; connection failures raise `aiohttp.ClientError`."""
    async with session.request(method, url, json=body, headers=dict(headers or {}), timeout=limits) as response:
        await response.read()
        return response.status


def torrent_hash(seed: str) -> str:
    """A stable, made-up v1 info-hash for `seed`, upper-case as Radarr/Sonarr report it."""
    return hashlib.sha1(seed.encode(), usedforsecurity=False).hexdigest().upper()


def _iso(moment: datetime | None = None) -> str:
    """A .NET-style UTC timestamp."""
    return (moment or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S.%f0Z")


# --- Seerr -------------------------------------------------------------------------------------------------

SEERR_EVENTS: dict[str, str] = {
    "MEDIA_PENDING": "New {kind} Request",
    "MEDIA_APPROVED": "{kind} Request Approved",
    "MEDIA_AUTO_APPROVED": "{kind} Request Automatically Approved",
    "MEDIA_DECLINED": "{kind} Request Declined",
    "MEDIA_FAILED": "{kind} Request Failed",
    "MEDIA_AVAILABLE": "{kind} Request Now Available",
    "MEDIA_AUTO_REQUESTED": "{kind} Request Automatically Submitted",
}
"""Seerr's `event` wording per notification (`MediaRequest.ts`, `MediaRequestSubscriber.ts`); "4K " is put in
front of the kind for 4K requests. Parsers must not rely on it: it changed between forks."""

SEERR_TEST_SUBJECT = "Test Notification"
SEERR_TEST_MESSAGE = "Check check, 1, 2, 3. Are we coming in clear?"


def seerr_notification(
    notification_type: str,
    *,
    request_id: int,
    media_type: MediaType,
    tmdb_id: int,
    title: str,
    year: int | None = None,
    tvdb_id: int | None = None,
    seasons: Sequence[int] = (),
    media_status: str = "PENDING",
    media_status4k: str = "UNKNOWN",
    requested_by: str = "requester",
    requested_by_email: str = "requester@example.org",
    is4k: bool = False,
    message: str = "",
    poster_path: str = "/poster.jpg",
) -> Body:
    """A request notification as Seerr's webhook agent POSTs it with the default template.

    `seasons` become the `Requested Seasons` extra for TV (comma-joined, as Seerr writes it).
    """
    kind = "Movie" if media_type == "movie" else "Series"
    event = SEERR_EVENTS[notification_type].format(kind=("4K " if is4k else "") + kind)
    extra = [{"name": "Requested Seasons", "value": ", ".join(map(str, seasons))}] if media_type == "tv" else []
    return {
        "notification_type": notification_type,
        "event": event,
        "subject": f"{title} ({year})" if year else title,
        "message": message,
        "image": f"https://image.tmdb.org/t/p/w600_and_h900_bestv2{poster_path}",
        "media": {
            "media_type": media_type,
            "tmdbId": str(tmdb_id),
            "tvdbId": "" if tvdb_id is None else str(tvdb_id),
            "status": media_status,
            "status4k": media_status4k,
        },
        "request": {
            "request_id": str(request_id),
            "requestedBy_email": requested_by_email,
            "requestedBy_username": requested_by,
            "requestedBy_avatar": "/avatarproxy/requester",
            "requestedBy_settings_discordId": "",
            "requestedBy_settings_telegramChatId": "",
        },
        "issue": None,
        "comment": None,
        "extra": extra,
    }


def seerr_test_notification() -> Body:
    """The TEST_NOTIFICATION Seerr sends from its settings page: no media, no request."""
    return {
        "notification_type": "TEST_NOTIFICATION",
        "event": "",
        "subject": SEERR_TEST_SUBJECT,
        "message": SEERR_TEST_MESSAGE,
        "image": "",
        "media": None,
        "request": None,
        "issue": None,
        "comment": None,
        "extra": [],
    }


# --- Radarr ------------------------------------------------------------------------------------------------


def _language(name: str) -> dict[str, Any]:
    """A `Language` object."""
    ids = {"English": 1, "French": 2, "German": 4, "Japanese": 8}
    return {"id": ids.get(name, 0), "name": name}


def radarr_movie(
    *,
    movie_id: int,
    title: str,
    year: int,
    tmdb_id: int,
    imdb_id: str = "",
    root: str = "/data/media/movies",
    tags: Sequence[str] = (),
    language: str = "English",
) -> Body:
    """A `WebhookMovie`; tag `anime` and language `Japanese` are how anime shows up for Radarr."""
    movie: Body = {
        "id": movie_id,
        "title": title,
        "year": year,
        "releaseDate": f"{year}-06-01",
        "folderPath": f"{root}/{title} ({year})",
        "tmdbId": tmdb_id,
        "genres": ["Drama"],
        "images": [
            {
                "coverType": "poster",
                "url": f"/MediaCover/{movie_id}/poster.jpg",
                "remoteUrl": f"https://image.tmdb.org/t/p/original/{tmdb_id}.jpg",
            }
        ],
        "tags": list(tags),
        "originalLanguage": _language(language),
    }
    if imdb_id:
        movie["imdbId"] = imdb_id
    return movie


def _remote_movie(movie: Mapping[str, Any]) -> Body:
    """The `remoteMovie` block: what the release was parsed as."""
    return {key: movie[key] for key in ("tmdbId", "imdbId", "title", "year") if key in movie}


def _release(release_title: str, size: int, *, group: str = "GRP", quality: str = "WEBDL-1080p") -> Body:
    """A `WebhookRelease` (sent with Grab)."""
    return {
        "quality": quality,
        "qualityVersion": 1,
        "releaseGroup": group,
        "releaseTitle": release_title,
        "indexer": "Example Indexer (Prowlarr)",
        "size": size,
        "customFormatScore": 0,
        "customFormats": [],
        "languages": [_language("English")],
        "indexerFlags": [],
    }


def _grabbed_release(release_title: str, size: int) -> Body:
    """A `WebhookGrabbedRelease` (sent with Download)."""
    return {
        "releaseTitle": release_title,
        "indexer": "Example Indexer (Prowlarr)",
        "size": size,
        "indexerFlags": [],
    }


def _common(event_type: str, instance_name: str) -> Body:
    """The fields every *arr webhook body has."""
    return {"eventType": event_type, "instanceName": instance_name, "applicationUrl": ""}


def _client(download_id: str) -> Body:
    """Download client fields of grab and import bodies."""
    return {"downloadClient": "qBittorrent", "downloadClientType": "qBittorrent", "downloadId": download_id}


def media_file(
    *, file_id: int, path: str, size: int, source_path: str | None = None, quality: str = "WEBDL-1080p"
) -> Body:
    """A `WebhookMovieFile` / `WebhookEpisodeFile`; `relativePath` is the part below the movie or series folder."""
    folder, _, name = path.rpartition("/")
    season_folder = folder.rpartition("/")[2]
    file: Body = {
        "id": file_id,
        # Sonarr's relative path starts at the series folder ("Season 1/..."), Radarr's at the movie folder.
        "relativePath": f"{season_folder}/{name}" if season_folder.startswith("Season ") else name,
        "path": path,
        "quality": quality,
        "qualityVersion": 1,
        "releaseGroup": "GRP",
        "size": size,
        "dateAdded": _iso(),
        "languages": [_language("English")],
        "mediaInfo": {"audioChannels": 2.0, "audioCodec": "AAC", "height": 1080, "width": 1920},
    }
    if source_path:
        file["sourcePath"] = source_path
    return file


def radarr_grab(
    movie: Mapping[str, Any],
    *,
    download_id: str,
    release_title: str,
    size: int = 4_000_000_000,
    instance_name: str = "Radarr",
) -> Body:
    """Radarr `Grab`: a release was sent to the download client."""
    return {
        "movie": dict(movie),
        "remoteMovie": _remote_movie(movie),
        "release": _release(release_title, size),
        **_client(download_id),
        "customFormatInfo": {"customFormats": [], "customFormatScore": 0},
        **_common("Grab", instance_name),
    }


def radarr_download(
    movie: Mapping[str, Any],
    *,
    download_id: str,
    file_path: str,
    release_title: str,
    size: int = 4_000_000_000,
    is_upgrade: bool = False,
    instance_name: str = "Radarr",
) -> Body:
    """Radarr `Download`: the file was imported; `movieFile.path` is the final library path."""
    file_name = file_path.rsplit("/", 1)[-1]
    body: Body = {
        "movie": {**movie, "filePath": file_path},
        "remoteMovie": _remote_movie(movie),
        "movieFile": media_file(
            file_id=movie["id"] + 1000, path=file_path, size=size, source_path=f"/downloads/complete/{file_name}"
        ),
        "isUpgrade": is_upgrade,
        **_client(download_id),
        "customFormatInfo": {"customFormats": [], "customFormatScore": 0},
        "release": _grabbed_release(release_title, size),
        **_common("Download", instance_name),
    }
    if is_upgrade:
        body["deletedFiles"] = [media_file(file_id=movie["id"] + 999, path=file_path + ".old", size=size)]
    return body


def radarr_movie_added(movie: Mapping[str, Any], *, add_method: str = "manual", instance_name: str = "Radarr") -> Body:
    """Radarr `MovieAdded` (v4.5.1+): Seerr (or a user) added the movie."""
    return {"movie": dict(movie), "addMethod": add_method, **_common("MovieAdded", instance_name)}


def radarr_movie_delete(movie: Mapping[str, Any], *, deleted_files: bool = True, instance_name: str = "Radarr") -> Body:
    """Radarr `MovieDelete`: the movie was removed from Radarr."""
    return {
        "movie": dict(movie),
        "deletedFiles": deleted_files,
        "movieFolderSize": 4_000_000_000 if deleted_files else 0,
        **_common("MovieDelete", instance_name),
    }


def radarr_movie_file_delete(
    movie: Mapping[str, Any],
    *,
    file_path: str,
    delete_reason: str = "manual",
    instance_name: str = "Radarr",
) -> Body:
    """Radarr `MovieFileDelete`; `deleteReason` is camelCase (`manual`, `missingFromDisk`, `upgrade`, ...)."""
    return {
        "movie": dict(movie),
        "movieFile": media_file(file_id=movie["id"] + 1000, path=file_path, size=4_000_000_000),
        "deleteReason": delete_reason,
        **_common("MovieFileDelete", instance_name),
    }


def _manual_interaction(download_id: str, title: str, messages: Sequence[str]) -> Body:
    """The download fields of a `ManualInteractionRequired` body."""
    return {
        "downloadInfo": {"quality": "WEBDL-1080p", "qualityVersion": 1, "title": title, "size": 4_000_000_000},
        **_client(download_id),
        "downloadStatus": "Warning",
        "downloadStatusMessages": [{"title": title, "messages": list(messages)}],
        "customFormatInfo": {"customFormats": [], "customFormatScore": 0},
        "release": _grabbed_release(title, 4_000_000_000),
    }


def radarr_manual_interaction_required(
    movie: Mapping[str, Any],
    *,
    download_id: str,
    title: str,
    messages: Sequence[str] = ("Found matching movie via grab history, but release was matched to movie by ID.",),
    instance_name: str = "Radarr",
) -> Body:
    """Radarr `ManualInteractionRequired`: the import is blocked until someone acts."""
    return {
        "movie": dict(movie),
        **_manual_interaction(download_id, title, messages),
        **_common("ManualInteractionRequired", instance_name),
    }


def radarr_test(instance_name: str = "Radarr") -> Body:
    """The `Test` event Radarr sends when a connection is saved or tested."""
    return {
        "movie": {
            "id": 1,
            "title": "Sample Title",
            "year": 1970,
            "releaseDate": "1970-01-01",
            "folderPath": "/sample/path",
            "tmdbId": 0,
            "tags": ["sample-tag"],
        },
        "remoteMovie": {"tmdbId": 1111, "imdbId": "2222", "title": "Sample title", "year": 1970},
        "release": {
            "quality": "Sample Quality",
            "qualityVersion": 1,
            "releaseGroup": "Sample Group",
            "releaseTitle": "Sample Title",
            "indexer": "Sample Indexer",
            "size": 1_000_000,
            "customFormatScore": 0,
        },
        **_common("Test", instance_name),
    }


# --- Sonarr ------------------------------------------------------------------------------------------------


def sonarr_series(
    *,
    series_id: int,
    title: str,
    year: int,
    tvdb_id: int,
    tmdb_id: int = 0,
    imdb_id: str = "",
    series_type: Literal["standard", "daily", "anime"] = "standard",
    root: str = "/data/media/tv",
    language: str = "English",
) -> Body:
    """A `WebhookSeries`; `type: anime` is how Sonarr marks anime."""
    series: Body = {
        "id": series_id,
        "title": title,
        "titleSlug": title.lower().replace(" ", "-"),
        "path": f"{root}/{title}",
        "tvdbId": tvdb_id,
        "tvMazeId": 0,
        "tmdbId": tmdb_id,
        "type": series_type,
        "year": year,
        "genres": ["Drama"],
        "images": [
            {
                "coverType": "poster",
                "url": f"/MediaCover/{series_id}/poster.jpg",
                "remoteUrl": f"https://artworks.thetvdb.com/banners/{tvdb_id}.jpg",
            }
        ],
        "tags": [],
        "originalLanguage": _language(language),
    }
    if imdb_id:
        series["imdbId"] = imdb_id
    return series


def sonarr_episodes(series: Mapping[str, Any], season: int, numbers: Sequence[int]) -> list[Body]:
    """`WebhookEpisode`s of one season (ids derived from series, season and number so they stay stable)."""
    return [
        {
            "id": series["id"] * 10_000 + season * 100 + number,
            "episodeNumber": number,
            "seasonNumber": season,
            "title": f"Episode {number}",
            "airDate": f"{series['year']}-01-{min(number, 28):02d}",
            "airDateUtc": f"{series['year']}-01-{min(number, 28):02d}T12:00:00Z",
            "seriesId": series["id"],
            "tvdbId": series["tvdbId"] * 10_000 + season * 100 + number,
        }
        for number in numbers
    ]


def episode_path(series: Mapping[str, Any], episode: Mapping[str, Any]) -> str:
    """Where Sonarr would put an episode's file (`<series>/Season N/<title> - SxxEyy.mkv`)."""
    season, number = episode["seasonNumber"], episode["episodeNumber"]
    return f"{series['path']}/Season {season}/{series['title']} - S{season:02d}E{number:02d}.mkv"


def sonarr_grab(
    series: Mapping[str, Any],
    episodes: Sequence[Mapping[str, Any]],
    *,
    download_id: str,
    release_title: str,
    size: int = 1_500_000_000,
    instance_name: str = "Sonarr",
) -> Body:
    """Sonarr `Grab`: one episode, or every episode of a season pack."""
    return {
        "series": dict(series),
        "episodes": [dict(episode) for episode in episodes],
        "release": _release(release_title, size),
        **_client(download_id),
        "customFormatInfo": {"customFormats": [], "customFormatScore": 0},
        **_common("Grab", instance_name),
    }


def sonarr_download(
    series: Mapping[str, Any],
    episodes: Sequence[Mapping[str, Any]],
    *,
    download_id: str,
    release_title: str,
    file_path: str | None = None,
    size: int = 1_500_000_000,
    is_upgrade: bool = False,
    instance_name: str = "Sonarr",
) -> Body:
    """Sonarr `Download` for one imported file (`episodeFile`, singular): sent once per file."""
    path = file_path or episode_path(series, episodes[0])
    file_name = path.rsplit("/", 1)[-1]
    return {
        "series": dict(series),
        "episodes": [dict(episode) for episode in episodes],
        "episodeFile": media_file(
            file_id=episodes[0]["id"], path=path, size=size, source_path=f"/downloads/complete/{file_name}"
        ),
        "isUpgrade": is_upgrade,
        **_client(download_id),
        "customFormatInfo": {"customFormats": [], "customFormatScore": 0},
        "release": _grabbed_release(release_title, size),
        **_common("Download", instance_name),
    }


def sonarr_import_complete(
    series: Mapping[str, Any],
    episodes: Sequence[Mapping[str, Any]],
    *,
    download_id: str,
    release_title: str,
    size: int = 1_500_000_000,
    instance_name: str = "Sonarr",
) -> Body:
    """Sonarr `Download` "on import complete" (v4.0.6+): one body with `episodeFiles[]` for a whole release."""
    files = [
        media_file(file_id=episode["id"], path=episode_path(series, episode), size=size // max(len(episodes), 1))
        for episode in episodes
    ]
    season = episodes[0]["seasonNumber"] if episodes else 1
    return {
        "series": dict(series),
        "episodes": [dict(episode) for episode in episodes],
        "episodeFiles": files,
        **_client(download_id),
        "release": _grabbed_release(release_title, size),
        "sourcePath": f"/downloads/complete/{release_title}",
        "destinationPath": f"{series['path']}/Season {season}",
        **_common("Download", instance_name),
    }


def sonarr_series_add(series: Mapping[str, Any], *, instance_name: str = "Sonarr") -> Body:
    """Sonarr `SeriesAdd` (v4+)."""
    return {"series": dict(series), **_common("SeriesAdd", instance_name)}


def sonarr_series_delete(
    series: Mapping[str, Any], *, deleted_files: bool = True, instance_name: str = "Sonarr"
) -> Body:
    """Sonarr `SeriesDelete`."""
    return {"series": dict(series), "deletedFiles": deleted_files, **_common("SeriesDelete", instance_name)}


def sonarr_episode_file_delete(
    series: Mapping[str, Any],
    episodes: Sequence[Mapping[str, Any]],
    *,
    delete_reason: str = "manual",
    instance_name: str = "Sonarr",
) -> Body:
    """Sonarr `EpisodeFileDelete`."""
    return {
        "series": dict(series),
        "episodes": [dict(episode) for episode in episodes],
        "episodeFile": media_file(
            file_id=episodes[0]["id"], path=episode_path(series, episodes[0]), size=1_500_000_000
        ),
        "deleteReason": delete_reason,
        **_common("EpisodeFileDelete", instance_name),
    }


def sonarr_manual_interaction_required(
    series: Mapping[str, Any],
    episodes: Sequence[Mapping[str, Any]],
    *,
    download_id: str,
    title: str,
    messages: Sequence[str] = ("Unable to parse episodes from the release.",),
    instance_name: str = "Sonarr",
) -> Body:
    """Sonarr `ManualInteractionRequired`."""
    return {
        "series": dict(series),
        "episodes": [dict(episode) for episode in episodes],
        **_manual_interaction(download_id, title, messages),
        **_common("ManualInteractionRequired", instance_name),
    }


def sonarr_test(instance_name: str = "Sonarr") -> Body:
    """The `Test` event Sonarr sends when a connection is saved or tested."""
    return {
        "series": {"id": 1, "title": "Sample Title", "path": "/sample/path", "tvdbId": 1111, "tags": ["sample-tag"]},
        "episodes": [{"id": 123, "episodeNumber": 1, "seasonNumber": 1, "title": "Sample title"}],
        **_common("Test", instance_name),
    }


# --- Jellyfin (webhook plugin, ItemAdded, "Send All Properties") ------------------------------------------

JELLYFIN_SERVER_ID = "0123456789abcdef0123456789abcdef"


def jellyfin_id(seed: str) -> str:
    """A stable, made-up Jellyfin id (32 hex digits, no dashes)."""
    return hashlib.md5(seed.encode(), usedforsecurity=False).hexdigest()


def shokofin_provider_ids(
    *, shoko_series_id: int, anidb_id: int, shoko_episode_id: int | None = None, shoko_file_id: int | None = None
) -> dict[str, str]:
    """Provider ids as Shokofin sets them (no TMDB id: `AddTMDBId` is off by default)."""
    ids = {"Shoko Series": str(shoko_series_id), "AniDB": str(anidb_id)}
    if shoko_episode_id is not None:
        ids["Shoko Episode"] = str(shoko_episode_id)
    if shoko_file_id is not None:
        ids["Shoko File"] = str(shoko_file_id)
    return ids


def jellyfin_item_added(
    *,
    item_type: Literal["Movie", "Series", "Season", "Episode"],
    item_id: str,
    name: str,
    year: int | None = None,
    path: str | None = None,
    provider_ids: Mapping[str, str] | None = None,
    series: tuple[str, str] | None = None,
    season_id: str | None = None,
    season_number: int | None = None,
    episode_number: int | None = None,
) -> Body:
    """An ItemAdded body; `series` is (series id, series name) for seasons and episodes.

    Each provider id becomes `Provider_<name lower-cased>`, so Shokofin's "Shoko Series" is `Provider_shoko series`.
    """
    now = datetime.now(UTC)
    body: Body = {
        "ServerId": JELLYFIN_SERVER_ID,
        "ServerName": "jellyfin",
        "ServerVersion": "10.11.0",
        "ServerUrl": "http://jellyfin.local:8096",
        "NotificationType": "ItemAdded",
        "Timestamp": now.astimezone().replace(tzinfo=None).isoformat(),
        "UtcTimestamp": _iso(now),
        "Name": name,
        "Overview": "",
        "Tagline": "",
        "ItemId": item_id,
        "ItemType": item_type,
        "RunTimeTicks": 0,
        "RunTime": "00:00:00",
    }
    if year is not None:
        body["Year"] = year
    if path:
        body["Path"] = path
    if series:
        body["SeriesId"], body["SeriesName"] = series
    if season_id:
        body["SeasonId"] = season_id
    body.update(_numbered("SeasonNumber", season_number))
    body.update(_numbered("EpisodeNumber", episode_number))
    for key, value in (provider_ids or {}).items():
        body[f"Provider_{key.lower()}"] = value
    return body


def _numbered(key: str, number: int | None) -> Body:
    """`SeasonNumber`, `SeasonNumber00`, `SeasonNumber000` (and the same for episodes)."""
    if number is None:
        return {}
    return {key: number, f"{key}00": f"{number:02d}", f"{key}000": f"{number:03d}"}


def jellyfin_movie_added(
    *, name: str, year: int, path: str, provider_ids: Mapping[str, str], item_id: str | None = None
) -> Body:
    """ItemAdded for a movie."""
    return jellyfin_item_added(
        item_type="Movie",
        item_id=item_id or jellyfin_id(f"movie:{name}"),
        name=name,
        year=year,
        path=path,
        provider_ids=provider_ids,
    )


def jellyfin_series_added(
    *, name: str, year: int, path: str, provider_ids: Mapping[str, str], item_id: str | None = None
) -> Body:
    """ItemAdded for a new series (the plugin sends only the series when it arrives with its episodes)."""
    return jellyfin_item_added(
        item_type="Series",
        item_id=item_id or jellyfin_id(f"series:{name}"),
        name=name,
        year=year,
        path=path,
        provider_ids=provider_ids,
    )


def jellyfin_season_added(
    *, series_id: str, series_name: str, season_number: int, provider_ids: Mapping[str, str] | None = None
) -> Body:
    """ItemAdded for a season of an existing series."""
    return jellyfin_item_added(
        item_type="Season",
        item_id=jellyfin_id(f"season:{series_id}:{season_number}"),
        name=f"Season {season_number}",
        series=(series_id, series_name),
        season_number=season_number,
        provider_ids=provider_ids,
    )


def jellyfin_episode_added(
    *,
    series_id: str,
    series_name: str,
    season_number: int,
    episode_number: int,
    path: str,
    provider_ids: Mapping[str, str],
    name: str | None = None,
) -> Body:
    """ItemAdded for one episode of an existing series."""
    return jellyfin_item_added(
        item_type="Episode",
        item_id=jellyfin_id(f"episode:{series_id}:{season_number}:{episode_number}"),
        name=name or f"Episode {episode_number}",
        path=path,
        series=(series_id, series_name),
        season_id=jellyfin_id(f"season:{series_id}:{season_number}"),
        season_number=season_number,
        episode_number=episode_number,
        provider_ids=provider_ids,
    )
