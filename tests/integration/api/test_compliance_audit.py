"""The audit of every look: each compliance query and change is recorded (who, when, which entity,
parameters, how many results) in the hash-chained audit ledger before it is answered; a look
whose record cannot be written is not answered; `auditLog` reads the record (compliance and
admin only); `relgraph audit verify` finds an edited, a deleted and a moved record."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from api.settings import Settings
from graph.db import Database
from graph.ledger import Ledger, verify
from tests.compliance import Planted, relgraph
from tests.helpers import ApiUser, data, error_codes, gql, one

LOG = """
query($from: DateTime, $to: DateTime, $actor: ID, $entity: ID, $first: Int, $after: String) {
  auditLog(from: $from, to: $to, actor: $actor, entityId: $entity, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { seq at kind subject actor parameters results roles hash prevHash } }
  }
}
"""
EXPOSURE = "query($id: ID!) { exposure(partyId: $id, maxHops: 2) { totalCount listed { hops } } }"
LIST = """
mutation($party: ID!) {
  listEntity(partyId: $party, list: PROHIBITION, reason: "测试") { entry { id } alerts { id } }
}
"""


def log(client: TestClient, user: ApiUser, **variables: Any) -> list[dict[str, Any]]:
    page = data(client, LOG, user.headers, first=100, **variables)["auditLog"]
    return [e["node"] for e in page["edges"]]


def test_every_compliance_look_and_change_is_recorded(
    client: TestClient,
    compliance: ApiUser,
    admin: ApiUser,
    planted: list[Planted],
    quiet_company: dict[str, Any],
    settings: Settings,
    restored: None,
) -> None:
    started = dt.datetime.now(dt.UTC)
    link = planted[0]
    product = "query($c: ID!, $p: ID!) { accessCheck(customerId: $c, productId: $p) { verdict } }"
    deposit = "{ products(first: 1) { edges { node { id } } } }"
    product_id = data(client, deposit, compliance.headers)["products"]["edges"][0]["node"]["id"]
    exposure = data(client, EXPOSURE, compliance.headers, id=link.party_id)["exposure"]
    data(client, product, compliance.headers, c="TST-OWNER", p=product_id)
    data(client, "{ listEntries(first: 3) { totalCount } }", compliance.headers)
    changed = data(client, LIST, compliance.headers, party="TST-CO")["listEntity"]
    alert = changed["alerts"][0]["id"]
    ack = 'mutation($id: ID!) { acknowledgeAlert(id: $id, note: "已阅") { id } }'
    data(client, ack, compliance.headers, id=alert)
    delist = 'mutation($e: ID!) { delistEntity(entryId: $e, reason: "复核") { entry { id } } }'
    data(client, delist, admin.headers, e=changed["entry"]["id"])
    data(client, "{ exposureAlerts(first: 5) { totalCount } }", compliance.headers)
    data(client, "{ screeningRuns { totalCount } }", compliance.headers)

    mine = {e["kind"]: e for e in log(client, compliance, actor=compliance.employee_id)}
    assert set(mine) == {
        "exposure",
        "accessCheck",
        "listEntries",
        "listEntity",
        "acknowledgeAlert",
        "exposureAlerts",
        "screeningRuns",
    }
    look = mine["exposure"]
    assert look["subject"] == link.party_id and look["actor"] == compliance.employee_id
    assert look["results"] == len(exposure["listed"]) and look["roles"] == ["compliance"]
    assert json.loads(look["parameters"])["maxHops"] == 2
    assert dt.datetime.fromisoformat(look["at"]) >= started
    assert mine["accessCheck"]["subject"] == "TST-OWNER"
    assert json.loads(mine["accessCheck"]["parameters"])["productId"] == product_id
    assert mine["listEntity"]["subject"] == changed["entry"]["id"]
    assert json.loads(mine["listEntity"]["parameters"])["partyId"] == "TST-CO"
    assert mine["acknowledgeAlert"]["subject"] == alert
    (delisting,) = log(client, admin, actor=admin.employee_id, entity=changed["entry"]["id"])
    assert delisting["kind"] == "delistEntity" and delisting["roles"] == ["admin"]
    # The records chain: each one's prevHash is the hash of the one before.
    chained = log(client, compliance)
    for newer, older in itertools.pairwise(chained):
        assert newer["seq"] == older["seq"] + 1 and newer["prevHash"] == older["hash"]

    async def checked() -> bool:
        db = Database(settings.neo4j_config())
        try:
            return (await verify(db, Ledger.AUDIT)).ok
        finally:
            await db.close()

    assert asyncio.run(checked())


def test_the_audit_log_filters_by_time_actor_and_entity_and_pages(
    client: TestClient,
    compliance: ApiUser,
    admin: ApiUser,
    planted: list[Planted],
    restored: None,
) -> None:
    first, second = planted[0].party_id, planted[1].party_id
    data(client, EXPOSURE, compliance.headers, id=first)
    middle = dt.datetime.now(dt.UTC).isoformat()
    data(client, EXPOSURE, admin.headers, id=second)
    data(client, EXPOSURE, compliance.headers, id=second)
    about_second = log(client, compliance, entity=second)
    assert [(e["kind"], e["actor"]) for e in about_second] == [
        ("exposure", compliance.employee_id),
        ("exposure", admin.employee_id),
    ]
    before = log(client, compliance, to=middle, entity=first)
    assert [e["subject"] for e in before] == [first]
    # Reading the log is a look too (about the entity asked for): only exposures count here.
    later = [e for e in log(client, compliance, **{"from": middle}) if e["kind"] == "exposure"]
    assert [e["subject"] for e in later] == [second, second]
    page = data(client, LOG, compliance.headers, first=2)["auditLog"]
    assert len(page["edges"]) == 2 and page["pageInfo"]["hasNextPage"]
    rest = data(client, LOG, compliance.headers, first=100, after=page["pageInfo"]["endCursor"])
    seqs = [e["node"]["seq"] for e in (*page["edges"], *rest["auditLog"]["edges"])]
    assert seqs == sorted(seqs, reverse=True) and len(set(seqs)) == len(seqs)


def test_reading_the_audit_log_is_for_compliance_and_admin_only(
    client: TestClient, frontend: ApiUser, branch_manager: ApiUser
) -> None:
    for user in (frontend, branch_manager):
        body = gql(client, LOG, user.headers)
        assert error_codes(body) == ["FORBIDDEN"] and body["data"] is None


@pytest.fixture
def audit_broken(driver: Driver, restored: None) -> None:
    """The next audit record cannot be written: an entry already holds its sequence number
    (the (ledger, seq) constraint refuses the append). `restored` removes it."""
    head = one(
        driver,
        "OPTIONAL MATCH (h:LedgerHead {ledger: 'audit'}) RETURN coalesce(h.seq, 0) AS seq",
    )
    driver.execute_query(
        "CREATE (:LedgerEntry {ledger: 'audit', seq: $seq, id: 'audit:blocker'})",
        seq=head["seq"] + 1,
    )


def test_a_look_whose_record_cannot_be_written_is_not_answered(
    client: TestClient, compliance: ApiUser, planted: list[Planted], audit_broken: None
) -> None:
    body = gql(client, EXPOSURE, compliance.headers, id=planted[0].party_id)
    assert error_codes(body) == ["AUDIT_FAILED"] and body["data"] is None
    assert "not answered" in body["errors"][0]["message"]
    body = gql(client, "{ screeningRuns { totalCount } }", compliance.headers)
    assert error_codes(body) == ["AUDIT_FAILED"] and body["data"] is None


def test_a_change_whose_record_cannot_be_written_is_not_made(
    client: TestClient,
    compliance: ApiUser,
    quiet_company: dict[str, Any],
    driver: Driver,
    audit_broken: None,
) -> None:
    body = gql(client, LIST, compliance.headers, party="TST-CO")
    assert error_codes(body) == ["AUDIT_FAILED"] and body["data"] is None
    assert "not made" in body["errors"][0]["message"]
    assert (
        one(driver, "MATCH (:Party {id: 'TST-CO'})-[:LISTED]->(e) RETURN count(e) AS n")["n"] == 0
    )
    assert one(driver, "MATCH (a:ExposureAlert) RETURN count(a) AS n")["n"] == 0


TAMPERING = {
    "edited": (
        "MATCH (e:LedgerEntry {ledger: 'audit', seq: $seq}) SET e.subject = 'someone-else'",
        "does not match its hash",
    ),
    "deleted": ("MATCH (e:LedgerEntry {ledger: 'audit', seq: $seq}) DELETE e", "is missing"),
    "moved": (
        "MATCH (a:LedgerEntry {ledger: 'audit', seq: $seq}), "
        "(b:LedgerEntry {ledger: 'audit', seq: $seq + 1}) "
        "SET a.seq = -1 SET b.seq = $seq SET a.seq = $seq + 1",
        "does not chain",
    ),
}


@pytest.mark.parametrize("tampering", sorted(TAMPERING))
def test_audit_verify_names_the_first_tampered_record(
    client: TestClient,
    compliance: ApiUser,
    planted: list[Planted],
    settings: Settings,
    driver: Driver,
    tampering: str,
    restored: None,
) -> None:
    for link in planted[:4]:
        data(client, EXPOSURE, compliance.headers, id=link.party_id)
    head = one(driver, "MATCH (h:LedgerHead {ledger: 'audit'}) RETURN h.seq AS seq, h.hash AS hash")
    clean = relgraph(settings, "audit", "verify", "--ledger", "audit")
    assert clean.returncode == 0, clean.stderr
    assert f"head {head['seq']} {head['hash']}" in clean.stdout and "chain intact" in clean.stdout
    statement, problem = TAMPERING[tampering]
    victim = head["seq"] - 2
    driver.execute_query(statement, seq=victim)
    found = relgraph(settings, "audit", "verify")
    assert found.returncode == 1
    assert f"audit: TAMPERED at entry {victim}: entry {victim} {problem}" in found.stderr
    # --ledger all checks each: the bank's referral credit too.
    assert re.search(r"^credit: \d+ entries, chain intact", found.stdout, re.MULTILINE)


def test_audit_verify_refuses_an_unknown_ledger(settings: Settings) -> None:
    done = relgraph(settings, "audit", "verify", "--ledger", "nonsense")
    assert done.returncode == 1 and "audit, credit" in done.stderr
