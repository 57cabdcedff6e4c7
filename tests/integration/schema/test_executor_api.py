"""The compiled executor answers as graphql-core does on the real schema over the real bank."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from api.auth import CallerResolver
from graph.db import Database, Neo4jConfig
from schema import build_schema
from schema.core.access import Principal, Role
from schema.core.context import Context
from tests.helpers import ApiUser, answer, cypher


@pytest.fixture(scope="module")
def api_samples(driver: Any) -> dict[str, list[str]]:
    customers = cypher(
        driver,
        "MATCH (c:Customer) WHERE EXISTS { (c)-[:HOLDS]->() } RETURN c.id AS id "
        "ORDER BY COUNT { (c)--() } DESC, c.id LIMIT 12",
    )
    products = cypher(
        driver,
        "MATCH (p:Product) RETURN p.id AS id ORDER BY COUNT { ()-[:HOLDS]->(p) } DESC LIMIT 4",
    )
    companies = cypher(
        driver,
        "MATCH (c:Company) WHERE EXISTS { (c)<-[:EXECUTIVE_OF|OWNS]-() } RETURN c.id AS id "
        "ORDER BY c.id LIMIT 4",
    )
    return {
        "customer": [r["id"] for r in customers],
        "errors": [r["id"] for r in customers[:3] + companies[:3]],
        "product": [r["id"] for r in products],
        "party": [r["id"] for r in companies],
    }


API_QUERIES = {
    "customer": """
    query($id: ID!) {
      customer(id: $id) {
        id name partyType segment valueTier since assets onProhibitionList
        party { __typename ... on Person { nationalId phone address birthDate }
                ... on Company { creditCode industry size founded } }
        homeBranch { id name kind parent { name } }
        managers { role since employee { id name roles branch { name } } }
        holdings(first: 7) { totalCount pageInfo { hasNextPage endCursor }
          edges { cursor node { amount since shareOfIssue
            product { id name type issuer { name }
                      underwriters { role share underwriter { name } } } } } }
        fees(itemsPerProduct: 3) { billed paid owed overdue overdueCount
          byProduct { product { id } billed owed items { id dueOn owed daysOverdue status } } }
        riskWarnings { level category open raisedOn }
        tagsByCategory { category tags { name score } }
        interactions(first: 4) { kind topic at channel pushedBy { name } }
        interestSummary { topic score }
        linkedParties { type role share title since
          party { id name ... on Person { phone }
                  linkedParties(first: 3) { role party { name } } } }
      }
    }""",
    "product": """
    query($id: ID!) {
      product(id: $id) {
        id name type issueSize
        issuer { id name isCustomer }
        leadUnderwriter { role underwriter { name } }
        coUnderwriters { share underwriter { id } }
        holders(first: 20) { totalCount edges { node { amount shareOfIssue
          holderParty { id name ... on Company { industry } } } } }
        holderSegments { segment holders }
      }
    }""",
    # Errors from resolvers: arguments out of range, a party that is no customer, one out of the
    # caller's scope. One root field only: when two non-null root fields fail, which error
    # reaches the response depends on which statement Neo4j answers first, under either executor.
    "errors": """
    query($id: ID!) {
      customer(id: $id) { id holdings(first: 101) { totalCount } riskWarnings(first: -1) { id } }
    }""",
    "party": """
    query($id: ID!) {
      party(id: $id) {
        __typename id name region isCustomer onProhibitionList
        customer { segment holdings(first: 2) { edges { node { amount } } } }
        linkedParties { type role party { __typename id name } }
        listEntries { list listName active }
      }
    }""",
}


@pytest.mark.parametrize("role", [Role.ADMIN, Role.FRONTEND])
def test_the_api_schema_answers_as_under_graphql_core(
    neo4j_config: Neo4jConfig,
    api_samples: dict[str, list[str]],
    frontend: ApiUser,
    admin: ApiUser,
    role: Role,
) -> None:
    """The real schema over the real bank: every sample, each query, both executors, for an
    unscoped caller and for a branch-scoped one whose forbidden customers raise errors."""
    user = admin if role is Role.ADMIN else frontend

    async def compare() -> int:
        db = Database(neo4j_config)
        schemas = [build_schema(compiled=True), build_schema(compiled=False)]
        principal = Principal(employee_id=user.employee_id, roles=frozenset({role}))
        caller = await CallerResolver(db)(principal)
        assert caller.visibility.cypher_scope == user.scope

        compared = 0
        try:
            for name, query in API_QUERIES.items():
                for id_ in api_samples[name]:
                    compiled, reference = [
                        answer(
                            await schema.execute(
                                query,
                                variable_values={"id": id_},
                                context_value=Context(db, caller),
                            )
                        )
                        for schema in schemas
                    ]
                    assert compiled == reference, (name, id_)
                    compared += 1
        finally:
            await db.close()
        return compared

    assert asyncio.run(compare()) == sum(len(ids) for ids in api_samples.values())
