"""The referral load files' rows (loaders/rows.py): credit policies within publishCreditPolicy's
limits, and a referral's stage agreeing with what it records of a win."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from loaders.rows import CreditPolicyRow, ReferralEventRow, ReferralRow

POLICY = {
    "product_line": "DEPOSIT",
    "version": "1",
    "effective_from": "2025-07-01",
    "referrer_share": "30",
    "closer_share": "60",
    "supporting_share": "10",
    "points_rate": "0.5",
}
REFERRAL = {
    "id": "RH1",
    "customer_id": "C1",
    "referrer_id": "E1",
    "recipient_id": "E2",
    "institution_id": "B1",
    "route": "WITHIN_BRANCH",
    "stage": "LOST",
    "created_at": "2026-01-05T09:00:00+00:00",
    "stage_changed_at": "2026-01-20T10:00:00+08:00",
}
WIN = {"stage": "WON", "won_product_id": "P1", "won_amount": "1234.56"}


def _problem(model: type[Any], row: dict[str, Any]) -> tuple[tuple[Any, ...], str]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(row)
    first = caught.value.errors()[0]
    return first["loc"], first["msg"]


def test_a_policy_is_stored_with_its_percents_as_exact_text() -> None:
    dumped = CreditPolicyRow.model_validate({**POLICY, "closer_share": "59.99",
                                             "supporting_share": "10.01"}).model_dump()  # fmt: skip
    assert dumped["closer_share"] == "59.99" and dumped["supporting_share"] == "10.01"
    assert dumped["points_rate"] == "0.5" and dumped["version"] == 1


@pytest.mark.parametrize(
    ("change", "where", "reason"),
    [
        ({"supporting_share": "11"}, (), "the shares must sum to exactly 100"),
        ({"supporting_share": "0", "closer_share": "70.001"}, ("closer_share",), "decimal places"),
        ({"referrer_share": "-10", "closer_share": "100"}, ("referrer_share",), "greater than"),
        ({"referrer_share": "130", "closer_share": "-40"}, ("referrer_share",), "less than"),
        ({"points_rate": "0"}, ("points_rate",), "greater than 0"),
        ({"points_rate": "1.00005"}, ("points_rate",), "decimal places"),
        ({"points_rate": "NaN"}, ("points_rate",), "finite"),
        ({"version": "0"}, ("version",), "greater than or equal to 1"),
    ],
)
def test_a_policy_outside_the_rules_is_refused_naming_the_field(
    change: dict[str, str], where: tuple[str, ...], reason: str
) -> None:
    loc, message = _problem(CreditPolicyRow, {**POLICY, **change})
    assert loc == where and reason in message


def test_a_win_records_its_product_and_amount_in_fen() -> None:
    row = ReferralRow.model_validate({**REFERRAL, **WIN, "product_ids": "P1|P2"})
    dumped = row.model_dump()
    assert dumped["won_amount"] == 123456 and dumped["product_ids"] == ["P1", "P2"]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"stage": "WON"}, "a WON referral needs won_product_id and won_amount"),
        ({**WIN, "won_amount": None}, "a WON referral needs won_product_id and won_amount"),
        ({"won_product_id": "P1"}, "are for a WON referral only"),
        ({"closer_id": "E3"}, "are for a WON referral only"),
        (
            {"stage_changed_at": "2026-01-05T08:59:59+00:00"},
            "stage_changed_at is before created_at",
        ),
    ],
)
def test_a_referral_whose_stage_and_win_disagree_is_refused(
    change: dict[str, Any], reason: str
) -> None:
    row = {k: v for k, v in {**REFERRAL, **change}.items() if v is not None}
    loc, message = _problem(ReferralRow, row)
    assert loc == () and reason in message


def test_times_need_an_offset_and_events_a_known_action() -> None:
    loc, _ = _problem(ReferralRow, {**REFERRAL, "created_at": "2026-01-05T09:00:00"})
    assert loc == ("created_at",)
    event = {"referral_id": "RH1", "seq": "1", "at": "2026-01-05T09:00:00+00:00",
             "to_stage": "NEW", "actor_kind": "REFERRER"}  # fmt: skip
    assert ReferralEventRow.model_validate({**event, "action": "CREATE"}).action == "CREATE"
    loc, message = _problem(ReferralEventRow, {**event, "action": "APPROVE"})
    assert loc == ("action",) and "CREATE" in message and "WIN" in message
    loc, _ = _problem(ReferralEventRow, {**event, "action": "WIN", "actor_kind": "BOSS"})
    assert loc == ("actor_kind",)
