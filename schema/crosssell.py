"""Cross-sell (交叉销售): `crossSell`, the products to offer a customer next with typed reasons and
what was suppressed, and `productAffinity`, a product's row of the association matrix
(产品关联矩阵).

Statistics are counted by `relgraph crosssell refresh` and read per caller's scope: a manager's
answers count only the customers of their branches (graph/crosssell/stats.py). Every party a
reason or a suppression names passes the access policy; a linked party the caller may not see is
left out, never named.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence

import strawberry

from graph import model
from graph.crosssell import recommend as engine
from graph.crosssell.rules import peer_group
from graph.crosssell.stats import StatisticsCache, StatisticsMissing, StatsStatus, affinity
from graph.records import ProductRecord
from graph.rulebook import Rulebook
from schema.core import enums
from schema.core.access import ShownParty, Visibility
from schema.core.context import CtxInfo
from schema.core.convert import enum_or_none
from schema.core.entities import (
    CustomerRef,
    PartyRef,
    ProductRef,
    customer_of,
    party_of,
    product_of,
)
from schema.core.errors import FailedPreconditionError, NotFoundError
from schema.core.loaders import PRODUCTS
from schema.core.pagination import bounded

DEFAULT_SUGGESTIONS = 5
DEFAULT_AFFINITY = 10


async def _product(info: CtxInfo, product_id: str) -> ProductRecord:
    record = await info.context.loaders[PRODUCTS].load(product_id)
    if record is None:
        raise NotFoundError("product", product_id)
    return record


@strawberry.type(
    description="When the statistics behind an answer were computed, and whether a load has "
    "changed holdings since."
)
class CrossSellStatistics:
    computed_at: dt.datetime
    stale: bool = strawberry.field(
        description="A load changed holdings or customers (or segments moved) since: the "
        "answer may be out of date until `relgraph crosssell refresh` runs."
    )
    stale_since: dt.datetime | None
    rules_version: str
    customers: int = strawberry.field(
        description="Customers the statistics count: the bank's, or your branches' when your "
        "scope is limited."
    )

    @classmethod
    def of(cls, status: StatsStatus, customers: int) -> CrossSellStatistics:
        return cls(
            computed_at=status.computed_at,
            stale=status.stale,
            stale_since=status.stale_since,
            rules_version=status.version,
            customers=customers,
        )


def _statistics_missing(exc: StatisticsMissing) -> FailedPreconditionError:
    return FailedPreconditionError(str(exc))


@strawberry.interface(
    description="Why a product is suggested: one type per kind of evidence, each naming it."
)
class CrossSellReason:
    summary: str = strawberry.field(description="The evidence in a sentence.")


@strawberry.type(
    description="Co-holding (产品关联): customers holding a product this customer holds also "
    "hold the suggested one, more often than customers overall."
)
class CoHoldingReason(CrossSellReason):
    held_product_id: strawberry.Private[str]
    product_holders: int = strawberry.field(description="Customers holding the held product.")
    co_holders: int = strawberry.field(description="… of whom hold the suggested one too.")
    support: float = strawberry.field(description="coHolders / customers counted.")
    confidence: float = strawberry.field(description="coHolders / productHolders.")
    lift: float = strawberry.field(
        description="confidence / the share of customers holding the suggested product."
    )

    @strawberry.field(description="The product the customer holds.")
    async def held_product(self, info: CtxInfo) -> ProductRef:
        return product_of(await _product(info, self.held_product_id))


@strawberry.type(
    description="Similar customers: the customer's peers (same segment and peer group) who "
    "hold the product."
)
class SimilarCustomersReason(CrossSellReason):
    segment: model.Segment | None = strawberry.field(
        description="The peers' segment: the computed one, else the loaded one."
    )
    peer_group: str = strawberry.field(
        description="segment:party type:life stage or kind, e.g. VALUE:PERSON:35-59, "
        "KEY:COMPANY:SME."
    )
    peers: int
    holding: int = strawberry.field(description="Peers holding the product.")
    share: float = strawberry.field(description="holding / peers.")


@strawberry.type(
    description="公私联动: a party linked to the customer (their company, its owners, "
    "executives or staff, family, a colleague) holds the product."
)
class LinkedPartyReason(CrossSellReason):
    holder: strawberry.Private[ShownParty]
    via_party: strawberry.Private[ShownParty | None]
    role: enums.LinkRole = strawberry.field(
        description="What the linked party is to the customer (EMPLOYER, EXECUTIVE, FAMILY, …); "
        "EMPLOYEE of `via` for a colleague."
    )

    @strawberry.field
    def party(self) -> PartyRef:
        return party_of(self.holder)

    @strawberry.field(description="For a colleague: the employer they share.")
    def via(self) -> PartyRef | None:
        return party_of(self.via_party) if self.via_party is not None else None


REASON_TYPES = (CoHoldingReason, SimilarCustomersReason, LinkedPartyReason)


@strawberry.type(description="A product to offer, with its score and the evidence for it.")
class CrossSellSuggestion:
    product_record: strawberry.Private[ProductRecord]
    rank: int
    score: float = strawberry.field(
        description="0 to 1, higher first: peer share and co-holding lifts combined (the rules: "
        "config/crosssell.toml)."
    )
    reasons: list[CrossSellReason]

    @strawberry.field
    def product(self) -> ProductRef:
        return product_of(self.product_record)


@strawberry.type(description="Why a product (or anything) is not suggested, with the evidence.")
class Suppression:
    rule: model.SuppressionRule
    detail: str
    product_status: model.ProductStatus | None = strawberry.field(description="NOT_ON_SALE.")
    product_risk: model.RiskLevel | None = strawberry.field(description="ABOVE_RISK_TOLERANCE.")
    customer_tolerance: model.RiskLevel | None = strawberry.field(
        description="ABOVE_RISK_TOLERANCE; null when the customer has none on record."
    )
    hops: int | None = strawberry.field(description="LINKED_TO_LISTED_PARTY: 1 or 2.")
    listed: strawberry.Private[ShownParty | None]
    through: strawberry.Private[ShownParty | None]

    @strawberry.field(
        description="LINKED_TO_LISTED_PARTY: the party on the prohibition list, when you may "
        "see it."
    )
    def listed_party(self) -> PartyRef | None:
        return party_of(self.listed) if self.listed is not None else None

    @strawberry.field(
        description="LINKED_TO_LISTED_PARTY, 2 hops: the party between, when you may see it."
    )
    def via(self) -> PartyRef | None:
        return party_of(self.through) if self.through is not None else None

    @classmethod
    def of(cls, found: engine.Suppression, visibility: Visibility) -> Suppression:
        path = found.listed_path
        return cls(
            rule=found.rule,
            detail=found.detail,
            product_status=enum_or_none(model.ProductStatus, found.product_status),
            product_risk=enum_or_none(model.RiskLevel, found.product_risk),
            customer_tolerance=enum_or_none(model.RiskLevel, found.customer_tolerance),
            hops=len(path) or None,
            listed=visibility.shown(path[-1]) if path else None,
            through=visibility.shown(path[0]) if len(path) > 1 else None,
        )


@strawberry.type(description="A product the rules kept out of the suggestions, and why.")
class SuppressedProduct:
    product_record: strawberry.Private[ProductRecord]
    score: float
    suppressions: list[Suppression]

    @strawberry.field
    def product(self) -> ProductRef:
        return product_of(self.product_record)


@strawberry.type(description="What to offer a customer next (交叉销售), and why.")
class CrossSell:
    shown: strawberry.Private[ShownParty]
    peer_group: str = strawberry.field(description="The customer's peer group.")
    suggestions: list[CrossSellSuggestion]
    blocked: list[Suppression] = strawberry.field(
        description="Why nothing is offered to this customer at all (on a prohibition list, or "
        "linked to a listed party within 2 hops); empty otherwise."
    )
    suppressed: list[SuppressedProduct] | None = strawberry.field(
        description="With explainSuppressed: the products set aside on the way to the "
        "suggestions, highest score first, each with the rules that kept it out."
    )
    statistics: CrossSellStatistics

    @strawberry.field
    def customer(self) -> CustomerRef:
        return customer_of(self.shown)


@strawberry.type(description="How often a product is held with the product asked about.")
class AffinityEntry:
    product_record: strawberry.Private[ProductRecord]
    co_holders: int = strawberry.field(description="Customers holding both.")
    holders: int = strawberry.field(description="Customers holding this product.")
    support: float = strawberry.field(description="coHolders / customers counted.")
    confidence: float = strawberry.field(
        description="coHolders / the holders of the product asked about."
    )
    lift: float = strawberry.field(description="confidence / (holders / customers counted).")

    @strawberry.field
    def product(self) -> ProductRef:
        return product_of(self.product_record)


@strawberry.type(description="A product's row of the association matrix (产品关联矩阵).")
class ProductAffinity:
    product_record: strawberry.Private[ProductRecord]
    holders: int = strawberry.field(description="Customers holding the product.")
    related: list[AffinityEntry] = strawberry.field(
        description="Products most often held with it first."
    )
    statistics: CrossSellStatistics

    @strawberry.field
    def product(self) -> ProductRef:
        return product_of(self.product_record)


def _visible_linked(
    linked: Sequence[engine.LinkedHolder], visibility: Visibility
) -> list[engine.LinkedHolder]:
    """Linked parties the caller may see, reached through parties the caller may see."""
    return [
        holder
        for holder in linked
        if visibility.shows(holder.party) and (holder.via is None or visibility.shows(holder.via))
    ]


def _reason(
    reason: engine.Reason, names: dict[str, str], visibility: Visibility
) -> CrossSellReason:
    if isinstance(reason, engine.SimilarCustomers):
        return SimilarCustomersReason(
            summary=f"{reason.holding:,} of the customer's {reason.peers:,} peers "
            f"({reason.peer_group}) hold it ({reason.share:.0%})",
            segment=enum_or_none(model.Segment, reason.segment)
            if reason.segment in model.Segment.__members__
            else None,
            peer_group=reason.peer_group,
            peers=reason.peers,
            holding=reason.holding,
            share=reason.share,
        )
    if isinstance(reason, engine.CoHolding):
        held = names.get(reason.held_product_id, reason.held_product_id)
        return CoHoldingReason(
            summary=f"customers holding {held} hold it {reason.lift:.1f}× as often as customers "
            f"overall ({reason.co_holders:,} of {reason.product_holders:,}, "
            f"{reason.confidence:.0%})",
            held_product_id=reason.held_product_id,
            product_holders=reason.product_holders,
            co_holders=reason.co_holders,
            support=reason.support,
            confidence=reason.confidence,
            lift=reason.lift,
        )
    holder = reason.holder
    role = enums.LINK_ROLES[(holder.type, holder.outgoing)]
    relation = (
        f"a colleague at {holder.via.name}"
        if holder.via
        else f"the customer's {role.value.lower().replace('_', ' ')}"
    )
    return LinkedPartyReason(
        summary=f"{holder.party.name} ({relation}) holds it",
        holder=visibility.require(holder.party),
        via_party=visibility.require(holder.via) if holder.via else None,
        role=role,
    )


@strawberry.type
class CrossSellQuery:
    @strawberry.field(
        description="Products to offer a customer next, best first, each with a score and "
        "typed reasons; never one they hold, one not on sale, one above their risk tolerance, "
        "nor anything to a customer on a prohibition list or linked to a listed party within 2 "
        "hops. explainSuppressed lists what was set aside and why."
    )
    async def cross_sell(
        self,
        info: CtxInfo,
        customer_id: strawberry.ID,
        first: int | None = DEFAULT_SUGGESTIONS,
        explain_suppressed: bool = False,
    ) -> CrossSell:
        size = bounded(first, DEFAULT_SUGGESTIONS)
        context = info.context
        rules = context.services.get(Rulebook).crosssell
        visibility = context.visibility
        (inputs,), status = await engine.customer_inputs(
            context.db, [str(customer_id)], context.today, rules
        )
        if inputs is None:
            raise NotFoundError("customer", str(customer_id))
        shown = visibility.require(inputs.customer)
        group = peer_group(inputs.profile, context.today, rules.peer_groups)
        try:
            if status is None:
                raise StatisticsMissing
            stats = await context.services.get(StatisticsCache).statistics(
                context.db, status, visibility.cypher_scope, [group], sorted(inputs.held)
            )
        except StatisticsMissing as exc:
            raise _statistics_missing(exc) from None
        found = await engine.recommend_reading(
            inputs,
            stats,
            functools.partial(_products, info),
            context.today,
            rules,
            size,
            _visible_linked(inputs.linked, visibility),
        )
        wanted = {s.product_id for s in found.suggestions}
        wanted |= {
            r.held_product_id
            for s in found.suggestions
            for r in s.reasons
            if isinstance(r, engine.CoHolding)
        }
        if explain_suppressed:
            wanted |= {s.product_id for s in found.suppressed}
        records = await _products(info, sorted(wanted))
        names = {pid: r.name for pid, r in records.items()}
        return CrossSell(
            shown=shown,
            peer_group=found.peer_group,
            suggestions=[
                CrossSellSuggestion(
                    product_record=records[s.product_id],
                    rank=s.rank,
                    score=s.score,
                    reasons=[_reason(r, names, visibility) for r in s.reasons],
                )
                for s in found.suggestions
            ],
            blocked=[Suppression.of(b, visibility) for b in found.blocked],
            suppressed=[
                SuppressedProduct(
                    product_record=records[s.product_id],
                    score=s.score,
                    suppressions=[Suppression.of(x, visibility) for x in s.suppressions],
                )
                for s in found.suppressed
            ]
            if explain_suppressed
            else None,
            statistics=CrossSellStatistics.of(status, stats.customers),
        )

    @strawberry.field(
        description="A product's row of the association matrix (产品关联矩阵): the products "
        "most often held with it, with support, confidence and lift, over the customers of your "
        "scope."
    )
    async def product_affinity(
        self, info: CtxInfo, product_id: strawberry.ID, first: int | None = DEFAULT_AFFINITY
    ) -> ProductAffinity:
        size = bounded(first, DEFAULT_AFFINITY)
        context = info.context
        product = await _product(info, str(product_id))
        try:
            row = await affinity(
                context.db,
                product.id,
                context.visibility.cypher_scope,
                context.services.get(Rulebook).crosssell.reasons.min_co_holders,
            )
        except StatisticsMissing as exc:
            raise _statistics_missing(exc) from None
        related = row.related[:size]
        records = await _products(info, [entry.product_id for entry in related])
        return ProductAffinity(
            product_record=product,
            holders=row.holders,
            related=[
                AffinityEntry(
                    product_record=records[entry.product_id],
                    co_holders=entry.co_holders,
                    holders=entry.holders,
                    support=entry.support,
                    confidence=entry.confidence,
                    lift=entry.lift,
                )
                for entry in related
                if entry.product_id in records
            ],
            statistics=CrossSellStatistics.of(row.status, row.customers),
        )


async def _products(info: CtxInfo, ids: Sequence[str]) -> dict[str, ProductRecord]:
    found = await info.context.loaders[PRODUCTS].load_many(list(ids))
    return {record.id: record for record in found if record is not None}
