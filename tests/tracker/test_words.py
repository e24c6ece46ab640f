"""The tracker's notes in English (`words.py`): every code the core writes has its words."""

from __future__ import annotations

import json
import re

import pytest

from custom_components.media_request_tracker import words
from custom_components.media_request_tracker.tracker import STALL_CODES, Note
from custom_components.media_request_tracker.tracker.evidence import EVIDENCE_TYPES
from tests.conftest import PROJECT_ROOT

from .builders import one_of_each

PACKAGE = PROJECT_ROOT / "custom_components" / "media_request_tracker"


def test_every_timeline_note_the_evidence_writes_has_words() -> None:
    for evidence in one_of_each():
        note = evidence.describe()
        assert note.code in words._TIMELINE or note.code in STALL_CODES, note
        assert "=" not in words.timeline_detail(note), note
    assert {type(e).__name__ for e in one_of_each()} == set(EVIDENCE_TYPES)


@pytest.mark.parametrize(
    ("note", "text"),
    [
        (Note.of("requested", by="ana"), "requested by ana"),
        (Note.of("requested"), "requested"),
        (Note.of("declined", reason="no room"), "declined: no room"),
        (Note.of("grabbed"), "release grabbed"),
        (Note.of("imported", files=3), "imported (3 files)"),
        (Note.of("added", service="01ABC"), "added to Radarr 4K"),
        (Note.of("download_started").inferred(), "inferred from: download started"),
        (Note.of("search_completed", grabbed=0), "searched: no release found"),
        (Note.text("as stored"), "as stored"),
        (Note.of("something_new", x=1), "something new (x=1)"),
    ],
)
def test_timeline_details(note: Note, text: str) -> None:
    assert words.timeline_detail(note, {"01ABC": "Radarr 4K"}) == text


@pytest.mark.parametrize("code", sorted(STALL_CODES))
def test_every_stall_code_has_words_and_a_repair_issue(code: str) -> None:
    note = Note.of(code, idle=7200, service="sonarr", searches=2, since=0, client="qBittorrent", reason="r")
    reason = words.stall_reason(note)
    assert reason
    assert code not in reason

    key, placeholders = words.stall_issue(note, title="The Show (2022)", stage="anime_matching")
    assert key == f"stalled_{code}"
    assert placeholders["stage"] == "anime matching"
    assert placeholders["reason"] == reason
    for strings in (PACKAGE / "strings.json", PACKAGE / "translations" / "en.json"):
        issue = json.loads(strings.read_text())["issues"][key]
        used = {name for text in issue.values() if isinstance(text, str) for name in _placeholders(text)}
        assert used <= set(placeholders), (key, used - set(placeholders))


def test_a_stored_english_reason_is_its_own_repair_issue() -> None:
    key, placeholders = words.stall_issue(Note.text("old words"), title="T", stage="downloading")
    assert (key, placeholders["reason"]) == ("stalled_text", "old words")


def test_stall_reasons_in_english() -> None:
    assert words.stall_reason(Note.of("download_error", client="qBittorrent", problem="missingFiles")) == (
        "qBittorrent reports an error: its files are missing: check that the save path is mounted"
    )
    assert words.stall_reason(Note.of("no_release_found", searches=1, since=86400, service="radarr")).startswith(
        "no release found (1 search since 1970-01-02 00:00 UTC): check Radarr's indexers"
    )
    assert "Shokofin" in words.stall_reason(Note.of("not_in_library", idle=1860, anime=True))
    assert "Shokofin" not in words.stall_reason(Note.of("not_in_library", idle=1860))
    assert words.duration(3 * 86400) == "3 days"


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"{(\w+)}", text))


NAMES = {"01RADARR": "Radarr 4K", "01JELLY": "Jellyfin", "01SHOKO": "Shoko"}


@pytest.mark.parametrize(
    ("note", "text"),
    [
        (Note.of("search_sent", service="01RADARR"), "asked Radarr 4K to search again"),
        (
            Note.of("search_skipped", service="01RADARR", why="in_library"),
            "no search sent to Radarr 4K: it has the file already",
        ),
        (Note.of("approved_by", by="Ana"), "approved by Ana"),
        (Note.of("declined_by", reason="we own it"), "declined in Home Assistant: we own it"),
        (Note.of("marked_available"), "marked available in Home Assistant"),
        (Note.of("library_scan_started", service="01JELLY"), "asked Jellyfin to scan the library"),
        (Note.of("rescan_requested", service="01SHOKO", files=2), "asked Shoko to rescan 2 files"),
        (
            Note.of("action_failed", action="scan_library", service="01JELLY", error="timed out"),
            "the library scan failed: Jellyfin answered timed out",
        ),
    ],
)
def test_what_a_person_asked_for_in_the_timeline(note: Note, text: str) -> None:
    assert words.timeline_detail(note, NAMES) == text


def test_fixable_issues_say_what_the_fix_does() -> None:
    """Every issue offered as a fix has a confirmation step and abort reasons, in both string files."""
    for strings in (PACKAGE / "strings.json", PACKAGE / "translations" / "en.json"):
        issues = json.loads(strings.read_text())["issues"]
        for key in words.FIX_FLOW_ISSUES:
            flow = issues[key]["fix_flow"]
            assert flow["step"]["confirm"]["description"], key
            assert set(flow["abort"]) == {"not_stalled", "failed"}, key
            assert "Submit" in issues[key]["description"], key
