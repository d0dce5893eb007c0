"""The shape docs/architecture.md describes, held: modules of one job and a
bounded size, layers that only point down, and no import cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "tracker"
MAX_LINES = 400


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str) -> set[str]:
    """Every tracker module `name` imports, anywhere in it: at the top, inside
    functions, under TYPE_CHECKING."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from tracker.core import positions` imports a module.
            targets = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names
            ]
        found |= {t for t in targets if t in MODULES and t != name}
    return found


GRAPH = {name: _imports(name) for name in MODULES}


def test_no_module_is_over_400_lines() -> None:
    long = {
        name: n
        for name, path in MODULES.items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


@pytest.mark.parametrize(
    ("layer", "never"),
    [
        ("tracker.core", ("tracker.render", "tracker.cli", "tracker.web")),
        ("tracker.db", ("tracker.core", "tracker.render", "tracker.cli", "tracker.web")),
        ("tracker.render", ("tracker.cli", "tracker.db", "tracker.web")),
        # The web layer sits beside the command line, over the core: neither
        # imports the other.
        ("tracker.web", ("tracker.cli",)),
        ("tracker.cli", ("tracker.web.app", "tracker.web.pages", "tracker.web.api")),
        # The reader is a pure function of a text and what the catalog knows:
        # of the core, only its plain values (VALUES).
        (
            "tracker.read",
            ("tracker.core", "tracker.db", "tracker.render", "tracker.cli", "tracker.web"),
        ),
    ],
)
def test_layers_point_down(layer: str, never: tuple[str, ...]) -> None:
    wrong = {
        (name, target)
        for name, targets in GRAPH.items()
        if name == layer or name.startswith(layer + ".")
        for target in targets
        if any(target == n or target.startswith(n + ".") for n in never)
        and not (layer == "tracker.read" and target in VALUES)
    }
    assert wrong == set()


# The core's modules of plain values, which import no database.
VALUES = ("tracker.core.records", "tracker.core.types")


def test_the_core_values_import_no_database() -> None:
    for name in VALUES:
        assert not any(t.startswith(("tracker.db", "tracker.core.")) and t not in VALUES
                       for t in GRAPH[name]), name  # fmt: skip


# What render reads of the layers it prints for: their values, never the code
# that computes them.
RENDERED = (
    *VALUES, "tracker.core.agreement_types", "tracker.core.draft_types", "tracker.read.types",
)  # fmt: skip


def test_render_reads_only_values() -> None:
    wrong = {
        (name, target)
        for name, targets in GRAPH.items()
        if name.startswith("tracker.render")
        for target in targets
        if target.startswith(("tracker.core", "tracker.read")) and target not in RENDERED
    }
    assert wrong == set()


def test_the_leaves_import_nothing_of_tracker() -> None:
    """What every layer uses imports nothing that could import it back."""
    for leaf in (
        "tracker.text",
        "tracker.errors",
        "tracker.dates",
        "tracker.stance",
        "tracker.slugs",
    ):
        assert GRAPH[leaf] == set(), leaf


def test_no_import_cycle() -> None:
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the path, 2: done
    path: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        path.append(name)
        for target in sorted(GRAPH[name]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target)
        path.pop()
        state[name] = 2

    for name in sorted(GRAPH):
        if name not in state:
            visit(name)
    assert cycles == []


def test_the_checks_see_imports() -> None:
    """The graph is not empty by mistake: known edges are in it."""
    assert "tracker.core.query" in GRAPH["tracker.core.positions"]
    assert "tracker.core.query" in GRAPH["tracker.core.statements"]
    assert "tracker.render.page" in GRAPH["tracker.render.formats.html"]  # inside a function
    assert "tracker.render.layout" in GRAPH["tracker.render.formats.table"]
