"""The product view (产品视图): `product`, `products`, and a product's issuer (融资人), lead
underwriter (主承销商), co-underwriters, holders (产品持有人) and its holders' segments; on a
customer, what they hold, issued and underwrote."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, TypeVar

import strawberry

from graph import model, products
from graph.parties import PartyDetails
from graph.products import HolderPage, HoldersKey, ProductFilter, Underwriter, products_page
from graph.records import HoldingRecord, PartyRecord, ProductRecord, SegmentCount
from schema.core import details
from schema.core.access import ShownParty
from schema.core.context import BatchLoad, CtxInfo, LoaderEnv, ParamKey, by_param
from schema.core.convert import from_record
from schema.core.deferred import now_or_later
from schema.core.entities import (
    CustomerBase,
    PartyRef,
    ProductBase,
    ProductRef,
    party_of,
    product_of,
)
from schema.core.errors import NotFoundError
from schema.core.loaders import PRODUCTS
from schema.core.pagination import Connection, bounded, page_window

T = TypeVar("T")


async def _issuers(env: LoaderEnv, ids: list[str]) -> list[PartyRecord | None]:
    return await products.issuers_by_products(env.db, ids)


async def _underwriters(env: LoaderEnv, ids: list[str]) -> list[list[Underwriter]]:
    return await products.underwriters_by_products(env.db, ids)


async def _holders(env: LoaderEnv, keys: list[HoldersKey]) -> list[HolderPage]:
    return await products.holders_pages(env.db, keys, env.visibility.cypher_scope, env.today)


async def _holder_segments(
    env: LoaderEnv, ids: list[str], include_ended: bool
) -> list[list[SegmentCount]]:
    return await products.holder_segments_by_products(
        env.db, ids, include_ended, env.visibility.cypher_scope, env.today
    )


ISSUERS: BatchLoad[str, PartyRecord | None] = BatchLoad("issuers", _issuers)
UNDERWRITERS: BatchLoad[str, list[Underwriter]] = BatchLoad("underwriters", _underwriters)
HOLDERS: BatchLoad[HoldersKey, HolderPage] = BatchLoad("holders", _holders)
# Keyed by product and whether ended positions count.
HOLDER_SEGMENTS: BatchLoad[ParamKey[bool], list[SegmentCount]] = BatchLoad(
    "holder_segments", by_param(_holder_segments)
)

# The includeEnded argument of every list of positions.
IncludeEndedPositions = Annotated[
    bool | None,
    strawberry.argument(
        description="Every position, ended (or not yet begun) ones too, not only those held "
        "today; `current` tells which."
    ),
]


@strawberry.type(description="A position in a product: who holds how much, since when.")
class Holding:
    record: strawberry.Private[HoldingRecord]
    holder: strawberry.Private[ShownParty]
    # The product, when it was fetched with the holding (a customer's holdings).
    product_record: strawberry.Private[ProductRecord | None] = None

    @strawberry.field
    def amount(self) -> Decimal:
        return self.record.amount

    @strawberry.field
    def since(self) -> dt.date | None:
        return self.record.since

    @strawberry.field(description="Last day held, inclusive; absent while open-ended.")
    def until(self) -> dt.date | None:
        return self.record.until

    @strawberry.field(
        description="Held today: since absent or not after today, until absent or not before today."
    )
    def current(self) -> bool:
        return self.record.current

    @strawberry.field
    def holder_party(self) -> PartyRef:
        return party_of(self.holder)

    @strawberry.field
    def product(self, info: CtxInfo) -> ProductRef:
        return self._with_product(info, product_of)

    @strawberry.field(description="amount / the product's issue size, when the size is known.")
    def share_of_issue(self, info: CtxInfo) -> float | None:
        return self._with_product(info, self._share_of)

    def _with_product(self, info: CtxInfo, build: Callable[[ProductRecord], T]) -> T:
        """`build` applied to the held product: the one fetched with the holding, or loaded."""
        return now_or_later(self.product_record, lambda: self._load_product(info), build)

    async def _load_product(self, info: CtxInfo) -> ProductRecord:
        record = await info.context.loaders[PRODUCTS].load(self.record.product_id)
        if record is None:
            raise NotFoundError("product", self.record.product_id)
        return record

    def _share_of(self, product: ProductRecord) -> float | None:
        # A ratio, not money: the one place the exact amounts become a float.
        return float(self.record.amount / product.issue_size) if product.issue_size else None


@strawberry.type(description="An underwriter's part in a product: LEAD (主承销商) or CO.")
class Underwriting:
    party_record: strawberry.Private[ShownParty]
    product_record: strawberry.Private[ProductRecord]
    role: model.UnderwriterRole
    share: float | None

    @classmethod
    def of(
        cls, party: ShownParty, product: ProductRecord, role: str, share: float | None
    ) -> Underwriting:
        return cls(
            party_record=party,
            product_record=product,
            role=model.UnderwriterRole(role),
            share=share,
        )

    @strawberry.field
    def underwriter(self) -> PartyRef:
        return party_of(self.party_record)

    @strawberry.field
    def product(self) -> ProductRef:
        return product_of(self.product_record)


@strawberry.type
class HolderSegment:
    segment: model.Segment
    holders: int


@strawberry.type
class HolderConnection(Connection[Holding]):
    total_amount: Decimal = strawberry.field(
        description="Sum held by all holders you may see, exact."
    )


@strawberry.type
class ProductPartyFields(ProductBase):
    @strawberry.field(description="The issuer / financier (融资人).")
    async def issuer(self, info: CtxInfo) -> PartyRef | None:
        record = await info.context.loaders[ISSUERS].load(self.record.id)
        shown = info.context.visibility.shown(record) if record is not None else None
        return party_of(shown) if shown is not None else None

    @strawberry.field(description="Lead (主承销商) first, then co-underwriters.")
    async def underwriters(self, info: CtxInfo) -> list[Underwriting]:
        rows = await info.context.loaders[UNDERWRITERS].load(self.record.id)
        return [
            Underwriting.of(shown, self.record, u.role, u.share)
            for u, shown in info.context.visibility.keep(rows, lambda u: u.party)
        ]

    @strawberry.field(description="The lead underwriter (主承销商).")
    async def lead_underwriter(self, info: CtxInfo) -> Underwriting | None:
        leads = [u for u in await self.underwriters(info) if u.role is model.UnderwriterRole.LEAD]
        return leads[0] if leads else None

    @strawberry.field
    async def co_underwriters(self, info: CtxInfo) -> list[Underwriting]:
        return [u for u in await self.underwriters(info) if u.role is model.UnderwriterRole.CO]

    @strawberry.field(
        description="Holders (产品持有人) you may see, largest position first: the current "
        "positions unless includeEnded."
    )
    async def holders(
        self,
        info: CtxInfo,
        first: int | None = None,
        after: str | None = None,
        include_ended: IncludeEndedPositions = False,
    ) -> HolderConnection:
        offset, size = page_window(first, after)
        key = HoldersKey(self.record.id, offset, size, bool(include_ended))
        page = await info.context.loaders[HOLDERS].load(key)
        nodes = [
            Holding(record=h.holding, holder=shown, product_record=self.record)
            for h, shown in info.context.visibility.keep(page.items, lambda h: h.party)
        ]
        base = Connection.of(nodes, offset, page.total)
        return HolderConnection(
            edges=base.edges,
            page_info=base.page_info,
            total_count=base.total_count,
            total_amount=page.total_amount,
        )

    @strawberry.field(
        description="How the product's customer holders you may see split across segments: "
        "the positions holders lists, customers' only."
    )
    async def holder_segments(
        self,
        info: CtxInfo,
        include_ended: IncludeEndedPositions = False,
    ) -> list[HolderSegment]:
        key = ParamKey(self.record.id, bool(include_ended))
        counts = await info.context.loaders[HOLDER_SEGMENTS].load(key)
        return [from_record(HolderSegment, c) for c in counts]


@strawberry.type
class CustomerProductFields(CustomerBase):
    @strawberry.field(
        description="Products held, largest position first: the current positions (those that "
        "make up assets) unless includeEnded."
    )
    def holdings(
        self,
        info: CtxInfo,
        first: int | None = None,
        after: str | None = None,
        include_ended: IncludeEndedPositions = False,
    ) -> Connection[Holding]:
        window = details.holdings_part(first, after, include_ended)

        def build(got: PartyDetails) -> Connection[Holding]:
            page = got.holdings
            assert page is not None
            nodes = [
                Holding(record=item.holding, holder=self.record, product_record=item.product)
                for item in page.items
            ]
            return Connection.of(nodes, window[0], page.total)

        return details.customer_part(self, info, details.HOLDINGS, window, build)

    @strawberry.field(description="Products this customer issued as 融资人, newest first.")
    def issued_products(
        self, info: CtxInfo, first: int | None = details.DEFAULT_ISSUED
    ) -> list[ProductRef]:
        return details.customer_part(
            self,
            info,
            details.ISSUED,
            bounded(first, details.DEFAULT_ISSUED),
            lambda got: [product_of(p) for p in got.issued or []],
        )

    @strawberry.field(description="Products this institution underwrote, with its role.")
    def underwritings(
        self, info: CtxInfo, first: int | None = details.DEFAULT_UNDERWRITTEN
    ) -> list[Underwriting]:
        return details.customer_part(
            self,
            info,
            details.UNDERWRITTEN,
            bounded(first, details.DEFAULT_UNDERWRITTEN),
            lambda got: [
                Underwriting.of(self.record, product, u.role, u.share)
                for u, product in got.underwritings or []
            ],
        )


@strawberry.input
class ProductFilterInput:
    type: model.ProductType | None = None
    status: model.ProductStatus | None = None
    risk_rating: model.RiskLevel | None = None
    issuer_id: strawberry.ID | None = None


@strawberry.type
class ProductQuery:
    @strawberry.field(description="A product with its issuer, underwriters and holders.")
    async def product(self, info: CtxInfo, id: strawberry.ID) -> ProductRef:
        record = await info.context.loaders[PRODUCTS].load(str(id))
        if record is None:
            raise NotFoundError("product", str(id))
        return product_of(record)

    @strawberry.field(description="Products, filtered, by name, paginated.")
    async def products(
        self,
        info: CtxInfo,
        filter: ProductFilterInput | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ProductRef]:
        where = filter or ProductFilterInput()
        offset, size = page_window(first, after)
        page = await products_page(
            info.context.db,
            ProductFilter(
                type=where.type.value if where.type else None,
                status=where.status.value if where.status else None,
                risk_rating=where.risk_rating.value if where.risk_rating else None,
                issuer_id=str(where.issuer_id) if where.issuer_id else None,
            ),
            offset,
            size,
        )
        for record in page.items:
            info.context.loaders[PRODUCTS].prime(record.id, record)
        return Connection.of([product_of(r) for r in page.items], offset, page.total)
