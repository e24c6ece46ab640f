"""Every scenario trace in tests/traces goes through `scripts/replay`, and its expected outcome must hold.

The replays run as people run them (the command, in its own process); they start together in a few worker
threads when the first scenario test needs them, since each one spends most of its few seconds importing Home
Assistant.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
import json
import os
from pathlib import Path
import subprocess

import pytest

from tests.conftest import PROJECT_ROOT

from .expectations import checkpoint_times, problems
from .support import run_replay

TRACES = PROJECT_ROOT / "tests" / "traces"
SCENARIOS = sorted(path.stem for path in TRACES.glob("*.jsonl"))
AGAIN = "anime_movie_incident"
"""A scenario replayed twice, to show a replay prints the same thing every time."""

type Runs = dict[str, Future[subprocess.CompletedProcess[str]]]


def expected_path(name: str) -> Path:
    return TRACES / f"{name}.expected.json"


def _checkpoint_arguments(name: str) -> list[str]:
    """`--checkpoint SECONDS` for each checkpoint the scenario's expectation names."""
    path = expected_path(name)
    times = checkpoint_times(json.loads(path.read_text())) if path.exists() else []
    return [argument for at in times for argument in ("--checkpoint", f"{at:g}")]


@pytest.fixture(scope="module")
def runs() -> Iterator[Runs]:
    """Every scenario's replay (and a second one of AGAIN), started at once in a few workers."""
    with ThreadPoolExecutor(max_workers=max(2, min(4, os.cpu_count() or 2))) as pool:
        started: Runs = {
            name: pool.submit(run_replay, TRACES / f"{name}.jsonl", *_checkpoint_arguments(name)) for name in SCENARIOS
        }
        started[f"{AGAIN} again"] = pool.submit(run_replay, TRACES / f"{AGAIN}.jsonl")
        yield started
        for future in started.values():
            future.cancel()


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario_ends_as_expected(runs: Runs, name: str) -> None:
    run = runs[name].result()
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert set(result) - {"checkpoints"} == {"requests", "events", "repairs"}
    found = problems(json.loads(expected_path(name).read_text()), result)
    assert not found, f"{name}:\n" + "\n".join(found)


def test_every_scenario_has_its_expected_outcome() -> None:
    assert len(SCENARIOS) >= 15
    assert [name for name in SCENARIOS if not expected_path(name).exists()] == []
    orphans = [
        path.name
        for path in TRACES.glob("*.expected.json")
        if not (TRACES / path.name.replace(".expected.json", ".jsonl")).exists()
    ]
    assert orphans == []


def test_a_replay_prints_the_same_every_time(runs: Runs) -> None:
    first, second = runs[AGAIN].result(), runs[f"{AGAIN} again"].result()
    assert first.returncode == second.returncode == 0
    assert first.stdout == second.stdout
