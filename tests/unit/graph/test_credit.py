"""Credit policies and the exact split of a win's credit (graph/credit.py), and the referral
stage machine (graph/referrals.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from graph.credit import (
    CreditPolicy,
    Participant,
    PolicyInvalid,
    check_policy,
    credit_basis,
    in_force,
    split,
)
from graph.model import ParticipantRole, ProductType, ReferralStage
from graph.referrals import STAGE_MACHINE, Action, Actor, decide
from graph.status_machine import Verdict

R, C, S = ParticipantRole.REFERRER, ParticipantRole.CLOSER, ParticipantRole.SUPPORTING


def shares(referrer: str, closer: str, supporting: str) -> dict[ParticipantRole, Decimal]:
    return {R: Decimal(referrer), C: Decimal(closer), S: Decimal(supporting)}


def test_shares_must_sum_to_exactly_100() -> None:
    check_policy(shares("30", "60", "10"), Decimal("1.5"))
    for bad in (shares("30", "60", "9.99"), shares("30", "60", "10.01"), shares("-1", "91", "10")):
        with pytest.raises(PolicyInvalid):
            check_policy(bad, Decimal(1))
    with pytest.raises(PolicyInvalid, match="two decimal places"):
        check_policy(shares("30", "60", "10.001"), Decimal(1))
    with pytest.raises(PolicyInvalid, match="points rate"):
        check_policy(shares("30", "60", "10"), Decimal(0))


def test_the_basis_is_amount_times_rate_rounded_half_up() -> None:
    assert credit_basis(Decimal("100.01"), Decimal("1.5")) == Decimal("150.02")  # 150.015
    assert credit_basis(Decimal("0.01"), Decimal("0.5")) == Decimal("0.01")  # 0.005


@pytest.mark.parametrize(
    ("basis", "policy", "supporters"),
    [
        ("100.01", ("33.33", "33.33", "33.34"), 2),
        ("0.01", ("30", "60", "10"), 3),
        ("999999.99", ("33.33", "33.33", "33.34"), 7),
        ("10", ("30", "60", "10"), 0),
        ("0.05", ("0", "0", "100"), 3),
    ],
)
def test_a_split_sums_exactly_to_the_basis(
    basis: str, policy: tuple[str, str, str], supporters: int
) -> None:
    people = [Participant("E1", R), Participant("E2", C)] + [
        Participant(f"S{i}", S) for i in range(supporters)
    ]
    result = split(Decimal(basis), shares(*policy), people)
    assert sum(s.amount for s in result) == Decimal(basis)
    assert all(s.amount == s.amount.quantize(Decimal("0.01")) for s in result)
    assert len(result) == len(people)


def test_the_remainder_goes_to_the_largest_dropped_fraction_ties_in_role_order() -> None:
    people = [
        Participant("E2", C),
        Participant("E1", R),
        Participant("S2", S),
        Participant("S1", S),
    ]
    result = {
        (s.participant.role, s.participant.employee_id): s.amount
        for s in split(Decimal("100.01"), shares("33.33", "33.33", "33.34"), people)
    }
    assert result == {
        (R, "E1"): Decimal("33.34"),
        (C, "E2"): Decimal("33.33"),
        (S, "S1"): Decimal("16.67"),
        (S, "S2"): Decimal("16.67"),
    }


def test_without_supporters_their_share_goes_to_the_closer() -> None:
    result = split(
        Decimal(1000), shares("30", "60", "10"), [Participant("E1", R), Participant("E2", C)]
    )
    assert [(s.participant.role, s.amount) for s in result] == [
        (R, Decimal("300.00")),
        (C, Decimal("700.00")),
    ]


def test_the_version_in_force_is_the_latest_effective_on_the_day() -> None:
    def policy(version: int, since: str) -> CreditPolicy:
        return CreditPolicy(
            f"FX:{version}",
            ProductType.FX,
            version,
            dt.date.fromisoformat(since),
            shares("30", "60", "10"),
            Decimal(1),
        )

    versions = [policy(1, "2024-01-01"), policy(2, "2025-01-01"), policy(3, "2025-01-01")]
    assert in_force(versions, dt.date(2023, 12, 31)) is None
    assert in_force(versions, dt.date(2024, 6, 1)) == versions[0]
    assert in_force(versions, dt.date(2025, 1, 1)) == versions[2]


def test_the_stage_machine_refuses_the_actor_before_the_stage() -> None:
    assert decide(Action.WIN, ReferralStage.CONTACTED, {Actor.RECIPIENT}) is Verdict.ALLOWED
    assert decide(Action.WIN, ReferralStage.NEW, {Actor.RECIPIENT}) is Verdict.ILLEGAL
    assert decide(Action.WIN, ReferralStage.NEW, set()) is Verdict.ACTOR_REFUSED
    assert decide(Action.EXPIRE, ReferralStage.NEW, {Actor.ADMIN}) is Verdict.ACTOR_REFUSED
    closed = {ReferralStage.WON, ReferralStage.LOST, ReferralStage.DECLINED, ReferralStage.EXPIRED}
    for action, transition in STAGE_MACHINE.items():
        assert not transition.sources & closed, action
