"""The bank's entities as GraphQL types: their own fields here, their relations from the areas.

Party (an interface), Person, Company, Customer, Branch, Employee and Product are each composed in
schema/types.py from a base class below (the entity's own properties) and the field groups that
business areas contribute (a customer's holdings from the products area, a branch's customers from
the parties area, …). Areas import only the core, so they cannot import the composed classes: they
annotate with the lazy references below and build objects with the functions below, which use the
classes schema/types.py registers when it is imported (before any schema is built).

A party or customer is built only from a `ShownParty`, which only schema/core/access.py's
Visibility makes: every party an answer holds has passed the access policy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from graph import model
from graph.money import ZERO
from graph.parties import DetailParts, PartyDetails
from graph.records import BranchRecord, EmployeeRecord, ListEntryRecord, ProductRecord
from schema.core.access import ShownParty
from schema.core.context import CtxInfo
from schema.core.convert import from_record
from schema.core.errors import NotFoundError
from schema.core.loaders import BRANCHES, EMPLOYEES, PARTIES, PRODUCTS

if TYPE_CHECKING:
    from schema.types import Branch, Company, Customer, Employee, Party, Person, Product

_COMPOSED = "schema.types"
PartyRef = Annotated["Party", strawberry.lazy(_COMPOSED)]
PersonRef = Annotated["Person", strawberry.lazy(_COMPOSED)]
CompanyRef = Annotated["Company", strawberry.lazy(_COMPOSED)]
CustomerRef = Annotated["Customer", strawberry.lazy(_COMPOSED)]
BranchRef = Annotated["Branch", strawberry.lazy(_COMPOSED)]
EmployeeRef = Annotated["Employee", strawberry.lazy(_COMPOSED)]
ProductRef = Annotated["Product", strawberry.lazy(_COMPOSED)]

NO_PARTS = DetailParts()


@strawberry.type
class PartyBase:
    id: strawberry.ID
    name: str
    party_type: model.PartyType
    region: str | None
    is_customer: bool
    record: strawberry.Private[ShownParty]

    @strawberry.field(description="Masked unless the caller has compliance or admin.")
    def phone(self, info: CtxInfo) -> str | None:
        return info.context.caller.identifier(self.record.phone)

    @strawberry.field(description="Masked unless the caller has compliance or admin.")
    def address(self, info: CtxInfo) -> str | None:
        return info.context.caller.address(self.record.address)

    @strawberry.field(description="On an active prohibition list (禁止名单).")
    def on_prohibition_list(self) -> bool:
        return self.record.listed


@strawberry.type
class PersonBase:
    gender: str | None
    occupation: str | None
    record: strawberry.Private[ShownParty]

    @strawberry.field(
        description="Null unless the caller has compliance or admin: with the visible digits of "
        "a masked national ID it would give the hidden ones away. birthYear is for everyone."
    )
    def birth_date(self, info: CtxInfo) -> dt.date | None:
        return info.context.caller.birth_date(self.record.birth_date)

    @strawberry.field(description="Year of birth, shown to every caller.")
    def birth_year(self) -> int | None:
        return self.record.birth_date.year if self.record.birth_date else None

    @strawberry.field(description="National ID (身份证号); masked unless compliance or admin.")
    def national_id(self, info: CtxInfo) -> str | None:
        return info.context.caller.identifier(self.record.national_id)


@strawberry.type
class CompanyBase:
    credit_code: str | None = strawberry.field(
        description="Unified social credit code (统一社会信用代码)."
    )
    industry: str | None
    size: model.CompanySize | None
    registered_capital: Decimal | None = strawberry.field(description="CNY, exact.")
    founded: dt.date | None
    institution_type: model.InstitutionType | None = strawberry.field(
        description="Set when the company is a financial institution."
    )
    record: strawberry.Private[ShownParty]


@strawberry.type
class CustomerBase:
    id: strawberry.ID
    name: str
    party_type: model.PartyType
    since: dt.date | None = strawberry.field(description="Customer since.")
    segment: model.Segment | None = strawberry.field(
        description="分类分层 as loaded from the source system; computedSegment has relgraph's."
    )
    value_tier: model.ValueTier | None = strawberry.field(
        description="As loaded from the source system; computedSegment has relgraph's."
    )
    need_type: model.NeedType | None = strawberry.field(
        description="As loaded from the source system; computedSegment has relgraph's."
    )
    risk_tolerance: model.RiskLevel | None
    assets: Decimal = strawberry.field(description="Sum of current holdings, CNY, exact.")
    on_prohibition_list: bool = strawberry.field(
        description="On an active prohibition list (禁止名单)."
    )
    record: strawberry.Private[ShownParty]
    # What the caller's selection of this customer asks for (schema/core/details.py), and those
    # details when they were fetched with the customer.
    parts: strawberry.Private[DetailParts]
    fetched: strawberry.Private[PartyDetails | None]

    @strawberry.field(description="The person or company profile.")
    def party(self) -> PartyRef:
        return party_of(self.record)


@strawberry.type
class BranchBase:
    id: strawberry.ID
    name: str
    kind: model.BranchKind
    region: str | None
    city: str | None
    parent_id: strawberry.Private[str | None]


@strawberry.type
class EmployeeBase:
    id: strawberry.ID
    name: str
    roles: list[model.EmployeeRole]
    position: str | None
    hired: dt.date | None
    email: str | None
    branch_id: strawberry.Private[str | None]


@strawberry.type
class ProductBase:
    id: strawberry.ID
    name: str
    type: model.ProductType
    risk_rating: model.RiskLevel
    status: model.ProductStatus
    currency: str
    issue_date: dt.date | None
    maturity_date: dt.date | None
    issue_size: Decimal | None = strawberry.field(
        description="Issue size in the product's currency, exact."
    )
    coupon_rate: float | None
    record: strawberry.Private[ProductRecord]


@strawberry.type(description="An entry of a prohibition (禁止名单) or access (准入名单) list.")
class ListEntry:
    id: strawberry.ID
    list: model.ListKind
    list_name: str
    reason: str | None
    source: str | None
    listed_on: dt.date
    delisted_on: dt.date | None = strawberry.field(
        description="The first day the entry no longer holds; null while it does."
    )
    listed_by: strawberry.ID | None = strawberry.field(
        description="The employee who listed the party through the API (null when loaded)."
    )
    delisted_by: strawberry.ID | None = strawberry.field(
        description="The employee who closed the entry through the API."
    )
    delist_reason: str | None
    record: strawberry.Private[ListEntryRecord]

    @strawberry.field(description="In force today.")
    def active(self, info: CtxInfo) -> bool:
        return self.record.active_on(info.context.today)

    @strawberry.field(description="The party listed.")
    async def party(self, info: CtxInfo) -> PartyRef:
        record = await info.context.loaders[PARTIES].load(self.record.party_id)
        if record is None:
            raise NotFoundError("party", self.record.party_id)
        return party_of(info.context.visibility.require(record))


def list_entry_of(record: ListEntryRecord) -> ListEntry:
    return from_record(ListEntry, record)


@dataclass
class _Composed:
    person: type[Person]
    company: type[Company]
    customer: type[Customer]
    branch: type[Branch]
    employee: type[Employee]
    product: type[Product]


class _Registry:
    composed: _Composed | None = None


def register(
    *,
    person: type[Person],
    company: type[Company],
    customer: type[Customer],
    branch: type[Branch],
    employee: type[Employee],
    product: type[Product],
) -> None:
    """Called once, by schema/types.py, with the composed classes."""
    _Registry.composed = _Composed(person, company, customer, branch, employee, product)


def _classes() -> _Composed:
    composed = _Registry.composed
    if composed is None:
        raise RuntimeError("schema.types registers the entity classes; import it first")
    return composed


def party_of(record: ShownParty) -> Party:
    classes = _classes()
    cls: type[Party] = classes.person if record.party_type == "PERSON" else classes.company
    return from_record(cls, record)


def person_of(record: ShownParty) -> Person:
    if record.party_type != "PERSON":
        raise TypeError(f"{record.id} is not a person")
    return from_record(_classes().person, record)


def company_of(record: ShownParty) -> Company:
    if record.party_type != "COMPANY":
        raise TypeError(f"{record.id} is not a company")
    return from_record(_classes().company, record)


def customer_of(
    record: ShownParty, parts: DetailParts = NO_PARTS, fetched: PartyDetails | None = None
) -> Customer:
    """`parts`: what the caller's selection of this customer will ask for; `fetched`: those
    parts, when the caller fetched them already."""
    return from_record(
        _classes().customer,
        record,
        on_prohibition_list=record.listed,
        assets=record.assets or ZERO,
        parts=parts,
        fetched=fetched,
    )


def branch_of(record: BranchRecord) -> Branch:
    return from_record(_classes().branch, record)


def employee_of(record: EmployeeRecord) -> Employee:
    return from_record(_classes().employee, record)


def product_of(record: ProductRecord) -> Product:
    return from_record(_classes().product, record)


# For fields that hold an id: the record it names, built, or None when the id is absent or names
# nothing on record.


async def branch_by_id(info: CtxInfo, branch_id: str | None) -> BranchRef | None:
    record = await info.context.loaders[BRANCHES].load(branch_id) if branch_id else None
    return branch_of(record) if record else None


async def employee_by_id(info: CtxInfo, employee_id: str | None) -> EmployeeRef | None:
    record = await info.context.loaders[EMPLOYEES].load(employee_id) if employee_id else None
    return employee_of(record) if record else None


async def product_by_id(info: CtxInfo, product_id: str | None) -> ProductRef | None:
    record = await info.context.loaders[PRODUCTS].load(product_id) if product_id else None
    return product_of(record) if record else None
