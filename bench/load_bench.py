"""Generate-and-load benchmark: seconds and rows per second for banks of given sizes.

    .venv/bin/python -m bench.load_bench --customers 10000 100000

Each size is generated into a fresh folder and loaded into an empty local Neo4j started for the
run (its own port and data folder under /tmp), then loaded a second time to time an idempotent
re-run. Figures go to stdout as a Markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
from pathlib import Path

from graph.db import Database, Neo4jConfig
from graph.local_server import LocalNeo4j, free_port
from graph.schema import apply_schema
from loaders.ingest import LoadSummary, load_folder
from loaders.synthetic import generate_bank


async def _load(uri: str, folder: Path) -> LoadSummary:
    db = Database(Neo4jConfig(uri=uri, query_timeout_seconds=600))
    try:
        await apply_schema(db)
        return await load_folder(db, folder, batch_size=2000, progress=False)
    finally:
        await db.close()


def run(sizes: list[int], seed: int) -> None:
    print(
        "| customers | rows written | generate s | written rows/s | rows loaded | load s "
        "| load rows/s | re-load s |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size in sizes:
        work = Path(tempfile.mkdtemp(prefix=f"relgraph-bench-{size}-"))
        server = LocalNeo4j(home=work / "neo4j", port=free_port(), heap_mb=2048, page_cache_mb=2048)
        try:
            started = time.perf_counter()
            summary = generate_bank(size, seed, work / "bank", progress=False)
            gen_seconds = time.perf_counter() - started
            rows = sum(summary.rows_by_file.values())  # includes ground_truth/
            server.start()
            first = asyncio.run(_load(server.uri, work / "bank"))
            second = asyncio.run(_load(server.uri, work / "bank"))
            assert first.rejected == 0, first.rejects[:3]
            print(
                f"| {size:,} | {rows:,} | {gen_seconds:.1f} | {rows / gen_seconds:,.0f} "
                f"| {first.read:,} | {first.seconds:.1f} | {first.rows_per_second:,.0f} "
                f"| {second.seconds:.1f} |",
                flush=True,
            )
        finally:
            server.stop()
            shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    run(args.customers, args.seed)


if __name__ == "__main__":
    main()
