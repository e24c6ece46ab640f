"""Running `scripts/replay` as people run it, for the tests."""

from __future__ import annotations

from collections.abc import Sequence
import json
from pathlib import Path
import subprocess
from typing import Any

from tests.conftest import PROJECT_ROOT

REPLAY = PROJECT_ROOT / "scripts" / "replay"
TIMEOUT_SECONDS = 120


def run_replay(trace: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Run `scripts/replay TRACE ARGUMENTS...` and return what it did (whatever its exit status)."""
    command: Sequence[str] = [str(REPLAY), str(trace), *arguments]
    return subprocess.run(  # noqa: S603  # the project's own script, on a path the test chose
        command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False, cwd=PROJECT_ROOT
    )


def replayed(trace: Path, *arguments: str) -> dict[str, Any]:
    """What Home Assistant shows after replaying `trace` (the command must succeed)."""
    run = run_replay(trace, *arguments)
    if run.returncode != 0:
        raise AssertionError(f"scripts/replay {trace.name} exited with {run.returncode}:\n{run.stderr}")
    result: dict[str, Any] = json.loads(run.stdout)
    return result
