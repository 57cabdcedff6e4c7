"""Money as exact decimals, end to end.

- In Python and in the API: `decimal.Decimal` (the GraphQL `Decimal` scalar, a string such as
  "1234.50"), never float.
- In Neo4j: an integer number of fen (分, hundredths of a yuan) in a property named `*_fen`
  (`amount_fen`, `billed_fen`): integers are exact, sum exactly in Cypher and sort in an index,
  which neither floats nor decimal strings do together.
- In load files: a decimal number with at most two decimal places; anything else is rejected.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import overload

FEN_PER_YUAN = 100
CENT = Decimal("0.01")
ZERO = Decimal("0.00")  # no money, shown with its two places as every amount is
# Larger than any amount the bank books (a trillion yuan), small enough for Neo4j's 64-bit ints.
MAX_YUAN = Decimal(10) ** 15


class MoneyError(ValueError):
    """Not an amount of money: the message says why."""


def parse_money(value: object) -> Decimal:
    """A yuan amount from a load file or an API argument: finite, at most two decimal places,
    below MAX_YUAN in size. Floats are refused: a float is already inexact."""
    if isinstance(value, bool | float):
        raise MoneyError(f"money must be written as a decimal number, got {value!r}")
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int | str):
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            raise MoneyError(f"not a decimal number: {value!r}") from None
    else:
        raise MoneyError(f"not a decimal number: {value!r}")
    if not amount.is_finite():
        raise MoneyError(f"money must be a finite number, got {value!r}")
    if abs(amount) >= MAX_YUAN:
        raise MoneyError(f"{value!r} is larger than any amount relgraph holds")
    if amount != amount.quantize(CENT):
        raise MoneyError(f"money has at most two decimal places (fen), got {value!r}")
    return amount.quantize(CENT)


def to_fen(amount: Decimal) -> int:
    return int(amount.quantize(CENT) * FEN_PER_YUAN)


@overload
def from_fen(fen: int) -> Decimal: ...
@overload
def from_fen(fen: None) -> None: ...
@overload
def from_fen(fen: int | None) -> Decimal | None: ...
def from_fen(fen: int | None) -> Decimal | None:
    return None if fen is None else (Decimal(fen) / FEN_PER_YUAN).quantize(CENT)
