"""Segmentation (分类分层, seed 000; the value × need matrix, seed 001): each customer's computed
segment and its history, a branch's split by segment and matrix cell, who moved, and the admin
mutation that recomputes them all.

The loaded `Customer.segment`, `valueTier` and `needType` stay the source system's values;
everything here is relgraph's own, computed from what customers do (graph/segments.py).
"""

from __future__ import annotations

import datetime as dt

import strawberry

from graph import model, segments
from graph.org import branch_subtree_ids
from graph.records import SegmentChange as ChangeRecord
from graph.records import SegmentRun as RunRecord
from graph.rulebook import Rulebook
from graph.segments import RecomputeReport, SegmentJobRunning
from schema.core.access import Role
from schema.core.context import BatchLoad, CtxInfo, LoaderEnv, ParamKey, by_param
from schema.core.convert import enum_or_none, from_record
from schema.core.entities import BranchRef, CustomerBase, CustomerRef, branch_of, customer_of
from schema.core.errors import ConflictError, NotFoundError
from schema.core.loaders import BRANCHES
from schema.core.pagination import Connection, page_window


@strawberry.type(
    description="A segment, value tier and need type relgraph computed from what the customer "
    "does (its rules: config/segmentation.toml), beside the source system's Customer.segment, "
    "valueTier and needType."
)
class ComputedSegment:
    segment: model.Segment
    value_tier: model.ValueTier
    need_type: model.NeedType
    rules_version: str = strawberry.field(description="Version of the rules that computed it.")
    computed_on: dt.date = strawberry.field(description="The day it was computed for.")
    frequency: float = strawberry.field(
        description="Business frequency: weighted new holdings, underwritings and fees billed "
        "in the look-back window."
    )
    value_score: float = strawberry.field(description="Value, 0 to 1.")
    potential_score: float = strawberry.field(description="Potential, 0 to 1.")


@strawberry.type(description="One entry of a customer's computed-segment history: what changed.")
class SegmentChange:
    on: dt.date = strawberry.field(description="The day the run computed for.")
    at: dt.datetime = strawberry.field(description="When it was computed.")
    rules_version: str
    segment: model.Segment
    value_tier: model.ValueTier
    need_type: model.NeedType
    previous_segment: model.Segment | None = strawberry.field(
        description="Null for the customer's first computation."
    )
    previous_value_tier: model.ValueTier | None
    previous_need_type: model.NeedType | None
    dropped: bool = strawberry.field(description="Fell from KEY or VALUE to a lower segment.")
    frequency: float
    value_score: float
    potential_score: float

    @classmethod
    def of(cls, change: ChangeRecord) -> SegmentChange:
        return cls(
            on=change.on,
            at=change.at,
            rules_version=change.version,
            segment=model.Segment(change.segment),
            value_tier=model.ValueTier(change.value_tier),
            need_type=model.NeedType(change.need_type),
            previous_segment=enum_or_none(model.Segment, change.previous_segment),
            previous_value_tier=enum_or_none(model.ValueTier, change.previous_value_tier),
            previous_need_type=enum_or_none(model.NeedType, change.previous_need_type),
            dropped=change.dropped,
            frequency=change.frequency,
            value_score=change.value_score,
            potential_score=change.potential_score,
        )


async def _histories(
    env: LoaderEnv, ids: list[str], window: tuple[int, int]
) -> list[tuple[list[ChangeRecord], int]]:
    return await segments.histories(env.db, ids, *window)


HISTORIES: BatchLoad[ParamKey[tuple[int, int]], tuple[list[ChangeRecord], int]] = BatchLoad(
    "segment_histories", by_param(_histories)
)


@strawberry.type
class CustomerSegmentFields(CustomerBase):
    @strawberry.field(
        description="relgraph's computed segment, value tier and need type; null until "
        "`relgraph segments recompute` (or recomputeSegments) has run."
    )
    def computed_segment(self) -> ComputedSegment | None:
        party = self.record
        if (
            party.computed_segment is None
            or party.computed_value_tier is None
            or party.computed_need_type is None
            or party.computed_segment_on is None
        ):
            return None
        return ComputedSegment(
            segment=model.Segment(party.computed_segment),
            value_tier=model.ValueTier(party.computed_value_tier),
            need_type=model.NeedType(party.computed_need_type),
            rules_version=party.computed_segment_version or "",
            computed_on=party.computed_segment_on,
            frequency=party.segment_frequency or 0.0,
            value_score=party.segment_value_score or 0.0,
            potential_score=party.segment_potential_score or 0.0,
        )

    @strawberry.field(description="Changes of the computed segment or matrix cell, newest first.")
    async def segment_history(
        self, info: CtxInfo, first: int | None = None, after: str | None = None
    ) -> Connection[SegmentChange]:
        offset, size = page_window(first, after)
        changes, total = await info.context.loaders[HISTORIES].load(
            ParamKey(self.id, (offset, size))
        )
        return Connection.of([SegmentChange.of(c) for c in changes], offset, total)


@strawberry.type
class SegmentCount:
    segment: model.Segment
    customers: int


@strawberry.type(description="A cell of the value tier × need type matrix (seed 001).")
class MatrixCell:
    value_tier: model.ValueTier
    need_type: model.NeedType
    customers: int


@strawberry.type(description="A segmentation run (relgraph segments recompute).")
class SegmentRun:
    id: strawberry.ID
    rules_version: str
    as_of: dt.date
    status: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    customers: int | None
    first_computed: int | None
    changed: int | None
    dropped: int | None

    @classmethod
    def of(cls, run: RunRecord) -> SegmentRun:
        return from_record(cls, run, id=strawberry.ID(run.id), rules_version=run.version)


@strawberry.type(
    description="How a branch's customers (with its sub-branches, in your scope) split by "
    "computed segment and matrix cell, beside the source system's segments."
)
class SegmentSummary:
    branch_record: strawberry.Private[BranchRef]
    customers: int
    not_computed: int = strawberry.field(description="Customers with no computed segment yet.")
    segments: list[SegmentCount] = strawberry.field(description="Computed segments, all three.")
    cells: list[MatrixCell] = strawberry.field(description="All nine matrix cells.")
    source_segments: list[SegmentCount] = strawberry.field(
        description="The segments loaded from the source system, for comparison."
    )
    last_run: SegmentRun | None

    @strawberry.field
    def branch(self) -> BranchRef:
        return self.branch_record


@strawberry.type(description="A customer whose computed segment or matrix cell changed.")
class SegmentMigration:
    customer: CustomerRef
    change: SegmentChange


@strawberry.type
class SegmentMove:
    previous: model.Segment = strawberry.field(name="from")
    segment: model.Segment = strawberry.field(name="to")
    customers: int


@strawberry.type
class CellMove:
    previous_value_tier: model.ValueTier
    previous_need_type: model.NeedType
    value_tier: model.ValueTier
    need_type: model.NeedType
    customers: int


@strawberry.type(description="What a recomputation did: the migration report (客户迁移预警).")
class SegmentRecomputation:
    run_id: strawberry.ID
    rules_version: str
    as_of: dt.date
    customers: int
    first_computed: int = strawberry.field(description="Customers computed for the first time.")
    changed: int = strawberry.field(description="Customers whose segment or matrix cell moved.")
    dropped_from_key_or_value: int = strawberry.field(
        description="Customers who fell from KEY or VALUE; segmentMigrations(droppedOnly: true) "
        "names them."
    )
    segments: list[SegmentCount]
    segment_moves: list[SegmentMove]
    cell_moves: list[CellMove]
    seconds: float

    @classmethod
    def of(cls, report: RecomputeReport) -> SegmentRecomputation:
        return cls(
            run_id=strawberry.ID(report.run_id),
            rules_version=report.version,
            as_of=report.as_of,
            customers=report.customers,
            first_computed=report.first_computed,
            changed=report.changed,
            dropped_from_key_or_value=len(report.dropped),
            segments=[
                SegmentCount(segment=s, customers=report.segments.get(s.value, 0))
                for s in model.Segment
            ],
            segment_moves=[
                SegmentMove(previous=model.Segment(a), segment=model.Segment(b), customers=n)
                for (a, b), n in sorted(report.segment_moves.items())
            ],
            cell_moves=[
                CellMove(
                    previous_value_tier=model.ValueTier(before[0]),
                    previous_need_type=model.NeedType(before[1]),
                    value_tier=model.ValueTier(after[0]),
                    need_type=model.NeedType(after[1]),
                    customers=n,
                )
                for (before, after), n in sorted(report.cell_moves.items())
            ],
            seconds=round(report.seconds, 2),
        )


async def _subtree(info: CtxInfo, branch_id: str) -> tuple[BranchRef, list[str]]:
    record = await info.context.loaders[BRANCHES].load(branch_id)
    if record is None:
        raise NotFoundError("branch", branch_id)
    return branch_of(record), await branch_subtree_ids(info.context.db, branch_id)


@strawberry.type
class SegmentQuery:
    @strawberry.field(
        description="Customers of a branch and its sub-branches, in your scope, by computed "
        "segment and matrix cell."
    )
    async def segment_summary(self, info: CtxInfo, branch_id: strawberry.ID) -> SegmentSummary:
        branch, subtree = await _subtree(info, str(branch_id))
        db = info.context.db
        counts = await segments.segment_counts(db, subtree, info.context.visibility.cypher_scope)
        run = await segments.last_run(db)
        return SegmentSummary(
            branch_record=branch,
            customers=counts.customers,
            not_computed=counts.not_computed,
            segments=[
                SegmentCount(segment=s, customers=counts.segments.get(s, 0)) for s in model.Segment
            ],
            cells=[
                MatrixCell(value_tier=t, need_type=n, customers=counts.cells.get((t, n), 0))
                for t in model.ValueTier
                for n in model.NeedType
            ],
            source_segments=[
                SegmentCount(segment=s, customers=counts.source_segments.get(s, 0))
                for s in model.Segment
            ],
            last_run=SegmentRun.of(run) if run else None,
        )

    @strawberry.field(
        description="Customers of a branch and its sub-branches, in your scope, whose computed "
        "segment or matrix cell changed on or after `since`, newest first (客户迁移预警). "
        "droppedOnly: those who fell from KEY or VALUE."
    )
    async def segment_migrations(
        self,
        info: CtxInfo,
        branch_id: strawberry.ID,
        since: dt.date,
        dropped_only: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[SegmentMigration]:
        _, subtree = await _subtree(info, str(branch_id))
        offset, size = page_window(first, after)
        visibility = info.context.visibility
        moves, total = await segments.migrations(
            info.context.db,
            subtree,
            visibility.cypher_scope,
            since,
            dropped_only,
            offset,
            size,
        )
        nodes = [
            SegmentMigration(customer=customer_of(shown), change=SegmentChange.of(move.change))
            for move, shown in visibility.keep(moves, lambda move: move.customer)
        ]
        return Connection.of(nodes, offset, total)


@strawberry.type
class SegmentMutation:
    @strawberry.mutation(
        description="Recompute every customer's segment, value tier and need type with the "
        "rules in force, as `relgraph segments recompute` does (admin only). asOf: the day to "
        "compute for, today by default."
    )
    async def recompute_segments(
        self, info: CtxInfo, as_of: dt.date | None = None
    ) -> SegmentRecomputation:
        context = info.context
        context.caller.require_role(Role.ADMIN, action="recomputing segments")
        try:
            report = await segments.recompute(
                context.db, context.services.get(Rulebook).segments, as_of or context.today
            )
        except SegmentJobRunning as exc:
            raise ConflictError(str(exc)) from None
        return SegmentRecomputation.of(report)
