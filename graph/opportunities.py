"""Opportunities (商机): found by models (PASSIVE: the linkage model, and cross-sell suggestions
once they exist) and by screening lists (ACTIVE), graded, routed by push rules
(graph/push_rules.py) and worked through a small state machine.

An opportunity is *open* while it is OPEN or ACCEPTED. An open opportunity holds the open key
`<target id>|<product line>`, unique in the graph, so there is never a second open opportunity
for the same target and product: `generate` and `screen` refresh the one that holds the key.

Status changes (STATUS_MACHINE): who may move an opportunity from which status to which. A
refused actor or a status the action cannot leave changes nothing; the change itself is a
compare-and-set on the status, so of two concurrent changes one wins and the other is refused.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from tqdm import tqdm

from graph.db import Database, WriteTransaction
from graph.linkage import LinkageCandidate, LinkStep, linkage_candidates
from graph.linkage_model import Valuation, screened
from graph.local_server import PROJECT_ROOT
from graph.model import (
    LinkageKind,
    OpportunityGrade,
    OpportunityKind,
    OpportunitySource,
    OpportunityStatus,
    ProductType,
)
from graph.money import from_fen, to_fen
from graph.parties import CustomerFilter, filter_params
from graph.push_rules import Directory, PushRules, RouteInput, load_directory, load_rules
from graph.records import PartyRecord, to_date, to_datetime
from graph.status_machine import Transition, Verdict
from queries import Q

Status = OpportunityStatus
DEFAULT_RULES_FILE = PROJECT_ROOT / "config" / "push_rules.toml"
# Open: not yet closed. An open opportunity holds its target's and product's open key.
OPEN_STATUSES = frozenset({Status.OPEN, Status.ACCEPTED})
WRITE_BATCH = 2000


# ---------------------------------------------------------------------------------------------
# The state machine: allowed transitions × allowed actors, in one table


class Action(StrEnum):
    ACCEPT = "ACCEPT"
    DISMISS = "DISMISS"
    CONVERT = "CONVERT"
    EXPIRE = "EXPIRE"


class Actor(StrEnum):
    """What the one acting is to the opportunity."""

    OWNER = "OWNER"
    BRANCH_HEAD = "BRANCH_HEAD"  # heads the owner's branch (or one above it)
    ADMIN = "ADMIN"
    SYSTEM = "SYSTEM"  # relgraph itself: expiry


_PEOPLE = frozenset({Actor.OWNER, Actor.BRANCH_HEAD, Actor.ADMIN})
STATUS_MACHINE: Mapping[Action, Transition[Status, Actor]] = {
    Action.ACCEPT: Transition(frozenset({Status.OPEN}), Status.ACCEPTED, _PEOPLE),
    Action.DISMISS: Transition(OPEN_STATUSES, Status.DISMISSED, _PEOPLE),
    Action.CONVERT: Transition(OPEN_STATUSES, Status.CONVERTED, _PEOPLE),
    Action.EXPIRE: Transition(OPEN_STATUSES, Status.EXPIRED, frozenset({Actor.SYSTEM})),
}


def decide(action: Action, status: Status, actors: Iterable[Actor]) -> Verdict:
    """Whether `actors` (what the one acting is to the opportunity) may take `action` on an
    opportunity in `status`."""
    return STATUS_MACHINE[action].judge(status, actors)


# ---------------------------------------------------------------------------------------------
# Policy: grades, expiry, the rule file


@dataclass(frozen=True)
class OpportunityPolicy:
    """Settings (api/settings.py): grade thresholds on the score, days an opportunity stays
    open, the push-rule file, the most customers one screening list may turn into opportunities."""

    grade_a: float = 0.6
    grade_b: float = 0.4
    ttl_days: int = 90
    rules_file: Path = DEFAULT_RULES_FILE
    screening_limit: int = 5000

    def grade(self, score: float) -> OpportunityGrade:
        if score >= self.grade_a:
            return OpportunityGrade.A
        if score >= self.grade_b:
            return OpportunityGrade.B
        return OpportunityGrade.C


@dataclass(frozen=True)
class RulesInForce:
    rules: PushRules
    directory: Directory  # the branches and staff the rules were checked against and route to


async def checked_rules(db: Database, policy: OpportunityPolicy) -> RulesInForce:
    """The push rules, checked against the bank's branches before anything is routed with them
    (PushRulesInvalid lists every problem), and the directory they route to."""
    directory = await load_directory(db)
    return RulesInForce(load_rules(policy.rules_file, directory), directory)


# ---------------------------------------------------------------------------------------------
# Drafts: opportunities to write


@dataclass(frozen=True)
class Draft:
    kind: OpportunityKind
    target: PartyRecord
    target_manager_id: str | None
    via: PartyRecord | None  # the customer it was found through
    via_manager_id: str | None
    products: list[ProductType]  # suggested, the product line (the lead) first
    valuation: Valuation
    reason: str
    source: OpportunitySource
    origin: str  # the model or list that found it: LINKAGE, SCREENING, …
    steps: list[LinkStep] = field(default_factory=list)

    @property
    def product(self) -> ProductType:
        return self.products[0]

    @property
    def open_key(self) -> str:
        return f"{self.target.id}|{self.product}"

    def route_input(self, grade: OpportunityGrade) -> RouteInput:
        """Routed by the target when it is our customer, else by the customer it was found
        through: their branch, their manager."""
        known = self.target if self.target.is_customer or self.via is None else self.via
        manager = self.target_manager_id if known is self.target else self.via_manager_id
        return RouteInput(
            kind=self.kind,
            key=self.target.id,
            grade=grade,
            segment=self.target.segment if self.target.is_customer else None,
            product_line=self.product,
            party_type=self.target.party_type,
            branch_id=known.home_branch_id,
            manager_id=manager,
        )


LINKAGE_ORIGIN = "LINKAGE"
SCREENING_ORIGIN = "SCREENING"


def linkage_draft(candidate: LinkageCandidate) -> Draft:
    return Draft(
        kind=OpportunityKind.PUBLIC_PRIVATE,
        target=candidate.target,
        target_manager_id=candidate.target_manager_id,
        via=candidate.source,
        via_manager_id=candidate.source_manager_id,
        products=candidate.products,
        valuation=candidate.valuation,
        reason=candidate.reason,
        source=OpportunitySource.PASSIVE,
        origin=LINKAGE_ORIGIN,
        steps=candidate.steps,
    )


def best_per_key(drafts: Iterable[Draft]) -> list[Draft]:
    """One draft per open key: the most valuable (then by the customer found through, for the
    same choice on every run)."""
    best: dict[str, Draft] = {}
    for draft in drafts:
        held = best.get(draft.open_key)
        if held is None or _preference(draft) < _preference(held):
            best[draft.open_key] = draft
    return [best[k] for k in sorted(best)]


def _preference(draft: Draft) -> tuple[Decimal, str]:
    return (-draft.valuation.expected_value, draft.via.id if draft.via else "")


@dataclass
class WriteSummary:
    """Opportunities written, by outcome (created, refreshed, kept) and (kind, grade)."""

    outcomes: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    unrouted: int = 0

    def count(self, outcome: str) -> int:
        return sum(n for (o, _, _), n in self.outcomes.items() if o == outcome)

    def add(self, other: WriteSummary) -> None:
        self.outcomes.update(other.outcomes)
        self.unrouted += other.unrouted


def _row(
    draft: Draft,
    rules: PushRules,
    directory: Directory,
    policy: OpportunityPolicy,
    today: dt.date,
    created_by: str | None,
) -> tuple[dict[str, Any], bool]:
    grade = policy.grade(draft.valuation.score)
    routed = rules.route(draft.route_input(grade), directory)
    steps = draft.steps
    return {
        "id": new_id(),
        "open_key": draft.open_key,
        "target_id": draft.target.id,
        "via_id": draft.via.id if draft.via else None,
        "kind": draft.kind.value,
        "product": draft.product.value,
        "products": [p.value for p in draft.products],
        "score": draft.valuation.score,
        "grade": grade.value,
        "expected_value_fen": to_fen(draft.valuation.expected_value),
        "reason": draft.reason,
        "source": draft.source.value,
        "origin": draft.origin,
        "expires_on": today + dt.timedelta(days=policy.ttl_days),
        "owner_id": routed.employee_id if routed else None,
        "institution_id": routed.institution_id if routed else None,
        "push_rule": routed.rule.name if routed else None,
        "push_rules_version": rules.version,
        "created_by": created_by,
        "path_from": [s.from_id for s in steps],
        "path_to": [s.to_id for s in steps],
        "path_types": [s.type for s in steps],
        "path_shares": [str(s.share) if s.share is not None else "" for s in steps],
        "path_titles": [s.title or "" for s in steps],
    }, routed is not None


def new_id() -> str:
    return f"OP{secrets.token_hex(8).upper()}"


async def write_drafts(
    db: Database,
    drafts: Sequence[Draft],
    rules: PushRules,
    directory: Directory,
    policy: OpportunityPolicy,
    today: dt.date,
    run_id: str,
    created_by: str | None = None,
    progress: tqdm[Any] | None = None,
) -> WriteSummary:
    """Writes one opportunity per open key (the drafts have distinct keys), routed by the rules,
    in batches; each batch in one transaction."""
    summary = WriteSummary()
    now = dt.datetime.now(dt.UTC)
    for start in range(0, len(drafts), WRITE_BATCH):
        rows = []
        for draft in drafts[start : start + WRITE_BATCH]:
            row, routed = _row(draft, rules, directory, policy, today, created_by)
            rows.append(row)
            summary.unrouted += not routed
        written = await db.write(
            Q.opportunities_upsert,
            {"rows": rows, "now": now, "today": today, "run_id": run_id},
            timeout=300.0,
        )
        for r in written:
            summary.outcomes[(r["outcome"], r["kind"], r["grade"])] += r["n"]
        if progress is not None:
            progress.update(len(rows))
    return summary


# ---------------------------------------------------------------------------------------------
# Sources of PASSIVE opportunities


class CandidateSource(Protocol):
    """A model that finds opportunities for the customers of some branches. `generate` runs each
    source over every branch, writes what it found and expires what it no longer finds."""

    origin: str
    description: str

    async def drafts(
        self, db: Database, branch_ids: Sequence[str], today: dt.date
    ) -> list[Draft]: ...


class LinkageSource:
    """Public-private linkage (公私联动), both ways: a personal customer's company, a corporate
    customer's staff."""

    origin = LINKAGE_ORIGIN
    description = "public-private linkage"

    async def drafts(self, db: Database, branch_ids: Sequence[str], today: dt.date) -> list[Draft]:
        found: list[Draft] = []
        for kind in LinkageKind:
            candidates = await linkage_candidates(db, kind, branch_ids, today, None)
            found.extend(linkage_draft(c) for c in candidates)
        return found


# The models `generate` runs. Cross-sell suggestions (issue 11, kind CROSS_SELL) join here as a
# second CandidateSource when they are on main; until then only linkage finds opportunities.
SOURCES: tuple[CandidateSource, ...] = (LinkageSource(),)
# Branches whose customers one source call covers.
BRANCHES_PER_CALL = 8

REASON_DUE = "expiry date passed"
REASON_GONE = "no longer found by the model"


@dataclass
class GenerateSummary:
    written: WriteSummary
    expired: Counter[tuple[str, str]]
    found: int
    rules_version: int
    seconds: float

    def table(self) -> list[tuple[str, str, int, int, int]]:
        """(kind, grade, created, refreshed, expired) for every kind and grade with any."""
        keys = {(k, g) for (_, k, g) in self.written.outcomes} | set(self.expired)
        return [
            (
                kind,
                grade,
                self.written.outcomes[("created", kind, grade)],
                self.written.outcomes[("refreshed", kind, grade)],
                self.expired[(kind, grade)],
            )
            for kind, grade in sorted(keys)
        ]


async def generate(
    db: Database,
    policy: OpportunityPolicy,
    today: dt.date,
    sources: Sequence[CandidateSource] = SOURCES,
    progress: bool = False,
) -> GenerateSummary:
    """Runs every source over the whole bank and writes what it finds: new opportunities for new
    keys, refreshed scores for those found again; then expires the open ones of a source it no
    longer finds (OPEN only: accepted work stays with its owner) and every open one past its
    expiry date. The rules are checked before anything is written."""
    started = time.perf_counter()
    in_force = await checked_rules(db, policy)
    rules, directory = in_force.rules, in_force.directory
    run_id = new_id()
    branch_ids = sorted(directory.branches)
    chunks = [
        branch_ids[i : i + BRANCHES_PER_CALL] for i in range(0, len(branch_ids), BRANCHES_PER_CALL)
    ]
    written = WriteSummary()
    expired: Counter[tuple[str, str]] = Counter()
    found = 0
    now = dt.datetime.now(dt.UTC)
    for source in sources:
        drafts: list[Draft] = []
        with tqdm(
            total=len(branch_ids),
            desc=f"{source.description}: finding",
            unit="branch",
            disable=not progress,
        ) as bar:
            for chunk in chunks:
                drafts.extend(await source.drafts(db, chunk, today))
                bar.update(len(chunk))
        chosen = best_per_key(drafts)
        found += len(chosen)
        with tqdm(
            total=len(chosen),
            desc=f"{source.description}: writing",
            unit="opp",
            disable=not progress,
        ) as bar:
            written.add(
                await write_drafts(
                    db, chosen, rules, directory, policy, today, run_id, progress=bar
                )
            )
        expired.update(await _expire(db, today, now, source.origin, run_id))
    expired.update(await _expire(db, today, now, None, run_id))
    return GenerateSummary(written, expired, found, rules.version, time.perf_counter() - started)


async def _expire(
    db: Database, today: dt.date, now: dt.datetime, origin: str | None, run_id: str
) -> Counter[tuple[str, str]]:
    rows = await db.write(
        Q.opportunities_expire,
        {
            "due_statuses": sorted(STATUS_MACHINE[Action.EXPIRE].sources),
            "gone_statuses": [Status.OPEN.value],
            "today": today,
            "origin": origin,
            "run_id": run_id,
            "now": now,
            "reason_due": REASON_DUE,
            "reason_gone": REASON_GONE,
        },
        timeout=300.0,
    )
    return Counter({(r["kind"], r["grade"]): r["n"] for r in rows})


# ---------------------------------------------------------------------------------------------
# Screening lists (ACTIVE)


@dataclass(frozen=True)
class ScreeningResult:
    matched: int
    written: WriteSummary
    run_id: str


class ScreeningTooLarge(Exception):
    """More customers match than one screening list may turn into opportunities."""


def screening_drafts(
    rows: Sequence[Mapping[str, Any]], product: ProductType, description: str
) -> list[Draft]:
    drafts = []
    for row in rows:
        party = PartyRecord.from_map(row["party"])
        company = party.party_type == "COMPANY"
        drafts.append(
            Draft(
                kind=OpportunityKind.CORPORATE if company else OpportunityKind.PERSONAL,
                target=party,
                target_manager_id=row["manager_id"],
                via=None,
                via_manager_id=None,
                products=[product],
                valuation=screened(party.party_type, party.segment, party.size, product),
                reason=f"screening list ({description}): lacks {product.value.lower()}",
                source=OpportunitySource.ACTIVE,
                origin=SCREENING_ORIGIN,
            )
        )
    return drafts


async def screen(
    db: Database,
    policy: OpportunityPolicy,
    scope: list[str] | None,
    where: CustomerFilter,
    product: ProductType,
    description: str,
    actor_id: str,
    today: dt.date,
) -> ScreeningResult:
    """The customers in scope matching `where` who lack `product` become opportunities (one per
    customer; one already open for the customer and product is refreshed or kept)."""
    in_force = await checked_rules(db, policy)
    rules, directory = in_force.rules, in_force.directory
    rows = await db.read(
        Q.screening_candidates,
        {
            **filter_params(scope, where, today),
            "product": product.value,
            "limit": policy.screening_limit + 1,
        },
    )
    if len(rows) > policy.screening_limit:
        raise ScreeningTooLarge(
            f"more than {policy.screening_limit:,} customers match: narrow the list"
        )
    run_id = new_id()
    drafts = screening_drafts(rows, product, description)
    written = await write_drafts(
        db, drafts, rules, directory, policy, today, run_id, created_by=actor_id
    )
    return ScreeningResult(len(rows), written, run_id)


# ---------------------------------------------------------------------------------------------
# Reading


@dataclass(frozen=True, slots=True)
class StatusChange:
    at: dt.datetime
    from_status: Status | None
    to_status: Status
    actor_id: str | None
    actor_kind: Actor
    reason: str | None


@dataclass(frozen=True)
class OpportunityRecord:
    id: str
    kind: OpportunityKind
    product: ProductType
    products: list[ProductType]
    score: float
    grade: OpportunityGrade
    expected_value: Decimal
    reason: str
    source: OpportunitySource
    origin: str
    status: Status
    created_at: dt.datetime
    expires_on: dt.date
    refreshed_on: dt.date | None
    status_changed_at: dt.datetime | None
    target_id: str
    via_id: str | None
    owner_id: str | None
    institution_id: str | None
    converted_product_id: str | None
    push_rule: str | None
    push_rules_version: int | None
    created_by: str | None
    steps: list[LinkStep]
    history: list[StatusChange]

    @property
    def party_ids(self) -> list[str]:
        """Every party the opportunity names: its target, the customer found through, its path."""
        named = [self.target_id, *([self.via_id] if self.via_id else [])]
        for step in self.steps:
            named += [step.from_id, step.to_id]
        return list(dict.fromkeys(named))

    @classmethod
    def from_map(cls, row: Mapping[str, Any]) -> OpportunityRecord:
        steps = [
            LinkStep(f, t, kind, Decimal(share) if share else None, title or None)
            for f, t, kind, share, title in zip(
                row.get("path_from") or [],
                row.get("path_to") or [],
                row.get("path_types") or [],
                row.get("path_shares") or [],
                row.get("path_titles") or [],
                strict=True,
            )
        ]
        history = [
            StatusChange(
                at=_datetime(c["at"]),
                from_status=Status(c["from"]) if c.get("from") else None,
                to_status=Status(c["to"]),
                actor_id=c.get("actor_id"),
                actor_kind=Actor(c["actor_kind"]),
                reason=c.get("reason"),
            )
            for c in row["history"]
        ]
        return cls(
            id=row["id"],
            kind=OpportunityKind(row["kind"]),
            product=ProductType(row["product"]),
            products=[ProductType(p) for p in row["products"]],
            score=row["score"],
            grade=OpportunityGrade(row["grade"]),
            expected_value=from_fen(row["expected_value_fen"]) or Decimal(0),
            reason=row["reason"],
            source=OpportunitySource(row["source"]),
            origin=row["origin"],
            status=Status(row["status"]),
            created_at=_datetime(row["created_at"]),
            expires_on=_date(row["expires_on"]),
            refreshed_on=to_date(row.get("refreshed_on")),
            status_changed_at=to_datetime(row.get("status_changed_at")),
            target_id=row["target_id"],
            via_id=row.get("via_id"),
            owner_id=row.get("owner_id"),
            institution_id=row.get("institution_id"),
            converted_product_id=row.get("converted_product_id"),
            push_rule=row.get("push_rule"),
            push_rules_version=row.get("push_rules_version"),
            created_by=row.get("created_by"),
            steps=steps,
            history=history,
        )


def _datetime(value: Any) -> dt.datetime:
    converted = to_datetime(value)
    assert converted is not None
    return converted


def _date(value: Any) -> dt.date:
    converted = to_date(value)
    assert converted is not None
    return converted


async def opportunities_by_ids(db: Database, ids: Sequence[str]) -> list[OpportunityRecord | None]:
    rows = await db.read(Q.opportunities_by_ids, {"ids": list(ids)})
    found = {r["opportunity"]["id"]: OpportunityRecord.from_map(r["opportunity"]) for r in rows}
    return [found.get(i) for i in ids]


@dataclass(frozen=True, slots=True)
class OwnedFilter:
    status: str | None = None
    grade: str | None = None
    kind: str | None = None


async def opportunities_of_owner(
    db: Database, owner_id: str, where: OwnedFilter, offset: int, first: int
) -> tuple[list[OpportunityRecord], int]:
    rows = await db.read(
        Q.opportunities_of_owner,
        {
            "owner_id": owner_id,
            "status": where.status,
            "grade": where.grade,
            "kind": where.kind,
            "offset": offset,
            "first": first,
        },
    )
    ids = list(rows[0]["ids"]) if rows else []
    found = await opportunities_by_ids(db, ids)
    return [o for o in found if o is not None], rows[0]["total"] if rows else 0


@dataclass(frozen=True)
class Stats:
    total: int
    by_grade: dict[str, int]
    by_kind: dict[str, int]
    by_status: dict[str, int]


async def opportunity_stats(
    db: Database, branch_ids: Sequence[str], scope: list[str] | None
) -> Stats:
    rows = await db.read(Q.opportunity_stats, {"branch_ids": list(branch_ids), "scope": scope})
    row = rows[0]

    def counts(items: Sequence[Mapping[str, Any]]) -> dict[str, int]:
        return {c["key"]: c["n"] for c in items}

    return Stats(
        row["total"], counts(row["by_grade"]), counts(row["by_kind"]), counts(row["by_status"])
    )


# ---------------------------------------------------------------------------------------------
# Changing status


@dataclass(frozen=True)
class TransitionOutcome:
    """What happened: ALLOWED (and changed), or why not; `actors` what the one acting was."""

    verdict: Verdict
    status: Status | None  # the status found (None: no such opportunity)
    actors: frozenset[Actor]


class ConversionNotHeld(Exception):
    """The target does not hold the product named as the conversion, or it is of another line."""


async def change_status(
    db: Database,
    opportunity_id: str,
    action: Action,
    actor_id: str,
    is_admin: bool,
    reason: str | None = None,
    product_id: str | None = None,
    today: dt.date | None = None,
) -> TransitionOutcome:
    """Takes `action` on the opportunity for employee `actor_id`, in one transaction: the status
    and who the actor is are read, the state machine decides, and the change is a compare-and-set
    on the status read. Nothing is written unless the verdict is ALLOWED."""
    now = dt.datetime.now(dt.UTC)
    as_of = today or now.date()

    async def work(tx: WriteTransaction) -> TransitionOutcome:
        rows = await tx.run(Q.opportunity_actor, {"id": opportunity_id, "actor_id": actor_id})
        if not rows:
            return TransitionOutcome(Verdict.ILLEGAL, None, frozenset())
        row = rows[0]
        status = Status(row["status"])
        actors = _actors(row["owner_id"], actor_id, bool(row["heads_owner"]), is_admin)
        verdict = decide(action, status, actors)
        if verdict is not Verdict.ALLOWED:
            return TransitionOutcome(verdict, status, actors)
        if action is Action.CONVERT:
            await _check_conversion(tx, opportunity_id, product_id, as_of)
        changed = await tx.run(
            Q.opportunity_transition,
            {
                "id": opportunity_id,
                "from": status.value,
                "to": STATUS_MACHINE[action].target.value,
                "open_statuses": sorted(OPEN_STATUSES),
                "actor_id": actor_id,
                "actor_kind": _strongest(actors).value,
                "reason": reason,
                "now": now,
                "product_id": product_id if action is Action.CONVERT else None,
            },
        )
        if not changed:  # changed by someone else since it was read
            return TransitionOutcome(Verdict.ILLEGAL, status, actors)
        return TransitionOutcome(Verdict.ALLOWED, status, actors)

    return await db.write_unit(work)


def _actors(
    owner_id: str | None, actor_id: str, heads_owner: bool, is_admin: bool
) -> frozenset[Actor]:
    actors = set()
    if owner_id is not None and owner_id == actor_id:
        actors.add(Actor.OWNER)
    if heads_owner:
        actors.add(Actor.BRANCH_HEAD)
    if is_admin:
        actors.add(Actor.ADMIN)
    return frozenset(actors)


def _strongest(actors: frozenset[Actor]) -> Actor:
    """Recorded in the history: the actor's closest tie to the opportunity."""
    return next(
        a for a in (Actor.OWNER, Actor.BRANCH_HEAD, Actor.ADMIN, Actor.SYSTEM) if a in actors
    )


async def _check_conversion(
    tx: WriteTransaction, opportunity_id: str, product_id: str | None, as_of: dt.date
) -> None:
    rows = await tx.run(Q.opportunities_by_ids, {"ids": [opportunity_id]})
    opportunity = OpportunityRecord.from_map(rows[0]["opportunity"])
    if product_id is None:
        raise ConversionNotHeld("a conversion names the product the customer took up")
    held = await tx.run(
        Q.holding_of_product,
        {"party_id": opportunity.target_id, "product_id": product_id, "today": as_of},
    )
    if not held:
        raise ConversionNotHeld(f"product {product_id!r} was not found")
    if held[0]["type"] not in opportunity.products:
        raise ConversionNotHeld(
            f"product {product_id!r} is {held[0]['type']}, not one the opportunity suggests "
            f"({', '.join(opportunity.products)})"
        )
    if not held[0]["held"]:
        raise ConversionNotHeld(
            f"the opportunity's target does not hold product {product_id!r}: "
            "convert it once the holding is on record"
        )
