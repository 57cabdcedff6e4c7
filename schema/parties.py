"""Persons, companies and customers: `party`, `customer`, `customers`, `search`, and the customer's
full picture (客户视图) — profile, managers, holdings, fees, warnings, tags, interests and links."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import strawberry
from strawberry.types import Info

from graph import model
from graph.parties import (
    CustomerFilter,
    DetailParts,
    LinkedParty,
    PartyDetails,
    ProductFees,
    Scope,
)
from graph.records import FeeRecord, PartyRecord
from schema import enums
from schema.access import mask_address, mask_identifier, visible
from schema.context import Context, ParamKey
from schema.convert import from_record
from schema.deferred import now_or_later
from schema.errors import ApiError, ForbiddenError, InvalidArgumentError, NotFoundError
from schema.pagination import Connection, Edge, PageInfo, bounded, edges_and_page_info, page_window
from schema.selection import SelectedField, children_named, from_selection

if TYPE_CHECKING:
    from schema.org import Branch, Employee
    from schema.products import Holding, Product, Underwriting

BranchRef = Annotated["Branch", strawberry.lazy("schema.org")]
EmployeeRef = Annotated["Employee", strawberry.lazy("schema.org")]
ProductRef = Annotated["Product", strawberry.lazy("schema.products")]
HoldingRef = Annotated["Holding", strawberry.lazy("schema.products")]
UnderwritingRef = Annotated["Underwriting", strawberry.lazy("schema.products")]

CtxInfo = Info[Context, None]
T = TypeVar("T")
MAX_SEARCH_TEXT = 100
NO_PARTS = DetailParts()
# Defaults of the list arguments, shared by the resolvers and the selection analysis.
DEFAULT_LINKS = 50
DEFAULT_FEE_ITEMS = 12
DEFAULT_WARNINGS = 20
DEFAULT_INTERACTIONS = 20
DEFAULT_ISSUED = 20
DEFAULT_UNDERWRITTEN = 20


def _masked(info: CtxInfo, value: str | None) -> str | None:
    if value is None or info.context.principal.sees_personal_data:
        return value
    return mask_identifier(value)


@strawberry.interface(description="A person or company, customer or not.")
class Party:
    id: strawberry.ID
    name: str
    party_type: model.PartyType
    region: str | None
    is_customer: bool
    record: strawberry.Private[PartyRecord]

    @strawberry.field(description="Masked unless the caller has compliance or admin.")
    def phone(self, info: CtxInfo) -> str | None:
        return _masked(info, self.record.phone)

    @strawberry.field(description="Masked unless the caller has compliance or admin.")
    def address(self, info: CtxInfo) -> str | None:
        if self.record.address is None or info.context.principal.sees_personal_data:
            return self.record.address
        return mask_address(self.record.address)

    @strawberry.field(description="On an active prohibition list (禁止名单).")
    def on_prohibition_list(self) -> bool:
        return self.record.listed

    @strawberry.field(description="The customer view of this party, if it is a customer.")
    def customer(self, info: CtxInfo) -> Customer | None:
        if not self.record.is_customer:
            return None
        return customer_of(self.record, from_selection(info, parts_for))

    @strawberry.field(description="Owners, executives, employer, family and other ties.")
    async def linked_parties(
        self,
        info: CtxInfo,
        types: list[model.LinkType] | None = None,
        first: int | None = DEFAULT_LINKS,
    ) -> list[PartyLink]:
        return await linked_parties(info, self.id, NO_PARTS, types, first)

    @strawberry.field(description="Prohibition (禁止名单) and access (准入名单) list entries.")
    async def list_entries(self, info: CtxInfo) -> list[ListEntry]:
        entries = await info.context.loaders.list_entries.load(self.record.id)
        return [from_record(ListEntry, e) for e in entries]


@strawberry.type
class Person(Party):
    gender: str | None
    birth_date: dt.date | None
    occupation: str | None

    @strawberry.field(description="National ID (身份证号); masked unless compliance or admin.")
    def national_id(self, info: CtxInfo) -> str | None:
        return _masked(info, self.record.national_id)


@strawberry.type
class Company(Party):
    credit_code: str | None = strawberry.field(
        description="Unified social credit code (统一社会信用代码)."
    )
    industry: str | None
    size: model.CompanySize | None
    registered_capital: float | None
    founded: dt.date | None
    institution_type: model.InstitutionType | None = strawberry.field(
        description="Set when the company is a financial institution."
    )


def party_of(record: PartyRecord) -> Party:
    return from_record(Person if record.party_type == "PERSON" else Company, record)


@dataclass(frozen=True, slots=True)
class Fetched:
    """A customer's details fetched together with the customer, and the caller's scope they were
    fetched under: the customer's fields then answer straight from them."""

    details: PartyDetails
    scope: Scope


def customer_of(
    record: PartyRecord, parts: DetailParts | None = None, fetched: Fetched | None = None
) -> Customer:
    """`parts`: what the caller's selection of this customer will ask for (see `parts_for`);
    `fetched`: those parts, when the caller fetched them already."""
    return from_record(
        Customer,
        record,
        on_prohibition_list=record.listed,
        assets=record.assets or 0.0,
        parts=parts or NO_PARTS,
        fetched=fetched,
    )


@strawberry.type(
    description="A tie between two parties, seen from the party whose links these are."
)
class PartyLink:
    # Plain fields filled from the record, not resolver methods: a 360 shows dozens of links and
    # a plain field costs a fraction of a resolver call (see schema/executor.py).
    type: model.LinkType
    role: enums.LinkRole = strawberry.field(
        description="What the linked party is to this one (OWNER, EMPLOYER, …)."
    )
    share: float | None = strawberry.field(description="Shareholding as a fraction (OWNS).")
    voting_share: float | None
    title: str | None = strawberry.field(description="Executive title (EXECUTIVE_OF), e.g. 董事长.")
    position: str | None = strawberry.field(description="Position held (EMPLOYED_BY).")
    payroll_with_us: bool | None = strawberry.field(
        description="Whether the employer's payroll runs with us (EMPLOYED_BY)."
    )
    relation: model.FamilyRelation | None = strawberry.field(
        description="Family relation (FAMILY_OF), as recorded from its subject."
    )
    amount: float | None = strawberry.field(description="Guaranteed amount in CNY (GUARANTEES).")
    since: dt.date | None
    until: dt.date | None
    record: strawberry.Private[LinkedParty]

    @classmethod
    def of(cls, record: LinkedParty) -> PartyLink:
        link = record.link
        return cls(
            type=model.LinkType(link.type),
            role=enums.LINK_ROLES[(link.type, link.outgoing)],
            share=link.share,
            voting_share=link.voting_share,
            title=link.title,
            position=link.position,
            payroll_with_us=link.payroll_with_us,
            relation=model.FamilyRelation(link.relation) if link.relation else None,
            amount=link.amount,
            since=link.since,
            until=link.until,
            record=record,
        )

    @strawberry.field
    def party(self) -> Party:
        return party_of(self.record.party)


async def linked_parties(
    info: CtxInfo,
    party_id: str,
    shared: DetailParts,
    types: list[model.LinkType] | None,
    first: int | None,
) -> list[PartyLink]:
    part = _links_part(types, first, from_selection(info, _links_full))
    details = await _details(info, party_id, shared, "links", part)
    return _visible_links(details, await info.context.scope())


def _visible_links(details: PartyDetails, scope: Scope) -> list[PartyLink]:
    assert details.links is not None
    return [PartyLink.of(link) for link in details.links.items if visible(link.party, scope)]


@strawberry.type(description="An entry of a prohibition (禁止名单) or access (准入名单) list.")
class ListEntry:
    id: strawberry.ID
    list: model.ListKind
    list_name: str
    reason: str | None
    source: str | None
    listed_on: dt.date
    delisted_on: dt.date | None

    @strawberry.field
    def active(self) -> bool:
        return self.delisted_on is None


@strawberry.type
class Manager:
    employee: EmployeeRef
    role: model.ManagerRole
    since: dt.date | None


@strawberry.type(description="A service fee (服务费) for one billing period.")
class Fee:
    id: strawberry.ID
    period: str
    billed: float
    paid: float
    owed: float = strawberry.field(description="应缴未缴: billed minus paid.")
    billed_on: dt.date
    due_on: dt.date
    paid_on: dt.date | None
    days_overdue: int = strawberry.field(
        description="Days past the due date while still owed; 0 otherwise."
    )
    status: enums.FeeStatus

    @classmethod
    def of(cls, record: FeeRecord, today: dt.date) -> Fee:
        overdue = record.owed > 0 and record.due_on < today
        if record.owed > 0:
            status = enums.FeeStatus.OVERDUE if overdue else enums.FeeStatus.OPEN
        elif record.paid_on is not None and record.paid_on > record.due_on:
            status = enums.FeeStatus.PAID_LATE
        else:
            status = enums.FeeStatus.PAID
        days_overdue = (today - record.due_on).days if overdue else 0
        return from_record(cls, record, days_overdue=days_overdue, status=status)


@strawberry.type(description="Fees for one product: totals and the most recent fee items.")
class ProductFeeDetail:
    # Plain fields rather than resolver methods, as in PartyLink.
    billed: float
    paid: float
    owed: float
    overdue: float
    overdue_count: int
    record: strawberry.Private[ProductFees]
    today: strawberry.Private[dt.date]

    @classmethod
    def of(cls, record: ProductFees, today: dt.date) -> ProductFeeDetail:
        return from_record(cls, record, today=today)

    @strawberry.field
    def product(self) -> ProductRef:
        from schema.products import Product

        return from_record(Product, self.record.product)

    @strawberry.field(description="Most recent fee items first, at most itemsPerProduct.")
    def items(self) -> list[Fee]:
        return [Fee.of(f, self.today) for f in self.record.fees]


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
    id: strawberry.ID
    level: model.WarningLevel
    category: str
    description: str | None
    source: str | None
    raised_on: dt.date
    resolved_on: dt.date | None

    @strawberry.field
    def open(self) -> bool:
        return self.resolved_on is None


@strawberry.type
class Tag:
    id: strawberry.ID
    name: str
    category: model.TagCategory
    score: float | None


@strawberry.type
class TagGroup:
    category: model.TagCategory
    tags: list[Tag]


@strawberry.type(description="A browse, comment or share of pushed content (私域流量).")
class Interaction:
    id: strawberry.ID
    kind: model.InteractionKind
    topic: str
    content_id: str | None
    channel: str | None
    at: dt.datetime
    employee_id: strawberry.Private[str | None]

    @strawberry.field(description="The employee who pushed the content, when known.")
    async def pushed_by(self, info: CtxInfo) -> EmployeeRef | None:
        from schema.org import Employee

        if self.employee_id is None:
            return None
        record = await info.context.loaders.employee.load(self.employee_id)
        return from_record(Employee, record) if record else None


@strawberry.type(description="How often the customer engaged with one topic.")
class Interest:
    topic: str
    browse: int
    comment: int
    share: int

    @strawberry.field(description="browse + 2×comment + 3×share: a share says most.")
    def score(self) -> int:
        return self.browse + 2 * self.comment + 3 * self.share


@strawberry.type(description="A customer and everything the bank knows about them (客户视图).")
class Customer:
    id: strawberry.ID
    name: str
    party_type: model.PartyType
    since: dt.date | None = strawberry.field(description="Customer since.")
    segment: model.Segment | None
    value_tier: model.ValueTier | None
    need_type: model.NeedType | None
    risk_tolerance: model.RiskLevel | None
    assets: float = strawberry.field(description="Sum of current holdings, CNY.")
    on_prohibition_list: bool = strawberry.field(
        description="On an active prohibition list (禁止名单)."
    )
    record: strawberry.Private[PartyRecord]
    parts: strawberry.Private[DetailParts]
    fetched: strawberry.Private[Fetched | None]

    def _part(
        self,
        info: CtxInfo,
        part: str,
        value: Any,
        build: Callable[[PartyDetails, Scope], T],
    ) -> T:
        """`build` applied to this customer's details holding `part` at size `value`: from the
        details fetched with the customer when they hold it, otherwise fetched now, batched with
        the sibling fields and the other parents."""
        fetched = self.fetched
        ready = fetched if fetched is not None and getattr(self.parts, part) == value else None

        async def fetch() -> Fetched:
            details = await _details(info, self.id, self.parts, part, value)
            return Fetched(details, await info.context.scope())

        return now_or_later(ready, fetch, lambda got: build(got.details, got.scope))

    @strawberry.field(description="The person or company profile.")
    def party(self) -> Party:
        return party_of(self.record)

    @strawberry.field
    def home_branch(self, info: CtxInfo) -> BranchRef | None:
        from schema.org import Branch

        return self._part(
            info,
            "branch",
            True,
            lambda details, _: from_record(Branch, details.branch) if details.branch else None,
        )

    @strawberry.field(description="Customer managers (客户经理), primary first.")
    def managers(self, info: CtxInfo) -> list[Manager]:
        from schema.org import Employee

        def build(details: PartyDetails, _: Scope) -> list[Manager]:
            return [
                Manager(
                    employee=from_record(Employee, m.employee),
                    role=model.ManagerRole(m.role),
                    since=m.since,
                )
                for m in details.managers or []
            ]

        return self._part(info, "managers", True, build)

    @strawberry.field(description="Products held, largest position first.")
    def holdings(
        self, info: CtxInfo, first: int | None = None, after: str | None = None
    ) -> Connection[HoldingRef]:
        from schema.products import Holding

        window = page_window(first, after)

        def build(details: PartyDetails, _: Scope) -> Connection[Holding]:
            page = details.holdings
            assert page is not None
            nodes = [
                Holding(record=item.holding, holder=self.record, product_record=item.product)
                for item in page.items
            ]
            return Connection.of(nodes, window[0], page.total)

        return self._part(info, "holdings", window, build)

    @strawberry.field(description="Products this customer issued as 融资人, newest first.")
    def issued_products(
        self, info: CtxInfo, first: int | None = DEFAULT_ISSUED
    ) -> list[ProductRef]:
        from schema.products import Product

        return self._part(
            info,
            "issued",
            bounded(first, DEFAULT_ISSUED),
            lambda details, _: [from_record(Product, p) for p in details.issued or []],
        )

    @strawberry.field(description="Products this institution underwrote, with its role.")
    def underwritings(
        self, info: CtxInfo, first: int | None = DEFAULT_UNDERWRITTEN
    ) -> list[UnderwritingRef]:
        from schema.products import Underwriting

        return self._part(
            info,
            "underwritten",
            bounded(first, DEFAULT_UNDERWRITTEN),
            lambda details, _: [
                Underwriting.of(self.record, product, u.role, u.share)
                for u, product in details.underwritings or []
            ],
        )

    @strawberry.field(description="Service fees: totals and per-product detail.")
    def fees(self, info: CtxInfo, items_per_product: int | None = DEFAULT_FEE_ITEMS) -> FeeSummary:
        today = info.context.today
        return self._part(
            info,
            "fee_items",
            bounded(items_per_product, DEFAULT_FEE_ITEMS),
            lambda details, _: FeeSummary(
                by_product=[ProductFeeDetail.of(p, today) for p in details.fees or []]
            ),
        )

    @strawberry.field(description="Risk warnings (风险预警), open first.")
    def risk_warnings(
        self, info: CtxInfo, first: int | None = DEFAULT_WARNINGS
    ) -> list[RiskWarning]:
        return self._part(
            info,
            "warnings",
            bounded(first, DEFAULT_WARNINGS),
            lambda details, _: [from_record(RiskWarning, w) for w in details.warnings or []],
        )

    @strawberry.field
    def tags(self, info: CtxInfo) -> list[Tag]:
        return self._part(
            info,
            "tags",
            True,
            lambda details, _: [from_record(Tag, t) for t in details.tags or []],
        )

    @strawberry.field(description="Tags grouped by category (basic, credit and risk, …).")
    def tags_by_category(self, info: CtxInfo) -> list[TagGroup]:
        def build(details: PartyDetails, _: Scope) -> list[TagGroup]:
            groups: dict[str, list[Tag]] = {}
            for tag in details.tags or []:
                groups.setdefault(tag.category, []).append(from_record(Tag, tag))
            return [
                TagGroup(category=model.TagCategory(category), tags=tags)
                for category, tags in groups.items()
            ]

        return self._part(info, "tags", True, build)

    @strawberry.field(description="Most recent interactions with pushed content.")
    def interactions(
        self, info: CtxInfo, first: int | None = DEFAULT_INTERACTIONS
    ) -> list[Interaction]:
        return self._part(
            info,
            "interactions",
            bounded(first, DEFAULT_INTERACTIONS),
            lambda details, _: [from_record(Interaction, e) for e in details.interactions or []],
        )

    @strawberry.field(description="Interest per topic from browse/comment/share counts, top first.")
    def interest_summary(self, info: CtxInfo) -> list[Interest]:
        return self._part(
            info,
            "interests",
            True,
            lambda details, _: [from_record(Interest, i) for i in details.interests or []],
        )

    @strawberry.field(description="Owners, executives, employer, family and other ties.")
    def linked_parties(
        self,
        info: CtxInfo,
        types: list[model.LinkType] | None = None,
        first: int | None = DEFAULT_LINKS,
    ) -> list[PartyLink]:
        part = _links_part(types, first, from_selection(info, _links_full))
        return self._part(info, "links", part, _visible_links)


async def _details(
    info: CtxInfo, party_id: str, shared: DetailParts, part: str, value: Any
) -> PartyDetails:
    """The details of one party holding `part` at size `value`. When the parts the parent's
    selection asked for include exactly that, the sibling fields (and the other parties of the
    page) share one statement; otherwise this part is fetched on its own, batched by part."""
    parts = shared if getattr(shared, part) == value else replace(NO_PARTS, **{part: value})
    details: PartyDetails | None = await info.context.loaders.details.load(
        ParamKey(party_id, parts)
    )
    if details is None:
        raise NotFoundError("party", party_id)
    return details


def parts_for(fields: Iterable[SelectedField]) -> DetailParts:
    """The detail parts a Customer selection will ask for, so that one statement serves them all.
    Arguments the resolvers would refuse are left out here; the resolver reports them."""
    wanted: dict[str, Any] = {}
    for field in fields:
        args = field.arguments()
        try:
            match field.name:
                case "homeBranch":
                    wanted["branch"] = True
                case "managers":
                    wanted["managers"] = True
                case "holdings":
                    wanted["holdings"] = page_window(args.get("first"), args.get("after"))
                case "fees":
                    wanted["fee_items"] = bounded(args.get("itemsPerProduct"), DEFAULT_FEE_ITEMS)
                case "riskWarnings":
                    wanted["warnings"] = bounded(args.get("first"), DEFAULT_WARNINGS)
                case "tags" | "tagsByCategory":
                    wanted["tags"] = True
                case "interactions":
                    wanted["interactions"] = bounded(args.get("first"), DEFAULT_INTERACTIONS)
                case "interestSummary":
                    wanted["interests"] = True
                case "linkedParties":
                    wanted["links"] = _links_part(
                        args.get("types"), args.get("first"), _links_full(field.children())
                    )
                case "issuedProducts":
                    wanted["issued"] = bounded(args.get("first"), DEFAULT_ISSUED)
                case "underwritings":
                    wanted["underwritten"] = bounded(args.get("first"), DEFAULT_UNDERWRITTEN)
        except (ApiError, TypeError):
            # A wrongly typed argument never gets this far (validation refuses it); an out-of-range
            # one is reported by the field's own resolver.
            continue
    return replace(NO_PARTS, **wanted)


def _page_parts(fields: Iterable[SelectedField]) -> DetailParts:
    """The parts a connection's selection asks for on each `edges { node }`."""
    return parts_for(children_named(children_named(fields, "edges"), "node"))


def _links_part(
    types: Sequence[str | model.LinkType] | None, first: int | None, full: bool
) -> tuple[tuple[str, ...] | None, int, bool]:
    """Link types come as enum members from resolver arguments and as names from the selection."""
    names = sorted(t.value if isinstance(t, model.LinkType) else str(t) for t in types or ())
    return (tuple(names) or None, bounded(first, DEFAULT_LINKS), full)


# The fields of a linked party that its summary (graph/parties.py, DetailParts.links) answers;
# lists such as linkedParties are fetched by id.
_LINKED_PARTY_SUMMARY = frozenset(
    {
        "__typename",
        "id",
        "name",
        "partyType",
        "region",
        "isCustomer",
        "onProhibitionList",
        "linkedParties",
        "listEntries",
    }
)


def _links_full(link_fields: Iterable[SelectedField]) -> bool:
    """Whether the selection on the links' `party` asks for more than its summary."""
    return any(f.name not in _LINKED_PARTY_SUMMARY for f in children_named(link_fields, "party"))


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
    await ensure_visible(info, record)
    return record


async def ensure_visible(info: CtxInfo, record: PartyRecord) -> None:
    if not await info.context.can_see(record):
        raise ForbiddenError(f"customer {record.id!r} belongs to a branch outside your scope")


@strawberry.type
class PartyQuery:
    @strawberry.field(description="A customer's full picture (客户视图).")
    async def customer(self, info: CtxInfo, id: strawberry.ID) -> Customer:
        # The profile comes with the details the selection asks for: one statement in all. The
        # details of a customer out of scope are fetched but never shown.
        parts = from_selection(info, parts_for)
        details = await info.context.loaders.details.load(ParamKey(str(id), parts))
        if details is None:
            raise NotFoundError("party", str(id))
        record = details.profile
        info.context.loaders.party.prime(record.id, record)
        await ensure_visible(info, record)
        if not record.is_customer:
            raise NotFoundError("customer", str(id))
        return customer_of(record, parts, Fetched(details, await info.context.scope()))

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


@strawberry.type(description="A page of customers; totalCount is counted only when asked for.")
class CustomerConnection:
    edges: list[Edge[Customer]]
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
    from graph.org import branch_subtree_ids
    from graph.parties import count_customers, customers_page

    offset, size = page_window(first, after)
    order = sort or CustomerSortInput()
    db = info.context.db
    branch_ids = await branch_subtree_ids(db, str(where.branch_id)) if where.branch_id else None
    scope = await info.context.scope()
    graph_filter = CustomerFilter(
        segment=where.segment.value if where.segment else None,
        branch_ids=branch_ids,
        manager_id=str(where.manager_id) if where.manager_id else None,
        tag_id=str(where.tag_id) if where.tag_id else None,
        product_id=str(where.product_id) if where.product_id else None,
        party_type=where.party_type.value if where.party_type else None,
    )
    records, has_next = await customers_page(
        db, scope, graph_filter, order.field.value, order.descending, offset, size
    )
    for record in records:
        info.context.loaders.party.prime(record.id, record)
    parts = from_selection(info, _page_parts)
    # The page's details in one statement, fetched now rather than as each field asks: the same
    # statement the loader would batch, and the customers' fields then need no await.
    details: list[PartyDetails | None] = (
        await info.context.loaders.details.load_many([ParamKey(r.id, parts) for r in records])
        if parts != NO_PARTS
        else [None] * len(records)
    )
    customers = [
        customer_of(r, parts, Fetched(d, scope) if d is not None else None)
        for r, d in zip(records, details, strict=True)
    ]
    edges, page_info = edges_and_page_info(customers, offset, has_next)

    async def count() -> int:
        return await count_customers(db, scope, graph_filter)

    return CustomerConnection(edges=edges, page_info=page_info, count=count)
