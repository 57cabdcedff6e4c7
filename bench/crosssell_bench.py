"""Segmentation and cross-sell at bank scale: `segments recompute` and `crosssell refresh` timed,
the recommender scored against the bank's held-out truth, and `crossSell(first: 5)` and
`productAffinity` through HTTP at 8 concurrent clients.

    .venv/bin/python -m bench.crosssell_bench --customers 100000

Uses the bank of `bench.api_bench` in var/bench-<N>/ (generated and loaded on first use, reused
afterwards) on a local Neo4j of its own, and runs the jobs and the API as `relgraph` does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import uvloop

from api.auth import mint_token
from api.settings import Settings
from bench.api_bench import (
    SECRET,
    ConnectionPool,
    CpuMeter,
    bench_bank,
    hammer,
    percentiles,
    running_api,
    sample_ids,
    wait_ready,
)
from graph import segments
from graph.crosssell import stats
from graph.db import Database, Neo4jConfig
from graph.local_server import PROJECT_ROOT, free_port
from graph.rulebook import default_rulebook
from loaders.synthetic.crosssell_eval import evaluate, format_table, read_truth
from schema.core.access import Role

CROSS_SELL = """
query($id: ID!) {
  crossSell(customerId: $id, first: 5) {
    suggestions {
      rank score product { id name }
      reasons {
        __typename summary
        ... on CoHoldingReason { heldProduct { id } coHolders confidence lift }
        ... on SimilarCustomersReason { peers holding share }
        ... on LinkedPartyReason { role party { id name } }
      }
    }
    blocked { rule }
    statistics { computedAt stale }
  }
}
"""
AFFINITY = """
query($id: ID!) {
  productAffinity(productId: $id, first: 10) {
    holders related { product { id name } coHolders support confidence lift }
    statistics { computedAt stale }
  }
}
"""


async def jobs(uri: str, rounds: int) -> None:
    """Times the two jobs as the CLI runs them; `rounds` runs of each, interleaved."""
    db = Database(Neo4jConfig(uri=uri, query_timeout_seconds=600))
    rules = default_rulebook()
    today = dt.date.today()
    recompute: list[float] = []
    refresh: list[float] = []
    try:
        for _ in range(rounds):
            started = time.perf_counter()
            report = await segments.recompute(db, rules.segments, today)
            recompute.append(time.perf_counter() - started)
            print(
                f"segments recompute: {report.customers:,} customers in {recompute[-1]:.1f}s",
                flush=True,
            )
            started = time.perf_counter()
            done = await stats.refresh(db, rules.crosssell, today)
            refresh.append(time.perf_counter() - started)
            print(
                f"crosssell refresh: {done.holdings:,} holdings of {done.customers:,} customers "
                f"in {refresh[-1]:.1f}s",
                flush=True,
            )
    finally:
        await db.close()
    print(
        f"median of {rounds}: segments recompute {statistics.median(recompute):.1f}s "
        f"(range {min(recompute):.1f}–{max(recompute):.1f}), crosssell refresh "
        f"{statistics.median(refresh):.1f}s (range {min(refresh):.1f}–{max(refresh):.1f})"
    )


async def score(uri: str, truth: Path, sample: int | None) -> None:
    db = Database(Neo4jConfig(uri=uri, query_timeout_seconds=600))
    started = time.perf_counter()
    try:
        found = await evaluate(
            db,
            read_truth(truth),
            default_rulebook().crosssell,
            dt.date.today(),
            sample=sample,
            progress=True,
        )
    finally:
        await db.close()
    print(format_table(found))
    print(f"(eval took {time.perf_counter() - started:.0f}s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each measurement")
    parser.add_argument("--job-rounds", type=int, default=1, help="runs of each job")
    parser.add_argument("--skip-jobs", action="store_true", help="the jobs have run already")
    parser.add_argument("--skip-eval", action="store_true")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument(
        "--eval-sample", type=int, help="score every N-th customer with held-out holdings"
    )
    parser.add_argument("--uri", help="a running Neo4j holding the bank; default: start one")
    parser.add_argument("--neo4j-pid", type=int, help="with --uri: that server's process id")
    args = parser.parse_args()

    with bench_bank(args) as (uri, neo4j_pid):
        if not args.skip_jobs:
            uvloop.run(jobs(uri, args.job_rounds))
        if not args.skip_eval:
            truth = PROJECT_ROOT / "var" / f"bench-{args.customers}" / "bank" / "ground_truth"
            uvloop.run(score(uri, truth, args.eval_sample))
        if args.skip_http:
            return
        ids, admin_id = uvloop.run(sample_ids(uri))
        port = free_port()
        with running_api(uri, port, workers=1) as api:
            token = mint_token(Settings(jwt_secret=SECRET), admin_id, [Role.ADMIN])
            pids = {"API": api.pid, "Neo4j": neo4j_pid}
            uvloop.run(bench_http(port, token, ids, args, pids))


async def bench_http(
    port: int,
    token: str,
    ids: dict[str, list[str]],
    args: argparse.Namespace,
    pids: dict[str, int | None],
) -> None:
    """Each document warmed up, then measured in `args.rounds` interleaved rounds. A failed
    request (an error, a timeout) is counted and its latency kept, so that the run shows it."""
    await wait_ready(port)
    pool = await ConnectionPool.open(port, token, args.concurrency)
    failures: list[str] = []

    def poster(document: str) -> Callable[[str], Awaitable[None]]:
        async def post(id_: str) -> None:
            try:
                await pool.post(document, id_)
            except RuntimeError as exc:
                failures.append(str(exc))

        return post

    measured = [
        ("crossSell(first: 5)", CROSS_SELL, ids["customers"], 300),
        ("productAffinity(first: 10)", AFFINITY, ids["products"], 100),
    ]
    try:
        for _, document, keys, warmup in measured:
            await hammer(poster(document), keys, args.concurrency, warmup)
        print(
            f"customers {args.customers:,}, {args.concurrency} concurrent clients, "
            f"{args.requests} requests each query per round, latency in ms; "
            f"{len(failures)} failed while warming up"
        )
        for round_ in range(1, args.rounds + 1):
            for label, document, keys, _ in measured:
                failures.clear()
                meter = CpuMeter({**pids, "bench client": os.getpid()})
                samples = await hammer(poster(document), keys, args.concurrency, args.requests)
                print(f"round {round_} {label:<27}: {percentiles(samples)}")
                if failures:
                    print(f"    {len(failures)} failed, e.g. {failures[0][:200]}")
                print(meter.report(args.requests))
    finally:
        pool.close()


if __name__ == "__main__":
    main()
