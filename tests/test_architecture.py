"""The layer rule of docs/architecture.md, read from the source: every `import parley...` (at module
level or inside a function) must point to the same layer or one below, and no import cycle may
exist between modules. A new top-level part of parley must be placed in a layer here and in
docs/architecture.md before it can land."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import parley

SRC = Path(parley.__file__).parent

#: Lowest first. A part may import its own layer and the layers below, never above.
LAYERS: list[tuple[str, set[str]]] = [
    ("base", {"errors", "suggest", "names", "text", "sizes"}),
    ("case", {"case"}),
    ("models", {"models"}),
    ("inputs", {"io", "scenarios", "whatif"}),
    (
        "analysis",
        {
            "forecast",
            "compare",
            "recommend",
            "coalitions",
            "ensemble",
            "levers",
            "sensitivity",
            "uncertainty",
            "analysis",
        },
    ),
    ("backtest", {"backtest"}),
    ("presentation and storage", {"report", "store", "diff"}),
    ("edges", {"cli", "web"}),
]
LAYER = {part: k for k, (_, parts) in enumerate(LAYERS) for part in parts}

#: Imports across the rule, each with its reason (docs/architecture.md, "Known exceptions").
EXCEPTIONS = {
    # the combined model reads a user-given weights file through the one safe reader
    ("parley.models.combined.weights", "parley.io.safe_read"),
}


def module_name(path: Path) -> str:
    parts = ("parley", *path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """The parley modules `path` imports anywhere in its body (submodules resolved by name)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "parley"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] != "parley":
                continue
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in known else node.module)
    return found


def part(module: str) -> str | None:
    """The top-level part of parley a module belongs to (None for the package root)."""
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 1 else None


GRAPH = {m: imports(p, modules()) for m, p in modules().items()}


def test_every_part_has_a_layer():
    unplaced = sorted({part(m) for m in GRAPH} - set(LAYER) - {None})
    assert not unplaced, f"place {unplaced} in a layer (tests/test_architecture.py, docs)"


def upward(module: str, targets: set[str]) -> list[str]:
    """The targets of `module` in a higher layer than its own (known exceptions aside)."""
    return [
        t
        for t in sorted(targets)
        if part(t) is not None
        and LAYER[part(t)] > LAYER[part(module)]
        and (module, t) not in EXCEPTIONS
    ]


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of `graph` (module -> modules it imports), or None: depth-first search."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if part(m) is not None))
def test_imports_point_down(module):
    up = upward(module, GRAPH[module])
    assert not up, f"{module} imports a higher layer: {', '.join(up)}"


def test_models_import_no_backtest_report_cli_io():
    """The rule of the issue in its own words: models/ is a pure function of arrays."""
    banned = {"backtest", "report", "cli", "web", "store", "io"}
    offending = {
        (m, t)
        for m, targets in GRAPH.items()
        if part(m) == "models"
        for t in targets
        if part(t) in banned and (m, t) not in EXCEPTIONS
    }
    assert not offending


def test_web_imports_no_cli():
    """The two edges are peers: the workbench calls the library, never the CLI's parsing or
    rendering (what both need, such as reading `--set` text, lives in the library)."""
    offending = sorted(
        (m, t)
        for m, targets in GRAPH.items()
        if part(m) == "web"
        for t in targets
        if part(t) == "cli"
    )
    assert not offending


def test_no_import_cycle():
    """Explicit imports only (a package's __init__ runs before its modules in any case); the
    package root, a facade that nothing inside parley imports for its contents, is left out."""
    graph = {m: {t for t in ts if t in GRAPH and t != "parley"} for m, ts in GRAPH.items()}
    graph.pop("parley")
    cycle = find_cycle(graph)
    assert cycle is None, " -> ".join(cycle)


def test_the_checks_can_fail():
    """What main had before: models.combined imported the backtest, which imported forecast,
    which imported models."""
    assert upward("parley.models.combined.model", {"parley.backtest.stack"}) == [
        "parley.backtest.stack"
    ]
    before = {
        "parley.models": {"parley.models.combined.model"},
        "parley.models.combined.model": {"parley.backtest.apply"},
        "parley.backtest.apply": {"parley.forecast"},
        "parley.forecast": {"parley.models"},
    }
    assert find_cycle(before) == [
        "parley.backtest.apply",
        "parley.forecast",
        "parley.models",
        "parley.models.combined.model",
        "parley.backtest.apply",
    ]


def test_one_module_builds_terminal_tables():
    """Every terminal table comes from `parley.report.tables.terminal_table` (one style)."""
    pattern = re.compile(r"(?<![\w.])Table\(")
    builders = sorted(
        m
        for m, p in modules().items()
        if m != "parley.report.tables" and pattern.search(p.read_text(encoding="utf-8"))
    )
    assert not builders
