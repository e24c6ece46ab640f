"""The qBittorrent parser: what each torrent state proves, from `/api/v2/torrents/info` rows."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.media_request_tracker.sources.qbittorrent.client import Torrent
from custom_components.media_request_tracker.sources.qbittorrent.models import torrent_from_row
from custom_components.media_request_tracker.sources.qbittorrent.parser import torrent_evidence
from custom_components.media_request_tracker.tracker.evidence import (
    DownloadCompleted,
    DownloadPhase,
    DownloadProgress,
    Evidence,
)
from custom_components.media_request_tracker.tracker.ids import IdKind

from .parser_support import fixture, json_values, mutated

SOURCE = "qbit"
AT = 5000.0


def torrents() -> dict[str, Torrent]:
    """The fixture's torrents by name."""
    rows = fixture("qbittorrent", "torrents")
    return {row["name"]: torrent_from_row(row) for row in rows}


def evidence_of(name: str) -> Evidence:
    [evidence] = torrent_evidence(torrents()[name], source=SOURCE, at=AT)
    assert evidence.source == SOURCE
    assert evidence.at == AT
    assert evidence.media.title is None
    return evidence


def test_downloading() -> None:
    progress = evidence_of("The.Quiet.Orchard.2018.1080p.WEB-DL.DDP5.1.H.264-GRPX")
    assert isinstance(progress, DownloadProgress)
    assert progress.ids == {(IdKind.DOWNLOAD, "9a0b1c2d3e4f5061728394a5b6c7d8e9f0a1b2c3")}
    assert progress.progress == 0.75
    assert progress.size == 5368709120
    assert progress.download_speed == 4194304
    assert progress.eta == 320
    assert progress.phase is DownloadPhase.DOWNLOADING


def test_metadata_has_no_size() -> None:
    progress = evidence_of("Magnet.Without.Metadata")
    assert isinstance(progress, DownloadProgress)
    assert progress.phase is DownloadPhase.METADATA
    assert progress.size is None
    assert progress.progress == 0.0
    assert progress.eta is None


def test_completed() -> None:
    completed = evidence_of("[SubGrp] Starfall Academy - S01 (BD 1080p HEVC) [Dual Audio]")
    assert isinstance(completed, DownloadCompleted)
    assert completed.ids == {(IdKind.DOWNLOAD, "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678")}
    assert completed.size == 16106127360


@pytest.mark.parametrize("name", ["Skyward.Tide.2021.1080p.BluRay.x265-ANIGRP", "Broken.Download"])
def test_error_and_missing_files_are_not_failures(name: str) -> None:
    progress = evidence_of(name)
    assert isinstance(progress, DownloadProgress)
    assert progress.phase is DownloadPhase.ERROR
    assert progress.size is not None
    assert progress.progress in (0.4, 0.1)


@pytest.mark.parametrize(
    ("name", "phase"),
    [
        ("Paused.Download", DownloadPhase.PAUSED),
        ("Stopped.Download", DownloadPhase.PAUSED),
        ("Queued.Download", DownloadPhase.QUEUED),
        ("Stalled.Download", DownloadPhase.STALLED),
        ("Checking.Download", DownloadPhase.CHECKING),
        ("Hybrid.Torrent", DownloadPhase.DOWNLOADING),
        ("Future.State", DownloadPhase.DOWNLOADING),
    ],
)
def test_phases(name: str, phase: DownloadPhase) -> None:
    progress = evidence_of(name)
    assert isinstance(progress, DownloadProgress)
    assert progress.phase is phase


def test_hybrid_torrent_answers_to_every_hash() -> None:
    progress = evidence_of("Hybrid.Torrent")
    assert progress.ids == {
        (IdKind.DOWNLOAD, "8a8b8c8d8e8f909192939495969798999a9b9c9d"),
        (IdKind.DOWNLOAD, "b0b1b2b3b4b5b6b7b8b9c0c1c2c3c4c5c6c7c8c9"),
    }
    assert isinstance(progress, DownloadProgress)
    assert progress.download_speed == 1048576
    assert progress.eta == 400


def test_torrent_without_hashes_gives_nothing() -> None:
    torrent = Torrent.from_api("", {"state": "downloading", "progress": 0.5})
    assert torrent_evidence(torrent, source=SOURCE, at=AT) == []


# --- fuzzing -----------------------------------------------------------------------------------------------------

# The client's Torrent model turns numbers into ints and cannot take NaN or infinity (JSON qBittorrent never sends);
# the parser's part starts from any Torrent the model can build.
FINITE_JSON = json_values(finite=True)
FIELDS = st.sampled_from(
    ["hash", "name", "state", "progress", "size", "total_size", "dlspeed", "eta", "infohash_v1", "infohash_v2"]
)


def check(torrent: Torrent) -> None:
    result = torrent_evidence(torrent, source=SOURCE, at=AT)
    assert isinstance(result, list)
    assert all(isinstance(item, DownloadProgress | DownloadCompleted) for item in result)
    for item in result:
        if isinstance(item, DownloadProgress):
            assert 0.0 <= item.progress <= 1.0


@settings(max_examples=150, deadline=None)
@given(hash_=st.text(max_size=70), fields=st.dictionaries(FIELDS | st.text(max_size=15), FINITE_JSON, max_size=8))
def test_fuzz_any_fields(hash_: str, fields: dict[str, Any]) -> None:
    check(Torrent.from_api(hash_, fields))


@settings(max_examples=200, deadline=None)
@given(data=st.data(), index=st.integers(0, 11))
def test_fuzz_broken_rows(data: st.DataObject, index: int) -> None:
    row = data.draw(mutated(fixture("qbittorrent", "torrents")[index], values=FINITE_JSON))
    if not isinstance(row, dict):
        return
    check(Torrent.from_api(str(row.get("hash", "")), row))


@pytest.mark.parametrize(
    ("name", "state"), [("Skyward.Tide.2021.1080p.BluRay.x265-ANIGRP", "missingFiles"), ("Broken.Download", "error")]
)
def test_an_error_names_its_state_and_the_client(name: str, state: str) -> None:
    progress = evidence_of(name)
    assert isinstance(progress, DownloadProgress)
    assert (progress.problem, progress.client) == (state, "qBittorrent")


def stalled_row(**counts: int) -> dict[str, Any]:
    [row] = [row for row in fixture("qbittorrent", "torrents") if row["name"] == "Stalled.Download"]
    row = {key: value for key, value in row.items() if key not in ("num_seeds", "num_complete")}
    return row | counts


@pytest.mark.parametrize(
    ("counts", "seeds"),
    [
        ({"num_seeds": 0, "num_complete": 0}, 0),
        ({"num_seeds": 0}, 0),
        ({"num_seeds": 0, "num_complete": 4}, 4),
        ({"num_seeds": 1, "num_complete": -1}, 1),
        ({}, None),
    ],
)
def test_a_stalled_torrent_says_how_many_seeds_it_has(counts: dict[str, int], seeds: int | None) -> None:
    [progress] = torrent_evidence(torrent_from_row(stalled_row(**counts)), source=SOURCE, at=AT)
    assert isinstance(progress, DownloadProgress)
    assert progress.phase is DownloadPhase.STALLED
    assert progress.seeds == seeds


def test_seeds_are_said_only_of_a_stalled_torrent() -> None:
    progress = evidence_of("The.Quiet.Orchard.2018.1080p.WEB-DL.DDP5.1.H.264-GRPX")
    assert isinstance(progress, DownloadProgress)
    assert progress.seeds is None, "a moving torrent with no seed connected is fine (peers send data)"
