"""Storing the tracker's state: what is dumped to JSON comes back the same, and bad entries do not stop the rest."""

from __future__ import annotations

import copy
from dataclasses import fields, replace
import hashlib
import json
import logging
from typing import Any

import pytest

from custom_components.media_request_tracker.tracker import (
    AnimeFileMatched,
    AnimeFileNotMatched,
    DownloadFailed,
    DownloadProgress,
    ImportBlocked,
    LibraryItemFound,
    MediaInfo,
    MediaType,
    RequestApproved,
    RequestDeclined,
    Stage,
    TrackedRequest,
    Tracker,
    make_ids,
)
from custom_components.media_request_tracker.tracker.evidence import EVIDENCE_TYPES
from custom_components.media_request_tracker.tracker.serialization import (
    SCHEMA_VERSION,
    STORED_TIMELINE,
    SchemaError,
    dump_evidence,
    dump_tracker,
    load_evidence,
    load_request,
    load_tracker,
    migrate_version_1,
    stored_request,
)

from .builders import (
    HASH_A,
    HASH_B,
    completed,
    episode_path,
    episodes_imported,
    grab,
    one_of_each,
    progress,
    qbit_ids,
    show_ids,
)

HYBRID_V1 = hashlib.sha1(b"stored hybrid", usedforsecurity=False).hexdigest()
HYBRID_V2 = hashlib.sha256(b"stored hybrid").hexdigest()
ANIME_SHOW = MediaInfo(
    title="The Show",
    year=2022,
    media_type=MediaType.TV,
    poster="/poster.jpg",
    anime=True,
    requested_by="bo",
    seasons=frozenset({1}),
)
EP1, EP2, EP3 = frozenset({(1, 1)}), frozenset({(1, 2)}), frozenset({(1, 3)})


def round_trip(tracker: Tracker) -> Tracker:
    """Dump, go through JSON text as the store does, and load into a new tracker."""
    text = json.dumps(dump_tracker(tracker))
    loaded = Tracker()
    load_tracker(json.loads(text), loaded)
    return loaded


def busy_tracker() -> tuple[Tracker, TrackedRequest]:
    """A tracker holding one anime series request with a bit of everything, plus held evidence."""
    tracker = Tracker()
    seerr = show_ids(seerr_request=8, seerr_instance="seerr", imdb="tt0944947")
    tracker.apply(RequestApproved(source="seerr", at=1, ids=seerr, media=ANIME_SHOW, automatic=True))
    # Episode 1: a hybrid torrent that qBittorrent names by two hashes, imported and matched by Shoko.
    tracker.apply(
        grab(HYBRID_V1.upper(), at=2, media=ANIME_SHOW, episodes=EP1, source="sonarr", arr_item=23, indexer="nyaa")
    )
    tracker.apply(
        DownloadProgress(
            source="qbit", at=3, ids=make_ids(download_ids=(HYBRID_V2, HYBRID_V1)), progress=0.5, size=900, eta=60
        )
    )
    tracker.apply(completed(HYBRID_V1, at=4))
    tracker.apply(episodes_imported(HYBRID_V1, EP1, at=5, media=ANIME_SHOW))
    name1 = episode_path(1, 1).rsplit("/", 1)[1]
    shoko1 = make_ids(files=(f"/mnt/anime/{name1}",), shoko_file=501, shoko_series=(555,), anidb=(17000,))
    tracker.apply(AnimeFileMatched(source="shoko", at=6, ids=shoko1, file_id="501"))
    # Episode 2: imported, and Shoko could not match it.
    tracker.apply(grab(HASH_A, at=7, media=ANIME_SHOW, episodes=EP2, source="sonarr", arr_item=23))
    tracker.apply(completed(HASH_A, at=8, size=1_000))
    tracker.apply(episodes_imported(HASH_A, EP2, at=9, media=ANIME_SHOW))
    name2 = episode_path(1, 2).rsplit("/", 1)[1]
    shoko2 = make_ids(files=(f"/mnt/anime/{name2}",), shoko_file=502)
    tracker.apply(AnimeFileNotMatched(source="shoko", at=10, ids=shoko2, file_id="502", reason="no release"))
    # Episode 3: its download failed.
    tracker.apply(grab(HASH_B, at=11, media=ANIME_SHOW, episodes=EP3, source="sonarr", arr_item=23))
    tracker.apply(progress(HASH_B, 0.2, at=12, size=1_100, speed=300, episodes=EP3))
    tracker.apply(DownloadFailed(source="sonarr", at=13, ids=qbit_ids(HASH_B), reason="stalled", episodes=EP3))
    tracker.apply(RequestDeclined(source="seerr", at=14, ids=seerr, reason="late decline"))
    tracker.apply(ImportBlocked(source="sonarr", at=15, ids=qbit_ids(HASH_B), reason="sample"))
    tracker.apply(
        LibraryItemFound(
            source="jellyfin", at=16, ids=make_ids(shoko_series=(555,), jellyfin_item="s1"), item_type="Series"
        )
    )
    request = next(iter(tracker.requests.values()))
    # What the evidence above cannot reach in a few steps.
    request.downloads[HASH_A.lower()].superseded = True
    request.timeline_dropped = 4
    tracker.restore_pending(one_of_each())
    return tracker, request


def test_busy_tracker_sets_every_request_field() -> None:
    """Guard: a field left at its default would round-trip without being tested."""
    _, request = busy_tracker()
    default = TrackedRequest(key="", created_at=0.0, updated_at=0.0)
    unset = [f.name for f in fields(TrackedRequest) if getattr(request, f.name) == getattr(default, f.name)]
    assert unset == []
    assert request.download_aliases, "a hybrid torrent's second hash"
    assert request.series_in_library
    assert set(request.problems) == {Stage.DECLINED}
    files = list(request.files.values())
    assert any(f.matched for f in files)
    assert any(f.unmatched_reason for f in files)
    assert any(d.failed for d in request.downloads.values())
    assert any(entry.inferred for entry in request.timeline)
    assert {type(e).__name__ for e in one_of_each()} == set(EVIDENCE_TYPES)


def test_dump_then_json_then_load_round_trips_every_request_field() -> None:
    tracker, request = busy_tracker()

    loaded = round_trip(tracker)

    assert list(loaded.requests) == [request.key]
    restored = loaded.requests[request.key]
    for item in fields(TrackedRequest):
        assert getattr(restored, item.name) == getattr(request, item.name), item.name
    assert restored == request
    # Derived facts come out the same too.
    assert restored.stage is request.stage
    assert restored.episode_stages() == request.episode_stages()
    assert (restored.progress, restored.size, restored.eta) == (request.progress, request.size, request.eta)


def test_dump_then_json_then_load_round_trips_held_evidence_of_every_type() -> None:
    tracker, _ = busy_tracker()

    loaded = round_trip(tracker)

    assert loaded.pending == tracker.pending
    assert [type(e) for e in loaded.pending] == [type(e) for e in one_of_each()]


@pytest.mark.parametrize("evidence", one_of_each(), ids=lambda item: type(item).__name__)
def test_each_evidence_type_round_trips_alone(evidence: Any) -> None:
    restored = load_evidence(json.loads(json.dumps(dump_evidence(evidence))))
    assert type(restored) is type(evidence)
    assert restored == evidence


def test_loaded_tracker_matches_evidence_to_loaded_requests_and_applies_held_evidence() -> None:
    tracker = Tracker()
    tracker.apply(grab(HASH_A, at=1))
    tracker.apply(progress(HASH_B, 0.3, at=2))  # held: nothing names HASH_B yet

    loaded = round_trip(tracker)
    (request,) = loaded.requests.values()

    changes = loaded.apply(progress(HASH_A, 0.6, at=3))
    assert [c.request.key for c in changes] == [request.key]
    assert request.stage is Stage.DOWNLOADING

    # The held report is indexed again: a grab naming its hash picks it up.
    loaded.apply(grab(HASH_B, at=4, arr_item=99, source="radarr-other"))
    assert loaded.pending == []


def test_wrong_schema_version_raises() -> None:
    data = dump_tracker(Tracker())
    for version in (SCHEMA_VERSION + 1, 0, None, "1"):
        data["version"] = version
        with pytest.raises(SchemaError):
            load_tracker(data, Tracker())
    del data["version"]
    with pytest.raises(SchemaError):
        load_tracker(data, Tracker())


def _two_requests() -> dict[str, Any]:
    tracker = Tracker()
    tracker.apply(grab(HASH_A, at=1))
    tracker.apply(grab(HASH_B, at=2, media=ANIME_SHOW, source="sonarr"))
    return dump_tracker(tracker)


@pytest.mark.parametrize(
    "breakage",
    [
        {"created_at": None},
        {"stage": "lost"},
        {"ids": [["no_such_kind", "1"]]},
        {"timeline": [["requested"]]},
        {"files": {"x.mkv": "not a file"}},
        {"episodes": [[1, 2]]},
    ],
    ids=lambda breakage: next(iter(breakage)),
)
def test_malformed_request_is_skipped_with_a_warning_and_the_others_load(
    breakage: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    data = _two_requests()
    bad, good = data["requests"]
    bad.update(breakage)

    loaded = Tracker()
    with caplog.at_level(logging.WARNING):
        load_tracker(json.loads(json.dumps(data)), loaded)

    assert list(loaded.requests) == [good["key"]]
    assert any("Skipping a stored request" in record.getMessage() for record in caplog.records)
    # The skipped request's ids were not indexed: its download's reports are held.
    loaded.apply(progress(HASH_A, 0.5, at=5))
    assert len(loaded.pending) == 1


def test_request_entry_missing_a_required_key_is_skipped(caplog: pytest.LogCaptureFixture) -> None:
    data = _two_requests()
    del data["requests"][0]["key"]
    data["requests"].insert(0, "not even an object")

    loaded = Tracker()
    with caplog.at_level(logging.WARNING):
        load_tracker(data, loaded)

    assert len(loaded.requests) == 1
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 2


@pytest.mark.parametrize("breakage", [{"downloads": []}, {"problems": "failed"}], ids=["downloads", "problems"])
def test_request_with_a_container_of_the_wrong_shape_is_skipped(
    breakage: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    data = _two_requests()
    data["requests"][0].update(breakage)

    loaded = Tracker()
    with caplog.at_level(logging.WARNING):
        load_tracker(data, loaded)

    assert list(loaded.requests) == [data["requests"][1]["key"]]


def test_malformed_held_evidence_is_skipped_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    good = dump_evidence(progress(HASH_A, 0.5, at=5))
    unknown_kind = {**good, "kind": "SomethingNew"}
    bad_time = {**good, "at": "soon"}
    bad_id = {**good, "ids": [["no_such_kind", "x"]]}
    data = {"version": SCHEMA_VERSION, "requests": [], "pending": [unknown_kind, bad_time, bad_id, good]}

    loaded = Tracker()
    with caplog.at_level(logging.WARNING):
        load_tracker(copy.deepcopy(data), loaded)

    assert loaded.pending == [progress(HASH_A, 0.5, at=5)]
    assert len([r for r in caplog.records if "Skipping stored evidence" in r.getMessage()]) == 3


def test_held_evidence_with_media_of_the_wrong_shape_is_skipped() -> None:
    good = dump_evidence(progress(HASH_A, 0.5, at=5))
    data = {"version": SCHEMA_VERSION, "requests": [], "pending": [{**good, "media": "movie"}, good]}

    loaded = Tracker()
    load_tracker(data, loaded)

    assert len(loaded.pending) == 1


# --- the store's layout --------------------------------------------------------------------------------------


def test_stored_request_round_trips_every_field_and_shares_no_container() -> None:
    _, request = busy_tracker()

    stored = stored_request(request)
    restored = load_request(json.loads(json.dumps(stored)))

    assert restored == request
    # A snapshot: changing the request afterwards leaves it as it was.
    text = json.dumps(stored)
    request.download_aliases["another"] = "hash"
    request.timeline.append(request.timeline[0])
    next(iter(request.downloads.values())).progress = 0.99
    assert json.dumps(stored) == text


def test_stored_timeline_keeps_the_first_and_newest_entries_and_counts_the_rest() -> None:
    _, request = busy_tracker()
    first = request.timeline[0]
    request.timeline = [first, *(replace(first, at=float(n)) for n in range(1, 120))]
    request.timeline_dropped = 4

    restored = load_request(stored_request(request))

    assert len(restored.timeline) == STORED_TIMELINE
    assert restored.timeline[0] == first
    assert restored.timeline[1:] == request.timeline[-(STORED_TIMELINE - 1) :]
    assert restored.timeline_dropped == 4 + 120 - STORED_TIMELINE


def test_version_1_store_data_migrates_to_the_same_requests() -> None:
    tracker, _ = busy_tracker()
    data = json.loads(json.dumps(dump_tracker(tracker)))

    migrated = migrate_version_1(data)

    assert [load_request(raw) for raw in migrated["requests"]] == list(tracker.requests.values())
    assert [load_evidence(raw) for raw in migrated["pending"]] == tracker.pending


@pytest.mark.parametrize(
    "data",
    [[], "text", {"version": 2}, {"requests": []}, {"version": 1, "requests": {}}],
    ids=["list", "string", "newer", "no version", "requests not a list"],
)
def test_version_1_migration_refuses_what_it_cannot_read(data: Any) -> None:
    with pytest.raises(SchemaError):
        migrate_version_1(data)
