"""Records: built from Cypher maps (extra keys ignored, dates from text), slotted, and the fee
rules the API shows (status, days overdue)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from graph.model import FeeStatus
from graph.records import FeeRecord, PartyRecord, to_date, to_datetime

TODAY = dt.date(2026, 6, 30)


def fee(owed_yuan: float, due: dt.date, paid_on: dt.date | None = None) -> FeeRecord:
    owed = Decimal(str(owed_yuan))
    return FeeRecord(
        id="F1",
        party_id="C1",
        product_id="PR1",
        period="2026-05",
        billed=Decimal(100),
        paid=Decimal(100) - owed,
        owed=owed,
        billed_on=dt.date(2026, 5, 1),
        due_on=due,
        paid_on=paid_on,
    )


@pytest.mark.parametrize(
    ("record", "status", "days"),
    [
        (fee(40.0, dt.date(2026, 6, 20)), FeeStatus.OVERDUE, 10),
        (fee(40.0, dt.date(2026, 7, 20)), FeeStatus.OPEN, 0),
        (fee(40.0, TODAY), FeeStatus.OPEN, 0),  # due today is not yet overdue
        (fee(0.0, dt.date(2026, 6, 1), paid_on=dt.date(2026, 6, 5)), FeeStatus.PAID_LATE, 0),
        (fee(0.0, dt.date(2026, 6, 1), paid_on=dt.date(2026, 6, 1)), FeeStatus.PAID, 0),
        (fee(0.0, dt.date(2026, 6, 1)), FeeStatus.PAID, 0),
    ],
)
def test_fee_status_and_days_overdue(record: FeeRecord, status: FeeStatus, days: int) -> None:
    assert record.status(TODAY) is status
    assert record.days_overdue(TODAY) == days


def test_a_record_ignores_unknown_keys_and_reads_dates_from_text() -> None:
    party = PartyRecord.from_map(
        {"id": "P1", "name": "张三", "party_type": "PERSON", "birth_date": "1980-02-03", "x": 1}
    )
    assert party.birth_date == dt.date(1980, 2, 3)
    assert party.since is None
    assert not hasattr(party, "__dict__")
    assert not hasattr(party, "x")


def test_temporal_values_come_as_text_or_native() -> None:
    assert to_date(None) is None and to_date(TODAY) == TODAY
    assert to_datetime("2026-06-30T08:00:00+08:00") == dt.datetime(
        2026, 6, 30, 8, tzinfo=dt.timezone(dt.timedelta(hours=8))
    )
    with pytest.raises(TypeError):
        to_date(20260630)


def test_a_money_field_is_read_from_its_fen() -> None:
    """Neo4j holds integer fen (`billed_fen`); the record holds the exact yuan (`billed`)."""
    record = FeeRecord.from_map(
        {"id": "F1", "party_id": "C1", "product_id": "PR1", "period": "2026-05",
         "billed_fen": 10, "paid_fen": 0, "owed_fen": 10,
         "billed_on": "2026-05-01", "due_on": "2026-06-01"}
    )  # fmt: skip
    assert (record.billed, record.paid, record.owed) == (
        Decimal("0.10"),
        Decimal("0.00"),
        Decimal("0.10"),
    )
    assert str(record.billed) == "0.10"
