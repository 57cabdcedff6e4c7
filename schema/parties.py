"""Persons, companies and customers: `party`, `customer`, `customers`, `search`, and the customer's
full picture (客户视图) — profile, managers, holdings, fees, warnings, tags, interests and links."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from graph import model
from graph.parties import CustomerFilter, LinkedParty, PageKey, ProductFees
from graph.records import (
    FeeRecord,
    InteractionRecord,
    InterestRecord,
    ListEntryRecord,
    PartyRecord,
    RiskWarningRecord,
    TagRecord,
)
from schema import enums
from schema.access import mask_address, mask_identifier
from schema.context import Context, ParamKey
from schema.errors import ForbiddenError, InvalidArgumentError, NotFoundError
from schema.pagination import Connection, bounded, page_window

if TYPE_CHECKING:
    from schema.org import Branch, Employee
    from schema.products import Holding, Product, Underwriting

BranchRef = Annotated["Branch", strawberry.lazy("schema.org")]
EmployeeRef = Annotated["Employee", strawberry.lazy("schema.org")]
ProductRef = Annotated["Product", strawberry.lazy("schema.products")]
HoldingRef = Annotated["Holding", strawberry.lazy("schema.products")]
UnderwritingRef = Annotated["Underwriting", strawberry.lazy("schema.products")]

CtxInfo = Info[Context, None]
MAX_SEARCH_TEXT = 100


def _masked(info: CtxInfo, value: str | None) -> str | None:
    if value is None or info.context.principal.sees_personal_data:
        return value
    return mask_identifier(value)


@strawberry.interface(description="A person or company, customer or not.")
class Party:
    record: strawberry.Private[PartyRecord]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.id)

    @strawberry.field
    def name(self) -> str:
        return self.record.name

    @strawberry.field
    def party_type(self) -> model.PartyType:
        return model.PartyType(self.record.party_type)

    @strawberry.field
    def region(self) -> str | None:
        return self.record.region

    @strawberry.field(description="Masked unless the caller has compliance or admin.")
    def phone(self, info: CtxInfo) -> str | None:
        return _masked(info, self.record.phone)

    @strawberry.field(description="Masked unless the caller has compliance or admin.")
    def address(self, info: CtxInfo) -> str | None:
        if self.record.address is None or info.context.principal.sees_personal_data:
            return self.record.address
        return mask_address(self.record.address)

    @strawberry.field
    def is_customer(self) -> bool:
        return self.record.is_customer

    @strawberry.field(description="On an active prohibition list (禁止名单).")
    def on_prohibition_list(self) -> bool:
        return self.record.listed

    @strawberry.field(description="The customer view of this party, if it is a customer.")
    def customer(self) -> Customer | None:
        return Customer(record=self.record) if self.record.is_customer else None

    @strawberry.field(description="Owners, executives, employer, family and other ties.")
    async def linked_parties(
        self, info: CtxInfo, types: list[enums.LinkType] | None = None, first: int | None = 50
    ) -> list[PartyLink]:
        return await linked_parties(info, self.record.id, types, first)

    @strawberry.field(description="Prohibition (禁止名单) and access (准入名单) list entries.")
    async def list_entries(self, info: CtxInfo) -> list[ListEntry]:
        entries = await info.context.loaders.list_entries.load(self.record.id)
        return [ListEntry(record=e) for e in entries]


@strawberry.type
class Person(Party):
    @strawberry.field
    def gender(self) -> str | None:
        return self.record.gender

    @strawberry.field
    def birth_date(self) -> dt.date | None:
        return self.record.birth_date

    @strawberry.field(description="National ID (身份证号); masked unless compliance or admin.")
    def national_id(self, info: CtxInfo) -> str | None:
        return _masked(info, self.record.national_id)

    @strawberry.field
    def occupation(self) -> str | None:
        return self.record.occupation


@strawberry.type
class Company(Party):
    @strawberry.field(description="Unified social credit code (统一社会信用代码).")
    def credit_code(self) -> str | None:
        return self.record.credit_code

    @strawberry.field
    def industry(self) -> str | None:
        return self.record.industry

    @strawberry.field
    def size(self) -> model.CompanySize | None:
        return model.CompanySize(self.record.size) if self.record.size else None

    @strawberry.field
    def registered_capital(self) -> float | None:
        return self.record.registered_capital

    @strawberry.field
    def founded(self) -> dt.date | None:
        return self.record.founded

    @strawberry.field(description="Set when the company is a financial institution.")
    def institution_type(self) -> model.InstitutionType | None:
        kind = self.record.institution_type
        return model.InstitutionType(kind) if kind else None


def party_of(record: PartyRecord) -> Party:
    return Person(record=record) if record.party_type == "PERSON" else Company(record=record)


@strawberry.type(
    description="A tie between two parties, seen from the party whose links these are."
)
class PartyLink:
    record: strawberry.Private[LinkedParty]

    @strawberry.field
    def type(self) -> enums.LinkType:
        return enums.LinkType(self.record.link.type)

    @strawberry.field(description="What the linked party is to this one (OWNER, EMPLOYER, …).")
    def role(self) -> enums.LinkRole:
        return enums.LINK_ROLES[(self.record.link.type, self.record.link.outgoing)]

    @strawberry.field
    def party(self) -> Party:
        return party_of(self.record.party)

    @strawberry.field(description="Shareholding as a fraction (OWNS).")
    def share(self) -> float | None:
        return self.record.link.share

    @strawberry.field
    def voting_share(self) -> float | None:
        return self.record.link.voting_share

    @strawberry.field(description="Executive title (EXECUTIVE_OF), e.g. 董事长.")
    def title(self) -> str | None:
        return self.record.link.title

    @strawberry.field(description="Position held (EMPLOYED_BY).")
    def position(self) -> str | None:
        return self.record.link.position

    @strawberry.field(description="Whether the employer's payroll runs with us (EMPLOYED_BY).")
    def payroll_with_us(self) -> bool | None:
        return self.record.link.payroll_with_us

    @strawberry.field(description="Family relation (FAMILY_OF), as recorded from its subject.")
    def relation(self) -> model.FamilyRelation | None:
        relation = self.record.link.relation
        return model.FamilyRelation(relation) if relation else None

    @strawberry.field(description="Guaranteed amount in CNY (GUARANTEES).")
    def amount(self) -> float | None:
        return self.record.link.amount

    @strawberry.field
    def since(self) -> dt.date | None:
        return self.record.link.since

    @strawberry.field
    def until(self) -> dt.date | None:
        return self.record.link.until


async def linked_parties(
    info: CtxInfo, party_id: str, types: list[enums.LinkType] | None, first: int | None
) -> list[PartyLink]:
    limit = bounded(first, default=50)
    type_key = tuple(sorted(t.value for t in types)) if types else None
    page = await info.context.loaders.links.load(ParamKey(party_id, (type_key, limit)))
    seen = await info.context.visible_only(page.items, lambda link: link.party)
    return [PartyLink(record=link) for link in seen]


@strawberry.type
class ListEntry:
    record: strawberry.Private[ListEntryRecord]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.id)

    @strawberry.field
    def list(self) -> model.ListKind:
        return model.ListKind(self.record.list)

    @strawberry.field
    def list_name(self) -> str:
        return self.record.list_name

    @strawberry.field
    def reason(self) -> str | None:
        return self.record.reason

    @strawberry.field
    def source(self) -> str | None:
        return self.record.source

    @strawberry.field
    def listed_on(self) -> dt.date:
        return self.record.listed_on

    @strawberry.field
    def delisted_on(self) -> dt.date | None:
        return self.record.delisted_on

    @strawberry.field
    def active(self) -> bool:
        return self.record.delisted_on is None


@strawberry.type
class Manager:
    employee: EmployeeRef
    role: model.ManagerRole
    since: dt.date | None


@strawberry.type(description="A service fee (服务费) for one billing period.")
class Fee:
    record: strawberry.Private[FeeRecord]
    today: strawberry.Private[dt.date]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.id)

    @strawberry.field
    def period(self) -> str:
        return self.record.period

    @strawberry.field
    def billed(self) -> float:
        return self.record.billed

    @strawberry.field
    def paid(self) -> float:
        return self.record.paid

    @strawberry.field(description="应缴未缴: billed minus paid.")
    def owed(self) -> float:
        return self.record.owed

    @strawberry.field
    def billed_on(self) -> dt.date:
        return self.record.billed_on

    @strawberry.field
    def due_on(self) -> dt.date:
        return self.record.due_on

    @strawberry.field
    def paid_on(self) -> dt.date | None:
        return self.record.paid_on

    @strawberry.field(description="Days past the due date while still owed; 0 otherwise.")
    def days_overdue(self) -> int:
        if self.record.owed > 0 and self.record.due_on < self.today:
            return (self.today - self.record.due_on).days
        return 0

    @strawberry.field
    def status(self) -> enums.FeeStatus:
        if self.record.owed > 0:
            overdue = self.record.due_on < self.today
            return enums.FeeStatus.OVERDUE if overdue else enums.FeeStatus.OPEN
        paid_on = self.record.paid_on
        late = paid_on is not None and paid_on > self.record.due_on
        return enums.FeeStatus.PAID_LATE if late else enums.FeeStatus.PAID


@strawberry.type(description="Fees for one product: totals and the most recent fee items.")
class ProductFeeDetail:
    record: strawberry.Private[ProductFees]
    today: strawberry.Private[dt.date]

    @strawberry.field
    def product(self) -> ProductRef:
        from schema.products import Product

        return Product(record=self.record.product)

    @strawberry.field
    def billed(self) -> float:
        return self.record.billed

    @strawberry.field
    def paid(self) -> float:
        return self.record.paid

    @strawberry.field
    def owed(self) -> float:
        return self.record.owed

    @strawberry.field
    def overdue(self) -> float:
        return self.record.overdue

    @strawberry.field
    def overdue_count(self) -> int:
        return self.record.overdue_count

    @strawberry.field(description="Most recent fee items first, at most itemsPerProduct.")
    def items(self) -> list[Fee]:
        return [Fee(record=f, today=self.today) for f in self.record.fees]


@strawberry.type(description="Service fees billed, paid, owed (应缴未缴) and overdue (逾期).")
class FeeSummary:
    by_product: list[ProductFeeDetail]

    @strawberry.field
    def billed(self) -> float:
        return round(sum(p.record.billed for p in self.by_product), 2)

    @strawberry.field
    def paid(self) -> float:
        return round(sum(p.record.paid for p in self.by_product), 2)

    @strawberry.field
    def owed(self) -> float:
        return round(sum(p.record.owed for p in self.by_product), 2)

    @strawberry.field
    def overdue(self) -> float:
        return round(sum(p.record.overdue for p in self.by_product), 2)

    @strawberry.field
    def overdue_count(self) -> int:
        return sum(p.record.overdue_count for p in self.by_product)


@strawberry.type(description="A risk warning (风险预警).")
class RiskWarning:
    record: strawberry.Private[RiskWarningRecord]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.id)

    @strawberry.field
    def level(self) -> model.WarningLevel:
        return model.WarningLevel(self.record.level)

    @strawberry.field
    def category(self) -> str:
        return self.record.category

    @strawberry.field
    def description(self) -> str | None:
        return self.record.description

    @strawberry.field
    def source(self) -> str | None:
        return self.record.source

    @strawberry.field
    def raised_on(self) -> dt.date:
        return self.record.raised_on

    @strawberry.field
    def resolved_on(self) -> dt.date | None:
        return self.record.resolved_on

    @strawberry.field
    def open(self) -> bool:
        return self.record.resolved_on is None


@strawberry.type
class Tag:
    record: strawberry.Private[TagRecord]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.id)

    @strawberry.field
    def name(self) -> str:
        return self.record.name

    @strawberry.field
    def category(self) -> model.TagCategory:
        return model.TagCategory(self.record.category)

    @strawberry.field
    def score(self) -> float | None:
        return self.record.score


@strawberry.type
class TagGroup:
    category: model.TagCategory
    tags: list[Tag]


@strawberry.type(description="A browse, comment or share of pushed content (私域流量).")
class Interaction:
    record: strawberry.Private[InteractionRecord]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.id)

    @strawberry.field
    def kind(self) -> model.InteractionKind:
        return model.InteractionKind(self.record.kind)

    @strawberry.field
    def topic(self) -> str:
        return self.record.topic

    @strawberry.field
    def content_id(self) -> str | None:
        return self.record.content_id

    @strawberry.field
    def channel(self) -> str | None:
        return self.record.channel

    @strawberry.field
    def at(self) -> dt.datetime:
        return self.record.at

    @strawberry.field(description="The employee who pushed the content, when known.")
    async def pushed_by(self, info: CtxInfo) -> EmployeeRef | None:
        from schema.org import Employee

        if self.record.employee_id is None:
            return None
        record = await info.context.loaders.employee.load(self.record.employee_id)
        return Employee(record=record) if record else None


@strawberry.type(description="How often the customer engaged with one topic.")
class Interest:
    record: strawberry.Private[InterestRecord]

    @strawberry.field
    def topic(self) -> str:
        return self.record.topic

    @strawberry.field
    def browse(self) -> int:
        return self.record.browse

    @strawberry.field
    def comment(self) -> int:
        return self.record.comment

    @strawberry.field
    def share(self) -> int:
        return self.record.share

    @strawberry.field(description="browse + 2×comment + 3×share: a share says most.")
    def score(self) -> int:
        return self.record.browse + 2 * self.record.comment + 3 * self.record.share


@strawberry.type(description="A customer and everything the bank knows about them (客户视图).")
class Customer:
    record: strawberry.Private[PartyRecord]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.id)

    @strawberry.field
    def name(self) -> str:
        return self.record.name

    @strawberry.field
    def party_type(self) -> model.PartyType:
        return model.PartyType(self.record.party_type)

    @strawberry.field(description="The person or company profile.")
    def party(self) -> Party:
        return party_of(self.record)

    @strawberry.field(description="Customer since.")
    def since(self) -> dt.date | None:
        return self.record.since

    @strawberry.field
    def segment(self) -> model.Segment | None:
        return model.Segment(self.record.segment) if self.record.segment else None

    @strawberry.field
    def value_tier(self) -> model.ValueTier | None:
        return model.ValueTier(self.record.value_tier) if self.record.value_tier else None

    @strawberry.field
    def need_type(self) -> model.NeedType | None:
        return model.NeedType(self.record.need_type) if self.record.need_type else None

    @strawberry.field
    def risk_tolerance(self) -> model.RiskLevel | None:
        tolerance = self.record.risk_tolerance
        return model.RiskLevel(tolerance) if tolerance else None

    @strawberry.field(description="Sum of current holdings, CNY.")
    def assets(self) -> float:
        return self.record.assets or 0.0

    @strawberry.field(description="On an active prohibition list (禁止名单).")
    def on_prohibition_list(self) -> bool:
        return self.record.listed

    @strawberry.field
    async def home_branch(self, info: CtxInfo) -> BranchRef | None:
        from schema.org import Branch

        if self.record.home_branch_id is None:
            return None
        record = await info.context.loaders.branch.load(self.record.home_branch_id)
        return Branch(record=record) if record else None

    @strawberry.field(description="Customer managers (客户经理), primary first.")
    async def managers(self, info: CtxInfo) -> list[Manager]:
        from schema.org import Employee

        assigned = await info.context.loaders.managers.load(self.record.id)
        return [
            Manager(
                employee=Employee(record=m.employee),
                role=model.ManagerRole(m.role),
                since=m.since,
            )
            for m in assigned
        ]

    @strawberry.field(description="Products held, largest position first.")
    async def holdings(
        self, info: CtxInfo, first: int | None = None, after: str | None = None
    ) -> Connection[HoldingRef]:
        from schema.products import Holding

        offset, size = page_window(first, after)
        page = await info.context.loaders.holdings.load(PageKey(self.record.id, offset, size))
        for item in page.items:
            info.context.loaders.product.prime(item.product.id, item.product)
        nodes = [Holding(record=item.holding, holder=self.record) for item in page.items]
        return Connection.of(nodes, offset, page.total)

    @strawberry.field(description="Products this customer issued as 融资人, newest first.")
    async def issued_products(self, info: CtxInfo, first: int | None = 20) -> list[ProductRef]:
        from schema.products import Product

        limit = bounded(first)
        issued = await info.context.loaders.issued.load(ParamKey(self.record.id, limit))
        return [Product(record=p) for p in issued]

    @strawberry.field(description="Products this institution underwrote, with its role.")
    async def underwritings(self, info: CtxInfo, first: int | None = 20) -> list[UnderwritingRef]:
        from schema.products import Underwriting

        limit = bounded(first)
        rows = await info.context.loaders.underwritten.load(ParamKey(self.record.id, limit))
        return [Underwriting.of(self.record, product, u.role, u.share) for u, product in rows]

    @strawberry.field(description="Service fees: totals and per-product detail.")
    async def fees(self, info: CtxInfo, items_per_product: int | None = 12) -> FeeSummary:
        per = bounded(items_per_product, default=12)
        products = await info.context.loaders.fees.load(ParamKey(self.record.id, per))
        today = info.context.today
        return FeeSummary(by_product=[ProductFeeDetail(record=p, today=today) for p in products])

    @strawberry.field(description="Risk warnings (风险预警), open first.")
    async def risk_warnings(self, info: CtxInfo, first: int | None = 20) -> list[RiskWarning]:
        limit = bounded(first)
        warnings = await info.context.loaders.risk_warnings.load(ParamKey(self.record.id, limit))
        return [RiskWarning(record=w) for w in warnings]

    @strawberry.field
    async def tags(self, info: CtxInfo) -> list[Tag]:
        return [Tag(record=t) for t in await info.context.loaders.tags.load(self.record.id)]

    @strawberry.field(description="Tags grouped by category (basic, credit and risk, …).")
    async def tags_by_category(self, info: CtxInfo) -> list[TagGroup]:
        groups: dict[str, list[Tag]] = {}
        for tag in await info.context.loaders.tags.load(self.record.id):
            groups.setdefault(tag.category, []).append(Tag(record=tag))
        return [
            TagGroup(category=model.TagCategory(category), tags=tags)
            for category, tags in groups.items()
        ]

    @strawberry.field(description="Most recent interactions with pushed content.")
    async def interactions(self, info: CtxInfo, first: int | None = 20) -> list[Interaction]:
        limit = bounded(first)
        events = await info.context.loaders.interactions.load(ParamKey(self.record.id, limit))
        return [Interaction(record=e) for e in events]

    @strawberry.field(description="Interest per topic from browse/comment/share counts, top first.")
    async def interest_summary(self, info: CtxInfo) -> list[Interest]:
        interests = await info.context.loaders.interests.load(self.record.id)
        return [Interest(record=i) for i in interests]

    @strawberry.field(description="Owners, executives, employer, family and other ties.")
    async def linked_parties(
        self, info: CtxInfo, types: list[enums.LinkType] | None = None, first: int | None = 50
    ) -> list[PartyLink]:
        return await linked_parties(info, self.record.id, types, first)


@strawberry.input
class CustomerFilterInput:
    segment: model.Segment | None = None
    branch_id: strawberry.ID | None = strawberry.field(
        default=None, description="Customers of this branch and its sub-branches."
    )
    manager_id: strawberry.ID | None = None
    tag_id: strawberry.ID | None = None
    product_id: strawberry.ID | None = strawberry.field(
        default=None, description="Customers holding this product."
    )
    party_type: model.PartyType | None = None


@strawberry.input
class CustomerSortInput:
    field: enums.CustomerSort = enums.CustomerSort.NAME
    descending: bool = False


@strawberry.type
class SearchHit:
    party: Party
    score: float
    highlighted: str = strawberry.field(description="The name with matched parts in <em>…</em>.")


def lucene_terms(text: str) -> str:
    """Each word of the caller's text as a quoted Lucene phrase, all required: inside quotes only
    `"` and `\\` are special, so operators such as OR or *:* are searched as plain text."""
    phrases = []
    for word in text.split():
        escaped = word.replace("\\", "\\\\").replace('"', '\\"')
        phrases.append(f'"{escaped}"')
    return " AND ".join(phrases)


def highlight(name: str, text: str) -> str:
    """Marks the parts of `name` that match the search text (whole words or CJK bigrams)."""
    marked = [False] * len(name)
    lowered = name.lower()
    for word in text.lower().split():
        pieces = {word} | {word[i : i + 2] for i in range(len(word) - 1)}
        for piece in pieces:
            for match in re.finditer(re.escape(piece), lowered):
                for i in range(match.start(), match.end()):
                    marked[i] = True
    out: list[str] = []
    for i, ch in enumerate(name):
        if marked[i] and (i == 0 or not marked[i - 1]):
            out.append("<em>")
        out.append(ch)
        if marked[i] and (i == len(name) - 1 or not marked[i + 1]):
            out.append("</em>")
    return "".join(out)


async def load_visible_party(info: CtxInfo, party_id: str) -> PartyRecord:
    record: PartyRecord | None = await info.context.loaders.party.load(party_id)
    if record is None:
        raise NotFoundError("party", party_id)
    if not await info.context.can_see(record):
        raise ForbiddenError(f"customer {party_id!r} belongs to a branch outside your scope")
    return record


@strawberry.type
class PartyQuery:
    @strawberry.field(description="A customer's full picture (客户视图).")
    async def customer(self, info: CtxInfo, id: strawberry.ID) -> Customer:
        record = await load_visible_party(info, str(id))
        if not record.is_customer:
            raise NotFoundError("customer", str(id))
        return Customer(record=record)

    @strawberry.field(description="Any person or company, customer or not.")
    async def party(self, info: CtxInfo, id: strawberry.ID) -> Party:
        return party_of(await load_visible_party(info, str(id)))

    @strawberry.field(description="Customers in your scope, filtered and sorted, paginated.")
    async def customers(
        self,
        info: CtxInfo,
        filter: CustomerFilterInput | None = None,
        sort: CustomerSortInput | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Customer]:
        return await customers_connection(info, filter or CustomerFilterInput(), sort, first, after)

    @strawberry.field(description="Full-text search over person and company names (中文 by part).")
    async def search(
        self,
        info: CtxInfo,
        text: str,
        types: list[model.PartyType] | None = None,
        first: int | None = 20,
    ) -> list[SearchHit]:
        from graph.parties import search_parties

        cleaned = text.strip()
        if not cleaned:
            raise InvalidArgumentError("'text' must not be empty")
        if len(cleaned) > MAX_SEARCH_TEXT:
            raise InvalidArgumentError(f"'text' is longer than {MAX_SEARCH_TEXT} characters")
        limit = bounded(first)
        hits = await search_parties(
            info.context.db,
            lucene_terms(cleaned),
            [t.value for t in types] if types else None,
            await info.context.scope(),
            limit,
        )
        return [
            SearchHit(
                party=party_of(h.party), score=h.score, highlighted=highlight(h.party.name, cleaned)
            )
            for h in hits
        ]


async def customers_connection(
    info: CtxInfo,
    where: CustomerFilterInput,
    sort: CustomerSortInput | None,
    first: int | None,
    after: str | None,
) -> Connection[Customer]:
    from graph.org import branch_subtree_ids
    from graph.parties import customers_page

    offset, size = page_window(first, after)
    order = sort or CustomerSortInput()
    db = info.context.db
    branch_ids = await branch_subtree_ids(db, str(where.branch_id)) if where.branch_id else None
    page = await customers_page(
        db,
        await info.context.scope(),
        CustomerFilter(
            segment=where.segment.value if where.segment else None,
            branch_ids=branch_ids,
            manager_id=str(where.manager_id) if where.manager_id else None,
            tag_id=str(where.tag_id) if where.tag_id else None,
            product_id=str(where.product_id) if where.product_id else None,
            party_type=where.party_type.value if where.party_type else None,
        ),
        order.field.value,
        order.descending,
        offset,
        size,
    )
    for record in page.items:
        info.context.loaders.party.prime(record.id, record)
    return Connection.of([Customer(record=r) for r in page.items], offset, page.total)
