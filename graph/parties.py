"""Persons, companies and customers: the customer's full picture (客户视图) and search."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from graph.db import Database
from graph.money import from_fen
from graph.records import (
    BranchRecord,
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
    record,
    to_date,
)
from queries import CypherQuery, Q

Scope = list[str] | None  # branch ids the caller may see customers of; None = every branch


# Index matches a search looks through at most, whatever the caller's scope filters out.
SEARCH_MAX_SCAN = 20_000


@dataclass(frozen=True, slots=True)
class CustomerFilter:
    segment: str | None = None
    branch_ids: list[str] | None = None
    manager_id: str | None = None
    tag_id: str | None = None
    product_id: str | None = None
    party_type: str | None = None


@record
class HoldingWithProduct:
    holding: HoldingRecord
    product: ProductRecord


@record
class ProductFees:
    product: ProductRecord
    billed: Decimal
    paid: Decimal
    owed: Decimal
    overdue: Decimal
    overdue_count: int
    fees: list[FeeRecord]


@record
class Manager:
    employee: EmployeeRecord
    role: str
    since: dt.date | None


@record
class LinkedParty:
    link: LinkRecord
    party: PartyRecord


@record
class SearchHit:
    party: PartyRecord
    score: float


def group_by(rows: list[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row[key]].append(row)
    return grouped


async def parties_by_ids(db: Database, ids: Sequence[str]) -> list[PartyRecord | None]:
    rows = await db.read(Q.parties_by_ids, {"ids": list(ids)})
    found = {r["party"]["id"]: PartyRecord.from_map(r["party"]) for r in rows}
    return [found.get(i) for i in ids]


# One statement per sort order: a static ORDER BY lets Neo4j walk the index and stop at the page.
CUSTOMER_PAGE_QUERIES: dict[tuple[str, bool], CypherQuery] = {
    ("NAME", False): Q.customers_by_name_asc,
    ("NAME", True): Q.customers_by_name_desc,
    ("SINCE", False): Q.customers_by_since_asc,
    ("SINCE", True): Q.customers_by_since_desc,
    ("ASSETS", False): Q.customers_by_assets_asc,
    ("ASSETS", True): Q.customers_by_assets_desc,
}


def filter_params(scope: Scope, where: CustomerFilter, today: dt.date) -> dict[str, Any]:
    """The parameters of queries/_parts/customer_filter.cypher."""
    return {
        "scope": scope,
        "segment": where.segment,
        "branch_ids": where.branch_ids,
        "manager_id": where.manager_id,
        "tag_id": where.tag_id,
        "product_id": where.product_id,
        "party_type": where.party_type,
        "today": today,
    }


async def customers_page(
    db: Database,
    scope: Scope,
    where: CustomerFilter,
    today: dt.date,
    sort: str,
    descending: bool,
    offset: int,
    first: int,
) -> tuple[list[PartyRecord], bool]:
    """A page of customers and whether more follow (one extra row is read to tell)."""
    rows = await db.read(
        CUSTOMER_PAGE_QUERIES[(sort, descending)],
        {**filter_params(scope, where, today), "offset": offset, "limit": first + 1},
    )
    records = [PartyRecord.from_map(r["party"]) for r in rows]
    return records[:first], len(records) > first


async def count_customers(db: Database, scope: Scope, where: CustomerFilter, today: dt.date) -> int:
    query, params = await count_statement(db, scope, where, today)
    rows = await db.read(query, params)
    return int(rows[0]["total"])


async def count_statement(
    db: Database, scope: Scope, where: CustomerFilter, today: dt.date
) -> tuple[CypherQuery, dict[str, Any]]:
    """The statement that counts the customers of a list, with its parameters. Every one applies
    the filter and the scope; they differ in where they start, which sets the cost (reading every
    customer is 100-500 ms on a 100,000-customer bank, whatever the filter). A count starts from
    an anchor the filter or the scope names, whose MATCH then stands for that condition of the
    filter (passed null, so each customer's ties are not walked again): a manager's customers
    are the fewest (under 200 there); a product's current holders, a tag's customers and the
    customers of the home branches (the filter's, the scope's) range from a handful to half the
    bank, so when two or more of them apply their sizes are read from the degree store first
    (one more round trip of under 100 database hits) and the smallest is used. Without any, the
    segment index; then the label's count store, or every customer for a party type alone."""
    if where.manager_id is not None:
        return _anchored(
            Q.customers_count_by_manager,
            where.manager_id,
            replace(where, manager_id=None),
            scope,
            today,
        )
    home_branch_ids = _home_branches(scope, where)
    anchors: dict[str, tuple[CypherQuery, str | list[str], CustomerFilter]] = {}
    if where.product_id is not None:
        anchors["product"] = (
            Q.customers_count_by_product,
            where.product_id,
            replace(where, product_id=None),
        )
    if where.tag_id is not None:
        anchors["tag"] = (Q.customers_count_by_tag, where.tag_id, replace(where, tag_id=None))
    if home_branch_ids is not None:
        anchors["branches"] = (
            Q.customers_count_by_branches,
            home_branch_ids,
            replace(where, branch_ids=None),
        )
    if len(anchors) > 1:
        rows = await db.read(
            Q.customer_count_anchors,
            {"product": where.product_id, "tag": where.tag_id, "branches": home_branch_ids},
        )
        smallest = min(anchors, key=lambda anchor: int(rows[0][anchor]))
        return _anchored(*anchors[smallest], scope, today)
    if anchors:
        return _anchored(*next(iter(anchors.values())), scope, today)
    # A caller limited to some branches always has the branches anchor: from here, scope is None.
    if where.segment is not None:
        return Q.customers_count_by_segment, filter_params(scope, where, today)
    if where.party_type is not None:
        return Q.customers_count_by_label, filter_params(scope, where, today)
    return Q.customers_count_all, {}


def _anchored(
    query: CypherQuery,
    anchor: str | list[str],
    rest: CustomerFilter,
    scope: Scope,
    today: dt.date,
) -> tuple[CypherQuery, dict[str, Any]]:
    """A count from `anchor`, with the rest of the filter (the anchor's condition taken out)."""
    return query, {**filter_params(scope, rest, today), "anchor": anchor}


def _home_branches(scope: Scope, where: CustomerFilter) -> list[str] | None:
    """The home branches a listed customer can have, each once: the filter's, the scope's, the
    branches in both; None when neither limits them."""
    if where.branch_ids is None:
        return scope
    if scope is None:
        return sorted(set(where.branch_ids))
    return sorted(set(where.branch_ids) & set(scope))


@dataclass(frozen=True, slots=True)
class DetailParts:
    """Which parts of a party's details to fetch, and how much of each. None (or False) skips a
    part. Hashable, so every party of a page asking for the same parts shares one statement."""

    branch: bool = False
    managers: bool = False
    holdings: tuple[int, int, bool] | None = None  # (offset, first, include ended positions)
    fee_items: int | None = None  # fee items kept per product
    warnings: int | None = None
    tags: bool = False
    interactions: int | None = None
    interests: bool = False
    # (types or all, limit, full, include ended ties): without `full` a linked party comes with
    # its summary only: id, name, region, type, customer flag, home branch and listing.
    links: tuple[tuple[str, ...] | None, int, bool, bool] | None = None
    issued: int | None = None
    underwritten: int | None = None


@record
class PartyDetails:
    """The party's profile and the parts asked for; a part not asked for is None."""

    profile: PartyRecord
    branch: BranchRecord | None
    managers: list[Manager] | None
    holdings: Page[HoldingWithProduct] | None
    fees: list[ProductFees] | None
    warnings: list[RiskWarningRecord] | None
    tags: list[TagRecord] | None
    interactions: list[InteractionRecord] | None
    interests: list[InterestRecord] | None
    links: Page[LinkedParty] | None
    issued: list[ProductRecord] | None
    underwritings: list[tuple[UnderwritingRecord, ProductRecord]] | None


async def party_details(
    db: Database, ids: Sequence[str], parts: DetailParts, today: dt.date
) -> list[PartyDetails | None]:
    holdings_offset, holdings_first, holdings_include_ended = parts.holdings or (0, None, False)
    link_types, link_limit, links_full, links_include_ended = parts.links or (
        None,
        None,
        False,
        False,
    )
    rows = await db.read(
        Q.party_details_by_ids,
        {
            "ids": list(ids),
            "today": today,
            "with_branch": parts.branch,
            "with_managers": parts.managers,
            "holdings_offset": holdings_offset,
            "holdings_first": holdings_first,
            "holdings_include_ended": holdings_include_ended,
            "fee_items": parts.fee_items,
            "warnings": parts.warnings,
            "with_tags": parts.tags,
            "interactions": parts.interactions,
            "with_interests": parts.interests,
            "links": link_limit,
            "link_types": list(link_types) if link_types is not None else None,
            "links_full": links_full,
            "links_include_ended": links_include_ended,
            "issued": parts.issued,
            "underwritten": parts.underwritten,
        },
    )
    by_id = {row["party_id"]: _details(row, parts, holdings_offset) for row in rows}
    return [by_id.get(i) for i in ids]


def _details(row: dict[str, Any], parts: DetailParts, holdings_offset: int) -> PartyDetails:
    return PartyDetails(
        profile=PartyRecord.from_map(row["party"]),
        branch=BranchRecord.from_map(row["branch"]) if row["branch"] else None,
        managers=[
            Manager(EmployeeRecord.from_map(m["employee"]), m["role"], to_date(m["since"]))
            for m in row["managers"]
        ]
        if parts.managers
        else None,
        holdings=Page(
            [
                HoldingWithProduct(HoldingRecord.from_map(h), ProductRecord.from_map(h["product"]))
                for h in row["holdings"]
            ],
            row["holdings_total"],
            holdings_offset,
        )
        if parts.holdings
        else None,
        fees=[
            ProductFees(
                product=ProductRecord.from_map(f["product"]),
                billed=from_fen(f["billed_fen"]),
                paid=from_fen(f["paid_fen"]),
                owed=from_fen(f["owed_fen"]),
                overdue=from_fen(f["overdue_fen"]),
                overdue_count=f["overdue_count"],
                fees=[FeeRecord.from_map(item) for item in f["fees"]],
            )
            for f in row["fees"]
        ]
        if parts.fee_items is not None
        else None,
        warnings=[RiskWarningRecord.from_map(w) for w in row["warnings"]]
        if parts.warnings is not None
        else None,
        tags=[TagRecord.from_map(t) for t in row["tags"]] if parts.tags else None,
        interactions=[InteractionRecord.from_map(i) for i in row["interactions"]]
        if parts.interactions is not None
        else None,
        interests=[InterestRecord.from_map(i) for i in row["interests"]]
        if parts.interests
        else None,
        links=Page(
            [
                LinkedParty(
                    LinkRecord.from_map(x["link"]),
                    PartyRecord.from_map(
                        x["other"] if x["other_rest"] is None else {**x["other"], **x["other_rest"]}
                    ),
                )
                for x in row["links"]
            ],
            row["links_total"],
            0,
        )
        if parts.links
        else None,
        issued=[ProductRecord.from_map(p) for p in row["issued"]]
        if parts.issued is not None
        else None,
        underwritings=[
            (UnderwritingRecord.from_map(u), ProductRecord.from_map(u["product"]))
            for u in row["underwritings"]
        ]
        if parts.underwritten is not None
        else None,
    )


async def list_entries_by_parties(db: Database, ids: Sequence[str]) -> list[list[ListEntryRecord]]:
    rows = await db.read(Q.list_entries_by_parties, {"ids": list(ids)})
    by_id = {r["party_id"]: r["entries"] for r in rows}
    return [[ListEntryRecord.from_map(e) for e in by_id.get(i, [])] for i in ids]


async def search_parties(
    db: Database, lucene_query: str, types: list[str] | None, scope: Scope, limit: int
) -> list[SearchHit]:
    """The best `limit` full-text matches the caller may see. The index ranks them, so it is asked
    for a few times `limit` matches first, and for more only when the type and scope filters
    leave too few."""
    return await _search(
        db, Q.search_parties, {"text": lucene_query}, types, scope, limit, limit * 5
    )


async def search_names_containing(
    db: Database, words: list[str], types: list[str] | None, scope: Scope, limit: int
) -> list[SearchHit]:
    """The `limit` names containing every word that the caller may see, the largest share of the
    name matched first: for words the full-text index cannot find (a lone Chinese character).
    The text index returns names in no useful order, so every match up to SEARCH_MAX_SCAN is
    ranked at once (50-100 ms for a common surname on a 100,000-customer bank)."""
    params = {"words": words, "anchor": max(words, key=len)}
    return await _search(
        db, Q.search_names_containing, params, types, scope, limit, SEARCH_MAX_SCAN
    )


async def _search(
    db: Database,
    query: CypherQuery,
    params: dict[str, Any],
    types: list[str] | None,
    scope: Scope,
    limit: int,
    cap: int,
) -> list[SearchHit]:
    """Asks for `cap` matches; when the type and scope filters leave fewer than `limit` and the
    index has more, asks again for four times as many, up to SEARCH_MAX_SCAN matches in all."""
    while True:
        rows = await db.read(
            query, {**params, "types": types, "scope": scope, "limit": limit, "cap": cap}
        )
        found, scanned = rows[0]["found"], rows[0]["scanned"]
        if len(found) >= limit or scanned < cap or cap >= SEARCH_MAX_SCAN:
            return [SearchHit(PartyRecord.from_map(f["party"]), f["score"]) for f in found]
        cap = min(cap * 4, SEARCH_MAX_SCAN)
