"""Identifiers a request collects, normalized so the same thing is the same key whoever reports it."""

from __future__ import annotations

from enum import StrEnum
import posixpath
import re
from typing import Final


class IdKind(StrEnum):
    """Kinds of identifier, strongest first: evidence is matched by the strongest id it carries."""

    SEERR_REQUEST = "seerr_request"
    DOWNLOAD = "download"
    ARR_ITEM = "arr_item"
    SHOKO_FILE = "shoko_file"
    FILE = "file"
    JELLYFIN_ITEM = "jellyfin_item"
    TMDB_MOVIE = "tmdb_movie"
    TMDB_TV = "tmdb_tv"
    TVDB = "tvdb"
    IMDB = "imdb"
    SHOKO_SERIES = "shoko_series"
    ANIDB = "anidb"
    COPY = "copy"
    """Which copy of the media a request is about: its 4K one or its standard one (never matched on alone)."""


STRENGTH: tuple[IdKind, ...] = tuple(kind for kind in IdKind if kind is not IdKind.COPY)
"""The kinds evidence is matched by, strongest first."""
# A request has at most one id of these kinds: evidence with another one belongs to another request.
EXCLUSIVE_KINDS = frozenset({IdKind.SEERR_REQUEST, IdKind.COPY})

COPY_4K: Final = "4k"
COPY_STANDARD: Final = "standard"

# A folder or instance marked as 4K ("movies4k", "UHD", "Radarr4K"), and a file name naming 2160p as a word.
_FOUR_K_MARK: Final = re.compile(r"4k|uhd|2160p?", re.IGNORECASE)
_FOUR_K_NAME: Final = re.compile(r"(?<![a-z0-9])(?:2160p|4k|uhd)(?![a-z0-9])", re.IGNORECASE)

type IdKey = tuple[IdKind, str]

_V2_HASH_HEX = 64
_V1_HASH_HEX = 40


def normalize_download_id(value: str) -> str:
    """A torrent hash as one key: lower-case, and v2 (SHA-256) hashes cut to the 40 digits qBittorrent uses.

    Radarr/Sonarr report the v1 hash in upper case, qBittorrent its torrent id in lower case.
    """
    value = value.strip().lower()
    return value[:_V1_HASH_HEX] if len(value) == _V2_HASH_HEX else value


def file_key(path: str) -> str:
    """A file's name, case-folded: the part of a path every service agrees on."""
    return posixpath.basename(path.replace("\\", "/")).casefold()


def copy_of_path(path: str, *, media_levels: int) -> str:
    """Which copy a library path holds: 4K when its root folders or its file name say so, else the standard one.

    `media_levels` is how many trailing segments belong to the media itself (0 for a root folder, 1 for a movie or
    series folder, 2 for a movie file, 3 for an episode file): they are named after the title, which may say "4K"
    of itself.
    """
    parts = [part for part in path.replace("\\", "/").split("/") if part]
    split = max(len(parts) - media_levels, 0)
    roots, own = parts[:split], parts[split:]
    if any(_FOUR_K_MARK.search(part) for part in roots):
        return COPY_4K
    # A path of more than the media's own folder ends in a file, whose name may name the resolution.
    if media_levels > 1 and own and _FOUR_K_NAME.search(own[-1]):
        return COPY_4K
    return COPY_STANDARD


def copy_of_name(name: str | None) -> str | None:
    """4K when a name (a Radarr/Sonarr instance name, Seerr's event) says 4K/UHD; None otherwise."""
    return COPY_4K if name and _FOUR_K_MARK.search(name) else None


def id_value(value: str | int | None) -> str | None:
    """An id as a string: upstreams send the same id as int or str; empty, zero and None mean 'none'."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    return None if text in ("", "0") else text


def make_ids(
    *,
    seerr_request: str | int | None = None,
    seerr_instance: str = "",
    download_ids: tuple[str, ...] = (),
    arr_item: str | int | None = None,
    arr_instance: str = "",
    shoko_file: str | int | None = None,
    files: tuple[str, ...] = (),
    jellyfin_item: str | None = None,
    tmdb: str | int | None = None,
    media_type: str | None = None,
    tvdb: str | int | None = None,
    imdb: str | None = None,
    shoko_series: tuple[str | int, ...] = (),
    anidb: tuple[str | int, ...] = (),
    copy: str | None = None,
) -> frozenset[IdKey]:
    """Build a normalized id set; absent and empty values are left out.

    A TMDB id without a media type is left out too: movie and TV ids share numbers.
    """
    keys: set[IdKey] = set()

    def add(kind: IdKind, value: str | int | None, scope: str = "") -> None:
        if (text := id_value(value)) is not None:
            keys.add((kind, f"{scope}:{text}" if scope else text))

    add(IdKind.SEERR_REQUEST, seerr_request, seerr_instance)
    for download_id in download_ids:
        if download_id.strip():
            keys.add((IdKind.DOWNLOAD, normalize_download_id(download_id)))
    add(IdKind.ARR_ITEM, arr_item, arr_instance)
    add(IdKind.SHOKO_FILE, shoko_file)
    for path in files:
        if name := file_key(path):
            keys.add((IdKind.FILE, name))
    add(IdKind.JELLYFIN_ITEM, jellyfin_item.replace("-", "").lower() if jellyfin_item else None)
    if media_type in ("movie", "tv"):
        add(IdKind.TMDB_MOVIE if media_type == "movie" else IdKind.TMDB_TV, tmdb)
    add(IdKind.TVDB, tvdb)
    add(IdKind.IMDB, imdb.lower() if imdb else None)
    for series in shoko_series:
        add(IdKind.SHOKO_SERIES, series)
    for anime in anidb:
        add(IdKind.ANIDB, anime)
    add(IdKind.COPY, copy)
    return frozenset(keys)
