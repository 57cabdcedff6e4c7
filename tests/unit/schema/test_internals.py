"""The table of graphql-core and Strawberry private names (schema/core/internals.py) is complete,
passes on the pinned versions, and names whatever moves."""

from __future__ import annotations

import re

import pytest
from graphql.execution.executor import Executor

from schema import build_schema
from schema.core import internals
from tests.helpers import ROOT

SCANNED = [ROOT / "schema", ROOT / "api"]


def _sources() -> dict[str, str]:
    return {
        str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
        for folder in SCANNED
        for path in folder.rglob("*.py")
        if path.name != "internals.py"
    }


def _table_text() -> str:
    return "\n".join(i.name for i in internals.INTERNALS)


def test_the_pinned_versions_have_every_name() -> None:
    assert internals.moved() == []


def test_a_moved_name_is_reported_and_no_schema_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(Executor, "settle_in_background")
    problems = internals.moved()
    assert problems == ["Executor.settle_in_background (used by schema/core/executor.py)"]
    with pytest.raises(internals.InternalsMoved, match=r"Executor\.settle_in_background"):
        build_schema()


def test_a_changed_signature_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    def handle_field_error(self: object, error: Exception, path: object) -> None: ...

    monkeypatch.setattr(Executor, "handle_field_error", handle_field_error)
    assert internals.moved() == ["Executor.handle_field_error (used by schema/core/executor.py)"]


def _own_private_names(sources: dict[str, str]) -> set[str]:
    """Underscore names relgraph itself defines: functions, classes, attributes, variables."""
    names: set[str] = set()
    for text in sources.values():
        names |= set(re.findall(r"\b(?:def|class)\s+(_[A-Za-z]\w*)", text))
        names |= set(re.findall(r"\bself\.(_[A-Za-z]\w*)\s*(?::[^=\n]*)?=", text))
        names |= set(re.findall(r"^\s*(_[A-Za-z]\w*)\s*(?::[^=\n]*)?=", text, re.MULTILINE))
        names |= set(re.findall(r'"(_[a-z]\w*)",?\s*$', text, re.MULTILINE))  # __slots__
    return names


def test_the_table_lists_every_private_name_the_code_uses() -> None:
    sources = _sources()
    own = _own_private_names(sources)
    table = _table_text()
    used: dict[str, set[str]] = {}
    for path, text in sources.items():
        # Underscore attributes of other objects, and underscore names fetched with getattr.
        for name in re.findall(r"(?<!\bself)(?<!\bcls)\.(_[a-z]\w*)\b", text):
            used.setdefault(name, set()).add(path)
        for name in re.findall(r"getattr\([^,]+,\s*\"(_[a-z]\w*)\"", text):
            used.setdefault(name, set()).add(path)
    foreign = {name: paths for name, paths in used.items() if name not in own}
    assert {n: p for n, p in foreign.items() if n not in table} == {}


def test_the_table_lists_every_executor_member_the_compiled_executor_uses() -> None:
    source = (ROOT / "schema" / "core" / "executor.py").read_text(encoding="utf-8")
    members = set(re.findall(r"\b(?:executor|self)\.([a-z]\w*)", source))
    declared = {
        name
        for klass in Executor.__mro__
        for name in (*vars(klass), *getattr(klass, "__annotations__", {}))
    }
    table = _table_text()
    assert {m for m in members & declared if f"Executor.{m}" not in table} == set()
