"""Records: built from Cypher maps (extra keys ignored, dates from text), slotted, and the fee
rules the API shows (status, days overdue)."""

from __future__ import annotations

import datetime as dt

import pytest

from graph.model import FeeStatus
from graph.records import FeeRecord, PartyRecord, to_date, to_datetime

TODAY = dt.date(2026, 6, 30)


def fee(owed: float, due: dt.date, paid_on: dt.date | None = None) -> FeeRecord:
    return FeeRecord(
        id="F1",
        party_id="C1",
        product_id="PR1",
        period="2026-05",
        billed=100.0,
        paid=100.0 - owed,
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
