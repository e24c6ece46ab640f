"""The Shoko parser: v5 `ShokoEvent:*` SignalR payloads, field by field."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.media_request_tracker.sources.payload import PayloadError
from custom_components.media_request_tracker.sources.shoko.parser import parse_event
from custom_components.media_request_tracker.tracker.evidence import (
    AnimeFileMatched,
    AnimeFileNotMatched,
    AnimeFileSeen,
    Evidence,
    MediaInfo,
)
from custom_components.media_request_tracker.tracker.ids import IdKind

from .parser_support import JSON_VALUES, assert_evidence_or_payload_error, fixture, fixture_names, mutated

SOURCE = "shoko"
AT = 4000.0
TIDE_FILE = (IdKind.FILE, "skyward.tide.2021.1080p.bluray.x265-anigrp.mkv")
DOUBLE_FEATURE = (IdKind.FILE, "starfall academy - s01e02e03 - double feature.mkv")
EVENT_NAMES = {
    "file_detected": "FileDetected",
    "file_hashed": "FileHashed",
    "file_matched": "FileMatched",
    "file_matched_crossrefs": "FileMatched",
    "file_not_matched": "FileNotMatched",
    "file_not_matched_banned": "FileNotMatched",
    "file_moved": "FileMoved",
    "file_renamed": "FileRenamed",
    "file_deleted": "FileDeleted",
    "series_updated": "SeriesUpdated",
    "episode_updated": "EpisodeUpdated",
    "movie_updated": "MovieUpdated",
}


def event(name: str, **kwargs: Any) -> list[Evidence]:
    return parse_event(f"ShokoEvent:{EVENT_NAMES[name]}", fixture("shoko", name), source=SOURCE, at=AT, **kwargs)


def test_every_fixture_has_its_event() -> None:
    assert sorted(EVENT_NAMES) == fixture_names("shoko")


def test_file_detected() -> None:
    [seen] = event("file_detected")
    assert isinstance(seen, AnimeFileSeen)
    assert seen.source == SOURCE
    assert seen.at == AT
    # Not hashed yet, so Shoko has no id for it: the file name is the link.
    assert seen.ids == {TIDE_FILE}
    assert seen.file_id is None
    assert seen.media == MediaInfo()


def test_file_hashed_with_windows_separators() -> None:
    [seen] = event("file_hashed")
    assert isinstance(seen, AnimeFileSeen)
    assert seen.ids == {DOUBLE_FEATURE, (IdKind.SHOKO_FILE, "5202")}
    assert seen.file_id == "5202"


def test_file_matched_with_cross_references() -> None:
    [matched] = event("file_matched")
    assert isinstance(matched, AnimeFileMatched)
    assert matched.ids == {
        TIDE_FILE,
        (IdKind.SHOKO_FILE, "5120"),
        (IdKind.SHOKO_SERIES, "2210"),
        (IdKind.ANIDB, "17720"),
    }
    assert matched.file_id == "5120"


def test_file_matched_with_legacy_cross_refs() -> None:
    [matched] = event("file_matched_crossrefs")
    assert isinstance(matched, AnimeFileMatched)
    # The second reference's Shoko series does not exist yet (null); its AniDB anime is the same as the first's.
    assert matched.ids == {
        DOUBLE_FEATURE,
        (IdKind.SHOKO_FILE, "5202"),
        (IdKind.SHOKO_SERIES, "2301"),
        (IdKind.ANIDB, "18801"),
    }


def test_file_not_matched_after_attempts() -> None:
    [unmatched] = event("file_not_matched")
    assert isinstance(unmatched, AnimeFileNotMatched)
    assert unmatched.reason == "no match after 3 attempts"
    assert unmatched.ids == {TIDE_FILE, (IdKind.SHOKO_FILE, "5120")}
    assert unmatched.file_id == "5120"


def test_file_not_matched_while_banned() -> None:
    [unmatched] = event("file_not_matched_banned")
    assert isinstance(unmatched, AnimeFileNotMatched)
    assert unmatched.reason == "AniDB ban (UDP)"


@pytest.mark.parametrize(("attempts", "reason"), [(1, "no match after 1 attempt"), (0, "no match"), (None, "no match")])
def test_file_not_matched_reasons(attempts: int | None, reason: str) -> None:
    payload = fixture("shoko", "file_not_matched")
    payload["AutoMatchAttempts"] = attempts
    [unmatched] = parse_event("ShokoEvent:FileNotMatched", payload, source=SOURCE, at=AT)
    assert isinstance(unmatched, AnimeFileNotMatched)
    assert unmatched.reason == reason


def test_file_moved_is_seen_at_its_new_place() -> None:
    [seen] = event("file_moved")
    assert isinstance(seen, AnimeFileSeen)
    assert seen.ids == {
        (IdKind.FILE, "skyward tide (2021).mkv"),
        (IdKind.SHOKO_FILE, "5120"),
        (IdKind.SHOKO_SERIES, "2210"),
        (IdKind.ANIDB, "17720"),
    }
    assert seen.file_id == "5120"


def test_file_renamed_is_seen_under_its_new_name() -> None:
    [seen] = event("file_renamed")
    assert isinstance(seen, AnimeFileSeen)
    assert (IdKind.FILE, "skyward tide (2021) [bd 1080p].mkv") in seen.ids
    assert TIDE_FILE not in seen.ids


@pytest.mark.parametrize("name", ["file_deleted", "series_updated", "episode_updated", "movie_updated"])
def test_events_without_a_file_to_link(name: str) -> None:
    assert event(name) == []


@pytest.mark.parametrize("folder", ["/mnt/anime", "/mnt/anime/", "D:\\Anime", None])
def test_import_folder_does_not_change_the_file_key(folder: str | None) -> None:
    folders = {} if folder is None else {3: folder}
    [seen] = event("file_hashed", import_folders=folders)
    assert DOUBLE_FEATURE in seen.ids


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("file_matched", lambda payload: payload.pop("RelativePath")),
        ("file_matched", lambda payload: payload.update(RelativePath="")),
        ("file_detected", lambda payload: payload.update(RelativePath="shows/")),
        ("file_matched", lambda payload: payload.pop("FileID")),
        ("file_matched", lambda payload: payload.update(FileID="5120")),
        ("file_matched", lambda payload: payload.update(CrossReferences={"SeriesID": 1})),
        ("file_matched", lambda payload: payload["CrossReferences"][0].update(AnidbAnimeID="17720")),
        ("file_not_matched", lambda payload: payload.update(IsUDPBanned="yes")),
        ("file_detected", lambda payload: payload.update(ImportFolderID=None, RelativePath=7)),
    ],
)
def test_unknown_shapes_raise(name: str, change: Any) -> None:
    payload = fixture("shoko", name)
    change(payload)
    with pytest.raises(PayloadError):
        parse_event(f"ShokoEvent:{EVENT_NAMES[name]}", payload, source=SOURCE, at=AT)


@pytest.mark.parametrize("name", ["ShokoEvent:FileSomething", "FileMatched", "file:matched", "ShokoEvent:OnConnected"])
def test_unknown_event_names_raise(name: str) -> None:
    with pytest.raises(PayloadError):
        parse_event(name, fixture("shoko", "file_matched"), source=SOURCE, at=AT)


def test_payload_that_is_not_an_object() -> None:
    with pytest.raises(PayloadError):
        parse_event("ShokoEvent:FileMatched", [fixture("shoko", "file_matched")], source=SOURCE, at=AT)


# --- fuzzing -----------------------------------------------------------------------------------------------------

NAMES = sorted({f"ShokoEvent:{name}" for name in EVENT_NAMES.values()})


@settings(max_examples=150, deadline=None)
@given(payload=JSON_VALUES, name=st.sampled_from(NAMES) | st.text(max_size=30))
def test_fuzz_any_json(payload: Any, name: str) -> None:
    assert_evidence_or_payload_error(lambda: parse_event(name, payload, source=SOURCE, at=AT))


@settings(max_examples=200, deadline=None)
@given(
    data=st.data(),
    fixture_name=st.sampled_from(sorted(EVENT_NAMES)),
    folders=st.dictionaries(st.integers(0, 5), st.text(max_size=20), max_size=3),
)
def test_fuzz_broken_fixtures(data: st.DataObject, fixture_name: str, folders: dict[int, str]) -> None:
    payload = data.draw(mutated(fixture("shoko", fixture_name)))
    name = f"ShokoEvent:{EVENT_NAMES[fixture_name]}"
    assert_evidence_or_payload_error(lambda: parse_event(name, payload, source=SOURCE, at=AT, import_folders=folders))
