"""The statements behind a change, measured on their own: each case runs the statements a request
sent at a base revision and those it sends now, alternately, many times, on the same Neo4j, and
prints the median and quartiles of each, with the database hits and rows PROFILE reports.

    .venv/bin/python -m bench.statement_bench --uri bolt://127.0.0.1:7687 --base 9a8bd87

Alternating the two on one server is what makes them comparable on a machine whose speed varies
from run to run by more than most changes (bench/README.md). The base's statements are read from
`git archive <base> queries` and expanded by this revision's catalog code. The cases are those of
issue 10 (counts of customer lists, the holders page, the customer 360, search by one character)
against the 100,000-customer bench bank; edit CASES to measure another change.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import statistics
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neo4j import READ_ACCESS, Driver, GraphDatabase, NotificationMinimumSeverity

from bench.api_bench import details_params
from graph.db import Database, Neo4jConfig
from graph.local_server import PROJECT_ROOT
from graph.parties import CustomerFilter, Scope, count_statement, filter_params
from queries import CypherQuery, Q, load_catalog

Run = list[tuple[str, Mapping[str, Any]]]  # statements (text) and parameters, sent in turn


@dataclass(frozen=True)
class Case:
    label: str
    base: Run
    now: Run


def base_catalog(revision: str) -> Mapping[str, CypherQuery]:
    archive = subprocess.run(
        ["git", "archive", revision, "queries"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        check=True,
    ).stdout
    folder = Path(tempfile.mkdtemp(prefix="statement-bench-"))
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return load_catalog(folder / "queries")


def one_value(driver: Driver, query: str, **params: Any) -> Any:
    records, _, _ = driver.execute_query(query, params)
    return records[0][0]


def base_filter(scope: Scope, where: CustomerFilter, today: dt.date) -> dict[str, Any]:
    """The customer filter's parameters before $today was one of them."""
    params = filter_params(scope, where, today)
    del params["today"]
    return params


def base_details(customer_id: str, today: dt.date) -> dict[str, Any]:
    """The 360's parameters before includeEnded."""
    params = details_params(customer_id, today)
    del params["holdings_include_ended"], params["links_include_ended"]
    return params


async def cases(uri: str, driver: Driver, base: Mapping[str, CypherQuery]) -> list[Case]:
    today = dt.date.today()
    outlet = one_value(
        driver,
        "MATCH (b:Branch {kind: 'OUTLET'}) RETURN b.id "
        "ORDER BY COUNT { (b)<-[:HOME_BRANCH]-() } DESC, b.id LIMIT 1",
    )
    region = one_value(
        driver,
        "MATCH (root:Branch {kind: 'BRANCH'}) WITH root ORDER BY root.id LIMIT 1 "
        "MATCH (b:Branch)-[:PART_OF*0..10]->(root) RETURN collect(b.id)",
    )
    manager = one_value(
        driver,
        "MATCH (e:Employee) RETURN e.id ORDER BY COUNT { (e)-[:MANAGES]->() } DESC, e.id LIMIT 1",
    )
    largest = one_value(
        driver,
        "MATCH (p:Product) RETURN p.id ORDER BY COUNT { ()-[:HOLDS]->(p) } DESC, p.id LIMIT 1",
    )
    tag = one_value(
        driver,
        "MATCH (t:Tag) WITH t ORDER BY COUNT { (t)<-[:TAGGED]-() }, t.id "
        "WITH collect(t.id) AS tags RETURN tags[size(tags) / 2]",
    )
    customer = one_value(
        driver,
        "MATCH (c:Customer) WHERE EXISTS { (c)-[h:HOLDS]->() WHERE h.until < date() } "
        "RETURN c.id ORDER BY c.id LIMIT 1",
    )
    counts: list[tuple[str, Scope, CustomerFilter]] = [
        ("count, no filter", None, CustomerFilter()),
        ("count, segment KEY", None, CustomerFilter(segment="KEY")),
        ("count, segment POTENTIAL", None, CustomerFilter(segment="POTENTIAL")),
        ("count, busiest manager", None, CustomerFilter(manager_id=manager)),
        ("count, largest product", None, CustomerFilter(product_id=largest)),
        ("count, median tag", None, CustomerFilter(tag_id=tag)),
        ("count, party type PERSON", None, CustomerFilter(party_type="PERSON")),
        ("count, outlet scope", [outlet], CustomerFilter()),
        ("count, region scope", sorted(region), CustomerFilter()),
        ("count, region scope + KEY", sorted(region), CustomerFilter(segment="KEY")),
        ("count, outlet + largest product", [outlet], CustomerFilter(product_id=largest)),
    ]
    chooser = Database(Neo4jConfig(uri=uri))
    out: list[Case] = []
    try:
        for label, scope, where in counts:
            sent = await statements_sent(chooser, scope, where, today)
            base_run: Run = [(base["customers_count"].text, base_filter(scope, where, today))]
            out.append(Case(label, base_run, sent))
    finally:
        await chooser.close()
    for label, scope in (
        ("holders(50), largest", None),
        ("holders(50), largest, outlet", [outlet]),
    ):
        key = {"id": largest, "offset": 0, "first": 50}
        out.append(
            Case(
                label,
                [(base["holders_of_products"].text, {"keys": [key], "scope": scope})],
                [
                    (
                        Q.holders_of_products.text,
                        {
                            "keys": [key],
                            "top": 50,
                            "include_ended": False,
                            "today": today,
                            "scope": scope,
                        },
                    )
                ],
            )
        )
    out.append(
        Case(
            "holder segments, largest",
            [(base["holder_segments_by_products"].text, {"ids": [largest], "scope": None})],
            [
                (
                    Q.holder_segments_by_products.text,
                    {"ids": [largest], "include_ended": False, "today": today, "scope": None},
                )
            ],
        )
    )
    out.append(
        Case(
            "customer 360",
            [(base["party_details_by_ids"].text, base_details(customer, today))],
            [(Q.party_details_by_ids.text, details_params(customer, today))],
        )
    )
    return out


async def statements_sent(db: Database, scope: Scope, where: CustomerFilter, today: dt.date) -> Run:
    """What counting sends now: the anchor sizes when it reads them, then the count."""
    sent: Run = []
    read = db.read

    async def recording(
        query: CypherQuery, params: Mapping[str, Any] | None = None, *, timeout: float | None = None
    ) -> Any:
        sent.append((query.text, params or {}))
        return await read(query, params, timeout=timeout)

    db.read = recording  # type: ignore[method-assign]
    try:
        query, params = await count_statement(db, scope, where, today)
    finally:
        db.read = read  # type: ignore[method-assign]
    return [*sent, (query.text, params)]


def run_once(driver: Driver, run: Run) -> float:
    started = time.perf_counter()
    with driver.session(default_access_mode=READ_ACCESS) as session:
        for text, params in run:
            list(session.run(text, params))  # type: ignore[arg-type]
    return (time.perf_counter() - started) * 1000


def profile(driver: Driver, run: Run) -> tuple[int, int]:
    """Database hits and rows over every operator of every statement of the run."""
    hits = rows = 0
    with driver.session(default_access_mode=READ_ACCESS) as session:
        for text, params in run:
            plan = session.run(f"PROFILE {text}", params).consume().profile  # type: ignore[arg-type]
            stack = [plan] if plan else []
            while stack:
                operator = stack.pop()
                hits += int(operator.get("dbHits", 0))
                rows += int(operator.get("rows", 0))
                stack.extend(operator.get("children", []))
    return hits, rows


def quartiles(samples: list[float]) -> str:
    q1, median, q3 = statistics.quantiles(samples, n=4, method="inclusive")
    return f"{median:7.2f} ms ({q1:.2f}-{q3:.2f})"


def measure(driver: Driver, case: Case, rounds: int) -> None:
    timings: dict[str, list[float]] = {"base": [], "now": []}
    runs = {"base": case.base, "now": case.now}
    for _ in range(3):  # plans compiled and cached, pages in memory
        for run in runs.values():
            run_once(driver, run)
    for _ in range(rounds):
        for name, run in runs.items():
            timings[name].append(run_once(driver, run))
    print(case.label)
    for name, run in runs.items():
        hits, rows = profile(driver, run)
        print(f"  {name:<5} median {quartiles(timings[name])}  db hits {hits:>9,}  rows {rows:>9,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--uri", required=True, help="a Neo4j holding the bench bank")
    parser.add_argument("--base", required=True, help="the git revision to compare with")
    parser.add_argument("--rounds", type=int, default=30, help="runs of each, alternating")
    parser.add_argument("--only", help="cases whose label contains this text")
    args = parser.parse_args()
    base = base_catalog(args.base)
    with GraphDatabase.driver(
        args.uri, notifications_min_severity=NotificationMinimumSeverity.OFF
    ) as driver:
        for case in asyncio.run(cases(args.uri, driver, base)):
            if args.only is None or args.only in case.label:
                measure(driver, case, args.rounds)


if __name__ == "__main__":
    main()
