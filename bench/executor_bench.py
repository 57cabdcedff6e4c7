"""In-process cost of executing the bench documents, per executor variant: the API's CPU per
request without HTTP, so that executor changes can be compared with less noise than api_bench.

    .venv/bin/python -m bench.executor_bench --requests 2000

Runs against the 100,000-customer bench bank that bench/api_bench.py prepares in var/bench-100000
(or a running Neo4j holding a bank, --uri). Variants, interleaved in rounds so that drift in the
machine's speed hits each alike:

- compiled: schema/core/executor.py as shipped;
- graphql-core: Strawberry's default executor (RELGRAPH_COMPILED_EXECUTOR=false).

To measure a change to the executor, add a variant that patches it in `variant_patches`.

Prints, per variant and document, the process CPU per request (the API's share; Neo4j runs in its
own process) and the wall-clock p50 at one client.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import strawberry
import uvloop
from neo4j import AsyncGraphDatabase
from strawberry.extensions import ParserCache, ValidationCache

from api.auth import CallerResolver
from bench.api_bench import BENCH_DOCUMENTS
from graph.db import Database, Neo4jConfig
from graph.local_server import PROJECT_ROOT, LocalNeo4j, free_port
from schema import build_schema
from schema.core.access import Principal, Role
from schema.core.context import Context

VARIANTS = ("compiled", "graphql-core")
DOCUMENTS = BENCH_DOCUMENTS


@contextmanager
def variant_patches(variant: str) -> Iterator[None]:
    """Patches that make a variant out of the shipped code (none today)."""
    yield


async def sample(uri: str, limit: int) -> tuple[list[str], list[str], str]:
    driver = AsyncGraphDatabase.driver(uri)
    try:
        customers, _, _ = await driver.execute_query(
            "MATCH (c:Customer) WHERE EXISTS { (c)-[:HOLDS]->() } RETURN c.id AS id "
            "ORDER BY c.id LIMIT $n",
            n=limit,
        )
        products, _, _ = await driver.execute_query(
            "MATCH (p:Product) RETURN p.id AS id ORDER BY COUNT { ()-[:HOLDS]->(p) } DESC LIMIT 20"
        )
        admin, _, _ = await driver.execute_query(
            "MATCH (e:Employee) RETURN e.id AS id ORDER BY e.id LIMIT 1"
        )
    finally:
        await driver.close()
    return [r["id"] for r in customers], [r["id"] for r in products], admin[0]["id"]


async def measure(uri: str, requests: int, rounds: int) -> None:
    customers, products, admin_id = await sample(uri, requests)
    db = Database(Neo4jConfig(uri=uri, query_timeout_seconds=60))
    caller = await CallerResolver(db)(Principal(admin_id, frozenset({Role.ADMIN})))
    # Parsed and validated once per text, as the API's request pipeline does.
    schemas: dict[str, strawberry.Schema] = {
        v: build_schema([ParserCache, ValidationCache], compiled=v != "graphql-core")
        for v in VARIANTS
    }
    ids = {"360": customers, "holders": products}
    cpu: dict[tuple[str, str], list[float]] = {}
    wall: dict[tuple[str, str], list[float]] = {}
    try:
        for round_ in range(rounds + 1):  # round 0 warms up every variant
            for variant in VARIANTS:
                with variant_patches(variant):
                    for name, document in DOCUMENTS.items():
                        started_cpu = time.process_time()
                        times = []
                        for i in range(requests):
                            id_ = ids[name][i % len(ids[name])]
                            t0 = time.perf_counter()
                            result = await schemas[variant].execute(
                                document,
                                variable_values={"id": id_},
                                context_value=Context(db, caller),
                            )
                            times.append(time.perf_counter() - t0)
                            assert not result.errors, result.errors
                        if round_:
                            cpu.setdefault((variant, name), []).append(
                                (time.process_time() - started_cpu) / requests * 1000
                            )
                            wall.setdefault((variant, name), []).extend(times)
    finally:
        await db.close()
    print(f"{requests} requests × {rounds} rounds per variant and document, one client")
    for name in DOCUMENTS:
        for variant in VARIANTS:
            key = (variant, name)
            print(
                f"{name:8} {variant:18}: API CPU {statistics.median(cpu[key]):.3f} ms/request "
                f"(rounds {', '.join(f'{c:.3f}' for c in cpu[key])}), "
                f"wall p50 {statistics.median(wall[key]) * 1000:.2f} ms"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uri", help="a running Neo4j holding a bank")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    server = None
    uri = args.uri
    if uri is None:
        home = Path(PROJECT_ROOT / "var" / "bench-100000" / "neo4j")
        if not home.exists():
            raise SystemExit("no bench bank: run `python -m bench.api_bench` once, or pass --uri")
        server = LocalNeo4j(home=home, port=free_port(), heap_mb=2048, page_cache_mb=1024)
        server.start()
        uri = server.uri
    try:
        uvloop.run(measure(uri, args.requests, args.rounds))
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
