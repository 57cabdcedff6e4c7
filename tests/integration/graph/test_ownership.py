"""Effective ownership read from the graph agrees with the synthetic bank's planted groups: the
controller's look-through share of every company in its group (trees and circular holdings)."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal
from pathlib import Path

from graph.db import Database, Neo4jConfig
from graph.ownership import holdings_of, owners_of
from loaders.ingest import LoadSummary
from tests.helpers import planted_groups

AS_OF = dt.date(2026, 6, 30)  # the synthetic bank's "today"


def test_controllers_look_through_shares_match_the_planted_groups(
    neo4j_config: Neo4jConfig, bank_dir: Path, first_load: LoadSummary
) -> None:
    groups = planted_groups(bank_dir)
    assert groups, "the test bank plants groups"
    assert {g["kind"] for g in groups} >= {"tree", "cycle"}

    async def check() -> int:
        db = Database(neo4j_config)
        compared = 0
        try:
            for group in groups:
                held = await holdings_of(db, group["controller_id"], AS_OF)
                for company, expected in zip(
                    group["company_ids"], group["look_through_shares"], strict=True
                ):
                    share = held[company].share
                    assert round(share, 6) == Decimal(str(expected)), (group["group_id"], company)
                    owners = await owners_of(db, company, AS_OF)
                    assert owners[group["controller_id"]].share == share
                    compared += 1
        finally:
            await db.close()
        return compared

    assert asyncio.run(check()) >= 2 * len(groups)
