"""Public-private linkage (公私联动) through HTTP against the synthetic bank: every planted
person-to-company tie is found by corporateBackground and every planted owner or executive who is
not yet a personal customer by staffPool, checked against ground_truth/linkage*.csv; effective
shares are exact on the planted chains and cycles; branch scope holds for every party named."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from neo4j import Driver

from graph import linkage
from graph.db import Neo4jConfig
from loaders.synthetic import GROUND_TRUTH
from tests.helpers import ApiUser, cypher, data, error_codes, gql, planted_groups
from tests.loading import on_database

ROLE_OF_LINK = {
    "OWNS": "OWNER",
    "EXECUTIVE_OF": "EXECUTIVE",
    "LEGAL_REP_OF": "LEGAL_REPRESENTATIVE",
    "EMPLOYED_BY": "EMPLOYEE",
}
BATCH = 25  # the API allows 30 aliases a request

BACKGROUND = """
fragment Picked on Person {
  corporateBackground(asOf: $asOf) {
    company { id }
    roles directShare effectiveShare pathCount isCustomer holds lacks
    ownershipPaths { share stakes parties { id } }
  }
}"""


def _truth(bank_dir: Path) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in sorted((bank_dir / GROUND_TRUTH).glob("linkage*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows.extend(csv.DictReader(handle))
    assert rows, "the test bank plants linkage"
    return rows


def _today(bank_dir: Path) -> str:
    manifest = json.loads((bank_dir / GROUND_TRUTH / "manifest.json").read_text(encoding="utf-8"))
    return str(manifest["today"])


def _batched(
    client: TestClient,
    user: ApiUser,
    ids: list[str],
    fragment: str,
    declared: str,
    **variables: Any,
) -> dict[str, Any]:
    """Each party's fragment `Picked`, many parties to a request (aliases), as {id: party}."""
    found: dict[str, Any] = {}
    # One party alone first: Neo4j plans a statement new to it once per concurrent caller, and
    # a batch's aliases run at once.
    starts = [0, *range(1, len(ids), BATCH)] if ids else []
    for start in starts:
        chunk = ids[start : 1 if start == 0 else start + BATCH]
        fields = "\n".join(
            f'p{i}: party(id: "{party_id}") {{ id ...Picked }}' for i, party_id in enumerate(chunk)
        )
        answer = data(
            client, f"query Batch({declared}) {{ {fields} }}\n{fragment}", user.headers, **variables
        )
        for i, party_id in enumerate(chunk):
            found[party_id] = answer[f"p{i}"]
    return found


def test_corporate_background_finds_every_planted_tie(
    client: TestClient, admin: ApiUser, bank_dir: Path
) -> None:
    planted: dict[str, set[tuple[str, str]]] = defaultdict(set)
    ended: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in _truth(bank_dir):
        tie = (row["company_id"], ROLE_OF_LINK[row["link"]])
        (planted if row["current"] == "true" else ended)[row["person_id"]].add(tie)
    persons = sorted(set(planted) | set(ended))
    found = _batched(client, admin, persons, BACKGROUND, "$asOf: Date", asOf=_today(bank_dir))
    shown: dict[str, set[tuple[str, str]]] = {
        person: {
            (entry["company"]["id"], role)
            for entry in found[person]["corporateBackground"]
            for role in entry["roles"]
        }
        for person in persons
    }
    expected = {(p, tie) for p, ties in planted.items() for tie in ties}
    got = {(p, tie) for p, ties in shown.items() for tie in ties}
    recall = len(expected & got) / len(expected)
    precision = len(expected & got) / len(got)
    print(
        f"corporateBackground: {len(expected)} planted ties, "
        f"recall {recall:.2%}, precision {precision:.2%}"
    )
    assert expected - got == set()
    assert got - expected == set()
    # A tie that ended before the bank's today is not shown as a current one.
    assert all(not (ties & shown[p]) for p, ties in ended.items() if not ties & planted[p])


def test_every_company_in_a_background_says_what_it_holds_and_lacks(
    client: TestClient, admin: ApiUser, driver: Driver, bank_dir: Path
) -> None:
    person = cypher(
        driver,
        "MATCH (p:Person)-[:LEGAL_REP_OF]->(c:Company:Customer) WHERE (c)-[:HOLDS]->() "
        "RETURN p.id AS id ORDER BY p.id LIMIT 1",
    )[0]["id"]
    (entry, *_) = [
        e
        for e in _batched(
            client, admin, [person], BACKGROUND, "$asOf: Date", asOf=_today(bank_dir)
        )[person]["corporateBackground"]
        if "LEGAL_REPRESENTATIVE" in e["roles"]
    ]
    held = {
        r["type"]
        for r in cypher(
            driver,
            "MATCH (:Company {id: $id})-[h:HOLDS]->(p:Product) "
            "WHERE (h.until IS NULL OR h.until >= date($today)) RETURN DISTINCT p.type AS type",
            id=entry["company"]["id"],
            today=_today(bank_dir),
        )
    }
    assert entry["isCustomer"] is True
    assert set(entry["holds"]) <= held
    assert not set(entry["lacks"]) & held
    assert "SETTLEMENT_ACCOUNT" in set(entry["holds"]) | set(entry["lacks"])


def test_effective_shares_are_exact_on_planted_chains_and_cycles(
    client: TestClient, admin: ApiUser, bank_dir: Path
) -> None:
    groups = planted_groups(bank_dir)
    assert {g["kind"] for g in groups} >= {"tree", "cycle"}
    controllers = sorted({g["controller_id"] for g in groups})
    found = _batched(client, admin, controllers, BACKGROUND, "$asOf: Date", asOf=_today(bank_dir))
    compared = 0
    for group in groups:
        entries = {
            e["company"]["id"]: e for e in found[group["controller_id"]]["corporateBackground"]
        }
        for company, expected in zip(
            group["company_ids"], group["look_through_shares"], strict=True
        ):
            entry = entries[company]
            share = Decimal(entry["effectiveShare"])
            assert round(share, 6) == Decimal(str(expected)), (group["group_id"], company)
            # The strongest path's stakes multiply to its share, exactly.
            path = entry["ownershipPaths"][0]
            product = Decimal(1)
            for stake in path["stakes"]:
                product *= Decimal(stake)
            assert product == Decimal(path["share"])
            assert path["parties"][0]["id"] == group["controller_id"]
            assert path["parties"][-1]["id"] == company
            compared += 1
    assert compared >= 2 * len(groups)


STAFF = """
fragment Picked on Company {
    staffPool(filter: $filter, first: 100) {
      totalCount
      customerCount
      pageInfo { hasNextPage }
      edges { node {
        person { id }
        roles title share isCustomer payrollWithUs holds
        suggestedBundle { productType colleaguesHolding colleagues }
      } }
    }
}"""


def _staff_pools(
    client: TestClient, user: ApiUser, companies: list[str], staff_filter: dict[str, bool]
) -> dict[str, dict[str, Any]]:
    found = _batched(
        client, user, companies, STAFF, "$filter: StaffPoolFilter", filter=staff_filter
    )
    pools = {company: party["staffPool"] for company, party in found.items()}
    assert not any(p["pageInfo"]["hasNextPage"] for p in pools.values()), "one page holds a pool"
    return pools


def test_staff_pool_finds_every_planted_owner_and_executive_not_yet_a_customer(
    client: TestClient, admin: ApiUser, bank_dir: Path
) -> None:
    truth = _truth(bank_dir)
    wanted = {
        (row["company_id"], row["person_id"])
        for row in truth
        if row["current"] == "true"
        and row["link"] in {"OWNS", "EXECUTIVE_OF"}
        and row["is_personal_customer"] == "false"
    }
    # Anyone the pool may show as not yet a customer: every current tie of a non-customer.
    allowed = {
        (row["company_id"], row["person_id"])
        for row in truth
        if row["current"] == "true" and row["is_personal_customer"] == "false"
    }
    companies = sorted({company for company, _ in wanted})
    pools = _staff_pools(client, admin, companies, {"notYetCustomer": True})
    got = {
        (company, edge["node"]["person"]["id"])
        for company, pool in pools.items()
        for edge in pool["edges"]
    }
    assert all(not e["node"]["isCustomer"] for p in pools.values() for e in p["edges"])
    recall = len(wanted & got) / len(wanted)
    precision = len(got & allowed) / len(got)
    print(
        f"staffPool(notYetCustomer): {len(wanted)} planted owners/executives not yet customers "
        f"in {len(companies)} companies, recall {recall:.2%}, precision {precision:.2%}"
    )
    assert wanted - got == set()
    assert got - allowed == set()


def test_staff_pool_filters_and_bundles(client: TestClient, admin: ApiUser, driver: Driver) -> None:
    company = cypher(
        driver,
        "MATCH (c:Company:Customer)<-[:EXECUTIVE_OF]-(:Person) "
        "WITH c, COUNT { (c)<-[:EMPLOYED_BY|EXECUTIVE_OF|OWNS|LEGAL_REP_OF]-(:Person:Customer) } "
        "AS customers, COUNT { (c)<-[:EMPLOYED_BY|EXECUTIVE_OF|OWNS]-(:Person) } AS staff "
        "WHERE customers >= 2 AND staff - customers >= 2 "
        "RETURN c.id AS id ORDER BY staff DESC, c.id LIMIT 1",
    )[0]["id"]
    everyone = _staff_pools(client, admin, [company], {})[company]
    executives = _staff_pools(client, admin, [company], {"executivesOnly": True})[company]
    no_payroll = _staff_pools(client, admin, [company], {"noPayrollWithUs": True})[company]
    members = [e["node"] for e in everyone["edges"]]
    assert everyone["totalCount"] == len(members)
    assert everyone["customerCount"] == sum(m["isCustomer"] for m in members)
    assert executives["totalCount"] == sum("EXECUTIVE" in m["roles"] for m in members) > 0
    assert all("EXECUTIVE" in e["node"]["roles"] for e in executives["edges"])
    assert no_payroll["totalCount"] == sum(not m["payrollWithUs"] for m in members)
    # Those who run the company come first.
    ranks = [
        0
        if {"EXECUTIVE", "LEGAL_REPRESENTATIVE"} & set(m["roles"])
        else 1
        if "OWNER" in m["roles"]
        else 2
        for m in members
    ]
    assert ranks == sorted(ranks)
    # The bundle: payroll unless paid through us, then personal products the member lacks that
    # colleagues who are customers hold, counted over those colleagues.
    for member in members:
        bundle = member["suggestedBundle"]
        types = [b["productType"] for b in bundle]
        assert ("PAYROLL_SERVICE" in types) == (not member["payrollWithUs"])
        assert not set(types) - {"PAYROLL_SERVICE"} & set(member["holds"])
        colleagues = everyone["customerCount"] - (1 if member["isCustomer"] else 0)
        for item in bundle:
            if item["productType"] == "PAYROLL_SERVICE":
                continue
            holding = sum(
                item["productType"] in other["holds"]
                for other in members
                if other["isCustomer"] and other is not member
            )
            assert item["colleagues"] == colleagues
            assert item["colleaguesHolding"] in (holding, None)
            if colleagues:
                assert item["colleaguesHolding"] == holding > 0


def test_staff_pool_pages_cover_the_pool_once(
    client: TestClient, admin: ApiUser, driver: Driver
) -> None:
    company = cypher(
        driver,
        "MATCH (c:Company)<-[:EMPLOYED_BY|EXECUTIVE_OF|OWNS|LEGAL_REP_OF]-(p:Person) "
        "WITH c, count(DISTINCT p) AS n WHERE n >= 5 RETURN c.id AS id ORDER BY n DESC LIMIT 1",
    )[0]["id"]
    query = """query Page($id: ID!, $after: String) { party(id: $id) { ... on Company {
      staffPool(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor }
        edges { node { person { id } } } } } } }"""
    seen: list[str] = []
    after = None
    while True:
        pool = data(client, query, admin.headers, id=company, after=after)["party"]["staffPool"]
        seen += [e["node"]["person"]["id"] for e in pool["edges"]]
        if not pool["pageInfo"]["hasNextPage"]:
            break
        after = pool["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == pool["totalCount"] >= 5


LINKS = """query Links($kind: LinkageKind!, $branch: ID, $first: Int) {
  linkageOpportunities(kind: $kind, branchId: $branch, first: $first) {
    totalCount
    edges { node {
      kind roles products score expectedValue effectiveShare reason
      source { id isCustomer } target { id isCustomer }
      path { type share fromParty { id } toParty { id } }
    } }
  }
}"""


def _home_branches(driver: Driver, ids: set[str]) -> dict[str, str]:
    rows = cypher(
        driver,
        "UNWIND $ids AS id MATCH (c:Customer {id: id})-[:HOME_BRANCH]->(b) "
        "RETURN c.id AS id, b.id AS branch",
        ids=sorted(ids),
    )
    return {r["id"]: r["branch"] for r in rows}


def test_linkage_opportunities_are_ranked_with_the_path_that_makes_them(
    client: TestClient, admin: ApiUser
) -> None:
    for kind in ("PERSON_TO_COMPANY", "COMPANY_TO_STAFF"):
        links = data(client, LINKS, admin.headers, kind=kind, first=100)["linkageOpportunities"]
        nodes = [e["node"] for e in links["edges"]]
        assert links["totalCount"] >= len(nodes) > 0, kind
        values = [Decimal(n["expectedValue"]) for n in nodes]
        assert values == sorted(values, reverse=True)
        for node in nodes:
            assert node["kind"] == kind
            assert node["source"]["isCustomer"] is True
            assert node["products"] and 0 < node["score"] <= 1
            person = node["source"] if kind == "PERSON_TO_COMPANY" else node["target"]
            company = node["target"] if kind == "PERSON_TO_COMPANY" else node["source"]
            if kind == "COMPANY_TO_STAFF":
                assert node["target"]["isCustomer"] is False
            # The path starts at the person and reaches the company.
            assert node["path"][0]["fromParty"]["id"] == person["id"]
            assert company["id"] in {step["toParty"]["id"] for step in node["path"]}


def test_linkage_is_in_scope_for_every_party_named(
    client: TestClient, branch_manager: ApiUser, driver: Driver
) -> None:
    assert branch_manager.scope is not None
    scope = set(branch_manager.scope)
    for kind in ("PERSON_TO_COMPANY", "COMPANY_TO_STAFF"):
        links = data(client, LINKS, branch_manager.headers, kind=kind, first=100)
        named: set[str] = set()
        for edge in links["linkageOpportunities"]["edges"]:
            node = edge["node"]
            named |= {node["source"]["id"], node["target"]["id"]}
            named |= {p["id"] for s in node["path"] for p in (s["fromParty"], s["toParty"])}
        assert set(_home_branches(driver, named).values()) <= scope
    outside = cypher(
        driver,
        "MATCH (b:Branch) WHERE NOT b.id IN $scope RETURN b.id AS id ORDER BY b.id LIMIT 1",
        scope=sorted(scope),
    )[0]["id"]
    body = gql(client, LINKS, branch_manager.headers, kind="PERSON_TO_COMPANY", branch=outside)
    assert error_codes(body) == ["FORBIDDEN"]


def test_corporate_background_hides_companies_outside_the_callers_scope(
    client: TestClient, branch_manager: ApiUser, admin: ApiUser, driver: Driver
) -> None:
    assert branch_manager.scope is not None
    # Persons anyone may see (not customers) tied now to a customer company of another branch.
    rows = cypher(
        driver,
        "MATCH (p:Person)-[t:OWNS|EXECUTIVE_OF|LEGAL_REP_OF|EMPLOYED_BY]->(c:Company:Customer)"
        "-[:HOME_BRANCH]->(b) WHERE NOT p:Customer AND t.until IS NULL AND NOT b.id IN $scope "
        "RETURN p.id AS id, collect(DISTINCT c.id) AS hidden ORDER BY p.id LIMIT 20",
        scope=branch_manager.scope,
    )
    assert rows
    query = """query Bg($id: ID!) { party(id: $id) { ... on Person {
      corporateBackground { company { id } ownershipPaths { parties { id } } } } } }"""
    for row in rows:
        everything = data(client, query, admin.headers, id=row["id"])["party"]
        mine = data(client, query, branch_manager.headers, id=row["id"])["party"]
        assert set(row["hidden"]) <= {e["company"]["id"] for e in everything["corporateBackground"]}
        named = {
            p["id"]
            for e in mine["corporateBackground"]
            for p in [e["company"], *(q for path in e["ownershipPaths"] for q in path["parties"])]
        }
        assert not named & set(row["hidden"])
        assert set(_home_branches(driver, named).values()) <= set(branch_manager.scope)


def test_the_linkage_statements_warm_up_on_nobody(neo4j_config: Neo4jConfig) -> None:
    """What the app runs before serving (api/app.py's _warm_up) runs with every parameter the
    statements declare, for both kinds of scope."""

    on_database(neo4j_config, linkage.warm_up)
