"""The ledger in Neo4j: appends chain under concurrent writers, and verify names an edited, a
deleted and a reordered entry in the stored chain."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import pytest
from neo4j import Driver

from graph.db import Database, Neo4jConfig
from graph.ledger import Draft, Verification, append, verify
from loaders.ingest import LoadSummary
from tests.helpers import cypher


@pytest.fixture
def ledger(driver: Driver, first_load: LoadSummary) -> Iterator[str]:
    """A ledger of this test's own, removed afterwards."""
    name = f"test-{uuid.uuid4().hex[:8]}"
    yield name
    driver.execute_query(
        "MATCH (n) WHERE (n:LedgerEntry OR n:LedgerHead) AND n.ledger = $name DETACH DELETE n",
        name=name,
    )


def _drafts(prefix: str, count: int) -> list[Draft]:
    return [Draft("test", f"{prefix}{i}", "E-test", {"i": i, "note": "备注"}) for i in range(count)]


async def _append_concurrently(config: Neo4jConfig, ledger: str, writers: int, each: int) -> None:
    db = Database(config)
    try:
        await asyncio.gather(*(append(db, ledger, _drafts(f"w{w}-", each)) for w in range(writers)))
    finally:
        await db.close()


async def _verify(config: Neo4jConfig, ledger: str, batch: int = 7) -> Verification:
    db = Database(config)
    try:
        return await verify(db, ledger, batch=batch)
    finally:
        await db.close()


def test_concurrent_appends_make_one_unbroken_chain(
    neo4j_config: Neo4jConfig, ledger: str, driver: Driver
) -> None:
    asyncio.run(_append_concurrently(neo4j_config, ledger, writers=12, each=3))
    seqs = cypher(
        driver, "MATCH (e:LedgerEntry {ledger: $l}) RETURN e.seq AS seq ORDER BY seq", l=ledger
    )
    assert [r["seq"] for r in seqs] == list(range(1, 37))
    verdict = asyncio.run(_verify(neo4j_config, ledger))  # batches of 7: crosses batch edges
    assert verdict.ok and verdict.checked == 36 and verdict.head_seq == 36


TAMPERING = {
    "edited": "MATCH (e:LedgerEntry {ledger: $l, seq: 20}) SET e.payload = '{\"i\":99}'",
    "deleted": "MATCH (e:LedgerEntry {ledger: $l, seq: 20}) DELETE e",
    "reordered": (
        "MATCH (a:LedgerEntry {ledger: $l, seq: 20}), (b:LedgerEntry {ledger: $l, seq: 21}) "
        "SET a.seq = -1 SET b.seq = 20 SET a.seq = 21"
    ),
    "deleted last": "MATCH (e:LedgerEntry {ledger: $l, seq: 24}) DELETE e",
}


@pytest.mark.parametrize("tampering", sorted(TAMPERING))
def test_verify_names_the_first_tampered_entry(
    neo4j_config: Neo4jConfig, ledger: str, driver: Driver, tampering: str
) -> None:
    asyncio.run(_append_concurrently(neo4j_config, ledger, writers=4, each=6))
    assert asyncio.run(_verify(neo4j_config, ledger)).ok
    driver.execute_query(TAMPERING[tampering], l=ledger)
    verdict = asyncio.run(_verify(neo4j_config, ledger))
    expected_seq = 24 if tampering == "deleted last" else 20
    assert verdict.first_bad_seq == expected_seq, verdict
    assert verdict.checked == expected_seq - 1
    assert {"edited": "edited", "deleted": "missing", "reordered": "chain"}.get(
        tampering, "head"
    ) in (verdict.problem or "")
