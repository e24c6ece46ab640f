"""The integration's modules import each other without a cycle, not even under TYPE_CHECKING or inside functions."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
import sys

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


def absolute_imports(path: Path) -> Iterator[str]:
    """The top-level name of every absolute import of a module (a library, the standard library, or the package)."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.partition(".")[0]


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


def test_the_tracker_core_imports_only_itself_and_the_standard_library() -> None:
    """No Home Assistant, no HTTP library, no other part of the package: the core is pure Python."""
    core = [module for module in MODULES if module.startswith(f"{PACKAGE}.tracker")]
    assert len(core) >= 10
    for module in core:
        outside = set(absolute_imports(MODULES[module])) - set(sys.stdlib_module_names) - {"__future__"}
        assert not outside, (module, outside)


def test_sources_import_only_sources_and_the_core() -> None:
    """Upstream clients and parsers turn payloads into evidence; they know nothing of Home Assistant or the glue."""
    sources = [module for module in GRAPH if module.startswith(f"{PACKAGE}.sources")]
    assert len(sources) >= 20
    for module in sources:
        glue = [t for t in GRAPH[module] if not t.startswith((f"{PACKAGE}.sources", f"{PACKAGE}.tracker"))]
        assert not glue, (module, glue)
        assert "homeassistant" not in set(absolute_imports(MODULES[module])), module


def test_the_import_checks_see_what_they_forbid() -> None:
    """The checks above would catch a forbidden import (they do not pass by reading nothing)."""
    hub = MODULES[f"{PACKAGE}.hub"]
    assert "homeassistant" in set(absolute_imports(hub))
    assert f"{PACKAGE}.sources.payload" in GRAPH[f"{PACKAGE}.sources.arr.parser"]
    assert f"{PACKAGE}.tracker.evidence" in GRAPH[f"{PACKAGE}.sources.arr.parser"]
    assert any(target.startswith(f"{PACKAGE}.sources") for target in GRAPH[f"{PACKAGE}.kinds.arr"])
