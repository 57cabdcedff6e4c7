"""docs/data-format.md says what the code does: its table of cross-field rules lists every rule a
row model checks, for each file it applies to, with the reason a reject gives, and nothing the
code does not check; its load-order table names each file's key."""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from collections.abc import Callable
from typing import Any

from loaders.plan import LOAD_PLAN
from tests.helpers import ROOT

EVERY_PERIOD_FILE = "every file with `since` and `until`"


def _messages(validator: Callable[..., Any]) -> list[str]:
    """The reasons a model validator rejects a row with: the texts of its `raise ValueError`."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(validator)))
    messages = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            (argument,) = node.exc.args
            assert isinstance(argument, ast.Constant) and isinstance(argument.value, str), (
                f"{validator.__qualname__}: give each rule one fixed reason, for the docs"
            )
            messages.append(argument.value)
    return messages


def _rules_in_code() -> set[tuple[str, str]]:
    rules = set()
    for spec in LOAD_PLAN:
        validators = spec.model.__pydantic_decorators__.model_validators.values()
        for validator in validators:
            rules |= {(spec.name, message) for message in _messages(validator.func)}
    return rules


def _rules_in_docs() -> set[tuple[str, str]]:
    doc = (ROOT / "docs" / "data-format.md").read_text(encoding="utf-8")
    section = doc.split("**Cross-field rules.**", 1)[1].split("\n\n", 2)[1]
    rows = [line for line in section.splitlines() if line.startswith("| ")][2:]
    period_files = {
        spec.name for spec in LOAD_PLAN if {"since", "until"} <= set(spec.model.model_fields)
    }
    rules = set()
    for row in rows:
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        files_cell, reason_cell = cells[0], cells[-1]
        files = (
            period_files
            if files_cell == EVERY_PERIOD_FILE
            else set(re.findall(r"`([a-z_]+)`", files_cell))
        )
        reasons = re.findall(r"`([^`]+)`", reason_cell)
        rules |= {(file, reason) for file in files for reason in reasons}
    return rules


def test_every_cross_field_rule_of_the_code_is_in_the_docs_table_and_no_other() -> None:
    code, docs = _rules_in_code(), _rules_in_docs()
    assert sorted(code - docs) == [], "rules the code checks that docs/data-format.md lacks"
    assert sorted(docs - code) == [], "rules docs/data-format.md lists that the code lacks"


def test_the_rules_found_include_the_known_ones() -> None:
    """The reading of the code finds rules at all (inherited ones too)."""
    found = _rules_in_code()
    assert ("risk_warnings", "resolved_on is before raised_on") in found
    assert ("holds", "until is before since") in found
    assert len(found) >= 18


def test_the_load_order_table_names_each_files_key() -> None:
    doc = (ROOT / "docs" / "data-format.md").read_text(encoding="utf-8")
    documented = {}
    for line in doc.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[0].isdigit():
            documented[cells[1].strip("`")] = tuple(re.findall(r"`([a-z_]+)`", cells[4]))
    assert documented == {spec.name: spec.key for spec in LOAD_PLAN}
