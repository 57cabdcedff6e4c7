"""A deterministic synthetic Chinese bank in the loader's format, with planted ground truth.

`generate_bank(customers, seed, out)` writes every load file of loaders/plan.py into `out/` and
what later features must rediscover into `out/ground_truth/` (docs/synthetic-bank.md). The same
`customers` and `seed` give byte-identical files.

It streams: rows are written as they are made and nothing proportional to the number of customers
is kept. Ids are arithmetic (P00001234 is the 1,234th person), so a relationship can name any
customer by drawing a number, and whatever one entity must know about another (is it a financial
institution, does it pay salaries through us, which SME does this person own) is derived from the
number by arithmetic or a keyed hash rather than looked up. Memory is O(branches + employees +
products + planted structures).
"""

from __future__ import annotations

import argparse
import bisect
import calendar
import math
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from random import Random

from tqdm import tqdm

from graph.model import (
    BranchKind,
    CompanySize,
    EmployeeRole,
    FamilyRelation,
    InstitutionType,
    InteractionKind,
    ListKind,
    ManagerRole,
    NeedType,
    ProductStatus,
    ProductType,
    Segment,
    UnderwriterRole,
    ValueTier,
    WarningLevel,
)
from loaders import rows
from loaders.synthetic_plan import (
    EMPLOYED_BY,
    EXECUTIVE_OF,
    FAMILY_OF,
    GUARANTEES,
    LEGAL_REP_OF,
    OWNS,
    PERSON,
    FreshParty,
    Plan,
    PlanEdge,
    Planner,
    company_id,
    person_id,
)
from loaders.synthetic_pools import (
    ACCESS_LISTS,
    AGE_RANGE,
    AMOUNT_FACTOR,
    AMOUNT_SCALE,
    BANK,
    CHANNELS,
    CITY_DISTRICTS,
    DEBT_KINDS,
    EMAIL_DOMAIN,
    EXEC_TITLES_LARGE,
    EXEC_TITLES_SME,
    FEE_RATES,
    FI_KINDS,
    GENERIC_DISTRICTS,
    HOLDING_SUFFIXES,
    INDUSTRIES,
    INVESTOR_KINDS,
    LARGE_INDUSTRIES,
    LARGE_SUFFIXES,
    NEED_WEIGHTS,
    OCCUPATIONS,
    OVERDUE_WARNING,
    PRODUCT_CATALOG,
    PROHIBITION_LISTS,
    PROPENSITY,
    PROVINCES,
    RISK_CATEGORIES,
    RISK_RANGE,
    SEGMENT_WEIGHTS,
    SHELL_STEMS,
    STAFF_POSITIONS,
    TAGS,
    TODAY,
    TOPICS,
    Hasher,
    LatentType,
    Pools,
    cn_ordinal,
    credit_code,
    landline,
    mobile,
    national_id,
)
from loaders.synthetic_sink import Sink, Table, fmt_bool, fmt_date, fmt_frac, fmt_money

MIN_CUSTOMERS = 500
HOLDOUT_RATE = 0.2
GROUND_TRUTH = "ground_truth"

_L = LatentType
_T = ProductType
_TODAY_ORD = TODAY.toordinal()
_EPOCH_ORD = date(2000, 1, 1).toordinal()
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
_FAMILY_ODDS: dict[LatentType, tuple[tuple[FamilyRelation, float], ...]] = {
    _L.YOUNG_PROFESSIONAL: ((FamilyRelation.PARENT, 0.35), (FamilyRelation.SPOUSE, 0.2),
                            (FamilyRelation.SIBLING, 0.15)),
    _L.AFFLUENT_FAMILY: ((FamilyRelation.SPOUSE, 0.7), (FamilyRelation.CHILD, 0.6),
                         (FamilyRelation.PARENT, 0.2)),
    _L.RETIREE: ((FamilyRelation.SPOUSE, 0.4), (FamilyRelation.CHILD, 0.7)),
    _L.BUSINESS_OWNER: ((FamilyRelation.SPOUSE, 0.6), (FamilyRelation.CHILD, 0.5),
                        (FamilyRelation.SIBLING, 0.1)),
}  # fmt: skip
_RECIPROCAL = {
    FamilyRelation.CHILD: FamilyRelation.PARENT,
    FamilyRelation.PARENT: FamilyRelation.CHILD,
}
_EMPLOYED_ODDS = {
    _L.YOUNG_PROFESSIONAL: 0.85,
    _L.AFFLUENT_FAMILY: 0.6,
    _L.BUSINESS_OWNER: 0.1,
    _L.RETIREE: 0.0,
}

# Keyed-hash streams: each names one derived fact, so changing one never shifts another.
_S_LATENT, _S_OWNER, _S_PAYROLL, _S_PAYROLL_OUT, _S_HOUSE, _S_LARGE, _S_BAD_PAYER = range(1, 8)

_TAG_INDEX = {code: f"T{i + 1:03d}" for i, (code, _, _) in enumerate(TAGS)}


@dataclass(frozen=True)
class GenerationSummary:
    out: Path
    customers: int
    seed: int
    rows_by_file: dict[str, int]  # relative path → rows (CSV rows after the header, JSONL lines)
    seconds: float


def generate_bank(
    customers: int, seed: int, out: Path, *, progress: bool = True
) -> GenerationSummary:
    """Write a synthetic bank of `customers` customers into `out` (created if missing)."""
    if customers < MIN_CUSTOMERS:
        raise ValueError(f"customers must be at least {MIN_CUSTOMERS}, got {customers}")
    started = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    sink = Sink(out)
    try:
        _Bank(customers, seed, sink, progress).run()
    finally:
        sink.close()
    return GenerationSummary(
        out=out,
        customers=customers,
        seed=seed,
        rows_by_file=sink.counts(),
        seconds=time.perf_counter() - started,
    )


# --- in-memory entities (all O(branches + employees + products)) ---------------------------


@dataclass
class _Branch:
    index: int
    id: str
    kind: BranchKind
    province: str
    city: str
    parent: int | None
    managers: list[tuple[str, int]]  # (employee id, hired ordinal)
    specialists: list[tuple[str, int]]


@dataclass(frozen=True)
class _Product:
    id: str
    type: ProductType
    risk: int
    audience: str
    status: ProductStatus
    issue: int | None  # ordinal
    maturity: int | None
    issuer: int | None  # company number, for debt instruments
    size: float
    mortgage: bool = False


@dataclass(frozen=True)
class _Holding:
    product: _Product
    amount: float
    since: int
    until: int | None


@dataclass
class _Customer:
    """What one customer's later rows (fees, tags, events) need to know; dropped afterwards."""

    id: str
    number: int
    is_person: bool
    latent: LatentType
    segment: Segment
    tier: ValueTier | None
    home: _Branch
    since: int
    age: int = 0
    surname: str = ""
    size: CompanySize | None = None
    payroll_employee: bool = False
    has_outsiders: bool = False  # executives or staff who are not personal customers yet


class _Bank:
    def __init__(self, customers: int, seed: int, sink: Sink, progress: bool) -> None:
        self.n = customers
        self.seed = seed
        self.rng = Random(seed)
        self.hash = Hasher(seed)
        self.sink = sink
        self.progress = progress
        self.pools = Pools.build(seed)
        self.persons = round(customers * 0.75)
        self.companies = customers - self.persons
        self.fi_count = min(1200, max(20, round(0.8 * math.sqrt(customers))))
        self.large_count = max(8, round(0.08 * self.companies))
        self.sme_low = self.fi_count + self.large_count + 1
        self._province_cum = _cumulative([w for _, _, _, w in PROVINCES])
        self._province_code = {name: code for name, code, _, _ in PROVINCES}
        self._province_cities = {name: cities for name, _, cities, _ in PROVINCES}
        self._industry_cum = _cumulative([w for _, w, _, _ in INDUSTRIES])
        self._open_tables()
        self._fee_no = self._event_no = self._warning_no = 0

    # --- output ----------------------------------------------------------------------------

    def _open_tables(self) -> None:
        t = self.sink.model_table
        self.t_branches = t("branches", rows.BranchRow, ("id", "name", "kind", "region", "city"))
        self.t_part_of = t("part_of", rows.PartOfRow, ("branch_id", "parent_id"))
        self.t_employees = t(
            "employees", rows.EmployeeRow, ("id", "name", "roles", "hired", "phone", "email")
        )
        self.t_works_at = t(
            "works_at",
            rows.WorksAtRow,
            ("employee_id", "branch_id", "position", "since", "until"),
        )
        self.t_persons = t(
            "persons",
            rows.PersonRow,
            (
                "id",
                "name",
                "gender",
                "birth_date",
                "national_id",
                "phone",
                "address",
                "region",
                "occupation",
            ),
        )
        self.t_companies = t(
            "companies",
            rows.CompanyRow,
            (
                "id",
                "name",
                "credit_code",
                "industry",
                "region",
                "size",
                "registered_capital",
                "founded",
                "institution_type",
                "address",
                "phone",
            ),
        )
        self.t_customers = t(
            "customers",
            rows.CustomerRow,
            (
                "party_id",
                "since",
                "segment",
                "value_tier",
                "need_type",
                "risk_tolerance",
                "home_branch_id",
            ),
        )
        self.t_manages = t(
            "manages", rows.ManagesRow, ("employee_id", "customer_id", "role", "since", "until")
        )
        self.t_products = t(
            "products",
            rows.ProductRow,
            (
                "id",
                "name",
                "type",
                "risk_rating",
                "status",
                "currency",
                "issue_date",
                "maturity_date",
                "issue_size",
                "coupon_rate",
            ),
        )
        self.t_issued = t("issued", rows.IssuedRow, ("issuer_id", "product_id"))
        self.t_underwrote = t(
            "underwrote", rows.UnderwroteRow, ("underwriter_id", "product_id", "role", "share")
        )
        self.t_holds = t(
            "holds", rows.HoldsRow, ("holder_id", "product_id", "amount", "since", "until")
        )
        self.t_owns = t(
            "owns",
            rows.OwnsRow,
            ("owner_id", "company_id", "share", "voting_share", "since", "until"),
        )
        self.t_executive_of = t(
            "executive_of",
            rows.ExecutiveOfRow,
            ("person_id", "company_id", "title", "since", "until"),
        )
        self.t_legal_rep_of = t(
            "legal_rep_of", rows.LegalRepOfRow, ("person_id", "company_id", "since", "until")
        )
        self.t_employed_by = t(
            "employed_by",
            rows.EmployedByRow,
            ("person_id", "company_id", "position", "payroll_with_us", "since", "until"),
        )
        self.t_family_of = t(
            "family_of",
            rows.FamilyOfRow,
            ("person_id", "relative_id", "relation", "since", "until"),
        )
        self.t_guarantees = t(
            "guarantees",
            rows.GuaranteesRow,
            ("guarantor_id", "company_id", "amount", "since", "until"),
        )
        self.t_tags = t("tags", rows.TagRow, ("id", "name", "category"))
        self.t_tagged = t("tagged", rows.TaggedRow, ("party_id", "tag_id", "score"))
        self.t_fees = t(
            "fees",
            rows.FeeRow,
            (
                "id",
                "party_id",
                "product_id",
                "period",
                "billed",
                "paid",
                "billed_on",
                "due_on",
                "paid_on",
            ),
        )
        self.t_warnings = t(
            "risk_warnings",
            rows.RiskWarningRow,
            (
                "id",
                "party_id",
                "level",
                "category",
                "description",
                "source",
                "raised_on",
                "resolved_on",
            ),
        )
        self.t_interactions = t(
            "interactions",
            rows.InteractionRow,
            ("id", "party_id", "employee_id", "kind", "topic", "content_id", "channel", "at"),
        )
        self.t_list_entries = t(
            "list_entries",
            rows.ListEntryRow,
            ("id", "party_id", "list", "list_name", "reason", "source", "listed_on", "delisted_on"),
        )
        p = self.sink.plain_table
        self.g_latent = p(f"{GROUND_TRUTH}/latent_types.csv", ("party_id", "latent_type"))
        self.g_heldout = p(
            f"{GROUND_TRUTH}/heldout_holdings.csv",
            ("holder_id", "product_id", "product_type", "amount", "since"),
        )
        self.g_linkage = p(
            f"{GROUND_TRUTH}/linkage.csv",
            (
                "person_id",
                "company_id",
                "link",
                "is_personal_customer",
                "is_company_customer",
                "payroll_with_us",
                "current",
            ),
        )

    # --- small helpers ---------------------------------------------------------------------

    def _day(self, low: int, high: int) -> int:
        return self.rng.randint(low, high) if high > low else low

    def _province(self) -> str:
        index = bisect.bisect_right(self._province_cum, self.rng.random())
        return PROVINCES[min(index, len(PROVINCES) - 1)][0]

    def _lognormal(self, median: float, sigma: float = 0.9) -> float:
        return median * math.exp(self.rng.gauss(0.0, sigma))

    def _pick(self, weights: Sequence[float]) -> int:
        """Index drawn with the given weights (which need not sum to 1)."""
        r = self.rng.random() * sum(weights)
        for i, w in enumerate(weights):
            r -= w
            if r < 0:
                return i
        return len(weights) - 1

    # --- derived facts (O(1), no memory) ---------------------------------------------------

    def company_latent(self, number: int) -> LatentType:
        if number <= self.fi_count:
            return _L.FINANCIAL_INSTITUTION
        if number <= self.fi_count + self.large_count:
            return _L.LARGE_CORPORATE
        return _L.SME

    def person_latent(self, number: int) -> LatentType:
        if number in self.controllers or self.owned_sme(number) is not None:
            return _L.BUSINESS_OWNER
        u = self.hash.unit(_S_LATENT, number)
        if u < 0.42:
            return _L.YOUNG_PROFESSIONAL
        return _L.AFFLUENT_FAMILY if u < 0.64 else _L.RETIREE

    def sme_owner(self, number: int) -> int | None:
        """The customer person who holds the majority of SME customer `number`, if one does."""
        if not self.sme_low <= number <= self.companies or self.hash.unit(_S_OWNER, number) >= 0.5:
            return None
        if number in self.plan.planned_owners or number in self.isolated_companies:
            return None
        person = ((number - self.sme_low) * self._map_a + self._map_b) % self.persons + 1
        return None if person in self.reserved else person

    def owned_sme(self, person: int) -> int | None:
        """Inverse of `sme_owner`: the map is a bijection, so each person owns at most one SME."""
        number = self.sme_low + ((person - 1 - self._map_b) * self._map_inv) % self.persons
        return number if self.sme_owner(number) == person else None

    def payroll_flag(self, number: int) -> bool:
        """The company takes our payroll service (代发工资); held out or not."""
        if number > self.companies:
            return False
        prop = PROPENSITY[self.company_latent(number)][_T.PAYROLL_SERVICE]
        return self.hash.unit(_S_PAYROLL, number) < prop

    def payroll_heldout(self, number: int) -> bool:
        return self.hash.unit(_S_PAYROLL_OUT, number) < HOLDOUT_RATE

    def payroll_visible(self, number: int) -> bool:
        return self.payroll_flag(number) and not self.payroll_heldout(number)

    def household(self, odd: int) -> bool:
        """Customers `odd` and `odd + 1` are spouses (both general, both of an age to marry)."""
        if odd + 1 > self.persons or self.hash.unit(_S_HOUSE, odd) >= 0.25:
            return False
        if odd in self.reserved or odd + 1 in self.reserved:
            return False
        a, b = self.person_latent(odd), self.person_latent(odd + 1)
        return (a == _L.RETIREE) == (b == _L.RETIREE)

    def large_identity(self, number: int) -> tuple[str, str, str, str]:
        """(name, industry, province, city) of large corporate `number`, from its hash alone."""
        h = self.hash.bits(_S_LARGE, number)
        index = bisect.bisect_right(self._province_cum, (h & 0xFFFF) / 65536.0)
        province, _, cities, _ = PROVINCES[min(index, len(PROVINCES) - 1)]
        city = cities[(h >> 16) % len(cities)]
        industry, stems = LARGE_INDUSTRIES[(h >> 20) % len(LARGE_INDUSTRIES)]
        stem = stems[(h >> 24) % len(stems)]
        suffix = LARGE_SUFFIXES[(h >> 28) % len(LARGE_SUFFIXES)]
        prefix = self.pools.prefixes[(h >> 32) % len(self.pools.prefixes)]
        return f"{city}{prefix}{stem}{suffix}", industry, province, city

    # --- the run ---------------------------------------------------------------------------

    def run(self) -> None:
        self._write_tags()
        self._build_branches()
        self._build_employees()
        self._build_institutions()
        self._build_plan()
        self._build_products()
        bar = tqdm(total=self.n, desc="synthetic bank", unit="customer", disable=not self.progress)
        try:
            for step in range(self.n):
                if step < self.companies:
                    self._company_customer(step + 1)
                else:
                    self._person_customer(step - self.companies + 1)
                for item in self._schedule.pop(step, ()):
                    self._write_planted(item)
                if step % 500 == 499:
                    bar.update(500)
            bar.update(self.n % 500)
        finally:
            bar.close()
        self._investors()
        self._general_list_entries()
        self._write_ground_truth()

    # --- tags, branches, employees ---------------------------------------------------------

    def _write_tags(self) -> None:
        for code, name, category in TAGS:
            self.t_tags.write((_TAG_INDEX[code], name, category.value))

    def _build_branches(self) -> None:
        rng = self.rng
        outlets = max(6, self.n // 500)
        regions = min(31, max(2, round(math.sqrt(outlets))))
        subs = max(regions, outlets // 4)
        self.branches: list[_Branch] = []

        def add(kind: BranchKind, name: str, province: str, city: str, parent: int | None) -> int:
            index = len(self.branches)
            branch = _Branch(index, f"B{index + 1:05d}", kind, province, city, parent, [], [])
            self.branches.append(branch)
            self.t_branches.write((branch.id, name, kind.value, province, city))
            if parent is not None:
                self.t_part_of.write((branch.id, self.branches[parent].id))
            return index

        head = add(BranchKind.HEAD_OFFICE, f"{BANK}总行", "北京市", "北京", None)
        self.fi_centre = add(BranchKind.CENTER, f"{BANK}金融同业中心", "上海市", "上海", head)
        self.private_centre = add(BranchKind.CENTER, f"{BANK}私人银行中心", "北京市", "北京", head)
        self.ib_centre = add(BranchKind.CENTER, f"{BANK}投资银行中心", "北京市", "北京", head)
        order = sorted(PROVINCES, key=lambda p: -p[3] * rng.uniform(0.6, 1.4))[
            :regions
        ]  # richer provinces first, with some luck
        self.region_branches: dict[str, list[int]] = {}
        branch_ids = []
        for province, _, cities, _ in order:
            short = _short_province(province)
            index = add(BranchKind.BRANCH, f"{BANK}{short}分行", province, cities[0], head)
            branch_ids.append(index)
            self.region_branches.setdefault(province, []).append(index)
        self.sub_branches: list[int] = []
        for k in range(subs):
            parent = self.branches[branch_ids[k % len(branch_ids)]]
            city = rng.choice(self._province_cities[parent.province])
            district = rng.choice(CITY_DISTRICTS.get(city, GENERIC_DISTRICTS))
            name = f"{BANK}{city}{district.removesuffix('区')}支行"
            self.sub_branches.append(
                add(BranchKind.SUB_BRANCH, name, parent.province, city, parent.index)
            )
        self.outlets: list[int] = []
        for k in range(outlets):
            parent = self.branches[self.sub_branches[k % subs]]
            name = f"{BANK}{parent.city}{rng.choice(self.pools.streets)}分理处"
            self.outlets.append(
                add(BranchKind.OUTLET, name, parent.province, parent.city, parent.index)
            )
        self.head = head
        self.region_list = branch_ids

    def _build_employees(self) -> None:
        rng = self.rng
        n_outlets, n_subs = len(self.outlets), len(self.sub_branches)
        n_regions = len(self.region_list)
        sme = self.companies - self.fi_count - self.large_count
        per_outlet = (0.88 * self.persons + 0.7 * sme) / n_outlets
        per_sub = (0.12 * self.persons + 0.3 * sme + 0.3 * self.large_count) / n_subs
        per_region = 0.7 * self.large_count / n_regions
        staffing: dict[BranchKind, tuple[int, int, int]] = {  # managers, specialists, tellers
            BranchKind.HEAD_OFFICE: (2, 4, 0),
            BranchKind.BRANCH: (max(2, round(0.75 * per_region / 40)), 2, 0),
            BranchKind.SUB_BRANCH: (max(1, round(0.3 * per_sub / 70)), 1, 2),
            BranchKind.OUTLET: (max(1, round(0.3 * per_outlet / 90)), 0, 3),
        }
        centre_staff = {
            self.fi_centre: (max(2, round(0.8 * self.fi_count / 30)), 2, 0),
            self.private_centre: (max(2, round(0.006 * self.persons / 40)), 2, 0),
            self.ib_centre: (2, 3, 0),
        }
        self._employee_no = 0
        for branch in self.branches:
            managers, specialists, tellers = centre_staff.get(
                branch.index, staffing.get(branch.kind, (1, 1, 0))
            )
            if branch.kind == BranchKind.OUTLET:
                specialists = 1 if rng.random() < 0.3 else 0
                tellers = rng.randint(2, 4)
            head_title = {
                BranchKind.HEAD_OFFICE: "行长",
                BranchKind.BRANCH: "分行行长",
                BranchKind.SUB_BRANCH: "支行行长",
                BranchKind.OUTLET: "网点主任",
                BranchKind.CENTER: "中心总经理",
            }[branch.kind]
            head_roles = [EmployeeRole.BRANCH_HEAD]
            if branch.kind == BranchKind.OUTLET and rng.random() < 0.4:
                head_roles.append(EmployeeRole.CUSTOMER_MANAGER)
            head_id, hired = self._employee(branch, head_roles, head_title)
            if EmployeeRole.CUSTOMER_MANAGER in head_roles:
                branch.managers.append((head_id, hired))
            for _ in range(managers):
                title = "理财经理" if branch.kind == BranchKind.OUTLET else "客户经理"
                branch.managers.append(
                    self._employee(branch, [EmployeeRole.CUSTOMER_MANAGER], title)
                )
            for _ in range(specialists):
                branch.specialists.append(
                    self._employee(branch, [EmployeeRole.PRODUCT_SPECIALIST], "产品经理")
                )
            for _ in range(tellers):
                roles = [EmployeeRole.TELLER]
                if rng.random() < 0.1:
                    roles.append(EmployeeRole.PRODUCT_SPECIALIST)
                self._employee(branch, roles, "柜员")

    def _employee(
        self, branch: _Branch, roles: list[EmployeeRole], position: str
    ) -> tuple[str, int]:
        rng = self.rng
        self._employee_no += 1
        emp_id = f"E{self._employee_no:06d}"
        male = rng.random() < 0.5
        hired = self._day(date(2003, 1, 1).toordinal(), _TODAY_ORD - 60)
        self.t_employees.write(
            (
                emp_id,
                self.pools.person_name(rng, male),
                "|".join(r.value for r in roles),
                fmt_date(date.fromordinal(hired)),
                mobile(rng),
                f"{emp_id.lower()}@{EMAIL_DOMAIN}",
            )
        )
        since = hired
        if rng.random() < 0.12 and hired + 180 < _TODAY_ORD - 30:
            # A transfer: the old posting stays on record with an end date.
            moved = self._day(hired + 180, _TODAY_ORD - 30)
            old = rng.choice(self.branches)
            if old.index != branch.index:
                self.t_works_at.write((emp_id, old.id, position, _iso(hired), _iso(moved - 1)))
                since = moved
        self.t_works_at.write((emp_id, branch.id, position, _iso(since), ""))
        return emp_id, hired

    def _manager_pool(self, branch: _Branch, specialists: bool = False) -> list[tuple[str, int]]:
        """Staff of the nearest branch up the chain (home branch first) that has any."""
        current: _Branch | None = branch
        while current is not None:
            pool = current.specialists if specialists else current.managers
            if pool:
                return pool
            current = None if current.parent is None else self.branches[current.parent]
        return []

    # --- institutions, plan, products ------------------------------------------------------

    def _build_institutions(self) -> None:
        rng = self.rng
        pattern = [kind for kind, (weight, _) in FI_KINDS.items() for _ in range(weight)]
        rng.shuffle(pattern)
        self.fis: list[tuple[str, InstitutionType, str, str]] = []
        names: set[str] = set()
        for k in range(self.fi_count):
            kind = pattern[k % len(pattern)]
            province = self._province()
            city = rng.choice(self._province_cities[province])
            name = ""
            for _ in range(50):
                template = rng.choice(FI_KINDS[kind][1])
                name = template.format(p=rng.choice(self.pools.prefixes), c=city)
                if name not in names:
                    break
            names.add(name)
            self.fis.append((name, kind, province, city))
        self.fi_by_kind: dict[InstitutionType, list[int]] = {}
        for k, (_, kind, _, _) in enumerate(self.fis):
            self.fi_by_kind.setdefault(kind, []).append(k + 1)

    def _build_plan(self) -> None:
        self.planner = Planner(
            Random(self.seed * 7919 + 1),
            self.persons,
            self.companies,
            self.fi_count,
            self.large_count,
        )
        self.plan: Plan = self.planner.build(
            clusters=max(4, self.n // 500),
            groups=max(2, self.n // 1000),
            cycles=max(2, self.n // 2000),
        )
        self._entry_no = 0
        self.controllers = frozenset(self.plan.controllers)
        self.reserved = frozenset(self.plan.reserved_persons)
        self.isolated_companies = frozenset(self.plan.isolated_companies)
        self._next_person = self.persons + 1
        self._next_company = self.companies + 1
        # Planted rows are written at random points of the customer loop rather than in a block,
        # so that their position in a file says nothing about them.
        self._schedule: dict[int, list[FreshParty | PlanEdge | str]] = {}
        items: list[FreshParty | PlanEdge | str] = [*self.plan.fresh, *self.plan.prohibited]
        items += self.plan.edges
        for item in items:
            self._schedule.setdefault(self.rng.randrange(self.n), []).append(item)
        self._planted_entries: dict[str, str] = {}
        # A random bijection of 0..m-1 (multiply by a unit, add an offset) pairs SME customers
        # with the customer persons who own them, and can be inverted from the person's side.
        m = self.persons
        if self.companies - self.sme_low + 1 > m:
            raise RuntimeError("more SME customers than persons to own them")
        rng = self.rng
        a = rng.randint(m // 3, 2 * m // 3)
        while math.gcd(a, m) != 1:
            a += 1
        self._map_a, self._map_b = a, rng.randrange(m)
        self._map_inv = pow(a, -1, m)

    def _build_products(self) -> None:
        rng = self.rng
        self.products: list[_Product] = []
        series = [t for t in PRODUCT_CATALOG if t.tenor_days]
        issues_each = max(3, (20 + self.n // 1000) // len(series))
        start, end = date(2021, 1, 1).toordinal(), _TODAY_ORD + 90
        for template in PRODUCT_CATALOG:
            if not template.tenor_days:
                launched = self._day(date(2008, 1, 1).toordinal(), date(2023, 12, 31).toordinal())
                status = ProductStatus.CLOSED if template.closed else ProductStatus.ACTIVE
                self._add_product(
                    template.name,
                    template.type,
                    template.risk,
                    template.audience,
                    status,
                    launched,
                    None,
                    None,
                    None,
                    issuer_kind=template.issuer_kind,
                    mortgage=template.name.startswith("个人住房"),
                    currency=template.currency,
                )
                continue
            for k in range(issues_each):
                issue = start + (end - start) * k // issues_each + rng.randint(0, 20)
                maturity = issue + template.tenor_days
                if issue > _TODAY_ORD:
                    status = ProductStatus.PLANNED
                elif maturity <= _TODAY_ORD:
                    status = ProductStatus.MATURED
                else:
                    status = ProductStatus.ACTIVE
                name = template.name.format(n=k + 1, y=date.fromordinal(issue).year)
                self._add_product(
                    name,
                    template.type,
                    template.risk,
                    template.audience,
                    status,
                    issue,
                    maturity,
                    None,
                    None,
                    issuer_kind=template.issuer_kind,
                )
        self._build_debt()
        self._index_products()

    def _add_product(
        self,
        name: str,
        ptype: ProductType,
        risk: int,
        audience: str,
        status: ProductStatus,
        issue: int | None,
        maturity: int | None,
        size: float | None,
        coupon: float | None,
        *,
        issuer: int | None = None,
        issuer_kind: InstitutionType | None = None,
        mortgage: bool = False,
        currency: str = "CNY",
    ) -> _Product:
        product = _Product(
            id=f"PR{len(self.products) + 1:06d}",
            type=ptype,
            risk=risk,
            audience=audience,
            status=status,
            issue=issue,
            maturity=maturity,
            issuer=issuer,
            size=size or 0.0,
            mortgage=mortgage,
        )
        self.products.append(product)
        self.t_products.write(
            (
                product.id,
                name,
                ptype.value,
                f"R{risk}",
                status.value,
                currency,
                "" if issue is None else _iso(issue),
                "" if maturity is None else _iso(maturity),
                "" if size is None else fmt_money(size),
                fmt_frac(coupon),
            )
        )
        if issuer is not None:
            self.t_issued.write((company_id(issuer), product.id))
        elif issuer_kind is not None and self.fi_by_kind.get(issuer_kind):
            self.t_issued.write(
                (company_id(self.rng.choice(self.fi_by_kind[issuer_kind])), product.id)
            )
        return product

    def _build_debt(self) -> None:
        """债务融资工具: issued by large corporate customers, underwritten by banks and brokers."""
        rng = self.rng
        count = max(8, self.n // 200)
        underwriters = sorted(
            self.fi_by_kind.get(InstitutionType.BANK, [])
            + self.fi_by_kind.get(InstitutionType.SECURITIES, [])
        )
        rng.shuffle(underwriters)
        # A few houses lead most deals (Zipf), as in the real league tables.
        lead_weights = [1.0 / (rank + 1) ** 1.1 for rank in range(len(underwriters))]
        frequent = [self.fi_count + 1 + rng.randrange(self.large_count) for _ in range(8)]
        self.lead_count: dict[int, int] = {}
        self.underwrote: set[int] = set()
        self.debt_by_issuer: dict[int, list[_Product]] = {}
        issue_numbers: dict[tuple[int, int], int] = {}
        kind_weights = [w for _, _, w in DEBT_KINDS]
        for _ in range(count):
            issuer = (
                rng.choice(frequent)
                if rng.random() < 0.4
                else self.fi_count + 1 + rng.randrange(self.large_count)
            )
            kind, tenor, _ = DEBT_KINDS[self._pick(kind_weights)]
            issue = self._day(date(2019, 1, 1).toordinal(), _TODAY_ORD + 90)
            maturity = issue + tenor
            year = date.fromordinal(issue).year
            seq = issue_numbers.get((issuer, year), 0) + 1
            issue_numbers[(issuer, year)] = seq
            if issue > _TODAY_ORD:
                status = ProductStatus.PLANNED
            elif rng.random() < 0.03:
                status = ProductStatus.DEFAULTED
            elif maturity <= _TODAY_ORD:
                status = ProductStatus.MATURED
            else:
                status = ProductStatus.ACTIVE
            name = f"{self.large_identity(issuer)[0]}{year}年度第{cn_ordinal(seq)}期{kind}"
            size = round(rng.uniform(3, 50)) * 1e8
            coupon = round(rng.uniform(0.018, 0.045) + (0.01 if tenor > 1000 else 0.0), 4)
            risk = (2, 2, 3, 3, 4)[rng.randrange(5)]
            product = self._add_product(
                name,
                _T.DEBT_INSTRUMENT,
                risk,
                "B",
                status,
                issue,
                maturity,
                size,
                coupon,
                issuer=issuer,
            )
            self.debt_by_issuer.setdefault(issuer, []).append(product)
            lead = underwriters[self._pick(lead_weights)]
            co = [u for u in rng.sample(underwriters, min(len(underwriters), 4)) if u != lead]
            co = co[: self._pick((0.25, 0.35, 0.25, 0.15))]
            lead_share = rng.uniform(0.35, 0.7)
            rest = (1.0 - lead_share) * rng.uniform(0.6, 1.0)
            cuts = [rng.random() + 0.2 for _ in co]
            shares = [_floor4(lead_share)] + [_floor4(rest * c / sum(cuts)) for c in cuts]
            for fi, share in zip([lead, *co], shares, strict=True):
                role = UnderwriterRole.LEAD if fi == lead else UnderwriterRole.CO
                self.t_underwrote.write((company_id(fi), product.id, role.value, fmt_frac(share)))
                self.underwrote.add(fi)
            self.lead_count[lead] = self.lead_count.get(lead, 0) + 1

    def _index_products(self) -> None:
        """Per (type, audience) lists sorted by risk, so 'rated at most R3' is a prefix."""
        self.pool: dict[tuple[ProductType, str], list[_Product]] = {}
        for product in self.products:
            if product.status in (ProductStatus.PLANNED, ProductStatus.CLOSED):
                continue
            for audience in ("P", "C"):
                if product.audience in (audience, "B"):
                    self.pool.setdefault((product.type, audience), []).append(product)
        self.pool_cut: dict[tuple[ProductType, str], list[int]] = {}
        for key, products in self.pool.items():
            products.sort(key=lambda p: (p.risk, p.id))
            self.pool_cut[key] = [
                bisect.bisect_right([p.risk for p in products], level) for level in range(6)
            ]
        self.payroll_products = self.pool.get((_T.PAYROLL_SERVICE, "C"), [])

    # --- parties ---------------------------------------------------------------------------

    def _new_person(
        self,
        province: str,
        *,
        male: bool | None = None,
        surname: str | None = None,
        age: tuple[int, int] = (25, 65),
        occupation: str | None = None,
        with_id: float = 0.3,
    ) -> str:
        """A fresh non-customer person, written at once; returns the id."""
        number = self._next_person
        while number in self.plan.fresh_persons:
            number += 1
        self._next_person = number + 1
        pid = person_id(number)
        self._write_person(number, pid, province, male, surname, age, occupation, with_id)
        return pid

    def _write_person(
        self,
        number: int,
        pid: str,
        province: str,
        male: bool | None,
        surname: str | None,
        age: tuple[int, int],
        occupation: str | None,
        with_id: float,
    ) -> None:
        rng = self.rng
        if male is None:
            male = rng.random() < 0.5
        years = rng.randint(*age)
        birth = date.fromordinal(_TODAY_ORD - years * 365 - rng.randint(0, 364))
        known = rng.random() < with_id
        city = rng.choice(self._province_cities[province])
        self.t_persons.write(
            (
                pid,
                self.pools.person_name(rng, male, surname),
                "M" if male else "F",
                birth.isoformat(),
                national_id(self._province_code[province], birth, male, number)
                if known and number < 5_000_000
                else "",
                mobile(rng) if rng.random() < 0.5 else "",
                self.pools.address(rng, province, city) if known else "",
                province,
                occupation or "",
            )
        )

    def _new_company(self, province: str, flavour: str) -> str:
        number = self._alloc_company()
        cid = company_id(number)
        self._write_fresh_company(number, cid, province, flavour)
        return cid

    def _alloc_company(self) -> int:
        number = self._next_company
        while number in self.plan.fresh_companies:
            number += 1
        self._next_company = number + 1
        return number

    def _write_fresh_company(self, number: int, cid: str, province: str, flavour: str) -> None:
        rng = self.rng
        city = rng.choice(self._province_cities[province])
        prefix = rng.choice(self.pools.prefixes)
        if flavour == "holding":
            name, industry = f"{city}{prefix}{rng.choice(HOLDING_SUFFIXES)}", "租赁和商务服务业"
            size, capital = CompanySize.LARGE, round(self._lognormal(5e8), -4)
        else:
            stem = rng.choice(SHELL_STEMS)
            name, industry = f"{city}{prefix}{stem}有限公司", "租赁和商务服务业"
            size, capital = CompanySize.SMALL, round(self._lognormal(5e6), -4)
        founded = self._day(date(1998, 1, 1).toordinal(), _TODAY_ORD - 400)
        self._company_row(number, cid, name, industry, province, city, size, capital, founded, None)

    def _company_row(
        self,
        number: int,
        cid: str,
        name: str,
        industry: str,
        province: str,
        city: str,
        size: CompanySize,
        capital: float,
        founded: int,
        institution: InstitutionType | None,
    ) -> None:
        rng = self.rng
        self.t_companies.write(
            (
                cid,
                name,
                credit_code(self._province_code[province], number, self.seed % 9973),
                industry,
                province,
                size.value,
                fmt_money(max(capital, 10000.0)),
                _iso(founded),
                "" if institution is None else institution.value,
                self.pools.address(rng, province, city),
                landline(rng),
            )
        )

    def _pick_notable(self) -> int:
        """A general customer person likely to sit on a board: affluent or a business owner."""
        number = 1
        for _ in range(6):
            number = self.planner.general_person()
            if self.person_latent(number) in (_L.AFFLUENT_FAMILY, _L.BUSINESS_OWNER):
                break
        return number

    def _pick_employer(self) -> int:
        """A general company; biased towards those paying salaries through us (代发)."""
        rng = self.rng
        number = self.sme_low
        for attempt in range(2):
            r = rng.random()
            if r < 0.05:
                number = rng.randint(1, self.fi_count)
            elif r < 0.45:
                number = rng.randint(self.fi_count + 1, self.fi_count + self.large_count)
            else:
                number = self.planner.general_company(self.sme_low)
            if attempt or self.payroll_visible(number) or rng.random() < 0.5:
                break
        return number

    def _link(
        self,
        table: Table,
        link: str,
        person: str,
        company: str,
        middle: Sequence[str],
        since: int | None,
        until: int | None = None,
    ) -> None:
        """A person → company row, mirrored into ground_truth/linkage.csv (公私联动)."""
        table.write((person, company, *middle, _iso_opt(since), _iso_opt(until)))
        p_number, c_number = int(person[1:]), int(company[1:])
        self.g_linkage.write(
            (
                person,
                company,
                link,
                fmt_bool(p_number <= self.persons),
                fmt_bool(c_number <= self.companies),
                fmt_bool(self.payroll_visible(c_number)),
                fmt_bool(until is None),
            )
        )

    # --- customers -------------------------------------------------------------------------

    def _segment(self, latent: LatentType) -> Segment:
        return _SEGMENTS[self._pick(SEGMENT_WEIGHTS[latent])]

    def _customer_row(self, cust: _Customer, need_latent: LatentType, risk: int) -> None:
        tier = cust.tier
        self.t_customers.write(
            (
                cust.id,
                _iso(cust.since),
                cust.segment.value,
                "" if tier is None else tier.value,
                _NEEDS[self._pick(NEED_WEIGHTS[need_latent])].value,
                f"R{risk}",
                cust.home.id,
            )
        )
        self.g_latent.write((cust.id, cust.latent.value))

    def _company_customer(self, number: int) -> None:
        rng = self.rng
        cid = company_id(number)
        latent = self.company_latent(number)
        institution: InstitutionType | None = None
        if latent == _L.FINANCIAL_INSTITUTION:
            name, institution, province, city = self.fis[number - 1]
            industry, size = "金融业", CompanySize.LARGE
            capital = round(self._lognormal(1e10, 1.0), -4)
            founded = self._day(date(1950, 1, 1).toordinal(), date(2015, 12, 31).toordinal())
            leads = self.lead_count.get(number, 0)
            if leads >= 2:
                segment = Segment.KEY
            elif number in self.underwrote:
                segment = Segment.KEY if rng.random() < 0.4 else Segment.VALUE
            else:
                segment = self._segment(latent)
            home = self.branches[self.fi_centre]
        elif latent == _L.LARGE_CORPORATE:
            name, industry, province, city = self.large_identity(number)
            size = CompanySize.LARGE
            capital = round(self._lognormal(2e9, 1.0), -4)
            founded = self._day(date(1980, 1, 1).toordinal(), date(2015, 12, 31).toordinal())
            if number in self.debt_by_issuer:  # 融资人 are value customers at least
                segment = Segment.KEY if rng.random() < 0.4 else Segment.VALUE
            else:
                segment = self._segment(latent)
            regional = self.region_branches.get(province) or self.region_list
            branch = rng.choice(regional)
            if rng.random() < 0.3:
                subs = [s for s in self.sub_branches if self.branches[s].parent == branch]
                branch = rng.choice(subs) if subs else branch
            home = self.branches[branch]
        else:
            home = self.branches[
                rng.choice(self.outlets) if rng.random() < 0.7 else rng.choice(self.sub_branches)
            ]
            province, city = home.province, home.city
            ind = INDUSTRIES[
                min(bisect.bisect_right(self._industry_cum, rng.random()), len(INDUSTRIES) - 1)
            ]
            industry = ind[0]
            name = (
                f"{city}{rng.choice(self.pools.prefixes)}{rng.choice(ind[2])}{rng.choice(ind[3])}"
            )
            size = (CompanySize.MICRO, CompanySize.SMALL, CompanySize.MEDIUM)[
                self._pick((0.45, 0.40, 0.15))
            ]
            capital = round(
                self._lognormal(
                    {CompanySize.MICRO: 5e5, CompanySize.SMALL: 3e6, CompanySize.MEDIUM: 3e7}[size]
                ),
                -4,
            )
            founded = self._day(date(1995, 1, 1).toordinal(), _TODAY_ORD - 200)
            segment = self._segment(latent)
        self._company_row(
            number, cid, name, industry, province, city, size, capital, founded, institution
        )
        since = self._day(max(founded + 30, _EPOCH_ORD), _TODAY_ORD - 30)
        tier = _TIERS[self._pick(_TIER_WEIGHTS[segment])]
        cust = _Customer(cid, number, False, latent, segment, tier, home, since, size=size)
        low, high = RISK_RANGE[latent]
        risk = rng.randint(low, high)
        self._customer_row(cust, latent, risk)
        if latent == _L.FINANCIAL_INSTITUTION:
            self._access_entry(cid, institution, founded)
        if number not in self.isolated_companies:
            self._company_links(cust, province, founded)
        holdings = self._holdings(cust, "C", risk)
        visible = self._hold_out(cust, holdings)
        overdue = self._company_fees(cust, visible)
        self._customer_tail(cust, visible, overdue)

    def _company_links(self, cust: _Customer, province: str, founded: int) -> None:
        """Owners, legal representative, executives, staff and guarantors of one company."""
        rng = self.rng
        number, cid, latent = cust.number, cust.id, cust.latent
        owners: set[str] = set()
        chairman: str | None = None
        majority_person: str | None = None
        if number not in self.plan.planned_owners:
            stakes: list[tuple[str, float]] = []
            if latent == _L.FINANCIAL_INSTITUTION:
                total = rng.uniform(0.6, 1.0)
                cuts = [rng.random() + 0.1 for _ in range(rng.randint(1, 3))]
                for c in cuts:
                    owner = self._new_company(province, "holding")
                    stakes.append((owner, total * c / sum(cuts)))
            elif latent == _L.LARGE_CORPORATE:
                # Dispersed ownership, every stake a minority: no chain of control starts here.
                for _ in range(rng.randint(2, 4)):
                    r = rng.random()
                    if r < 0.4:
                        owner = self._new_company(province, "holding")
                    elif r < 0.6:
                        owner = company_id(rng.randint(1, self.fi_count))
                    elif r < 0.8:
                        owner = self._new_person(province, age=(40, 70), occupation="企业家")
                    else:
                        owner = person_id(self._pick_notable())
                    if owner not in owners:
                        stakes.append((owner, rng.uniform(0.05, 0.3)))
                        owners.add(owner)
                spread = sum(share for _, share in stakes)
                if spread > 0.95:  # stakes in one company must add up to at most 1
                    stakes = [(owner, share * 0.95 / spread) for owner, share in stakes]
            else:
                mapped = self.sme_owner(number)
                if mapped is not None:
                    majority_person = person_id(mapped)
                else:
                    majority_person = self._new_person(province, age=(28, 65), occupation="企业主")
                major = 1.0 if rng.random() < 0.35 else rng.uniform(0.51, 0.95)
                stakes.append((majority_person, major))
                owners.add(majority_person)
                room = 1.0 - major
                for _ in range(rng.randint(0, 2)):
                    if room < 0.05:
                        break
                    owner = (
                        person_id(self.planner.general_person())
                        if rng.random() < 0.3
                        else self._new_person(province, age=(28, 65))
                    )
                    if owner in owners:
                        continue
                    share = rng.uniform(0.02, room)
                    room -= share
                    owners.add(owner)
                    stakes.append((owner, share))
            since = _iso(founded)
            for owner, share in stakes:
                share4 = _floor4(share)
                voting = fmt_frac(share4) if rng.random() < 0.3 else ""
                if owner.startswith("P"):
                    self._link(self.t_owns, OWNS, owner, cid, (fmt_frac(share4), voting), founded)
                else:
                    self.t_owns.write((owner, cid, fmt_frac(share4), voting, since, ""))
        # Executives: customers of ours (public-private linkage) or not yet.
        execs: set[str] = set()
        if latent == _L.SME:
            titles = [EXEC_TITLES_SME[0]] + ([EXEC_TITLES_SME[1]] if rng.random() < 0.4 else [])
        else:
            titles = list(EXEC_TITLES_LARGE[:3]) + rng.sample(
                EXEC_TITLES_LARGE[3:], rng.randint(0, 2)
            )
            if number in self.plan.planned_rep:
                titles.remove("董事长")
        for title in titles:
            if latent == _L.SME and title == EXEC_TITLES_SME[0] and majority_person:
                person = majority_person
            elif rng.random() < 0.35:
                person = person_id(self._pick_notable())
            else:
                person = self._new_person(province, age=(32, 65), occupation="企业高管")
            if person in execs:
                continue
            execs.add(person)
            if int(person[1:]) > self.persons:
                cust.has_outsiders = True
            start = self._day(founded, _TODAY_ORD - 30)
            self._link(self.t_executive_of, EXECUTIVE_OF, person, cid, (title,), start)
            if title in ("董事长", EXEC_TITLES_SME[0]):
                chairman = person
        if rng.random() < 0.1:
            former = self._new_person(province, age=(45, 75), occupation="企业高管")
            start = self._day(founded, _TODAY_ORD - 400)
            end = self._day(start + 1, _TODAY_ORD - 30)
            self._link(self.t_executive_of, EXECUTIVE_OF, former, cid, ("总经理",), start, end)
        if number not in self.plan.planned_rep:
            rep = chairman
            if rep is None or (latent == _L.SME and rng.random() < 0.15):
                rep = self._new_person(province, age=(30, 65))
            self._link(self.t_legal_rep_of, LEGAL_REP_OF, rep, cid, (), founded)
        # Staff who are not (yet) our personal customers; customers' jobs come from their side.
        payroll = fmt_bool(self.payroll_visible(number))
        staff = rng.randint(1, 3) if latent != _L.SME else rng.randint(0, 1)
        for _ in range(staff):
            person = self._new_person(province, age=(23, 58), occupation="职员")
            cust.has_outsiders = True
            start = self._day(max(founded, _TODAY_ORD - 15 * 365), _TODAY_ORD - 30)
            left = self._day(start + 30, _TODAY_ORD - 1) if rng.random() < 0.1 else None
            self._link(
                self.t_employed_by,
                EMPLOYED_BY,
                person,
                cid,
                (rng.choice(STAFF_POSITIONS), payroll),
                start,
                left,
            )
        if latent != _L.FINANCIAL_INSTITUTION and rng.random() < 0.2:
            guarantors: set[str] = set()
            for _ in range(rng.randint(1, 2)):
                if latent == _L.SME and majority_person and rng.random() < 0.5:
                    guarantor = majority_person
                elif latent == _L.LARGE_CORPORATE:
                    guarantor = company_id(
                        rng.randint(self.fi_count + 1, self.fi_count + self.large_count)
                    )
                else:
                    guarantor = company_id(self.planner.general_company(self.sme_low))
                if guarantor == cid or guarantor in guarantors:
                    continue
                guarantors.add(guarantor)
                amount = round(self._lognormal(5e6 if latent == _L.SME else 2e8), -4)
                start = self._day(max(founded, _TODAY_ORD - 5 * 365), _TODAY_ORD - 10)
                self.t_guarantees.write((guarantor, cid, fmt_money(amount), _iso(start), ""))

    def _person_customer(self, number: int) -> None:
        rng = self.rng
        pid = person_id(number)
        latent = self.person_latent(number)
        controller = number in self.controllers
        if controller:
            segment = Segment.KEY if rng.random() < 0.5 else Segment.VALUE
        else:
            segment = self._segment(latent)
        if (
            segment == Segment.KEY
            and latent in (_L.AFFLUENT_FAMILY, _L.BUSINESS_OWNER)
            and rng.random() < 0.3
        ):
            home = self.branches[self.private_centre]
        elif rng.random() < 0.88:
            home = self.branches[rng.choice(self.outlets)]
        else:
            home = self.branches[rng.choice(self.sub_branches)]
        province = home.province
        city = home.city
        male = rng.random() < 0.5
        age = rng.randint(*AGE_RANGE[latent])
        birth = _TODAY_ORD - age * 365 - rng.randint(0, 364)
        birthday = date.fromordinal(birth)
        surname = rng.choice(self.pools.surnames)
        self.t_persons.write(
            (
                pid,
                self.pools.person_name(rng, male, surname),
                "M" if male else "F",
                birthday.isoformat(),
                national_id(self._province_code[province], birthday, male, number),
                mobile(rng),
                self.pools.address(rng, province, city),
                province,
                rng.choice(OCCUPATIONS[latent]),
            )
        )
        since = self._day(max(_EPOCH_ORD, birth + 18 * 365), _TODAY_ORD - 30)
        tier = _TIERS[self._pick(_TIER_WEIGHTS[segment])]
        cust = _Customer(
            pid, number, True, latent, segment, tier, home, since, age=age, surname=surname
        )
        low, high = RISK_RANGE[latent]
        risk = rng.randint(low, high)
        self._customer_row(cust, latent, risk)
        if number not in self.plan.isolated_persons:
            self._person_links(cust, province, birth, controller)
        holdings = self._holdings(cust, "P", risk)
        visible = self._hold_out(cust, holdings)
        self._customer_tail(cust, visible, 0.0)

    def _person_links(self, cust: _Customer, province: str, birth: int, controller: bool) -> None:
        rng = self.rng
        number, pid, latent = cust.number, cust.id, cust.latent
        adult = birth + 20 * 365
        if not controller and rng.random() < _EMPLOYED_ODDS[latent]:
            employer = self._pick_employer()
            cust.payroll_employee = self.payroll_visible(employer)
            start = self._day(max(adult, _TODAY_ORD - 12 * 365), _TODAY_ORD - 15)
            self._link(
                self.t_employed_by,
                EMPLOYED_BY,
                pid,
                company_id(employer),
                (rng.choice(STAFF_POSITIONS), fmt_bool(cust.payroll_employee)),
                start,
            )
        married = False
        if number not in self.reserved:
            if number % 2 == 1 and self.household(number):
                wed = self._day(adult, _TODAY_ORD - 30)
                self.t_family_of.write(
                    (pid, person_id(number + 1), FamilyRelation.SPOUSE.value, _iso(wed), "")
                )
                married = True
            elif number % 2 == 0 and self.household(number - 1):
                married = True
        for relation, odds in _FAMILY_ODDS[latent]:
            if rng.random() >= odds or (relation == FamilyRelation.SPOUSE and married):
                continue
            if relation == FamilyRelation.SPOUSE:
                ages = (max(20, cust.age - 5), cust.age + 5)
                relative = self._new_person(province, age=ages)
                wed = self._day(adult, _TODAY_ORD - 30)
                self.t_family_of.write((pid, relative, relation.value, _iso(wed), ""))
                continue
            if relation == FamilyRelation.CHILD:
                ages = (max(1, cust.age - 40), max(1, cust.age - 22))
            elif relation == FamilyRelation.PARENT:
                ages = (cust.age + 22, cust.age + 38)
            else:
                ages = (max(18, cust.age - 8), cust.age + 8)
            surname = cust.surname if rng.random() < 0.85 else None
            relative = self._new_person(province, age=ages, surname=surname)
            # family_of.relation says what person_id is to relative_id (docs/data-format.md).
            stated = _RECIPROCAL.get(relation, relation)
            self.t_family_of.write((pid, relative, stated.value, "", ""))

    def _access_entry(self, cid: str, kind: InstitutionType | None, founded: int) -> None:
        rng = self.rng
        if kind in (InstitutionType.BANK, InstitutionType.SECURITIES):
            key, odds = "underwriter", 0.9
        else:
            key, odds = "investor", 0.7
        if rng.random() >= odds:
            key = "partner"
            if rng.random() < 0.5:
                return
        list_name, reason = ACCESS_LISTS[key]
        listed = self._day(max(founded, date(2015, 1, 1).toordinal()), _TODAY_ORD - 60)
        delisted = self._day(listed + 30, _TODAY_ORD - 1) if rng.random() < 0.1 else None
        self._list_entry(
            cid, ListKind.ACCESS, list_name, reason, f"{BANK}同业管理部", listed, delisted
        )

    def _list_entry(
        self,
        party: str,
        kind: ListKind,
        name: str,
        reason: str,
        source: str,
        listed: int,
        delisted: int | None,
    ) -> str:
        self._entry_no += 1
        entry_id = f"L{self._entry_no:07d}"
        self.t_list_entries.write(
            (
                entry_id,
                party,
                kind.value,
                name,
                reason,
                source,
                _iso(listed),
                _iso_opt(delisted),
            )
        )
        return entry_id

    # --- holdings --------------------------------------------------------------------------

    def _holdings(self, cust: _Customer, audience: str, risk: int) -> list[_Holding]:
        rng = self.rng
        latent = cust.latent
        props = PROPENSITY[latent]
        held: list[_Holding] = []
        for ptype in _PRODUCT_TYPES:
            if ptype == _T.PAYROLL_SERVICE:
                # Decided by hash so employees' EMPLOYED_BY.payroll_with_us can agree with it.
                if audience == "C" and self.payroll_flag(cust.number) and self.payroll_products:
                    product = self.payroll_products[cust.number % len(self.payroll_products)]
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

    def _add_holding(self, cust: _Customer, held: list[_Holding], product: _Product) -> None:
        low = max(cust.since, product.issue or cust.since)
        high = _TODAY_ORD if product.maturity is None else min(_TODAY_ORD, product.maturity - 1)
        if low > high:
            return
        scale = AMOUNT_SCALE[cust.latent] * AMOUNT_FACTOR[product.type]
        if cust.size == CompanySize.MICRO:
            scale *= 0.3
        elif cust.size == CompanySize.MEDIUM:
            scale *= 3.0
        if cust.segment == Segment.KEY:
            scale *= 2.0
        amount = round(max(100.0, self._lognormal(scale)), -2)
        since = self._day(low, high)
        until = product.maturity if product.status == ProductStatus.MATURED else None
        held.append(_Holding(product, amount, since, until))

    def _hold_out(self, cust: _Customer, held: list[_Holding]) -> list[_Holding]:
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
                (forced_out if self.payroll_heldout(cust.number) else forced_in).add(k)
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
                        _iso(holding.since),
                    )
                )
            else:
                visible.append(holding)
                self.t_holds.write(
                    (
                        cust.id,
                        holding.product.id,
                        fmt_money(holding.amount),
                        _iso(holding.since),
                        _iso_opt(holding.until),
                    )
                )
        return visible

    # --- fees, warnings, managers, events, tags --------------------------------------------

    def _company_fees(self, cust: _Customer, visible: list[_Holding]) -> float:
        """Monthly service fees (服务费); returns the amount overdue today."""
        rng = self.rng
        bad_payer = self.hash.unit(_S_BAD_PAYER, cust.number) < 0.08
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
        for product in self.debt_by_issuer.get(cust.number, ()):
            if product.status == ProductStatus.PLANNED or product.issue is None:
                continue
            first = max(_period_of(product.issue), _TODAY_PERIOD - 11)
            last = min(_TODAY_PERIOD, _period_of(product.maturity or _TODAY_ORD))
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
        if due_on >= _TODAY_ORD:  # not yet due: paid early or still open
            if rng.random() < 0.3:
                paid, paid_on = billed, self._day(billed_on, min(_TODAY_ORD, due_on))
        else:
            r = rng.random()
            if r < (0.45 if bad_payer else 0.015):
                paid = round(billed * rng.uniform(0.1, 0.9), 2) if rng.random() < 0.3 else 0.0
                owed_overdue = billed - paid
            elif r < (0.6 if bad_payer else 0.075):
                paid, paid_on = billed, self._day(due_on + 1, min(_TODAY_ORD, due_on + 60))
            else:
                paid, paid_on = billed, self._day(billed_on, due_on)
        self._fee_no += 1
        self.t_fees.write(
            (
                f"F{self._fee_no:010d}",
                party,
                product,
                f"{year:04d}-{month0 + 1:02d}",
                fmt_money(billed),
                fmt_money(paid),
                _iso(billed_on),
                _iso(due_on),
                _iso_opt(paid_on),
            )
        )
        return owed_overdue

    def _customer_tail(self, cust: _Customer, visible: list[_Holding], overdue: float) -> None:
        """Managers, risk warnings, private-domain events and tags of one customer."""
        rng = self.rng
        manager = self._managers(cust)
        warned = self._warnings(cust, overdue)
        # Interactions: pushed by the manager, or by a home-branch manager's private domain.
        if cust.segment == Segment.POTENTIAL:
            count = self._pick((0.35, 0.25, 0.2, 0.12, 0.08))
        else:
            count = rng.randint(2, 10)
        pusher = manager
        if pusher is None:
            pool = self._manager_pool(cust.home)
            pusher = pool[cust.number % len(pool)][0] if pool and rng.random() < 0.8 else None
        weights = self._topic_weights(cust)
        topics: dict[str, int] = {}
        shares = 0
        wecom = False
        base = datetime(TODAY.year, TODAY.month, TODAY.day, 21, 0, 0)
        for _ in range(count):
            topic_index = self._pick(weights)
            topic = TOPICS[topic_index][0]
            kind = _KINDS[bisect.bisect_left(_KIND_WEIGHTS, rng.random())]
            channel = rng.choice(CHANNELS)
            at = base - timedelta(seconds=rng.randrange(365 * 86400))
            self._event_no += 1
            self.t_interactions.write(
                (
                    f"I{self._event_no:010d}",
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

    def _topic_weights(self, cust: _Customer) -> list[float]:
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

    def _managers(self, cust: _Customer) -> str | None:
        rng = self.rng
        if cust.segment == Segment.POTENTIAL and rng.random() >= 0.05:
            return None
        pool = self._manager_pool(cust.home)
        if not pool:
            return None
        emp, hired = pool[rng.randrange(len(pool))]
        start = self._day(max(cust.since, hired, _TODAY_ORD - 8 * 365), _TODAY_ORD - 1)
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
                        _iso(self._day(old_low, start - 60)),
                        _iso(start - 1),
                    )
                )
        self.t_manages.write((emp, cust.id, ManagerRole.PRIMARY.value, _iso(start), ""))
        if cust.segment == Segment.KEY and rng.random() < 0.4:
            specialists = self._manager_pool(cust.home, specialists=True)
            if specialists:
                second, second_hired = rng.choice(specialists)
                if second != emp:
                    s_start = self._day(max(cust.since, second_hired), _TODAY_ORD - 1)
                    self.t_manages.write(
                        (second, cust.id, ManagerRole.SECONDARY.value, _iso(s_start), "")
                    )
        return emp

    def _warnings(self, cust: _Customer, overdue: float) -> bool:
        """Risk warnings (风险预警); returns whether one is still open."""
        rng = self.rng
        open_warning = False
        if overdue > 0 and rng.random() < 0.7:
            category, source, text = OVERDUE_WARNING
            level = WarningLevel.HIGH if overdue > 50_000 else WarningLevel.MEDIUM
            raised = self._day(_TODAY_ORD - 120, _TODAY_ORD - 1)
            self._warning(cust.id, level, category, f"{text}{overdue:.2f}元", source, raised, None)
            open_warning = True
        odds = 0.015 if cust.is_person else 0.06
        if rng.random() < odds:
            category, source, text = rng.choice(RISK_CATEGORIES)
            level = _WARNING_LEVELS[self._pick((0.5, 0.35, 0.15))]
            raised = self._day(_TODAY_ORD - 730, _TODAY_ORD - 1)
            resolved = self._day(raised + 1, _TODAY_ORD) if rng.random() < 0.4 else None
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
                f"RW{self._warning_no:08d}",
                party,
                level.value,
                category,
                description,
                source,
                _iso(raised),
                _iso_opt(resolved),
            )
        )

    def _tags(
        self,
        cust: _Customer,
        visible: list[_Holding],
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
            if cust.home.index == self.private_centre:
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
            self.t_tagged.write((cust.id, _TAG_INDEX[code], fmt_frac(score)))

    # --- non-customer holders, planted structures, lists, ground truth ---------------------

    def _investors(self) -> None:
        """Institutional holders of debt instruments that are not our customers (产品持有人)."""
        rng = self.rng
        debt = [
            p
            for p in self.products
            if p.type == _T.DEBT_INSTRUMENT and p.status != ProductStatus.PLANNED
        ]
        count = max(6, self.n // 500)
        books: list[set[int]] = [set() for _ in range(count)]
        for k in range(len(debt)):  # every instrument gets two outside holders at least
            books[(2 * k) % count].add(k)
            books[(2 * k + 1) % count].add(k)
        for book in books:
            for _ in range(rng.randint(0, 3)):
                book.add(rng.randrange(len(debt)))
        for book in books:
            number = self._alloc_company()
            cid = company_id(number)
            kind, template = rng.choice(INVESTOR_KINDS)
            province = self._province()
            city = rng.choice(self._province_cities[province])
            name = template.format(p=rng.choice(self.pools.prefixes))
            founded = self._day(date(1995, 1, 1).toordinal(), date(2018, 12, 31).toordinal())
            self._company_row(
                number,
                cid,
                name,
                "金融业",
                province,
                city,
                CompanySize.LARGE,
                round(self._lognormal(2e9), -4),
                founded,
                kind,
            )
            if rng.random() < 0.7:
                listed = self._day(max(founded, date(2015, 1, 1).toordinal()), _TODAY_ORD - 60)
                name_, reason = ACCESS_LISTS["investor"]
                self._list_entry(
                    cid, ListKind.ACCESS, name_, reason, f"{BANK}同业管理部", listed, None
                )
            for k in sorted(book):
                product = debt[k]
                if product.issue is None:
                    continue
                high = min(_TODAY_ORD, (product.maturity or _TODAY_ORD) - 1)
                since = self._day(product.issue, max(product.issue, high))
                until = product.maturity if product.status == ProductStatus.MATURED else None
                amount = round(self._lognormal(5e7), -4)
                self.t_holds.write(
                    (cid, product.id, fmt_money(amount), _iso(since), _iso_opt(until))
                )

    def _write_planted(self, item: FreshParty | PlanEdge | str) -> None:
        rng = self.rng
        if isinstance(item, PlanEdge):
            self._write_edge(item)
        elif isinstance(item, FreshParty):
            province = self._province()
            if item.kind == PERSON:
                pid = person_id(item.number)
                known = 1.0 if item.flavour == "prohibited" else 0.3  # listed by id number
                self._write_person(item.number, pid, province, None, None, (28, 68), None, known)
            else:
                cid = company_id(item.number)
                self._write_fresh_company(item.number, cid, province, item.flavour)
        else:
            list_name, source, reason = rng.choice(PROHIBITION_LISTS)
            listed = self._day(date(2018, 1, 1).toordinal(), _TODAY_ORD - 10)
            self._planted_entries[item] = self._list_entry(
                item, ListKind.PROHIBITION, list_name, reason, source, listed, None
            )

    def _write_edge(self, edge: PlanEdge) -> None:
        rng = self.rng
        since = self._day(date(2010, 1, 1).toordinal(), _TODAY_ORD - 30)
        if edge.rel == OWNS:
            middle: tuple[str, ...] = (fmt_frac(edge.share), "")
            if edge.src.startswith("P"):
                self._link(self.t_owns, OWNS, edge.src, edge.dst, middle, since)
            else:
                self.t_owns.write((edge.src, edge.dst, *middle, _iso(since), ""))
        elif edge.rel == EXECUTIVE_OF:
            self._link(
                self.t_executive_of,
                EXECUTIVE_OF,
                edge.src,
                edge.dst,
                (edge.title or "董事",),
                since,
            )
        elif edge.rel == LEGAL_REP_OF:
            self._link(self.t_legal_rep_of, LEGAL_REP_OF, edge.src, edge.dst, (), since)
        elif edge.rel == EMPLOYED_BY:
            payroll = fmt_bool(self.payroll_visible(int(edge.dst[1:])))
            self._link(
                self.t_employed_by,
                EMPLOYED_BY,
                edge.src,
                edge.dst,
                (edge.title or "职员", payroll),
                since,
            )
        elif edge.rel == FAMILY_OF:
            relation = edge.relation or FamilyRelation.OTHER
            self.t_family_of.write((edge.src, edge.dst, relation.value, "", ""))
        elif edge.rel == GUARANTEES:
            amount = edge.amount if edge.amount is not None else round(rng.uniform(1e6, 1e8), -4)
            self.t_guarantees.write((edge.src, edge.dst, fmt_money(amount), _iso(since), ""))

    def _general_list_entries(self) -> None:
        """Prohibitions nobody planted paths for: some active, some lifted (delisted)."""
        rng = self.rng
        first, last = self.persons + 1, self._next_person - 1
        for _ in range(max(3, self.n // 1000)):
            number = rng.randint(first, last)
            if number in self.plan.fresh_persons:
                continue
            party = person_id(number)
            list_name, source, reason = rng.choice(PROHIBITION_LISTS)
            listed = self._day(date(2016, 1, 1).toordinal(), _TODAY_ORD - 90)
            delisted = self._day(listed + 30, _TODAY_ORD - 1) if rng.random() < 0.4 else None
            self._list_entry(
                party, ListKind.PROHIBITION, list_name, reason, source, listed, delisted
            )
        for _ in range(max(1, self.n // 2000)):
            # Former blacklistings of customers, long lifted.
            party = person_id(self.planner.general_person())
            list_name, source, reason = rng.choice(PROHIBITION_LISTS)
            listed = self._day(date(2012, 1, 1).toordinal(), date(2018, 12, 31).toordinal())
            delisted = self._day(listed + 180, date(2021, 12, 31).toordinal())
            self._list_entry(
                party, ListKind.PROHIBITION, list_name, reason, source, listed, delisted
            )

    def _write_ground_truth(self) -> None:
        sink = self.sink
        propensity = sink.plain_table(
            f"{GROUND_TRUTH}/propensity.csv", ("latent_type", "product_type", "probability")
        )
        for latent, props in PROPENSITY.items():
            for ptype in _PRODUCT_TYPES:
                propensity.write((latent.value, ptype.value, fmt_frac(props[ptype])))
        links = [
            {k: v for k, v in link.items() if k != "cluster"}
            | {"list_entry_id": self._planted_entries[link["blacklisted_id"]]}
            for link in self.plan.links
        ]
        sink.write_jsonl(f"{GROUND_TRUTH}/blacklist_paths.jsonl", links)
        sink.write_jsonl(f"{GROUND_TRUTH}/ownership_chains.jsonl", self.plan.chains)
        sink.write_jsonl(f"{GROUND_TRUTH}/groups.jsonl", self.plan.groups)
        sink.write_json(
            f"{GROUND_TRUTH}/manifest.json",
            {
                "customers": self.n,
                "seed": self.seed,
                "today": TODAY.isoformat(),
                "customer_persons": self.persons,
                "customer_companies": self.companies,
                "financial_institutions": self.fi_count,
                "large_corporates": self.large_count,
                "group_controllers": [person_id(p) for p in self.plan.controllers],
                "isolated_customers": sorted(
                    [person_id(p) for p in self.plan.isolated_persons]
                    + [company_id(c) for c in self.plan.isolated_companies]
                ),
                "holdout_rate": HOLDOUT_RATE,
            },
        )


# --- module helpers ------------------------------------------------------------------------


def _cumulative(weights: Sequence[float]) -> list[float]:
    total = sum(weights)
    acc, out = 0.0, []
    for w in weights:
        acc += w / total
        out.append(acc)
    return out


def _short_province(province: str) -> str:
    for suffix in ("壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "省", "市"):
        if province.endswith(suffix):
            return province[: -len(suffix)]
    return province


def _iso(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


def _iso_opt(ordinal: int | None) -> str:
    return "" if ordinal is None else date.fromordinal(ordinal).isoformat()


def _period_of(ordinal: int) -> int:
    day = date.fromordinal(ordinal)
    return day.year * 12 + day.month - 1


def _floor4(value: float) -> float:
    """Round down to 4 decimals, so shares that sum to at most 1 still do once written."""
    return math.floor(value * 10_000) / 10_000


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    summary = generate_bank(args.customers, args.seed, args.out, progress=not args.no_progress)
    total = sum(summary.rows_by_file.values())
    sys.stdout.write(f"wrote {total:,} rows to {summary.out} in {summary.seconds:.1f}s\n")


if __name__ == "__main__":
    main()
