"""Compliance benchmark: bulk screening at 3 hops, `exposure(maxHops: 3)` and `accessCheck`
through HTTP at 8 concurrent clients, and the incremental re-screen a new listing sets off.

    .venv/bin/python -m bench.compliance_bench --customers 100000

Uses the bank in var/bench-<N>/ as bench/api_bench.py does (generated and loaded on first use)
and the API under uvicorn with an admin token, then prints:

- the screening run (graph/screening.py, what `relgraph screen` runs): seconds and counts, once
  per `--screens`;
- p50/p95/p99 in ms of `exposure` and `accessCheck` (bench/api_bench.py's documents) for random
  customers and, separately, for customers the screening flagged (the ones with paths to walk).
  Every answer is checked, and each one appends an audit record, as in production;
- the wall time of `listEntity` (a new prohibition entry, its re-screen of the customers around
  the party, the alerts and the audit record in one transaction) through HTTP for `--listings`
  parties, each delisted again afterwards (timed too), so that the bank ends as it started.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import signal
import statistics
import subprocess
import time
import zlib
from collections import Counter
from pathlib import Path
from typing import Any

import uvloop
from neo4j import AsyncGraphDatabase

from api.auth import mint_token
from api.settings import Settings
from bench.api_bench import (
    ACCESS_CHECK,
    EXPOSURE,
    SECRET,
    Connection,
    hammer,
    measured_rounds,
    post_graphql,
    prepare_bank,
    start_api,
    wait_ready,
)
from graph import monitoring, screening
from graph.db import Database, Neo4jConfig
from graph.local_server import PROJECT_ROOT, LocalNeo4j, free_port
from queries import Q
from schema.core.access import Role

LIST_ENTITY = """
mutation($id: ID!) {
  listEntity(partyId: $id, list: PROHIBITION, reason: "bench: incremental re-screen") {
    entry { id }
    alerts { id change }
  }
}
"""
DELIST_ENTITY = """
mutation($id: ID!) {
  delistEntity(entryId: $id, reason: "bench: restore the bank") { alerts { id } }
}
"""


async def planted_recall(db: Database, bank: Path) -> None:
    """How many of the bank's planted exposures of customers within 3 hops the screening kept
    at their planted hop count (ground_truth/blacklist_paths*.jsonl)."""
    planted = [
        json.loads(line)
        for path in sorted((bank / "ground_truth").glob("blacklist_paths*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    wanted = [p for p in planted if p["party_is_customer"] and int(p["hops"]) <= 3]
    rows = await db.read(
        Q.exposures_current, {"listed_ids": sorted({p["blacklisted_id"] for p in wanted})}
    )
    kept = {(r["customer_id"], r["listed_id"]): r["hops"] for r in rows}
    hits = sum(kept.get((p["party_id"], p["blacklisted_id"])) == int(p["hops"]) for p in wanted)
    print(
        f"planted exposures of customers within 3 hops: {len(wanted)}, kept by the screening "
        f"at their planted hops: {hits} (recall {100 * hits / max(len(wanted), 1):.1f} %)",
        flush=True,
    )


async def screen_bank(uri: str, runs: int, bank: Path) -> None:
    rules = Settings(jwt_secret=SECRET).compliance_rules()
    db = Database(Neo4jConfig(uri=uri, query_timeout_seconds=600))
    try:
        for _ in range(runs):
            started = time.perf_counter()
            run = await screening.screen(
                db, rules, max_hops=3, as_of=dt.date.today(), actor="compliance-bench"
            )
            print(
                f"screening at 3 hops: {time.perf_counter() - started:.1f}s wall "
                f"({run.customers or 0:,} customers, {run.listed or 0:,} listed parties, "
                f"{run.flagged or 0:,} flagged, {run.exposures or 0:,} exposures, "
                f"{len(json.loads(run.cuts))} parties not crossed)",
                flush=True,
            )
        await planted_recall(db, bank)
        # Planned before the API's first request: cold, planning the search takes longer than a
        # query may (graph/monitoring.py's warm_up).
        started = time.perf_counter()
        await monitoring.warm_up(db)
        print(f"planning the search statements: {time.perf_counter() - started:.1f}s", flush=True)
    finally:
        await db.close()


async def sample(uri: str) -> dict[str, list[str]]:
    """Random customers, customers the last screening flagged, products, an admin, and
    unlisted parties with customers around them to list."""
    driver = AsyncGraphDatabase.driver(uri)
    rng = random.Random(11)
    async with driver:

        async def ids(query: str) -> list[str]:
            rows, _, _ = await driver.execute_query(query)
            found = [r["id"] for r in rows]
            rng.shuffle(found)
            return found

        return {
            "customers": (await ids("MATCH (c:Customer) RETURN c.id AS id"))[:1000],
            "flagged": (
                await ids(
                    "MATCH (c:Customer) WHERE EXISTS { (c)-[:EXPOSED_TO]->() } RETURN c.id AS id"
                )
            )[:1000],
            "products": await ids("MATCH (p:Product) RETURN p.id AS id"),
            "admin": await ids("MATCH (e:Employee) RETURN e.id AS id ORDER BY e.id LIMIT 1"),
            "to_list": await ids(
                "MATCH (c:Company) WHERE NOT EXISTS { (c)-[:LISTED]->() } "
                "AND EXISTS { (c)-[:OWNS|EXECUTIVE_OF|LEGAL_REP_OF|EMPLOYED_BY]-(:Customer) } "
                "AND COUNT { (c)--() } < 200 RETURN c.id AS id LIMIT 2000"
            ),
        }


async def bench_http(
    port: int, token: str, ids: dict[str, list[str]], args: argparse.Namespace
) -> None:
    await wait_ready(port)
    pool: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(args.concurrency):
        pool.put_nowait(await Connection.open(port))

    errors: Counter[str] = Counter()

    async def post(query: str, variables: dict[str, Any]) -> dict[str, Any]:
        status, _, answer = await post_graphql(pool, token, query, variables)
        if status != 200 or answer.get("errors") or not answer.get("data"):
            # Counted and reported with the figures (a timeout is a result too); its time is
            # among the samples.
            codes = [e.get("extensions", {}).get("code") for e in answer.get("errors") or []]
            errors[",".join(map(str, codes)) or f"HTTP {status}"] += 1
            return {}
        return dict(answer["data"])

    async def exposure(customer: str) -> None:
        await post(EXPOSURE, {"id": customer})

    products = ids["products"]

    async def access_check(customer: str) -> None:
        product = products[zlib.crc32(customer.encode()) % len(products)]
        await post(ACCESS_CHECK, {"customer": customer, "product": product})

    pids = {"API": args.api_pid, "Neo4j": args.neo4j_pid}
    try:
        # Neo4j's JIT compiles the search over the first thousands of requests after a start
        # (the CPU a request took varied 4 to 10 ms between runs with 200): the figures are the
        # steady state after the warm-up, as the 360's are.
        await hammer(exposure, ids["customers"], args.concurrency, args.warmup)
        await hammer(access_check, ids["customers"], args.concurrency, args.warmup)
        print(
            f"{args.concurrency} concurrent clients, {args.rounds} rounds of {args.requests} "
            "requests each, latency in ms",
            flush=True,
        )
        for label, work, group in (
            ("exposure(maxHops: 3), random customers", exposure, "customers"),
            ("exposure(maxHops: 3), flagged customers", exposure, "flagged"),
            ("accessCheck, random customers", access_check, "customers"),
            ("accessCheck, flagged customers", access_check, "flagged"),
        ):
            if not ids[group]:
                continue
            errors.clear()
            await measured_rounds(
                label, work, ids[group], args.concurrency, args.requests, args.rounds, pids
            )
            print(f"    errors: {dict(errors) or 0}", flush=True)
        # One listing at a time, as a compliance officer makes them, on one fresh connection: the
        # others sat idle past uvicorn's keep-alive while a cold listing was planned.
        while not pool.empty():
            pool.get_nowait().close()
        pool.put_nowait(await Connection.open(port))
        listed, delisted, alerts = [], [], []
        for party in ids["to_list"][: args.listings + 1]:
            started = time.perf_counter()
            answer = await post(LIST_ENTITY, {"id": party})
            if not answer:
                raise RuntimeError(f"listEntity({party}) failed: {dict(errors)}")
            change = answer["listEntity"]
            listed.append((time.perf_counter() - started) * 1000)
            alerts.append(len(change["alerts"]))
            started = time.perf_counter()
            await post(DELIST_ENTITY, {"id": change["entry"]["id"]})
            delisted.append((time.perf_counter() - started) * 1000)
        if len(listed) > 1:
            print(
                f"first listEntity after start (its statements planned cold): {listed[0]:.0f} ms",
                flush=True,
            )
            listed, delisted, alerts = listed[1:], delisted[1:], alerts[1:]
            print(
                f"listEntity + re-screen, {len(listed)} parties: median "
                f"{statistics.median(listed):.0f} ms, max {max(listed):.0f} ms "
                f"(alerts per listing: median {statistics.median(alerts):.0f}, max {max(alerts)}); "
                f"delistEntity: median {statistics.median(delisted):.0f} ms, "
                f"max {max(delisted):.0f} ms",
                flush=True,
            )
    finally:
        while not pool.empty():
            pool.get_nowait().close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=2000, help="requests of each kind first")
    parser.add_argument("--screens", type=int, default=1, help="screening runs to time")
    parser.add_argument("--listings", type=int, default=20, help="listEntity calls to time")
    args = parser.parse_args()

    home = PROJECT_ROOT / "var" / f"bench-{args.customers}"
    server = LocalNeo4j(home=home / "neo4j", port=free_port(), heap_mb=3072, page_cache_mb=3072)
    server.start()
    api: subprocess.Popen[bytes] | None = None
    try:
        uvloop.run(prepare_bank(server.uri, args.customers, args.seed, home / "bank"))
        uvloop.run(screen_bank(server.uri, args.screens, home / "bank"))
        ids = uvloop.run(sample(server.uri))
        print(
            f"{args.customers:,} customers; sampled {len(ids['customers'])} random and "
            f"{len(ids['flagged'])} flagged customers",
            flush=True,
        )
        port = free_port()
        api = start_api(server.uri, port)
        args.api_pid = api.pid
        args.neo4j_pid = server.status().pid
        token = mint_token(Settings(jwt_secret=SECRET), ids["admin"][0], [Role.ADMIN])
        uvloop.run(bench_http(port, token, ids, args))
    finally:
        if api is not None:
            api.send_signal(signal.SIGTERM)
            api.wait(timeout=30)
        server.stop()


if __name__ == "__main__":
    main()
