"""Public-private linkage (公私联动): a person's corporate background, a company's staff pool, and
the links between our customers and the business they lead to, scored by graph/linkage_model.py.

Effective shares come from graph/ownership.py (the one computation, shared with beneficial
owners), walked over the stakes the caller may see: a path through a company the caller may not
see is not shown, and adds nothing to a share they see.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from typing import Any

from graph import ownership
from graph.db import Database
from graph.linkage_model import (
    STAFF_BUNDLE,
    BundleItem,
    Valuation,
    company_to_staff,
    missing_core,
    person_to_company,
    roles_of,
    suggest_bundle,
)
from graph.model import CompanyRole, LinkageKind, ProductType
from graph.ownership import EffectiveShare
from graph.records import PartyRecord
from queries import Q

Scope = list[str] | None
# Corporate backgrounds read in one statement while linking persons to companies through chains.
BACKGROUNDS_PER_STATEMENT = 200


@dataclass(frozen=True, slots=True)
class TieFacts:
    """A person's tie to a company: OWNS, EXECUTIVE_OF, LEGAL_REP_OF or EMPLOYED_BY."""

    type: str
    share: Decimal | None = None
    title: str | None = None
    position: str | None = None
    payroll_with_us: bool | None = None  # EMPLOYED_BY: the employer pays the person through us

    @classmethod
    def from_map(cls, row: Mapping[str, Any]) -> TieFacts:
        share = row.get("share")
        return cls(
            row["type"],
            Decimal(share) if share else None,
            row["title"],
            row["position"],
            row["payroll_with_us"],
        )


@dataclass(frozen=True, slots=True)
class CompanyFacts:
    party: PartyRecord
    manager_id: str | None
    held: frozenset[str]

    @classmethod
    def from_row(
        cls, party: Mapping[str, Any], manager_id: str | None, held: Sequence[str]
    ) -> CompanyFacts:
        return cls(PartyRecord.from_map(dict(party)), manager_id, frozenset(held))

    @property
    def payroll_with_us(self) -> bool:
        return ProductType.PAYROLL_SERVICE in self.held

    @property
    def lacks(self) -> list[ProductType]:
        return missing_core(self.held)


@dataclass(frozen=True, slots=True)
class BackgroundEntry:
    """One company of a person's corporate background."""

    company: CompanyFacts
    ties: list[TieFacts]
    effective: EffectiveShare | None

    @property
    def roles(self) -> list[CompanyRole]:
        return roles_of(t.type for t in self.ties)

    @property
    def direct_share(self) -> Decimal | None:
        return next((t.share for t in self.ties if t.type == "OWNS"), None)

    @property
    def effective_share(self) -> Decimal:
        return self.effective.share if self.effective else Decimal(0)

    @property
    def payroll_with_us(self) -> bool:
        return _payroll_with_us(self.company.payroll_with_us, self.ties)


def _payroll_with_us(company_payroll: bool, ties: Sequence[TieFacts]) -> bool:
    """Pay comes through us (代发) when the company runs its payroll with us, or when the person's
    employment says so."""
    return company_payroll or any(t.payroll_with_us for t in ties)


@dataclass(frozen=True, slots=True)
class Background:
    entries: list[BackgroundEntry]
    # Every company the entries and their ownership paths name, by id, and the stakes the paths
    # follow, by (owner, company).
    companies: dict[str, CompanyFacts]
    stakes: dict[tuple[str, str], Decimal]


async def corporate_backgrounds(
    db: Database,
    person_ids: Sequence[str],
    as_of: dt.date,
    scope: Scope,
    max_depth: int = ownership.MAX_DEPTH,
) -> list[Background]:
    """For each of `person_ids`, the companies the person owns (directly, and through chains of
    companies), runs, legally represents or works for on `as_of`, among those the caller may
    see: the ties, the effective share with its strongest paths, the company's facts. Companies
    the person controls come first. One statement for them all."""
    rows = await db.read(
        Q.corporate_background,
        {"ids": list(person_ids), "today": as_of, "max_depth": max_depth, "scope": scope},
    )
    found = {r["person_id"]: _background(r, max_depth) for r in rows}
    return [found.get(i, Background([], {}, {})) for i in person_ids]


def _background(row: Mapping[str, Any], max_depth: int) -> Background:
    person_id = row["person_id"]
    companies = {
        c["party"]["id"]: CompanyFacts.from_row(c["party"], c["manager_id"], c["held"])
        for c in row["companies"]
        if c["visible"]
    }
    # The stakes a path may follow: the person's own and those of companies the caller may see,
    # in companies the caller may see; a hidden company adds nothing to a share that is shown.
    stakes = [
        ownership.Stake(person_id, t["company_id"], Decimal(t["share"]))
        for t in row["ties"]
        if t["type"] == "OWNS" and t["share"] and t["company_id"] in companies
    ] + [
        ownership.Stake(c["party"]["id"], s["company_id"], Decimal(s["share"]))
        for c in row["companies"]
        if c["party"]["id"] in companies
        for s in c["stakes"]
        if s["company_id"] in companies and s["share"]
    ]
    holdings = ownership.effective_holdings(stakes, person_id, max_depth)
    ties: dict[str, list[TieFacts]] = defaultdict(list)
    for tie in row["ties"]:
        if tie["company_id"] in companies:
            ties[tie["company_id"]].append(TieFacts.from_map(tie))
    entries = [
        BackgroundEntry(companies[company_id], ties.get(company_id, []), holdings.get(company_id))
        for company_id in set(ties) | set(holdings)
    ]
    entries.sort(
        key=lambda e: (
            -e.effective_share,
            min((_ROLE_RANK[r] for r in e.roles), default=len(_ROLE_RANK)),
            e.company.party.name_sort_key or e.company.party.name,
            e.company.party.id,
        )
    )
    return Background(entries, companies, {(s.owner, s.company): s.share for s in stakes})


_ROLE_RANK = {
    CompanyRole.LEGAL_REPRESENTATIVE: 0,
    CompanyRole.EXECUTIVE: 1,
    CompanyRole.OWNER: 2,
    CompanyRole.EMPLOYEE: 3,
}


# ---------------------------------------------------------------------------------------------
# Staff pool


@dataclass(frozen=True, slots=True)
class StaffFilter:
    executives_only: bool = False
    not_yet_customer: bool = False
    no_payroll: bool = False


@dataclass(frozen=True, slots=True)
class StaffMember:
    party: PartyRecord
    ties: list[TieFacts]
    customer: bool
    held: frozenset[str]
    payroll_with_us: bool
    bundle: list[BundleItem]

    @property
    def roles(self) -> list[CompanyRole]:
        return roles_of(t.type for t in self.ties)


@dataclass(frozen=True, slots=True)
class StaffPage:
    members: list[StaffMember]
    total: int
    offset: int
    customers: int  # of all the staff the caller may see, how many are our customers


def _bundle(
    held: frozenset[str],
    customer: bool,
    payroll_with_us: bool,
    customers: int,
    holding: Mapping[str, int],
) -> list[BundleItem]:
    """The bundle of one member of staff from the counts over all of them: their colleagues are
    the others."""
    mine = 1 if customer else 0
    colleagues_holding = {t: n - (mine if t in held else 0) for t, n in holding.items()}
    return suggest_bundle(held, payroll_with_us, customers - mine, colleagues_holding)


def _member(
    row: Mapping[str, Any],
    party: PartyRecord,
    company_payroll: bool,
    customers: int,
    holding: Mapping[str, int],
) -> StaffMember:
    held = frozenset(row["held"])
    ties = [TieFacts.from_map(t) for t in row["ties"]]
    payroll = _payroll_with_us(company_payroll, ties)
    return StaffMember(
        party=party,
        ties=ties,
        customer=bool(row["customer"]),
        held=held,
        payroll_with_us=payroll,
        bundle=_bundle(held, bool(row["customer"]), payroll, customers, holding),
    )


async def staff_pool(
    db: Database,
    company_id: str,
    where: StaffFilter,
    offset: int,
    first: int,
    as_of: dt.date,
    scope: Scope,
) -> StaffPage:
    rows = await db.read(
        Q.staff_pool,
        {
            "id": company_id,
            "today": as_of,
            "scope": scope,
            "executives_only": where.executives_only,
            "not_yet_customer": where.not_yet_customer,
            "no_payroll": where.no_payroll,
            "offset": offset,
            "first": first,
            "bundle_types": list(STAFF_BUNDLE),
        },
    )
    if not rows:
        return StaffPage([], 0, offset, 0)
    row = rows[0]
    holding = dict(zip(STAFF_BUNDLE, row["holding"], strict=True))
    members = [
        _member(
            m, PartyRecord.from_map(m["party"]), row["company_payroll"], row["customers"], holding
        )
        for m in row["staff"]
    ]
    return StaffPage(members, row["total"], offset, row["customers"])


# ---------------------------------------------------------------------------------------------
# Linkage candidates: a customer, the business it leads to, the path between, the model's score


@dataclass(frozen=True, slots=True)
class LinkStep:
    """One tie of a link's path, as stored: `from_id` OWNS / EXECUTIVE_OF / … `to_id`."""

    from_id: str
    to_id: str
    type: str
    share: Decimal | None = None
    title: str | None = None


@dataclass(frozen=True)
class LinkageCandidate:
    kind: LinkageKind
    source: PartyRecord  # the customer the link starts from
    source_manager_id: str | None
    target: PartyRecord  # the company or person to be won
    target_manager_id: str | None
    roles: list[CompanyRole]
    products: list[ProductType]  # suggested, the lead product first
    valuation: Valuation
    steps: list[LinkStep]
    effective_share: Decimal | None = None
    # Parties the steps name besides source and target (companies along an ownership chain).
    others: dict[str, PartyRecord] = field(default_factory=dict)

    @property
    def expected_value(self) -> Decimal:
        return self.valuation.expected_value

    @property
    def reason(self) -> str:
        """Why, in words naming no party (the path names them, each shown by the policy)."""
        roles = ", ".join(r.value.lower().replace("_", " ") for r in self.roles) or "owner"
        wanted = ", ".join(p.value.lower().replace("_", " ") for p in self.products)
        if self.kind is LinkageKind.PERSON_TO_COMPANY:
            whose = "a personal customer's company"
            status = "a customer" if self.target.is_customer else "not yet a customer"
            share = (
                f", effective share {self.effective_share * 100:.2f}%"
                if self.effective_share
                else ""
            )
            return f"{whose} ({roles}{share}), {status}: {wanted}"
        return (
            f"{roles} of a corporate customer ({self.source.segment or 'unrated'}), "
            f"not yet a personal customer: {wanted}"
        )


def _ranked(candidates: list[LinkageCandidate]) -> list[LinkageCandidate]:
    candidates.sort(key=lambda c: (-c.expected_value, c.target.id, c.source.id))
    return candidates


async def linkage_candidates(
    db: Database, kind: LinkageKind, branch_ids: Sequence[str] | None, as_of: dt.date, scope: Scope
) -> list[LinkageCandidate]:
    """Every link of `kind` from the customers of `branch_ids` (every branch when None) that the
    caller may see, best expected value first."""
    if kind is LinkageKind.PERSON_TO_COMPANY:
        return _ranked(await _person_to_company(db, branch_ids, as_of, scope))
    return _ranked(await _company_to_staff(db, branch_ids, as_of, scope))


def _params(branch_ids: Sequence[str] | None, as_of: dt.date, scope: Scope) -> dict[str, Any]:
    return {
        "branch_ids": None if branch_ids is None else list(branch_ids),
        "today": as_of,
        "scope": scope,
    }


def _person_candidate(
    person: PartyRecord,
    person_manager: str | None,
    company: CompanyFacts,
    ties: list[TieFacts],
    effective: EffectiveShare | None,
    background: Background | None = None,
) -> LinkageCandidate | None:
    """The link from a personal customer to a company they own, run or legally represent, when
    the company lacks a core product; through a chain of companies when they hold no direct
    stake (the strongest path is the one shown)."""
    roles: list[CompanyRole] = [
        r for r in roles_of(t.type for t in ties) if r is not CompanyRole.EMPLOYEE
    ]
    share = effective.share if effective else Decimal(0)
    products = company.lacks
    if not products or (not roles and share <= 0):
        return None
    valuation = person_to_company(
        roles,
        [t.title for t in ties if t.title],
        share,
        person.segment,
        company.party.size,
        products,
    )
    steps = [
        LinkStep(person.id, company.party.id, t.type, t.share, t.title)
        for t in ties
        if t.type != "EMPLOYED_BY"
    ]
    named: dict[str, PartyRecord] = {}
    if background is not None and effective is not None and not effective.direct:
        chain = effective.paths[0][0]
        for owner, owned in pairwise(chain):
            steps.append(LinkStep(owner, owned, "OWNS", background.stakes.get((owner, owned))))
            if owned != company.party.id:
                named[owned] = background.companies[owned].party
    return LinkageCandidate(
        kind=LinkageKind.PERSON_TO_COMPANY,
        source=person,
        source_manager_id=person_manager,
        target=company.party,
        target_manager_id=company.manager_id,
        roles=roles or [CompanyRole.OWNER],
        products=products,
        valuation=valuation,
        steps=steps,
        effective_share=share or None,
        others=named,
    )


async def _person_to_company(
    db: Database, branch_ids: Sequence[str] | None, as_of: dt.date, scope: Scope
) -> list[LinkageCandidate]:
    rows = await db.read(Q.person_company_links, _params(branch_ids, as_of, scope))
    by_person: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_person[row["person"]["id"]].append(row)
    found: list[LinkageCandidate] = []
    chained: list[tuple[PartyRecord, str | None]] = []
    for person_rows in by_person.values():
        person = PartyRecord.from_map(person_rows[0]["person"])
        manager = person_rows[0]["person_manager"]
        if any(r["chains"] for r in person_rows):
            chained.append((person, manager))
            continue
        for row in person_rows:
            company = CompanyFacts.from_row(
                row["company"], row["company_manager"], row["company_held"]
            )
            ties = [TieFacts.from_map(t) for t in row["ties"]]
            share = next((t.share for t in ties if t.type == "OWNS" and t.share), None)
            effective = _direct(person.id, company.party.id, share)
            candidate = _person_candidate(person, manager, company, ties, effective)
            if candidate is not None:
                found.append(candidate)
    for start in range(0, len(chained), BACKGROUNDS_PER_STATEMENT):
        batch = chained[start : start + BACKGROUNDS_PER_STATEMENT]
        backgrounds = await corporate_backgrounds(db, [p.id for p, _ in batch], as_of, scope)
        for (person, manager), background in zip(batch, backgrounds, strict=True):
            for entry in background.entries:
                candidate = _person_candidate(
                    person, manager, entry.company, entry.ties, entry.effective, background
                )
                if candidate is not None:
                    found.append(candidate)
    return found


def _direct(person_id: str, company_id: str, share: Decimal | None) -> EffectiveShare | None:
    """A direct stake as an effective share: the person's only path to a company that owns no
    other company, so no chain adds to it."""
    if share is None:
        return None
    effective = EffectiveShare()
    effective.add((person_id, company_id), share)
    return effective


async def _company_to_staff(
    db: Database, branch_ids: Sequence[str] | None, as_of: dt.date, scope: Scope
) -> list[LinkageCandidate]:
    rows = await db.read(Q.company_staff_links, _params(branch_ids, as_of, scope))
    found: list[LinkageCandidate] = []
    for row in rows:
        company = CompanyFacts.from_row(row["company"], row["company_manager"], row["company_held"])
        staff = row["staff"]
        customers = sum(1 for s in staff if s["customer"])
        holding: dict[str, int] = {
            t: sum(1 for s in staff if s["customer"] and t in s["held"]) for t in STAFF_BUNDLE
        }
        for s in staff:
            if s["customer"]:
                continue
            member = _member(
                s, PartyRecord.from_map(s["party"]), company.payroll_with_us, customers, holding
            )
            products = [item.product_type for item in member.bundle]
            if not products:
                continue
            found.append(
                LinkageCandidate(
                    kind=LinkageKind.COMPANY_TO_STAFF,
                    source=company.party,
                    source_manager_id=company.manager_id,
                    target=member.party,
                    target_manager_id=None,
                    roles=member.roles,
                    products=products,
                    valuation=company_to_staff(
                        member.roles, member.payroll_with_us, company.party.segment, products
                    ),
                    steps=[
                        LinkStep(member.party.id, company.party.id, t.type, t.share, t.title)
                        for t in member.ties
                    ],
                )
            )
    return found


async def warm_up(db: Database) -> None:
    """Runs the corporate-background and staff-pool statements once on nobody, so that Neo4j
    has planned them before the first caller: on a busy 2-core machine a plan new to Neo4j took
    longer than a query may run. For a caller who sees everything and one with a branch scope,
    as each gets a plan of its own."""
    today = dt.date.today()
    for scope in (None, [""]):
        await corporate_backgrounds(db, [], today, scope)
        await staff_pool(db, "", StaffFilter(), 0, 1, today, scope)
