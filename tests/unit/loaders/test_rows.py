"""Row models: every number a row carries is finite, whichever float field and spelling."""

from __future__ import annotations

import math
import types
from typing import Annotated, Any, Union, get_args, get_origin

import pytest

from loaders.plan import LOAD_PLAN
from loaders.rows import MAX_MONEY

NOT_FINITE: list[Any] = [
    "inf", "Infinity", "-Infinity", "+inf", "nan", "NaN", "1e309", "-1e309",
    math.inf, -math.inf, math.nan, 1e309,
]  # fmt: skip


def _is_float(annotation: Any) -> bool:
    if annotation is float:
        return True
    if get_origin(annotation) in (Union, types.UnionType):
        return any(_is_float(a) for a in get_args(annotation))
    if get_origin(annotation) is Annotated:
        return _is_float(get_args(annotation)[0])
    return False


FLOAT_FIELDS = [
    (spec.name, name)
    for spec in LOAD_PLAN
    for name, field in spec.model.model_fields.items()
    if _is_float(field.annotation)
]


def test_the_float_fields_are_found() -> None:
    assert ("holds", "amount") in FLOAT_FIELDS and ("owns", "share") in FLOAT_FIELDS
    assert len(FLOAT_FIELDS) >= 11


@pytest.mark.parametrize(("file", "field"), FLOAT_FIELDS)
@pytest.mark.parametrize("value", NOT_FINITE, ids=repr)
def test_no_float_field_takes_a_number_that_is_not_finite(
    file: str, field: str, value: Any
) -> None:
    spec = next(s for s in LOAD_PLAN if s.name == file)
    with pytest.raises(ValueError) as caught:
        spec.model.model_validate({field: value})
    errors = [e for e in caught.value.errors() if e["loc"] == (field,)]  # type: ignore[attr-defined]
    assert [e["type"] for e in errors] == ["finite_number"]


FRACTIONS = {"share", "voting_share", "score", "coupon_rate"}


@pytest.mark.parametrize(("file", "field"), [(f, c) for f, c in FLOAT_FIELDS if c not in FRACTIONS])
def test_money_stops_at_an_amount_no_sum_of_rows_can_overflow(file: str, field: str) -> None:
    spec = next(s for s in LOAD_PLAN if s.name == file)
    for value, ok in ((MAX_MONEY, True), (MAX_MONEY * 1.5, False), (1e308, False)):
        try:
            spec.model.model_validate({field: value})
        except ValueError as exc:
            on_field = [e for e in exc.errors() if e["loc"] == (field,)]  # type: ignore[attr-defined]
            assert bool(on_field) != ok, (value, on_field)
