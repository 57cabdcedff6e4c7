"""Bulk screening: `relgraph screen` over the test bank (its summary and CSV report), the run read
back through HTTP (screeningRun, screeningRuns, flaggedCustomers), every planted customer within
the hops flagged with its planted path and nobody beyond them, and a run compared with the one
before (newlyFlagged, noLongerFlagged)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from neo4j import Driver

from api.settings import Settings
from tests.compliance import Planted, listed_on, path_edges, relgraph, true_distance
from tests.helpers import ApiUser, data, error_codes, gql, one

RUNS = """
query { screeningRuns(first: 10) { totalCount edges { node {
  id status startedBy maxHops asOf via fanoutCap customersScreened listedScreened flaggedCount
  exposures exposuresByHops { hops exposures } partial previousRunId newlyFlaggedCount
  noLongerFlaggedCount seconds
} } } }
"""
RUN = """
query($id: ID!) { screeningRun(id: $id) {
  id status previousRunId newlyFlaggedCount noLongerFlaggedCount
  newlyFlagged(first: 100) { totalCount edges { node { customer { id } } } }
  noLongerFlagged(first: 100) {
    totalCount edges { node { customer { id } hits { listedParty { id } } } }
  }
} }
"""
FLAGGED = """
query($id: ID!, $min: Float, $first: Int, $after: String) {
  flaggedCustomers(runId: $id, minScore: $min, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node {
      maxScore minHops customer { id name }
      hits { hops score pathCount lists listedParty { id }
             path { text parties { id } links { type direction fromPartyId toPartyId } } }
    } }
  }
}
"""
LIST = """
mutation($party: ID!) {
  listEntity(partyId: $party, list: PROHIBITION, reason: "测试") { entry { id } }
}
"""


def all_flagged(client: TestClient, user: ApiUser, run_id: str) -> dict[str, dict[str, Any]]:
    flagged: dict[str, dict[str, Any]] = {}
    after = None
    while True:
        page = data(client, FLAGGED, user.headers, id=run_id, first=100, after=after)
        page = page["flaggedCustomers"]
        flagged.update((e["node"]["customer"]["id"], e["node"]) for e in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            return flagged
        after = page["pageInfo"]["endCursor"]


def test_screening_flags_every_planted_customer_within_the_hops_and_no_one_beyond(
    client: TestClient,
    compliance: ApiUser,
    settings: Settings,
    planted: list[Planted],
    driver: Driver,
    tmp_path: Path,
    restored: None,
) -> None:
    report = tmp_path / "report.csv"
    done = relgraph(settings, "screen", "--max-hops", "3", "--out", str(report), "--no-progress")
    assert done.returncode == 0, done.stderr
    assert "customers screened:  1,0" in done.stdout and "customers flagged:" in done.stdout
    (run,) = [e["node"] for e in data(client, RUNS, compliance.headers)["screeningRuns"]["edges"]]
    customers = one(driver, "MATCH (c:Customer) RETURN count(c) AS n")["n"]
    assert run["status"] == "COMPLETED" and run["maxHops"] == 3
    assert run["customersScreened"] == customers and run["partial"] is False
    assert run["flaggedCount"] > 0 and run["previousRunId"] is None
    assert sum(h["exposures"] for h in run["exposuresByHops"]) == run["exposures"]
    assert run["newlyFlaggedCount"] == run["flaggedCount"]
    flagged = all_flagged(client, compliance, run["id"])
    assert len(flagged) == run["flaggedCount"]

    # Recall: each planted customer within 3 hops, flagged with its listed party at its hops.
    expected = [p for p in planted if p.party_is_customer and p.hops <= 3]
    assert expected
    for link in expected:
        hits = {h["listedParty"]["id"]: h for h in flagged[link.party_id]["hits"]}
        hit = hits[link.listed_id]
        assert hit["hops"] == link.hops and hit["pathCount"] == 1
        assert path_edges(hit["path"]) == link.path
    # Nobody beyond: a planted customer at 4 hops is not flagged for its listed party.
    for link in (p for p in planted if p.party_is_customer and p.hops == 4):
        hits = flagged.get(link.party_id, {"hits": []})["hits"]
        assert link.listed_id not in {h["listedParty"]["id"] for h in hits}
    # Precision: every hit is a listed party at the distance Cypher's shortestPath gives.
    day = run["asOf"]
    for customer, node in flagged.items():
        for hit in node["hits"]:
            listed = hit["listedParty"]["id"]
            assert listed_on(driver, listed, day)
            assert hit["hops"] == true_distance(driver, customer, listed, day) or (
                hit["hops"] == 0 and customer == listed
            )
            assert hit["hops"] <= 3 and hit["lists"]
        assert node["maxScore"] == max(h["score"] for h in node["hits"])
        assert node["minHops"] == min(h["hops"] for h in node["hits"])

    # The regulator's report: one row per (customer, listed party), the path as text.
    with report.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == run["exposures"]
    assert {(r["customer_id"], r["listed_id"]) for r in rows} == {
        (c, h["listedParty"]["id"]) for c, n in flagged.items() for h in n["hits"]
    }
    link = expected[0]
    row = next(
        r for r in rows if r["customer_id"] == link.party_id and r["listed_id"] == link.listed_id
    )
    assert row["hops"] == str(link.hops) and row["run_id"] == run["id"]
    hit = next(
        h for h in flagged[link.party_id]["hits"] if h["listedParty"]["id"] == link.listed_id
    )
    assert row["path"] == hit["path"]["text"] and f"({link.listed_id})" in row["path"]
    # An earlier run's report can be written again without screening.
    again = tmp_path / "again.csv"
    done = relgraph(settings, "screen", "--run", run["id"], "--out", str(again))
    assert done.returncode == 0, done.stderr
    assert again.read_text(encoding="utf-8") == report.read_text(encoding="utf-8")


def test_flagged_customers_pages_highest_score_first_and_filters_by_score(
    client: TestClient, compliance: ApiUser, settings: Settings, restored: None
) -> None:
    assert relgraph(settings, "screen", "--no-progress").returncode == 0
    (run,) = data(client, RUNS, compliance.headers)["screeningRuns"]["edges"]
    run_id = run["node"]["id"]
    first = data(client, FLAGGED, compliance.headers, id=run_id, first=3)["flaggedCustomers"]
    scores = [e["node"]["maxScore"] for e in first["edges"]]
    assert scores == sorted(scores, reverse=True) and first["pageInfo"]["hasNextPage"]
    cut = scores[-1]
    high = data(client, FLAGGED, compliance.headers, id=run_id, min=cut, first=100)
    assert all(e["node"]["maxScore"] >= cut for e in high["flaggedCustomers"]["edges"])
    assert high["flaggedCustomers"]["totalCount"] < first["totalCount"] or cut == min(scores)
    missing = gql(client, FLAGGED, compliance.headers, id="SR-none")
    assert error_codes(missing) == ["NOT_FOUND"]


def test_a_run_is_compared_with_the_one_before(
    client: TestClient,
    compliance: ApiUser,
    settings: Settings,
    quiet_company: dict[str, Any],
    restored: None,
) -> None:
    """Listing a company between two runs: the second flags its customer neighbours newly;
    delisting it before a third: the third no longer flags them."""
    assert relgraph(settings, "screen", "--no-progress").returncode == 0
    first_id = data(client, RUNS, compliance.headers)["screeningRuns"]["edges"][0]["node"]["id"]
    company = quiet_company["company"]
    entry = data(client, LIST, compliance.headers, party=company)["listEntity"]["entry"]
    assert relgraph(settings, "screen", "--no-progress").returncode == 0
    runs = data(client, RUNS, compliance.headers)["screeningRuns"]
    second = runs["edges"][0]["node"]
    assert runs["totalCount"] == 2 and second["previousRunId"] == first_id
    compared = data(client, RUN, compliance.headers, id=second["id"])["screeningRun"]
    newly = {e["node"]["customer"]["id"] for e in compared["newlyFlagged"]["edges"]}
    assert newly == set(quiet_company["exposed"])
    assert compared["newlyFlaggedCount"] == len(newly) == compared["newlyFlagged"]["totalCount"]
    assert compared["noLongerFlagged"]["totalCount"] == 0

    delist = 'mutation($e: ID!) { delistEntity(entryId: $e, reason: "复核") { entry { id } } }'
    data(client, delist, compliance.headers, e=entry["id"])
    assert relgraph(settings, "screen", "--no-progress").returncode == 0
    third = data(client, RUNS, compliance.headers)["screeningRuns"]["edges"][0]["node"]
    compared = data(client, RUN, compliance.headers, id=third["id"])["screeningRun"]
    gone = {e["node"]["customer"]["id"]: e["node"] for e in compared["noLongerFlagged"]["edges"]}
    assert set(gone) == newly and compared["noLongerFlaggedCount"] == len(newly)
    assert compared["newlyFlagged"]["totalCount"] == 0
    # Read from the run before: why they were flagged then.
    assert all({h["listedParty"]["id"] for h in n["hits"]} == {company} for n in gone.values())


def test_screening_reads_are_for_compliance_and_admin_only(
    client: TestClient, frontend: ApiUser, branch_manager: ApiUser, admin: ApiUser, restored: None
) -> None:
    for user in (frontend, branch_manager):
        assert error_codes(gql(client, RUNS, user.headers)) == ["FORBIDDEN"]
        assert error_codes(gql(client, RUN, user.headers, id="x")) == ["FORBIDDEN"]
        assert error_codes(gql(client, FLAGGED, user.headers, id="x")) == ["FORBIDDEN"]
    assert data(client, RUNS, admin.headers)["screeningRuns"]["totalCount"] == 0
