"""Lists of customers in the caller's scope: filtered, sorted and paginated, on the root and on a
branch or an employee."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from graph import model
from graph.org import branch_subtree_ids
from graph.parties import CustomerFilter, PartyDetails, count_customers, customers_page
from schema.core import details, enums
from schema.core.context import CtxInfo, ParamKey
from schema.core.entities import (
    NO_PARTS,
    BranchBase,
    CustomerRef,
    EmployeeBase,
    customer_of,
)
from schema.core.loaders import DETAILS, PARTIES
from schema.core.pagination import Edge, PageInfo, edges_and_page_info, page_window
from schema.core.selection import from_selection


@strawberry.input
class CustomerFilterInput:
    segment: model.Segment | None = None
    branch_id: strawberry.ID | None = strawberry.field(
        default=None, description="Customers of this branch and its sub-branches."
    )
    manager_id: strawberry.ID | None = None
    tag_id: strawberry.ID | None = None
    product_id: strawberry.ID | None = strawberry.field(
        default=None, description="Customers holding this product today (a current position)."
    )
    party_type: model.PartyType | None = None


@strawberry.input
class CustomerSortInput:
    field: enums.CustomerSort = enums.CustomerSort.NAME
    descending: bool = False


@strawberry.type(description="A page of customers; totalCount is counted only when asked for.")
class CustomerConnection:
    edges: list[Edge[CustomerRef]]
    page_info: PageInfo
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field
    async def total_count(self) -> int:
        return await self.count()


async def customers_connection(
    info: CtxInfo,
    where: CustomerFilterInput,
    sort: CustomerSortInput | None,
    first: int | None,
    after: str | None,
) -> CustomerConnection:
    offset, size = page_window(first, after)
    order = sort or CustomerSortInput()
    db = info.context.db
    visibility = info.context.visibility
    branch_ids = await branch_subtree_ids(db, str(where.branch_id)) if where.branch_id else None
    graph_filter = CustomerFilter(
        segment=where.segment.value if where.segment else None,
        branch_ids=branch_ids,
        manager_id=str(where.manager_id) if where.manager_id else None,
        tag_id=str(where.tag_id) if where.tag_id else None,
        product_id=str(where.product_id) if where.product_id else None,
        party_type=where.party_type.value if where.party_type else None,
    )
    scope = visibility.cypher_scope
    today = info.context.today
    records, has_next = await customers_page(
        db, scope, graph_filter, today, order.field.value, order.descending, offset, size
    )
    shown = visibility.keep_parties(records)
    parties_loader = info.context.loaders[PARTIES]
    for record in shown:
        parties_loader.prime(record.id, record)
    parts = from_selection(info, details.page_parts)
    # The page's details in one statement, fetched now rather than as each field asks: the same
    # statement the loader would batch, and the customers' fields then need no await.
    fetched: list[PartyDetails | None] = (
        await info.context.loaders[DETAILS].load_many([ParamKey(r.id, parts) for r in shown])
        if parts != NO_PARTS
        else [None] * len(shown)
    )
    customers = [customer_of(r, parts, d) for r, d in zip(shown, fetched, strict=True)]
    edges, page_info = edges_and_page_info(customers, offset, has_next)

    async def count() -> int:
        return await count_customers(db, scope, graph_filter, today)

    return CustomerConnection(edges=edges, page_info=page_info, count=count)


def _customers_of(where: Callable[[str], CustomerFilterInput], description: str) -> Any:
    """A `customers` field listing the customers `where(parent id)` selects, in your scope."""

    async def customers(
        root: BranchBase | EmployeeBase,
        info: CtxInfo,
        sort: CustomerSortInput | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> CustomerConnection:
        return await customers_connection(info, where(root.id), sort, first, after)

    return strawberry.field(resolver=customers, description=description)


@strawberry.type
class BranchCustomerFields(BranchBase):
    customers: CustomerConnection = _customers_of(
        lambda branch_id: CustomerFilterInput(branch_id=strawberry.ID(branch_id)),
        "Customers of this branch and its sub-branches, in your scope.",
    )


@strawberry.type
class EmployeeCustomerFields(EmployeeBase):
    customers: CustomerConnection = _customers_of(
        lambda employee_id: CustomerFilterInput(manager_id=strawberry.ID(employee_id)),
        "Customers this employee manages, in your scope.",
    )
