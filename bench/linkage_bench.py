"""Linkage benchmark (公私联动): `relgraph opportunities generate`'s time, then
`Company.staffPool(first: 50)` and `Person.corporateBackground` through HTTP at 8 concurrent
clients, each measured in several rounds (the median round's p99 is the figure; the spread says
how noisy the shared machine was).

    .venv/bin/python -m bench.linkage_bench --customers 100000

Uses the bank api_bench.py prepares in var/bench-<N>/ (generated and loaded on first use).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import uvloop
from neo4j import AsyncGraphDatabase

from api.auth import mint_token
from api.settings import Settings
from bench.api_bench import (
    SECRET,
    ConnectionPool,
    hammer,
    measured_rounds,
    prepare_bank,
    wait_ready,
)
from graph.db import Database, Neo4jConfig
from graph.local_server import PROJECT_ROOT, LocalNeo4j, free_port
from graph.opportunities import OpportunityPolicy, generate
from schema.core.access import Role

STAFF_POOL = """
query($id: ID!) { party(id: $id) { ... on Company {
  staffPool(first: 50) { totalCount customerCount edges { node {
    person { id name } roles title share isCustomer payrollWithUs holds
    suggestedBundle { productType colleaguesHolding colleagues } } } } } } }
"""
BACKGROUND = """
query($id: ID!) { party(id: $id) { ... on Person { corporateBackground {
  company { id name } roles title directShare effectiveShare pathCount isCustomer segment
  manager { name } holds lacks payrollWithUs ownershipPaths { share stakes parties { id } } } } } }
"""
LINKAGE_DOCUMENTS = {"staffPool": STAFF_POOL, "corporateBackground": BACKGROUND}


async def sample(uri: str) -> tuple[list[str], list[str], str]:
    """Companies with staff and persons with ties to companies, 500 of each, and an admin."""
    driver = AsyncGraphDatabase.driver(uri)
    async with driver:
        companies, _, _ = await driver.execute_query(
            "MATCH (c:Company) WHERE EXISTS { (c)<-[:EMPLOYED_BY|EXECUTIVE_OF|OWNS]-(:Person) } "
            "RETURN c.id AS id ORDER BY c.id"
        )
        persons, _, _ = await driver.execute_query(
            "MATCH (p:Person) WHERE EXISTS { (p)-[:OWNS|EXECUTIVE_OF|LEGAL_REP_OF]->(:Company) } "
            "RETURN p.id AS id ORDER BY p.id"
        )
        admin, _, _ = await driver.execute_query(
            "MATCH (e:Employee) RETURN e.id AS id ORDER BY e.id LIMIT 1"
        )
    rng = random.Random(7)
    company_ids = [r["id"] for r in companies]
    person_ids = [r["id"] for r in persons]
    return rng.sample(company_ids, 500), rng.sample(person_ids, 500), admin[0]["id"]


async def timed_generate(uri: str) -> None:
    db = Database(Neo4jConfig(uri=uri, query_timeout_seconds=600))
    try:
        for run in ("first run", "re-run"):
            summary = await generate(db, OpportunityPolicy(), dt.date.today())
            written = summary.written
            print(
                f"opportunities generate ({run}): {summary.seconds:6.1f} s, "
                f"{summary.found:,} found, {written.count('created'):,} created, "
                f"{written.count('refreshed'):,} refreshed, "
                f"{sum(summary.expired.values()):,} expired"
            )
    finally:
        await db.close()


async def bench_http(
    port: int, token: str, ids: dict[str, list[str]], args: argparse.Namespace
) -> None:
    await wait_ready(port)
    pool = await ConnectionPool.open(port, token, args.concurrency)

    try:
        print(
            f"customers {args.customers:,}, {args.concurrency} concurrent clients, "
            f"{args.rounds} rounds of {args.requests} requests each, latency in ms"
        )
        for name, query in LINKAGE_DOCUMENTS.items():
            post = functools.partial(pool.post, query)
            await hammer(post, ids[name], args.concurrency, 200)  # warm-up
            await measured_rounds(
                name, post, ids[name], args.concurrency, args.requests, args.rounds
            )
    finally:
        pool.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-generate", action="store_true")
    args = parser.parse_args()

    home: Path = PROJECT_ROOT / "var" / f"bench-{args.customers}"
    server = LocalNeo4j(home=home / "neo4j", port=free_port(), heap_mb=2048, page_cache_mb=2048)
    server.start()
    api: subprocess.Popen[bytes] | None = None
    try:
        uvloop.run(prepare_bank(server.uri, args.customers, args.seed, home / "bank"))
        if not args.skip_generate:
            started = time.perf_counter()
            uvloop.run(timed_generate(server.uri))
            print(f"(both runs: {time.perf_counter() - started:.0f} s)", file=sys.stderr)
        companies, persons, admin_id = uvloop.run(sample(server.uri))
        port = free_port()
        env = {
            **os.environ,
            "NEO4J_URI": server.uri,
            "RELGRAPH_JWT_SECRET": SECRET,
            "RELGRAPH_ENV": "prod",
        }
        api = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "api.app:create_app",
                "--factory",
                "--port",
                str(port),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            env=env,
        )
        token = mint_token(Settings(jwt_secret=SECRET), admin_id, [Role.ADMIN])
        ids = {"staffPool": companies, "corporateBackground": persons}
        uvloop.run(bench_http(port, token, ids, args))
    finally:
        if api is not None:
            api.send_signal(signal.SIGTERM)
            api.wait(timeout=30)
        server.stop()


if __name__ == "__main__":
    main()
