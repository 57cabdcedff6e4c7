"""Referral benchmark (转介, 业绩分成): on a bank with a year of referral history,
`creditLeaderboard` and `referralFunnel` through HTTP at 8 concurrent clients (several rounds:
the median round's p99 is the figure, the spread says how noisy the shared machine was), then
`winReferral` sustained: referrals made ready to win (CONTACTED, customer holding the product)
are won by 8 clients at once through HTTP, each win writing its credit to the CREDIT ledger in
its transaction; after 1,000 wins to warm up, wins per second over the next 3,000, and the
ledger verified afterwards.

    .venv/bin/python -m bench.referral_bench --customers 100000

Uses the bank api_bench.py prepares in var/bench-<N>/ (generated and loaded on first use, with
the generator's year of referral history and its credit), then keeps a copy of that store
(var/bench-<N>/store-with-history/) and starts every later run from it: the wins of one run
would otherwise be in the next one's ledger. The referrals to win are loaded from a
`referrals.csv` the bench writes.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

import uvloop
from neo4j import AsyncGraphDatabase

from api.auth import mint_token
from api.settings import Settings
from bench.api_bench import (
    SECRET,
    Connection,
    CpuMeter,
    hammer,
    measured_rounds,
    percentiles,
    post_graphql,
    prepare_bank,
    start_api,
    wait_ready,
)
from graph import ledger
from graph.db import Database, Neo4jConfig
from graph.ledger import Ledger
from graph.local_server import PROJECT_ROOT, LocalNeo4j, free_port
from loaders.ingest import load_folder
from loaders.rows import ReferralRow
from loaders.synthetic.sink import Sink
from loaders.synthetic.vocab import TODAY
from schema.core.access import Role

# One board a request: by employee for half the branches drawn, by team for the other half.
LEADERBOARD = """query($id: ID!, $from: Date!, $to: Date!, $by: LeaderboardBy!) {
  creditLeaderboard(branchId: $id, from: $from, to: $to, by: $by, first: 10) {
    rank total entries employee { id name } branch { id name } } }"""
FUNNEL = """query($id: ID!, $from: Date!, $to: Date!) {
  referralFunnel(branchId: $id, from: $from, to: $to) {
    route total conversionRate medianDaysToConvert byStage { stage count } } }"""
WIN = """mutation($id: ID!, $product: ID!) {
  winReferral(id: $id, win: { productId: $product, amount: "12345.67" }) {
    stage credit { seq amount } } }"""


READY_COLUMNS = (
    *("id", "customer_id", "referrer_id", "recipient_id", "institution_id"),
    *("route", "stage", "created_at", "stage_changed_at"),
)


async def bench_inputs(uri: str, count: int) -> tuple[list[str], str, list[dict[str, Any]]]:
    """Branch ids, an admin's employee id, and `count` customers holding a product now, with
    their home branch, to make referrals to win for."""
    driver = AsyncGraphDatabase.driver(uri)
    async with driver:
        branches, _, _ = await driver.execute_query(
            "MATCH (b:Branch) RETURN b.id AS id ORDER BY id"
        )
        admin, _, _ = await driver.execute_query(
            "MATCH (e:Employee) RETURN e.id AS id ORDER BY e.id LIMIT 1"
        )
        customers, _, _ = await driver.execute_query(
            "MATCH (c:Customer)-[:HOME_BRANCH]->(home:Branch) WITH c, home ORDER BY c.id "
            "MATCH (c)-[h:HOLDS]->(p:Product) WHERE h.until IS NULL "
            "WITH c, home, min(p.id) AS product_id LIMIT $count "
            "RETURN c.id AS id, home.id AS branch_id, product_id",
            count=count,
        )
    return [r["id"] for r in branches], admin[0]["id"], [r.data() for r in customers]


async def ready_referrals(
    uri: str, customers: list[dict[str, Any]], count: int, recipient: str, folder: Path
) -> list[tuple[str, str]]:
    """`count` referrals at CONTACTED for customers holding a product, written as a load file
    and loaded: (referral, product)."""
    now = dt.datetime.now(dt.UTC)
    stamp = now.strftime("%H%M%S")
    made: list[tuple[str, str]] = []
    sink = Sink(folder)
    try:
        table = sink.model_table("referrals", ReferralRow, READY_COLUMNS, None)
        for index in range(count):
            customer = customers[index % len(customers)]
            referral_id = f"RB{stamp}{index:07d}"
            made.append((referral_id, customer["product_id"]))
            at = now.isoformat()
            who = (referral_id, customer["id"], recipient, recipient, customer["branch_id"])
            table.write((*who, "WITHIN_BRANCH", "CONTACTED", at, at))
    finally:
        sink.close()
    db = Database(Neo4jConfig(uri=uri, query_timeout_seconds=600))
    try:
        summary = await load_folder(db, folder, batch_size=2000, progress=False)
    finally:
        await db.close()
    if summary.rejected:
        raise RuntimeError(f"referrals to win were rejected: {summary.rejects[:3]}")
    return made


def variables(key: str, with_by: bool, period: dict[str, str]) -> dict[str, str]:
    branch, by = key.split("|")
    return {"id": branch, **period, **({"by": by} if with_by else {})}


def poster(
    pool: asyncio.Queue[Connection], token: str, query: str, variables: Callable[[str], Any]
) -> Callable[[str], Awaitable[None]]:
    async def post(key: str) -> None:
        status, payload, answer = await post_graphql(pool, token, query, variables(key))
        if status != 200 or answer.get("errors") or not answer.get("data"):
            raise RuntimeError(payload[:300].decode(errors="replace"))

    return post


async def bench_http(
    port: int,
    token: str,
    branches: list[str],
    wins: list[tuple[str, str]],
    args: argparse.Namespace,
    pids: dict[str, int | None],
) -> None:
    await wait_ready(port)
    pool: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(args.concurrency):
        pool.put_nowait(await Connection.open(port))
    # The history's year, up to the generator's today: not what this bench's own wins (dated
    # today) add on every run, so that runs measure the same bank.
    period = {"from": (TODAY - dt.timedelta(days=365)).isoformat(), "to": TODAY.isoformat()}
    try:
        print(
            f"customers {args.customers:,}, {args.concurrency} concurrent clients, "
            f"{args.rounds} rounds of {args.requests} requests each, latency in ms"
        )
        rng = random.Random(7)
        keys = [f"{rng.choice(branches)}|{rng.choice(['EMPLOYEE', 'BRANCH'])}" for _ in range(500)]
        for name, query in (("creditLeaderboard", LEADERBOARD), ("referralFunnel", FUNNEL)):
            arguments = partial(variables, with_by="$by" in query, period=period)
            post = poster(pool, token, query, arguments)
            # Neo4j's JIT needs thousands of a statement to settle: with 200 the first round's
            # p99 was half again the last's.
            await hammer(post, keys, args.concurrency, args.warmup)
            await measured_rounds(name, post, keys, args.concurrency, args.requests, args.rounds)
        products = dict(wins)
        post = poster(pool, token, WIN, lambda r: {"id": r, "product": products[r]})
        # The first wins warm Neo4j's page cache and JIT for the write path (the reads above
        # warmed other pages and code); the figure is the steady state after them.
        warm, queue = (
            [r for r, _ in wins[: args.warmup_wins]],
            [r for r, _ in wins[args.warmup_wins :]],
        )
        await hammer(post, warm, args.concurrency, len(warm))
        meter = CpuMeter({**pids, "bench client": os.getpid()})
        started = time.perf_counter()
        samples = await hammer(post, queue, args.concurrency, len(queue))
        seconds = time.perf_counter() - started
        print(
            f"winReferral: {len(queue):,} wins in {seconds:.1f} s = {len(queue) / seconds:.0f} "
            f"wins/s sustained; latency {percentiles(samples)}"
        )
        print(meter.report(len(queue)))
    finally:
        while not pool.empty():
            pool.get_nowait().close()


async def verify(uri: str) -> None:
    db = Database(Neo4jConfig(uri=uri, query_timeout_seconds=600))
    try:
        checked = await ledger.verify(db, Ledger.CREDIT)
        print(f"credit ledger: {checked.checked:,} entries, ok={checked.ok}")
    finally:
        await db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--wins", type=int, default=3000)
    parser.add_argument("--warmup", type=int, default=2000, help="requests of each read first")
    parser.add_argument("--warmup-wins", type=int, default=1000)
    args = parser.parse_args()

    home: Path = PROJECT_ROOT / "var" / f"bench-{args.customers}"
    store, kept = home / "neo4j" / "data", home / "store-with-history"
    if kept.exists():
        shutil.rmtree(store)
        shutil.copytree(kept, store)
    server = LocalNeo4j(home=home / "neo4j", port=free_port(), heap_mb=2048, page_cache_mb=2048)
    server.start()
    api: subprocess.Popen[bytes] | None = None
    try:
        uvloop.run(prepare_bank(server.uri, args.customers, args.seed, home / "bank"))
        if not kept.exists():
            server.stop()
            shutil.copytree(store, kept)
            server.start()
        count = args.warmup_wins + args.wins
        branches, admin_id, customers = uvloop.run(bench_inputs(server.uri, count))
        with tempfile.TemporaryDirectory() as folder:
            wins = uvloop.run(ready_referrals(server.uri, customers, count, admin_id, Path(folder)))
        port = free_port()
        api = start_api(server.uri, port)
        token = mint_token(Settings(jwt_secret=SECRET), admin_id, [Role.ADMIN])
        pids = {"API": api.pid, "Neo4j": server.status().pid}
        uvloop.run(bench_http(port, token, branches, wins, args, pids))
        uvloop.run(verify(server.uri))
    finally:
        if api is not None:
            api.send_signal(signal.SIGTERM)
            api.wait(timeout=30)
        server.stop()


if __name__ == "__main__":
    main()
