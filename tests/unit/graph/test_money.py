"""Money: exact decimals in, integer fen in storage, the same decimals out."""

from __future__ import annotations

from decimal import Decimal

import pytest

from graph.money import MAX_YUAN, MoneyError, from_fen, parse_money, to_fen


@pytest.mark.parametrize(
    ("text", "amount"),
    [("1234.5", "1234.50"), ("0", "0.00"), (" 7 ", "7.00"), ("-12.34", "-12.34"), (42, "42.00")],
)
def test_decimal_text_is_read_exactly(text: object, amount: str) -> None:
    assert parse_money(text) == Decimal(amount)
    assert str(parse_money(text)) == amount


@pytest.mark.parametrize(
    "bad",
    ["Infinity", "inf", "-inf", "NaN", "1e309", "12.345", "1,000", "", "abc", 1.5, True, None],
)
def test_anything_but_a_finite_two_place_decimal_is_refused(bad: object) -> None:
    with pytest.raises(MoneyError):
        parse_money(bad)


def test_amounts_past_the_ceiling_are_refused() -> None:
    with pytest.raises(MoneyError):
        parse_money(str(MAX_YUAN))
    assert parse_money(str(MAX_YUAN - Decimal("0.01")))


@pytest.mark.parametrize("amount", ["0.01", "0.10", "1234.50", "999999999999999.99", "-3.07"])
def test_fen_round_trip_exactly(amount: str) -> None:
    value = Decimal(amount)
    assert from_fen(to_fen(value)) == value
    assert isinstance(to_fen(value), int)
    assert from_fen(None) is None
    # Sums of fen are exact where float sums are not.
    assert from_fen(to_fen(Decimal("0.10")) * 3) == Decimal("0.30")
