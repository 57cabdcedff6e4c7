"""A party's ties and list entries, and the rest of a customer's full picture (客户视图): fees,
risk warnings, tags, interactions and interests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated

import strawberry

from graph import model, parties
from graph.money import ZERO
from graph.parties import LinkedParty, PartyDetails, ProductFees
from graph.records import FeeRecord, LinkRecord, ListEntryRecord, PartyRecord
from schema.core import details, enums
from schema.core.access import ShownParty, Visibility
from schema.core.context import BatchLoad, CtxInfo, LoaderEnv
from schema.core.convert import from_record
from schema.core.entities import (
    NO_PARTS,
    CustomerBase,
    CustomerRef,
    EmployeeRef,
    ListEntry,
    PartyBase,
    PartyRef,
    ProductRef,
    customer_of,
    employee_by_id,
    list_entry_of,
    party_of,
    product_of,
)
from schema.core.pagination import bounded
from schema.core.selection import from_selection


async def _list_entries(env: LoaderEnv, ids: list[str]) -> list[list[ListEntryRecord]]:
    return await parties.list_entries_by_parties(env.db, ids)


LIST_ENTRIES: BatchLoad[str, list[ListEntryRecord]] = BatchLoad("list_entries", _list_entries)


@strawberry.type(
    description="A tie between two parties, seen from the party whose links these are."
)
class PartyLink:
    # Plain fields filled from the record, not resolver methods: a 360 shows dozens of links and
    # a plain field costs a fraction of a resolver call (see schema/core/executor.py).
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
        description="What the linked party is to this one (FAMILY_OF), as role says: on a "
        "parent's links their child reads CHILD, on the child's the parent reads PARENT."
    )
    amount: Decimal | None = strawberry.field(
        description="Guaranteed amount in CNY, exact (GUARANTEES)."
    )
    since: dt.date | None
    until: dt.date | None = strawberry.field(description="Last day of the tie, inclusive.")
    current: bool = strawberry.field(
        description="The tie holds today: since absent or not after today, until absent or not "
        "before today."
    )
    other: strawberry.Private[ShownParty]

    @classmethod
    def of(cls, record: LinkedParty, other: ShownParty) -> PartyLink:
        link = record.link
        return cls(
            type=model.LinkType(link.type),
            role=enums.LINK_ROLES[(link.type, link.outgoing)],
            share=link.share,
            voting_share=link.voting_share,
            title=link.title,
            position=link.position,
            payroll_with_us=link.payroll_with_us,
            relation=_relation_of_other(link),
            amount=link.amount,
            since=link.since,
            until=link.until,
            current=link.current,
            other=other,
        )

    @strawberry.field
    def party(self) -> PartyRef:
        return party_of(self.other)


def _relation_of_other(link: LinkRecord) -> model.FamilyRelation | None:
    """A FAMILY_OF tie records what its subject is to the relative: seen from the subject, the
    linked party (the relative) is the reciprocal of that."""
    if link.relation is None:
        return None
    recorded = model.FamilyRelation(link.relation)
    return recorded.reciprocal() if link.outgoing else recorded


def visible_links(got: PartyDetails, visibility: Visibility) -> list[PartyLink]:
    assert got.links is not None
    return [PartyLink.of(link, shown) for link, shown in visibility.keep(got.links.items, _other)]


def _other(link: LinkedParty) -> PartyRecord:
    return link.party


def _links_part(
    info: CtxInfo,
    types: Sequence[model.LinkType] | None,
    first: int | None,
    include_ended: bool | None,
) -> details.LinksPart:
    return details.links_part(types, first, from_selection(info, details.links_full), include_ended)


# The includeEnded argument of linkedParties.
IncludeEndedTies = Annotated[
    bool | None,
    strawberry.argument(
        description="Every tie, ended (or not yet begun) ones too, not only those that hold "
        "today; `current` tells which."
    ),
]
LINKED_PARTIES = (
    "Owners, executives, employer, family and other ties: those that hold today unless "
    "includeEnded."
)


@strawberry.type
class PartyLinkFields(PartyBase):
    @strawberry.field(description="The customer view of this party, if it is a customer.")
    def customer(self, info: CtxInfo) -> CustomerRef | None:
        if not self.record.is_customer:
            return None
        return customer_of(self.record, from_selection(info, details.parts_for))

    @strawberry.field(description=LINKED_PARTIES)
    async def linked_parties(
        self,
        info: CtxInfo,
        types: list[model.LinkType] | None = None,
        first: int | None = details.DEFAULT_LINKS,
        include_ended: IncludeEndedTies = False,
    ) -> list[PartyLink]:
        part = _links_part(info, types, first, include_ended)
        got = await details.fetch_details(info, self.id, NO_PARTS, details.LINKS, part)
        return visible_links(got, info.context.visibility)

    @strawberry.field(description="Prohibition (禁止名单) and access (准入名单) list entries.")
    async def list_entries(self, info: CtxInfo) -> list[ListEntry]:
        entries = await info.context.loaders[LIST_ENTRIES].load(self.record.id)
        return [list_entry_of(e) for e in entries]


@strawberry.type(description="A service fee (服务费) for one billing period.")
class Fee:
    id: strawberry.ID
    period: str
    billed: Decimal
    paid: Decimal
    owed: Decimal = strawberry.field(description="应缴未缴: billed minus paid.")
    billed_on: dt.date
    due_on: dt.date
    paid_on: dt.date | None
    days_overdue: int = strawberry.field(
        description="Days past the due date while still owed; 0 otherwise."
    )
    status: model.FeeStatus

    @classmethod
    def of(cls, record: FeeRecord, today: dt.date) -> Fee:
        return from_record(
            cls,
            record,
            days_overdue=record.days_overdue(today),
            status=record.status(today),
        )


@strawberry.type(description="Fees for one product: totals and the most recent fee items.")
class ProductFeeDetail:
    # Plain fields rather than resolver methods, as in PartyLink.
    billed: Decimal
    paid: Decimal
    owed: Decimal
    overdue: Decimal
    overdue_count: int
    record: strawberry.Private[ProductFees]
    today: strawberry.Private[dt.date]

    @classmethod
    def of(cls, record: ProductFees, today: dt.date) -> ProductFeeDetail:
        return from_record(cls, record, today=today)

    @strawberry.field
    def product(self) -> ProductRef:
        return product_of(self.record.product)

    @strawberry.field(description="Most recent fee items first, at most itemsPerProduct.")
    def items(self) -> list[Fee]:
        return [Fee.of(f, self.today) for f in self.record.fees]


@strawberry.type(description="Service fees billed, paid, owed (应缴未缴) and overdue (逾期).")
class FeeSummary:
    by_product: list[ProductFeeDetail]

    @strawberry.field
    def billed(self) -> Decimal:
        return sum((p.record.billed for p in self.by_product), ZERO)

    @strawberry.field
    def paid(self) -> Decimal:
        return sum((p.record.paid for p in self.by_product), ZERO)

    @strawberry.field
    def owed(self) -> Decimal:
        return sum((p.record.owed for p in self.by_product), ZERO)

    @strawberry.field
    def overdue(self) -> Decimal:
        return sum((p.record.overdue for p in self.by_product), ZERO)

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
        return await employee_by_id(info, self.employee_id)


@strawberry.type(description="How often the customer engaged with one topic.")
class Interest:
    topic: str
    browse: int
    comment: int
    share: int

    @strawberry.field(description="browse + 2×comment + 3×share: a share says most.")
    def score(self) -> int:
        return self.browse + 2 * self.comment + 3 * self.share


def _tag_groups(got: PartyDetails) -> list[TagGroup]:
    groups: dict[str, list[Tag]] = {}
    for tag in got.tags or []:
        groups.setdefault(tag.category, []).append(from_record(Tag, tag))
    return [
        TagGroup(category=model.TagCategory(category), tags=tags)
        for category, tags in groups.items()
    ]


@strawberry.type
class CustomerPictureFields(CustomerBase):
    @strawberry.field(description="Service fees: totals and per-product detail.")
    def fees(
        self, info: CtxInfo, items_per_product: int | None = details.DEFAULT_FEE_ITEMS
    ) -> FeeSummary:
        today = info.context.today
        return details.customer_part(
            self,
            info,
            details.FEE_ITEMS,
            bounded(items_per_product, details.DEFAULT_FEE_ITEMS),
            lambda got: FeeSummary(
                by_product=[ProductFeeDetail.of(p, today) for p in got.fees or []]
            ),
        )

    @strawberry.field(description="Risk warnings (风险预警), open first.")
    def risk_warnings(
        self, info: CtxInfo, first: int | None = details.DEFAULT_WARNINGS
    ) -> list[RiskWarning]:
        return details.customer_part(
            self,
            info,
            details.WARNINGS,
            bounded(first, details.DEFAULT_WARNINGS),
            lambda got: [from_record(RiskWarning, w) for w in got.warnings or []],
        )

    @strawberry.field
    def tags(self, info: CtxInfo) -> list[Tag]:
        return details.customer_part(
            self,
            info,
            details.TAGS,
            True,
            lambda got: [from_record(Tag, t) for t in got.tags or []],
        )

    @strawberry.field(description="Tags grouped by category (basic, credit and risk, …).")
    def tags_by_category(self, info: CtxInfo) -> list[TagGroup]:
        return details.customer_part(self, info, details.TAGS, True, _tag_groups)

    @strawberry.field(description="Most recent interactions with pushed content.")
    def interactions(
        self, info: CtxInfo, first: int | None = details.DEFAULT_INTERACTIONS
    ) -> list[Interaction]:
        return details.customer_part(
            self,
            info,
            details.INTERACTIONS,
            bounded(first, details.DEFAULT_INTERACTIONS),
            lambda got: [from_record(Interaction, e) for e in got.interactions or []],
        )

    @strawberry.field(description="Interest per topic from browse/comment/share counts, top first.")
    def interest_summary(self, info: CtxInfo) -> list[Interest]:
        return details.customer_part(
            self,
            info,
            details.INTERESTS,
            True,
            lambda got: [from_record(Interest, i) for i in got.interests or []],
        )

    @strawberry.field(description=LINKED_PARTIES)
    def linked_parties(
        self,
        info: CtxInfo,
        types: list[model.LinkType] | None = None,
        first: int | None = details.DEFAULT_LINKS,
        include_ended: IncludeEndedTies = False,
    ) -> list[PartyLink]:
        visibility = info.context.visibility
        return details.customer_part(
            self,
            info,
            details.LINKS,
            _links_part(info, types, first, include_ended),
            lambda got: visible_links(got, visibility),
        )
