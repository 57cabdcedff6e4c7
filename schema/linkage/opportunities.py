"""Opportunities (商机): the caller's own, counts for a branch, the push rules that route them, and
the mutations that work them (accept, dismiss, convert) or make them from a screening list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from graph import model, org
from graph import opportunities as opp
from graph.opportunities import Action, OpportunityPolicy, OpportunityRecord
from graph.parties import CustomerFilter
from graph.push_rules import PushRulesInvalid, Rule
from graph.status_machine import Verdict
from schema.core.access import Role
from schema.core.context import CtxInfo
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
    FailedPreconditionError,
    IllegalTransitionError,
    InvalidArgumentError,
    NotFoundError,
)
from schema.core.loaders import PARTIES
from schema.core.pagination import Connection, page_window
from schema.linkage.links import LinkStep, shown_path

# Who may ask for a branch's counts and run screening lists: those who manage business.
MANAGING_ROLES = (Role.MANAGER, Role.ADMIN)
REASON_LIMIT = 500


@strawberry.type(description="A change of an opportunity's status: who, when, why.")
class OpportunityChange:
    at: dt.datetime
    from_status: model.OpportunityStatus | None
    to_status: model.OpportunityStatus
    actor_kind: str = strawberry.field(
        description="What the one acting was to it: OWNER, BRANCH_HEAD, ADMIN or SYSTEM."
    )
    reason: str | None
    actor_id: strawberry.Private[str | None]

    @strawberry.field(description="The employee who changed it; null for the system.")
    async def actor(self, info: CtxInfo) -> EmployeeRef | None:
        return await employee_by_id(info, self.actor_id)


@strawberry.type(
    description="A piece of business to win (商机), routed to its owner by push rules."
)
class Opportunity:
    id: strawberry.ID
    kind: model.OpportunityKind
    product: model.ProductType = strawberry.field(description="The product line (the lead).")
    products: list[model.ProductType] = strawberry.field(description="Suggested products.")
    score: float
    grade: model.OpportunityGrade
    expected_value: Decimal = strawberry.field(description="Yuan per year, times the score.")
    reason: str = strawberry.field(description="The rule, model or list that found it.")
    source: model.OpportunitySource
    status: model.OpportunityStatus
    created_at: dt.datetime
    expires_on: dt.date
    refreshed_on: dt.date | None = strawberry.field(
        description="When a later run last found it again and refreshed its score."
    )
    push_rule: str | None = strawberry.field(description="The push rule that chose its owner.")
    push_rules_version: int | None
    record: strawberry.Private[OpportunityRecord]

    @classmethod
    def of(cls, record: OpportunityRecord) -> Opportunity:
        return cls(
            id=strawberry.ID(record.id),
            kind=record.kind,
            product=record.product,
            products=record.products,
            score=record.score,
            grade=record.grade,
            expected_value=record.expected_value,
            reason=record.reason,
            source=record.source,
            status=record.status,
            created_at=record.created_at,
            expires_on=record.expires_on,
            refreshed_on=record.refreshed_on,
            push_rule=record.push_rule,
            push_rules_version=record.push_rules_version,
            record=record,
        )

    @strawberry.field(
        description="The customer or prospect to be won; null when outside your branch scope."
    )
    async def target(self, info: CtxInfo) -> PartyRef | None:
        return await _shown_party(info, self.record.target_id)

    @strawberry.field(
        description="The customer it was found through (公私联动); null when none or outside "
        "your branch scope."
    )
    async def via(self, info: CtxInfo) -> PartyRef | None:
        return await _shown_party(info, self.record.via_id)

    @strawberry.field(
        description="The ties that make the link; null when a party on it is "
        "outside your branch scope."
    )
    async def path(self, info: CtxInfo) -> list[LinkStep] | None:
        steps = self.record.steps
        ids = list(dict.fromkeys(i for s in steps for i in (s.from_id, s.to_id)))
        records = await info.context.loaders[PARTIES].load_many(ids)
        return shown_path(steps, dict(zip(ids, records, strict=True)), info.context.visibility)

    @strawberry.field(description="Who it was pushed to.")
    async def owner(self, info: CtxInfo) -> EmployeeRef | None:
        return await employee_by_id(info, self.record.owner_id)

    @strawberry.field(description="The institution it was pushed to (a branch or a centre).")
    async def institution(self, info: CtxInfo) -> BranchRef | None:
        return await branch_by_id(info, self.record.institution_id)

    @strawberry.field(description="The holding's product that converted it.")
    async def converted_product(self, info: CtxInfo) -> ProductRef | None:
        return await product_by_id(info, self.record.converted_product_id)

    @strawberry.field(description="Status changes, oldest first.")
    def history(self) -> list[OpportunityChange]:
        return [
            OpportunityChange(
                at=c.at,
                from_status=c.from_status,
                to_status=c.to_status,
                actor_kind=c.actor_kind.value,
                reason=c.reason,
                actor_id=c.actor_id,
            )
            for c in self.record.history
        ]


async def _shown_party(info: CtxInfo, party_id: str | None) -> PartyRef | None:
    if party_id is None:
        return None
    record = await info.context.loaders[PARTIES].load(party_id)
    shown = info.context.visibility.shown(record) if record else None
    return party_of(shown) if shown else None


@strawberry.type(description="A count by one key (a grade, kind or status).")
class KeyCount:
    key: str
    count: int


@strawberry.type(description="Opportunities routed to a branch and the branches below it.")
class OpportunityStats:
    total: int
    by_grade: list[KeyCount]
    by_kind: list[KeyCount]
    by_status: list[KeyCount]


@strawberry.type(description="A push rule (参数化推送): what it matches and where it sends it.")
class PushRule:
    name: str
    line: int = strawberry.field(description="Its line in the rule file.")
    priority: int | None
    role: model.ReceivingRole
    institution: str | None = strawberry.field(
        description="HOME (the branch the business belongs to) or a branch id."
    )
    employee_id: str | None = strawberry.field(description="EMPLOYEE: the named employee.")
    kinds: list[str] | None
    grades: list[str] | None
    segments: list[str] | None
    product_lines: list[str] | None
    party_types: list[str] | None
    branches: list[str] | None

    @classmethod
    def of(cls, rule: Rule) -> PushRule:
        def listed(values: frozenset[str] | None) -> list[str] | None:
            return None if values is None else sorted(values)

        return cls(
            name=rule.name,
            line=rule.line,
            priority=rule.priority,
            role=rule.role,
            institution=rule.institution,
            employee_id=rule.employee_id,
            kinds=listed(rule.kinds),
            grades=listed(rule.grades),
            segments=listed(rule.segments),
            product_lines=listed(rule.product_lines),
            party_types=listed(rule.party_types),
            branches=listed(rule.branches),
        )


@strawberry.type(description="The push-rule file in force, in the order rules are tried.")
class PushRuleSet:
    version: int
    file: str
    rules: list[PushRule]


async def _checked_rules(info: CtxInfo) -> opp.RulesInForce:
    try:
        return await opp.checked_rules(
            info.context.db, info.context.services.get(OpportunityPolicy)
        )
    except PushRulesInvalid as exc:
        raise FailedPreconditionError(f"the push rules cannot be used: {exc}") from exc


@strawberry.type
class OpportunityQuery:
    @strawberry.field(description="Opportunities pushed to you, best expected value first.")
    async def my_opportunities(
        self,
        info: CtxInfo,
        status: model.OpportunityStatus | None = None,
        grade: model.OpportunityGrade | None = None,
        kind: model.OpportunityKind | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Opportunity]:
        offset, size = page_window(first, after)
        where = opp.OwnedFilter(
            status.value if status else None,
            grade.value if grade else None,
            kind.value if kind else None,
        )
        records, total = await opp.opportunities_of_owner(
            info.context.db, info.context.caller.employee.id, where, offset, size
        )
        return Connection.of([Opportunity.of(r) for r in records], offset, total)

    @strawberry.field(
        description="Opportunities routed to a branch and those below it, counted by grade, "
        "kind and status (for managers); only those whose customers you may see."
    )
    async def opportunity_stats(self, info: CtxInfo, branch_id: strawberry.ID) -> OpportunityStats:
        caller = info.context.caller
        caller.require_role(*MANAGING_ROLES, Role.COMPLIANCE)
        caller.require_branch(str(branch_id))
        branch_ids = await org.branch_subtree_ids(info.context.db, str(branch_id))
        if not branch_ids:
            raise NotFoundError("branch", str(branch_id))
        stats = await opp.opportunity_stats(
            info.context.db, branch_ids, info.context.visibility.cypher_scope
        )

        def counts(found: dict[str, int]) -> list[KeyCount]:
            return [KeyCount(key=k, count=n) for k, n in sorted(found.items())]

        return OpportunityStats(
            total=stats.total,
            by_grade=counts(stats.by_grade),
            by_kind=counts(stats.by_kind),
            by_status=counts(stats.by_status),
        )

    @strawberry.field(description="The push rules in force (参数化推送), checked against the bank.")
    async def push_rules(self, info: CtxInfo) -> PushRuleSet:
        rules = (await _checked_rules(info)).rules
        return PushRuleSet(
            version=rules.version,
            file=rules.source,
            rules=[PushRule.of(r) for r in rules.rules],
        )


@strawberry.input(
    description="An active screening list: customers in your scope to turn into "
    "opportunities for a product line they do not hold."
)
class ScreeningInput:
    lacks_product: model.ProductType = strawberry.field(
        description="The product line they lack (e.g. PAYROLL_SERVICE)."
    )
    description: str = strawberry.field(description="What the list is, kept in each reason.")
    segment: model.Segment | None = None
    branch_id: strawberry.ID | None = strawberry.field(
        default=None, description="Customers of this branch and its sub-branches."
    )
    manager_id: strawberry.ID | None = None
    tag_id: strawberry.ID | None = None
    party_type: model.PartyType | None = None


@strawberry.type(description="What a screening list became.")
class ScreeningResult:
    matched: int = strawberry.field(description="Customers on the list.")
    created: int
    refreshed: int = strawberry.field(description="Already open from an earlier list: rescored.")
    kept: int = strawberry.field(description="Already open from a model: left as they are.")
    unrouted: int = strawberry.field(description="No push rule found them a receiver.")


def _transition_error(outcome: opp.TransitionOutcome, opportunity_id: str, action: Action) -> None:
    if outcome.status is None:
        raise NotFoundError("opportunity", opportunity_id)
    if outcome.verdict is Verdict.ACTOR_REFUSED:
        raise ActorNotAllowedError(
            f"only the opportunity's owner, their branch head or an admin may "
            f"{action.value.lower()} it"
        )
    if outcome.verdict is Verdict.ILLEGAL:
        target = opp.STATUS_MACHINE[action].target.value
        raise IllegalTransitionError(
            f"opportunity {opportunity_id!r} is {outcome.status.value}: it cannot become {target}"
        )


async def _act(
    info: CtxInfo,
    opportunity_id: str,
    action: Action,
    reason: str | None = None,
    product_id: str | None = None,
) -> Opportunity:
    caller = info.context.caller
    try:
        outcome = await opp.change_status(
            info.context.db,
            opportunity_id,
            action,
            caller.employee.id,
            caller.is_admin,
            reason=reason,
            product_id=product_id,
            today=info.context.today,
        )
    except opp.ConversionNotHeld as exc:
        raise FailedPreconditionError(str(exc)) from exc
    _transition_error(outcome, opportunity_id, action)
    found = (await opp.opportunities_by_ids(info.context.db, [opportunity_id]))[0]
    assert found is not None
    return Opportunity.of(found)


@strawberry.type
class OpportunityMutation:
    @strawberry.mutation(description="Take an open opportunity on (OPEN → ACCEPTED).")
    async def accept_opportunity(self, info: CtxInfo, id: strawberry.ID) -> Opportunity:
        return await _act(info, str(id), Action.ACCEPT)

    @strawberry.mutation(description="Close an open opportunity as not worth pursuing, saying why.")
    async def dismiss_opportunity(
        self, info: CtxInfo, id: strawberry.ID, reason: str
    ) -> Opportunity:
        if not reason.strip() or len(reason) > REASON_LIMIT:
            raise InvalidArgumentError(f"'reason' must be 1 to {REASON_LIMIT} characters")
        return await _act(info, str(id), Action.DISMISS, reason=reason.strip())

    @strawberry.mutation(
        description="Close an open opportunity as won: `productId` is the product of the holding "
        "that converted it, which its target must hold now."
    )
    async def convert_opportunity(
        self, info: CtxInfo, id: strawberry.ID, product_id: strawberry.ID
    ) -> Opportunity:
        return await _act(info, str(id), Action.CONVERT, product_id=str(product_id))

    @strawberry.mutation(
        description="Turn an active screening list (主动筛选) into opportunities: the customers "
        "in your scope matching it who lack the product line (managers and admins)."
    )
    async def screen_customers(self, info: CtxInfo, filter: ScreeningInput) -> ScreeningResult:
        context = info.context
        caller = context.caller
        caller.require_role(*MANAGING_ROLES)
        description = filter.description.strip()
        if not description or len(description) > REASON_LIMIT:
            raise InvalidArgumentError(f"'description' must be 1 to {REASON_LIMIT} characters")
        branch_ids = None
        if filter.branch_id is not None:
            caller.require_branch(str(filter.branch_id))
            branch_ids = await org.branch_subtree_ids(context.db, str(filter.branch_id))
        where = CustomerFilter(
            segment=filter.segment.value if filter.segment else None,
            branch_ids=branch_ids,
            manager_id=str(filter.manager_id) if filter.manager_id else None,
            tag_id=str(filter.tag_id) if filter.tag_id else None,
            party_type=filter.party_type.value if filter.party_type else None,
        )
        try:
            result = await opp.screen(
                context.db,
                context.services.get(OpportunityPolicy),
                context.visibility.cypher_scope,
                where,
                filter.lacks_product,
                description,
                caller.employee.id,
                context.today,
            )
        except PushRulesInvalid as exc:
            raise FailedPreconditionError(f"the push rules cannot be used: {exc}") from exc
        except opp.ScreeningTooLarge as exc:
            raise InvalidArgumentError(str(exc)) from exc
        written = result.written
        return ScreeningResult(
            matched=result.matched,
            created=written.count("created"),
            refreshed=written.count("refreshed"),
            kept=written.count("kept"),
            unrouted=written.unrouted,
        )
