"""Every upstream string is cleaned where it is read, so nothing a service sends can make a store unwritable."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from homeassistant.helpers.json import json_bytes
from hypothesis import given, strategies as st
import orjson

from custom_components.media_request_tracker.sources.arr.parser import parse_webhook
from custom_components.media_request_tracker.sources.payload import MAX_TEXT, clean_text, opt_str
from simulator import payloads


def encodes(value: Any) -> None:
    """`value` encodes as the store (json) and Home Assistant's registries (orjson) encode it."""
    json.dumps(value, ensure_ascii=False).encode("utf-8")
    json.dumps(value).encode("utf-8")
    orjson.dumps(value)
    json_bytes(value)


@given(st.text(alphabet=st.characters(codec=None), max_size=200))
def test_any_string_encodes_after_cleaning(text: str) -> None:
    cleaned = clean_text(text)
    encodes(cleaned)
    encodes({"title": opt_str({"title": text}, "title", "test")})
    assert not any(ord(char) < 32 and char not in "\t\n" for char in cleaned)
    assert clean_text(cleaned) == cleaned


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=200))
def test_clean_strings_are_kept_as_they_are(text: str) -> None:
    assert clean_text(text) == text


def test_length_is_bounded() -> None:
    assert len(clean_text("x" * (MAX_TEXT * 2))) == MAX_TEXT


def test_radarr_grab_with_a_lone_surrogate_gives_evidence_that_encodes() -> None:
    movie = payloads.radarr_movie(movie_id=7, title="Harbor \ud800", year=2021, tmdb_id=700_007)
    body = payloads.radarr_grab(movie, download_id=payloads.torrent_hash("r"), release_title="Harbor.\ud800.2021")
    body["release"]["releaseTitle"] = "Harbor.\ud800\x00.2021"
    wire = json.loads(json.dumps(body))  # valid JSON: the surrogate travels as an escape
    evidence = parse_webhook(wire, source="radarr", kind="radarr", at=0.0)
    assert evidence
    for item in evidence:
        as_dict = dataclasses.asdict(item)
        text = repr(as_dict)
        assert "\ud800" not in text
        assert "\x00" not in text
        encodes(json.loads(json.dumps(as_dict, default=sorted)))
    assert any("Harbor.\ufffd.2021" in repr(dataclasses.asdict(item)) for item in evidence)
