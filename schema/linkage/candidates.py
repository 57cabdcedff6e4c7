"""Linkage opportunities (公私联动), bank- or branch-wide: the links from our customers to the
business they lead to, ranked by expected value, each with the path that makes it."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from graph import linkage, model, org
from graph.linkage import LinkageCandidate
from schema.core.access import ShownParty, Visibility
from schema.core.context import CtxInfo
from schema.core.entities import PartyRef, party_of
from schema.core.pagination import Connection, page_window
from schema.linkage.links import LinkStep, shown_path


@strawberry.type(description="A link from a customer to business it leads to (公私联动).")
class LinkageOpportunity:
    kind: model.LinkageKind
    roles: list[model.CompanyRole] = strawberry.field(
        description="What the person is to the company, most senior first."
    )
    products: list[model.ProductType] = strawberry.field(
        description="Suggested: the core corporate products the company lacks, or the staff "
        "bundle, the lead product first."
    )
    score: float = strawberry.field(description="How likely the link is to be won, 0 to 1.")
    expected_value: Decimal = strawberry.field(
        description="Yuan per year: what the products bring, times the score."
    )
    effective_share: Decimal | None = strawberry.field(
        description="PERSON_TO_COMPANY: the person's effective share in the company."
    )
    reason: str
    path: list[LinkStep] = strawberry.field(
        description="The ties that make the link, from the person to the company."
    )
    shown_source: strawberry.Private[ShownParty]
    shown_target: strawberry.Private[ShownParty]

    @strawberry.field(description="The customer the link starts from.")
    def source(self) -> PartyRef:
        return party_of(self.shown_source)

    @strawberry.field(description="The company or person to be won.")
    def target(self) -> PartyRef:
        return party_of(self.shown_target)


def shown_link(candidate: LinkageCandidate, visibility: Visibility) -> LinkageOpportunity | None:
    """The link, when the caller may see every party it names; otherwise nothing of it."""
    source = visibility.shown(candidate.source)
    target = visibility.shown(candidate.target)
    parties = {
        candidate.source.id: candidate.source,
        candidate.target.id: candidate.target,
        **candidate.others,
    }
    path = shown_path(candidate.steps, parties, visibility)
    if source is None or target is None or path is None:
        return None
    return LinkageOpportunity(
        kind=candidate.kind,
        roles=candidate.roles,
        products=candidate.products,
        score=candidate.valuation.score,
        expected_value=candidate.expected_value,
        effective_share=candidate.effective_share,
        reason=candidate.reason,
        path=path,
        shown_source=source,
        shown_target=target,
    )


@strawberry.type
class LinkageQuery:
    @strawberry.field(
        description="Public-private linkage (公私联动) from the customers of a branch and the "
        "branches below it (every branch in your scope when null), best expected value first."
    )
    async def linkage_opportunities(
        self,
        info: CtxInfo,
        kind: model.LinkageKind,
        branch_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[LinkageOpportunity]:
        offset, size = page_window(first, after)
        context = info.context
        branch_ids = None
        if branch_id is not None:
            context.caller.require_branch(str(branch_id))
            branch_ids = await org.branch_subtree_ids(context.db, str(branch_id))
        candidates = await linkage.linkage_candidates(
            context.db, kind, branch_ids, context.today, context.visibility.cypher_scope
        )
        shown = [
            link
            for candidate in candidates
            if (link := shown_link(candidate, context.visibility)) is not None
        ]
        return Connection.of(shown[offset : offset + size], offset, len(shown))
