"""Persons, companies and customers: the customer's full picture (客户视图) and search."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from graph.db import Database
from graph.records import (
    EmployeeRecord,
    FeeRecord,
    HoldingRecord,
    InteractionRecord,
    InterestRecord,
    LinkRecord,
    ListEntryRecord,
    Page,
    PartyRecord,
    ProductRecord,
    RiskWarningRecord,
    TagRecord,
    UnderwritingRecord,
    native,
)

Scope = list[str] | None  # branch ids the caller may see customers of; None = every branch


@dataclass(frozen=True, slots=True)
class PageKey:
    """A page request for one parent, hashable so DataLoaders can batch and cache by it."""

    id: str
    offset: int
    first: int

    def param(self) -> dict[str, Any]:
        return {"id": self.id, "offset": self.offset, "first": self.first}


@dataclass(frozen=True, slots=True)
class CustomerFilter:
    segment: str | None = None
    branch_ids: list[str] | None = None
    manager_id: str | None = None
    tag_id: str | None = None
    product_id: str | None = None
    party_type: str | None = None


@dataclass(frozen=True, slots=True)
class HoldingWithProduct:
    holding: HoldingRecord
    product: ProductRecord


@dataclass(frozen=True, slots=True)
class ProductFees:
    product: ProductRecord
    billed: float
    paid: float
    owed: float
    overdue: float
    overdue_count: int
    fees: list[FeeRecord]


@dataclass(frozen=True, slots=True)
class Manager:
    employee: EmployeeRecord
    role: str
    since: dt.date | None


@dataclass(frozen=True, slots=True)
class LinkedParty:
    link: LinkRecord
    party: PartyRecord


@dataclass(frozen=True, slots=True)
class SearchHit:
    party: PartyRecord
    score: float


def group_by(rows: list[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row[key]].append(row)
    return grouped


async def parties_by_ids(db: Database, ids: Sequence[str]) -> list[PartyRecord | None]:
    rows = await db.read("parties_by_ids", {"ids": list(ids)})
    found = {r["party"]["id"]: PartyRecord.from_map(r["party"]) for r in rows}
    return [found.get(i) for i in ids]


async def customers_page(
    db: Database,
    scope: Scope,
    where: CustomerFilter,
    sort: str,
    descending: bool,
    offset: int,
    first: int,
) -> Page[PartyRecord]:
    rows = await db.read(
        "customers_page",
        {
            "scope": scope,
            "segment": where.segment,
            "branch_ids": where.branch_ids,
            "manager_id": where.manager_id,
            "tag_id": where.tag_id,
            "product_id": where.product_id,
            "party_type": where.party_type,
            "sort": sort,
            "descending": descending,
            "offset": offset,
            "first": first,
        },
    )
    row = rows[0]
    return Page([PartyRecord.from_map(p) for p in row["page"]], row["total"], offset)


async def holdings_pages(db: Database, keys: Sequence[PageKey]) -> list[Page[HoldingWithProduct]]:
    rows = await db.read("holdings_by_holders", {"keys": [k.param() for k in keys]})
    by_id = {r["holder_id"]: r for r in rows}
    pages: list[Page[HoldingWithProduct]] = []
    for key in keys:
        row = by_id.get(key.id)
        if row is None:
            pages.append(Page([], 0, key.offset))
            continue
        items = [
            HoldingWithProduct(HoldingRecord.from_map(h), ProductRecord.from_map(h["product"]))
            for h in row["holdings"]
        ]
        pages.append(Page(items, row["total"], key.offset))
    return pages


async def managers_by_customers(db: Database, ids: Sequence[str]) -> list[list[Manager]]:
    grouped = group_by(await db.read("managers_by_customers", {"ids": list(ids)}), "customer_id")
    return [
        [
            Manager(EmployeeRecord.from_map(r["employee"]), r["role"], native(r["since"]))
            for r in grouped.get(i, [])
        ]
        for i in ids
    ]


async def issued_by_parties(
    db: Database, ids: Sequence[str], limit: int
) -> list[list[ProductRecord]]:
    rows = await db.read("issued_by_parties", {"ids": list(ids), "limit": limit})
    by_id = {r["party_id"]: r["products"] for r in rows}
    return [[ProductRecord.from_map(p) for p in by_id.get(i, [])] for i in ids]


async def underwritten_by_parties(
    db: Database, ids: Sequence[str], limit: int
) -> list[list[tuple[UnderwritingRecord, ProductRecord]]]:
    rows = await db.read("underwritten_by_parties", {"ids": list(ids), "limit": limit})
    by_id = {r["party_id"]: r["underwritings"] for r in rows}
    return [
        [
            (UnderwritingRecord.from_map(u), ProductRecord.from_map(u["product"]))
            for u in by_id.get(i, [])
        ]
        for i in ids
    ]


async def fees_by_parties(
    db: Database, ids: Sequence[str], today: dt.date, per_product: int
) -> list[list[ProductFees]]:
    rows = await db.read(
        "fees_by_parties", {"ids": list(ids), "today": today, "per_product": per_product}
    )
    grouped = group_by(rows, "party_id")
    return [
        [
            ProductFees(
                product=ProductRecord.from_map(r["product"]),
                billed=r["billed"],
                paid=r["paid"],
                owed=r["owed"],
                overdue=r["overdue"],
                overdue_count=r["overdue_count"],
                fees=[FeeRecord.from_map(f) for f in r["fees"]],
            )
            for r in grouped.get(i, [])
        ]
        for i in ids
    ]


async def risk_warnings_by_parties(
    db: Database, ids: Sequence[str], limit: int
) -> list[list[RiskWarningRecord]]:
    rows = await db.read("risk_warnings_by_parties", {"ids": list(ids), "limit": limit})
    by_id = {r["party_id"]: r["warnings"] for r in rows}
    return [[RiskWarningRecord.from_map(w) for w in by_id.get(i, [])] for i in ids]


async def tags_by_parties(db: Database, ids: Sequence[str]) -> list[list[TagRecord]]:
    rows = await db.read("tags_by_parties", {"ids": list(ids)})
    by_id = {r["party_id"]: r["tags"] for r in rows}
    return [[TagRecord.from_map(t) for t in by_id.get(i, [])] for i in ids]


async def interactions_by_parties(
    db: Database, ids: Sequence[str], limit: int
) -> list[list[InteractionRecord]]:
    rows = await db.read("interactions_by_parties", {"ids": list(ids), "limit": limit})
    by_id = {r["party_id"]: r["interactions"] for r in rows}
    return [[InteractionRecord.from_map(x) for x in by_id.get(i, [])] for i in ids]


async def interests_by_parties(db: Database, ids: Sequence[str]) -> list[list[InterestRecord]]:
    grouped = group_by(await db.read("interests_by_parties", {"ids": list(ids)}), "party_id")
    return [[InterestRecord.from_map(r) for r in grouped.get(i, [])] for i in ids]


async def links_by_parties(
    db: Database, ids: Sequence[str], types: list[str] | None, limit: int
) -> list[Page[LinkedParty]]:
    rows = await db.read("links_by_parties", {"ids": list(ids), "types": types, "limit": limit})
    by_id = {r["party_id"]: r for r in rows}
    pages: list[Page[LinkedParty]] = []
    for i in ids:
        row = by_id.get(i)
        if row is None:
            pages.append(Page([], 0, 0))
            continue
        items = [
            LinkedParty(LinkRecord.from_map(x["link"]), PartyRecord.from_map(x["other"]))
            for x in row["links"]
        ]
        pages.append(Page(items, row["total"], 0))
    return pages


async def list_entries_by_parties(db: Database, ids: Sequence[str]) -> list[list[ListEntryRecord]]:
    rows = await db.read("list_entries_by_parties", {"ids": list(ids)})
    by_id = {r["party_id"]: r["entries"] for r in rows}
    return [[ListEntryRecord.from_map(e) for e in by_id.get(i, [])] for i in ids]


async def search_parties(
    db: Database, lucene_query: str, types: list[str] | None, scope: Scope, limit: int
) -> list[SearchHit]:
    rows = await db.read(
        "search_parties", {"text": lucene_query, "types": types, "scope": scope, "limit": limit}
    )
    return [SearchHit(PartyRecord.from_map(r["party"]), r["score"]) for r in rows]
