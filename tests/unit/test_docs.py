"""The documentation names every load file and column, and the README every setting."""

from __future__ import annotations

import re

from graphql import DocumentNode, build_schema, parse, validate

from api.settings import Settings
from loaders.plan import LOAD_PLAN
from tests.helpers import ROOT


def test_data_format_doc_lists_every_file_and_column() -> None:
    doc = (ROOT / "docs" / "data-format.md").read_text(encoding="utf-8")
    missing = [
        f"{spec.name}: {column}"
        for spec in LOAD_PLAN
        for column in spec.model.model_fields
        if f"| `{column}` |" not in doc
    ]
    assert missing == []
    assert [spec.name for spec in LOAD_PLAN if f". `{spec.name}` — " not in doc] == []


def test_readme_configuration_table_lists_every_setting() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = []
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        env = str(alias.choices[0]) if alias is not None else f"RELGRAPH_{name.upper()}"  # type: ignore[union-attr]
        names.append(env)
    assert [n for n in names if f"`{n}`" not in readme] == []


def test_readme_example_queries_are_valid_against_the_schema() -> None:
    """Each operation of the README's GraphQL examples validates against schema.graphql (kept in
    step with the code by tests/integration/api/test_safety.py): a renamed field or argument
    fails here."""
    schema = build_schema((ROOT / "schema.graphql").read_text(encoding="utf-8"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```graphql\n(.*?)```", readme, re.DOTALL)
    assert len(blocks) >= 10
    problems = []
    for block in blocks:
        for operation in parse(block).definitions:
            # One operation at a time: a block may show several anonymous ones.
            document = DocumentNode(definitions=(operation,))
            errors = validate(schema, document)
            problems += [f"{error.message} in {block[:60]!r}" for error in errors]
    assert problems == []
