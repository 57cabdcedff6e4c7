"""API latency benchmark: the customer 360 query, `product.holders(first: 50)` (of 200 large
products, and of the largest alone) and a page of customers with its totalCount (filtered by
segment, and unfiltered) through HTTP at 8 concurrent clients, against the same Cypher run
directly through the driver.

    .venv/bin/python -m bench.api_bench --customers 100000

Starts a local Neo4j for the bank in var/bench-<N>/ (generated and loaded on the first run,
reused afterwards) and the API under uvicorn, then prints p50/p95/p99 in milliseconds.

The direct client runs on uvloop, the event loop uvicorn gives the API: on the standard asyncio
loop the same driver work costs about 5% more, which would flatter the API by comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvloop
from neo4j import READ_ACCESS, AsyncGraphDatabase, NotificationMinimumSeverity

from api.auth import mint_token
from api.settings import Settings
from graph.db import Database, Neo4jConfig
from graph.local_server import PROJECT_ROOT, LocalNeo4j, free_port
from graph.parties import CustomerFilter, count_statement, filter_params
from graph.schema import apply_schema
from loaders.ingest import load_folder
from loaders.synthetic import bank_marker, generate_bank_once
from queries import CypherQuery, Q
from schema.core.access import Role

CUSTOMER_360 = """
query($id: ID!) {
  customer(id: $id) {
    id name segment since assets
    party { ... on Person { nationalId phone } ... on Company { creditCode industry } }
    homeBranch { name }
    managers { role employee { name } }
    holdings(first: 10) { totalCount edges { node { amount product { name type } } } }
    fees { billed paid owed overdue byProduct { owed items { dueOn daysOverdue status } } }
    riskWarnings { level category open }
    tags { name category }
    interactions(first: 5) { kind topic at }
    interestSummary { topic score }
    linkedParties { role party { name } share title }
  }
}
"""
HOLDERS = """
query($id: ID!) {
  product(id: $id) {
    holders(first: 50) { totalCount edges { node { amount holderParty { name } } } }
  }
}
"""
KEY_CUSTOMERS = """
{
  customers(first: 20, filter: {segment: KEY}) {
    totalCount edges { node { id name segment assets } }
  }
}
"""
ALL_CUSTOMERS = "{ customers(first: 20) { totalCount edges { node { id name segment assets } } } }"
# Compliance's, measured by bench/compliance_bench.py.
EXPOSURE = """
query($id: ID!) {
  exposure(partyId: $id, maxHops: 3) {
    partial totalCount
    cuts { hops ties }
    listed {
      hops score pathCount
      party { id name }
      entries { listName listedOn }
      paths { score text links { type direction share title since } }
    }
  }
}
"""
ACCESS_CHECK = """
query($customer: ID!, $product: ID!) {
  accessCheck(customerId: $customer, productId: $product) {
    verdict exposureHops
    reasons {
      code message requiredList customerRiskTolerance productRiskRating
      entry { id listName }
      exposure { hops party { id } paths { text } }
    }
  }
}
"""
# Every document the benchmarks measure, by name (tests/integration/api/test_compiled_path.py
# checks that each stays on the compiled executor).
BENCH_DOCUMENTS = {
    "360": CUSTOMER_360,
    "holders": HOLDERS,
    "key-customers": KEY_CUSTOMERS,
    "customers": ALL_CUSTOMERS,
    "exposure": EXPOSURE,
    "accessCheck": ACCESS_CHECK,
}


@dataclass(frozen=True)
class Workload:
    """One measured query: its document, and the ids its $id takes in turn (none: no $id)."""

    name: str
    label: str
    document: str
    ids: str  # "customers" | "products" | "largest" | "none"


WORKLOADS = (
    Workload("360", "customer 360", CUSTOMER_360, "customers"),
    Workload("holders", "product.holders(50)", HOLDERS, "products"),
    Workload("largest-holders", "largest product.holders(50)", HOLDERS, "largest"),
    Workload("key-customers", "customers(segment KEY)+total", KEY_CUSTOMERS, "none"),
    Workload("customers", "customers(20)+totalCount", ALL_CUSTOMERS, "none"),
)
SECRET = "bench-secret-0123456789abcdef0123456789"  # noqa: S105 - local benchmark only


def cpu_seconds(pid: int | None) -> float | None:
    """CPU time used so far by a process and its children (Linux /proc); None elsewhere."""
    if pid is None:
        return None
    if pid == os.getpid():  # this process alone, not the API it started
        return time.process_time()
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        children = [
            int(child)
            for task in Path(f"/proc/{pid}/task").iterdir()
            for child in (task / "children").read_text().split()
        ]
    except OSError:
        return None
    utime, stime = stat.rsplit(")", 1)[1].split()[11:13]
    own = (int(utime) + int(stime)) / os.sysconf("SC_CLK_TCK")
    return own + sum(cpu_seconds(child) or 0.0 for child in children)


class CpuMeter:
    """CPU per request spent by the API and by Neo4j while one query is measured: on a shared
    machine it shows which process sets the throughput."""

    def __init__(self, pids: dict[str, int | None]) -> None:
        self.pids = pids
        self.start = {name: cpu_seconds(pid) for name, pid in pids.items()}

    def report(self, requests: int) -> str:
        parts = []
        for name, pid in self.pids.items():
            before, after = self.start[name], cpu_seconds(pid)
            if before is not None and after is not None:
                parts.append(f"{name} {(after - before) * 1000 / requests:.1f}")
        return f"    CPU ms/request: {', '.join(parts)}" if parts else ""


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    cut = statistics.quantiles(ordered, n=100, method="inclusive")
    return f"p50 {cut[49]:6.1f}  p95 {cut[94]:6.1f}  p99 {cut[98]:6.1f}  (n={len(ordered)})"


async def measured_rounds(
    name: str,
    work: Callable[[str], Awaitable[None]],
    ids: list[str],
    concurrency: int,
    requests: int,
    rounds: int,
    cpu_of: dict[str, int | None] | None = None,
) -> float:
    """`rounds` rounds of `requests` of `work` at `concurrency`: each round's percentiles (and,
    with `cpu_of`, the CPU a request each of those processes and the bench spent), then the
    median round's p99 with the rounds' spread, which is the figure: one round's p99 is a few
    requests, and the shared machine moves it. Returns that median."""
    p99s = []
    for _ in range(rounds):
        meter = CpuMeter({**cpu_of, "bench client": os.getpid()}) if cpu_of is not None else None
        samples = await hammer(work, ids, concurrency, requests)
        print(f"  {name:<20}: {percentiles(samples)}", flush=True)
        if meter is not None:
            print(meter.report(requests), flush=True)
        p99s.append(statistics.quantiles(samples, n=100, method="inclusive")[98])
    median = statistics.median(p99s)
    print(
        f"{name}: median p99 {median:.1f} ms (rounds' p99 from {min(p99s):.1f} to {max(p99s):.1f})",
        flush=True,
    )
    return median


async def hammer(
    work: Callable[[str], Awaitable[None]], ids: list[str], concurrency: int, requests: int
) -> list[float]:
    latencies: list[float] = []
    queue = [ids[i % len(ids)] for i in range(requests)]

    async def worker() -> None:
        while queue:
            item = queue.pop()
            started = time.perf_counter()
            await work(item)
            latencies.append((time.perf_counter() - started) * 1000)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


async def prepare_bank(uri: str, customers: int, seed: int, folder: Path) -> None:
    db = Database(Neo4jConfig(uri=uri, query_timeout_seconds=600))
    try:
        await apply_schema(db)
        marker = bank_marker(customers, seed)
        rows = await db.read(Q.get_meta, {"key": "bench_bank"})
        if rows and rows[0]["value"] == marker:
            return
        if generate_bank_once(customers, seed, folder, progress=True):
            print(f"generated {customers:,} customers", file=sys.stderr)
        print("loading …", file=sys.stderr)
        summary = await load_folder(db, folder, batch_size=2000, progress=True)
        print(f"loaded {summary.loaded:,} rows in {summary.seconds:.0f}s", file=sys.stderr)
        await db.write(Q.set_meta, {"key": "bench_bank", "value": marker})
    finally:
        await db.close()


async def sample_ids(uri: str) -> tuple[dict[str, list[str]], str]:
    """The ids each kind of workload takes turns with, and an admin's employee id."""
    driver = AsyncGraphDatabase.driver(uri)
    async with driver:
        customers, _, _ = await driver.execute_query(
            "MATCH (c:Customer) WHERE EXISTS { (c)-[:HOLDS]->() } "
            "RETURN c.id AS id ORDER BY c.id LIMIT 5000"
        )
        products, _, _ = await driver.execute_query(
            "MATCH (p:Product) WITH p, COUNT { ()-[:HOLDS]->(p) } AS n WHERE n >= 50 "
            "RETURN p.id AS id ORDER BY n DESC, p.id LIMIT 200"
        )
        admin, _, _ = await driver.execute_query(
            "MATCH (e:Employee) RETURN e.id AS id ORDER BY e.id LIMIT 1"
        )
    rng = random.Random(7)
    ids = [r["id"] for r in customers]
    rng.shuffle(ids)
    product_ids = [r["id"] for r in products]
    return {
        "customers": ids[:500],
        "products": product_ids,
        "largest": product_ids[:1],
        "none": [""],
    }, admin[0]["id"]


def details_params(customer_id: str, today: dt.date) -> dict[str, Any]:
    """The parameters of the statement CUSTOMER_360 sends."""
    return {
        "ids": [customer_id],
        "today": today,
        "with_branch": True,
        "with_managers": True,
        "holdings_offset": 0,
        "holdings_first": 10,
        "holdings_include_ended": False,
        "fee_items": 12,
        "warnings": 20,
        "with_tags": True,
        "interactions": 5,
        "with_interests": True,
        "links": 50,
        "link_types": None,
        "links_full": False,  # the 360 asks only the linked parties' names
        "links_include_ended": False,
        "issued": None,
        "underwritten": None,
    }


async def direct(
    uri: str,
    ids: dict[str, list[str]],
    only: str | None,
    concurrency: int,
    requests: int,
    neo4j_pid: int | None,
    warmup: int = 300,
) -> None:
    """The statements each workload's GraphQL query sends, in the same waves, straight through
    the driver: the floor the GraphQL layer is measured against. With `requests=0`, a warm-up
    only."""
    driver = AsyncGraphDatabase.driver(
        uri, notifications_min_severity=NotificationMinimumSeverity.OFF
    )
    today = dt.date.today()

    async def run(query: CypherQuery, params: dict[str, Any]) -> Any:
        # An auto-commit read, as graph/db.py sends it.
        async with driver.session(default_access_mode=READ_ACCESS) as session:
            result = await session.run(query.text, params)
            return [record.data() async for record in result]

    async def one(customer_id: str) -> None:
        await run(Q.party_details_by_ids, details_params(customer_id, today))

    async def holders(product_id: str) -> None:
        await run(Q.products_by_ids, {"ids": [product_id]})
        await run(
            Q.holders_of_products,
            {
                "keys": [{"id": product_id, "offset": 0, "first": 50}],
                "top": 50,
                "include_ended": False,
                "today": today,
                "scope": None,
            },
        )

    def customers_page(segment: str | None) -> Callable[[str], Awaitable[None]]:
        where = CustomerFilter(segment=segment)

        async def page(_: str) -> None:
            await run(
                Q.customers_by_name_asc,
                {**filter_params(None, where, today), "offset": 0, "limit": 21},
            )
            await run(*await count_statement(chooser, None, where, today))

        return page

    work: dict[str, Callable[[str], Awaitable[None]]] = {
        "360": one,
        "holders": holders,
        "largest-holders": holders,
        "key-customers": customers_page("KEY"),
        "customers": customers_page(None),
    }
    # count_statement reads anchor sizes through it when a filter names two or more anchors.
    chooser = Database(Neo4jConfig(uri=uri))
    try:
        async with driver:
            await hammer(one, ids["customers"], concurrency, warmup)
            await hammer(holders, ids["products"], concurrency, min(warmup // 10, 300))
            if requests == 0:
                return
            for workload in WORKLOADS:
                if only not in (None, workload.name):
                    continue
                meter = CpuMeter({"Neo4j": neo4j_pid, "bench client": os.getpid()})
                samples = await hammer(
                    work[workload.name], ids[workload.ids], concurrency, requests
                )
                print(f"direct driver, {workload.label:<30}: {percentiles(samples)}")
                print(meter.report(requests))
    finally:
        await chooser.close()


def start_api(uri: str, port: int, workers: int = 1) -> subprocess.Popen[bytes]:
    """The API under uvicorn on `port`, as in production, against the bench's Neo4j."""
    env = {**os.environ, "NEO4J_URI": uri, "RELGRAPH_JWT_SECRET": SECRET, "RELGRAPH_ENV": "prod"}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "api.app:create_app",
            "--factory",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument(
        "--uri",
        help="a running Neo4j holding the bank (loaded on first use); default: start a local one",
    )
    parser.add_argument(
        "--neo4j-pid",
        type=int,
        help="with --uri: that server's process id, so that its CPU per request is reported too",
    )
    parser.add_argument(
        "--skip-direct", action="store_true", help="measure only the API, not the bare driver"
    )
    parser.add_argument(
        "--only",
        choices=[w.name for w in WORKLOADS],
        help="measure one workload (all by default)",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=10_000,
        help="360s sent straight to Neo4j before measuring: a fresh JVM spends its first "
        "ten thousand or so queries compiling, at up to 3x the steady CPU per query",
    )
    args = parser.parse_args()

    with bench_bank(args) as (uri, neo4j_pid):
        ids, admin_id = uvloop.run(sample_ids(uri))
        port = free_port()
        with running_api(uri, port, args.workers) as api:
            token = mint_token(Settings(jwt_secret=SECRET), admin_id, [Role.ADMIN])
            pids = {"API": api.pid, "Neo4j": neo4j_pid}
            print(f"warming Neo4j up with {args.warmup} customer 360s …", file=sys.stderr)
            uvloop.run(direct(uri, ids, None, args.concurrency, 0, None, warmup=args.warmup))
            uvloop.run(bench_http(port, token, ids, args, pids))
            if not args.skip_direct:
                uvloop.run(direct(uri, ids, args.only, args.concurrency, args.requests, neo4j_pid))


@contextlib.contextmanager
def bench_bank(args: argparse.Namespace) -> Iterator[tuple[str, int | None]]:
    """The bank of `args.customers` (seed `args.seed`), loaded on first use into a local Neo4j of
    its own in var/bench-<N>/, or into the one at `args.uri`: yields its URI and server pid."""
    home = PROJECT_ROOT / "var" / f"bench-{args.customers}"
    server: LocalNeo4j | None = None
    uri: str | None = args.uri
    if uri is None:
        server = LocalNeo4j(home=home / "neo4j", port=free_port(), heap_mb=3072, page_cache_mb=3072)
        server.start()
        uri = server.uri
    try:
        uvloop.run(prepare_bank(uri, args.customers, args.seed, home / "bank"))
        yield uri, server.status().pid if server else args.neo4j_pid
    finally:
        if server is not None:
            server.stop()


@contextlib.contextmanager
def running_api(uri: str, port: int, workers: int) -> Iterator[subprocess.Popen[bytes]]:
    """The API under uvicorn as production runs it (start_api), stopped on leaving."""
    api = start_api(uri, port, workers)
    try:
        yield api
    finally:
        api.send_signal(signal.SIGTERM)
        api.wait(timeout=30)


class Connection:
    """One keep-alive HTTP/1.1 connection. The load generator shares the two cores with the API and
    Neo4j, so it is kept lean: httpx spent about 2 ms of CPU per request, this well under 0.5 ms."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    async def post_json(self, path: str, body: bytes, token: str) -> tuple[int, bytes]:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        status_line, *header_lines = (
            (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        )
        headers = dict(line.lower().split(": ", 1) for line in header_lines if ": " in line)
        if "content-length" not in headers:
            raise RuntimeError(f"response without content-length: {status_line}")
        payload = await self.reader.readexactly(int(headers["content-length"]))
        return int(status_line.split(" ", 2)[1]), payload

    def close(self) -> None:
        self.writer.close()


async def post_graphql(
    pool: asyncio.Queue[Connection], token: str, document: str, variables: dict[str, Any]
) -> tuple[int, bytes, dict[str, Any]]:
    """POSTs a document on a connection of `pool`: the status, the body and the body read."""
    body = json.dumps({"query": document, "variables": variables}).encode()
    connection = await pool.get()
    try:
        status, payload = await connection.post_json("/graphql", body, token)
    finally:
        pool.put_nowait(connection)
    return status, payload, json.loads(payload)


class ConnectionPool:
    """One connection per concurrent client; `post` sends a document (with `$id` unless the id is
    empty) and raises on any error: a fast error is not a fast answer."""

    def __init__(self, connections: list[Connection], token: str) -> None:
        self.idle: asyncio.Queue[Connection] = asyncio.Queue()
        for connection in connections:
            self.idle.put_nowait(connection)
        self.token = token

    @classmethod
    async def open(cls, port: int, token: str, size: int) -> ConnectionPool:
        return cls([await Connection.open(port) for _ in range(size)], token)

    async def post(self, document: str, id_: str) -> None:
        variables = {"id": id_} if id_ else {}
        status, payload, answer = await post_graphql(self.idle, self.token, document, variables)
        if status != 200 or answer.get("errors") or not answer.get("data"):
            raise RuntimeError(payload[:300].decode(errors="replace"))

    def close(self) -> None:
        while not self.idle.empty():
            self.idle.get_nowait().close()


async def wait_ready(port: int) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
        for _ in range(150):
            try:
                if (await client.get("/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError("the API did not become ready")


async def bench_http(
    port: int,
    token: str,
    ids: dict[str, list[str]],
    args: argparse.Namespace,
    pids: dict[str, int | None],
) -> None:
    await wait_ready(port)
    pool = await ConnectionPool.open(port, token, args.concurrency)

    def poster(document: str) -> Callable[[str], Awaitable[None]]:
        return lambda id_: pool.post(document, id_)

    try:
        # Warm-up: JIT on both sides, the page cache, the caller's cached scope.
        for workload in WORKLOADS:
            await hammer(poster(workload.document), ids[workload.ids], args.concurrency, 100)
        print(
            f"customers {args.customers:,}, {args.concurrency} concurrent clients, "
            f"{args.workers} API worker(s), {args.requests} requests each query, latency in ms"
        )
        for workload in WORKLOADS:
            if args.only not in (None, workload.name):
                continue
            meter = CpuMeter({**pids, "bench client": os.getpid()})
            samples = await hammer(
                poster(workload.document),
                ids[workload.ids],
                args.concurrency,
                args.requests,
            )
            print(f"GraphQL {workload.label:<30}: {percentiles(samples)}")
            print(meter.report(args.requests))
    finally:
        pool.close()


if __name__ == "__main__":
    main()
