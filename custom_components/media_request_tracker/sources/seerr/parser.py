"""Seerr (and Jellyseerr, Overseerr) payloads as tracker evidence: webhook notifications and polled requests.

The webhook body is Seerr's default template: every value is a string and a missing one is "". The REST request
list uses numbers, and its enums differ between the forks above the values they share, so only those are read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
import re
from typing import Final

from ...tracker.evidence import (
    Evidence,
    MediaInfo,
    MediaType,
    RequestApproved,
    RequestAvailable,
    RequestCreated,
    RequestDeclined,
    RequestFailed,
)
from ...tracker.ids import COPY_4K, COPY_STANDARD, IdKey, copy_of_name, make_ids
from ..payload import (
    JsonObject,
    PayloadError,
    as_object,
    int_text,
    objects,
    opt_bool,
    opt_int,
    opt_object,
    opt_str,
    req_int,
    req_object,
    req_str,
)
from .models import MEDIA_STATUS_AVAILABLE, RequestStatus

type EvidenceFactory = Callable[..., Evidence]

_FAILED_REASON: Final = "not accepted by Radarr/Sonarr"
"""Seerr sends MEDIA_FAILED when handing the request over failed; the notification carries no detail."""

_NOTIFICATIONS: Final[Mapping[str, EvidenceFactory]] = {
    "MEDIA_PENDING": RequestCreated,
    "MEDIA_APPROVED": RequestApproved,
    # An auto-approved request sends only this: there is no MEDIA_PENDING or MEDIA_APPROVED around it.
    "MEDIA_AUTO_APPROVED": partial(RequestApproved, automatic=True),
    "MEDIA_DECLINED": RequestDeclined,
    "MEDIA_FAILED": partial(RequestFailed, reason=_FAILED_REASON),
    "MEDIA_AVAILABLE": RequestAvailable,
}

_IGNORED_NOTIFICATIONS: Final = frozenset(
    {
        "TEST_NOTIFICATION",
        "ISSUE_CREATED",
        "ISSUE_COMMENT",
        "ISSUE_RESOLVED",
        "ISSUE_REOPENED",
        # Never sent to a webhook (Seerr sends it with notifySystem=false), but a known name all the same.
        "MEDIA_AUTO_REQUESTED",
    }
)

_SEASONS_EXTRA: Final = "Requested Seasons"

# "Title (2020)"; the year is left out when TMDB has no date, and a title may hold parentheses of its own, so only
# a final " (NNNN)" is the year.
_SUBJECT: Final = re.compile(r"(?P<title>.*?)(?: \((?P<year>\d{4})\))?", re.DOTALL)

_EMAIL: Final = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def parse_webhook(body: object, *, source: str, at: float) -> list[Evidence]:
    """Evidence from one webhook notification of the Seerr instance `source` (default template shape)."""
    what = "Seerr webhook"
    payload = as_object(body, what)
    notification = req_str(payload, "notification_type", what)
    if notification in _IGNORED_NOTIFICATIONS:
        return []
    factory = _NOTIFICATIONS.get(notification)
    if factory is None:
        raise PayloadError(f"{what}: unknown notification_type")
    media = req_object(payload, "media", what)
    request = req_object(payload, "request", what)
    media_type = _media_type(opt_str(media, "media_type", f"{what} media"), what)
    ids = _ids(
        source,
        media_type,
        request_id=int_text(opt_str(request, "request_id", f"{what} request"), f"{what} request_id"),
        tmdb=int_text(opt_str(media, "tmdbId", f"{what} media"), f"{what} tmdbId"),
        tvdb=int_text(opt_str(media, "tvdbId", f"{what} media"), f"{what} tvdbId"),
        # The default template has no 4K flag; Seerr's event names a 4K request ("New 4K Movie Request").
        copy=copy_of_name(opt_str(payload, "event", what)) or COPY_STANDARD,
    )
    title, year = _subject(opt_str(payload, "subject", what))
    info = MediaInfo(
        title=title,
        year=year,
        media_type=media_type,
        poster=opt_str(payload, "image", what),
        requested_by=requester(
            opt_str(request, "requestedBy_username", f"{what} request"),
            opt_str(request, "requestedBy_email", f"{what} request"),
        ),
        seasons=_webhook_seasons(payload, what) if media_type is MediaType.TV else frozenset(),
    )
    return [factory(source=source, at=at, ids=ids, media=info)]


def parse_request(raw: Mapping[str, object], *, source: str, at: float) -> list[Evidence]:
    """Evidence from one result of `/api/v1/request` of the Seerr instance `source`.

    The request status says how far Seerr took it; the media status (of the 4K copy for a 4K request) whether
    the media is available. A status number this module does not know gives nothing rather than a guess.
    """
    what = "Seerr request"
    request = as_object(raw, what)
    media = req_object(request, "media", what)
    media_type = _media_type(opt_str(media, "mediaType", f"{what} media") or opt_str(request, "type", what), what)
    is4k = opt_bool(request, "is4k", what) or False
    ids = _ids(
        source,
        media_type,
        request_id=req_int(request, "id", what),
        tmdb=opt_int(media, "tmdbId", f"{what} media"),
        tvdb=opt_int(media, "tvdbId", f"{what} media"),
        imdb=opt_str(media, "imdbId", f"{what} media"),
        # The Jellyfin item Seerr found in its own library scan. (`externalServiceId` is the Radarr/Sonarr id, but
        # of an instance the request does not name, so it cannot become an id scoped to one instance.)
        jellyfin=opt_str(media, "jellyfinMediaId4k" if is4k else "jellyfinMediaId", f"{what} media"),
        copy=COPY_4K if is4k else COPY_STANDARD,
    )
    info = MediaInfo(
        media_type=media_type,
        requested_by=_rest_requester(opt_object(request, "requestedBy", what), what),
        seasons=frozenset(
            req_int(season, "seasonNumber", f"{what} season") for season in objects(request, "seasons", what)
        ),
    )
    available = opt_int(media, "status4k" if is4k else "status", f"{what} media") == MEDIA_STATUS_AVAILABLE
    return [
        factory(source=source, at=at, ids=ids, media=info)
        for factory in _request_factories(req_int(request, "status", what), available=available)
    ]


def _request_factories(status: int, *, available: bool) -> list[EvidenceFactory]:
    """What a request status (numbers all forks agree on) and the media's availability prove."""
    match status:
        case RequestStatus.PENDING:
            return [RequestCreated]
        case RequestStatus.APPROVED | RequestStatus.COMPLETED:
            # COMPLETED (newer builds) means Seerr is done with the request, whatever became of the media since.
            return [RequestApproved, RequestAvailable] if available else [RequestApproved]
        case RequestStatus.DECLINED:
            return [RequestDeclined]
        case RequestStatus.FAILED:
            return [partial(RequestFailed, reason=_FAILED_REASON)]
    return []


def requester(name: str | None, email: str | None) -> str | None:
    """Who asked, as Home Assistant shows it: the Seerr display name, else the local part of the e-mail address.

    Seerr's display name falls back to the e-mail address when a user has no user name; the address is personal
    data that would end up in Home Assistant's history, while its local part still tells people who it was.
    """
    for candidate in (name, email):
        text = (candidate or "").strip()
        if text:
            return text.partition("@")[0] if _EMAIL.fullmatch(text) else text
    return None


def _rest_requester(user: JsonObject | None, what: str) -> str | None:
    """The requester of a REST request, by the same rule as the webhook's `requestedBy_username`."""
    if user is None:
        return None
    names = ("displayName", "username", "jellyfinUsername", "plexUsername")
    name = next((value for key in names if (value := opt_str(user, key, f"{what} requestedBy"))), None)
    return requester(name, opt_str(user, "email", f"{what} requestedBy"))


def _media_type(value: str | None, what: str) -> MediaType:
    """The media type: `movie` or `tv`; any other kind of media is nothing the tracker follows."""
    if value not in ("movie", "tv"):
        raise PayloadError(f"{what}: media type is not movie or tv")
    return MediaType(value)


def _ids(
    source: str,
    media_type: MediaType,
    *,
    request_id: int | None,
    tmdb: int | None,
    tvdb: int | None,
    imdb: str | None = None,
    jellyfin: str | None = None,
    copy: str,
) -> frozenset[IdKey]:
    """The request's ids and the copy it asks for; without a request id or a TMDB id a payload is of no use."""
    ids = make_ids(
        seerr_request=request_id,
        seerr_instance=source,
        tmdb=tmdb,
        media_type=media_type,
        # Seerr keeps a TVDB id for movies only by accident of its model: it identifies series.
        tvdb=tvdb if media_type is MediaType.TV else None,
        imdb=imdb,
        jellyfin_item=jellyfin,
    )
    if not ids:
        raise PayloadError("Seerr payload: neither a request id nor a TMDB id")
    return ids | make_ids(copy=copy)


def _subject(subject: str | None) -> tuple[str | None, int | None]:
    """Title and year from "Title (Year)"."""
    if subject is None:
        return None, None
    match = _SUBJECT.fullmatch(subject.strip())
    if match is None:  # pragma: no cover - the pattern matches any text
        return subject, None
    year = match["year"]
    return match["title"].strip() or None, int(year) if year else None


def _webhook_seasons(payload: JsonObject, what: str) -> frozenset[int]:
    """The seasons of a TV request, from the `extra` entry "Requested Seasons" ("1, 2")."""
    for item in objects(payload, "extra", what):
        if opt_str(item, "name", f"{what} extra[]") == _SEASONS_EXTRA:
            text = opt_str(item, "value", f"{what} extra[]") or ""
            numbers = (int_text(part, f"{what} requested season") for part in text.split(","))
            return frozenset(number for number in numbers if number is not None)
    return frozenset()
