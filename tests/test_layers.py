"""Imports point down only (the developer guide): no import cycle among the helpers modules, and
the reader-facing modules read series basics from helpers.series, not from the status module.

The graph is read from the source with `ast` (every import, also the ones inside functions), so
a lazy import cannot hide a cycle. `python tests/test_layers.py` prints the graph.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import helpers

PACKAGE = Path(helpers.__file__).parent

# The series basics (helpers.series); helpers.progress only re-exports them for old callers.
BASICS = {
    "rget", "record_of", "frame_of", "is_projection", "is_target_row", "PERIOD_PREFERENCE", "ANNUAL_TYPES",
    "is_rank", "is_percentage", "better_direction", "is_profilmodel", "is_projection_indicator",
    "usable_rows", "choose_breakdown", "annual_series",
}
# Modules that must take the basics from below, never from helpers.progress.
BASIC_READERS = ("charts", "compare", "facts", "rank", "page", "explore", "explorer.payload")


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = path.relative_to(package).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts) or "__init__"


def imports(path: Path) -> list[tuple[str, list[str]]]:
    """(imported helpers module, names taken from it) for every import in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "helpers":  # from helpers import areas, render
                found += [(alias.name, []) for alias in node.names]
            elif node.module.startswith("helpers."):
                found.append((node.module[len("helpers."):], [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            found += [(alias.name[len("helpers."):], []) for alias in node.names if alias.name.startswith("helpers.")]
    return found


def graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Module -> the helpers modules it imports (a package's own submodules not counted)."""
    files = {module_name(p, package): p for p in sorted(package.rglob("*.py"))}
    edges: dict[str, set[str]] = {}
    for name, path in files.items():
        targets = set()
        for target, _names in imports(path):
            # the longest part that is a module: `from helpers.explorer.widget import X` -> explorer.widget
            while target and target not in files:
                target = target.rpartition(".")[0]
            if target and target != name and not name.startswith(target + "."):
                targets.add(target)
        edges[name] = targets
    return edges


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_the_graph_is_read_from_the_source():
    edges = graph()
    assert {"progress", "series", "records", "catalog", "page", "compare", "charts"} <= set(edges)
    assert "series" in edges["progress"] and "load" in edges["page"], edges
    # a cycle is found when there is one
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_among_helpers_modules():
    cycle = find_cycle(graph())
    assert cycle is None, "import cycle (imports must point down only): " + " -> ".join(cycle)


@pytest.mark.parametrize("reader", BASIC_READERS)
def test_series_basics_are_not_read_from_the_status_module(reader):
    path = PACKAGE / (reader.replace(".", "/") + ".py")
    taken = sorted({n for module, names in imports(path) if module == "progress" for n in names} & BASICS)
    assert not taken, f"{path}: imports {taken} from helpers.progress; take them from helpers.series"


def test_the_lowest_layers_import_nothing_above_them():
    edges = graph()
    assert edges["records"] == set()
    assert edges["series"] <= {"records"}
    assert "page" not in edges["compare"] and "page" not in edges["markup"]
    assert not edges["catalog"] & {"series", "load", "progress", "page", "charts"}


def test_progress_still_offers_the_basics_it_used_to_define():
    from helpers import progress, series
    for name in BASICS:
        assert getattr(progress, name) is getattr(series, name), name


if __name__ == "__main__":  # print the graph, lowest modules first
    edges = graph(Path(sys.argv[1]) if len(sys.argv) > 1 else PACKAGE)
    done: list[str] = []
    while len(done) < len(edges):
        ready = sorted(m for m in edges if m not in done and edges[m] <= set(done))
        if not ready:
            print("cycle:", " -> ".join(find_cycle(edges) or []))
            break
        done += ready
        print(" | ".join(f"{m} -> {', '.join(sorted(edges[m])) or '-'}" for m in ready))
