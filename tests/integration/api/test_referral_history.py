"""The synthetic referral history (graph/referral_history.py) written into the test bank: written
once, every won referral credited exactly by the policy in force on its day, the credit ledger
intact, and the leaderboard and funnel alive through HTTP. Removed when the module ends."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from api.settings import Settings
from graph import ledger
from graph.db import Database, Neo4jConfig
from graph.ledger import Ledger
from graph.opportunities import checked_rules
from graph.referral_history import HistorySummary, write_history
from tests.helpers import ApiUser, cypher, data
from tests.integration.api.test_referrals import remove_referrals

TODAY = dt.date.today()


def _write(neo4j_config: Neo4jConfig, settings: Settings) -> HistorySummary:
    async def run() -> HistorySummary:
        db = Database(neo4j_config)
        try:
            in_force = await checked_rules(db, settings.opportunity_policy())
            return await write_history(
                db, in_force.rules, in_force.directory, TODAY, seed=3, per_customer=0.5
            )
        finally:
            await db.close()

    return asyncio.run(run())


@pytest.fixture(scope="module")
def history(
    neo4j_config: Neo4jConfig, settings: Settings, driver: Driver
) -> Iterator[HistorySummary]:
    try:
        yield _write(neo4j_config, settings)
    finally:
        remove_referrals(driver)


def test_history_is_written_once_with_every_outcome_and_route(
    history: HistorySummary, neo4j_config: Neo4jConfig, settings: Settings, driver: Driver
) -> None:
    assert history.written and history.referrals > 100 and history.won > 10
    again = _write(neo4j_config, settings)
    assert not again.written and again.referrals == history.referrals
    stages = {
        r["stage"] for r in cypher(driver, "MATCH (r:Referral) RETURN DISTINCT r.stage AS stage")
    }
    assert {"WON", "LOST", "DECLINED", "EXPIRED", "NEW"} <= stages
    reassigned = cypher(
        driver,
        "MATCH (r:Referral)-[:HAS_EVENT]->(:ReferralEvent {action: 'REASSIGN'}) "
        "RETURN count(DISTINCT r) AS n",
    )[0]["n"]
    assert reassigned > 0
    routes = {
        r["route"] for r in cypher(driver, "MATCH (r:Referral) RETURN DISTINCT r.route AS route")
    }
    assert len(routes) >= 3


def test_an_interrupted_history_is_completed_by_the_next_run_and_nothing_is_doubled(
    history: HistorySummary, neo4j_config: Neo4jConfig, settings: Settings, driver: Driver
) -> None:
    # As if the run had stopped while writing: the mark not yet complete, some referrals missing.
    lost = cypher(
        driver,
        "MATCH (r:Referral {history: true}) WHERE r.stage <> 'WON' "
        "WITH r ORDER BY r.id LIMIT 25 "
        "OPTIONAL MATCH (r)-[:HAS_EVENT]->(e:ReferralEvent) "
        "WITH r, r.id AS id, collect(e) AS events "
        "FOREACH (e IN events | DETACH DELETE e) DETACH DELETE r RETURN id",
    )
    assert len(lost) == 25
    cypher(driver, "MATCH (h:ReferralHistory) SET h.complete = false")
    entries_before = cypher(driver, "MATCH (e:LedgerEntry {ledger: 'credit'}) RETURN count(e) AS n")
    completed = _write(neo4j_config, settings)
    assert completed.written and completed.referrals == history.referrals
    assert completed.credit_entries == 0  # every win had its credit already
    count = cypher(driver, "MATCH (r:Referral {history: true}) RETURN count(r) AS n")[0]["n"]
    assert count == history.referrals
    back = cypher(
        driver,
        "MATCH (r:Referral) WHERE r.id IN $ids RETURN count(r) AS n",
        ids=[r["id"] for r in lost],
    )
    assert back[0]["n"] == 25
    assert cypher(driver, "MATCH (e:LedgerEntry {ledger: 'credit'}) RETURN count(e) AS n") == (
        entries_before
    )
    assert not _write(neo4j_config, settings).written


def test_every_win_is_credited_exactly_and_the_ledger_verifies(
    history: HistorySummary, neo4j_config: Neo4jConfig, driver: Driver
) -> None:
    rows = cypher(
        driver,
        "MATCH (r:Referral {stage: 'WON'}) "
        "OPTIONAL MATCH (e:LedgerEntry)-[:FOR_REFERRAL]->(r) "
        "RETURN r.id AS id, r.won_amount_fen AS amount, collect(e.payload) AS payloads",
    )
    assert len(rows) == history.won
    for row in rows:
        payloads = [json.loads(p) for p in row["payloads"]]
        assert len(payloads) == 2  # referrer and closer: the history adds no supporters
        basis = {Decimal(p["basis"]) for p in payloads}
        assert len(basis) == 1
        assert sum(Decimal(p["amount"]) for p in payloads) == basis.pop()
    assert sum(len(r["payloads"]) for r in rows) == history.credit_entries

    async def verify() -> ledger.Verification:
        db = Database(neo4j_config)
        try:
            return await ledger.verify(db, Ledger.CREDIT)
        finally:
            await db.close()

    checked = asyncio.run(verify())
    assert checked.ok and checked.checked == history.credit_entries


def test_the_leaderboard_and_funnel_are_alive(
    history: HistorySummary, client: TestClient, admin: ApiUser
) -> None:
    period = {"from": (TODAY - dt.timedelta(days=366)).isoformat(), "to": TODAY.isoformat()}
    board = data(
        client,
        """query($from: Date!, $to: Date!) { creditLeaderboard(branchId: "B00001", from: $from,
        to: $to, by: BRANCH, first: 5) { rank total branch { id } } }""",
        admin.headers,
        **period,
    )["creditLeaderboard"]
    assert board and Decimal(board[0]["total"]) > 0
    funnel = data(
        client,
        """query($from: Date!, $to: Date!) { referralFunnel(branchId: "B00001", from: $from,
        to: $to) { route total conversionRate medianDaysToConvert } }""",
        admin.headers,
        **period,
    )["referralFunnel"]
    assert funnel[0]["route"] is None and funnel[0]["total"] == history.referrals
    assert Decimal(funnel[0]["conversionRate"]) > 0
    assert Decimal(funnel[0]["medianDaysToConvert"]) > 0
