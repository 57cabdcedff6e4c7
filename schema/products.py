"""The product view (产品视图): `product`, `products`, and a product's issuer (融资人), lead
underwriter (主承销商), co-underwriters, holders (产品持有人) and its holders' segments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

import strawberry

from graph import model
from graph.parties import PageKey
from graph.products import ProductFilter, products_page
from graph.records import HoldingRecord, PartyRecord, ProductRecord
from schema.convert import from_record
from schema.deferred import now_or_later
from schema.errors import NotFoundError
from schema.pagination import Connection, page_window
from schema.parties import CtxInfo, Party, party_of

T = TypeVar("T")


@strawberry.type(description="A position in a product: who holds how much, since when.")
class Holding:
    record: strawberry.Private[HoldingRecord]
    holder: strawberry.Private[PartyRecord]
    # The product, when it was fetched with the holding (a customer's holdings).
    product_record: strawberry.Private[ProductRecord | None] = None

    @strawberry.field
    def amount(self) -> float:
        return self.record.amount

    @strawberry.field
    def since(self) -> dt.date | None:
        return self.record.since

    @strawberry.field
    def until(self) -> dt.date | None:
        return self.record.until

    @strawberry.field
    def holder_party(self) -> Party:
        return party_of(self.holder)

    @strawberry.field
    def product(self, info: CtxInfo) -> Product:
        return self._with_product(info, self._product_of)

    @strawberry.field(description="amount / the product's issue size, when the size is known.")
    def share_of_issue(self, info: CtxInfo) -> float | None:
        return self._with_product(info, self._share_of)

    def _with_product(self, info: CtxInfo, build: Callable[[ProductRecord | None], T]) -> T:
        """`build` applied to the held product: the one fetched with the holding, or loaded."""
        return now_or_later(
            self.product_record,
            lambda: info.context.loaders.product.load(self.record.product_id),
            build,
        )

    def _product_of(self, record: ProductRecord | None) -> Product:
        if record is None:
            raise NotFoundError("product", self.record.product_id)
        return from_record(Product, record)

    def _share_of(self, product: ProductRecord | None) -> float | None:
        if product is None or not product.issue_size:
            return None
        return self.record.amount / product.issue_size


@strawberry.type(description="An underwriter's part in a product: LEAD (主承销商) or CO.")
class Underwriting:
    party_record: strawberry.Private[PartyRecord]
    product_record: strawberry.Private[ProductRecord]
    role: model.UnderwriterRole
    share: float | None

    @classmethod
    def of(
        cls, party: PartyRecord, product: ProductRecord, role: str, share: float | None
    ) -> Underwriting:
        return cls(
            party_record=party,
            product_record=product,
            role=model.UnderwriterRole(role),
            share=share,
        )

    @strawberry.field
    def underwriter(self) -> Party:
        return party_of(self.party_record)

    @strawberry.field
    def product(self) -> Product:
        return from_record(Product, self.product_record)


@strawberry.type
class HolderSegment:
    segment: model.Segment
    holders: int


@strawberry.type
class HolderConnection(Connection[Holding]):
    total_amount: float = strawberry.field(description="Sum held by all holders you may see.")


@strawberry.type(description="A product or instrument the bank issues, distributes or services.")
class Product:
    id: strawberry.ID
    name: str
    type: model.ProductType
    risk_rating: model.RiskLevel
    status: model.ProductStatus
    currency: str
    issue_date: dt.date | None
    maturity_date: dt.date | None
    issue_size: float | None = strawberry.field(description="Issue size in the product's currency.")
    coupon_rate: float | None
    record: strawberry.Private[ProductRecord]

    @strawberry.field(description="The issuer / financier (融资人).")
    async def issuer(self, info: CtxInfo) -> Party | None:
        record = await info.context.loaders.issuer.load(self.record.id)
        if record is None or not await info.context.can_see(record):
            return None
        return party_of(record)

    @strawberry.field(description="Lead (主承销商) first, then co-underwriters.")
    async def underwriters(self, info: CtxInfo) -> list[Underwriting]:
        rows = await info.context.loaders.underwriters.load(self.record.id)
        seen = await info.context.visible_only(rows, lambda u: u.party)
        return [Underwriting.of(u.party, self.record, u.role, u.share) for u in seen]

    @strawberry.field(description="The lead underwriter (主承销商).")
    async def lead_underwriter(self, info: CtxInfo) -> Underwriting | None:
        leads = [u for u in await self.underwriters(info) if u.role is model.UnderwriterRole.LEAD]
        return leads[0] if leads else None

    @strawberry.field
    async def co_underwriters(self, info: CtxInfo) -> list[Underwriting]:
        return [u for u in await self.underwriters(info) if u.role is model.UnderwriterRole.CO]

    @strawberry.field(description="Holders (产品持有人) you may see, largest first.")
    async def holders(
        self, info: CtxInfo, first: int | None = None, after: str | None = None
    ) -> HolderConnection:
        offset, size = page_window(first, after)
        page = await info.context.loaders.holders.load(PageKey(self.record.id, offset, size))
        nodes = [
            Holding(record=h.holding, holder=h.party, product_record=self.record)
            for h in page.items
        ]
        base = Connection.of(nodes, offset, page.total)
        return HolderConnection(
            edges=base.edges,
            page_info=base.page_info,
            total_count=base.total_count,
            total_amount=page.total_amount,
        )

    @strawberry.field(description="How the product's customer holders split across segments.")
    async def holder_segments(self, info: CtxInfo) -> list[HolderSegment]:
        counts = await info.context.loaders.holder_segments.load(self.record.id)
        return [from_record(HolderSegment, c) for c in counts]


@strawberry.input
class ProductFilterInput:
    type: model.ProductType | None = None
    status: model.ProductStatus | None = None
    risk_rating: model.RiskLevel | None = None
    issuer_id: strawberry.ID | None = None


@strawberry.type
class ProductQuery:
    @strawberry.field(description="A product with its issuer, underwriters and holders.")
    async def product(self, info: CtxInfo, id: strawberry.ID) -> Product:
        record = await info.context.loaders.product.load(str(id))
        if record is None:
            raise NotFoundError("product", str(id))
        return from_record(Product, record)

    @strawberry.field(description="Products, filtered, by name, paginated.")
    async def products(
        self,
        info: CtxInfo,
        filter: ProductFilterInput | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Product]:
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
            info.context.loaders.product.prime(record.id, record)
        return Connection.of([from_record(Product, r) for r in page.items], offset, page.total)
