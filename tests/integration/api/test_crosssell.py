"""Cross-sell through HTTP against the session's bank: suggestions never break a suppression rule,
each rule sets a product aside with its evidence, reasons name evidence that the graph bears out,
answers stay within the caller's scope and say when their statistics went stale."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import itertools
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from graph.crosssell import stats
from graph.crosssell.rules import CrossSellRules
from graph.crosssell.stats import ScopeStatistics, StatisticsCache
from graph.db import Database, Neo4jConfig
from tests.helpers import ApiUser, cypher, data, error_codes, gql, one
from tests.loading import load, on_database, relgraph_cli

RULES = CrossSellRules.load()
SUITABILITY = {t.value for t in RULES.suppression.suitability_types}

CROSS_SELL = """
query($id: ID!, $first: Int, $explain: Boolean!) {
  crossSell(customerId: $id, first: $first, explainSuppressed: $explain) {
    customer { id }
    peerGroup
    suggestions {
      rank score product { id type riskRating status }
      reasons {
        __typename summary
        ... on CoHoldingReason {
          heldProduct { id } productHolders coHolders support confidence lift
        }
        ... on SimilarCustomersReason { segment peerGroup peers holding share }
        ... on LinkedPartyReason { role party { id name } via { id } }
      }
    }
    blocked { rule detail hops listedParty { id } via { id } }
    suppressed {
      score product { id }
      suppressions {
        rule detail productStatus productRisk customerTolerance hops listedParty { id } via { id }
      }
    }
    statistics { computedAt stale staleSince rulesVersion customers }
  }
}
"""

AFFINITY = """
query($id: ID!, $first: Int) {
  productAffinity(productId: $id, first: $first) {
    product { id } holders
    related { product { id } coHolders holders support confidence lift }
    statistics { computedAt stale customers }
  }
}
"""

# Customers holding products on a day, as the statistics count them (current holdings).
HOLDS_NOW = "(h.since IS NULL OR h.since <= date()) AND (h.until IS NULL OR h.until >= date())"


@pytest.fixture(autouse=True)
def _segmented(segmented: None) -> None:
    """Every test here reads the bank with computed segments and fresh statistics."""


def cross_sell(
    client: TestClient, user: ApiUser, customer: str, first: int = 5, explain: bool = False
) -> dict[str, Any]:
    answer: dict[str, Any] = data(
        client, CROSS_SELL, user.headers, id=customer, first=first, explain=explain
    )["crossSell"]
    return answer


def held_now(driver: Driver, customer: str) -> set[str]:
    return {
        r["id"]
        for r in cypher(
            driver,
            f"MATCH (:Customer {{id: $id}})-[h:HOLDS]->(p:Product) WHERE {HOLDS_NOW} "
            "RETURN p.id AS id",
            id=customer,
        )
    }


@pytest.fixture(scope="module")
def subject(driver: Driver, branch_manager: ApiUser) -> str:
    """A person in the manager's scope with a risk tolerance, several holdings, not listed and
    linked to no listed party: one the rules let the recommender speak about."""
    rows = cypher(
        driver,
        f"""
        MATCH (c:Customer:Person)-[:HOME_BRANCH]->(b:Branch)
        WHERE b.id IN $scope AND c.risk_tolerance IS NOT NULL AND c.risk_tolerance >= 'R3'
          AND NOT EXISTS {{ (c)-[:LISTED]->(:ListEntry) }}
          AND NOT EXISTS {{
            (c)-[:OWNS|EXECUTIVE_OF|LEGAL_REP_OF|EMPLOYED_BY|FAMILY_OF|GUARANTEES*1..2]-(:Party)
              -[:LISTED]->(:ListEntry)
          }}
        WITH c, COUNT {{ (c)-[h:HOLDS]->(:Product) WHERE {HOLDS_NOW} }} AS holdings
        WHERE holdings >= 2
        RETURN c.id AS id ORDER BY holdings DESC, c.id LIMIT 1
        """,
        scope=branch_manager.scope,
    )
    assert rows, "the bank has no customer to recommend to"
    customer: str = rows[0]["id"]
    return customer


def test_suggestions_break_no_rule_and_are_ranked(
    client: TestClient, driver: Driver, admin: ApiUser
) -> None:
    customers = cypher(
        driver,
        "MATCH (c:Customer) WHERE c.risk_tolerance IS NOT NULL "
        "RETURN c.id AS id, c.risk_tolerance AS tolerance ORDER BY c.id LIMIT 40",
    )
    rules_seen: set[str] = set()
    suggested = 0
    for row in customers:
        answer = cross_sell(client, admin, row["id"], first=10, explain=True)
        held = held_now(driver, row["id"])
        ids = [s["product"]["id"] for s in answer["suggestions"]]
        facts = {
            r["id"]: r
            for r in cypher(
                driver,
                "MATCH (p:Product) WHERE p.id IN $ids RETURN p.id AS id, p.status AS status, "
                "p.type AS type, p.risk_rating AS risk, p.issue_date <= date() AS issued, "
                "p.maturity_date AS matures",
                ids=ids,
            )
        }
        assert [s["rank"] for s in answer["suggestions"]] == list(range(1, len(ids) + 1))
        scores = [s["score"] for s in answer["suggestions"]]
        assert scores == sorted(scores, reverse=True)
        for product in ids:
            fact = facts[product]
            assert product not in held
            assert fact["status"] == "ACTIVE" and fact["issued"] is not False
            assert fact["matures"] is None or fact["matures"] > dt.date.today()
            if fact["type"] in SUITABILITY:
                assert fact["risk"] <= row["tolerance"]
        suggested += len(ids)
        for item in answer["suppressed"]:
            rules = {s["rule"]: s for s in item["suppressions"]}
            rules_seen |= rules.keys()
            if "ALREADY_HELD" in rules:
                assert item["product"]["id"] in held
            else:
                assert item["product"]["id"] not in held
            risk = rules.get("ABOVE_RISK_TOLERANCE")
            if risk is not None:
                assert risk["customerTolerance"] == row["tolerance"]
                assert risk["productRisk"] > row["tolerance"]
    assert suggested > 0
    assert {"ALREADY_HELD", "ABOVE_RISK_TOLERANCE"} <= rules_seen


@pytest.fixture
def top_product(client: TestClient, branch_manager: ApiUser, subject: str) -> dict[str, Any]:
    suggestions = cross_sell(client, branch_manager, subject)["suggestions"]
    assert suggestions, "the subject gets no suggestion"
    product: dict[str, Any] = suggestions[0]["product"]
    return product


def _suppressions_of(answer: dict[str, Any], product: str) -> dict[str, dict[str, Any]]:
    for item in answer["suppressed"]:
        if item["product"]["id"] == product:
            return {s["rule"]: s for s in item["suppressions"]}
    return {}


@pytest.mark.parametrize(
    ("rule", "change", "undo", "detail"),
    [
        (
            "ALREADY_HELD",
            "MATCH (c:Customer {id: $customer}), (p:Product {id: $product}) "
            "CREATE (c)-[:HOLDS {since: date() - duration('P1D'), test_holding: true}]->(p)",
            "MATCH (:Customer {id: $customer})-[h:HOLDS {test_holding: true}]->() DELETE h",
            "the customer holds it",
        ),
        (
            "NOT_ON_SALE",
            "MATCH (p:Product {id: $product}) SET p.test_status = p.status, p.status = 'CLOSED'",
            "MATCH (p:Product {id: $product}) SET p.status = p.test_status REMOVE p.test_status",
            "the product is CLOSED",
        ),
        (
            "NOT_ON_SALE",
            "MATCH (p:Product {id: $product}) SET p.test_maturity = p.maturity_date, "
            "p.maturity_date = date() - duration('P1D')",
            "MATCH (p:Product {id: $product}) SET p.maturity_date = p.test_maturity "
            "REMOVE p.test_maturity",
            "matured on",
        ),
        (
            "NOT_ON_SALE",
            "MATCH (p:Product {id: $product}) SET p.test_issue = p.issue_date, "
            "p.issue_date = date() + duration('P30D')",
            "MATCH (p:Product {id: $product}) SET p.issue_date = p.test_issue REMOVE p.test_issue",
            "not on sale before",
        ),
    ],
    ids=["held", "closed", "matured", "not-yet-issued"],
)
def test_each_product_rule_sets_the_top_suggestion_aside(
    client: TestClient,
    driver: Driver,
    branch_manager: ApiUser,
    subject: str,
    top_product: dict[str, Any],
    rule: str,
    change: str,
    undo: str,
    detail: str,
) -> None:
    product = top_product["id"]
    driver.execute_query(change, customer=subject, product=product)
    try:
        answer = cross_sell(client, branch_manager, subject, explain=True)
    finally:
        driver.execute_query(undo, customer=subject, product=product)
    assert product not in [s["product"]["id"] for s in answer["suggestions"]]
    assert len(answer["suggestions"]) == 5  # the next product took its place
    found = _suppressions_of(answer, product)
    assert rule in found and detail in found[rule]["detail"]
    if rule == "NOT_ON_SALE":
        assert found[rule]["productStatus"] == ("CLOSED" if detail.endswith("CLOSED") else "ACTIVE")
    # Put back, the product is suggested again.
    again = cross_sell(client, branch_manager, subject)
    assert again["suggestions"][0]["product"]["id"] == product


def test_a_product_above_the_customers_risk_tolerance_is_set_aside(
    client: TestClient, driver: Driver, branch_manager: ApiUser, subject: str
) -> None:
    suggestions = cross_sell(client, branch_manager, subject, first=20)["suggestions"]
    investment = next(
        (
            s["product"]
            for s in suggestions
            if s["product"]["type"] in SUITABILITY and s["product"]["riskRating"] > "R1"
        ),
        None,
    )
    assert investment is not None, "no investment product above R1 among the suggestions"
    tolerance = one(driver, "MATCH (c:Customer {id: $id}) RETURN c.risk_tolerance AS t", id=subject)
    driver.execute_query("MATCH (c:Customer {id: $id}) SET c.risk_tolerance = 'R1'", id=subject)
    try:
        answer = cross_sell(client, branch_manager, subject, first=20, explain=True)
    finally:
        driver.execute_query(
            "MATCH (c:Customer {id: $id}) SET c.risk_tolerance = $t", id=subject, t=tolerance["t"]
        )
    suggested = [s["product"] for s in answer["suggestions"]]
    assert investment["id"] not in [p["id"] for p in suggested]
    assert all(p["type"] not in SUITABILITY or p["riskRating"] == "R1" for p in suggested)
    found = _suppressions_of(answer, investment["id"])["ABOVE_RISK_TOLERANCE"]
    assert found["productRisk"] == investment["riskRating"]
    assert found["customerTolerance"] == "R1"


@pytest.fixture
def listed_parties(driver: Driver) -> Iterator[None]:
    """Removes the parties, ties and list entries a test creates (all marked `test_listing`)."""
    yield
    driver.execute_query("MATCH ()-[r {test_listing: true}]-() DELETE r")
    driver.execute_query("MATCH (n {test_listing: true}) DETACH DELETE n")


def test_a_customer_on_a_prohibition_list_is_offered_nothing(
    client: TestClient,
    driver: Driver,
    branch_manager: ApiUser,
    subject: str,
    listed_parties: None,
) -> None:
    # A delisted entry does not block.
    driver.execute_query(
        "MATCH (c:Customer {id: $id}) CREATE (c)-[:LISTED {test_listing: true}]->"
        "(:ListEntry {id: 'TEST-OLD', list: 'PROHIBITION', delisted_on: date() - duration('P1D'),"
        " test_listing: true})",
        id=subject,
    )
    assert cross_sell(client, branch_manager, subject)["blocked"] == []
    driver.execute_query(
        "MATCH (c:Customer {id: $id}) CREATE (c)-[:LISTED {test_listing: true}]->"
        "(:ListEntry {id: 'TEST-NOW', list: 'PROHIBITION', test_listing: true})",
        id=subject,
    )
    answer = cross_sell(client, branch_manager, subject, explain=True)
    assert answer["suggestions"] == []
    assert [b["rule"] for b in answer["blocked"]] == ["CUSTOMER_PROHIBITED"]
    assert answer["suppressed"]
    assert all(
        "CUSTOMER_PROHIBITED" in [s["rule"] for s in item["suppressions"]]
        for item in answer["suppressed"]
    )


def _chain(driver: Driver, customer: str, listed: str | None, hops: int, until: str | None) -> None:
    """customer -FAMILY_OF- TEST-1 … -FAMILY_OF- the listed party, `hops` ties long; the listed
    party is `listed` (an existing party) or a new person TEST-LISTED."""
    driver.execute_query(
        "UNWIND range(1, $middle) AS n CREATE (:Party:Person {id: 'TEST-' + toString(n), "
        "name: 'Test link ' + toString(n), test_listing: true})",
        middle=hops - 1,
    )
    if listed is None:
        driver.execute_query(
            "CREATE (:Party:Person {id: 'TEST-LISTED', name: 'Test listed', test_listing: true})"
        )
        listed = "TEST-LISTED"
    driver.execute_query(
        "MATCH (p:Party {id: $listed}) CREATE (p)-[:LISTED {test_listing: true}]->"
        "(:ListEntry {id: 'TEST-ENTRY', list: 'PROHIBITION', test_listing: true})",
        listed=listed,
    )
    path = [customer, *[f"TEST-{n}" for n in range(1, hops)], listed]
    for left, right in itertools.pairwise(path):
        driver.execute_query(
            "MATCH (a:Party {id: $left}), (b:Party {id: $right}) "
            "CREATE (a)-[:FAMILY_OF {test_listing: true, since: date('2000-01-01'), "
            "until: CASE WHEN $until IS NULL THEN null ELSE date($until) END}]->(b)",
            left=left,
            right=right,
            until=until,
        )


def test_a_customer_linked_to_a_listed_party_within_two_hops_is_offered_nothing(
    client: TestClient,
    driver: Driver,
    admin: ApiUser,
    subject: str,
    listed_parties: None,
) -> None:
    _chain(driver, subject, None, hops=2, until=None)
    answer = cross_sell(client, admin, subject, explain=True)
    assert answer["suggestions"] == []
    (block,) = answer["blocked"]
    assert block["rule"] == "LINKED_TO_LISTED_PARTY" and block["hops"] == 2
    assert block["listedParty"] == {"id": "TEST-LISTED"} and block["via"] == {"id": "TEST-1"}


@pytest.mark.parametrize(
    ("hops", "until"),
    [(3, None), (2, (dt.date.today() - dt.timedelta(days=1)).isoformat())],
    ids=["three-hops", "ended-tie"],
)
def test_a_listed_party_further_away_or_through_an_ended_tie_blocks_nothing(
    client: TestClient,
    driver: Driver,
    admin: ApiUser,
    subject: str,
    listed_parties: None,
    hops: int,
    until: str | None,
) -> None:
    _chain(driver, subject, None, hops=hops, until=until)
    answer = cross_sell(client, admin, subject)
    assert answer["blocked"] == [] and len(answer["suggestions"]) == 5


def test_a_listed_customer_outside_the_scope_blocks_without_being_named(
    client: TestClient,
    driver: Driver,
    admin: ApiUser,
    branch_manager: ApiUser,
    subject: str,
    listed_parties: None,
) -> None:
    outsider = one(
        driver,
        "MATCH (c:Customer)-[:HOME_BRANCH]->(b:Branch) WHERE NOT b.id IN $scope "
        "RETURN c.id AS id ORDER BY c.id LIMIT 1",
        scope=branch_manager.scope,
    )["id"]
    _chain(driver, subject, outsider, hops=1, until=None)
    seen_by_admin = cross_sell(client, admin, subject)["blocked"]
    assert seen_by_admin[0]["listedParty"] == {"id": outsider}
    (block,) = cross_sell(client, branch_manager, subject)["blocked"]
    assert block["rule"] == "LINKED_TO_LISTED_PARTY" and block["hops"] == 1
    assert block["listedParty"] is None
    assert outsider not in block["detail"]


def test_linked_party_reasons_name_only_parties_the_caller_may_see(
    client: TestClient,
    driver: Driver,
    admin: ApiUser,
    branch_manager: ApiUser,
    subject: str,
    top_product: dict[str, Any],
    listed_parties: None,
) -> None:
    product = top_product["id"]
    relative = one(
        driver,
        f"""
        MATCH (c:Customer)-[h:HOLDS]->(:Product {{id: $product}}), (c)-[:HOME_BRANCH]->(b:Branch)
        WHERE {HOLDS_NOW} AND NOT b.id IN $scope
          AND NOT EXISTS {{ (c)-[:OWNS|EXECUTIVE_OF|LEGAL_REP_OF|EMPLOYED_BY|FAMILY_OF|GUARANTEES]
                            -(:Party)-[:LISTED]->(:ListEntry) }}
          AND NOT EXISTS {{ (c)-[:LISTED]->(:ListEntry) }}
        RETURN c.id AS id, c.name AS name ORDER BY c.id LIMIT 1
        """,
        product=product,
        scope=branch_manager.scope,
    )
    driver.execute_query(
        "MATCH (a:Customer {id: $a}), (b:Customer {id: $b}) "
        "CREATE (a)-[:FAMILY_OF {test_listing: true, since: date('2000-01-01')}]->(b)",
        a=subject,
        b=relative["id"],
    )

    def linked_reasons(user: ApiUser, first: int) -> list[dict[str, Any]] | None:
        for suggestion in cross_sell(client, user, subject, first=first)["suggestions"]:
            if suggestion["product"]["id"] == product:
                return [r for r in suggestion["reasons"] if r["__typename"] == "LinkedPartyReason"]
        return None

    by_admin = linked_reasons(admin, 50)
    assert by_admin is not None
    assert {"role": "FAMILY", "party": relative, "via": None} in [
        {key: r[key] for key in ("role", "party", "via")} for r in by_admin
    ]
    by_manager = linked_reasons(branch_manager, 5)
    assert by_manager is not None  # still suggested, on the manager's own statistics
    assert relative["id"] not in [r["party"]["id"] for r in by_manager]


def test_a_customer_outside_the_scope_is_forbidden_and_an_unknown_one_not_found(
    client: TestClient, driver: Driver, branch_manager: ApiUser
) -> None:
    outsider = one(
        driver,
        "MATCH (c:Customer)-[:HOME_BRANCH]->(b:Branch) WHERE NOT b.id IN $scope "
        "RETURN c.id AS id ORDER BY c.id LIMIT 1",
        scope=branch_manager.scope,
    )["id"]
    body = gql(client, CROSS_SELL, branch_manager.headers, id=outsider, first=5, explain=True)
    assert error_codes(body) == ["FORBIDDEN"] and body["data"] is None
    body = gql(client, CROSS_SELL, branch_manager.headers, id="NO-SUCH", first=5, explain=False)
    assert error_codes(body) == ["NOT_FOUND"]


def _holders(driver: Driver, products: list[str], scope: list[str] | None) -> int:
    """Customers (in scope) holding every one of `products` now."""
    row = one(
        driver,
        f"""
        MATCH (c:Customer)-[:HOME_BRANCH]->(b:Branch)
        WHERE ($scope IS NULL OR b.id IN $scope)
          AND all(pid IN $products WHERE EXISTS {{
            (c)-[h:HOLDS]->(:Product {{id: pid}}) WHERE {HOLDS_NOW} }})
        RETURN count(c) AS n
        """,
        products=products,
        scope=scope,
    )
    count: int = row["n"]
    return count


def test_reasons_name_evidence_the_graph_bears_out(
    client: TestClient, driver: Driver, admin: ApiUser
) -> None:
    customers = cypher(
        driver,
        f"MATCH (c:Customer) WITH c, COUNT {{ (c)-[h:HOLDS]->() WHERE {HOLDS_NOW} }} AS n "
        "WHERE n >= 2 RETURN c.id AS id, c.computed_segment AS segment ORDER BY c.id LIMIT 8",
    )
    kinds: set[str] = set()
    for row in customers:
        answer = cross_sell(client, admin, row["id"])
        customers_counted = answer["statistics"]["customers"]
        assert customers_counted == _holders(driver, [], None)
        held = held_now(driver, row["id"])
        for suggestion in answer["suggestions"]:
            product = suggestion["product"]["id"]
            for reason in suggestion["reasons"]:
                kinds.add(reason["__typename"])
                assert reason["summary"]
                if reason["__typename"] == "CoHoldingReason":
                    other = reason["heldProduct"]["id"]
                    assert other in held
                    assert reason["productHolders"] == _holders(driver, [other], None)
                    assert reason["coHolders"] == _holders(driver, [other, product], None)
                    assert reason["coHolders"] >= RULES.reasons.min_co_holders
                    confidence = reason["coHolders"] / reason["productHolders"]
                    assert reason["confidence"] == pytest.approx(confidence)
                    assert reason["support"] == pytest.approx(
                        reason["coHolders"] / customers_counted
                    )
                    base = _holders(driver, [product], None) / customers_counted
                    assert reason["lift"] == pytest.approx(confidence / base)
                    assert reason["lift"] > 1
                elif reason["__typename"] == "SimilarCustomersReason":
                    assert reason["segment"] == row["segment"]
                    assert reason["peerGroup"] == answer["peerGroup"]
                    assert reason["peerGroup"].startswith(f"{row['segment']}:")
                    assert 0 < reason["holding"] <= reason["peers"]
                    assert reason["share"] == pytest.approx(reason["holding"] / reason["peers"])
                    # Peers are customers of the segment: no more of them hold it than that.
                    in_segment = one(
                        driver,
                        f"MATCH (c:Customer {{computed_segment: $segment}})-[h:HOLDS]->"
                        f"(:Product {{id: $product}}) WHERE {HOLDS_NOW} "
                        "RETURN count(DISTINCT c) AS n",
                        segment=row["segment"],
                        product=product,
                    )["n"]
                    assert reason["holding"] <= in_segment
    assert {"CoHoldingReason", "SimilarCustomersReason"} <= kinds


def test_product_affinity_counts_the_graph_within_the_callers_scope(
    client: TestClient, driver: Driver, admin: ApiUser, branch_manager: ApiUser
) -> None:
    product = one(
        driver,
        f"MATCH (c:Customer)-[h:HOLDS]->(p:Product) WHERE {HOLDS_NOW} "
        "RETURN p.id AS id, count(DISTINCT c) AS n ORDER BY n DESC, id LIMIT 1",
    )["id"]
    for user in (admin, branch_manager):
        row = data(client, AFFINITY, user.headers, id=product, first=5)["productAffinity"]
        customers = row["statistics"]["customers"]
        assert customers == _holders(driver, [], user.scope)
        assert row["holders"] == _holders(driver, [product], user.scope)
        related = row["related"]
        assert 0 < len(related) <= 5
        co_holders = [entry["coHolders"] for entry in related]
        assert co_holders == sorted(co_holders, reverse=True)
        for entry in related:
            other = entry["product"]["id"]
            assert other != product
            assert entry["coHolders"] == _holders(driver, [product, other], user.scope)
            assert entry["holders"] == _holders(driver, [other], user.scope)
            assert entry["support"] == pytest.approx(entry["coHolders"] / customers)
            assert entry["confidence"] == pytest.approx(entry["coHolders"] / row["holders"])
            assert entry["lift"] == pytest.approx(
                entry["confidence"] / (entry["holders"] / customers)
            )
    scoped = data(client, AFFINITY, branch_manager.headers, id=product, first=5)
    whole = data(client, AFFINITY, admin.headers, id=product, first=5)
    assert (
        scoped["productAffinity"]["statistics"]["customers"]
        < whole["productAffinity"]["statistics"]["customers"]
    )
    assert error_codes(gql(client, AFFINITY, admin.headers, id="NO-SUCH", first=5)) == ["NOT_FOUND"]


def test_a_load_that_changes_holdings_marks_the_statistics_stale_until_a_refresh(
    client: TestClient,
    driver: Driver,
    neo4j_config: Neo4jConfig,
    admin: ApiUser,
    subject: str,
    top_product: dict[str, Any],
    tmp_path: Path,
) -> None:
    before = cross_sell(client, admin, subject)["statistics"]
    assert before["stale"] is False and before["staleSince"] is None
    assert before["rulesVersion"] == RULES.version
    folder = tmp_path / "holds"
    folder.mkdir()
    with (folder / "holds.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["holder_id", "product_id", "amount", "since", "until"])
        writer.writerow([subject, top_product["id"], "1000.00", dt.date.today().isoformat(), ""])
    try:
        assert load(neo4j_config, folder).loaded == 1
        stale = cross_sell(client, admin, subject)["statistics"]
        assert stale["stale"] is True and stale["staleSince"] is not None
        assert stale["computedAt"] == before["computedAt"]
        affinity = data(client, AFFINITY, admin.headers, id=top_product["id"], first=1)
        assert affinity["productAffinity"]["statistics"]["stale"] is True
    finally:
        driver.execute_query(
            "MATCH (:Customer {id: $c})-[h:HOLDS]->(:Product {id: $p}) "
            "WHERE h.since = date() DELETE h",
            c=subject,
            p=top_product["id"],
        )
        result = relgraph_cli(neo4j_config, "crosssell", "refresh", "--no-progress")
        assert result.returncode == 0, result.stderr
    assert "statistics generation" in result.stdout
    after = cross_sell(client, admin, subject)["statistics"]
    assert after["stale"] is False and after["staleSince"] is None
    assert after["computedAt"] > before["computedAt"]


def test_kept_statistics_equal_a_fresh_read_and_are_read_once_per_generation(
    neo4j_config: Neo4jConfig, driver: Driver, branch_manager: ApiUser
) -> None:
    groups = [
        r["group"]
        for r in cypher(
            driver,
            "MATCH (h:HoldingCounts {branch: '*'}) WHERE h.group <> '*' "
            "RETURN h.group AS group ORDER BY h.customers DESC LIMIT 3",
        )
    ]
    products = [
        r["id"]
        for r in cypher(
            driver,
            "MATCH (k:CoHoldingCounts {branch: '*'}) "
            "RETURN k.product_id AS id ORDER BY k.holders DESC LIMIT 3",
        )
    ]
    assert len(groups) == 3 and len(products) == 3

    def counts(found: ScopeStatistics) -> tuple[object, ...]:
        return (
            found.customers,
            found.holders,
            [(found.peer_customers[g], found.peer_holders.get(g, Counter())) for g in groups],
            [found.co_holders.get(p, Counter()) for p in products],
        )

    async def check(db: Database) -> None:
        status = await stats.status(db)
        assert status is not None
        cache = StatisticsCache()
        for scope in (None, branch_manager.scope):
            first = await cache.statistics(db, status, scope, groups[:1], products[:2])
            kept = await cache.statistics(db, status, scope, groups[1:], products[1:])
            assert kept is first
            assert counts(kept) == counts(await stats.scope_statistics(db, scope, groups, products))
            before = db.statements_run
            assert await cache.statistics(db, status, scope, groups, products) is kept
            assert db.statements_run == before
        # A status naming another generation (a refresh since) drops what was kept; the counts
        # come from the generation the graph holds, and none is kept under the other.
        other = dataclasses.replace(status, generation=status.generation + 1)
        before = db.statements_run
        answer = await cache.statistics(db, other, None, groups, products)
        assert counts(answer) == counts(await stats.scope_statistics(db, None, groups, products))
        assert db.statements_run - before == 3
        before = db.statements_run
        await cache.statistics(db, status, None, groups, products)
        assert db.statements_run - before == 1

    on_database(neo4j_config, check)


@pytest.mark.parametrize(
    ("command", "file", "key"),
    [
        (("crosssell", "refresh"), "crosssell.toml", "scoring.lift_weight"),
        (("segments", "recompute"), "segmentation.toml", "value_tiers.high"),
    ],
)
def test_a_bad_rule_file_is_a_clear_error_naming_the_key(
    neo4j_config: Neo4jConfig, tmp_path: Path, command: tuple[str, ...], file: str, key: str
) -> None:
    source = (Path(__file__).resolve().parents[3] / "config" / file).read_text(encoding="utf-8")
    field = key.rsplit(".", 1)[1]
    lines = [
        f'{field} = "lots"' if line.split("=")[0].strip() == field else line
        for line in source.splitlines()
    ]
    bad = tmp_path / file
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = relgraph_cli(neo4j_config, *command, "--rules", str(bad), "--no-progress")
    assert result.returncode == 1
    assert key in result.stderr and str(bad) in result.stderr
    assert "Traceback" not in result.stderr


def test_the_eval_scores_three_methods_against_the_held_out_truth(
    driver: Driver, neo4j_config: Neo4jConfig, bank_dir: Path, tmp_path: Path
) -> None:
    truth = bank_dir / "ground_truth"
    heldout: dict[str, set[str]] = {}
    for path in sorted(truth.glob("heldout_holdings*.csv")):
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                heldout.setdefault(row["holder_id"], set()).add(row["product_id"])
    pairs = [{"c": c, "p": p} for c, products in heldout.items() for p in products]
    # The held-out holdings were never loaded: the recommender cannot have seen them.
    leaked = one(
        driver,
        "UNWIND $pairs AS pair MATCH (:Party {id: pair.c})-[h:HOLDS]->(:Product {id: pair.p}) "
        "RETURN count(h) AS n",
        pairs=pairs,
    )["n"]
    assert pairs and leaked == 0
    scored = one(
        driver, "MATCH (c:Customer) WHERE c.id IN $ids RETURN count(c) AS n", ids=list(heldout)
    )["n"]
    result = relgraph_cli(neo4j_config, "eval", "crosssell", "--truth", str(truth), "--no-progress")
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.split("\n")[:4]
    assert header.split() == ["method", "precision@5", "recall@10", "MAP@10", "customers"]
    table = {cells[0]: cells[1:] for cells in (row.split() for row in rows)}
    assert list(table) == ["relgraph", "popularity", "oracle"]
    for values in table.values():
        assert all(0 <= float(v) <= 1 for v in values[:3])
        assert int(values[3].replace(",", "")) == scored
    # Knowing each customer's latent type is worth something over mere popularity.
    assert float(table["oracle"][0]) > float(table["popularity"][0])
    empty = tmp_path / "not-truth"
    empty.mkdir()
    wrong = relgraph_cli(neo4j_config, "eval", "crosssell", "--truth", str(empty), "--no-progress")
    assert wrong.returncode == 1 and "heldout_holdings.csv" in wrong.stderr
