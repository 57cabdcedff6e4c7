"""A year of referral history (转介) up to the generator's today, written as load files:
`credit_policies.csv`, `referrals.csv`, `referral_supporters.csv` and `referral_events.csv`
(docs/data-format.md). The loader credits every win by the policy in force on its day.

About one customer in four holding a product now is referred, on a day of the past year, by a
teller or customer manager of its home branch, for the line of a product it holds; the push rules
(config/push_rules.toml, checked against the generated branches) choose the recipient, as they
would for a live referral. Each referral is worked to an outcome whose odds depend on its route
(CONVERSION), some reassigned by a branch head on the way, the last month's partly still open; a
win matches the holding the customer has, and one in five wins had colleagues supporting it.

The history draws from a random stream of its own (`derive_random(seed, "referrals")`), so the
rest of the bank is the same with or without it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from graph.model import (
    EmployeeRole,
    PartyType,
    ProductType,
    ReferralRoute,
    ReferralStage,
)
from graph.opportunities import DEFAULT_RULES_FILE
from graph.push_rules import Directory, RouteInput, load_rules
from graph.referrals import REFERRAL_KIND, route_of
from loaders.synthetic.sink import Tables, fmt_money
from loaders.synthetic.streams import derive_random
from loaders.synthetic.vocab import TODAY

if TYPE_CHECKING:
    from loaders.synthetic.customers import Customer, Holding

Stage = ReferralStage
DAYS = 365
REFERRED_SHARE = 0.25  # of the customers holding a product now
# Chance that a referral of a route worked to an end (not declined or expired) is won.
CONVERSION: Mapping[ReferralRoute, float] = {
    ReferralRoute.TELLER_TO_MARKETING: 0.41,
    ReferralRoute.WITHIN_BRANCH: 0.35,
    ReferralRoute.CROSS_INSTITUTION: 0.26,
    ReferralRoute.BRANCH_TO_CENTRE: 0.21,
}
REASSIGNED_SHARE = 0.08
SUPPORTED_SHARE = 0.2  # of wins
FIRST_SHARES = (Decimal(30), Decimal(60), Decimal(10))  # referrer, closer, supporting
# Points per yuan (产品积分) by line.
POINTS_RATES: Mapping[ProductType, Decimal] = {
    line: Decimal("0.5")
    if line in {ProductType.DEPOSIT, ProductType.SETTLEMENT_ACCOUNT}
    else Decimal("1.2")
    if line in {ProductType.WEALTH_MANAGEMENT, ProductType.INSURANCE}
    else Decimal(1)
    for line in ProductType
}
# Half way through the year wealth management's referrers were given more: a second version,
# so the history holds wins credited by each.
REVISED_LINE = ProductType.WEALTH_MANAGEMENT
REVISED_SHARES = (Decimal(40), Decimal(50), Decimal(10))
REVISED_AFTER_DAYS = DAYS // 2


def _utc(at: dt.datetime) -> str:
    return at.isoformat()


class ReferralHistory:
    def __init__(self, seed: int, tables: Tables, directory: Directory) -> None:
        self.rng = derive_random(seed, "referrals")
        self.tables = tables
        self.directory = directory
        self.rules = load_rules(DEFAULT_RULES_FILE, directory)
        self.start = TODAY - dt.timedelta(days=DAYS)
        self.count = 0
        self._write_policies()

    def _write_policies(self) -> None:
        for line in ProductType:
            self._policy(line, 1, self.start, FIRST_SHARES)
        revised = self.start + dt.timedelta(days=REVISED_AFTER_DAYS)
        self._policy(REVISED_LINE, 2, revised, REVISED_SHARES)

    def _policy(
        self,
        line: ProductType,
        version: int,
        effective_from: dt.date,
        shares: tuple[Decimal, Decimal, Decimal],
    ) -> None:
        self.tables.credit_policies.write(
            (
                line.value,
                str(version),
                effective_from.isoformat(),
                *(str(share) for share in shares),
                str(POINTS_RATES[line]),
            )
        )

    def customer(self, cust: Customer, visible: list[Holding], manager: str | None) -> None:
        """Maybe one referral of this customer, for the line of a product it holds now."""
        current = [h for h in visible if h.until is None]
        rng = self.rng
        if not current or rng.random() >= REFERRED_SHARE:
            return
        holding = min(current, key=lambda h: h.product.id)
        branch = cust.home.id
        staff = self.directory.staff
        tellers = staff.get((branch, EmployeeRole.TELLER.value), [])
        managers = staff.get((branch, EmployeeRole.CUSTOMER_MANAGER.value), [])
        pool = tellers + managers
        if not pool:
            return
        referrer = rng.choice(pool)
        line = holding.product.type
        self.count += 1
        referral_id = f"RH{self.count:08d}"
        routed = self.rules.route(
            RouteInput(
                kind=REFERRAL_KIND,
                key=f"{cust.id}|{referral_id}",
                segment=cust.segment.value,
                product_line=line.value,
                party_type=(PartyType.PERSON if cust.is_person else PartyType.COMPANY).value,
                branch_id=branch,
                manager_id=manager,
            ),
            self.directory,
        )
        if routed is None or routed.employee_id == referrer:
            return
        roles = [EmployeeRole.TELLER.value] if referrer in tellers else []
        route = route_of(referrer, roles, routed.institution_id, self.directory)
        _Timeline(self, referral_id, cust, holding, referrer, routed.employee_id, route).write(
            managers,
            routed.rule.name,
            staff.get((routed.institution_id, EmployeeRole.BRANCH_HEAD.value), []),
        )


class _Timeline:
    """One referral worked from its creation to where it stands on the generator's today."""

    def __init__(
        self,
        history: ReferralHistory,
        referral_id: str,
        cust: Customer,
        holding: Holding,
        referrer: str,
        recipient: str,
        route: ReferralRoute,
    ) -> None:
        self.history = history
        self.rng = history.rng
        self.id = referral_id
        self.cust = cust
        self.holding = holding
        self.referrer = referrer
        self.recipient = recipient
        self.route = route
        created = TODAY - dt.timedelta(days=self.rng.randrange(1, DAYS))
        self.created_at = dt.datetime.combine(created, dt.time(9), dt.UTC) + dt.timedelta(
            seconds=self.rng.randrange(8 * 3600)
        )
        self.stage = Stage.NEW
        self.at = self.created_at
        self.events: list[tuple[str, ...]] = [
            (_utc(self.created_at), "CREATE", "", Stage.NEW.value, referrer, "REFERRER")
        ]

    def step(self, action: str, to: Stage, days: int, actor: str | None, kind: str) -> None:
        self.at += dt.timedelta(days=days, hours=self.rng.randrange(1, 6))
        self.events.append((_utc(self.at), action, self.stage.value, to.value, actor or "", kind))
        self.stage = to

    def write(self, colleagues: list[str], rule: str, heads: list[str]) -> None:
        rng = self.rng
        others = [m for m in colleagues if m not in (self.recipient, self.referrer)]
        if rng.random() < REASSIGNED_SHARE and heads and others:
            self.step("REASSIGN", Stage.REASSIGNED, rng.randrange(1, 4), heads[0], "BRANCH_HEAD")
            self.recipient = rng.choice(others)
        elapsed = (TODAY - self.created_at.date()).days
        outcome = rng.random()
        if elapsed < 30 and outcome < 0.5:
            pass  # recent, still open
        elif outcome < 0.07:
            self.step("EXPIRE", Stage.EXPIRED, 30, None, "SYSTEM")
        elif outcome < 0.15:
            self.step("DECLINE", Stage.DECLINED, rng.randrange(0, 3), self.recipient, "RECIPIENT")
        else:
            self.step("ACCEPT", Stage.ACCEPTED, rng.randrange(0, 3), self.recipient, "RECIPIENT")
            self.step("CONTACT", Stage.CONTACTED, rng.randrange(1, 7), self.recipient, "RECIPIENT")
            won = rng.random() < CONVERSION[self.route]
            action, stage = ("WIN", Stage.WON) if won else ("LOSE", Stage.LOST)
            self.step(action, stage, rng.randrange(1, 21), self.recipient, "RECIPIENT")
        if self.at.date() > TODAY:
            return  # it would end after today: not made
        tables = self.history.tables
        won = self.stage is Stage.WON
        product = self.holding.product
        tables.referrals.write(
            (
                self.id,
                self.cust.id,
                self.referrer,
                self.recipient,
                self.history.directory.branch_of_employee[self.recipient],
                self.route.value,
                self.stage.value,
                product.type.value,
                product.id,
                rule,
                str(self.history.rules.version),
                _utc(self.created_at),
                _utc(self.at),
                self.recipient if won else "",
                product.id if won else "",
                fmt_money(self.holding.amount) if won else "",
            )
        )
        for seq, event in enumerate(self.events, start=1):
            tables.referral_events.write((self.id, str(seq), *event))
        if won and others and rng.random() < SUPPORTED_SHARE:
            for supporter in rng.sample(others, min(len(others), rng.randint(1, 2))):
                if supporter != self.recipient:
                    tables.referral_supporters.write((self.id, supporter, _utc(self.at)))
