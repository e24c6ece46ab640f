"""The integration's modules import each other without a cycle, not even under TYPE_CHECKING or inside functions."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import PROJECT_ROOT

PACKAGE_DIR = PROJECT_ROOT / "custom_components" / "media_request_tracker"
PACKAGE = "custom_components.media_request_tracker"


def module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE_DIR.rglob("*.py")}


def imported(module: str, path: Path) -> Iterator[str]:
    """Every module of the package that `module` imports, wherever the import statement is."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name in MODULES)
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            source = f"{base}.{node.module}" if node.level and node.module else base if node.level else node.module
            for alias in node.names:
                if f"{source}.{alias.name}" in MODULES:
                    yield f"{source}.{alias.name}"
                elif source in MODULES:
                    yield str(source)


GRAPH = {module: sorted(set(imported(module, path)) - {module}) for module, path in MODULES.items()}


def find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """A cycle of the graph as the list of its modules (the first one repeated at the end), or None."""
    done: set[str] = set()
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        path.append(node)
        for target in graph.get(node, []):
            if cycle := visit(target):
                return cycle
        path.pop()
        done.add(node)
        return None

    return next((cycle for node in sorted(graph) if (cycle := visit(node))), None)


def test_the_graph_sees_the_package() -> None:
    assert f"{PACKAGE}.hub" in GRAPH
    assert f"{PACKAGE}.kinds.seerr" in GRAPH[f"{PACKAGE}.kinds"]
    assert f"{PACKAGE}.kinds.arr" in GRAPH[f"{PACKAGE}.kinds.radarr"]
    assert f"{PACKAGE}.tracker" in GRAPH[f"{PACKAGE}.hub"]


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": ["b"], "b": [], "c": ["a", "b"]}) is None


def test_no_import_cycle() -> None:
    assert find_cycle(GRAPH) is None


def test_service_modules_never_see_the_hub_or_the_entry_data() -> None:
    kinds = [module for module in GRAPH if module.startswith(f"{PACKAGE}.kinds.")]
    assert len(kinds) >= 6
    for module in kinds:
        for forbidden in ("hub", "runtime", "config_flow", "sensor", "binary_sensor", "event"):
            assert f"{PACKAGE}.{forbidden}" not in GRAPH[module], (module, forbidden)


def test_the_tracker_core_imports_nothing_of_the_glue() -> None:
    for module, targets in GRAPH.items():
        if module.startswith(f"{PACKAGE}.tracker"):
            assert all(target.startswith(f"{PACKAGE}.tracker") for target in targets), module
