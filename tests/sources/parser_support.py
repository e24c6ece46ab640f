"""Fixtures in the upstream shapes, and hypothesis strategies that break them, for the evidence parser tests."""

from __future__ import annotations

from collections.abc import Callable
import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from custom_components.media_request_tracker.sources.payload import PayloadError
from custom_components.media_request_tracker.tracker.evidence import Evidence

FIXTURES = Path(__file__).parent / "fixtures"

type Location = tuple[str | int, ...]


def json_values(*, finite: bool = False) -> st.SearchStrategy[Any]:
    """Any JSON value; with NaN and infinities unless `finite` (Python's json module reads them)."""
    scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=not finite, allow_infinity=not finite)
    return st.recursive(
        scalars | st.text(max_size=30),
        lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5),
        max_leaves=25,
    )


JSON_VALUES = json_values()
"""Any JSON value."""

# Far larger than any real field, yet small enough that mutated examples built from several of them stay cheap:
# at ten times these sizes a few unlucky seeds made the generated examples take gigabytes.
HUGE_VALUES = st.sampled_from(
    [
        "x" * 20_000,
        "9" * 5_000,
        "S01E01-E99 " * 500,
        "a@b.example" * 100,
        " (2020)" * 1_000,
        2**80,
        -(2**70),
        1e308,
        [{"name": "Requested Seasons", "value": "1"}] * 200,
        {"k" * 1_000: "v" * 1_000},
    ]
)
"""Values far beyond anything upstream sends."""


def fixture(kind: str, name: str) -> Any:
    """One fixture, freshly decoded (tests may change it)."""
    return json.loads((FIXTURES / kind / f"{name}.json").read_text())


def fixture_names(kind: str) -> list[str]:
    """The names of every fixture of one upstream kind."""
    return sorted(path.stem for path in (FIXTURES / kind).glob("*.json"))


def _paths(value: Any, prefix: Location = ()) -> list[Location]:
    """Every place in a JSON value: the root and each nested key or index."""
    found: list[Location] = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


def _parent(value: Any, path: Location) -> Any:
    for step in path[:-1]:
        value = value[step]
    return value


@st.composite
def mutated(
    draw: st.DrawFn, original: Any, max_mutations: int = 4, values: st.SearchStrategy[Any] = JSON_VALUES
) -> Any:
    """`original` with a few things broken: keys dropped, lists cut, values of another type, huge values."""
    value = copy.deepcopy(original)
    for _ in range(draw(st.integers(1, max_mutations))):
        path = draw(st.sampled_from(_paths(value)))
        action = draw(st.sampled_from(["drop", "replace", "huge", "truncate"]))
        # A copy: the huge values are shared, and later mutations must not change them.
        replacement = copy.deepcopy(draw(HUGE_VALUES if action == "huge" else values))
        if not path:
            value = replacement if action in ("replace", "huge") else value
            continue
        parent, last = _parent(value, path), path[-1]
        if action == "drop":
            del parent[last]
        elif action == "truncate" and isinstance(parent[last], list | str):
            parent[last] = parent[last][: draw(st.integers(0, max(len(parent[last]) - 1, 0)))]
        else:
            parent[last] = replacement
    return value


def assert_evidence_or_payload_error(parse: Callable[[], object]) -> None:
    """The one promise every parser keeps for any input: a list of evidence, or a `PayloadError`."""
    try:
        result = parse()
    except PayloadError:
        return
    assert isinstance(result, list)
    assert all(isinstance(item, Evidence) for item in result)
