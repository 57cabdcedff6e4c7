"""Referrals (转介, 联动营销) and referral credit (业绩分成): creating a referral, moving it through
its stages, adding supporting employees, credit policies, the credit each employee earned, the
leaderboard and the funnel.

Scope: employees see the referrals they take part in and their own credit; managers and branch
heads also those of their branch subtree (a referral's referrer's or recipient's branch); admin
and compliance everything. The customer of a referral is shown only through the access policy.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

import strawberry

from graph import org
from graph import referrals as ref
from graph.credit import CreditPolicy as PolicyRecord
from graph.credit import PolicyInvalid
from graph.db import ConstraintViolation
from graph.model import ParticipantRole, ProductType, ReceivingRole, ReferralRoute, ReferralStage
from graph.money import MoneyError, parse_money
from graph.opportunities import OpportunityPolicy, RulesInForce, checked_rules
from graph.push_rules import Directory, PushRulesInvalid
from graph.referrals import Action, Change, ReferralRecord
from graph.status_machine import Verdict
from schema.core.context import BatchLoad, CtxInfo, LoaderEnv
from schema.core.entities import (
    BranchRef,
    EmployeeRef,
    PartyRef,
    ProductRef,
    branch_by_id,
    employee_by_id,
    party_of,
    product_by_id,
)
from schema.core.errors import (
    ActorNotAllowedError,
    ConflictError,
    FailedPreconditionError,
    ForbiddenError,
    IllegalTransitionError,
    InvalidArgumentError,
    NotFoundError,
)
from schema.core.loaders import BRANCHES, EMPLOYEES, PARTIES, PRODUCTS
from schema.core.pagination import Connection, bounded, page_window

TEXT_LIMIT = 500
KEY_LIMIT = 200
LEADERBOARD_LIMIT = 100


@strawberry.enum(description="What a credit leaderboard ranks.")
class LeaderboardBy(StrEnum):
    EMPLOYEE = "EMPLOYEE"
    BRANCH = "BRANCH"


async def _referrals(env: LoaderEnv, ids: list[str]) -> list[ReferralRecord | None]:
    return await ref.referrals_by_ids(env.db, ids)


REFERRALS: BatchLoad[str, ReferralRecord | None] = BatchLoad("referrals", _referrals)


@strawberry.type(description="One step of a referral's timeline: who did what, when, and why.")
class ReferralEvent:
    at: dt.datetime
    action: str = strawberry.field(description="CREATE, a stage action, or ADD_PARTICIPANT.")
    from_stage: ReferralStage | None
    to_stage: ReferralStage | None
    actor_kind: str = strawberry.field(
        description="REFERRER, RECIPIENT, BRANCH_HEAD, ADMIN or SYSTEM."
    )
    note: str | None
    actor_id: strawberry.Private[str | None]

    @strawberry.field(description="The employee who acted; null for the system.")
    async def actor(self, info: CtxInfo) -> EmployeeRef | None:
        return await employee_by_id(info, self.actor_id)


@strawberry.type(description="An employee taking part in a referral, and as what.")
class ReferralParticipant:
    role: ParticipantRole
    since: dt.datetime | None
    employee_id: strawberry.Private[str]

    @strawberry.field
    async def employee(self, info: CtxInfo) -> EmployeeRef | None:
        return await employee_by_id(info, self.employee_id)


@strawberry.type(
    description="An entry of the append-only, hash-chained credit ledger: a participant's credit "
    "for a won referral, or the reversal of one."
)
class CreditEntry:
    seq: int = strawberry.field(description="Its place in the credit ledger.")
    kind: str = strawberry.field(description="CREDIT, or REVERSAL (a negated earlier entry).")
    role: ParticipantRole
    amount: Decimal = strawberry.field(description="Credit points, exact (negative: reversal).")
    basis: Decimal = strawberry.field(description="The win's whole credit: amount × points rate.")
    policy_id: str
    policy_version: int = strawberry.field(description="The credit policy version applied.")
    referral_id: strawberry.ID
    on: dt.date = strawberry.field(description="The day credited (the win's, or the reversal's).")
    reverses: int | None = strawberry.field(description="The entry a reversal reverses.")
    at: dt.datetime
    hash: str
    prev_hash: str
    employee_id: strawberry.Private[str]

    @classmethod
    def of(cls, entry: ref.CreditEntry) -> CreditEntry:
        return cls(
            seq=entry.entry.seq,
            kind=entry.entry.kind,
            role=entry.role,
            amount=entry.amount,
            basis=entry.basis,
            policy_id=entry.policy_id,
            policy_version=entry.policy_version,
            referral_id=strawberry.ID(entry.referral_id),
            on=entry.on,
            reverses=entry.reverses,
            at=entry.entry.at,
            hash=entry.entry.hash,
            prev_hash=entry.entry.prev_hash,
            employee_id=entry.employee_id,
        )

    @strawberry.field(description="The employee credited.")
    async def employee(self, info: CtxInfo) -> EmployeeRef | None:
        return await employee_by_id(info, self.employee_id)


@strawberry.type(
    description="A referral (转介): a need spotted by one employee, passed to another."
)
class Referral:
    id: strawberry.ID
    stage: ReferralStage
    route: ReferralRoute
    product_line: ProductType | None
    product_ids: list[strawberry.ID]
    need: str | None
    note: str | None
    push_rule: str | None = strawberry.field(
        description="The push rule that chose the recipient; null when the referrer named one "
        "(or it was reassigned)."
    )
    push_rules_version: int | None
    from_opportunity_id: strawberry.ID | None = strawberry.field(
        description="The opportunity (商机) it came from."
    )
    created_at: dt.datetime
    won_amount: Decimal | None = strawberry.field(description="Yuan, when won.")
    won_on: dt.date | None
    holding_id: str | None = strawberry.field(description="The holding the win created or matched.")
    record: strawberry.Private[ReferralRecord]

    @classmethod
    def of(cls, record: ReferralRecord) -> Referral:
        return cls(
            id=strawberry.ID(record.id),
            stage=record.stage,
            route=record.route,
            product_line=record.product_line,
            product_ids=[strawberry.ID(p) for p in record.product_ids],
            need=record.need,
            note=record.note,
            push_rule=record.push_rule,
            push_rules_version=record.push_rules_version,
            from_opportunity_id=strawberry.ID(record.opportunity_id)
            if record.opportunity_id
            else None,
            created_at=record.created_at,
            won_amount=record.won_amount,
            won_on=record.won_on,
            holding_id=record.holding_id,
            record=record,
        )

    @strawberry.field(description="The customer referred; null when outside your branch scope.")
    async def customer(self, info: CtxInfo) -> PartyRef | None:
        record = await info.context.loaders[PARTIES].load(self.record.customer_id)
        shown = info.context.visibility.shown(record) if record else None
        return party_of(shown) if shown else None

    @strawberry.field
    async def referrer(self, info: CtxInfo) -> EmployeeRef | None:
        return await employee_by_id(info, self.record.referrer_id)

    @strawberry.field(description="Who has it now.")
    async def recipient(self, info: CtxInfo) -> EmployeeRef | None:
        return await employee_by_id(info, self.record.recipient_id)

    @strawberry.field(description="The recipient's branch or centre.")
    async def institution(self, info: CtxInfo) -> BranchRef | None:
        return await branch_by_id(info, self.record.institution_id)

    @strawberry.field(description="The product the win was recorded with.")
    async def won_product(self, info: CtxInfo) -> ProductRef | None:
        return await product_by_id(info, self.record.won_product_id)

    @strawberry.field
    def participants(self) -> list[ReferralParticipant]:
        return [
            ReferralParticipant(role=p.role, since=p.since, employee_id=p.employee_id)
            for p in self.record.participants
        ]

    @strawberry.field(description="Every step, oldest first.")
    def timeline(self) -> list[ReferralEvent]:
        return [
            ReferralEvent(
                at=e.at,
                action=e.action,
                from_stage=e.from_stage,
                to_stage=e.to_stage,
                actor_kind=e.actor_kind,
                note=e.note,
                actor_id=e.actor_id,
            )
            for e in self.record.events
        ]

    @strawberry.field(description="Its credit-ledger entries, in ledger order.")
    def credit(self) -> list[CreditEntry]:
        return [CreditEntry.of(c) for c in self.record.credit]


@strawberry.type(description="A version of a product line's credit policy (业绩分成).")
class CreditPolicy:
    id: str
    product_line: ProductType
    version: int
    effective_from: dt.date
    referrer_share: Decimal = strawberry.field(description="Percent.")
    closer_share: Decimal = strawberry.field(description="Percent.")
    supporting_share: Decimal = strawberry.field(
        description="Percent, split equally among the supporting employees."
    )
    points_rate: Decimal = strawberry.field(description="Credit points per yuan (产品积分).")
    published_at: dt.datetime | None

    @classmethod
    def of(cls, policy: PolicyRecord) -> CreditPolicy:
        return cls(
            id=policy.id,
            product_line=policy.product_line,
            version=policy.version,
            effective_from=policy.effective_from,
            referrer_share=policy.shares[ParticipantRole.REFERRER],
            closer_share=policy.shares[ParticipantRole.CLOSER],
            supporting_share=policy.shares[ParticipantRole.SUPPORTING],
            points_rate=policy.points_rate,
            published_at=policy.published_at,
        )


@strawberry.type(description="An employee's referral credit over a period.")
class ReferralCredit:
    total: Decimal
    entries: list[CreditEntry]
    employee_id: strawberry.Private[str]

    @strawberry.field
    async def employee(self, info: CtxInfo) -> EmployeeRef | None:
        return await employee_by_id(info, self.employee_id)


@strawberry.type(description="A place on a credit leaderboard.")
class LeaderboardPlace:
    rank: int
    total: Decimal
    entries: int
    key: strawberry.Private[str]
    by_branch: strawberry.Private[bool]

    @strawberry.field(description="EMPLOYEE boards: who.")
    async def employee(self, info: CtxInfo) -> EmployeeRef | None:
        return None if self.by_branch else await employee_by_id(info, self.key)

    @strawberry.field(description="BRANCH boards: the team (the branch its members work at).")
    async def branch(self, info: CtxInfo) -> BranchRef | None:
        return await branch_by_id(info, self.key) if self.by_branch else None


@strawberry.type(description="How many referrals are at one stage.")
class StageCount:
    stage: ReferralStage
    count: int


@strawberry.type(description="Referrals made in a period: where they stand and how they convert.")
class ReferralFunnel:
    route: ReferralRoute | None = strawberry.field(description="Null: every route together.")
    total: int
    by_stage: list[StageCount]
    conversion_rate: Decimal | None = strawberry.field(description="WON of all made (0 to 1).")
    median_days_to_convert: Decimal | None


def _scope(info: CtxInfo) -> ref.ReferralScope:
    caller = info.context.caller
    branches = info.context.visibility.cypher_scope if caller.oversees_branches else None
    return ref.ReferralScope(caller.employee.id, caller.sees_everything, branches)


async def _visible_referral(info: CtxInfo, referral_id: str) -> ReferralRecord:
    record = await info.context.loaders[REFERRALS].load(referral_id)
    if record is None:
        raise NotFoundError("referral", referral_id)
    if not _scope(info).shows(record):
        raise ForbiddenError(f"referral {referral_id!r} is outside your scope")
    return record


def _may_see_branch(info: CtxInfo, branch_id: str) -> None:
    caller = info.context.caller
    caller.require_oversight()
    caller.require_branch(branch_id)


def _period(start: dt.date, end: dt.date) -> None:
    if start > end:
        raise InvalidArgumentError("'from' must not be after 'to'")


From = Annotated[dt.date, strawberry.argument(name="from")]
To = Annotated[dt.date, strawberry.argument(name="to")]
OptionalFrom = Annotated[dt.date | None, strawberry.argument(name="from")]
OptionalTo = Annotated[dt.date | None, strawberry.argument(name="to")]


@strawberry.input(description="Which referrals to list.")
class ReferralFilter:
    mine: bool = strawberry.field(default=False, description="Only those you take part in.")
    branch_id: strawberry.ID | None = strawberry.field(
        default=None, description="Those whose referrer's or recipient's branch is in its subtree."
    )
    stage: ReferralStage | None = None
    created_from: dt.date | None = None
    created_to: dt.date | None = None


@strawberry.type
class ReferralQuery:
    @strawberry.field(description="A referral with its full timeline, participants and credit.")
    async def referral(self, info: CtxInfo, id: strawberry.ID) -> Referral:
        return Referral.of(await _visible_referral(info, str(id)))

    @strawberry.field(description="Referrals you may see, newest first.")
    async def referrals(
        self,
        info: CtxInfo,
        filter: ReferralFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Referral]:
        offset, size = page_window(first, after)
        where = filter or ReferralFilter()
        branch_ids = None
        if where.branch_id is not None:
            info.context.caller.require_branch(str(where.branch_id))
            branch_ids = await org.branch_subtree_ids(info.context.db, str(where.branch_id))
        records, total = await ref.referrals_page(
            info.context.db,
            _scope(info),
            ref.ReferralFilter(
                where.mine, branch_ids, where.stage, where.created_from, where.created_to
            ),
            offset,
            size,
        )
        return Connection.of([Referral.of(r) for r in records], offset, total)

    @strawberry.field(
        description="An employee's referral credit from `from` to `to`: the total and every "
        "entry, each traceable to its referral and policy version. Yours; managers and branch "
        "heads also their branch subtree's staff."
    )
    async def referral_credit(
        self,
        info: CtxInfo,
        employee_id: strawberry.ID,
        start: OptionalFrom = None,
        end: OptionalTo = None,
    ) -> ReferralCredit:
        caller = info.context.caller
        if str(employee_id) != caller.employee.id and not caller.sees_everything:
            caller.require_oversight()
            employee = await info.context.loaders[EMPLOYEES].load(str(employee_id))
            if employee is None:
                raise NotFoundError("employee", str(employee_id))
            caller.require_branch(employee.branch_id or "")
        if start is not None and end is not None:
            _period(start, end)
        total, entries = await ref.credit_of(info.context.db, str(employee_id), start, end)
        return ReferralCredit(
            total=total, entries=[CreditEntry.of(e) for e in entries], employee_id=str(employee_id)
        )

    @strawberry.field(
        description="Credit earned from `from` to `to` by the staff of a branch and those below "
        "it, ranked by employee or by team (the branch they work at)."
    )
    async def credit_leaderboard(
        self,
        info: CtxInfo,
        branch_id: strawberry.ID,
        start: From,
        end: To,
        by: LeaderboardBy = LeaderboardBy.EMPLOYEE,
        first: int | None = None,
    ) -> list[LeaderboardPlace]:
        _period(start, end)
        _may_see_branch(info, str(branch_id))
        by_branch = by == LeaderboardBy.BRANCH
        standings = await ref.leaderboard(
            info.context.db, str(branch_id), start, end, by_branch, bounded(first, 10)
        )
        if standings is None:
            raise NotFoundError("branch", str(branch_id))
        loaders = info.context.loaders
        for standing in standings:
            if standing.employee is not None:
                loaders[EMPLOYEES].prime(standing.key, standing.employee)
            if standing.branch is not None:
                loaders[BRANCHES].prime(standing.key, standing.branch)
        return [
            LeaderboardPlace(
                rank=rank, total=s.total, entries=s.entries, key=s.key, by_branch=by_branch
            )
            for rank, s in enumerate(standings, start=1)
        ]

    @strawberry.field(
        description="Referrals made from `from` to `to` by or to the staff of a branch and "
        "those below it: counts per stage, conversion rate and median days to convert, for every "
        "route together (first) and for each route."
    )
    async def referral_funnel(
        self, info: CtxInfo, branch_id: strawberry.ID, start: From, end: To
    ) -> list[ReferralFunnel]:
        _period(start, end)
        _may_see_branch(info, str(branch_id))
        parts = await ref.funnel(info.context.db, str(branch_id), start, end)
        if parts is None:
            raise NotFoundError("branch", str(branch_id))
        return [
            ReferralFunnel(
                route=p.route,
                total=p.total,
                by_stage=[
                    StageCount(stage=s, count=p.by_stage[s])
                    for s in ReferralStage
                    if s in p.by_stage
                ],
                conversion_rate=p.conversion_rate,
                median_days_to_convert=p.median_days_to_win,
            )
            for p in parts
        ]

    @strawberry.field(description="Every version of the credit policies, by line and version.")
    async def credit_policies(
        self, info: CtxInfo, product_line: ProductType | None = None
    ) -> list[CreditPolicy]:
        return [CreditPolicy.of(p) for p in await ref.policies(info.context.db, product_line)]


@strawberry.input(description="Who a referral goes to; leave it out to let the push rules choose.")
class RecipientInput:
    employee_id: strawberry.ID | None = None
    role: ReceivingRole | None = strawberry.field(
        default=None, description="A role at `branchId` (its home branch when null)."
    )
    branch_id: strawberry.ID | None = strawberry.field(
        default=None, description="A branch, or a specialised centre with role CENTER."
    )


@strawberry.input(description="A referral: the caller is the referrer.")
class CreateReferralInput:
    customer_id: strawberry.ID
    product_line: ProductType | None = strawberry.field(
        default=None, description="The need, as the product line that meets it."
    )
    product_ids: list[strawberry.ID] | None = None
    need: str | None = strawberry.field(default=None, description="The need in words.")
    to: RecipientInput | None = None
    note: str | None = None
    from_opportunity: strawberry.ID | None = None
    idempotency_key: str | None = strawberry.field(
        default=None, description="Sent again with the same key, nothing new is made."
    )


@strawberry.input(description="A won referral: what the customer took up.")
class WinInput:
    product_id: strawberry.ID
    amount: Decimal = strawberry.field(description="Yuan, at most two decimal places.")
    holding_id: str | None = strawberry.field(
        default=None, description="The holding the win created or matched, if known by id."
    )


@strawberry.input(description="A new version of a product line's credit policy.")
class CreditPolicyInput:
    product_line: ProductType
    effective_from: dt.date
    referrer_share: Decimal
    closer_share: Decimal
    supporting_share: Decimal
    points_rate: Decimal


def _text(value: str | None, name: str, limit: int = TEXT_LIMIT) -> str | None:
    if value is None:
        return None
    if not value.strip() or len(value) > limit:
        raise InvalidArgumentError(f"'{name}' must be 1 to {limit} characters")
    return value.strip()


def _amount(value: Decimal) -> Decimal:
    try:
        amount = parse_money(value)
    except MoneyError as exc:
        raise InvalidArgumentError(f"'amount': {exc}") from exc
    if amount <= 0:
        raise InvalidArgumentError("'amount' must be above zero")
    return amount


async def _directory(info: CtxInfo) -> Directory:
    return (await _rules(info)).directory


async def _rules(info: CtxInfo) -> RulesInForce:
    try:
        return await checked_rules(info.context.db, info.context.services.get(OpportunityPolicy))
    except PushRulesInvalid as exc:
        raise FailedPreconditionError(f"the push rules cannot be used: {exc}") from exc


def _raise_for(outcome: ref.Outcome, referral_id: str, action: Action) -> None:
    if outcome.stage is None:
        raise NotFoundError("referral", referral_id)
    if outcome.verdict is Verdict.ACTOR_REFUSED:
        raise ActorNotAllowedError(
            f"only the referral's recipient, their branch head or an admin may "
            f"{action.value.lower()} it"
        )
    if outcome.verdict is Verdict.ILLEGAL:
        raise IllegalTransitionError(
            f"referral {referral_id!r} is {outcome.stage.value}: {action.value} is not allowed "
            "from there"
        )


async def _act(
    info: CtxInfo,
    referral_id: str,
    action: Action,
    note: str | None = None,
    idempotency_key: str | None = None,
    win: ref.Win | None = None,
    reassign_to: str | None = None,
) -> Referral:
    caller = info.context.caller
    change = Change(
        action=action,
        actor_id=caller.employee.id,
        is_admin=caller.is_admin,
        note=_text(note, "note"),
        idempotency_key=_text(idempotency_key, "idempotencyKey", KEY_LIMIT),
        win=win,
        reassign_to=reassign_to,
    )
    directory = await _directory(info) if action is Action.REASSIGN else Directory({})
    try:
        desk = info.context.services.get(ref.StageChanges)
        outcome = await desk.change(referral_id, change, directory, _now())
    except (ref.WinNotHeld, ref.NoPolicyInForce, ref.RecipientNotFound) as exc:
        raise FailedPreconditionError(str(exc)) from exc
    except (ref.IdempotencyConflict, ConstraintViolation) as exc:
        raise ConflictError(str(exc)) from exc
    _raise_for(outcome, referral_id, action)
    assert outcome.referral is not None
    return Referral.of(outcome.referral)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@strawberry.type
class ReferralMutation:
    @strawberry.mutation(
        description="Refer a customer (一句话营销): you are the referrer. Without `to`, the push "
        "rules choose the recipient and the answer's `pushRule` names the rule."
    )
    async def create_referral(self, info: CtxInfo, input: CreateReferralInput) -> Referral:
        context = info.context
        caller = context.caller
        if input.product_line is None and not input.product_ids:
            raise InvalidArgumentError("a referral names a product line or products")
        to = input.to or RecipientInput()
        if to.role is ReceivingRole.EMPLOYEE:
            raise InvalidArgumentError("to name an employee, give 'employeeId'")
        found = await ref.customer_for_routing(context.db, str(input.customer_id), context.today)
        if found is None:
            raise NotFoundError("customer", str(input.customer_id))
        customer, manager_id = found
        context.visibility.require(customer)
        line = input.product_line
        product_ids = [str(p) for p in input.product_ids or []]
        if line is None:
            products = await context.loaders[PRODUCTS].load_many(product_ids)
            missing = [i for i, p in zip(product_ids, products, strict=True) if p is None]
            if missing:
                raise NotFoundError("product", missing[0])
            line = ProductType(products[0].type) if products[0] else None
        rules = await _rules(info)
        new = ref.NewReferral(
            customer=customer,
            manager_id=manager_id,
            referrer_id=caller.employee.id,
            referrer_roles=caller.employee.roles,
            product_line=line,
            product_ids=product_ids,
            need=_text(input.need, "need"),
            note=_text(input.note, "note"),
            to=ref.Recipient(
                str(to.employee_id) if to.employee_id else None,
                to.role,
                str(to.branch_id) if to.branch_id else None,
            ),
            opportunity_id=str(input.from_opportunity) if input.from_opportunity else None,
            idempotency_key=_text(input.idempotency_key, "idempotencyKey", KEY_LIMIT),
        )
        try:
            created = await ref.create_referral(
                context.db, new, rules.rules, rules.directory, _now()
            )
        except ref.RecipientNotFound as exc:
            raise FailedPreconditionError(str(exc)) from exc
        except ref.IdempotencyConflict as exc:
            raise ConflictError(str(exc)) from exc
        found_referral = (await ref.referrals_by_ids(context.db, [created.referral_id]))[0]
        assert found_referral is not None
        return Referral.of(found_referral)

    @strawberry.mutation(description="Take a referral on (NEW or REASSIGNED → ACCEPTED).")
    async def accept_referral(
        self,
        info: CtxInfo,
        id: strawberry.ID,
        note: str | None = None,
        idempotency_key: str | None = None,
    ) -> Referral:
        return await _act(info, str(id), Action.ACCEPT, note, idempotency_key)

    @strawberry.mutation(description="Turn a referral down (NEW or REASSIGNED → DECLINED).")
    async def decline_referral(
        self,
        info: CtxInfo,
        id: strawberry.ID,
        note: str | None = None,
        idempotency_key: str | None = None,
    ) -> Referral:
        return await _act(info, str(id), Action.DECLINE, note, idempotency_key)

    @strawberry.mutation(description="Record contact with the customer (ACCEPTED → CONTACTED).")
    async def contact_referral(
        self,
        info: CtxInfo,
        id: strawberry.ID,
        note: str | None = None,
        idempotency_key: str | None = None,
    ) -> Referral:
        return await _act(info, str(id), Action.CONTACT, note, idempotency_key)

    @strawberry.mutation(
        description="Record the win (CONTACTED → WON): the product the customer now holds and "
        "the amount; the credit is split by the policy in force today and written to the credit "
        "ledger in the same transaction. Sent twice at once, one succeeds."
    )
    async def win_referral(
        self,
        info: CtxInfo,
        id: strawberry.ID,
        win: WinInput,
        note: str | None = None,
        idempotency_key: str | None = None,
    ) -> Referral:
        won = ref.Win(str(win.product_id), _amount(win.amount), _text(win.holding_id, "holdingId"))
        return await _act(info, str(id), Action.WIN, note, idempotency_key, win=won)

    @strawberry.mutation(description="Record the loss (ACCEPTED or CONTACTED → LOST).")
    async def lose_referral(
        self,
        info: CtxInfo,
        id: strawberry.ID,
        note: str | None = None,
        idempotency_key: str | None = None,
    ) -> Referral:
        return await _act(info, str(id), Action.LOSE, note, idempotency_key)

    @strawberry.mutation(description="Pass an open referral to another employee (→ REASSIGNED).")
    async def reassign_referral(
        self,
        info: CtxInfo,
        id: strawberry.ID,
        employee_id: strawberry.ID,
        note: str | None = None,
        idempotency_key: str | None = None,
    ) -> Referral:
        return await _act(
            info, str(id), Action.REASSIGN, note, idempotency_key, reassign_to=str(employee_id)
        )

    @strawberry.mutation(description="Add a supporting employee to an open referral.")
    async def add_referral_participant(
        self, info: CtxInfo, id: strawberry.ID, employee_id: strawberry.ID
    ) -> Referral:
        caller = info.context.caller
        change = Change(Action.CONTACT, caller.employee.id, caller.is_admin)
        try:
            outcome = await ref.add_participant(
                info.context.db, str(id), str(employee_id), change, await _directory(info), _now()
            )
        except ref.RecipientNotFound as exc:
            raise FailedPreconditionError(str(exc)) from exc
        if outcome.stage is None:
            raise NotFoundError("referral", str(id))
        if outcome.verdict is Verdict.ACTOR_REFUSED:
            raise ActorNotAllowedError(
                "only the referral's recipient, their branch head or an admin may add to it"
            )
        if outcome.verdict is Verdict.ILLEGAL:
            raise IllegalTransitionError(
                f"referral {str(id)!r} is {outcome.stage.value}: it takes no new participants"
            )
        found = (await ref.referrals_by_ids(info.context.db, [str(id)]))[0]
        assert found is not None
        return Referral.of(found)

    @strawberry.mutation(
        description="Correct a won referral's credit (admin): every current entry is reversed "
        "by a new REVERSAL entry and, with `amount`, credited anew at that amount under the "
        "policy version of the win. Entries are never edited."
    )
    async def correct_referral_credit(
        self, info: CtxInfo, id: strawberry.ID, reason: str, amount: Decimal | None = None
    ) -> Referral:
        caller = info.context.caller
        if not caller.is_admin:
            raise ForbiddenError("only an admin corrects credit")
        why = _text(reason, "reason")
        assert why is not None
        new_amount = _amount(amount) if amount is not None else None
        written = await ref.correct_credit(
            info.context.db, str(id), caller.employee.id, why, new_amount, _now()
        )
        if written is None:
            raise NotFoundError("referral", str(id))
        if not written:
            raise FailedPreconditionError(f"referral {str(id)!r} has no credit to correct")
        found = (await ref.referrals_by_ids(info.context.db, [str(id)]))[0]
        assert found is not None
        return Referral.of(found)

    @strawberry.mutation(
        description="Publish a new version of a product line's credit policy (admin): shares "
        "in percent must sum to exactly 100."
    )
    async def publish_credit_policy(self, info: CtxInfo, input: CreditPolicyInput) -> CreditPolicy:
        caller = info.context.caller
        if not caller.is_admin:
            raise ForbiddenError("only an admin publishes credit policies")
        shares = {
            ParticipantRole.REFERRER: input.referrer_share,
            ParticipantRole.CLOSER: input.closer_share,
            ParticipantRole.SUPPORTING: input.supporting_share,
        }
        try:
            policy = await ref.publish_policy(
                info.context.db,
                input.product_line,
                input.effective_from,
                shares,
                input.points_rate,
                caller.employee.id,
                _now(),
            )
        except PolicyInvalid as exc:
            raise InvalidArgumentError(f"credit policy rejected: {exc}") from exc
        except ConstraintViolation as exc:
            raise ConflictError("another version was published at the same time: retry") from exc
        return CreditPolicy.of(policy)
