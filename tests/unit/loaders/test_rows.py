"""Row models: every number a row carries is finite, whichever float field and spelling."""

from __future__ import annotations

import math
import types
from decimal import Decimal
from typing import Annotated, Any, Union, get_args, get_origin

import pytest
from pydantic import ValidationError

from graph.money import MAX_YUAN
from loaders.plan import LOAD_PLAN
from loaders.rows import HoldsRow

NOT_FINITE: list[Any] = [
    "inf", "Infinity", "-Infinity", "+inf", "nan", "NaN", "1e309", "-1e309",
    math.inf, -math.inf, math.nan, 1e309,
]  # fmt: skip


def _is_a(kind: type, annotation: Any) -> bool:
    """`annotation` is `kind`, optional or annotated."""
    if annotation is kind:
        return True
    if get_origin(annotation) in (Union, types.UnionType):
        return any(_is_a(kind, a) for a in get_args(annotation))
    if get_origin(annotation) is Annotated:
        return _is_a(kind, get_args(annotation)[0])
    return False


def _fields_of(kind: type) -> list[tuple[str, str]]:
    return [
        (spec.name, name)
        for spec in LOAD_PLAN
        for name, field in spec.model.model_fields.items()
        if _is_a(kind, field.annotation)
    ]


FLOAT_FIELDS = _fields_of(float)


def test_the_float_fields_are_found() -> None:
    # Floats are fractions only (shares, scores, rates); money is Decimal (MONEY_FIELDS below).
    assert ("owns", "share") in FLOAT_FIELDS and ("holds", "amount") not in FLOAT_FIELDS
    assert len(FLOAT_FIELDS) >= 5


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


# Exact decimals that are not money: a credit policy's percents and points rate
# (tests/unit/loaders/test_referral_rows.py).
POLICY_FIELDS = [
    ("credit_policies", name)
    for name in ("referrer_share", "closer_share", "supporting_share", "points_rate")
]
MONEY_FIELDS = [field for field in _fields_of(Decimal) if field not in POLICY_FIELDS]


def _errors_on(file: str, field: str, value: Any) -> list[dict[str, Any]]:
    spec = next(s for s in LOAD_PLAN if s.name == file)
    try:
        spec.model.model_validate({field: value})
    except ValidationError as exc:
        return [dict(e) for e in exc.errors() if e["loc"] == (field,)]
    return []


def test_every_money_column_is_an_exact_decimal() -> None:
    assert set(MONEY_FIELDS) == {
        ("companies", "registered_capital"),
        ("products", "issue_size"),
        ("fees", "billed"),
        ("fees", "paid"),
        ("holds", "amount"),
        ("guarantees", "amount"),
        ("referrals", "won_amount"),
    }
    assert set(POLICY_FIELDS) <= set(_fields_of(Decimal))


@pytest.mark.parametrize(("file", "field"), MONEY_FIELDS)
@pytest.mark.parametrize(
    "value",
    [*NOT_FINITE, "1.005", "0.001", "-0.01", "1e15", str(MAX_YUAN), 12.5, "12,50", "¥12"],
    ids=repr,
)
def test_money_refuses_what_is_not_an_exact_amount(file: str, field: str, value: Any) -> None:
    """More than two places, not finite, negative, too large, a float (already inexact)."""
    assert _errors_on(file, field, value), value


@pytest.mark.parametrize(
    ("value", "fen"),
    [("1234.50", 123450), ("0.1", 10), (" 7 ", 700), (Decimal("0.20"), 20),
     (str(MAX_YUAN - Decimal("0.01")), 99999999999999999)],
)  # fmt: skip
def test_money_is_read_exactly_and_stored_as_integer_fen(value: Any, fen: int) -> None:
    holding = HoldsRow.model_validate({"holder_id": "P1", "product_id": "X1", "amount": value})
    assert holding.amount == Decimal(fen) / 100
    stored = holding.model_dump()["amount"]
    assert stored == fen and type(stored) is int
