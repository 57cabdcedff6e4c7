"""Customers, whoever writes them: the party and customer rows, holdings (some held out for
cross-sell ground truth), service fees, managers, risk warnings, private-domain events and tags.

The world writes its customers with this, and a planted structure its own, each with its own
random stream and files. What one customer needs is kept only while it is written.
"""

from __future__ import annotations

import bisect
import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from graph.model import (
    CompanySize,
    InstitutionType,
    InteractionKind,
    ManagerRole,
    NeedType,
    ProductStatus,
    ProductType,
    Segment,
    ValueTier,
    WarningLevel,
)
from loaders.synthetic.catalogue import Catalogue, Product
from loaders.synthetic.ids import company_id, fee_id, interaction_id, person_id, warning_id
from loaders.synthetic.org import Branch, Org
from loaders.synthetic.parties import Parties
from loaders.synthetic.population import HOLDOUT_RATE, Population
from loaders.synthetic.referrals import ReferralHistory
from loaders.synthetic.sink import fmt_frac, fmt_money, iso, iso_opt
from loaders.synthetic.streams import Stream
from loaders.synthetic.vocab import (
    AGE_RANGE,
    AMOUNT_FACTOR,
    AMOUNT_SCALE,
    CHANNELS,
    EPOCH_ORD,
    FEE_RATES,
    INDUSTRIES,
    NEED_WEIGHTS,
    OCCUPATIONS,
    OVERDUE_WARNING,
    PROPENSITY,
    RISK_CATEGORIES,
    RISK_RANGE,
    SEGMENT_WEIGHTS,
    TAG_IDS,
    TODAY,
    TODAY_ORD,
    TOPICS,
    LatentType,
    cumulative,
    day,
    lognormal,
    pick_index,
)

_L = LatentType
_T = ProductType
_TODAY_PERIOD = TODAY.year * 12 + TODAY.month - 1
_TZ = "+08:00"
_INVESTMENT_TYPES = frozenset(
    {_T.WEALTH_MANAGEMENT, _T.DEBT_INSTRUMENT, _T.FX, _T.PENSION, _T.INSURANCE}
)
_AUM_TYPES = frozenset(
    {_T.DEPOSIT, _T.WEALTH_MANAGEMENT, _T.INSURANCE, _T.PENSION, _T.DEBT_INSTRUMENT, _T.FX}
)
_PRODUCT_TYPES = tuple(ProductType)
_SEGMENTS = (Segment.KEY, Segment.VALUE, Segment.POTENTIAL)
_NEEDS = (NeedType.TRANSACTIONAL, NeedType.WEALTH, NeedType.COMPREHENSIVE)
_TIER_WEIGHTS: dict[Segment, tuple[float, float, float, float]] = {  # HIGH, MEDIUM, LOW, unset
    Segment.KEY: (0.9, 0.1, 0.0, 0.0),
    Segment.VALUE: (0.3, 0.6, 0.1, 0.0),
    Segment.POTENTIAL: (0.02, 0.25, 0.63, 0.10),
}
_TIERS = (ValueTier.HIGH, ValueTier.MEDIUM, ValueTier.LOW, None)
_WARNING_LEVELS = (WarningLevel.LOW, WarningLevel.MEDIUM, WarningLevel.HIGH)
_KINDS = (InteractionKind.BROWSE, InteractionKind.COMMENT, InteractionKind.SHARE)
_KIND_WEIGHTS = (0.70, 0.85, 1.0)
_INDUSTRY_CUM = cumulative([w for _, w, _, _ in INDUSTRIES])


@dataclass
class Customer:
    """What one customer's later rows (links, fees, tags, events) need to know."""

    id: str
    number: int
    is_person: bool
    latent: LatentType
    segment: Segment
    tier: ValueTier | None
    home: Branch
    since: int
    province: str
    born: int  # ordinal of the birth (persons) or founding (companies)
    age: int = 0
    surname: str = ""
    size: CompanySize | None = None
    institution: InstitutionType | None = None
    payroll_employee: bool = False
    has_outsiders: bool = False  # executives or staff who are not personal customers yet


@dataclass(frozen=True)
class Holding:
    product: Product
    amount: float
    since: int
    until: int | None


Links = Callable[[Customer], None]
"""Writes a customer's relationships once its customer row is out, before its holdings (which
depend on them: a payroll employee is easier to cross-sell)."""


class Customers:
    def __init__(
        self,
        stream: Stream,
        population: Population,
        org: Org,
        catalogue: Catalogue,
        parties: Parties,
        referrals: ReferralHistory | None = None,
    ) -> None:
        self.rng = stream.rng
        self.referrals = referrals
        self.population = population
        self.org = org
        self.catalogue = catalogue
        self.parties = parties
        tables = stream.tables
        self.t_customers = tables.customers
        self.t_holds = tables.holds
        self.t_fees = tables.fees
        self.t_manages = tables.manages
        self.t_warnings = tables.risk_warnings
        self.t_interactions = tables.interactions
        self.t_tagged = tables.tagged
        self.g_latent = tables.latent_types
        self.g_heldout = tables.heldout_holdings
        self.pool = catalogue.pool
        self.pool_cut = catalogue.pool_cut
        self._fee_no = self._event_no = self._warning_no = stream.ids.records

    # --- the customer and party rows -------------------------------------------------------

    def company(self, number: int, latent: LatentType, links: Links | None = None) -> Customer:
        rng = self.rng
        org, catalogue = self.org, self.catalogue
        institution: InstitutionType | None = None
        if latent == _L.FINANCIAL_INSTITUTION:
            fi = catalogue.institutions[number - 1]
            name, institution, province, city = fi.name, fi.kind, fi.province, fi.city
            industry, size = "金融业", CompanySize.LARGE
            capital = round(lognormal(rng, 1e10, 1.0), -4)
            founded = day(rng, date(1950, 1, 1).toordinal(), date(2015, 12, 31).toordinal())
            if catalogue.lead_count.get(number, 0) >= 2:
                segment = Segment.KEY
            elif number in catalogue.underwrote:
                segment = Segment.KEY if rng.random() < 0.4 else Segment.VALUE
            else:
                segment = self._segment(latent)
            home = org.branches[org.fi_centre]
        elif latent == _L.LARGE_CORPORATE:
            name, industry, province, city = self.population.large_identity(number)
            size = CompanySize.LARGE
            capital = round(lognormal(rng, 2e9, 1.0), -4)
            founded = day(rng, date(1980, 1, 1).toordinal(), date(2015, 12, 31).toordinal())
            if number in catalogue.debt_by_issuer:  # 融资人 are value customers at least
                segment = Segment.KEY if rng.random() < 0.4 else Segment.VALUE
            else:
                segment = self._segment(latent)
            branch = rng.choice(org.region_branches.get(province) or org.region_list)
            if rng.random() < 0.3:
                subs = [s for s in org.sub_branches if org.branches[s].parent == branch]
                branch = rng.choice(subs) if subs else branch
            home = org.branches[branch]
        else:
            home = org.branches[
                rng.choice(org.outlets) if rng.random() < 0.7 else rng.choice(org.sub_branches)
            ]
            province, city = home.province, home.city
            industry, _, stems, suffixes = INDUSTRIES[
                min(bisect.bisect_right(_INDUSTRY_CUM, rng.random()), len(INDUSTRIES) - 1)
            ]
            prefix = rng.choice(self.parties.pools.prefixes)
            name = f"{city}{prefix}{rng.choice(stems)}{rng.choice(suffixes)}"
            size = (CompanySize.MICRO, CompanySize.SMALL, CompanySize.MEDIUM)[
                pick_index(rng, (0.45, 0.40, 0.15))
            ]
            median = {CompanySize.MICRO: 5e5, CompanySize.SMALL: 3e6, CompanySize.MEDIUM: 3e7}
            capital = round(lognormal(rng, median[size]), -4)
            founded = day(rng, date(1995, 1, 1).toordinal(), TODAY_ORD - 200)
            segment = self._segment(latent)
        self.parties.company(
            number, name, industry, province, city, size, capital, founded, institution
        )
        cust = Customer(
            company_id(number),
            number,
            False,
            latent,
            segment,
            _TIERS[pick_index(rng, _TIER_WEIGHTS[segment])],
            home,
            day(rng, max(founded + 30, EPOCH_ORD), TODAY_ORD - 30),
            province,
            founded,
            size=size,
            institution=institution,
        )
        return self._complete(cust, links)

    def person(
        self,
        number: int,
        latent: LatentType,
        *,
        segment: Segment | None = None,
        links: Links | None = None,
    ) -> Customer:
        rng = self.rng
        org = self.org
        if segment is None:
            segment = self._segment(latent)
        if (
            segment == Segment.KEY
            and latent in (_L.AFFLUENT_FAMILY, _L.BUSINESS_OWNER)
            and rng.random() < 0.3
        ):
            home = org.branches[org.private_centre]
        elif rng.random() < 0.88:
            home = org.branches[rng.choice(org.outlets)]
        else:
            home = org.branches[rng.choice(org.sub_branches)]
        male = rng.random() < 0.5
        age = rng.randint(*AGE_RANGE[latent])
        birth = TODAY_ORD - age * 365 - rng.randint(0, 364)
        surname = rng.choice(self.parties.pools.surnames)
        pid = person_id(number)
        self.parties.customer_person(
            pid,
            home.province,
            home.city,
            male,
            date.fromordinal(birth),
            surname,
            rng.choice(OCCUPATIONS[latent]),
        )
        cust = Customer(
            pid,
            number,
            True,
            latent,
            segment,
            _TIERS[pick_index(rng, _TIER_WEIGHTS[segment])],
            home,
            day(rng, max(EPOCH_ORD, birth + 18 * 365), TODAY_ORD - 30),
            home.province,
            birth,
            age=age,
            surname=surname,
        )
        return self._complete(cust, links)

    def _complete(self, cust: Customer, links: Links | None) -> Customer:
        """The customer row, the relationships, then what depends on them: holdings (some held
        out), fees, managers, warnings, events and tags."""
        risk = self._customer_row(cust)
        if links is not None:
            links(cust)
        visible = self._hold_out(cust, self._holdings(cust, risk))
        manager = self._tail(
            cust, visible, 0.0 if cust.is_person else self._company_fees(cust, visible)
        )
        if self.referrals is not None:
            self.referrals.customer(cust, visible, manager)
        return cust

    def _segment(self, latent: LatentType) -> Segment:
        return _SEGMENTS[pick_index(self.rng, SEGMENT_WEIGHTS[latent])]

    def _customer_row(self, cust: Customer) -> int:
        """Writes the customer row and its latent type; returns its risk tolerance (1..5)."""
        rng = self.rng
        low, high = RISK_RANGE[cust.latent]
        risk = rng.randint(low, high)
        tier = cust.tier
        self.t_customers.write(
            (
                cust.id,
                iso(cust.since),
                cust.segment.value,
                "" if tier is None else tier.value,
                _NEEDS[pick_index(rng, NEED_WEIGHTS[cust.latent])].value,
                f"R{risk}",
                cust.home.id,
            )
        )
        self.g_latent.write((cust.id, cust.latent.value))
        return risk

    # --- holdings --------------------------------------------------------------------------

    def _holdings(self, cust: Customer, risk: int) -> list[Holding]:
        rng = self.rng
        audience = "P" if cust.is_person else "C"
        latent = cust.latent
        props = PROPENSITY[latent]
        held: list[Holding] = []
        payroll_products = self.catalogue.payroll_products
        for ptype in _PRODUCT_TYPES:
            if ptype == _T.PAYROLL_SERVICE:
                # Decided by hash so employees' EMPLOYED_BY.payroll_with_us can agree with it.
                if (
                    audience == "C"
                    and payroll_products
                    and self.population.payroll_flag(cust.number, latent)
                ):
                    product = payroll_products[cust.number % len(payroll_products)]
                    self._add_holding(cust, held, product)
                continue
            odds = props[ptype]
            if cust.payroll_employee and ptype in (_T.WEALTH_MANAGEMENT, _T.PENSION):
                odds = min(1.0, odds + 0.15)  # 代发 customers are easier to cross-sell
            if rng.random() >= odds:
                continue
            key = (ptype, audience)
            pool = self.pool.get(key)
            if not pool:
                continue
            limit = self.pool_cut[key][risk] if ptype in _INVESTMENT_TYPES else len(pool)
            if limit == 0:
                continue
            if ptype == _T.DEBT_INSTRUMENT:
                count = rng.randint(3, 10) if latent == _L.FINANCIAL_INSTITUTION else 1
            elif ptype == _T.WEALTH_MANAGEMENT:
                count = rng.randint(1, 4) if latent == _L.AFFLUENT_FAMILY else rng.randint(1, 2)
            elif ptype in (_T.DEPOSIT, _T.INSURANCE):
                count = 1 + (rng.random() < 0.35)
            else:
                count = 1
            picks = rng.sample(range(limit), min(count, limit))
            for k in picks:
                product = pool[k]
                if product.issuer == cust.number and not cust.is_person:
                    continue  # an issuer does not buy its own paper here
                self._add_holding(cust, held, product)
        return held

    def _add_holding(self, cust: Customer, held: list[Holding], product: Product) -> None:
        low = max(cust.since, product.issue or cust.since)
        high = TODAY_ORD if product.maturity is None else min(TODAY_ORD, product.maturity - 1)
        if low > high:
            return
        scale = AMOUNT_SCALE[cust.latent] * AMOUNT_FACTOR[product.type]
        if cust.size == CompanySize.MICRO:
            scale *= 0.3
        elif cust.size == CompanySize.MEDIUM:
            scale *= 3.0
        if cust.segment == Segment.KEY:
            scale *= 2.0
        amount = round(max(100.0, lognormal(self.rng, scale)), -2)
        since = day(self.rng, low, high)
        until = product.maturity if product.status == ProductStatus.MATURED else None
        held.append(Holding(product, amount, since, until))

    def _hold_out(self, cust: Customer, held: list[Holding]) -> list[Holding]:
        """Hide ~20% of the holdings from holds.csv; they go to ground truth for cross-sell."""
        rng = self.rng
        count = len(held)
        if not count:
            return held
        target = min(int(HOLDOUT_RATE * count + rng.random()), count - 1)
        forced_out: set[int] = set()
        forced_in: set[int] = set()
        for k, holding in enumerate(held):
            if holding.product.type == _T.PAYROLL_SERVICE:
                heldout = self.population.payroll_heldout(cust.number)
                (forced_out if heldout else forced_in).add(k)
        free = [k for k in range(count) if k not in forced_out and k not in forced_in]
        rng.shuffle(free)
        out = forced_out | set(free[: max(0, target - len(forced_out))])
        visible = []
        for k, holding in enumerate(held):
            if k in out:
                self.g_heldout.write(
                    (
                        cust.id,
                        holding.product.id,
                        holding.product.type.value,
                        fmt_money(holding.amount),
                        iso(holding.since),
                    )
                )
            else:
                visible.append(holding)
                self.t_holds.write(
                    (
                        cust.id,
                        holding.product.id,
                        fmt_money(holding.amount),
                        iso(holding.since),
                        iso_opt(holding.until),
                    )
                )
        return visible

    # --- fees, warnings, managers, events, tags --------------------------------------------

    def _company_fees(self, cust: Customer, visible: list[Holding]) -> float:
        """Monthly service fees (服务费); returns the amount overdue today."""
        rng = self.rng
        bad_payer = self.population.bad_payer(cust.number)
        overdue = 0.0
        for holding in visible:
            rate = FEE_RATES.get(holding.product.type)
            if rate is None:
                continue
            months = rng.randint(3, 9)
            first = max(_period_of(holding.since), _TODAY_PERIOD - months + 1)
            last = _TODAY_PERIOD if holding.until is None else _period_of(holding.until)
            for period in range(first, last + 1):
                billed = round(max(20.0, holding.amount * rate * rng.uniform(0.8, 1.2)), 2)
                overdue += self._fee(cust.id, holding.product.id, period, billed, bad_payer)
        for product in self.catalogue.debt_by_issuer.get(cust.number, ()):
            if product.status == ProductStatus.PLANNED or product.issue is None:
                continue
            first = max(_period_of(product.issue), _TODAY_PERIOD - 11)
            last = min(_TODAY_PERIOD, _period_of(product.maturity or TODAY_ORD))
            fee = round(product.size * 0.00002, 2)
            for period in range(first, last + 1):
                overdue += self._fee(cust.id, product.id, period, fee, bad_payer)
        return overdue

    def _fee(self, party: str, product: str, period: int, billed: float, bad_payer: bool) -> float:
        rng = self.rng
        year, month0 = divmod(period, 12)
        billed_on = date(year, month0 + 1, calendar.monthrange(year, month0 + 1)[1]).toordinal()
        due_on = billed_on + 30
        paid, paid_on, owed_overdue = 0.0, None, 0.0
        if due_on >= TODAY_ORD:  # not yet due: paid early or still open
            if rng.random() < 0.3:
                paid, paid_on = billed, day(rng, billed_on, min(TODAY_ORD, due_on))
        else:
            r = rng.random()
            if r < (0.45 if bad_payer else 0.015):
                paid = round(billed * rng.uniform(0.1, 0.9), 2) if rng.random() < 0.3 else 0.0
                owed_overdue = billed - paid
            elif r < (0.6 if bad_payer else 0.075):
                paid, paid_on = billed, day(rng, due_on + 1, min(TODAY_ORD, due_on + 60))
            else:
                paid, paid_on = billed, day(rng, billed_on, due_on)
        self._fee_no += 1
        self.t_fees.write(
            (
                fee_id(self._fee_no),
                party,
                product,
                f"{year:04d}-{month0 + 1:02d}",
                fmt_money(billed),
                fmt_money(paid),
                iso(billed_on),
                iso(due_on),
                iso_opt(paid_on),
            )
        )
        return owed_overdue

    def _tail(self, cust: Customer, visible: list[Holding], overdue: float) -> str | None:
        """Managers, risk warnings, private-domain events and tags of one customer; its primary
        manager."""
        rng = self.rng
        manager = self._managers(cust)
        warned = self._warnings(cust, overdue)
        # Interactions: pushed by the manager, or by a home-branch manager's private domain.
        if cust.segment == Segment.POTENTIAL:
            count = pick_index(rng, (0.35, 0.25, 0.2, 0.12, 0.08))
        else:
            count = rng.randint(2, 10)
        pusher = manager
        if pusher is None:
            pool = self.org.manager_pool(cust.home)
            pusher = pool[cust.number % len(pool)][0] if pool and rng.random() < 0.8 else None
        weights = self._topic_weights(cust)
        topics: dict[str, int] = {}
        shares = 0
        wecom = False
        base = datetime(TODAY.year, TODAY.month, TODAY.day, 21, 0, 0)
        for _ in range(count):
            topic_index = pick_index(rng, weights)
            topic = TOPICS[topic_index][0]
            kind = _KINDS[bisect.bisect_left(_KIND_WEIGHTS, rng.random())]
            channel = rng.choice(CHANNELS)
            at = base - timedelta(seconds=rng.randrange(365 * 86400))
            self._event_no += 1
            self.t_interactions.write(
                (
                    interaction_id(self._event_no),
                    cust.id,
                    pusher or "",
                    kind.value,
                    topic,
                    f"CT{topic_index:02d}{rng.randrange(500):04d}",
                    channel,
                    at.strftime("%Y-%m-%dT%H:%M:%S") + _TZ,
                )
            )
            topics[topic] = topics.get(topic, 0) + 1
            shares += kind == InteractionKind.SHARE
            wecom = wecom or channel == "企业微信"
        self._tags(cust, visible, overdue > 0, warned, count, topics, shares, wecom)
        return manager

    def _topic_weights(self, cust: Customer) -> list[float]:
        props = PROPENSITY[cust.latent]
        weights = []
        for _, ptype in TOPICS:
            if ptype is None:
                weights.append(0.1)
                continue
            w = props[ptype] + 0.05
            if ptype == _T.PAYROLL_SERVICE and cust.payroll_employee:
                w += 0.3
            weights.append(w)
        return weights

    def _managers(self, cust: Customer) -> str | None:
        rng = self.rng
        if cust.segment == Segment.POTENTIAL and rng.random() >= 0.05:
            return None
        pool = self.org.manager_pool(cust.home)
        if not pool:
            return None
        emp, hired = pool[rng.randrange(len(pool))]
        start = day(rng, max(cust.since, hired, TODAY_ORD - 8 * 365), TODAY_ORD - 1)
        if len(pool) > 1 and rng.random() < 0.08:
            # Handed over from a colleague: the old assignment is kept with its end date.
            old, old_hired = pool[(pool.index((emp, hired)) + 1) % len(pool)]
            old_low = max(cust.since, old_hired)
            if old_low < start - 60:
                self.t_manages.write(
                    (
                        old,
                        cust.id,
                        ManagerRole.PRIMARY.value,
                        iso(day(rng, old_low, start - 60)),
                        iso(start - 1),
                    )
                )
        self.t_manages.write((emp, cust.id, ManagerRole.PRIMARY.value, iso(start), ""))
        if cust.segment == Segment.KEY and rng.random() < 0.4:
            specialists = self.org.manager_pool(cust.home, specialists=True)
            if specialists:
                second, second_hired = rng.choice(specialists)
                if second != emp:
                    s_start = day(rng, max(cust.since, second_hired), TODAY_ORD - 1)
                    self.t_manages.write(
                        (second, cust.id, ManagerRole.SECONDARY.value, iso(s_start), "")
                    )
        return emp

    def _warnings(self, cust: Customer, overdue: float) -> bool:
        """Risk warnings (风险预警); returns whether one is still open."""
        rng = self.rng
        open_warning = False
        if overdue > 0 and rng.random() < 0.7:
            category, source, text = OVERDUE_WARNING
            level = WarningLevel.HIGH if overdue > 50_000 else WarningLevel.MEDIUM
            raised = day(rng, TODAY_ORD - 120, TODAY_ORD - 1)
            self._warning(cust.id, level, category, f"{text}{overdue:.2f}元", source, raised, None)
            open_warning = True
        odds = 0.015 if cust.is_person else 0.06
        if rng.random() < odds:
            category, source, text = rng.choice(RISK_CATEGORIES)
            level = _WARNING_LEVELS[pick_index(rng, (0.5, 0.35, 0.15))]
            raised = day(rng, TODAY_ORD - 730, TODAY_ORD - 1)
            resolved = day(rng, raised + 1, TODAY_ORD) if rng.random() < 0.4 else None
            self._warning(cust.id, level, category, text, source, raised, resolved)
            open_warning = open_warning or resolved is None
        return open_warning

    def _warning(
        self,
        party: str,
        level: WarningLevel,
        category: str,
        description: str,
        source: str,
        raised: int,
        resolved: int | None,
    ) -> None:
        self._warning_no += 1
        self.t_warnings.write(
            (
                warning_id(self._warning_no),
                party,
                level.value,
                category,
                description,
                source,
                iso(raised),
                iso_opt(resolved),
            )
        )

    def _tags(
        self,
        cust: Customer,
        visible: list[Holding],
        overdue: bool,
        warned: bool,
        events: int,
        topics: dict[str, int],
        shares: int,
        wecom: bool,
    ) -> None:
        """Rule tags from visible facts only, never from held-out holdings or ground truth."""
        rng = self.rng
        types: dict[ProductType, int] = {}
        aum = 0.0
        settlement = 0.0
        mortgage = False
        for holding in visible:
            ptype = holding.product.type
            types[ptype] = types.get(ptype, 0) + 1
            if ptype in _AUM_TYPES:
                aum += holding.amount
            if ptype == _T.SETTLEMENT_ACCOUNT:
                settlement += holding.amount
            mortgage = mortgage or holding.product.mortgage
        tags: list[tuple[str, float | None]] = []

        def tag(code: str, score: float | None = None) -> None:
            tags.append((code, score))

        latent = cust.latent
        if cust.is_person:
            if cust.age < 35:
                tag("young")
            if cust.age >= 60:
                tag("silver")
            if latent == _L.YOUNG_PROFESSIONAL and rng.random() < 0.2:
                tag("newcomer")
            if cust.home.index == self.org.private_centre:
                tag("private_bank")
            if aum >= 1_000_000:
                tag("hnw")
            if cust.payroll_employee:
                tag("payroll")
            if mortgage:
                tag("mortgage")
            mobile_odds = {_L.YOUNG_PROFESSIONAL: 0.7, _L.RETIREE: 0.15}.get(latent, 0.5)
            if rng.random() < mobile_odds:
                tag("mobile_active")
            if rng.random() < (0.6 if latent == _L.RETIREE else 0.1):
                tag("branch_pref")
        else:
            if latent == _L.SME and cust.size in (CompanySize.MICRO, CompanySize.SMALL):
                tag("micro")
            if latent == _L.LARGE_CORPORATE:
                tag("large")
            if latent == _L.FINANCIAL_INSTITUTION:
                tag("fi")
            if settlement >= 5_000_000:
                tag("big_settlement")
            if rng.random() < 0.8:
                tag("corp_ebank")
        if overdue:
            tag("overdue")
        elif not warned and rng.random() < 0.5:
            tag("good_credit")
        if types.get(_T.LOAN):
            tag("credit_line")
        if warned:
            tag("warning")
        if types.get(_T.WEALTH_MANAGEMENT, 0) >= 2:
            tag("wealth_pref")
        if types.get(_T.PENSION):
            tag("pension")
        if types.get(_T.FX):
            tag("fx_active")
        if types.get(_T.DEBT_INSTRUMENT):
            tag("bond_investor")
        if events >= 5:
            tag("engaged")
        if shares >= 2:
            tag("sharer")
        if topics.get("养老金", 0) >= 2:
            tag("pension_topic")
        if topics.get("理财", 0) >= 2:
            tag("wealth_topic")
        if events == 0 and cust.segment == Segment.POTENTIAL:
            tag("dormant")
        if rng.random() < 0.85:
            tag("phone_verified")
        r = rng.random()
        if r < 0.2:
            tag("prefers_phone")
        elif r < 0.5:
            tag("prefers_wechat")
        if rng.random() < 0.05:
            tag("stale_address")
        if wecom:
            tag("wecom_friend")
        # Model-style scores: noisy functions of the latent propensities, as a scoring model's
        # output would be. They say "likely", never which product was held out.
        props = PROPENSITY[latent]
        gap = sum(p for t, p in props.items() if p >= 0.3 and not types.get(t))
        cross = min(1.0, max(0.0, gap / 2.0 + rng.gauss(0.0, 0.1)))
        if cross >= 0.5:
            tag("cross_sell", round(cross, 3))
        churn = min(1.0, max(0.0, (0.5 if events == 0 else 0.1) + rng.gauss(0.0, 0.15)))
        if churn >= 0.6:
            tag("churn", round(churn, 3))
        if cust.tier == ValueTier.MEDIUM and cust.segment != Segment.KEY and rng.random() < 0.5:
            tag("upside", round(rng.uniform(0.5, 0.95), 3))
        linkable = latent == _L.BUSINESS_OWNER or (not cust.is_person and cust.has_outsiders)
        if linkable and rng.random() < 0.6:
            tag("linkage", round(rng.uniform(0.55, 0.98), 3))
        for code, score in tags:
            self.t_tagged.write((cust.id, TAG_IDS[code], fmt_frac(score)))


def _period_of(ordinal: int) -> int:
    when = date.fromordinal(ordinal)
    return when.year * 12 + when.month - 1
