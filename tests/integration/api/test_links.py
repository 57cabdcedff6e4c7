"""A party's ties (linkedParties) as the party whose links they are sees them: a family relation
from that side, and the ties that hold today unless ended ones are asked for."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from graph.db import Database
from tests.helpers import ApiUser, cypher, data, one
from tests.periods import current

TIES = "OWNS|EXECUTIVE_OF|LEGAL_REP_OF|EMPLOYED_BY|FAMILY_OF|GUARANTEES"


def links_by_every_path(
    client: TestClient, user: ApiUser, party_id: str, arguments: str, fields: str
) -> list[list[dict[str, Any]]]:
    """The party's links as each path answers them: the party, and for a customer its customer
    view and the 360 (one statement for the whole picture)."""
    links = f"linkedParties({arguments}) {{ {fields} }}"
    party = data(
        client,
        f"query($id: ID!) {{ party(id: $id) {{ {links} customer {{ {links} }} }} }}",
        user.headers,
        id=party_id,
    )["party"]
    paths = [party["linkedParties"]]
    if party["customer"] is not None:
        paths.append(party["customer"]["linkedParties"])
        customer = data(
            client,
            f"query($id: ID!) {{ customer(id: $id) {{ {links} }} }}",
            user.headers,
            id=party_id,
        )["customer"]
        paths.append(customer["linkedParties"])
    return paths


@pytest.mark.parametrize(
    ("recorded", "seen_by_subject"),
    [("PARENT", "CHILD"), ("CHILD", "PARENT"), ("SPOUSE", "SPOUSE"), ("SIBLING", "SIBLING")],
)
def test_a_family_tie_reads_from_the_side_of_the_party_whose_links_they_are(
    client: TestClient, driver: Driver, admin: ApiUser, recorded: str, seen_by_subject: str
) -> None:
    """P11 and P12 each showed the other as PARENT. A FAMILY_OF tie says what its subject is to
    the relative ("subject is PARENT of relative"); `relation`, like `role`, says what the linked
    party is to the party whose links are listed: the relative is the subject's CHILD, the
    subject the relative's PARENT. SPOUSE and SIBLING read alike from both sides."""
    tie = one(
        driver,
        "MATCH (subject:Customer)-[r:FAMILY_OF {relation: $relation}]->(relative:Person) "
        "RETURN subject.id AS subject, relative.id AS relative "
        "ORDER BY subject.id, relative.id LIMIT 1",
        relation=recorded,
    )
    fields = "type role relation party { id }"
    for links in links_by_every_path(client, admin, tie["subject"], "first: 100", fields):
        [to_relative] = [link for link in links if link["party"]["id"] == tie["relative"]]
        assert (to_relative["type"], to_relative["role"]) == ("FAMILY_OF", "FAMILY")
        assert to_relative["relation"] == seen_by_subject
    for links in links_by_every_path(client, admin, tie["relative"], "first: 100", fields):
        [to_subject] = [link for link in links if link["party"]["id"] == tie["subject"]]
        assert to_subject["relation"] == recorded


def test_ended_ties_are_left_out_unless_asked_for(
    client: TestClient, driver: Driver, admin: ApiUser
) -> None:
    """A tie whose `until` has passed was listed as if it held. By default a party's links are the
    ties that hold today; includeEnded lists every tie, each saying whether it is current."""
    today = dt.date.today()
    customer = one(
        driver,
        f"MATCH (c:Customer)-[r:{TIES}]-() WHERE r.until < $today "
        f"AND EXISTS {{ (c)-[held:{TIES}]-() WHERE {current('held')} }} "
        "RETURN c.id AS id ORDER BY c.id LIMIT 1",
        today=today,
    )["id"]
    truth = cypher(
        driver,
        f"MATCH (:Customer {{id: $id}})-[r:{TIES}]-(other:Party) "
        f"RETURN other.id AS other, type(r) AS type, {current('r')} AS current, "
        "toString(r.until) AS until",
        id=customer,
        today=today,
    )
    assert any(not t["current"] for t in truth)
    by_default = links_by_every_path(
        client, admin, customer, "first: 100", "type until party { id }"
    )
    assert len(by_default) == 3
    for links in by_default:
        assert sorted(
            (link["party"]["id"], link["type"], link["until"]) for link in links
        ) == sorted((t["other"], t["type"], t["until"]) for t in truth if t["current"])
    every = links_by_every_path(
        client, admin, customer, "first: 100, includeEnded: true", "type current until party { id }"
    )
    for links in every:
        got = sorted(
            (link["party"]["id"], link["type"], link["current"], link["until"]) for link in links
        )
        assert got == sorted((t["other"], t["type"], t["current"], t["until"]) for t in truth)


def test_the_360_with_ended_ties_and_holdings_is_one_statement(
    client: TestClient, driver: Driver, admin: ApiUser
) -> None:
    """Asking for ended ties and positions keeps the customer 360 one statement."""
    customer = one(
        driver,
        f"MATCH (c:Customer)-[r:{TIES}]-() WHERE r.until < $today "
        "AND EXISTS { (c)-[h:HOLDS]->() WHERE h.until < $today } "
        "RETURN c.id AS id ORDER BY c.id LIMIT 1",
        today=dt.date.today(),
    )["id"]
    query = """
    query($id: ID!) {
      customer(id: $id) {
        name homeBranch { name }
        holdings(first: 10, includeEnded: true) { totalCount edges { node { current } } }
        linkedParties(includeEnded: true) { relation current party { name } }
      }
    }
    """
    db: Database = client.app.state.relgraph.db  # type: ignore[attr-defined]
    data(client, query, admin.headers, id=customer)  # the caller's scope, cached
    before = db.statements_run
    got = data(client, query, admin.headers, id=customer)["customer"]
    assert db.statements_run - before == 1
    assert not all(h["node"]["current"] for h in got["holdings"]["edges"])
    assert not all(link["current"] for link in got["linkedParties"])
