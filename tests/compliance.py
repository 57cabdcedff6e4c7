"""Helpers for the compliance tests: the planted exposures of the test bank, an independent check
of a reported exposure, and putting the graph back as it was after a test that lists, screens,
raises alerts or looks (every look appends to the audit ledger)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neo4j import Driver

from api.settings import Settings
from tests.helpers import cypher, one, run_relgraph

TIES = "OWNS|EXECUTIVE_OF|LEGAL_REP_OF|EMPLOYED_BY|FAMILY_OF|GUARANTEES"

# Written here rather than taken from queries/: the tests check relgraph's searches against
# Cypher's own shortestPath, not against themselves.
SHORTEST_DISTANCE = f"""
MATCH (s:Party {{id: $start}}), (x:Party {{id: $target}})
OPTIONAL MATCH p = shortestPath((s)-[:{TIES}*..8]-(x))
WHERE all(r IN relationships(p) WHERE (r.since IS NULL OR r.since <= $day)
                                   AND (r.until IS NULL OR r.until >= $day))
RETURN length(p) AS hops
"""
LISTED_ON = """
MATCH (x:Party {id: $id})
RETURN EXISTS { (x)-[:LISTED]->(e:ListEntry) WHERE e.list = 'PROHIBITION'
                AND e.listed_on <= $day AND (e.delisted_on IS NULL OR e.delisted_on > $day) }
  AS listed
"""


@dataclass(frozen=True)
class Planted:
    """A planted (party, prohibited party) link of the synthetic bank's ground truth."""

    party_id: str
    listed_id: str
    hops: int
    path: list[dict[str, str]]  # edges from party to listed party, each {from, rel, to}
    party_is_customer: bool
    entry_id: str


def planted_exposures(bank: Path) -> list[Planted]:
    rows = []
    for path in sorted((bank / "ground_truth").glob("blacklist_paths*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            rows.append(
                Planted(
                    row["party_id"],
                    row["blacklisted_id"],
                    int(row["hops"]),
                    row["path"],
                    bool(row["party_is_customer"]),
                    row["list_entry_id"],
                )
            )
    return rows


def true_distance(driver: Driver, start: str, target: str, day: str) -> int | None:
    hops = one(driver, SHORTEST_DISTANCE, start=start, target=target, day=_date(day))["hops"]
    return None if hops is None else int(hops)


def listed_on(driver: Driver, party_id: str, day: str) -> bool:
    return bool(one(driver, LISTED_ON, id=party_id, day=_date(day))["listed"])


def _date(day: str) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(day)


def path_edges(path: dict[str, Any]) -> list[dict[str, str]]:
    """An API path's ties as the ground truth writes them: stored from, rel, stored to."""
    return [
        {"from": link["fromPartyId"], "rel": link["type"], "to": link["toPartyId"]}
        for link in path["links"]
    ]


@contextmanager
def compliance_restored(driver: Driver) -> Iterator[None]:
    """Puts back, after the block, what compliance work changes: the audit ledger after its
    head, alerts, screening runs, the exposures kept, entries made through the API, and the
    closing of loaded entries."""
    head = one(
        driver,
        "OPTIONAL MATCH (h:LedgerHead {ledger: 'audit'}) "
        "RETURN coalesce(h.seq, 0) AS seq, h.hash AS hash",
    )
    closed = {
        r["id"]: r["delisted_on"]
        for r in cypher(
            driver, "MATCH (e:ListEntry) RETURN e.id AS id, e.delisted_on AS delisted_on"
        )
    }
    try:
        yield
    finally:
        driver.execute_query(
            "MATCH (e:LedgerEntry {ledger: 'audit'}) WHERE e.seq > $seq DETACH DELETE e",
            seq=head["seq"],
        )
        if head["hash"] is None:
            driver.execute_query("MATCH (h:LedgerHead {ledger: 'audit'}) DETACH DELETE h")
        else:
            driver.execute_query(
                "MATCH (h:LedgerHead {ledger: 'audit'}) SET h.seq = $seq, h.hash = $hash",
                seq=head["seq"],
                hash=head["hash"],
            )
        for statement in (
            "MATCH (n) WHERE n:ExposureAlert OR n:ScreeningRun OR n:ScreeningFlag DETACH DELETE n",
            "MATCH (n:RelgraphCounter {name: 'exposure_alerts'}) DELETE n",
            "MATCH (:Customer)-[e:EXPOSED_TO]->() DELETE e",
            "MATCH (m:RelgraphMeta {key: 'monitored_exposure_hops'}) DELETE m",
            "MATCH (e:ListEntry) WHERE e.id STARTS WITH 'LM-' DETACH DELETE e",
        ):
            driver.execute_query(statement)
        driver.execute_query(
            "UNWIND $rows AS row MATCH (e:ListEntry {id: row.id}) "
            "SET e.delisted_on = row.delisted_on REMOVE e.delisted_by, e.delist_reason",
            rows=[{"id": k, "delisted_on": v} for k, v in closed.items()],
        )


def relgraph(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    """Runs the `relgraph` CLI against the test database, as an operator would."""
    return run_relgraph(*args, env={"NEO4J_URI": settings.neo4j_uri or "", "RELGRAPH_ENV": "dev"})
