"""The bank itself: branches, their hierarchy, and employees."""

from __future__ import annotations

from collections.abc import Sequence

from graph.db import Database
from graph.parties import group_by
from graph.records import BranchRecord, EmployeeRecord, Page
from queries import Q


async def branches_by_ids(db: Database, ids: Sequence[str]) -> list[BranchRecord | None]:
    rows = await db.read(Q.branches_by_ids, {"ids": list(ids)})
    found = {r["branch"]["id"]: BranchRecord.from_map(r["branch"]) for r in rows}
    return [found.get(i) for i in ids]


async def branch_children(db: Database, ids: Sequence[str]) -> list[list[BranchRecord]]:
    grouped = group_by(await db.read(Q.branch_children_by_ids, {"ids": list(ids)}), "parent_id")
    return [[BranchRecord.from_map(r["branch"]) for r in grouped.get(i, [])] for i in ids]


async def branch_subtree_ids(db: Database, branch_id: str) -> list[str]:
    rows = await db.read(Q.branch_subtree_ids, {"id": branch_id})
    return list(rows[0]["ids"]) if rows else []


async def employees_by_ids(db: Database, ids: Sequence[str]) -> list[EmployeeRecord | None]:
    rows = await db.read(Q.employees_by_ids, {"ids": list(ids)})
    found = {r["employee"]["id"]: EmployeeRecord.from_map(r["employee"]) for r in rows}
    return [found.get(i) for i in ids]


async def employees_by_branches(
    db: Database, ids: Sequence[str], limit: int
) -> list[Page[EmployeeRecord]]:
    rows = await db.read(Q.employees_by_branches, {"ids": list(ids), "limit": limit})
    by_id = {r["branch_id"]: r for r in rows}
    return [
        Page(
            [EmployeeRecord.from_map(e) for e in by_id[i]["employees"]] if i in by_id else [],
            by_id[i]["total"] if i in by_id else 0,
            0,
        )
        for i in ids
    ]


async def demo_employee(db: Database, role: str, branch_kind: str) -> str | None:
    """Someone holding job `role` now, preferably at a branch of `branch_kind` with customers."""
    rows = await db.read(Q.demo_employee, {"role": role, "kind": branch_kind})
    return str(rows[0]["id"]) if rows else None
