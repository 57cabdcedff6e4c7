"""Persons, companies and customers: `party`, `customer`, `customers`, `search`, a party's ties
and list entries, and the rest of a customer's full picture (客户视图)."""

from __future__ import annotations

import strawberry

from graph import model
from schema.core import details
from schema.core.context import CtxInfo, ParamKey
from schema.core.entities import CustomerRef, PartyRef, customer_of, party_of
from schema.core.errors import NotFoundError
from schema.core.loaders import DETAILS, PARTIES
from schema.core.selection import from_selection
from schema.parties.customers import (
    BranchCustomerFields,
    CustomerConnection,
    CustomerFilterInput,
    CustomerSortInput,
    EmployeeCustomerFields,
    customers_connection,
)
from schema.parties.picture import CustomerPictureFields, PartyLinkFields
from schema.parties.search import SearchHit, search


@strawberry.type
class PartyQuery:
    @strawberry.field(description="A customer's full picture (客户视图).")
    async def customer(self, info: CtxInfo, id: strawberry.ID) -> CustomerRef:
        # The profile comes with the details the selection asks for: one statement in all. The
        # details of a customer out of scope are fetched but never shown.
        parts = from_selection(info, details.parts_for)
        got = await info.context.loaders[DETAILS].load(ParamKey(str(id), parts))
        if got is None:
            raise NotFoundError("party", str(id))
        shown = info.context.visibility.require(got.profile)
        info.context.loaders[PARTIES].prime(shown.id, shown)
        if not shown.is_customer:
            raise NotFoundError("customer", str(id))
        return customer_of(shown, parts, got)

    @strawberry.field(description="Any person or company, customer or not.")
    async def party(self, info: CtxInfo, id: strawberry.ID) -> PartyRef:
        record = await info.context.loaders[PARTIES].load(str(id))
        if record is None:
            raise NotFoundError("party", str(id))
        return party_of(info.context.visibility.require(record))

    @strawberry.field(description="Customers in your scope, filtered and sorted, paginated.")
    async def customers(
        self,
        info: CtxInfo,
        filter: CustomerFilterInput | None = None,
        sort: CustomerSortInput | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> CustomerConnection:
        return await customers_connection(info, filter or CustomerFilterInput(), sort, first, after)

    @strawberry.field(description="Full-text search over person and company names (中文 by part).")
    async def search(
        self,
        info: CtxInfo,
        text: str,
        types: list[model.PartyType] | None = None,
        first: int | None = 20,
    ) -> list[SearchHit]:
        return await search(info, text, types, first)


__all__ = [
    "BranchCustomerFields",
    "CustomerPictureFields",
    "EmployeeCustomerFields",
    "PartyLinkFields",
    "PartyQuery",
]
