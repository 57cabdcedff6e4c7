"""A person's corporate background (公私联动): every company they own (directly and through chains
of companies), run, legally represent or work for, and what the bank does with each."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import pairwise

import strawberry

from graph import linkage, model
from graph.linkage import Background, BackgroundEntry
from graph.linkage_model import CORE_CORPORATE
from schema.core.access import ShownParty, Visibility
from schema.core.context import BatchLoad, CtxInfo, LoaderEnv, ParamKey, by_param
from schema.core.entities import (
    CompanyRef,
    EmployeeRef,
    PartyRef,
    PersonBase,
    company_of,
    employee_by_id,
    party_of,
)
from schema.linkage.links import fraction


@strawberry.type(description="One ownership path: the parties from the owner down to the company.")
class OwnershipPath:
    share: Decimal = strawberry.field(description="The product of the stakes along the path.")
    stakes: list[Decimal] = strawberry.field(description="Each hop's stake, in order.")
    members: strawberry.Private[list[ShownParty]]

    @strawberry.field(description="The owner first, the company last.")
    def parties(self) -> list[PartyRef]:
        return [party_of(p) for p in self.members]


@strawberry.type(description="A company in a person's corporate background.")
class CompanyTie:
    roles: list[model.CompanyRole] = strawberry.field(
        description="What the person is to the company now; empty when they hold it only through "
        "other companies."
    )
    title: str | None = strawberry.field(description="Executive title (高管), e.g. 董事长.")
    position: str | None = strawberry.field(description="Position held, for an employee.")
    direct_share: Decimal | None = strawberry.field(description="The person's own stake.")
    effective_share: Decimal | None = strawberry.field(
        description="Stakes multiplied along every ownership path and summed (穿透持股), over the "
        "companies you may see; null when the person owns none of it."
    )
    path_count: int = strawberry.field(description="Ownership paths counted in effectiveShare.")
    payroll_with_us: bool = strawberry.field(
        description="The company runs its payroll with us (代发), or the employment says so."
    )
    is_customer: bool = strawberry.field(description="The company is our customer.")
    segment: model.Segment | None
    holds: list[model.ProductType] = strawberry.field(
        description="Core corporate products it holds with us (settlement, payroll, loans, …)."
    )
    lacks: list[model.ProductType] = strawberry.field(description="Core products it does not.")
    shown: strawberry.Private[ShownParty]
    manager_id: strawberry.Private[str | None]
    paths: strawberry.Private[list[OwnershipPath]]

    @strawberry.field
    def company(self) -> CompanyRef:
        return company_of(self.shown)

    @strawberry.field(description="The company's primary customer manager (客户经理).")
    async def manager(self, info: CtxInfo) -> EmployeeRef | None:
        return await employee_by_id(info, self.manager_id)

    @strawberry.field(description="The strongest ownership paths (at most 5), strongest first.")
    def ownership_paths(self) -> list[OwnershipPath]:
        return self.paths


def _tie(
    entry: BackgroundEntry, background: Background, visibility: Visibility, person: ShownParty
) -> CompanyTie | None:
    company = visibility.shown(entry.company.party)
    if company is None:
        return None
    paths = []
    for ids, share in entry.effective.paths if entry.effective else ():
        members = [person] + [visibility.shown(background.companies[i].party) for i in ids[1:]]
        if any(m is None for m in members):
            continue
        paths.append(
            OwnershipPath(
                share=fraction(share) or Decimal(0),
                stakes=[fraction(background.stakes[hop]) or Decimal(0) for hop in pairwise(ids)],
                members=[m for m in members if m is not None],
            )
        )
    executive = next((t for t in entry.ties if t.type == "EXECUTIVE_OF"), None)
    employment = next((t for t in entry.ties if t.type == "EMPLOYED_BY"), None)
    held = entry.company.held
    return CompanyTie(
        roles=entry.roles,
        title=executive.title if executive else None,
        position=employment.position if employment else None,
        direct_share=fraction(entry.direct_share),
        effective_share=fraction(entry.effective.share) if entry.effective else None,
        path_count=entry.effective.path_count if entry.effective else 0,
        payroll_with_us=entry.payroll_with_us,
        is_customer=company.is_customer,
        segment=model.Segment(company.segment) if company.segment else None,
        holds=[p for p in CORE_CORPORATE if p in held],
        lacks=entry.company.lacks,
        shown=company,
        manager_id=entry.company.manager_id,
        paths=paths,
    )


async def _backgrounds(env: LoaderEnv, ids: list[str], as_of: dt.date) -> list[Background]:
    return await linkage.corporate_backgrounds(env.db, ids, as_of, env.visibility.cypher_scope)


BACKGROUNDS: BatchLoad[ParamKey[dt.date], Background] = BatchLoad(
    "corporate_backgrounds", by_param(_backgrounds)
)


@strawberry.type
class PersonLinkageFields(PersonBase):
    @strawberry.field(
        description="Every company this person owns (directly, and through chains of companies), "
        "runs, legally represents or works for (公私联动), as of a date (today by default), among "
        "the companies you may see: the companies they control first."
    )
    async def corporate_background(
        self, info: CtxInfo, as_of: dt.date | None = None
    ) -> list[CompanyTie]:
        key = ParamKey(self.record.id, as_of or info.context.today)
        background = await info.context.loaders[BACKGROUNDS].load(key)
        visibility = info.context.visibility
        ties = (_tie(e, background, visibility, self.record) for e in background.entries)
        return [t for t in ties if t is not None]
