"""The bank itself: `branch`, `employee` and `me` (the caller), with their customers."""

from __future__ import annotations

import datetime as dt

import strawberry

from graph import model
from graph.records import BranchRecord
from schema.access import Role
from schema.context import ParamKey
from schema.convert import from_record
from schema.errors import NotFoundError
from schema.pagination import bounded
from schema.parties import (
    CtxInfo,
    CustomerConnection,
    CustomerFilterInput,
    CustomerSortInput,
    customers_connection,
)


@strawberry.type(
    description="A branch (分行/支行), outlet (网点), head office or specialised centre."
)
class Branch:
    id: strawberry.ID
    name: str
    kind: model.BranchKind
    region: str | None
    city: str | None
    parent_id: strawberry.Private[str | None]

    @strawberry.field
    async def parent(self, info: CtxInfo) -> Branch | None:
        return await branch_by_id(info, self.parent_id)

    @strawberry.field(description="Direct sub-branches.")
    async def children(self, info: CtxInfo) -> list[Branch]:
        return [
            from_record(Branch, b) for b in await info.context.loaders.branch_children.load(self.id)
        ]

    @strawberry.field(description="Staff working here now, by name.")
    async def employees(self, info: CtxInfo, first: int | None = 50) -> list[Employee]:
        limit = bounded(first, default=50)
        page = await info.context.loaders.branch_employees.load(ParamKey(self.id, limit))
        return [from_record(Employee, e) for e in page.items]

    @strawberry.field(description="Customers of this branch and its sub-branches, in your scope.")
    async def customers(
        self,
        info: CtxInfo,
        sort: CustomerSortInput | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> CustomerConnection:
        where = CustomerFilterInput(branch_id=strawberry.ID(self.id))
        return await customers_connection(info, where, sort, first, after)


async def branch_by_id(info: CtxInfo, branch_id: str | None) -> Branch | None:
    record: BranchRecord | None = (
        await info.context.loaders.branch.load(branch_id) if branch_id else None
    )
    return from_record(Branch, record) if record else None


@strawberry.type(description="A bank employee: customer manager (客户经理), teller (柜员), …")
class Employee:
    id: strawberry.ID
    name: str
    roles: list[model.EmployeeRole]
    position: str | None
    hired: dt.date | None
    email: str | None
    branch_id: strawberry.Private[str | None]

    @strawberry.field
    async def branch(self, info: CtxInfo) -> Branch | None:
        return await branch_by_id(info, self.branch_id)

    @strawberry.field(description="Customers this employee manages, in your scope.")
    async def customers(
        self,
        info: CtxInfo,
        sort: CustomerSortInput | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> CustomerConnection:
        where = CustomerFilterInput(manager_id=strawberry.ID(self.id))
        return await customers_connection(info, where, sort, first, after)


@strawberry.type(description="The caller: their employee record, token roles and branch scope.")
class Me:
    employee: Employee
    access_roles: list[Role]
    sees_all_branches: bool


@strawberry.type
class OrgQuery:
    @strawberry.field
    async def branch(self, info: CtxInfo, id: strawberry.ID) -> Branch:
        record = await info.context.loaders.branch.load(str(id))
        if record is None:
            raise NotFoundError("branch", str(id))
        return from_record(Branch, record)

    @strawberry.field
    async def employee(self, info: CtxInfo, id: strawberry.ID) -> Employee:
        record = await info.context.loaders.employee.load(str(id))
        if record is None:
            raise NotFoundError("employee", str(id))
        return from_record(Employee, record)

    @strawberry.field(description="The caller's employee record, customers and branch.")
    async def me(self, info: CtxInfo) -> Me:
        principal = info.context.principal
        return Me(
            employee=from_record(Employee, await info.context.me()),
            access_roles=sorted(principal.roles),
            sees_all_branches=await info.context.scope() is None,
        )
