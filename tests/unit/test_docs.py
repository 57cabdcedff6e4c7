"""The documentation names every load file and column, and the README every setting."""

from __future__ import annotations

import re

from graphql import parse, validate

from api.settings import Settings
from loaders.plan import LOAD_PLAN
from schema import build_schema
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


def test_readme_graphql_examples_are_valid_against_the_schema() -> None:
    schema = build_schema()._schema
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```graphql\n(.*?)```", readme, re.DOTALL)
    assert len(blocks) >= 10
    for block in blocks:
        # Several operations to a block, each starting at the line's start.
        documents = re.split(r"\n(?=[{]|query |mutation )", block)
        for document in [d for d in documents if d.strip()]:
            assert validate(schema, parse(document)) == [], document
