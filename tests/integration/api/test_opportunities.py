"""Opportunities (商机) through HTTP against the synthetic bank: generated idempotently from the
linkage model, routed by the push rules, worked through every status transition (allowed and
refused), screened from a list, counted for a branch. The module's opportunities and the holding
it records for a conversion are removed when it ends: the bank is shared by every test."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from api.settings import Settings
from graph.db import Database, Neo4jConfig
from graph.opportunities import GenerateSummary, generate
from schema.core.access import Role
from tests.compliance import relgraph
from tests.helpers import ApiUser, cypher, data, error_codes, gql, one
from tests.integration.conftest import token_for

CONVERSION_HOLDING = "test_opportunities"


def _generate(
    neo4j_config: Neo4jConfig, settings: Settings, today: dt.date | None = None
) -> GenerateSummary:
    async def run() -> GenerateSummary:
        db = Database(neo4j_config)
        try:
            return await generate(db, settings.opportunity_policy(), today or dt.date.today())
        finally:
            await db.close()

    return asyncio.run(run())


@pytest.fixture(scope="module")
def generated(
    neo4j_config: Neo4jConfig, settings: Settings, driver: Driver
) -> Iterator[GenerateSummary]:
    try:
        yield _generate(neo4j_config, settings)
    finally:
        cypher(
            driver,
            "MATCH (o:Opportunity) OPTIONAL MATCH (o)-[:HAS_CHANGE]->(c:OpportunityChange) "
            "DETACH DELETE o, c",
        )
        cypher(driver, "MATCH ()-[h:HOLDS {loaded_by: $tag}]->() DELETE h", tag=CONVERSION_HOLDING)


def _open_keys(driver: Driver) -> list[dict[str, Any]]:
    return cypher(
        driver,
        "MATCH (o:Opportunity)-[:TARGETS]->(t) WHERE o.status IN ['OPEN', 'ACCEPTED'] "
        "RETURN t.id AS target, o.product AS product, count(*) AS n ORDER BY target, product",
    )


def test_generate_is_idempotent_and_refreshes(
    generated: GenerateSummary, neo4j_config: Neo4jConfig, settings: Settings, driver: Driver
) -> None:
    first = generated.written
    assert first.count("created") == generated.found > 0
    assert first.unrouted == 0
    before = _open_keys(driver)
    assert all(row["n"] == 1 for row in before)
    again = _generate(neo4j_config, settings)
    assert again.written.count("created") == 0
    assert again.written.count("refreshed") == generated.found
    assert _open_keys(driver) == before
    refreshed = one(
        driver, "MATCH (o:Opportunity) RETURN count(o) AS n, count(o.refreshed_on) AS refreshed"
    )
    assert refreshed["n"] == refreshed["refreshed"] == generated.found


def test_the_command_the_demo_runs_generates_through_the_same_model(
    generated: GenerateSummary, settings: Settings, driver: Driver
) -> None:
    """`relgraph opportunities generate` (what `relgraph demo`, so `make run`, runs after the
    load) over the bank already generated: the summary table and line, nothing new, every open
    opportunity refreshed."""
    done = relgraph(settings, "opportunities", "generate")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].split() == [
        "kind",
        "grade",
        "created",
        "refreshed",
        "expired",
    ]
    found = one(driver, "MATCH (o:Opportunity {status: 'OPEN'}) RETURN count(o) AS n")["n"]
    assert f"found {found:,} opportunities: 0 created, {found:,} refreshed" in done.stdout
    assert "0 unrouted" in done.stdout


def test_a_rerun_expires_what_the_model_no_longer_finds(
    generated: GenerateSummary, neo4j_config: Neo4jConfig, settings: Settings, driver: Driver
) -> None:
    # An open opportunity of the linkage model for a tie the bank does not have.
    party = one(driver, "MATCH (p:Person:Customer) RETURN p.id AS id ORDER BY p.id LIMIT 1")["id"]
    cypher(
        driver,
        "MATCH (p:Party {id: $party}) "
        "CREATE (o:Opportunity {id: 'OPSTALE', open_key: $party + '|FX', kind: 'PUBLIC_PRIVATE', "
        "product: 'FX', products: ['FX'], score: 0.5, grade: 'B', expected_value_fen: 100, "
        "reason: 'a tie since ended', source: 'PASSIVE', origin: 'LINKAGE', status: 'OPEN', "
        "created_at: datetime(), created_on: date(), expires_on: date() + duration('P90D'), "
        "run_id: 'an earlier run'})-[:TARGETS]->(p)",
        party=party,
    )
    summary = _generate(neo4j_config, settings)
    assert sum(summary.expired.values()) == 1
    stale = one(
        driver,
        "MATCH (o:Opportunity {id: 'OPSTALE'})-[:HAS_CHANGE]->(c) "
        "RETURN o.status AS status, o.open_key AS key, c.from AS was, c.reason AS why, "
        "c.actor_kind AS actor",
    )
    assert stale == {
        "status": "EXPIRED",
        "key": None,
        "was": "OPEN",
        "why": "no longer found by the model",
        "actor": "SYSTEM",
    }


def test_push_rules_routed_every_generated_opportunity_as_the_rule_file_says(
    generated: GenerateSummary, driver: Driver
) -> None:
    rows = cypher(
        driver,
        "MATCH (o:Opportunity {origin: 'LINKAGE'})-[:OWNED_BY]->(owner:Employee), "
        "(o)-[:ROUTED_TO]->(institution:Branch), (o)-[:TARGETS]->(target:Party) "
        "OPTIONAL MATCH (o)-[:VIA]->(via:Party) "
        "MATCH (owner)-[post:WORKS_AT]->(institution) WHERE post.until IS NULL "
        "RETURN o.push_rule AS rule, o.grade AS grade, o.product AS product, "
        "institution.id AS institution, institution.kind AS kind, owner.roles AS roles, "
        "head([(m:Employee)-[r:MANAGES {role: 'PRIMARY'}]->(target) WHERE r.until IS NULL | m.id]) "
        "AS target_manager, "
        "head([(m:Employee)-[r:MANAGES {role: 'PRIMARY'}]->(via) WHERE r.until IS NULL | m.id]) "
        "AS via_manager, owner.id AS owner, target:Customer AS target_is_customer",
    )
    assert len(rows) == generated.found
    wholesale = [r for r in rows if r["rule"].startswith("wholesale")]
    assert wholesale, "the test bank has wholesale needs"
    for row in wholesale:
        # 跨机构联动: the investment-banking centre's product specialists.
        assert row["institution"] == "B00004" and row["kind"] == "CENTER"
        assert "PRODUCT_SPECIALIST" in row["roles"]
        assert row["product"] in {"CUSTODY", "LEASING", "DEBT_INSTRUMENT"}
        assert row["grade"] in {"A", "B"}
    to_managers = [r for r in rows if "manager" in r["rule"] and "branch" not in r["rule"]]
    assert to_managers
    for row in to_managers:
        known = row["target_manager"] if row["target_is_customer"] else row["via_manager"]
        assert row["owner"] == known
    marketing = [r for r in rows if r["rule"].startswith("the rest")]
    assert marketing
    assert all("CUSTOMER_MANAGER" in r["roles"] for r in marketing)


@dataclass(frozen=True)
class Actors:
    opportunity_ids: list[str]
    owner: ApiUser
    head: ApiUser
    stranger: ApiUser


@pytest.fixture(scope="module")
def actors(generated: GenerateSummary, settings: Settings, driver: Driver) -> Actors:
    """An employee owning at least three open opportunities, the head of their branch (or one
    above it), and an employee who is neither."""
    row = one(
        driver,
        "MATCH (o:Opportunity {status: 'OPEN'})-[:OWNED_BY]->(owner:Employee)"
        "-[post:WORKS_AT]->(:Branch)-[:PART_OF*0..5]->(:Branch)<-[head_post:WORKS_AT]-"
        "(head:Employee) WHERE post.until IS NULL AND head_post.until IS NULL "
        "AND 'BRANCH_HEAD' IN head.roles AND head <> owner "
        "WITH owner, head, collect(DISTINCT o.id) AS ids WHERE size(ids) >= 3 "
        "RETURN owner.id AS owner, head.id AS head, ids ORDER BY size(ids) DESC, owner.id LIMIT 1",
    )
    stranger = one(
        driver,
        "MATCH (e:Employee)-[w:WORKS_AT]->(:Branch) WHERE w.until IS NULL AND e.id <> $owner "
        "AND NOT 'BRANCH_HEAD' IN e.roles RETURN e.id AS id ORDER BY e.id LIMIT 1",
        owner=row["owner"],
    )["id"]

    def user(employee: str) -> ApiUser:
        return ApiUser(employee, token_for(settings, employee, Role.MANAGER), None)

    return Actors(sorted(row["ids"]), user(row["owner"]), user(row["head"]), user(stranger))


OPPORTUNITY = """
  id status grade kind product products score expectedValue reason source pushRule
  owner { id } institution { id } target { id } via { id }
  convertedProduct { id }
  path { type fromParty { id } toParty { id } }
  history { fromStatus toStatus actorKind reason actor { id } }
"""
ACCEPT = f"mutation($id: ID!) {{ acceptOpportunity(id: $id) {{ {OPPORTUNITY} }} }}"
DISMISS = (
    f"mutation($id: ID!, $reason: String!) {{ dismissOpportunity(id: $id, reason: $reason) "
    f"{{ {OPPORTUNITY} }} }}"
)
CONVERT = (
    f"mutation($id: ID!, $product: ID!) {{ convertOpportunity(id: $id, productId: $product) "
    f"{{ {OPPORTUNITY} }} }}"
)


def _state(driver: Driver, opportunity_id: str) -> dict[str, Any]:
    return one(
        driver,
        "MATCH (o:Opportunity {id: $id}) "
        "RETURN o.status AS status, o.open_key AS key, COUNT { (o)-[:HAS_CHANGE]->() } AS changes",
        id=opportunity_id,
    )


def _refused(
    client: TestClient, driver: Driver, user: ApiUser, query: str, code: str, **variables: Any
) -> None:
    """The mutation is refused with `code` and changes nothing."""
    before = _state(driver, variables["id"])
    body = gql(client, query, user.headers, **variables)
    assert error_codes(body) == [code], body
    assert _state(driver, variables["id"]) == before


def test_only_the_owner_their_branch_head_or_an_admin_may_act(
    client: TestClient, driver: Driver, actors: Actors, settings: Settings
) -> None:
    first, second, third = actors.opportunity_ids[:3]
    for query, variables in (
        (ACCEPT, {"id": first}),
        (DISMISS, {"id": first, "reason": "not mine"}),
        (CONVERT, {"id": first, "product": "PR00001"}),
    ):
        _refused(client, driver, actors.stranger, query, "FORBIDDEN", **variables)
    # The owner accepts; history says who, as what.
    accepted = data(client, ACCEPT, actors.owner.headers, id=first)["acceptOpportunity"]
    assert accepted["status"] == "ACCEPTED"
    # A linkage opportunity keeps the path that made it, between its target and the customer
    # it was found through; shown whole only when the caller may see every party on it.
    if accepted["target"] is None or accepted["via"] is None:
        assert accepted["path"] is None
    else:
        named = {p["id"] for s in accepted["path"] for p in (s["fromParty"], s["toParty"])}
        assert {accepted["target"]["id"], accepted["via"]["id"]} <= named
    assert accepted["history"] == [
        {
            "fromStatus": "OPEN",
            "toStatus": "ACCEPTED",
            "actorKind": "OWNER",
            "reason": None,
            "actor": {"id": actors.owner.employee_id},
        }
    ]
    # Their branch head may dismiss it, with a reason; the key is given up.
    dismissed = data(
        client, DISMISS, actors.head.headers, id=first, reason="customer has a house bank"
    )["dismissOpportunity"]
    assert dismissed["status"] == "DISMISSED"
    assert dismissed["history"][-1] == {
        "fromStatus": "ACCEPTED",
        "toStatus": "DISMISSED",
        "actorKind": "BRANCH_HEAD",
        "reason": "customer has a house bank",
        "actor": {"id": actors.head.employee_id},
    }
    assert _state(driver, first)["key"] is None
    # An admin may act on anyone's (one who is not the owner's branch head, too).
    as_admin = token_for(settings, actors.stranger.employee_id, Role.ADMIN)
    by_admin = data(client, ACCEPT, as_admin, id=second)["acceptOpportunity"]
    assert by_admin["status"] == "ACCEPTED"
    assert by_admin["history"][-1]["actorKind"] == "ADMIN"
    # The owner may dismiss an OPEN one straight away.
    straight = data(client, DISMISS, actors.owner.headers, id=third, reason="duplicate lead")
    assert straight["dismissOpportunity"]["status"] == "DISMISSED"


def test_illegal_transitions_are_conflicts_and_change_nothing(
    client: TestClient, driver: Driver, actors: Actors, admin: ApiUser
) -> None:
    dismissed = actors.opportunity_ids[0]  # dismissed by the test above
    assert _state(driver, dismissed)["status"] == "DISMISSED"
    for query, variables in (
        (ACCEPT, {"id": dismissed}),
        (DISMISS, {"id": dismissed, "reason": "again"}),
        (CONVERT, {"id": dismissed, "product": "PR00001"}),
    ):
        _refused(client, driver, admin, query, "CONFLICT", **variables)
    accepted = actors.opportunity_ids[1]
    _refused(client, driver, actors.owner, ACCEPT, "CONFLICT", id=accepted)
    _refused(client, driver, actors.owner, DISMISS, "INVALID_ARGUMENT", id=accepted, reason=" ")
    body = gql(client, ACCEPT, admin.headers, id="OPNOSUCHTHING")
    assert error_codes(body) == ["NOT_FOUND"]


def test_conversion_links_the_holding_that_converted_it(
    client: TestClient, driver: Driver, actors: Actors
) -> None:
    accepted = actors.opportunity_ids[1]  # accepted by an admin above
    row = one(
        driver,
        "MATCH (o:Opportunity {id: $id})-[:TARGETS]->(t:Party) "
        "MATCH (p:Product {type: o.product}) WHERE NOT (t)-[:HOLDS]->(p) "
        "RETURN t.id AS target, p.id AS product ORDER BY p.id LIMIT 1",
        id=accepted,
    )
    # Not held yet: the conversion waits for the holding.
    _refused(
        client,
        driver,
        actors.owner,
        CONVERT,
        "FAILED_PRECONDITION",
        id=accepted,
        product=row["product"],
    )
    other_type = one(
        driver,
        "MATCH (o:Opportunity {id: $id}) MATCH (p:Product) WHERE NOT p.type IN o.products "
        "RETURN p.id AS id ORDER BY p.id LIMIT 1",
        id=accepted,
    )["id"]
    _refused(
        client,
        driver,
        actors.owner,
        CONVERT,
        "FAILED_PRECONDITION",
        id=accepted,
        product=other_type,
    )
    # The customer takes the product up (recorded as a load would), then it converts.
    cypher(
        driver,
        "MATCH (t:Party {id: $target}), (p:Product {id: $product}) "
        "CREATE (t)-[:HOLDS {since: date() - duration('P1D'), loaded_by: $tag}]->(p)",
        target=row["target"],
        product=row["product"],
        tag=CONVERSION_HOLDING,
    )
    converted = data(client, CONVERT, actors.owner.headers, id=accepted, product=row["product"])
    opportunity = converted["convertOpportunity"]
    assert opportunity["status"] == "CONVERTED"
    assert opportunity["convertedProduct"] == {"id": row["product"]}
    assert [h["toStatus"] for h in opportunity["history"]] == ["ACCEPTED", "CONVERTED"]
    _refused(client, driver, actors.owner, DISMISS, "CONFLICT", id=accepted, reason="too late")


MINE = """query Mine($status: OpportunityStatus, $first: Int) {
  myOpportunities(status: $status, first: $first) {
    totalCount edges { node { id status expectedValue owner { id } } } } }"""


def test_my_opportunities_are_the_callers_best_first(
    client: TestClient, driver: Driver, actors: Actors
) -> None:
    mine = data(client, MINE, actors.owner.headers, first=100)["myOpportunities"]
    owned = one(
        driver,
        "MATCH (o:Opportunity)-[:OWNED_BY]->(:Employee {id: $id}) RETURN count(o) AS n",
        id=actors.owner.employee_id,
    )["n"]
    assert mine["totalCount"] == owned
    nodes = [e["node"] for e in mine["edges"]]
    assert all(n["owner"]["id"] == actors.owner.employee_id for n in nodes)
    values = [float(n["expectedValue"]) for n in nodes]
    assert values == sorted(values, reverse=True)
    open_only = data(client, MINE, actors.owner.headers, status="OPEN", first=100)
    assert all(e["node"]["status"] == "OPEN" for e in open_only["myOpportunities"]["edges"])
    assert open_only["myOpportunities"]["totalCount"] < owned


STATS = """query Stats($branch: ID!) { opportunityStats(branchId: $branch) {
  total byGrade { key count } byKind { key count } byStatus { key count } } }"""


def test_opportunity_stats_count_a_branch_for_managers(
    client: TestClient,
    driver: Driver,
    generated: GenerateSummary,
    admin: ApiUser,
    branch_manager: ApiUser,
    settings: Settings,
) -> None:
    head_office = one(driver, "MATCH (b:Branch {kind: 'HEAD_OFFICE'}) RETURN b.id AS id")["id"]
    stats = data(client, STATS, admin.headers, branch=head_office)["opportunityStats"]
    total = one(driver, "MATCH (o:Opportunity)-[:ROUTED_TO]->() RETURN count(o) AS n")["n"]
    assert stats["total"] == total
    for key in ("byGrade", "byKind", "byStatus"):
        assert sum(c["count"] for c in stats[key]) == total
    assert {c["key"] for c in stats["byStatus"]} >= {"OPEN", "DISMISSED", "CONVERTED"}
    # A manager sees their branch only; a frontend token no counts at all.
    assert branch_manager.scope is not None
    body = gql(client, STATS, branch_manager.headers, branch=head_office)
    assert error_codes(body) == ["FORBIDDEN"]
    own = data(client, STATS, branch_manager.headers, branch=branch_manager.scope[0])
    assert own["opportunityStats"]["total"] <= total
    frontend = token_for(settings, branch_manager.employee_id, Role.FRONTEND)
    assert error_codes(gql(client, STATS, frontend, branch=branch_manager.scope[0])) == [
        "FORBIDDEN"
    ]


SCREEN = """mutation Screen($filter: ScreeningInput!) { screenCustomers(filter: $filter) {
  matched created refreshed kept unrouted } }"""


def test_a_screening_list_becomes_opportunities_once(
    client: TestClient, driver: Driver, generated: GenerateSummary, branch_manager: ApiUser
) -> None:
    assert branch_manager.scope is not None
    screening = {
        "lacksProduct": "PAYROLL_SERVICE",
        "partyType": "COMPANY",
        "description": "company customers without payroll with us",
    }
    expected = one(
        driver,
        "MATCH (c:Company:Customer)-[:HOME_BRANCH]->(b) WHERE b.id IN $scope "
        "AND NOT EXISTS { (c)-[h:HOLDS]->(:Product {type: 'PAYROLL_SERVICE'}) "
        "WHERE h.until IS NULL OR h.until >= date() } RETURN count(c) AS n",
        scope=branch_manager.scope,
    )["n"]
    assert expected > 0
    first = data(client, SCREEN, branch_manager.headers, filter=screening)["screenCustomers"]
    assert first["matched"] == expected
    assert first["created"] + first["kept"] == expected
    assert first["unrouted"] == 0
    again = data(client, SCREEN, branch_manager.headers, filter=screening)["screenCustomers"]
    assert again == {**first, "created": 0, "refreshed": first["created"]}
    rows = cypher(
        driver,
        "MATCH (o:Opportunity {origin: 'SCREENING'})-[:TARGETS]->(t)-[:HOME_BRANCH]->(b) "
        "RETURN o.kind AS kind, o.source AS source, o.created_by AS by, b.id AS branch",
    )
    assert len(rows) == first["created"]
    assert all(r["kind"] == "CORPORATE" and r["source"] == "ACTIVE" for r in rows)
    assert all(r["by"] == branch_manager.employee_id for r in rows)
    assert {r["branch"] for r in rows} <= set(branch_manager.scope)
    # Outside the caller's scope: refused.
    other = one(
        driver,
        "MATCH (b:Branch) WHERE NOT b.id IN $scope RETURN b.id AS id LIMIT 1",
        scope=branch_manager.scope,
    )["id"]
    body = gql(client, SCREEN, branch_manager.headers, filter={**screening, "branchId": other})
    assert error_codes(body) == ["FORBIDDEN"]


def test_expired_opportunities_cannot_be_worked(
    client: TestClient,
    driver: Driver,
    neo4j_config: Neo4jConfig,
    settings: Settings,
    actors: Actors,
    admin: ApiUser,
) -> None:
    # Past every expiry date, a run expires what is still open.
    later = dt.date.today() + dt.timedelta(days=settings.opportunity_ttl_days + 1)
    summary = _generate(neo4j_config, settings, today=later)
    assert sum(summary.expired.values()) > 0
    expired = one(
        driver,
        "MATCH (o:Opportunity {status: 'EXPIRED'})"
        "-[:HAS_CHANGE]->(c {reason: 'expiry date passed'}) "
        "RETURN o.id AS id LIMIT 1",
    )["id"]
    _refused(client, driver, admin, ACCEPT, "CONFLICT", id=expired)


RULES = """{ pushRules { version file rules { name line priority role institution employeeId
  kinds grades productLines segments } } }"""


def test_push_rules_are_readable_in_the_order_they_are_tried(
    client: TestClient, frontend: ApiUser
) -> None:
    rules = data(client, RULES, frontend.headers)["pushRules"]
    assert rules["version"] >= 1 and rules["file"].endswith("push_rules.toml")
    priorities = [r["priority"] for r in rules["rules"]]
    assert priorities == sorted(priorities, reverse=True)
    wholesale = rules["rules"][0]
    assert wholesale["role"] == "CENTER" and wholesale["institution"] == "B00004"
    assert rules["rules"][-1]["role"] == "BRANCH_MARKETING"
