"""Shoko files from the v3 REST API as evidence: which file is the imported one, and what Shoko knows of it."""

from __future__ import annotations

from typing import Any

from hypothesis import given, strategies as st
import pytest

from custom_components.media_request_tracker.sources.shoko.models import ShokoFile
from custom_components.media_request_tracker.sources.shoko.parser import file_evidence, pick_file
from custom_components.media_request_tracker.tracker.evidence import AnimeFileMatched, AnimeFileSeen
from custom_components.media_request_tracker.tracker.ids import IdKind
from simulator.shoko import cross_reference

SOURCE = "shoko"
AT = 5000.0
FOLDERS = {1: "/mnt/anime", 2: "D:\\Anime"}
NAME = "Skyward Tide (2021) [1080p].mkv"
ARR_PATH = f"/data/media/anime/movies/Skyward Tide (2021)/{NAME}"


def shoko_file(
    file_id: int = 5120,
    *,
    size: int = 4_000_000_000,
    locations: tuple[tuple[int, str], ...] = ((1, f"movies/Skyward Tide (2021)/{NAME}"),),
    xrefs: tuple[dict[str, Any], ...] = (),
) -> ShokoFile:
    """A file in the REST shape, parsed as the client parses it."""
    return ShokoFile.from_json(
        {
            "ID": file_id,
            "Size": size,
            "Hashes": {"ED2K": "00", "SHA1": None, "CRC32": None, "MD5": None},
            "Locations": [
                {"ID": file_id * 10 + n, "FileID": file_id, "ImportFolderID": folder, "RelativePath": relative}
                for n, (folder, relative) in enumerate(locations)
            ],
            "SeriesIDs": list(xrefs),
        }
    )


def test_a_matched_file_carries_its_series_and_anime() -> None:
    xref = cross_reference(2210, 17720, [(9001, 250001)], tmdb_movie_ids=[552])
    [matched] = file_evidence(shoko_file(xrefs=(xref,)), source=SOURCE, at=AT, import_folders=FOLDERS)
    assert isinstance(matched, AnimeFileMatched)
    assert (matched.source, matched.at, matched.file_id) == (SOURCE, AT, "5120")
    assert matched.ids == {
        (IdKind.FILE, NAME.casefold()),
        (IdKind.SHOKO_FILE, "5120"),
        (IdKind.SHOKO_SERIES, "2210"),
        (IdKind.ANIDB, "17720"),
    }


def test_a_movie_filed_as_a_series_episode_is_matched_the_same_way() -> None:
    # Shoko gives an anime movie a series of one episode; the file still names the request's file.
    xref = cross_reference(2210, 17720, [(9001, 250001)])
    [matched] = file_evidence(shoko_file(xrefs=(xref,)), source=SOURCE, at=AT)
    assert isinstance(matched, AnimeFileMatched)
    assert (IdKind.FILE, NAME.casefold()) in matched.ids


def test_a_file_without_cross_references_is_only_seen() -> None:
    [seen] = file_evidence(shoko_file(), source=SOURCE, at=AT, import_folders=FOLDERS)
    assert isinstance(seen, AnimeFileSeen)
    assert seen.ids == {(IdKind.FILE, NAME.casefold()), (IdKind.SHOKO_FILE, "5120")}


def test_series_not_created_yet_and_repeated_series_give_each_id_once() -> None:
    xrefs = (
        cross_reference(None, 17720, [(None, 250001)]),
        cross_reference(2210, 17720, [(9002, 250002)]),
        cross_reference(2210, 17720, [(9003, 250003)]),
    )
    [matched] = file_evidence(shoko_file(xrefs=xrefs), source=SOURCE, at=AT)
    assert {value for kind, value in matched.ids if kind is IdKind.SHOKO_SERIES} == {"2210"}
    assert {value for kind, value in matched.ids if kind is IdKind.ANIDB} == {"17720"}


def test_every_location_names_the_file() -> None:
    locations = ((1, f"movies/{NAME}"), (2, "Backup\\copy of skyward tide.mkv"))
    [seen] = file_evidence(shoko_file(locations=locations), source=SOURCE, at=AT, import_folders=FOLDERS)
    assert {value for kind, value in seen.ids if kind is IdKind.FILE} == {NAME.casefold(), "copy of skyward tide.mkv"}


def test_pick_the_file_at_the_imported_path_across_mounts() -> None:
    elsewhere = shoko_file(5001, locations=((1, f"old/{NAME}"),))
    here = shoko_file(5002, locations=((1, f"movies/Skyward Tide (2021)/{NAME}"),))
    picked = pick_file([elsewhere, here], path=ARR_PATH, size=4_000_000_000, import_folders=FOLDERS)
    assert picked is here


def test_pick_tolerates_windows_separators_and_case() -> None:
    here = shoko_file(5002, locations=((2, f"MOVIES\\skyward tide (2021)\\{NAME.upper()}"),))
    assert pick_file([here], path=ARR_PATH, size=None, import_folders=FOLDERS) is here


def test_pick_without_import_folders_uses_the_relative_path() -> None:
    here = shoko_file(5002)
    assert pick_file([here], path=ARR_PATH, size=4_000_000_000) is here


def test_pick_rejects_another_size_and_another_name() -> None:
    other_size = shoko_file(5003, size=1_000)
    other_name = shoko_file(5004, locations=((1, "movies/Skyward Tide (2021)/x" + NAME),))
    assert pick_file([other_size, other_name], path=ARR_PATH, size=4_000_000_000, import_folders=FOLDERS) is None
    # Without a known import size, the size says nothing.
    assert pick_file([other_size], path=ARR_PATH, size=None, import_folders=FOLDERS) is other_size


def test_pick_from_nothing_is_nothing() -> None:
    assert pick_file([], path=ARR_PATH, size=None) is None


@pytest.mark.parametrize(("path", "found"), [("", False), ("/", False), (NAME, True), (f"C:\\{NAME}", True)])
def test_pick_with_a_bare_or_empty_path(path: str, found: bool) -> None:
    here = shoko_file(5002)
    assert pick_file([here], path=path, size=None) is (here if found else None)


@given(
    folders=st.lists(st.sampled_from(["a", "B", "c d", "é"]), max_size=4),
    mount=st.sampled_from(["/mnt/anime", "/data", "C:\\Media", ""]),
)
def test_pick_finds_the_same_file_whatever_the_mounts(folders: list[str], mount: str) -> None:
    relative = "/".join([*folders, NAME])
    here = shoko_file(5002, locations=((7, relative.replace("/", "\\")),))
    picked = pick_file([here], path=f"/somewhere/else/{relative}", size=None, import_folders={7: mount})
    assert picked is here
