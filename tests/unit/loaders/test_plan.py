"""The load plan: each file's key, the columns its upsert merges on, is required in its rows."""

from __future__ import annotations

from loaders.plan import LOAD_PLAN


def test_every_key_column_is_a_required_column_of_its_file() -> None:
    wrong = [
        (spec.name, column)
        for spec in LOAD_PLAN
        for column in spec.key
        if column not in spec.model.model_fields
        or not spec.model.model_fields[column].is_required()
    ]
    assert wrong == []
