"""Loading a folder into the test Neo4j, other database work and the relgraph CLI against it,
from synchronous test code."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from neo4j import Driver

from graph.db import Database, Neo4jConfig
from loaders.ingest import LoadSummary, load_folder
from tests.helpers import cypher, run_relgraph

T = TypeVar("T")


def load(config: Neo4jConfig, folder: Path, batch_size: int = 1000) -> LoadSummary:
    async def run() -> LoadSummary:
        db = Database(config)
        try:
            return await load_folder(db, folder, batch_size=batch_size, progress=False)
        finally:
            await db.close()

    return asyncio.run(run())


def on_database(config: Neo4jConfig, work: Callable[[Database], Awaitable[T]]) -> T:
    """Runs `work` with a Database of its own, from synchronous test code."""

    async def run() -> T:
        db = Database(config)
        try:
            return await work(db)
        finally:
            await db.close()

    return asyncio.run(run())


def relgraph_cli(config: Neo4jConfig, *args: str) -> subprocess.CompletedProcess[str]:
    """`relgraph ARGS` in a process of its own, against the test Neo4j."""
    return run_relgraph(*args, env={"NEO4J_URI": config.uri}, timeout=300)


# The load types of the bank's referral history (loaders/synthetic/referrals.py).
REFERRAL_FILES = ("credit_policies", "referrals", "referral_supporters", "referral_events")


def remove_referrals(driver: Driver) -> None:
    """Every referral, credit policy and credit-ledger entry."""
    cypher(
        driver,
        "MATCH (n) WHERE n:Referral OR n:ReferralEvent OR n:CreditPolicy "
        "OR (n:LedgerEntry AND n.ledger = 'credit') OR (n:LedgerHead AND n.ledger = 'credit') "
        "DETACH DELETE n",
    )


@contextmanager
def without_referrals(driver: Driver, config: Neo4jConfig, bank_dir: Path) -> Iterator[None]:
    """The shared bank without referrals, policies or credit while the block runs, and after it
    with its referral history again, loaded from the bank's files (and credited): tests that
    count referrals or credit start from none, and the tests after them find the bank as it was
    first loaded."""
    remove_referrals(driver)
    try:
        yield
    finally:
        remove_referrals(driver)
        with tempfile.TemporaryDirectory() as folder:
            for name in REFERRAL_FILES:
                shutil.copy(bank_dir / f"{name}.csv", folder)
            summary = load(config, Path(folder))
        assert summary.rejected == 0, summary.rejects[:3]
