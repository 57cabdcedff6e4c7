"""Imports go one way: api → schema → graph → queries, areas on the core only, and only graph/
talks to Neo4j. Imports under `if TYPE_CHECKING:` are annotations, not dependencies, and are not
counted."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers import ROOT

PACKAGES = ("api", "schema", "graph", "queries", "loaders")
# What each layer may import of relgraph's own packages.
ALLOWED = {
    "api": {"api", "schema", "graph", "queries", "loaders"},
    "schema": {"schema", "graph"},
    "graph": {"graph", "queries"},
    "loaders": {"loaders", "graph", "queries"},
    "queries": {"queries"},
}
# schema/: the core imports no area; an area imports the core and itself only; the composition
# (schema/types.py) and the root (schema/__init__.py) may import any area.
COMPOSITION = {"schema/types.py", "schema/__init__.py"}


def _modules() -> dict[str, Path]:
    return {
        str(path.relative_to(ROOT)): path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
    }


def _runtime_imports(path: Path) -> set[str]:
    """Dotted names imported outside `if TYPE_CHECKING:` blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(n) for child in node.body for n in ast.walk(child)}
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {f"{node.module}.{alias.name}" for alias in node.names} | {node.module}
    return names


def _area(module: str) -> str | None:
    """`schema/products.py` → "products", `schema/parties/search.py` → "parties"; None for the
    core and the composition."""
    parts = Path(module).parts
    if parts[0] != "schema" or module in COMPOSITION or parts[1] == "core":
        return None
    return Path(parts[1]).stem


def test_layers_import_downward_only() -> None:
    wrong = {}
    for module, path in _modules().items():
        layer = Path(module).parts[0]
        own = {name.split(".")[0] for name in _runtime_imports(path)} & set(PACKAGES)
        if own - ALLOWED[layer]:
            wrong[module] = sorted(own - ALLOWED[layer])
    assert wrong == {}


def test_only_graph_imports_the_neo4j_driver() -> None:
    users = {
        module
        for module, path in _modules().items()
        if any(name.split(".")[0] == "neo4j" for name in _runtime_imports(path))
    }
    assert {m for m in users if not m.startswith("graph/")} == set()


def test_areas_import_the_core_only_and_the_core_no_area() -> None:
    wrong: dict[str, set[str]] = {}
    for module, path in _modules().items():
        if not module.startswith("schema/") or module in COMPOSITION:
            continue
        area = _area(module)
        for name in _runtime_imports(path):
            parts = name.split(".")
            if parts[0] != "schema" or len(parts) < 2:
                continue
            target = parts[1]
            if target in ("core", area):
                continue
            wrong.setdefault(module, set()).add(name)
    assert wrong == {}


# The CLI imports a command's heavy dependencies when that command runs: `relgraph db status`
# or `relgraph token` should not spend a second importing Strawberry, the schema and uvicorn.
LAZY_IMPORTS = {"api/cli.py"}


def test_no_import_hides_inside_a_function() -> None:
    """An import inside a function hides a dependency (and, in the old layout, a cycle)."""
    hidden: dict[str, list[str]] = {}
    for module, path in _modules().items():
        if module in LAZY_IMPORTS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in ast.walk(tree):
            if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                for node in ast.walk(func):
                    if isinstance(node, ast.Import | ast.ImportFrom):
                        hidden.setdefault(module, []).append(f"{func.name}:{node.lineno}")
    assert hidden == {}
