"""Lists and alerts through HTTP: listEntity and delistEntity (reason required, history kept,
compliance and admin only), listEntries, and the alerts a listing and a delisting raise for the
customers around the party, after a screening run has set the baseline; acknowledging them."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from api.settings import Settings
from graph import screening
from graph.db import Database
from graph.records import ScreeningRunRecord
from tests.compliance import Planted, true_distance
from tests.helpers import ApiUser, cypher, data, error_codes, gql, one

LIST = """
mutation($party: ID!, $list: ListKind!, $reason: String!, $source: String, $name: String) {
  listEntity(partyId: $party, list: $list, reason: $reason, source: $source, listName: $name) {
    entry { id list listName reason source listedOn delistedOn listedBy active party { id } }
    alerts { id seq change cause causeRef hops previousHops score status
             customer { id } listedParty { id } path { text links { type direction } } }
  }
}
"""
DELIST = """
mutation($entry: ID!, $reason: String!) {
  delistEntity(entryId: $entry, reason: $reason) {
    entry { id delistedOn delistedBy delistReason active }
    alerts {
      id change cause causeRef hops previousHops
      customer { id } listedParty { id } path { text }
    }
  }
}
"""
ENTRIES = """
query($list: ListKind, $on: Date, $first: Int, $after: String) {
  listEntries(list: $list, activeOn: $on, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id list listName listedOn delistedOn party { id } } }
  }
}
"""
ALERTS = """
query($status: AlertStatus, $first: Int) {
  exposureAlerts(status: $status, first: $first) {
    totalCount edges { node { id seq change cause status note acknowledgedBy customer { id } } }
  }
}
"""
ACK = """
mutation($id: ID!, $note: String!) {
  acknowledgeAlert(id: $id, note: $note) { id status note acknowledgedBy acknowledgedAt }
}
"""
TODAY = dt.date.today()


def screen_now(settings: Settings) -> ScreeningRunRecord:
    async def run() -> ScreeningRunRecord:
        db = Database(settings.neo4j_config())
        try:
            return await screening.screen(
                db, settings.compliance_rules(), max_hops=3, as_of=TODAY, actor="test"
            )
        finally:
            await db.close()

    return asyncio.run(run())


def _list(client: TestClient, user: ApiUser, party: str, **extra: Any) -> dict[str, Any]:
    variables = {"list": "PROHIBITION", "reason": "测试: 可疑交易", **extra}
    changed: dict[str, Any] = data(client, LIST, user.headers, party=party, **variables)[
        "listEntity"
    ]
    return changed


def test_listing_raises_an_alert_for_each_customer_newly_exposed(
    client: TestClient,
    compliance: ApiUser,
    settings: Settings,
    quiet_company: dict[str, Any],
    driver: Driver,
    restored: None,
) -> None:
    screen_now(settings)  # the baseline: nobody around the company is exposed
    changed = _list(client, compliance, quiet_company["company"], source="反洗钱中心")
    entry = changed["entry"]
    assert entry["id"].startswith("LM-") and entry["active"] is True
    assert entry["listedBy"] == compliance.employee_id and entry["listedOn"] == TODAY.isoformat()
    assert entry["listName"] == "内部禁止名单" and entry["source"] == "反洗钱中心"
    alerts = {a["customer"]["id"]: a for a in changed["alerts"]}
    assert {c: a["hops"] for c, a in alerts.items()} == quiet_company["exposed"]
    for customer, alert in alerts.items():
        assert alert["change"] == "NEWLY_EXPOSED" and alert["cause"] == "LISTING"
        assert alert["causeRef"] == entry["id"] and alert["status"] == "OPEN"
        assert alert["listedParty"]["id"] == quiet_company["company"]
        assert alert["previousHops"] is None
        assert len(alert["path"]["links"]) == alert["hops"]
        assert alert["path"]["text"].startswith("测试") and customer in alert["path"]["text"]
        assert true_distance(driver, customer, "TST-CO", TODAY.isoformat()) == alert["hops"]
    owner = alerts["TST-OWNER"]["path"]["links"]
    assert owner == [{"type": "OWNS", "direction": "FORWARD"}]
    # Stored, and listed newest first.
    listed = data(client, ALERTS, compliance.headers, status="OPEN", first=10)["exposureAlerts"]
    assert {e["node"]["customer"]["id"] for e in listed["edges"]} == set(alerts)
    seqs = [e["node"]["seq"] for e in listed["edges"]]
    assert seqs == sorted(seqs, reverse=True)


def test_delisting_closes_the_entry_keeps_it_and_alerts_the_customers_no_longer_exposed(
    client: TestClient,
    compliance: ApiUser,
    admin: ApiUser,
    settings: Settings,
    quiet_company: dict[str, Any],
    restored: None,
) -> None:
    screen_now(settings)
    entry = _list(client, compliance, quiet_company["company"])["entry"]
    closed = data(client, DELIST, admin.headers, entry=entry["id"], reason="复核后解除")
    closed = closed["delistEntity"]
    assert closed["entry"] == {
        "id": entry["id"],
        "delistedOn": TODAY.isoformat(),
        "delistedBy": admin.employee_id,
        "delistReason": "复核后解除",
        "active": False,
    }
    alerts = {a["customer"]["id"]: a for a in closed["alerts"]}
    assert set(alerts) == set(quiet_company["exposed"])
    for customer, alert in alerts.items():
        assert alert["change"] == "NO_LONGER_EXPOSED" and alert["cause"] == "DELISTING"
        assert alert["hops"] is None and alert["path"] is None
        assert alert["previousHops"] == quiet_company["exposed"][customer]
    # History kept: the entry is still there, closed, and in force on no day since.
    everything = data(client, ENTRIES, compliance.headers, list="PROHIBITION", first=100)
    ids = {e["node"]["id"] for e in everything["listEntries"]["edges"]}
    assert entry["id"] in ids
    today = data(client, ENTRIES, compliance.headers, on=TODAY.isoformat(), first=100)
    assert entry["id"] not in {e["node"]["id"] for e in today["listEntries"]["edges"]}
    again = gql(client, DELIST, compliance.headers, entry=entry["id"], reason="再次解除")
    assert error_codes(again) == ["CONFLICT"]


def test_a_listing_that_exposes_nobody_new_raises_no_alert(
    client: TestClient,
    compliance: ApiUser,
    settings: Settings,
    planted: list[Planted],
    restored: None,
) -> None:
    """A second entry for a party already listed changes nobody's exposure."""
    screen_now(settings)
    link = planted[0]
    changed = _list(client, compliance, link.listed_id, name="央行黑名单")
    assert changed["alerts"] == []


def test_an_access_listing_needs_its_list_name_and_raises_no_alert(
    client: TestClient, compliance: ApiUser, quiet_company: dict[str, Any], restored: None
) -> None:
    body = gql(client, LIST, compliance.headers, party="TST-OWNER", list="ACCESS", reason="合格")
    assert error_codes(body) == ["INVALID_ARGUMENT"]
    changed = _list(client, compliance, "TST-OWNER", list="ACCESS", name="投资人准入名单")
    assert changed["entry"]["list"] == "ACCESS" and changed["alerts"] == []


@pytest.mark.parametrize("reason", ["", "   ", "理" * 501])
def test_a_reason_is_required_and_bounded(
    client: TestClient,
    compliance: ApiUser,
    planted: list[Planted],
    driver: Driver,
    reason: str,
    restored: None,
) -> None:
    before = one(driver, "MATCH (e:ListEntry) RETURN count(e) AS n")["n"]
    body = gql(
        client,
        LIST,
        compliance.headers,
        party=planted[0].party_id,
        list="PROHIBITION",
        reason=reason,
    )
    assert error_codes(body) == ["INVALID_ARGUMENT"]
    assert one(driver, "MATCH (e:ListEntry) RETURN count(e) AS n")["n"] == before


def test_unknown_party_and_entry_are_not_found(client: TestClient, compliance: ApiUser) -> None:
    body = gql(client, LIST, compliance.headers, party="NOPE", list="PROHIBITION", reason="x")
    assert error_codes(body) == ["NOT_FOUND"]
    body = gql(client, DELIST, compliance.headers, entry="NOPE", reason="x")
    assert error_codes(body) == ["NOT_FOUND"]


def test_list_entries_pages_and_filters(
    client: TestClient, compliance: ApiUser, driver: Driver, restored: None
) -> None:
    totals = one(
        driver,
        "MATCH (e:ListEntry) RETURN count(e) AS all, "
        "count(CASE WHEN e.list = 'ACCESS' THEN 1 END) AS access, "
        "count(CASE WHEN e.list = 'PROHIBITION' AND e.listed_on <= date() "
        "AND (e.delisted_on IS NULL OR e.delisted_on > date()) THEN 1 END) AS prohibited_now",
    )
    page = data(client, ENTRIES, compliance.headers, first=7)["listEntries"]
    assert page["totalCount"] == totals["all"] and len(page["edges"]) == 7
    following = data(
        client, ENTRIES, compliance.headers, first=7, after=page["pageInfo"]["endCursor"]
    )
    first_ids = {e["node"]["id"] for e in page["edges"]}
    assert not first_ids & {e["node"]["id"] for e in following["listEntries"]["edges"]}
    dates = [e["node"]["listedOn"] for e in page["edges"]]
    assert dates == sorted(dates, reverse=True)
    access = data(client, ENTRIES, compliance.headers, list="ACCESS", first=1)["listEntries"]
    assert access["totalCount"] == totals["access"]
    now = data(client, ENTRIES, compliance.headers, list="PROHIBITION", on=TODAY.isoformat())
    assert now["listEntries"]["totalCount"] == totals["prohibited_now"]


def test_acknowledging_an_alert_keeps_who_and_why_once(
    client: TestClient,
    compliance: ApiUser,
    settings: Settings,
    quiet_company: dict[str, Any],
    restored: None,
) -> None:
    screen_now(settings)
    alert = _list(client, compliance, quiet_company["company"])["alerts"][0]
    done = data(client, ACK, compliance.headers, id=alert["id"], note="已核实, 客户经理跟进")
    assert done["acknowledgeAlert"]["status"] == "ACKNOWLEDGED"
    assert done["acknowledgeAlert"]["acknowledgedBy"] == compliance.employee_id
    assert done["acknowledgeAlert"]["note"] == "已核实, 客户经理跟进"
    open_now = data(client, ALERTS, compliance.headers, status="OPEN", first=50)["exposureAlerts"]
    assert alert["id"] not in {e["node"]["id"] for e in open_now["edges"]}
    again = gql(client, ACK, compliance.headers, id=alert["id"], note="再次")
    assert error_codes(again) == ["CONFLICT"]
    assert error_codes(gql(client, ACK, compliance.headers, id="EA-0", note="x")) == ["NOT_FOUND"]
    assert error_codes(gql(client, ACK, compliance.headers, id=alert["id"], note=" ")) == [
        "INVALID_ARGUMENT"
    ]


def test_only_compliance_and_admin_may_list_delist_read_or_acknowledge(
    client: TestClient,
    frontend: ApiUser,
    branch_manager: ApiUser,
    planted: list[Planted],
    driver: Driver,
    restored: None,
) -> None:
    before = cypher(driver, "MATCH (e:ListEntry) RETURN count(e) AS n")
    for user in (frontend, branch_manager):
        for document, variables in (
            (LIST, {"party": planted[0].party_id, "list": "PROHIBITION", "reason": "x"}),
            (DELIST, {"entry": planted[0].entry_id, "reason": "x"}),
            (ENTRIES, {}),
            (ALERTS, {}),
            (ACK, {"id": "EA-1", "note": "x"}),
        ):
            assert error_codes(gql(client, document, user.headers, **variables)) == ["FORBIDDEN"]
    assert cypher(driver, "MATCH (e:ListEntry) RETURN count(e) AS n") == before
    entry = one(
        driver, "MATCH (e:ListEntry {id: $id}) RETURN e.delisted_on AS d", id=planted[0].entry_id
    )
    assert entry["d"] is None
