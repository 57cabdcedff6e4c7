"""The product view (产品视图): issuer, underwriters, holders and the holders' segments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from graph.db import Database
from graph.money import ZERO, from_fen
from graph.parties import Scope, group_by
from graph.records import (
    HoldingRecord,
    Page,
    PartyRecord,
    ProductRecord,
    SegmentCount,
    record,
)
from queries import Q


@dataclass(frozen=True, slots=True)
class ProductFilter:
    type: str | None = None
    status: str | None = None
    risk_rating: str | None = None
    issuer_id: str | None = None


@dataclass(frozen=True, slots=True)
class HoldersKey:
    """A page of one product's holders, hashable so DataLoaders can batch and cache by it."""

    product_id: str
    offset: int
    first: int
    include_ended: bool  # ended positions too, not only the current ones

    def param(self) -> dict[str, Any]:
        return {"id": self.product_id, "offset": self.offset, "first": self.first}


@record
class Underwriter:
    party: PartyRecord
    role: str
    share: float | None


@record
class Holder:
    holding: HoldingRecord
    party: PartyRecord


@dataclass(frozen=True)
class HolderPage(Page[Holder]):
    total_amount: Decimal = ZERO


async def products_by_ids(db: Database, ids: Sequence[str]) -> list[ProductRecord | None]:
    rows = await db.read(Q.products_by_ids, {"ids": list(ids)})
    found = {r["product"]["id"]: ProductRecord.from_map(r["product"]) for r in rows}
    return [found.get(i) for i in ids]


async def products_page(
    db: Database, where: ProductFilter, offset: int, first: int
) -> Page[ProductRecord]:
    rows = await db.read(
        Q.products_page,
        {
            "type": where.type,
            "status": where.status,
            "risk_rating": where.risk_rating,
            "issuer_id": where.issuer_id,
            "offset": offset,
            "first": first,
        },
    )
    row = rows[0]
    return Page([ProductRecord.from_map(p) for p in row["page"]], row["total"], offset)


async def every_product(db: Database, page_size: int = 1000) -> dict[str, ProductRecord]:
    """Every product by id (the bank has hundreds), read a page at a time."""
    found: dict[str, ProductRecord] = {}
    offset = 0
    while True:
        page = await products_page(db, ProductFilter(), offset, page_size)
        found.update((product.id, product) for product in page.items)
        offset += page_size
        if offset >= page.total:
            return found


async def issuers_by_products(db: Database, ids: Sequence[str]) -> list[PartyRecord | None]:
    rows = await db.read(Q.issuers_by_products, {"ids": list(ids)})
    found = {r["product_id"]: PartyRecord.from_map(r["party"]) for r in rows}
    return [found.get(i) for i in ids]


async def underwriters_by_products(db: Database, ids: Sequence[str]) -> list[list[Underwriter]]:
    grouped = group_by(await db.read(Q.underwriters_by_products, {"ids": list(ids)}), "product_id")
    return [
        [
            Underwriter(PartyRecord.from_map(r["party"]), r["role"], r["share"])
            for r in grouped.get(i, [])
        ]
        for i in ids
    ]


async def holders_pages(
    db: Database, keys: Sequence[HoldersKey], scope: Scope, today: dt.date
) -> list[HolderPage]:
    """Each key's page, one statement for the keys that agree on ended positions (usually all)."""
    rows_by_key: dict[HoldersKey, dict[str, Any]] = {}
    for include_ended in sorted({k.include_ended for k in keys}):
        batch = [k for k in keys if k.include_ended == include_ended]
        rows = await db.read(
            Q.holders_of_products,
            {
                "keys": [k.param() for k in batch],
                "top": max(k.offset + k.first for k in batch),
                "include_ended": include_ended,
                "today": today,
                "scope": scope,
            },
        )
        # Keyed by the whole page request: two aliases may ask for different pages of one product.
        for r in rows:
            rows_by_key[HoldersKey(r["product_id"], r["offset"], r["first"], include_ended)] = r
    pages: list[HolderPage] = []
    for key in keys:
        row = rows_by_key.get(key)
        if row is None:
            pages.append(HolderPage([], 0, key.offset))
            continue
        items = [
            Holder(HoldingRecord.from_map(h["holding"]), PartyRecord.from_map(h["party"]))
            for h in row["holders"]
        ]
        pages.append(HolderPage(items, row["total"], key.offset, from_fen(row["total_amount_fen"])))
    return pages


async def holder_segments_by_products(
    db: Database, ids: Sequence[str], include_ended: bool, scope: Scope, today: dt.date
) -> list[list[SegmentCount]]:
    rows = await db.read(
        Q.holder_segments_by_products,
        {"ids": list(ids), "include_ended": include_ended, "scope": scope, "today": today},
    )
    grouped = group_by(rows, "product_id")
    return [[SegmentCount.from_map(r) for r in grouped.get(i, [])] for i in ids]
