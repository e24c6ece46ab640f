"""The tracker's store inside Home Assistant: nothing lost to a write in progress, written under continuous change,
failed writes retried, damaged files kept aside, version 1 migrated."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
import json
import logging
from pathlib import Path
import threading
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir, storage
from homeassistant.util import dt as dt_util
from homeassistant.util.file import WriteError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.media_request_tracker import store as store_module
from custom_components.media_request_tracker.const import DOMAIN, SAVE_DELAY_SECONDS, SAVE_RETRY_SECONDS
from custom_components.media_request_tracker.store import ISSUE_KEPT_ASIDE, TrackerStore, segment_of
from custom_components.media_request_tracker.tracker import DownloadProgress, Evidence, Tracker, make_ids
from custom_components.media_request_tracker.tracker.serialization import (
    dump_request,
    dump_tracker,
    stored_request,
)
from custom_components.media_request_tracker.tracker.stages import FINISHED_STAGES

from ..tracker.lifecycles import MOVIE_HASH, movie, series
from .conftest import ENTRY_ID, feed, setup_integration

MAIN_KEY = f"{DOMAIN}.{ENTRY_ID}"
ISSUE_ID = f"{ISSUE_KEPT_ASIDE}_{ENTRY_ID}"
_STORE_LOGGER = store_module.__name__


def _part(data: Any, version: int = 2, key: str = MAIN_KEY) -> dict[str, Any]:
    return {"version": version, "minor_version": 1, "key": key, "data": data}


async def _reloaded(hass: HomeAssistant) -> Tracker:
    """What a fresh start would read back from the store."""
    tracker = Tracker()
    await TrackerStore(hass, ENTRY_ID, tracker).async_load()
    return tracker


def _dumped(tracker: Tracker) -> dict[str, Any]:
    return {key: dump_request(request) for key, request in tracker.requests.items()}


def _requests_evidence(count: int) -> list[list[Evidence]]:
    """The evidence of `count` separate requests (movies and series, each with ids of its own)."""
    return [
        [_renumbered(item, number) for item in lifecycle.evidence]
        for number, lifecycle in enumerate([movie(), series(episodes=6), movie(anime=True)][:count])
    ]


def _renumbered(item: Evidence, number: int) -> Evidence:
    ids = frozenset((kind, f"{value}-{number}" if number else value) for kind, value in item.ids)
    return replace(item, ids=ids)


def _download_progress(at: float, progress: float) -> DownloadProgress:
    ids = make_ids(download_ids=(MOVIE_HASH.lower(),))
    return DownloadProgress(source="qbit", at=at, ids=ids, progress=progress, size=4_000, download_speed=10, eta=60)


async def test_changes_during_a_write_are_all_stored(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, hass_storage: dict
) -> None:
    """While the executor encodes, the event loop goes on changing the tracker: nothing is lost."""
    runtime = loaded_entry.runtime_data.hub
    first, *others = _requests_evidence(3)
    await feed(hass, loaded_entry, first[:4])
    encoding, release = threading.Event(), threading.Event()
    encode = store_module._encode

    def held_encode(*args: Any) -> Any:
        encoding.set()
        release.wait(timeout=30)
        return encode(*args)

    with patch.object(store_module, "_encode", held_encode):
        write = hass.async_create_task(runtime.store.async_save())
        await hass.async_add_executor_job(encoding.wait, 30)
        # The write is in the executor: the first request moves on, two more arrive and change.
        runtime.ingest(first[4:])
        for evidence in others:
            runtime.ingest(evidence)
        release.set()
        await write
    await hass.async_block_till_done()
    await runtime.store.async_save()

    assert len(runtime.tracker.requests) == 3
    assert _dumped(await _reloaded(hass)) == _dumped(runtime.tracker)


async def test_an_hour_of_progress_every_five_seconds_writes_at_least_every_thirty_seconds(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, hass_storage: dict, freezer: FrozenDateTimeFactory
) -> None:
    await feed(hass, loaded_entry, movie(metadata_first=False).evidence[:3])
    # An unfinished request is kept in the main file, with the other requests a poll moves.
    segment_key = MAIN_KEY
    write = store_module._Part.async_write
    written_at: list[float] = []

    async def timed_write(part: store_module._Part, data: dict[str, Any]) -> Exception | None:
        if part.key == segment_key:
            written_at.append(dt_util.utcnow().timestamp())
        return await write(part, data)

    started = dt_util.utcnow().timestamp()
    with patch.object(store_module._Part, "async_write", timed_write):
        for step in range(1, 721):  # one hour, a poll every five seconds, each moving the download on
            freezer.tick(5)
            async_fire_time_changed(hass)
            await feed(hass, loaded_entry, [_download_progress(dt_util.utcnow().timestamp(), step / 721)])
        finished = dt_util.utcnow().timestamp()

    gaps = [later - earlier for earlier, later in zip([started, *written_at], [*written_at, finished], strict=True)]
    assert len(written_at) >= 120
    assert max(gaps) <= 30
    stored = hass_storage[segment_key]["data"]["requests"]
    assert stored[0]["downloads"][MOVIE_HASH.lower()]["progress"] >= 710 / 721


async def test_a_poll_rewrites_only_the_file_of_unfinished_requests(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, hass_storage: dict
) -> None:
    """Finished requests sit in their hashed segments; a request that finishes moves there at the next write."""
    runtime = loaded_entry.runtime_data.hub
    downloading, *finished = _requests_evidence(3)
    await feed(hass, loaded_entry, downloading[:4])
    for evidence in finished:
        await feed(hass, loaded_entry, evidence)
    await runtime.store.async_save()
    unfinished = [key for key, r in runtime.tracker.requests.items() if r.stage not in FINISHED_STAGES]
    assert [r["key"] for r in hass_storage[MAIN_KEY]["data"]["requests"]] == unfinished
    for key in runtime.tracker.requests.keys() - set(unfinished):
        assert key in [r["key"] for r in hass_storage[f"{MAIN_KEY}.{segment_of(key):02d}"]["data"]["requests"]]

    written: list[str] = []
    write = store_module._Part.async_write

    async def noted_write(part: store_module._Part, data: dict[str, Any]) -> Exception | None:
        written.append(part.key)
        return await write(part, data)

    with patch.object(store_module._Part, "async_write", noted_write):
        await feed(hass, loaded_entry, [_download_progress(dt_util.utcnow().timestamp(), 0.5)])
        await runtime.store.async_save()
        assert written == [MAIN_KEY]

        # The download finishes its whole lifecycle: the request leaves the main file for its segment.
        written.clear()
        await feed(hass, loaded_entry, downloading[4:])
        await runtime.store.async_save()
    (key,) = unfinished
    home = f"{MAIN_KEY}.{segment_of(key):02d}"
    assert sorted(written) == sorted([MAIN_KEY, home])
    assert hass_storage[MAIN_KEY]["data"]["requests"] == []
    assert key in [r["key"] for r in hass_storage[home]["data"]["requests"]]
    assert _dumped(await _reloaded(hass)) == _dumped(runtime.tracker)


async def test_a_store_with_every_request_in_its_hashed_segment_loads_and_moves_the_unfinished_ones(
    hass: HomeAssistant, config_entry: MockConfigEntry, hass_storage: dict, freezer: FrozenDateTimeFactory
) -> None:
    """The layout before unfinished requests were kept in the main file: read as it is, moved at the first write."""
    before = Tracker()
    downloading, *finished = _requests_evidence(3)
    for evidence in [downloading[:4], *finished]:
        for item in evidence:
            before.apply(item)
    by_segment: dict[int, list[dict[str, Any]]] = {}
    for key, request in before.requests.items():
        by_segment.setdefault(segment_of(key), []).append(stored_request(request))
    hass_storage[MAIN_KEY] = _part({"segments": 32, "pending": []})
    for segment, requests in by_segment.items():
        key = f"{MAIN_KEY}.{segment:02d}"
        hass_storage[key] = _part({"requests": requests}, key=key)

    await setup_integration(hass, config_entry)

    assert _dumped(config_entry.runtime_data.hub.tracker) == _dumped(before)
    freezer.tick(SAVE_DELAY_SECONDS)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    (unfinished,) = (key for key, r in before.requests.items() if r.stage not in FINISHED_STAGES)
    assert [r["key"] for r in hass_storage[MAIN_KEY]["data"]["requests"]] == [unfinished]
    segment = hass_storage[f"{MAIN_KEY}.{segment_of(unfinished):02d}"]["data"]["requests"]
    assert unfinished not in [r["key"] for r in segment]
    assert _dumped(await _reloaded(hass)) == _dumped(before)


async def test_a_failed_write_is_retried_and_logged_once(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_storage: dict,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    runtime = loaded_entry.runtime_data.hub
    caplog.set_level(logging.INFO, logger=_STORE_LOGGER)
    with patch.object(storage.Store, "_async_write_data", side_effect=WriteError("disk full")) as failing:
        await feed(hass, loaded_entry, movie().evidence[:2])
        for _ in range(3):
            freezer.tick(SAVE_RETRY_SECONDS)
            async_fire_time_changed(hass)
            await hass.async_block_till_done()
    assert failing.call_count >= 3
    assert not any(key.startswith(MAIN_KEY) for key in hass_storage)
    failures = [r for r in caplog.records if r.name == _STORE_LOGGER and r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in failures] == [
        f"Could not write the tracked requests (disk full); retrying every {SAVE_RETRY_SECONDS} s"
    ]

    # The disk has room again: the next retry writes, and says so once.
    freezer.tick(SAVE_RETRY_SECONDS)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert _dumped(await _reloaded(hass)) == _dumped(runtime.tracker)
    recovered = [r for r in caplog.records if r.getMessage() == "The tracked requests are written again"]
    assert len(recovered) == 1


async def test_version_1_data_migrates_to_the_same_requests(
    hass: HomeAssistant, config_entry: MockConfigEntry, hass_storage: dict, freezer: FrozenDateTimeFactory
) -> None:
    before = Tracker()
    for lifecycle in (movie(retry=True), series(per_episode=True), series(anime=True, episodes=3)):
        for item in lifecycle.evidence[:-1]:
            before.apply(item)
    held = _download_progress(5, 0.1)
    before.restore_pending([DownloadProgress(**{**held.__dict__, "ids": make_ids(download_ids=("abc",))})])
    hass_storage[MAIN_KEY] = _part(dump_tracker(before), version=1)

    await setup_integration(hass, config_entry)

    after = config_entry.runtime_data.hub.tracker
    assert _dumped(after) == _dumped(before)
    assert after.pending == before.pending
    assert ir.async_get(hass).async_get_issue(DOMAIN, ISSUE_ID) is None
    # The first write moves the requests into their segments.
    freezer.tick(SAVE_DELAY_SECONDS)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert hass_storage[MAIN_KEY]["version"] == 2
    unfinished = [r["key"] for r in hass_storage[MAIN_KEY]["data"]["requests"]]
    assert sorted(unfinished) == sorted(key for key, r in before.requests.items() if r.stage not in FINISHED_STAGES)
    stored = [
        r for key, part in hass_storage.items() if key.startswith(f"{MAIN_KEY}.") for r in part["data"]["requests"]
    ]
    assert sorted(r["key"] for r in [*stored, *hass_storage[MAIN_KEY]["data"]["requests"]]) == sorted(before.requests)
    assert all(before.requests[r["key"]].stage in FINISHED_STAGES for r in stored)
    assert _dumped(await _reloaded(hass)) == _dumped(before)


# --- damaged stores, on disk ---------------------------------------------------------------------------------


@pytest.fixture
def disk_storage(hass: HomeAssistant, tmp_path: Path, hass_storage: dict) -> Iterator[Path]:
    """Home Assistant's storage reading and writing real files in a temporary configuration folder."""
    hass.config.config_dir = str(tmp_path)

    async def load(store: storage.Store) -> Any:
        return await store._async_load_data()

    async def write(store: storage.Store, path: str, data: dict) -> None:
        await store.hass.async_add_executor_job(store._write_data, path, data)

    folder = tmp_path / storage.STORAGE_DIR
    folder.mkdir()
    with patch.object(storage.Store, "_async_load", load), patch.object(storage.Store, "_async_write_data", write):
        yield folder


def _kept(folder: Path) -> list[Path]:
    return sorted(path for path in folder.iterdir() if ".corrupt" in path.name or ".newer" in path.name)


def _issue_placeholders(hass: HomeAssistant) -> dict[str, str]:
    issue = ir.async_get(hass).async_get_issue(DOMAIN, ISSUE_ID)
    assert issue is not None
    assert issue.translation_key == ISSUE_KEPT_ASIDE
    return dict(issue.translation_placeholders or {})


async def _unload(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


@pytest.mark.parametrize(
    "content",
    ["{not json", json.dumps(_part([1, 2])), json.dumps("a string"), json.dumps(_part({"version": 99}, version=1))],
    ids=["bad json", "list", "string", "unknown inner schema"],
)
async def test_unreadable_store_is_kept_aside_and_set_up_starts_empty(
    hass: HomeAssistant, config_entry: MockConfigEntry, disk_storage: Path, content: str
) -> None:
    (disk_storage / MAIN_KEY).write_text(content)

    await setup_integration(hass, config_entry)

    assert config_entry.state is ConfigEntryState.LOADED
    assert config_entry.runtime_data.hub.tracker.requests == {}
    (kept,) = _kept(disk_storage)
    assert kept.read_text() == content
    assert str(kept) in _issue_placeholders(hass)["kept"]
    # New requests are stored as usual; what was kept aside is left alone.
    await feed(hass, config_entry, movie().evidence[:3])
    await _unload(hass, config_entry)
    assert kept.read_text() == content
    assert len((await _reloaded(hass)).requests) == 1


async def test_store_from_a_newer_version_is_moved_aside_untouched(
    hass: HomeAssistant, config_entry: MockConfigEntry, disk_storage: Path
) -> None:
    newer = Tracker()
    for item in movie().evidence:
        newer.apply(item)
    (key,) = newer.requests
    segment_key = f"{MAIN_KEY}.{segment_of(key):02d}"
    files = {
        MAIN_KEY: json.dumps(_part({"segments": 32, "pending": [], "more": "from the future"}, version=3)),
        segment_key: json.dumps(_part({"requests": [stored_request(newer.requests[key])]}, 3, segment_key)),
    }
    for name, content in files.items():
        (disk_storage / name).write_text(content)

    await setup_integration(hass, config_entry)

    assert config_entry.state is ConfigEntryState.LOADED
    assert config_entry.runtime_data.hub.tracker.requests == {}
    assert "storage version 3" in _issue_placeholders(hass)["problem"]
    kept = _kept(disk_storage)
    assert sorted(path.name.split(".newer-")[0] for path in kept) == sorted(files)
    assert {path.read_text() for path in kept} == set(files.values())
    # The tracker goes on in files of its own version; the newer ones are never rewritten.
    await feed(hass, config_entry, series().evidence[:2])
    await _unload(hass, config_entry)
    assert json.loads((disk_storage / MAIN_KEY).read_text())["version"] == 2
    assert {path.read_text() for path in kept} == set(files.values())


async def test_one_unreadable_request_is_kept_aside_and_the_others_load(
    hass: HomeAssistant, config_entry: MockConfigEntry, disk_storage: Path
) -> None:
    good = Tracker()
    for item in [*movie().evidence, *series(episodes=2).evidence]:
        good.apply(item)
    by_segment: dict[int, list[dict[str, Any]]] = {}
    for key, request in good.requests.items():
        by_segment.setdefault(segment_of(key), []).append(stored_request(request))
    bad_segment = segment_of(next(iter(good.requests)))
    by_segment[bad_segment].insert(0, {**stored_request(next(iter(good.requests.values()))), "stage": "lost"})
    by_segment[bad_segment][0]["key"] = "unreadable"
    for segment, requests in by_segment.items():
        name = f"{MAIN_KEY}.{segment:02d}"
        (disk_storage / name).write_text(json.dumps(_part({"requests": requests}, key=name)))
    bad_file = disk_storage / f"{MAIN_KEY}.{bad_segment:02d}"
    original = bad_file.read_text()

    await setup_integration(hass, config_entry)

    assert config_entry.state is ConfigEntryState.LOADED
    assert _dumped(config_entry.runtime_data.hub.tracker) == _dumped(good)
    (kept,) = _kept(disk_storage)
    assert kept.read_text() == original
    placeholders = _issue_placeholders(hass)
    assert "1 request could not be read" in placeholders["problem"]
    assert str(kept) in placeholders["kept"]
    await _unload(hass, config_entry)
    assert kept.read_text() == original
    assert _dumped(await _reloaded(hass)) == _dumped(good)
