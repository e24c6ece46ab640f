"""A restart of Home Assistant after any line of a scenario loses no stage-changed event and adds none."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
import json
import os
import subprocess
import sys
from typing import Any

from tests.conftest import PROJECT_ROOT

TRACES = ("movie", "anime_movie")
TIMEOUT_SECONDS = 600


def _restart_runs(name: str) -> dict[str, list[dict[str, Any]]]:
    trace = PROJECT_ROOT / "tests" / "traces" / f"{name}.jsonl"
    run = subprocess.run(  # noqa: S603  # the project's own module, on the project's own trace
        [sys.executable, "-m", "tests.e2e.replay_restarts", str(trace)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )
    assert run.returncode == 0, run.stderr
    runs: dict[str, list[dict[str, Any]]] = json.loads(run.stdout)
    return runs


def _moves(events: list[dict[str, Any]]) -> list[tuple[str, str | None, str]]:
    return [(event["title"], event["from_stage"], event["to_stage"]) for event in events]


def test_a_restart_after_any_line_gives_the_same_events() -> None:
    with ThreadPoolExecutor(max_workers=len(TRACES)) as pool:
        results = dict(zip(TRACES, pool.map(_restart_runs, TRACES), strict=True))
    for name, runs in results.items():
        plain = _moves(runs.pop("plain"))
        assert plain[0][1] is None, (name, plain)
        assert plain[-1][2] == "available", (name, plain)
        assert len(runs) >= 9, name
        different = {variant: _moves(events) for variant, events in runs.items() if _moves(events) != plain}
        assert different == {}, f"{name}: {plain}"
