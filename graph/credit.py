"""Referral credit (业绩分成): credit policies and the exact split of a won referral's credit.

A policy is versioned per product line and date-effective: the version in force on a day is the
one with the latest `effective_from` on or before it (of two on one day, the later version). It
gives each participant role its share in percent (summing to exactly 100) and the line's points
rate (产品积分): the credit basis of a win is its amount × the rate.

Splitting (`split`) is exact, in hundredths (the basis is rounded half-up to two places first):
each participant's exact share of the basis is rounded *down* to a hundredth, and the hundredths
left over (fewer than the number of participants) go one each to the participants with the
largest dropped fractions, ties to the earlier participant in the order REFERRER, CLOSER, then
SUPPORTING by employee id. The entries therefore always sum to the basis exactly. Several
supporting employees share the SUPPORTING share equally. A role without a participant (no
supporter added) passes its share to the CLOSER, who converted the business.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from graph.model import ParticipantRole, ProductType

HUNDREDTH = Decimal("0.01")
HUNDRED = Decimal(100)
ROLE_ORDER = (ParticipantRole.REFERRER, ParticipantRole.CLOSER, ParticipantRole.SUPPORTING)
# The largest points rate a policy may give (credit points per yuan).
MAX_POINTS_RATE = Decimal(1000)


class PolicyInvalid(ValueError):
    """A credit policy that cannot be published: the message lists every problem."""


@dataclass(frozen=True)
class CreditPolicy:
    id: str
    product_line: ProductType
    version: int
    effective_from: dt.date
    shares: Mapping[ParticipantRole, Decimal]  # percent, summing to exactly 100
    points_rate: Decimal
    published_by: str | None = None
    published_at: dt.datetime | None = None


def check_policy(shares: Mapping[ParticipantRole, Decimal], points_rate: Decimal) -> None:
    """PolicyInvalid unless every role has a share from 0 to 100 with at most two decimal
    places, the shares sum to exactly 100, and the points rate is positive with at most four."""
    problems = []
    for role in ROLE_ORDER:
        share = shares.get(role)
        if share is None:
            problems.append(f"the {role.value} share is missing")
        elif not share.is_finite() or share < 0 or share > HUNDRED:
            problems.append(f"the {role.value} share must be from 0 to 100, got {share}")
        elif share != share.quantize(HUNDREDTH):
            problems.append(f"the {role.value} share has more than two decimal places: {share}")
    if not problems:
        total = sum((shares[r] for r in ROLE_ORDER), Decimal(0))
        if total != HUNDRED:
            problems.append(f"the shares must sum to exactly 100 %, they sum to {total} %")
    if not points_rate.is_finite() or points_rate <= 0 or points_rate > MAX_POINTS_RATE:
        problems.append(f"the points rate must be above 0 and at most {MAX_POINTS_RATE}")
    elif points_rate != points_rate.quantize(Decimal("0.0001")):
        problems.append(f"the points rate has more than four decimal places: {points_rate}")
    if problems:
        raise PolicyInvalid("; ".join(problems))


def credit_basis(amount: Decimal, points_rate: Decimal) -> Decimal:
    """The credit a win earns in all: its amount × the line's points rate, half-up to 0.01."""
    return (amount * points_rate).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Participant:
    employee_id: str
    role: ParticipantRole


@dataclass(frozen=True, slots=True)
class Share:
    participant: Participant
    percent: Decimal  # of the basis, after shares of absent roles moved to the closer
    amount: Decimal


def ordered(participants: Sequence[Participant]) -> list[Participant]:
    """One of each (employee, role), in the split's tie-break order."""
    unique = dict.fromkeys(participants)
    return sorted(unique, key=lambda p: (ROLE_ORDER.index(p.role), p.employee_id))


def split(
    basis: Decimal,
    shares: Mapping[ParticipantRole, Decimal],
    participants: Sequence[Participant],
) -> list[Share]:
    """The basis split among the participants by role (the module says how): one Share per
    participant, summing exactly to `basis`. Needs exactly one REFERRER and one CLOSER."""
    people = ordered(participants)
    by_role = {role: [p for p in people if p.role is role] for role in ROLE_ORDER}
    if len(by_role[ParticipantRole.REFERRER]) != 1 or len(by_role[ParticipantRole.CLOSER]) != 1:
        raise ValueError("a split needs exactly one referrer and one closer")
    percent = {role: shares[role] for role in ROLE_ORDER}
    if not by_role[ParticipantRole.SUPPORTING]:
        percent[ParticipantRole.CLOSER] += percent.pop(ParticipantRole.SUPPORTING)
    exact = [
        (
            p,
            percent[p.role] / len(by_role[p.role]),
            basis * percent[p.role] / HUNDRED / len(by_role[p.role]),
        )
        for p in people
        if p.role in percent
    ]
    floored = [amount.quantize(HUNDREDTH, rounding=ROUND_DOWN) for _, _, amount in exact]
    left = int((basis - sum(floored, Decimal(0))) / HUNDREDTH)
    # Largest dropped fraction first; sorted() is stable, so ties keep the participants' order.
    by_fraction = sorted(range(len(exact)), key=lambda i: -(exact[i][2] - floored[i]))
    for i in by_fraction[:left]:
        floored[i] += HUNDREDTH
    return [
        Share(participant, share_percent, amount)
        for (participant, share_percent, _), amount in zip(exact, floored, strict=True)
    ]


def in_force(policies: Sequence[CreditPolicy], on: dt.date) -> CreditPolicy | None:
    """The version in force on `on`: the latest effective on or before it, then the highest."""
    effective = [p for p in policies if p.effective_from <= on]
    return max(effective, key=lambda p: (p.effective_from, p.version), default=None)
