"""The bank itself: `branch`, `employee` and `me` (the caller), with their customers."""

from __future__ import annotations

import datetime as dt

import strawberry

from graph import model
from graph.records import BranchRecord, EmployeeRecord
from schema.access import Role
from schema.context import ParamKey
from schema.errors import NotFoundError
from schema.pagination import Connection, bounded
from schema.parties import (
    CtxInfo,
    Customer,
    CustomerFilterInput,
    CustomerSortInput,
    customers_connection,
)


@strawberry.type(
    description="A branch (分行/支行), outlet (网点), head office or specialised centre."
)
class Branch:
    record: strawberry.Private[BranchRecord]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.id)

    @strawberry.field
    def name(self) -> str:
        return self.record.name

    @strawberry.field
    def kind(self) -> model.BranchKind:
        return model.BranchKind(self.record.kind)

    @strawberry.field
    def region(self) -> str | None:
        return self.record.region

    @strawberry.field
    def city(self) -> str | None:
        return self.record.city

    @strawberry.field
    async def parent(self, info: CtxInfo) -> Branch | None:
        if self.record.parent_id is None:
            return None
        record = await info.context.loaders.branch.load(self.record.parent_id)
        return Branch(record=record) if record else None

    @strawberry.field(description="Direct sub-branches.")
    async def children(self, info: CtxInfo) -> list[Branch]:
        return [
            Branch(record=b)
            for b in await info.context.loaders.branch_children.load(self.record.id)
        ]

    @strawberry.field(description="Staff working here now, by name.")
    async def employees(self, info: CtxInfo, first: int | None = 50) -> list[Employee]:
        limit = bounded(first, default=50)
        page = await info.context.loaders.branch_employees.load(ParamKey(self.record.id, limit))
        return [Employee(record=e) for e in page.items]

    @strawberry.field(description="Customers of this branch and its sub-branches, in your scope.")
    async def customers(
        self,
        info: CtxInfo,
        sort: CustomerSortInput | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Customer]:
        where = CustomerFilterInput(branch_id=strawberry.ID(self.record.id))
        return await customers_connection(info, where, sort, first, after)


@strawberry.type(description="A bank employee: customer manager (客户经理), teller (柜员), …")
class Employee:
    record: strawberry.Private[EmployeeRecord]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.id)

    @strawberry.field
    def name(self) -> str:
        return self.record.name

    @strawberry.field
    def roles(self) -> list[model.EmployeeRole]:
        return [model.EmployeeRole(r) for r in self.record.roles]

    @strawberry.field
    def position(self) -> str | None:
        return self.record.position

    @strawberry.field
    def hired(self) -> dt.date | None:
        return self.record.hired

    @strawberry.field
    def email(self) -> str | None:
        return self.record.email

    @strawberry.field
    async def branch(self, info: CtxInfo) -> Branch | None:
        if self.record.branch_id is None:
            return None
        record = await info.context.loaders.branch.load(self.record.branch_id)
        return Branch(record=record) if record else None

    @strawberry.field(description="Customers this employee manages, in your scope.")
    async def customers(
        self,
        info: CtxInfo,
        sort: CustomerSortInput | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Customer]:
        where = CustomerFilterInput(manager_id=strawberry.ID(self.record.id))
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
        return Branch(record=record)

    @strawberry.field
    async def employee(self, info: CtxInfo, id: strawberry.ID) -> Employee:
        record = await info.context.loaders.employee.load(str(id))
        if record is None:
            raise NotFoundError("employee", str(id))
        return Employee(record=record)

    @strawberry.field(description="The caller's employee record, customers and branch.")
    async def me(self, info: CtxInfo) -> Me:
        principal = info.context.principal
        return Me(
            employee=Employee(record=await info.context.me()),
            access_roles=sorted(principal.roles),
            sees_all_branches=await info.context.scope() is None,
        )
