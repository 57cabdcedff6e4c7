"""A company's staff pool (公私联动): its owners, executives, legal representative and employees,
whether each is our personal customer, what they hold, and a suggested bundle for batch
marketing (payroll, wealth, insurance, pension)."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from graph import linkage, model
from graph.linkage import StaffFilter
from graph.linkage_model import BundleItem as BundleRecord
from graph.records import PartyRecord
from schema.core.access import ShownParty
from schema.core.context import CtxInfo
from schema.core.entities import CompanyBase, PersonRef, person_of
from schema.core.pagination import Edge, PageInfo, edges_and_page_info, page_window
from schema.linkage.links import fraction


@strawberry.input(description="Narrows a staff pool; every condition given must hold.")
class StaffPoolFilter:
    executives_only: bool = strawberry.field(default=False, description="Executives (高管) only.")
    not_yet_customer: bool = strawberry.field(
        default=False, description="Only those who are not yet our personal customers."
    )
    no_payroll_with_us: bool = strawberry.field(
        default=False, description="Only those whose pay does not come through us (代发)."
    )


@strawberry.type(description="A product of the suggested bundle and why.")
class BundleItem:
    product_type: model.ProductType
    colleagues_holding: int | None = strawberry.field(
        description="How many of their colleagues who are our customers hold it (null for "
        "payroll, which is the company's, and when no colleague is a customer yet)."
    )
    colleagues: int = strawberry.field(description="Their colleagues who are our customers.")

    @classmethod
    def of(cls, item: BundleRecord) -> BundleItem:
        return cls(
            product_type=item.product_type,
            colleagues_holding=item.colleagues_holding,
            colleagues=item.colleagues,
        )


@strawberry.type(description="A member of a company's staff pool.")
class StaffMember:
    roles: list[model.CompanyRole] = strawberry.field(description="Most senior first.")
    title: str | None = strawberry.field(description="Executive title (高管).")
    position: str | None = strawberry.field(description="Position held, for an employee.")
    share: Decimal | None = strawberry.field(description="Their stake, for an owner.")
    is_customer: bool = strawberry.field(description="Our personal customer.")
    payroll_with_us: bool = strawberry.field(description="Their pay comes through us (代发).")
    holds: list[model.ProductType] = strawberry.field(description="Product types they hold.")
    suggested_bundle: list[BundleItem] = strawberry.field(
        description="Payroll when their pay does not come through us, then the wealth, insurance "
        "and pension products they lack, ranked by how many colleagues who are customers hold "
        "each (批量营销, seed 002)."
    )
    shown: strawberry.Private[ShownParty]

    @strawberry.field
    def person(self) -> PersonRef:
        return person_of(self.shown)


@strawberry.type(description="A page of a staff pool, who runs the company first.")
class StaffPool:
    edges: list[Edge[StaffMember]]
    page_info: PageInfo
    total_count: int = strawberry.field(description="Members matching the filter.")
    customer_count: int = strawberry.field(
        description="Of all members you may see, how many are our personal customers."
    )


def _member(record: linkage.StaffMember, shown: ShownParty) -> StaffMember:
    executive = next((t for t in record.ties if t.type == "EXECUTIVE_OF"), None)
    employment = next((t for t in record.ties if t.type == "EMPLOYED_BY"), None)
    stake = next((t for t in record.ties if t.type == "OWNS"), None)
    return StaffMember(
        roles=record.roles,
        title=executive.title if executive else None,
        position=employment.position if employment else None,
        share=fraction(stake.share) if stake else None,
        is_customer=record.customer,
        payroll_with_us=record.payroll_with_us,
        holds=sorted(model.ProductType(t) for t in record.held),
        suggested_bundle=[BundleItem.of(i) for i in record.bundle],
        shown=shown,
    )


@strawberry.type
class CompanyLinkageFields(CompanyBase):
    @strawberry.field(
        description="Owners, executives, legal representative and employees (公私联动), the ones "
        "who run the company first, then by name; those you may see."
    )
    async def staff_pool(
        self,
        info: CtxInfo,
        filter: StaffPoolFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> StaffPool:
        offset, size = page_window(first, after)
        where = filter or StaffPoolFilter()
        page = await linkage.staff_pool(
            info.context.db,
            self.record.id,
            StaffFilter(where.executives_only, where.not_yet_customer, where.no_payroll_with_us),
            offset,
            size,
            info.context.today,
            info.context.visibility.cypher_scope,
        )
        kept = info.context.visibility.keep(page.members, _party)
        members = [_member(record, shown) for record, shown in kept]
        edges, page_info = edges_and_page_info(
            members, offset, offset + len(page.members) < page.total
        )
        return StaffPool(
            edges=edges, page_info=page_info, total_count=page.total, customer_count=page.customers
        )


def _party(member: linkage.StaffMember) -> PartyRecord:
    return member.party
