"""Loading a folder into the test Neo4j from synchronous test code."""

from __future__ import annotations

import asyncio
from pathlib import Path

from graph.db import Database, Neo4jConfig
from loaders.ingest import LoadSummary, load_folder


def load(config: Neo4jConfig, folder: Path, batch_size: int = 1000) -> LoadSummary:
    async def run() -> LoadSummary:
        db = Database(config)
        try:
            return await load_folder(db, folder, batch_size=batch_size, progress=False)
        finally:
            await db.close()

    return asyncio.run(run())
