"""Computed segments: the recompute job, its migration report, and what the API reads of them.

`recompute` pages through every customer, reads their business from the graph as of a day
(queries/segments/segment_business.cypher), classifies it with the rules
(graph/segment_rules.py) and writes the computed segment, value tier and need type beside the
loaded ones (`computed_segment`, … on the customer; the loaded `segment`, `value_tier`,
`need_type` are the source system's and are never written here). Whenever a customer's computed
values are new or differ, a `SegmentChange` node joins the customer's history with the values
before and after. Each run is a `SegmentRun` node; one runs at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tqdm import tqdm

from graph.db import Database
from graph.model import NeedType, Segment, ValueTier
from graph.money import from_fen
from graph.parties import CustomerFilter, count_customers
from graph.records import PartyRecord, SegmentChange, SegmentRun
from graph.segment_rules import Business, Classification, SegmentRules, classify
from queries import Q

PAGE_SIZE = 2000
# A run still marked RUNNING after this long died midway (a killed process): another may start.
STALE_RUN_MINUTES = 30
_RANK = {Segment.KEY: 0, Segment.VALUE: 1, Segment.POTENTIAL: 2}


class SegmentJobRunning(RuntimeError):
    def __init__(self, run_id: str) -> None:
        super().__init__(f"segmentation run {run_id} is still running; try again when it ends")
        self.run_id = run_id


Cell = tuple[str, str]  # (value tier, need type)


@dataclass(frozen=True, slots=True)
class Drop:
    """A customer who fell out of KEY or VALUE: the migration report names each."""

    customer_id: str
    name: str
    previous: Segment
    segment: Segment


@dataclass
class RecomputeReport:
    run_id: str
    version: str
    as_of: dt.date
    customers: int = 0
    first_computed: int = 0
    changed: int = 0
    # (from, to) → customers, for customers computed before whose segment or cell moved.
    segment_moves: Counter[tuple[str, str]] = field(default_factory=Counter)
    cell_moves: Counter[tuple[Cell, Cell]] = field(default_factory=Counter)
    dropped: list[Drop] = field(default_factory=list)
    segments: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


async def recompute(
    db: Database, rules: SegmentRules, as_of: dt.date, *, progress: bool = False
) -> RecomputeReport:
    """Computes every customer's segment, tier and need type as of `as_of` with `rules`.
    Raises SegmentJobRunning when another run has not finished."""
    started = time.perf_counter()
    report = RecomputeReport(uuid.uuid4().hex, rules.version, as_of)
    rows = await db.write(
        Q.segment_run_start,
        {
            "run_id": report.run_id,
            "version": rules.version,
            "as_of": as_of,
            "stale_minutes": STALE_RUN_MINUTES,
        },
    )
    if not rows[0]["started"]:
        raise SegmentJobRunning(rows[0]["run_id"])
    status = "FAILED"
    try:
        total = await count_customers(db, None, CustomerFilter(), as_of)
        window_start = as_of - dt.timedelta(days=rules.window_days)
        # One page is written while the next is read and classified: Neo4j and Python each keep
        # a core busy. Only one write is in flight, so pages commit in order.
        writing: asyncio.Task[Any] | None = None
        with tqdm(
            total=total, desc="segments", unit="customers", disable=not progress, file=sys.stderr
        ) as bar:
            async with _awaited_on_exit(lambda: writing):
                async for page in db.pages(
                    Q.segment_business,
                    {"as_of": as_of, "window_start": window_start},
                    PAGE_SIZE,
                ):
                    writes = [_assess(row, rules, report) for row in page]
                    if writing is not None:
                        await writing
                    writing = asyncio.create_task(
                        db.write(
                            Q.segment_write,
                            {
                                "rows": writes,
                                "run_id": report.run_id,
                                "as_of": as_of,
                                "version": rules.version,
                            },
                            timeout=300.0,
                        )
                    )
                    bar.update(len(page))
        status = "DONE"
        if report.first_computed or report.segment_moves:
            # Peer groups are drawn within segments: the cross-sell counts are out of date.
            await db.write(Q.crosssell_mark_stale)
    finally:
        report.seconds = time.perf_counter() - started
        await db.write(
            Q.segment_run_finish,
            {
                "run_id": report.run_id,
                "status": status,
                "customers": report.customers,
                "first_computed": report.first_computed,
                "changed": report.changed,
                "dropped": len(report.dropped),
            },
        )
    return report


@contextlib.asynccontextmanager
async def _awaited_on_exit(task: Callable[[], asyncio.Task[Any] | None]) -> AsyncIterator[None]:
    """Waits for the last write on the way out; when the block failed, cancels it instead, so no
    write outlives the run that is being closed."""
    try:
        yield
    except BaseException:
        pending = task()
        if pending is not None:
            pending.cancel()
            with contextlib.suppress(BaseException):
                await pending
        raise
    pending = task()
    if pending is not None:
        await pending


def business_of(row: dict[str, Any]) -> Business:
    """One row of segment_business as the rules read it."""
    fen_by_type: dict[str, int] = {}
    new_holdings = 0
    for kind, amount_fen, new, current in row["holdings"]:
        new_holdings += bool(new)
        if current:
            fen_by_type[kind] = fen_by_type.get(kind, 0) + (amount_fen or 0)
    underwriting = sum(
        (
            Decimal(share) * from_fen(issue_size_fen)
            for share, issue_size_fen in row["underwritten"]
        ),
        Decimal(0),
    )
    return Business(
        new_holdings=new_holdings,
        underwritings=len(row["underwritten"]),
        fees_billed=row["fees_billed"],
        holdings_amount=from_fen(sum(fen_by_type.values())),
        fees_paid=from_fen(sum(row["fees_paid_fen"])),
        underwriting_amount=underwriting,
        credit_lines=from_fen(fen_by_type.get("LOAN", 0)),
        linked_customers=row["linked_customers"],
        size=row["size"],
        registered_capital=from_fen(row["registered_capital_fen"]),
        financial_institution=row["institution_type"] is not None,
        amount_by_type={kind: from_fen(fen) for kind, fen in fen_by_type.items()},
    )


def _assess(row: dict[str, Any], rules: SegmentRules, report: RecomputeReport) -> dict[str, Any]:
    """Classifies one customer, tallies the report, and returns the row segment_write stores."""
    result: Classification = classify(business_of(row), rules)
    before = (row["segment"], row["value_tier"], row["need_type"])
    after = (result.segment.value, result.value_tier.value, result.need_type.value)
    report.customers += 1
    report.segments[result.segment.value] += 1
    dropped = False
    if before[0] is None:
        report.first_computed += 1
    elif before != after:
        report.changed += 1
        if before[0] != after[0]:
            report.segment_moves[(before[0], after[0])] += 1
        if before[1:] != after[1:]:
            report.cell_moves[((before[1], before[2]), (after[1], after[2]))] += 1
        previous = Segment(before[0])
        dropped = previous is not Segment.POTENTIAL and _RANK[result.segment] > _RANK[previous]
        if dropped:
            report.dropped.append(Drop(row["id"], row["name"], previous, result.segment))
    return {
        "id": row["id"],
        "segment": after[0],
        "value_tier": after[1],
        "need_type": after[2],
        "frequency": result.frequency,
        "value_score": result.value_score,
        "potential_score": result.potential_score,
        "changed": before != after,
        "dropped": dropped,
        "previous_segment": before[0],
        "previous_value_tier": before[1],
        "previous_need_type": before[2],
    }


# --- what the API reads -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SegmentCounts:
    """Customers of a branch subtree (in a caller's scope) by computed segment and cell."""

    customers: int
    not_computed: int
    segments: dict[Segment, int]
    cells: dict[tuple[ValueTier, NeedType], int]
    source_segments: dict[Segment, int]


async def segment_counts(
    db: Database, branch_ids: Sequence[str], scope: list[str] | None
) -> SegmentCounts:
    rows = await db.read(Q.segment_summary, {"branch_ids": list(branch_ids), "scope": scope})
    segments: Counter[Segment] = Counter()
    cells: Counter[tuple[ValueTier, NeedType]] = Counter()
    source: Counter[Segment] = Counter()
    customers = not_computed = 0
    for row in rows:
        count = row["customers"]
        customers += count
        if row["source_segment"] is not None:
            source[Segment(row["source_segment"])] += count
        if row["segment"] is None:
            not_computed += count
            continue
        segments[Segment(row["segment"])] += count
        cells[(ValueTier(row["value_tier"]), NeedType(row["need_type"]))] += count
    return SegmentCounts(customers, not_computed, dict(segments), dict(cells), dict(source))


@dataclass(frozen=True, slots=True)
class Migration:
    customer: PartyRecord
    change: SegmentChange


async def migrations(
    db: Database,
    branch_ids: Sequence[str],
    scope: list[str] | None,
    since: dt.date,
    dropped_only: bool,
    offset: int,
    first: int,
) -> tuple[list[Migration], int]:
    rows = await db.read(
        Q.segment_migrations,
        {
            "branch_ids": list(branch_ids),
            "scope": scope,
            "since": since,
            "dropped_only": dropped_only,
            "offset": offset,
            "first": first,
        },
    )
    if not rows:
        return [], 0
    page = [
        Migration(PartyRecord.from_map(item["customer"]), SegmentChange.from_map(item["change"]))
        for item in rows[0]["page"]
    ]
    return page, rows[0]["total"]


async def histories(
    db: Database, ids: Sequence[str], offset: int, first: int
) -> list[tuple[list[SegmentChange], int]]:
    rows = await db.read(Q.segment_history, {"ids": list(ids), "offset": offset, "first": first})
    found = {
        row["customer_id"]: ([SegmentChange.from_map(c) for c in row["changes"]], row["total"])
        for row in rows
    }
    return [found.get(i, ([], 0)) for i in ids]


async def last_run(db: Database) -> SegmentRun | None:
    rows = await db.read(Q.segment_last_run)
    return SegmentRun.from_map(rows[0]["run"]) if rows else None
