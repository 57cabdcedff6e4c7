"""Loading a folder into the test Neo4j, other database work and the relgraph CLI against it,
from synchronous test code."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from graph.db import Database, Neo4jConfig
from loaders.ingest import LoadSummary, load_folder
from tests.helpers import run_relgraph

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
