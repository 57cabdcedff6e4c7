"""A year of synthetic referral history for a loaded bank (the demo and the bench): referrals
made over the past year by staff of each customer's home branch, routed by the push rules, worked
to their outcome with conversion that depends on the route, some reassigned or expired on the
way, and the credit of every win split by the policies in force and appended to the CREDIT ledger
(graph/ledger.py) in the win's order, exactly as live wins are.

Deterministic for a seed and a day; written once (a second run finds the history and writes
nothing). Default credit policies, one per product line effective from the start of the history,
are published first when a line has none.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from graph.credit import in_force
from graph.db import Database, WriteTransaction
from graph.model import EmployeeRole, ParticipantRole, ProductType, ReferralRoute, ReferralStage
from graph.money import to_fen
from graph.push_rules import Directory, PushRules, RouteInput
from graph.records import to_date
from graph.referrals import (
    REFERRAL_KIND,
    ParticipantRecord,
    ReferralRecord,
    append_credit,
    credit_drafts,
    policies,
    policies_by_line,
    publish_policy,
    route_of,
)
from queries import Q

Stage = ReferralStage
DAYS = 365
WRITE_BATCH = 1000
CREDIT_BATCH = 500
# Chance that a referral of a route is won; the rest are lost, declined or expired.
CONVERSION: Mapping[ReferralRoute, float] = {
    ReferralRoute.TELLER_TO_MARKETING: 0.35,
    ReferralRoute.WITHIN_BRANCH: 0.30,
    ReferralRoute.CROSS_INSTITUTION: 0.22,
    ReferralRoute.BRANCH_TO_CENTRE: 0.18,
}
REASSIGNED_SHARE = 0.08
DEFAULT_SHARES = {
    ParticipantRole.REFERRER: Decimal(30),
    ParticipantRole.CLOSER: Decimal(60),
    ParticipantRole.SUPPORTING: Decimal(10),
}
# Points per yuan (产品积分) by line: the default policies' rates.
DEFAULT_RATES: Mapping[ProductType, Decimal] = {
    line: Decimal("0.5")
    if line in {ProductType.DEPOSIT, ProductType.SETTLEMENT_ACCOUNT}
    else Decimal("1.2")
    if line in {ProductType.WEALTH_MANAGEMENT, ProductType.INSURANCE}
    else Decimal(1)
    for line in ProductType
}


@dataclass(frozen=True)
class HistorySummary:
    referrals: int
    won: int
    credit_entries: int
    written: bool  # False: the history was there already


async def ensure_default_policies(db: Database, since: dt.date, now: dt.datetime) -> None:
    held = {p.product_line for p in await policies(db, None)}
    for line in ProductType:
        if line not in held:
            await publish_policy(
                db, line, since, DEFAULT_SHARES, DEFAULT_RATES[line], "SYSTEM", now
            )


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9), dt.UTC) + dt.timedelta(
        seconds=rng.randrange(8 * 3600)
    )


def _referral(
    index: int,
    customer: Mapping[str, Any],
    rng: random.Random,
    rules: PushRules,
    directory: Directory,
    today: dt.date,
) -> dict[str, Any] | None:
    branch = customer["branch_id"]
    tellers = directory.staff.get((branch, EmployeeRole.TELLER), [])
    managers = directory.staff.get((branch, EmployeeRole.CUSTOMER_MANAGER), [])
    pool = tellers + managers
    if not pool:
        return None
    referrer = rng.choice(pool)
    referrer_roles = [EmployeeRole.TELLER] if referrer in tellers else []
    line = customer["product_type"]
    routed = rules.route(
        RouteInput(
            kind=REFERRAL_KIND,
            key=f"{customer['id']}|{index}",
            segment=customer["segment"],
            product_line=line,
            party_type=customer["party_type"],
            branch_id=branch,
            manager_id=customer["manager_id"],
        ),
        directory,
    )
    if routed is None or routed.employee_id == referrer:
        return None
    route = route_of(referrer, referrer_roles, routed.institution_id, directory)
    created = today - dt.timedelta(days=rng.randrange(1, DAYS))
    created_at = _at(created, rng)
    events: list[dict[str, Any]] = [
        {
            "at": created_at.isoformat(),
            "action": "CREATE",
            "to": "NEW",
            "actor_id": referrer,
            "actor_kind": "REFERRER",
        }
    ]
    recipient = routed.employee_id
    stage, at = Stage.NEW, created_at

    def step(action: str, to: Stage, days: int, actor: str | None = None) -> None:
        nonlocal stage, at
        at = at + dt.timedelta(days=days, hours=rng.randrange(1, 6))
        events.append(
            {
                "at": at.isoformat(),
                "action": action,
                "from": stage.value,
                "to": to.value,
                "actor_id": actor or recipient,
                "actor_kind": "RECIPIENT" if actor is None else "BRANCH_HEAD",
            }
        )
        stage = to

    heads = directory.staff.get((routed.institution_id, EmployeeRole.BRANCH_HEAD), [])
    if rng.random() < REASSIGNED_SHARE and heads:
        colleagues = [m for m in managers if m not in (recipient, referrer)]
        if colleagues:
            step("REASSIGN", Stage.REASSIGNED, rng.randrange(1, 4), heads[0])
            recipient = rng.choice(colleagues)
    elapsed = (today - created).days
    outcome = rng.random()
    if elapsed < 30 and outcome < 0.5:
        pass  # still open: recent
    elif outcome < 0.07:
        step("EXPIRE", Stage.EXPIRED, 30)
        events[-1].update({"actor_id": None, "actor_kind": "SYSTEM"})
    elif outcome < 0.15:
        step("DECLINE", Stage.DECLINED, rng.randrange(0, 3))
    else:
        step("ACCEPT", Stage.ACCEPTED, rng.randrange(0, 3))
        step("CONTACT", Stage.CONTACTED, rng.randrange(1, 7))
        if rng.random() < CONVERSION[route] / 0.85:
            step("WIN", Stage.WON, rng.randrange(1, 21))
        else:
            step("LOSE", Stage.LOST, rng.randrange(1, 21))
    if at.date() > today:
        return None
    won = stage is Stage.WON
    amount = Decimal(rng.randrange(1_000_00, 500_000_00)) / 100 if won else None
    return {
        "referral": {
            "id": f"RH{index:08d}",
            "history": True,
            "customer_id": customer["id"],
            "referrer_id": referrer,
            "referrer_branch_id": directory.branch_of_employee.get(referrer),
            "recipient_id": recipient,
            "institution_id": directory.branch_of_employee.get(recipient, routed.institution_id),
            "stage": stage.value,
            "route": route.value,
            "product_line": line,
            "product_ids": [customer["product_id"]],
            "push_rule": routed.rule.name,
            "push_rules_version": rules.version,
            "created_at": created_at.isoformat(),
            "created_on": created.isoformat(),
            "stage_changed_at": at.isoformat(),
            "won_product_id": customer["product_id"] if won else None,
            "won_product_line": line if won else None,
            "won_amount_fen": to_fen(amount) if amount is not None else None,
            "won_on": at.date().isoformat() if won else None,
        },
        "events": events,
    }


async def write_history(
    db: Database,
    rules: PushRules,
    directory: Directory,
    today: dt.date,
    seed: int,
    per_customer: float = 0.25,
    customers: int = 1_000_000,
) -> HistorySummary:
    """About `per_customer` referrals for each of up to `customers` customers holding a product.
    A run that was interrupted is completed by the next, for the day it began on: the same
    referrals (ids and all), written where missing, and credit for the wins that have none."""
    (mark,) = await db.write(Q.referral_history_begin, {"today": today})
    if mark["complete"]:
        (count,) = await db.read(Q.referral_history_count)
        return HistorySummary(count["n"], 0, 0, written=False)
    today = to_date(mark["day"]) or today
    now = dt.datetime.now(dt.UTC)
    await ensure_default_policies(db, today - dt.timedelta(days=DAYS), now)
    rows = await db.read(Q.referral_history_candidates, {"limit": customers, "today": today})
    rng = random.Random(seed)
    made: list[dict[str, Any]] = []
    for index, customer in enumerate(rows):
        if rng.random() < per_customer:
            referral = _referral(index, customer, rng, rules, directory, today)
            if referral is not None:
                made.append(referral)
    for start in range(0, len(made), WRITE_BATCH):
        await db.write(
            Q.referral_history_write, {"rows": made[start : start + WRITE_BATCH]}, timeout=300.0
        )
    wins = sorted(
        (r["referral"] for r in made if r["referral"]["stage"] == Stage.WON.value),
        key=lambda r: (r["stage_changed_at"], r["id"]),
    )
    credited = {
        row["id"]
        for row in await db.read(Q.referral_history_credited, {"ids": [w["id"] for w in wins]})
    }
    entries = await _credit(db, [w for w in wins if w["id"] not in credited], now)
    await db.write(Q.referral_history_end)
    return HistorySummary(len(made), len(wins), entries, written=True)


async def _credit(db: Database, wins: Sequence[Mapping[str, Any]], now: dt.datetime) -> int:
    by_line = await policies_by_line(db)
    written = 0
    for start in range(0, len(wins), CREDIT_BATCH):
        drafts = []
        for win in wins[start : start + CREDIT_BATCH]:
            on = dt.date.fromisoformat(win["won_on"])
            policy = in_force(by_line.get(ProductType(win["won_product_line"]), []), on)
            assert policy is not None  # the defaults cover the whole history
            referral = _as_record(win, on)
            amount = Decimal(win["won_amount_fen"]) / 100
            drafts += credit_drafts(referral, policy, amount, on, "SYSTEM")

        async def work(tx: WriteTransaction, batch: list[Any] = drafts) -> int:
            return len(await append_credit(tx, batch, now))

        written += await db.write_unit(work, timeout=300.0)
    return written


def _as_record(win: Mapping[str, Any], on: dt.date) -> ReferralRecord:
    """Just what credit_drafts reads of a referral: its id and participants."""
    participants = [
        ParticipantRecord(win["referrer_id"], ParticipantRole.REFERRER, None),
        ParticipantRecord(win["recipient_id"], ParticipantRole.CLOSER, None),
    ]
    return ReferralRecord(
        id=win["id"],
        customer_id=win["customer_id"],
        referrer_id=win["referrer_id"],
        referrer_branch_id=None,
        recipient_id=win["recipient_id"],
        institution_id=None,
        stage=Stage.WON,
        route=ReferralRoute(win["route"]),
        product_line=None,
        product_ids=[],
        need=None,
        note=None,
        opportunity_id=None,
        push_rule=None,
        push_rules_version=None,
        created_at=dt.datetime.fromisoformat(win["created_at"]),
        created_on=on,
        won_product_id=None,
        won_amount=None,
        won_on=on,
        holding_id=None,
        participants=participants,
        events=[],
        credit=[],
    )
