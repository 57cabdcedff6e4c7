"""The bank itself: branches and their hierarchy, employees, a customer's managers and home
branch, and the caller (`me`)."""

from __future__ import annotations

import datetime as dt

import strawberry

from graph import model, org
from graph.records import BranchRecord, EmployeeRecord, Page
from schema.core import details
from schema.core.access import Role
from schema.core.context import BatchLoad, CtxInfo, LoaderEnv, ParamKey, by_param
from schema.core.entities import (
    BranchBase,
    BranchRef,
    CustomerBase,
    EmployeeBase,
    EmployeeRef,
    branch_by_id,
    branch_of,
    employee_of,
)
from schema.core.errors import NotFoundError
from schema.core.loaders import EMPLOYEES
from schema.core.pagination import bounded

DEFAULT_BRANCH_STAFF = 50


async def _children(env: LoaderEnv, ids: list[str]) -> list[list[BranchRecord]]:
    return await org.branch_children(env.db, ids)


async def _staff(env: LoaderEnv, ids: list[str], limit: int) -> list[Page[EmployeeRecord]]:
    return await org.employees_by_branches(env.db, ids, limit)


BRANCH_CHILDREN: BatchLoad[str, list[BranchRecord]] = BatchLoad("branch_children", _children)
BRANCH_STAFF: BatchLoad[ParamKey[int], Page[EmployeeRecord]] = BatchLoad(
    "branch_staff", by_param(_staff)
)


@strawberry.type
class BranchOrgFields(BranchBase):
    @strawberry.field
    async def parent(self, info: CtxInfo) -> BranchRef | None:
        return await branch_by_id(info, self.parent_id)

    @strawberry.field(description="Direct sub-branches.")
    async def children(self, info: CtxInfo) -> list[BranchRef]:
        return [branch_of(b) for b in await info.context.loaders[BRANCH_CHILDREN].load(self.id)]

    @strawberry.field(description="Staff working here now, by name.")
    async def employees(
        self, info: CtxInfo, first: int | None = DEFAULT_BRANCH_STAFF
    ) -> list[EmployeeRef]:
        limit = bounded(first, default=DEFAULT_BRANCH_STAFF)
        page = await info.context.loaders[BRANCH_STAFF].load(ParamKey(self.id, limit))
        return [employee_of(e) for e in page.items]


@strawberry.type
class EmployeeOrgFields(EmployeeBase):
    @strawberry.field
    async def branch(self, info: CtxInfo) -> BranchRef | None:
        return await branch_by_id(info, self.branch_id)


@strawberry.type
class Manager:
    employee: EmployeeRef
    role: model.ManagerRole
    since: dt.date | None


@strawberry.type
class CustomerOrgFields(CustomerBase):
    @strawberry.field
    def home_branch(self, info: CtxInfo) -> BranchRef | None:
        return details.customer_part(
            self,
            info,
            details.BRANCH,
            True,
            lambda got: branch_of(got.branch) if got.branch else None,
        )

    @strawberry.field(description="Customer managers (客户经理), primary first.")
    def managers(self, info: CtxInfo) -> list[Manager]:
        return details.customer_part(
            self,
            info,
            details.MANAGERS,
            True,
            lambda got: [
                Manager(
                    employee=employee_of(m.employee),
                    role=model.ManagerRole(m.role),
                    since=m.since,
                )
                for m in got.managers or []
            ],
        )


@strawberry.type(description="The caller: their employee record, token roles and branch scope.")
class Me:
    employee: EmployeeRef
    access_roles: list[Role]
    sees_all_branches: bool


@strawberry.type
class OrgQuery:
    @strawberry.field
    async def branch(self, info: CtxInfo, id: strawberry.ID) -> BranchRef:
        found = await branch_by_id(info, str(id))
        if found is None:
            raise NotFoundError("branch", str(id))
        return found

    @strawberry.field
    async def employee(self, info: CtxInfo, id: strawberry.ID) -> EmployeeRef:
        record = await info.context.loaders[EMPLOYEES].load(str(id))
        if record is None:
            raise NotFoundError("employee", str(id))
        return employee_of(record)

    @strawberry.field(description="The caller's employee record, customers and branch.")
    def me(self, info: CtxInfo) -> Me:
        caller = info.context.caller
        return Me(
            employee=employee_of(caller.employee),
            access_roles=sorted(caller.principal.roles),
            sees_all_branches=caller.visibility.branches is None,
        )
