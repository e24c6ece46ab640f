"""Replay a trace as it is and once with a restart inserted after each of its lines; print every run's events.

`python -m tests.e2e.replay_restarts TRACE`: one process for all the runs, so Home Assistant is imported once.
Prints one JSON object: `{"plain": [events], "after line N": [events], ...}`.
"""

from __future__ import annotations

from dataclasses import replace
import json
from pathlib import Path
import sys
from typing import Any

from simulator.replay import replay
from simulator.trace_format import Step, Trace, load_trace

SETTLE = 900.0


def with_restart_after(trace: Trace, index: int) -> Trace:
    """The trace with Home Assistant restarted right after its step `index`."""
    step = trace.steps[index]
    restart = Step(line=step.line, at=step.at, action="restart")
    return replace(trace, steps=(*trace.steps[: index + 1], restart, *trace.steps[index + 1 :]))


def main(path: str) -> int:
    """Run the trace plainly and with each restart; print the events of each run."""
    trace = load_trace(Path(path))
    runs: dict[str, Any] = {"plain": replay(trace, settle=SETTLE)["events"]}
    for index, step in enumerate(trace.steps):
        runs[f"after line {step.line}"] = replay(with_restart_after(trace, index), settle=SETTLE)["events"]
    sys.stdout.write(json.dumps(runs) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
