"""Screening runs (`relgraph screen`, graph/screening.py) read back: `screeningRun`,
`screeningRuns`, `flaggedCustomers`, and on a run the customers it flags that the run before did
not (`newlyFlagged`) and the other way round (`noLongerFlagged`)."""

from __future__ import annotations

import datetime as dt
import json

import strawberry

from graph import screening
from graph.records import FlagRecord, ScreeningRunRecord
from graph.screening import Hit
from schema.compliance.audit import record_look
from schema.compliance.paths import (
    ExposurePath,
    ExposureVia,
    TraversalCut,
    cut_of,
    path_of,
    shown_parties,
    via_of,
)
from schema.core.context import CtxInfo
from schema.core.entities import CustomerRef, PartyRef, customer_of, party_of
from schema.core.errors import NotFoundError
from schema.core.pagination import Connection, page_window


@strawberry.type(description="A listed party a flagged customer is exposed to.")
class ScreeningHit:
    hops: int
    score: float
    path_count: int = strawberry.field(description="How many shortest paths there are.")
    lists: list[str] = strawberry.field(description="The prohibition lists it is on.")
    path: ExposurePath = strawberry.field(
        description="The strongest path, from the customer to the listed party."
    )
    listed_id: strawberry.Private[str]

    @strawberry.field
    async def listed_party(self, info: CtxInfo) -> PartyRef:
        (shown,) = await shown_parties(info, [self.listed_id])
        return party_of(shown)


def _hit(hit: Hit) -> ScreeningHit:
    return ScreeningHit(
        hops=hit.hops,
        score=hit.score,
        path_count=hit.path_count,
        lists=list(hit.lists),
        path=path_of(hit.path, hit.score),
        listed_id=hit.listed_id,
    )


@strawberry.type(description="A customer a screening run flags, with every exposure it found.")
class FlaggedCustomer:
    max_score: float
    min_hops: int
    hits: list[ScreeningHit] = strawberry.field(description="Strongest first.")
    customer_id: strawberry.Private[str]

    @strawberry.field
    async def customer(self, info: CtxInfo) -> CustomerRef:
        (shown,) = await shown_parties(info, [self.customer_id])
        return customer_of(shown)


def _flagged(flag: FlagRecord) -> FlaggedCustomer:
    return FlaggedCustomer(
        max_score=flag.max_score,
        min_hops=flag.min_hops,
        hits=[_hit(h) for h in screening.flag_hits(flag)],
        customer_id=flag.customer_id,
    )


@strawberry.type
class HopCount:
    hops: int
    exposures: int


async def flagged_connection(
    info: CtxInfo,
    kind: str,
    run_id: str,
    *,
    min_score: float,
    unflagged_in: str | None,
    first: int | None,
    after: str | None,
) -> Connection[FlaggedCustomer]:
    offset, size = page_window(first, after)
    flags, total = await screening.flags_page(
        info.context.db,
        run_id,
        min_score=min_score,
        unflagged_in=unflagged_in,
        offset=offset,
        limit=size,
    )
    params = {"minScore": min_score, "comparedWith": unflagged_in, "first": size, "offset": offset}
    await record_look(info, kind, run_id, params, len(flags))
    return Connection.of([_flagged(f) for f in flags], offset, total)


@strawberry.type(description="A screening of every customer (relgraph screen).")
class ScreeningRun:
    id: strawberry.ID
    status: str = strawberry.field(description="RUNNING, COMPLETED or FAILED.")
    started_at: dt.datetime
    finished_at: dt.datetime | None
    started_by: str
    max_hops: int
    as_of: dt.date
    via: list[ExposureVia]
    fanout_cap: int = strawberry.field(description="Parties with more ties were not crossed.")
    seconds: float | None
    customers_screened: int | None
    listed_screened: int | None = strawberry.field(description="Listed parties searched from.")
    flagged_count: int | None = strawberry.field(description="Customers flagged.")
    exposures: int | None = strawberry.field(description="(customer, listed party) pairs.")
    exposures_by_hops: list[HopCount]
    cuts: list[TraversalCut]
    partial: bool
    previous_run_id: strawberry.ID | None = strawberry.field(
        description="The run before, which newlyFlagged and noLongerFlagged compare with."
    )
    newly_flagged_count: int | None
    no_longer_flagged_count: int | None

    @strawberry.field(description="Customers this run flags that the run before did not.")
    async def newly_flagged(
        self, info: CtxInfo, first: int | None = None, after: str | None = None
    ) -> Connection[FlaggedCustomer]:
        return await flagged_connection(
            info,
            "newlyFlagged",
            str(self.id),
            min_score=0.0,
            unflagged_in=self.previous_run_id,
            first=first,
            after=after,
        )

    @strawberry.field(description="Customers the run before flagged that this run does not.")
    async def no_longer_flagged(
        self, info: CtxInfo, first: int | None = None, after: str | None = None
    ) -> Connection[FlaggedCustomer]:
        if self.previous_run_id is None:
            return Connection.of([], 0, 0)
        return await flagged_connection(
            info,
            "noLongerFlagged",
            str(self.previous_run_id),
            min_score=0.0,
            unflagged_in=str(self.id),
            first=first,
            after=after,
        )


def run_of(record: ScreeningRunRecord) -> ScreeningRun:
    cuts = screening.run_cuts(record)
    by_hops = json.loads(record.exposures_by_hops)
    return ScreeningRun(
        id=strawberry.ID(record.id),
        status=record.status,
        started_at=record.started_at,
        finished_at=record.finished_at,
        started_by=record.started_by,
        max_hops=record.max_hops,
        as_of=record.as_of,
        via=via_of(record.types),
        fanout_cap=record.cap,
        seconds=record.seconds,
        customers_screened=record.customers,
        listed_screened=record.listed,
        flagged_count=record.flagged,
        exposures=record.exposures,
        exposures_by_hops=[HopCount(hops=int(h), exposures=n) for h, n in by_hops.items()],
        cuts=[cut_of(c) for c in cuts],
        partial=bool(cuts),
        previous_run_id=strawberry.ID(record.previous_run_id) if record.previous_run_id else None,
        newly_flagged_count=record.newly_flagged,
        no_longer_flagged_count=record.no_longer_flagged,
    )


async def screening_run(info: CtxInfo, run_id: str) -> ScreeningRun:
    info.context.caller.require_compliance()
    (record,) = await screening.runs_by_ids(info.context.db, [run_id])
    if record is None:
        raise NotFoundError("screening run", run_id)
    await record_look(info, "screeningRun", run_id, {}, 1)
    return run_of(record)


async def screening_runs(
    info: CtxInfo, first: int | None, after: str | None
) -> Connection[ScreeningRun]:
    info.context.caller.require_compliance()
    offset, size = page_window(first, after)
    records, total = await screening.runs_page(info.context.db, offset, size)
    await record_look(info, "screeningRuns", "*", {"first": size, "offset": offset}, len(records))
    return Connection.of([run_of(r) for r in records], offset, total)


async def flagged_customers(
    info: CtxInfo, run_id: str, min_score: float, first: int | None, after: str | None
) -> Connection[FlaggedCustomer]:
    info.context.caller.require_compliance()
    (record,) = await screening.runs_by_ids(info.context.db, [run_id])
    if record is None:
        raise NotFoundError("screening run", run_id)
    return await flagged_connection(
        info,
        "flaggedCustomers",
        run_id,
        min_score=min_score,
        unflagged_in=None,
        first=first,
        after=after,
    )
