"""The synthetic bank's year of referral history (loaders/synthetic/referrals.py), loaded from its
files: every referral, supporter and event in the graph, every win credited exactly by the policy
version in force on its day, the ledger intact, a second load changing nothing, a load cut short
while crediting completed by the next, and the leaderboard and funnel alive through HTTP. The
referral files are loaded again into a graph cleared of referrals, and cleared when the module
ends."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from graph import ledger, referrals
from graph.credit import CreditPolicy, Participant, credit_basis, in_force, split
from graph.db import Neo4jConfig
from graph.ledger import Ledger
from graph.model import ParticipantRole, ProductType
from graph.referrals import policy_of
from loaders.ingest import LoadSummary
from loaders.synthetic.vocab import TODAY
from tests.helpers import ApiUser, cypher, data
from tests.loading import REFERRAL_FILES, load, on_database, without_referrals


@dataclass(frozen=True)
class History:
    folder: Path
    summary: LoadSummary
    referrals: list[dict[str, str]]
    supporters: list[dict[str, str]]
    events: list[dict[str, str]]
    policies: list[dict[str, str]]

    @property
    def wins(self) -> list[dict[str, str]]:
        return [r for r in self.referrals if r["stage"] == "WON"]


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / f"{name}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def history(
    bank_dir: Path,
    first_load: LoadSummary,
    neo4j_config: Neo4jConfig,
    driver: Driver,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[History]:
    """The bank's referral files, loaded again into the test bank cleared of referrals."""
    folder = tmp_path_factory.mktemp("referral-history")
    for name in REFERRAL_FILES:
        shutil.copy(bank_dir / f"{name}.csv", folder)
    with without_referrals(driver, neo4j_config, bank_dir):
        summary = load(neo4j_config, folder)
        yield History(
            folder,
            summary,
            referrals=_rows(folder, "referrals"),
            supporters=_rows(folder, "referral_supporters"),
            events=_rows(folder, "referral_events"),
            policies=_rows(folder, "credit_policies"),
        )


def _count(driver: Driver, query: str) -> int:
    return int(cypher(driver, query)[0]["n"])


def _state(driver: Driver) -> dict[str, int]:
    return {
        "referrals": _count(driver, "MATCH (r:Referral) RETURN count(r) AS n"),
        "events": _count(driver, "MATCH (e:ReferralEvent) RETURN count(e) AS n"),
        "participants": _count(driver, "MATCH ()-[p:PARTICIPATES]->() RETURN count(p) AS n"),
        "policies": _count(driver, "MATCH (p:CreditPolicy) RETURN count(p) AS n"),
        "credit": _count(driver, "MATCH (e:LedgerEntry {ledger: 'credit'}) RETURN count(e) AS n"),
    }


def _verify(neo4j_config: Neo4jConfig) -> ledger.Verification:
    return on_database(neo4j_config, lambda db: ledger.verify(db, Ledger.CREDIT))


def test_the_history_loads_whole_with_every_outcome_and_route(
    history: History, driver: Driver
) -> None:
    assert history.summary.rejected == 0
    assert len(history.referrals) > 100 and len(history.wins) > 10 and history.supporters
    state = _state(driver)
    assert state["referrals"] == len(history.referrals)
    assert state["events"] == len(history.events)
    assert state["policies"] == len(history.policies)
    assert state["participants"] == len(history.referrals) + len(history.wins) + len(
        history.supporters
    )
    stages = {r["stage"] for r in history.referrals}
    assert {"WON", "LOST", "DECLINED", "EXPIRED", "NEW"} <= stages
    assert {e["action"] for e in history.events} >= {"CREATE", "REASSIGN", "WIN", "EXPIRE"}
    assert len({r["route"] for r in history.referrals}) >= 3
    # Every day of the history is within the generator's year.
    days = [dt.datetime.fromisoformat(r["created_at"]).date() for r in history.referrals]
    assert TODAY - dt.timedelta(days=365) <= min(days) and max(days) <= TODAY


def _policies(history: History) -> dict[ProductType, list[CreditPolicy]]:
    """The file's policy versions by line, read as relgraph reads a stored one."""
    by_line: dict[ProductType, list[CreditPolicy]] = {}
    for row in history.policies:
        policy = policy_of({**row, "id": f"{row['product_line']}:{row['version']}"})
        by_line.setdefault(policy.product_line, []).append(policy)
    return by_line


def test_every_win_is_credited_exactly_by_the_version_in_force_on_its_day(
    history: History, driver: Driver, neo4j_config: Neo4jConfig
) -> None:
    by_line = _policies(history)
    rows = cypher(driver, "MATCH (p:Product) RETURN p.id AS id, p.type AS type")
    products = {r["id"]: r["type"] for r in rows}
    supporters: dict[str, list[str]] = {}
    for row in history.supporters:
        supporters.setdefault(row["referral_id"], []).append(row["employee_id"])
    credited = {
        row["id"]: [json.loads(p) for p in row["payloads"]]
        for row in cypher(
            driver,
            "MATCH (r:Referral {stage: 'WON'}) OPTIONAL MATCH (e:LedgerEntry)-[:FOR_REFERRAL]->(r) "
            "RETURN r.id AS id, collect(e.payload) AS payloads",
        )
    }
    versions_used: set[tuple[str, int]] = set()
    for win in history.wins:
        on = dt.datetime.fromisoformat(win["stage_changed_at"]).astimezone(dt.UTC).date()
        line = ProductType(products[win["won_product_id"]])
        policy = in_force(by_line[line], on)
        assert policy is not None
        versions_used.add((line.value, policy.version))
        basis = credit_basis(Decimal(win["won_amount"]), policy.points_rate)
        people = [
            Participant(win["referrer_id"], ParticipantRole.REFERRER),
            Participant(win["closer_id"], ParticipantRole.CLOSER),
            *(Participant(e, ParticipantRole.SUPPORTING) for e in supporters.get(win["id"], [])),
        ]
        expected = {
            (s.participant.employee_id, s.participant.role.value): s.amount
            for s in split(basis, policy.shares, people)
        }
        entries = credited[win["id"]]
        assert {(e["employee_id"], e["role"]): Decimal(e["amount"]) for e in entries} == expected
        assert {e["policy_version"] for e in entries} == {policy.version}
        assert sum(Decimal(e["amount"]) for e in entries) == basis
    assert len(versions_used) >= 3  # wins of several lines
    written = sum(len(e) for e in credited.values())
    assert written == history.summary.credit_entries
    checked = _verify(neo4j_config)
    assert checked.ok and checked.checked == written


def test_loading_the_history_again_changes_nothing(
    history: History, driver: Driver, neo4j_config: Neo4jConfig
) -> None:
    before = _state(driver)
    again = load(neo4j_config, history.folder)
    assert again.rejected == 0 and again.credit_entries == 0
    assert _state(driver) == before


def test_a_load_cut_short_while_crediting_is_completed_by_the_next(
    history: History, driver: Driver, neo4j_config: Neo4jConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = _state(driver)
    # As if the load had stopped before crediting: the referrals in, the ledger empty.
    cypher(
        driver,
        "MATCH (n) WHERE (n:LedgerEntry OR n:LedgerHead) AND n.ledger = 'credit' DETACH DELETE n",
    )

    class Stopped(Exception):
        pass

    def stop_after_two(wins: int) -> None:
        batches.append(wins)
        if len(batches) == 2:
            raise Stopped

    batches: list[int] = []
    monkeypatch.setattr(referrals, "LOADED_CREDIT_BATCH", 7)
    now = dt.datetime.now(dt.UTC)
    with pytest.raises(Stopped):
        on_database(neo4j_config, lambda db: referrals.credit_loaded_wins(db, now, stop_after_two))
    assert batches == [7, 7]
    partly = _count(
        driver,
        "MATCH (r:Referral {stage: 'WON'}) WHERE EXISTS { (:LedgerEntry)-[:FOR_REFERRAL]->(r) } "
        "RETURN count(r) AS n",
    )
    assert partly == 14
    completed = load(neo4j_config, history.folder)
    assert completed.rejected == 0
    assert _state(driver) == full
    assert _verify(neo4j_config).ok


def test_the_leaderboard_and_funnel_are_alive(
    history: History, client: TestClient, admin: ApiUser
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
    assert funnel[0]["route"] is None and funnel[0]["total"] == len(history.referrals)
    assert Decimal(funnel[0]["conversionRate"]) > 0
    assert Decimal(funnel[0]["medianDaysToConvert"]) > 0


def test_a_loaded_referral_shows_its_timeline_and_goes_on_through_the_api(
    history: History, client: TestClient, admin: ApiUser
) -> None:
    won = history.wins[0]
    answer: dict[str, Any] = data(
        client,
        """query($id: ID!) { referral(id: $id) { stage wonAmount
          timeline { action fromStage toStage actor { id } }
          participants { role employee { id } } credit { amount policyVersion } } }""",
        admin.headers,
        id=won["id"],
    )["referral"]
    events = [e for e in history.events if e["referral_id"] == won["id"]]
    assert [t["action"] for t in answer["timeline"]] == [e["action"] for e in events]
    assert answer["timeline"][-1]["toStage"] == "WON"
    assert Decimal(answer["wonAmount"]) == Decimal(won["won_amount"])
    assert {p["role"] for p in answer["participants"]} >= {"REFERRER", "CLOSER"}
    assert answer["credit"]


FUNNEL = """query($id: ID!, $from: Date!, $to: Date!) { referralFunnel(branchId: $id, from: $from,
  to: $to) { route total conversionRate medianDaysToConvert byStage { stage count } } }"""


def test_the_banks_root_funnel_reads_the_whole_period_while_it_is_the_only_root(
    history: History, client: TestClient, admin: ApiUser, driver: Driver
) -> None:
    """The root's funnel is read from the whole period once the root is known (a faster plan
    with the same answer), and branch by branch again when another root appears."""
    period = {"from": (TODAY - dt.timedelta(days=366)).isoformat(), "to": TODAY.isoformat()}
    first = data(client, FUNNEL, admin.headers, id="B00001", **period)["referralFunnel"]
    second = data(client, FUNNEL, admin.headers, id="B00001", **period)["referralFunnel"]
    assert first == second and first[0]["total"] == len(history.referrals)
    # Another root, with a referral of its own made in the period: not the first root's.
    won = history.wins[0]
    cypher(
        driver,
        "CREATE (b:Branch {id: 'BROOT2', name: '另一家银行', kind: 'HEAD_OFFICE'}) "
        "CREATE (:Referral {id: 'RROOT2', institution_id: 'BROOT2', referrer_branch_id: 'BROOT2', "
        "stage: 'NEW', route: 'WITHIN_BRANCH', created_on: date($on), customer_id: $customer, "
        "referrer_id: $employee, recipient_id: $employee, created_at: datetime(), "
        "idem_key: 'id|RROOT2'})",
        on=TODAY.isoformat(),
        customer=won["customer_id"],
        employee=won["referrer_id"],
    )
    try:
        third = data(client, FUNNEL, admin.headers, id="B00001", **period)["referralFunnel"]
        assert third == first
        other = data(client, FUNNEL, admin.headers, id="BROOT2", **period)["referralFunnel"]
        assert other[0]["total"] == 1
    finally:
        cypher(driver, "MATCH (n) WHERE n.id IN ['BROOT2', 'RROOT2'] DETACH DELETE n")
