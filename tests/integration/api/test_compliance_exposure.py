"""`exposure` through HTTP against the test bank: every planted exposure at its planted hop count
with its planted path and directions, none beyond maxHops, each reported one checked against
Cypher's own shortestPath; ties and entries as of a date; tie types; the fan-out cap with
partial answers; who may ask."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from api.app import create_app
from api.settings import Settings
from tests.compliance import Planted, listed_on, path_edges, true_distance
from tests.helpers import ApiUser, cypher, data, error_codes, gql, one

EXPOSURE = """
query($id: ID!, $hops: Int!, $via: [ExposureVia!], $asOf: Date, $first: Int) {
  exposure(partyId: $id, maxHops: $hops, via: $via, asOf: $asOf, first: $first) {
    asOf maxHops via partial totalCount
    cuts { hops ties party { id } }
    party { id }
    partyEntries { id }
    listed {
      hops score pathCount
      party { id onProhibitionList }
      entries { id list active }
      paths {
        score text
        parties { id name }
        links { type direction fromPartyId toPartyId share title position relation since until }
      }
    }
  }
}
"""
TODAY = dt.date.today().isoformat()


def exposure(
    client: TestClient, user: ApiUser, party_id: str, hops: int, **variables: Any
) -> dict[str, Any]:
    found: dict[str, Any] = data(
        client, EXPOSURE, user.headers, id=party_id, hops=hops, **variables
    )["exposure"]
    return found


def _by_party(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["party"]["id"]: item for item in report["listed"]}


def test_every_planted_exposure_is_found_at_its_hops_with_its_path(
    client: TestClient, compliance: ApiUser, planted: list[Planted], restored: None
) -> None:
    assert len(planted) >= 16 and {p.hops for p in planted} == {1, 2, 3, 4}
    found = 0
    for link in planted:
        report = exposure(client, compliance, link.party_id, link.hops)
        item = _by_party(report).get(link.listed_id)
        assert item is not None, link
        assert item["hops"] == link.hops and item["pathCount"] == 1
        (path,) = item["paths"]
        assert path_edges(path) == link.path
        parties = [p["id"] for p in path["parties"]]
        assert parties[0] == link.party_id and parties[-1] == link.listed_id
        # Each tie joins consecutive parties; FORWARD when stored from the nearer one.
        for i, tie in enumerate(path["links"]):
            near, far = parties[i], parties[i + 1]
            expected = "FORWARD" if tie["fromPartyId"] == near else "BACKWARD"
            assert {tie["fromPartyId"], tie["toPartyId"]} == {near, far}
            assert tie["direction"] == expected
        assert [e["id"] for e in item["entries"]] == [link.entry_id]
        found += 1
    assert found == len(planted)  # recall 100 %


def test_no_planted_exposure_is_reported_beyond_max_hops(
    client: TestClient, compliance: ApiUser, planted: list[Planted], restored: None
) -> None:
    for link in planted:
        if link.hops == 1:
            continue
        report = exposure(client, compliance, link.party_id, link.hops - 1)
        assert link.listed_id not in _by_party(report)
        assert all(item["hops"] <= link.hops - 1 for item in report["listed"])


def test_every_reported_exposure_is_listed_and_at_its_true_distance(
    client: TestClient,
    compliance: ApiUser,
    planted: list[Planted],
    driver: Driver,
    restored: None,
) -> None:
    """Precision: each listed party reported for any planted party, at any depth up to 4, is on
    a prohibition list today and as far as Cypher's shortestPath says, within maxHops."""
    reported = 0
    for link in planted:
        for hops in (2, 4):
            for item in exposure(client, compliance, link.party_id, hops)["listed"]:
                target = item["party"]["id"]
                assert listed_on(driver, target, TODAY)
                assert item["hops"] == true_distance(driver, link.party_id, target, TODAY)
                assert item["hops"] <= hops
                assert all(len(p["links"]) == item["hops"] for p in item["paths"])
                reported += 1
    assert reported >= len(planted)


def test_listed_parties_come_nearest_first_with_scores_falling_with_distance(
    client: TestClient, compliance: ApiUser, planted: list[Planted], restored: None
) -> None:
    chain = [p for p in planted if p.listed_id == planted[0].listed_id]
    scores = []
    for link in sorted(chain, key=lambda p: p.hops):
        item = _by_party(exposure(client, compliance, link.party_id, 4))[link.listed_id]
        scores.append(item["score"])
        assert 0 < item["score"] <= 100
    # The same chain read from further away: every hop multiplies the score by at most 0.8.
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == len(scores)


# The names for the tie types exposure follows, by the relationship each stands for.
VIA_OF_TIE = {
    "OWNS": "OWNERSHIP",
    "EXECUTIVE_OF": "EXECUTIVE",
    "LEGAL_REP_OF": "LEGAL_REP",
    "EMPLOYED_BY": "EMPLOYMENT",
    "FAMILY_OF": "FAMILY",
    "GUARANTEES": "GUARANTEE",
}
VIA_ORDER = ["OWNERSHIP", "CONTROL", "EXECUTIVE", "LEGAL_REP", "EMPLOYMENT", "FAMILY", "GUARANTEE"]


def test_only_the_tie_types_asked_for_are_followed(
    client: TestClient, compliance: ApiUser, planted: list[Planted], restored: None
) -> None:
    link = next(p for p in planted if p.hops == 2)
    via = sorted({VIA_OF_TIE[edge["rel"]] for edge in link.path}, key=VIA_ORDER.index)
    report = exposure(client, compliance, link.party_id, 2, via=via)
    assert link.listed_id in _by_party(report) and report["via"] == via
    assert exposure(client, compliance, link.party_id, 2)["via"] == VIA_ORDER
    # Without one of the path's tie types (and without CONTROL, which follows stakes too).
    for left_out in via:
        others = [v for v in VIA_ORDER if v not in (left_out, "CONTROL")]
        assert link.listed_id not in _by_party(
            exposure(client, compliance, link.party_id, 2, via=others)
        ), left_out


def test_control_follows_controlling_stakes_only(
    client: TestClient,
    compliance: ApiUser,
    driver: Driver,
    quiet_company: dict[str, Any],
    restored: None,
) -> None:
    company = quiet_company["company"]
    cypher(
        driver,
        "MATCH (c:Party {id: $company}) "
        "CREATE (:Person:Party:Customer {id: 'TST-MINOR', name: '测试小股东'})"
        "-[:OWNS {share: 0.1}]->(c), "
        "(:Person:Party:Customer {id: 'TST-VOTER', name: '测试表决权股东'})"
        "-[:OWNS {share: 0.2, voting_share: 0.7}]->(c), "
        # An LM- id: `restored` removes it.
        "(c)-[:LISTED]->(:ListEntry {id: 'LM-TST-ENTRY', list: 'PROHIBITION', "
        "list_name: '内部禁止名单', listed_on: date() - duration('P1D')})",
        company=company,
    )
    for owner, controls in (("TST-OWNER", True), ("TST-VOTER", True), ("TST-MINOR", False)):
        control = exposure(client, compliance, owner, 1, via=["CONTROL"])
        assert control["via"] == ["CONTROL"]
        assert (company in _by_party(control)) is controls, owner
        assert company in _by_party(exposure(client, compliance, owner, 1, via=["OWNERSHIP"]))
        assert company not in _by_party(exposure(client, compliance, owner, 1, via=["EXECUTIVE"]))


def test_ties_not_holding_on_the_as_of_date_are_not_followed(
    client: TestClient, compliance: ApiUser, planted: list[Planted], driver: Driver, restored: None
) -> None:
    link = next(p for p in planted if p.hops == 1)
    edge = link.path[0]
    row = one(
        driver,
        f"MATCH (a:Party {{id: $a}})-[r:{edge['rel']}]->(b:Party {{id: $b}}), "
        "(:Party {id: $x})-[:LISTED]->(e:ListEntry {id: $entry}) "
        "RETURN r.since AS since, e.listed_on AS listed_on",
        a=edge["from"],
        b=edge["to"],
        x=link.listed_id,
        entry=link.entry_id,
    )
    since = row["since"].to_native()
    before = (since - dt.timedelta(days=1)).isoformat()
    on = max(since, row["listed_on"].to_native()).isoformat()
    assert link.listed_id not in _by_party(
        exposure(client, compliance, link.party_id, 1, asOf=before)
    )
    report = exposure(client, compliance, link.party_id, 1, asOf=on)
    assert report["asOf"] == on and link.listed_id in _by_party(report)


def test_an_ended_tie_counts_only_while_it_held(
    client: TestClient, compliance: ApiUser, planted: list[Planted], driver: Driver, restored: None
) -> None:
    """A tie that ended last week (until set) is followed as of two weeks ago, not today."""
    link = next(p for p in planted if p.hops == 1)
    stranger = one(
        driver,
        "MATCH (c:Customer:Person) WHERE NOT EXISTS { (c)-[:FAMILY_OF]-() } "
        "RETURN c.id AS id ORDER BY c.id LIMIT 1",
    )["id"]
    ended = dt.date.today() - dt.timedelta(days=7)
    driver.execute_query(
        "MATCH (c:Person {id: $c}), (x:Party {id: $x}) "
        "CREATE (c)-[:GUARANTEES {since: date('2020-01-01'), until: $until, test: true}]->(x)",
        c=stranger,
        x=link.listed_id,
        until=ended,
    )
    try:
        assert link.listed_id not in _by_party(exposure(client, compliance, stranger, 1))
        earlier = (ended - dt.timedelta(days=7)).isoformat()
        then = _by_party(exposure(client, compliance, stranger, 1, asOf=earlier))[link.listed_id]
        (tie,) = then["paths"][0]["links"]
        assert tie["until"] == ended.isoformat() and tie["direction"] == "FORWARD"
    finally:
        driver.execute_query("MATCH ()-[r:GUARANTEES {test: true}]->() DELETE r")


def test_delisted_entries_do_not_count_after_their_delisting(
    client: TestClient, compliance: ApiUser, driver: Driver, restored: None
) -> None:
    """A loaded prohibition entry that was delisted: its party counts as of the day before the
    delisting, not on it or after (and not before its listing)."""
    row = one(
        driver,
        "MATCH (x:Party)-[:LISTED]->(e:ListEntry {list: 'PROHIBITION'}) "
        "WHERE e.delisted_on IS NOT NULL AND NOT EXISTS { (x)-[:LISTED]->(o:ListEntry "
        "{list: 'PROHIBITION'}) WHERE o <> e } "
        "MATCH (x)-[r:OWNS|EXECUTIVE_OF|LEGAL_REP_OF|EMPLOYED_BY|FAMILY_OF|GUARANTEES]-(n:Party) "
        "WHERE (r.since IS NULL OR r.since < e.listed_on) "
        "AND (r.until IS NULL OR r.until >= e.delisted_on) "
        "RETURN x.id AS listed, e.id AS entry, e.listed_on AS listed_on, "
        "e.delisted_on AS delisted_on, n.id AS neighbour ORDER BY x.id LIMIT 1",
    )
    delisted = row["delisted_on"].to_native()
    while_listed = (delisted - dt.timedelta(days=1)).isoformat()
    neighbour, listed = row["neighbour"], row["listed"]
    then = _by_party(exposure(client, compliance, neighbour, 1, asOf=while_listed))
    assert [e["id"] for e in then[listed]["entries"]] == [row["entry"]]
    assert listed not in _by_party(
        exposure(client, compliance, neighbour, 1, asOf=delisted.isoformat())
    )
    assert listed not in _by_party(exposure(client, compliance, neighbour, 1))
    before = (row["listed_on"].to_native() - dt.timedelta(days=1)).isoformat()
    assert listed not in _by_party(exposure(client, compliance, neighbour, 1, asOf=before))


@pytest.fixture
def supernode(driver: Driver, planted: list[Planted]) -> Iterator[dict[str, Any]]:
    """A company with 12 staff (test parties), one of them on a prohibition list; the start is
    another of its staff, 2 hops from the listed one through the company."""
    staff = [f"TST-P{i:02d}" for i in range(12)]
    driver.execute_query(
        "CREATE (h:Company:Party {id: 'TST-HUB', name: '测试集团'}) "
        "WITH h UNWIND $staff AS id "
        "CREATE (p:Person:Party {id: id, name: '测试员工' + id})-[:EMPLOYED_BY]->(h)",
        staff=staff,
    )
    driver.execute_query(
        "MATCH (p:Person {id: $id}) CREATE (p)-[:LISTED]->(:ListEntry {id: 'TST-E1', "
        "list: 'PROHIBITION', list_name: '内部禁止名单', listed_on: date('2020-01-01')})",
        id=staff[-1],
    )
    try:
        yield {"start": staff[0], "hub": "TST-HUB", "listed": staff[-1], "ties": 12}
    finally:
        driver.execute_query(
            "MATCH (n) WHERE n.id STARTS WITH 'TST-' AND (n:Party OR n:ListEntry) DETACH DELETE n"
        )


def test_a_party_over_the_fan_out_cap_is_not_crossed_and_the_answer_says_so(
    settings: Settings, compliance: ApiUser, supernode: dict[str, Any], restored: None
) -> None:
    capped = settings.model_copy(update={"exposure_fanout_cap": 5})
    with TestClient(create_app(capped)) as small_cap:
        report = exposure(small_cap, compliance, supernode["start"], 3)
    assert report["partial"] is True and report["listed"] == []
    assert report["cuts"] == [
        {"hops": 1, "ties": supernode["ties"], "party": {"id": supernode["hub"]}}
    ]
    with TestClient(create_app(settings)) as default_cap:
        report = exposure(default_cap, compliance, supernode["start"], 3)
    assert report["partial"] is False and report["cuts"] == []
    (item,) = report["listed"]
    assert item["party"]["id"] == supernode["listed"] and item["hops"] == 2


def test_a_listed_party_is_shown_as_listed_itself(
    client: TestClient, compliance: ApiUser, planted: list[Planted], restored: None
) -> None:
    link = planted[0]
    report = exposure(client, compliance, link.listed_id, 1)
    assert [e["id"] for e in report["partyEntries"]] == [link.entry_id]
    assert link.listed_id not in _by_party(report)


def test_first_limits_the_list_not_the_count(
    client: TestClient,
    compliance: ApiUser,
    supernode: dict[str, Any],
    driver: Driver,
    restored: None,
) -> None:
    driver.execute_query(
        "MATCH (p:Person {id: 'TST-P05'}) CREATE (p)-[:LISTED]->(:ListEntry {id: 'TST-E2', "
        "list: 'PROHIBITION', list_name: '央行黑名单', listed_on: date('2021-01-01')})"
    )
    report = exposure(client, compliance, supernode["start"], 2, first=1)
    assert report["totalCount"] == 2 and len(report["listed"]) == 1


@pytest.mark.parametrize("hops", [0, 7, -1])
def test_max_hops_outside_one_to_six_is_refused(
    client: TestClient, compliance: ApiUser, planted: list[Planted], hops: int
) -> None:
    body = gql(client, EXPOSURE, compliance.headers, id=planted[0].party_id, hops=hops)
    assert error_codes(body) == ["INVALID_ARGUMENT"] and body["data"] is None


def test_an_unknown_party_is_not_found(client: TestClient, compliance: ApiUser) -> None:
    body = gql(client, EXPOSURE, compliance.headers, id="NO-SUCH-PARTY", hops=2)
    assert error_codes(body) == ["NOT_FOUND"]


def test_admin_may_ask_and_other_roles_may_not(
    client: TestClient,
    admin: ApiUser,
    frontend: ApiUser,
    branch_manager: ApiUser,
    planted: list[Planted],
    driver: Driver,
    restored: None,
) -> None:
    link = planted[0]
    assert _by_party(exposure(client, admin, link.party_id, link.hops))
    looks = len(cypher(driver, "MATCH (e:LedgerEntry {ledger: 'audit'}) RETURN e.seq"))
    for user in (frontend, branch_manager):
        body = gql(client, EXPOSURE, user.headers, id=link.party_id, hops=link.hops)
        assert error_codes(body) == ["FORBIDDEN"] and body["data"] is None
    # A refused caller looked at nothing: no audit record.
    assert len(cypher(driver, "MATCH (e:LedgerEntry {ledger: 'audit'}) RETURN e.seq")) == looks
