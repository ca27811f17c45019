"""The house's rules, read from the code itself: which room may import which, and how big a room's pieces are.

Imports are read with ``ast`` (every ``import`` and ``from ... import``, also inside functions and
``TYPE_CHECKING`` blocks), never with a regular expression.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("closedloop", "orchestration", "topics", "dashboards", "reports")
ROOMS = ("closedloop.cli", "closedloop.core", "closedloop.ingest", "closedloop.demo", "closedloop.review",
         "closedloop.alerts", "orchestration", "topics", "dashboards", "reports", "bench")
ALLOWED: dict[str, set[str]] = {
    "closedloop.cli": set(ROOMS) - {"bench"},
    "orchestration": {"closedloop.core", "closedloop.ingest", "closedloop.review", "closedloop.alerts", "topics",
                      "dashboards", "reports"},
    "closedloop.review": {"closedloop.core", "topics"},
    "closedloop.ingest": {"closedloop.core"},
    "closedloop.alerts": {"closedloop.core"},
    "dashboards": {"closedloop.core"},
    "reports": {"closedloop.core"},
    "closedloop.demo": {"closedloop.core"},
    "closedloop.core": set(),
    "topics": set(),
    "bench": {"closedloop.core", "closedloop.ingest", "closedloop.demo", "closedloop.review", "topics", "reports",
              "dashboards"},
}
"""Which other rooms each room may import (a room may always import itself)."""
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
EXEMPT = ("closedloop/demo/",)
"""The demo-data generator: tables of planted text and truth, exempt from the size rules."""


def _sources() -> Iterator[Path]:
    for folder in (*PACKAGES, "bench"):
        yield from sorted((ROOT / folder).rglob("*.py"))


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _room(module: str) -> str | None:
    for room in sorted(ROOMS, key=len, reverse=True):
        if module == room or module.startswith(room + "."):
            return room
    return None


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    package = _module(path) if path.name == "__init__.py" else _module(path).rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            yield node.lineno, base
            for alias in node.names:  # ``from closedloop import cli`` names a room too
                yield node.lineno, f"{base}.{alias.name}"


def _graph() -> dict[str, set[str]]:
    """Module -> our modules it imports."""
    ours = {_module(p) for p in _sources()}
    graph: dict[str, set[str]] = {}
    for path in _sources():
        module = _module(path)
        graph[module] = {name for _, name in _imports(path) if name in ours and name != module}
    return graph


def test_every_import_between_rooms_follows_the_allowed_arrows():
    wrong = []
    for path in _sources():
        room = _room(_module(path))
        if room is None:
            continue
        for line, name in _imports(path):
            target = _room(name)
            if target is not None and target != room and target not in ALLOWED[room]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} ({room}) imports {name} ({target})")
    assert not wrong, "imports against the house's arrows:\n" + "\n".join(sorted(set(wrong)))


def test_no_module_imports_itself_through_a_circle():
    graph = _graph()
    circles: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                circles.append([*stack[stack.index(nxt):], nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    package_inits = {m for m in graph if (ROOT / m.replace(".", "/") / "__init__.py").exists()}
    real = [c for c in circles if not set(c) & package_inits]  # a package re-exporting its own modules
    assert not real, "import circles:\n" + "\n".join(" -> ".join(c) for c in real)


@pytest.mark.parametrize("path", [p for p in _sources() if not str(p.relative_to(ROOT)).startswith(EXEMPT)],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_and_functions_stay_small(path: Path):
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_MODULE_LINES, f"{path.relative_to(ROOT)} has {lines} lines (at most {MAX_MODULE_LINES})"
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines, line {node.lineno})"
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.end_lineno is not None and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, f"{path.relative_to(ROOT)}: functions over {MAX_FUNCTION_LINES} lines: {', '.join(long)}"
