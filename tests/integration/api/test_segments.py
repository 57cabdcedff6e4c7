"""Computed segments through HTTP: beside the loaded ones, counted per branch in scope, recomputed
by admins only, and moved by a changed load, with the migration report naming who moved."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from graph.db import Neo4jConfig
from graph.segment_rules import SegmentRules
from tests.helpers import ApiUser, cypher, data, error_codes, gql, one
from tests.loading import load, relgraph_cli

RULES = SegmentRules.load()

CUSTOMERS = """
query($first: Int, $after: String) {
  customers(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      id segment valueTier needType
      computedSegment {
        segment valueTier needType rulesVersion computedOn frequency valueScore potentialScore
      }
    } }
  }
}
"""


@pytest.fixture(autouse=True)
def _segmented(segmented: None) -> None:
    """Every test here reads the bank with its computed segments."""


def test_computed_segments_sit_beside_the_loaded_ones(
    client: TestClient, admin: ApiUser, bank_dir: Path
) -> None:
    loaded: dict[str, dict[str, str]] = {}
    for path in sorted(bank_dir.glob("customers*.csv")):
        with path.open(encoding="utf-8") as handle:
            loaded |= {row["party_id"]: row for row in csv.DictReader(handle)}
    seen: dict[str, dict[str, Any]] = {}
    after = None
    while True:
        page = data(client, CUSTOMERS, admin.headers, first=100, after=after)["customers"]
        seen |= {edge["node"]["id"]: edge["node"] for edge in page["edges"]}
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen.keys() == loaded.keys()
    differs = 0
    for customer_id, node in seen.items():
        source = loaded[customer_id]
        # The loaded values are the source system's, untouched by the computation.
        assert node["segment"] == source["segment"]
        assert node["valueTier"] == (source["value_tier"] or None)
        assert node["needType"] == source["need_type"]
        computed = node["computedSegment"]
        assert computed["rulesVersion"] == RULES.version
        assert computed["computedOn"] == dt.date.today().isoformat()
        differs += computed["segment"] != node["segment"]
        rule = {"KEY": RULES.segments.KEY, "VALUE": RULES.segments.VALUE}.get(computed["segment"])
        if rule is not None:
            assert computed["frequency"] >= rule.min_frequency
            assert computed["potentialScore"] >= rule.min_potential
        tiers = RULES.value_tiers
        expected_tier = (
            "HIGH"
            if computed["valueScore"] >= tiers.high
            else "MEDIUM"
            if computed["valueScore"] >= tiers.medium
            else "LOW"
        )
        assert computed["valueTier"] == expected_tier
    assert differs > 0  # computed from behaviour, not copied


SUMMARY = """
query($branch: ID!) {
  segmentSummary(branchId: $branch) {
    branch { id } customers notComputed
    segments { segment customers } cells { valueTier needType customers }
    sourceSegments { segment customers }
    lastRun { rulesVersion asOf status customers }
  }
}
"""


def test_the_summary_counts_a_branch_subtree_within_the_callers_scope(
    client: TestClient, driver: Driver, admin: ApiUser, branch_manager: ApiUser
) -> None:
    head = one(driver, "MATCH (b:Branch {kind: 'HEAD_OFFICE'}) RETURN b.id AS id")["id"]
    summary = data(client, SUMMARY, admin.headers, branch=head)["segmentSummary"]
    rows = cypher(
        driver,
        "MATCH (c:Customer) RETURN c.computed_segment AS computed, c.computed_value_tier AS tier, "
        "c.computed_need_type AS need, c.segment AS source",
    )
    assert summary["customers"] == len(rows) and summary["notComputed"] == 0
    by_segment = Counter(r["computed"] for r in rows)
    assert {s["segment"]: s["customers"] for s in summary["segments"]} == {
        s: by_segment.get(s, 0) for s in ("KEY", "VALUE", "POTENTIAL")
    }
    assert {(c["valueTier"], c["needType"]): c["customers"] for c in summary["cells"]} == {
        (t, n): Counter((r["tier"], r["need"]) for r in rows).get((t, n), 0)
        for t in ("HIGH", "MEDIUM", "LOW")
        for n in ("TRANSACTIONAL", "WEALTH", "COMPREHENSIVE")
    }
    source = Counter(r["source"] for r in rows)
    assert {s["segment"]: s["customers"] for s in summary["sourceSegments"]} == source
    assert summary["lastRun"]["status"] == "DONE"
    assert summary["lastRun"]["rulesVersion"] == RULES.version
    # A manager asking about the whole bank is told about the customers of their scope only.
    assert branch_manager.scope is not None
    scoped = data(client, SUMMARY, branch_manager.headers, branch=head)["segmentSummary"]
    in_scope = cypher(
        driver,
        "MATCH (c:Customer)-[:HOME_BRANCH]->(b:Branch) WHERE b.id IN $scope "
        "RETURN c.computed_segment AS computed",
        scope=branch_manager.scope,
    )
    assert 0 < scoped["customers"] == len(in_scope) < summary["customers"]
    assert {s["segment"]: s["customers"] for s in scoped["segments"]} == {
        s: Counter(r["computed"] for r in in_scope).get(s, 0) for s in ("KEY", "VALUE", "POTENTIAL")
    }
    assert error_codes(gql(client, SUMMARY, admin.headers, branch="NO-SUCH-BRANCH")) == [
        "NOT_FOUND"
    ]


RECOMPUTE = """
mutation($asOf: Date) {
  recomputeSegments(asOf: $asOf) {
    runId rulesVersion asOf customers firstComputed changed droppedFromKeyOrValue
    segments { segment customers }
    segmentMoves { from to customers }
    cellMoves { previousValueTier previousNeedType valueTier needType customers }
  }
}
"""


def test_only_admins_may_recompute_segments(
    client: TestClient, driver: Driver, branch_manager: ApiUser, compliance: ApiUser
) -> None:
    runs = one(driver, "MATCH (r:SegmentRun) RETURN count(r) AS n")["n"]
    for user in (branch_manager, compliance):
        assert error_codes(gql(client, RECOMPUTE, user.headers)) == ["FORBIDDEN"]
    assert one(driver, "MATCH (r:SegmentRun) RETURN count(r) AS n")["n"] == runs


def test_a_recomputation_while_one_runs_is_a_conflict(
    client: TestClient, driver: Driver, admin: ApiUser
) -> None:
    driver.execute_query(
        "CREATE (:SegmentRun {id: 'test-running', status: 'RUNNING', started_at: datetime()})"
    )
    try:
        body = gql(client, RECOMPUTE, admin.headers)
        assert error_codes(body) == ["CONFLICT"]
        assert "test-running" in body["errors"][0]["message"]
    finally:
        driver.execute_query("MATCH (r:SegmentRun {id: 'test-running'}) DELETE r")


MIGRATIONS = """
query($branch: ID!, $since: Date!, $dropped: Boolean, $first: Int) {
  segmentMigrations(branchId: $branch, since: $since, droppedOnly: $dropped, first: $first) {
    totalCount
    edges { node {
      customer { id computedSegment { segment valueTier } }
      change { on segment valueTier previousSegment previousValueTier dropped }
    } }
  }
}
"""
HISTORY = """
query($id: ID!) {
  customer(id: $id) {
    segmentHistory(first: 1) {
      totalCount pageInfo { hasNextPage }
      edges { node { segment previousSegment rulesVersion } }
    }
  }
}
"""


@pytest.fixture
def quiet_customer(driver: Driver, branch_manager: ApiUser) -> dict[str, Any]:
    """A personal customer in the manager's scope computed POTENTIAL, and three products on sale
    it does not hold."""
    row = one(
        driver,
        "MATCH (c:Customer:Person {computed_segment: 'POTENTIAL'})-[:HOME_BRANCH]->(b:Branch) "
        "WHERE b.id IN $scope AND c.segment_potential_score < 0.1 "
        "RETURN c.id AS id, b.id AS branch ORDER BY c.id LIMIT 1",
        scope=branch_manager.scope,
    )
    row["products"] = [
        r["id"]
        for r in cypher(
            driver,
            "MATCH (p:Product {status: 'ACTIVE', type: 'DEPOSIT'}) "
            "WHERE NOT EXISTS { (:Party {id: $id})-[:HOLDS]->(p) } "
            "RETURN p.id AS id ORDER BY p.id LIMIT 3",
            id=row["id"],
        )
    ]
    assert len(row["products"]) == 3
    return row


@pytest.fixture
def restored(
    driver: Driver, neo4j_config: Neo4jConfig, quiet_customer: dict[str, Any]
) -> Iterator[None]:
    """Takes the test's holdings away again and recomputes, so the bank is as it was."""
    yield
    driver.execute_query(
        "MATCH (:Party {id: $id})-[h:HOLDS]->(p:Product) WHERE p.id IN $products DELETE h",
        id=quiet_customer["id"],
        products=quiet_customer["products"],
    )
    result = relgraph_cli(neo4j_config, "segments", "recompute", "--no-progress")
    assert result.returncode == 0, result.stderr
    result = relgraph_cli(neo4j_config, "crosssell", "refresh", "--no-progress")
    assert result.returncode == 0, result.stderr


def _holdings_folder(folder: Path, customer: str, products: list[str], until: str) -> Path:
    folder.mkdir(exist_ok=True)
    since = (dt.date.today() - dt.timedelta(days=10)).isoformat()
    with (folder / "holds.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["holder_id", "product_id", "amount", "since", "until"])
        for product in products:
            writer.writerow([customer, product, "100000000.00", since, until])
    return folder


def test_a_changed_load_moves_a_customer_and_the_migration_report_names_it(
    client: TestClient,
    driver: Driver,
    neo4j_config: Neo4jConfig,
    admin: ApiUser,
    branch_manager: ApiUser,
    quiet_customer: dict[str, Any],
    restored: None,
    tmp_path: Path,
) -> None:
    customer, branch = quiet_customer["id"], quiet_customer["branch"]
    today = dt.date.today().isoformat()
    # Three large holdings taken up ten days ago: business in the window, and value.
    grown = load(
        neo4j_config, _holdings_folder(tmp_path / "grown", customer, quiet_customer["products"], "")
    )
    assert grown.rejected == 0 and grown.loaded == 3
    report = data(client, RECOMPUTE, admin.headers)["recomputeSegments"]
    assert report["changed"] >= 1
    assert {
        "from": "POTENTIAL",
        "to": "VALUE",
        "customers": report["segmentMoves"][0]["customers"],
    } in report["segmentMoves"]
    moved = data(client, MIGRATIONS, branch_manager.headers, branch=branch, since=today, first=100)
    nodes = {e["node"]["customer"]["id"]: e["node"] for e in moved["segmentMigrations"]["edges"]}
    assert nodes[customer]["change"] == {
        "on": today,
        "segment": "VALUE",
        "valueTier": "HIGH",
        "previousSegment": "POTENTIAL",
        "previousValueTier": nodes[customer]["change"]["previousValueTier"],
        "dropped": False,
    }
    assert nodes[customer]["customer"]["computedSegment"] == {
        "segment": "VALUE",
        "valueTier": "HIGH",
    }
    history = data(client, HISTORY, admin.headers, id=customer)["customer"]["segmentHistory"]
    assert history["totalCount"] >= 2 and history["pageInfo"]["hasNextPage"]
    assert history["edges"][0]["node"]["previousSegment"] == "POTENTIAL"

    # The holdings end: the next recomputation drops the customer from VALUE, and the console
    # report (客户迁移预警) says so by name.
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    ended = load(
        neo4j_config,
        _holdings_folder(tmp_path / "ended", customer, quiet_customer["products"], yesterday),
    )
    assert ended.rejected == 0
    result = relgraph_cli(
        neo4j_config,
        "segments",
        "recompute",
        "--no-progress",
        "--report",
        str(tmp_path / "dropped.csv"),
    )
    assert result.returncode == 0, result.stderr
    assert "VALUE     → POTENTIAL" in result.stdout
    assert f"  {customer} " in result.stdout and ": VALUE → POTENTIAL" in result.stdout
    with (tmp_path / "dropped.csv").open(encoding="utf-8") as handle:
        dropped_rows = {row["customer_id"]: row for row in csv.DictReader(handle)}
    assert dropped_rows[customer]["from"] == "VALUE" and dropped_rows[customer]["to"] == "POTENTIAL"
    dropped = data(
        client,
        MIGRATIONS,
        branch_manager.headers,
        branch=branch,
        since=today,
        dropped=True,
        first=100,
    )["segmentMigrations"]
    assert all(e["node"]["change"]["dropped"] for e in dropped["edges"])
    assert customer in [e["node"]["customer"]["id"] for e in dropped["edges"]]
    # Outside the manager's scope nobody is named: a branch with no customers in scope.
    other = one(
        driver,
        "MATCH (b:Branch) WHERE NOT b.id IN $scope AND EXISTS { (:Customer)-[:HOME_BRANCH]->(b) } "
        "RETURN b.id AS id ORDER BY b.id LIMIT 1",
        scope=branch_manager.scope,
    )["id"]
    outside = data(client, MIGRATIONS, branch_manager.headers, branch=other, since=today, first=100)
    assert outside["segmentMigrations"]["totalCount"] == 0
