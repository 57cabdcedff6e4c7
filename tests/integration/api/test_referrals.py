"""Referrals (转介) and referral credit (业绩分成) through HTTP against the synthetic bank: routing
by the push rules, every stage transition allowed and refused, idempotency keys, credit policies
(validation, versions), exact splits with their remainder, corrections by reversal, the credit
ledger's tamper evidence, scope, the leaderboard and funnel, and concurrent wins over real HTTP.
What the module writes is removed when it ends: the bank is shared by every test."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from api.settings import Settings
from graph import ledger
from graph.db import Database, Neo4jConfig
from graph.ledger import Ledger, Verification
from schema.core.access import Role
from tests.compliance import relgraph
from tests.helpers import ApiUser, cypher, data, error_codes, gql, one
from tests.integration.api.live_server import serving
from tests.integration.conftest import token_for
from tests.loading import without_referrals

TODAY = dt.date.today()
REFERRAL = """id stage route pushRule pushRulesVersion productLine wonAmount wonOn
  recipient { id } referrer { id } institution { id kind } customer { id }
  participants { role employee { id } }
  timeline { action fromStage toStage actorKind note actor { id } }
  credit { seq kind role amount basis policyVersion policyId reverses on employee { id } }"""
CREATE = f"""mutation($input: CreateReferralInput!) {{
  createReferral(input: $input) {{ {REFERRAL} }} }}"""
ACTIONS = {
    "accept": "acceptReferral",
    "decline": "declineReferral",
    "contact": "contactReferral",
    "lose": "loseReferral",
}


def act_doc(field: str) -> str:
    return (
        f"mutation($id: ID!, $key: String) {{ {field}(id: $id, idempotencyKey: $key) "
        f"{{ {REFERRAL} }} }}"
    )


WIN = f"""mutation($id: ID!, $win: WinInput!, $key: String) {{
  winReferral(id: $id, win: $win, idempotencyKey: $key) {{ {REFERRAL} }} }}"""
REASSIGN = f"""mutation($id: ID!, $to: ID!) {{
  reassignReferral(id: $id, employeeId: $to) {{ {REFERRAL} }} }}"""
SUPPORT = f"""mutation($id: ID!, $who: ID!) {{
  addReferralParticipant(id: $id, employeeId: $who) {{ {REFERRAL} }} }}"""
PUBLISH = """mutation($input: CreditPolicyInput!) { publishCreditPolicy(input: $input) {
  id version productLine effectiveFrom referrerShare closerShare supportingShare pointsRate } }"""
CORRECT = f"""mutation($id: ID!, $reason: String!, $amount: Decimal) {{
  correctReferralCredit(id: $id, reason: $reason, amount: $amount) {{ {REFERRAL} }} }}"""
CREDIT = """query($e: ID!, $from: Date, $to: Date) {
  referralCredit(employeeId: $e, from: $from, to: $to) {
  total entries { seq kind amount role policyVersion referralId } } }"""
GET = f"""query($id: ID!) {{ referral(id: $id) {{ {REFERRAL} }} }}"""


@dataclass(frozen=True)
class Cast:
    """The people and things the tests use, read from the bank."""

    customer: str
    product: str  # held by the customer now
    line: str  # the product's type
    branch: str  # the recipient's branch
    referrer: ApiUser  # a teller
    recipient: ApiUser
    supporter: str
    head: ApiUser  # heads the recipient's branch
    outsider: ApiUser
    admin: ApiUser


@pytest.fixture(scope="module")
def cast(
    settings: Settings,
    driver: Driver,
    admin: ApiUser,
    neo4j_config: Neo4jConfig,
    bank_dir: Path,
) -> Iterator[Cast]:
    # A branch with a teller, a customer manager and a head working there now, and a customer
    # of the branch holding a product: the referral stays within everyone's scope.
    found = one(
        driver,
        "MATCH (b:Branch)<-[:HOME_BRANCH]-(c:Customer)-[h:HOLDS]->(p:Product) "
        "WHERE h.until IS NULL OR h.until >= date() "
        "MATCH (b)<-[tp:WORKS_AT]-(teller:Employee) WHERE tp.until IS NULL "
        "AND 'TELLER' IN teller.roles AND NOT 'BRANCH_HEAD' IN teller.roles "
        "MATCH (b)<-[mp:WORKS_AT]-(manager:Employee) WHERE mp.until IS NULL "
        "AND 'CUSTOMER_MANAGER' IN manager.roles AND NOT 'BRANCH_HEAD' IN manager.roles "
        "AND manager <> teller "
        "MATCH (b)<-[hp:WORKS_AT]-(head:Employee) WHERE hp.until IS NULL "
        "AND 'BRANCH_HEAD' IN head.roles "
        "RETURN b.id AS branch, c.id AS customer, p.id AS product, p.type AS line, "
        "teller.id AS teller, manager.id AS manager, head.id AS head "
        "ORDER BY b.id, c.id, p.id, teller.id, manager.id, head.id LIMIT 1",
    )
    held = found
    recipient = {"id": found["manager"], "head": found["head"], "branch": found["branch"]}
    teller = {"id": found["teller"]}
    others = cypher(
        driver,
        "MATCH (e:Employee)-[w:WORKS_AT]->(:Branch) WHERE w.until IS NULL "
        "AND NOT 'BRANCH_HEAD' IN e.roles AND NOT e.id IN $taken "
        "RETURN e.id AS id ORDER BY e.id DESC LIMIT 2",
        taken=[recipient["id"], teller["id"], recipient["head"], admin.employee_id],
    )

    def user(employee: str, *roles: Role) -> ApiUser:
        return ApiUser(employee, token_for(settings, employee, *roles), None)

    with without_referrals(driver, neo4j_config, bank_dir):
        yield Cast(
            customer=held["customer"],
            product=held["product"],
            line=held["line"],
            branch=recipient["branch"],
            referrer=user(teller["id"], Role.FRONTEND),
            recipient=user(recipient["id"], Role.FRONTEND),
            supporter=others[0]["id"],
            head=user(recipient["head"], Role.MANAGER),
            outsider=user(others[1]["id"], Role.FRONTEND),
            # An admin who heads no branch, so that the admin's own say is what is tested.
            admin=user(others[1]["id"], Role.ADMIN),
        )


@pytest.fixture(scope="module")
def policy(client: TestClient, cast: Cast) -> dict[str, Any]:
    """A policy for the held product's line in force since long ago: 30/60/10, 1 point a yuan."""
    return publish(client, cast, "2000-01-01", "30", "60", "10", "1")


def publish(
    client: TestClient,
    cast: Cast,
    since: str,
    referrer: str,
    closer: str,
    supporting: str,
    rate: str,
) -> dict[str, Any]:
    answer: dict[str, Any] = data(
        client,
        PUBLISH,
        cast.admin.headers,
        input={
            "productLine": cast.line,
            "effectiveFrom": since,
            "referrerShare": referrer,
            "closerShare": closer,
            "supportingShare": supporting,
            "pointsRate": rate,
        },
    )["publishCreditPolicy"]
    return answer


def create(client: TestClient, cast: Cast, **extra: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "customerId": cast.customer,
        "productLine": cast.line,
        "to": {"employeeId": cast.recipient.employee_id},
        "note": "wants a better rate",
    }
    fields.update(extra)
    referral: dict[str, Any] = data(client, CREATE, cast.referrer.headers, input=fields)[
        "createReferral"
    ]
    return referral


def act(
    client: TestClient, user: ApiUser, action: str, referral_id: str, key: str | None = None
) -> dict[str, Any]:
    return gql(client, act_doc(ACTIONS[action]), user.headers, id=referral_id, key=key)


def ready_to_win(client: TestClient, cast: Cast) -> str:
    referral_id: str = create(client, cast)["id"]
    for action in ("accept", "contact"):
        assert "errors" not in act(client, cast.recipient, action, referral_id)
    return referral_id


def win(
    client: TestClient, cast: Cast, referral_id: str, amount: str, key: str | None = None
) -> dict[str, Any]:
    return gql(
        client,
        WIN,
        cast.recipient.headers,
        id=referral_id,
        win={"productId": cast.product, "amount": amount},
        key=key,
    )


def get(client: TestClient, user: ApiUser, referral_id: str) -> dict[str, Any]:
    answer: dict[str, Any] = data(client, GET, user.headers, id=referral_id)["referral"]
    return answer


# ---------------------------------------------------------------------------------------------
# Creating and routing


def test_without_a_recipient_the_push_rules_choose_and_the_answer_names_the_rule(
    client: TestClient, cast: Cast, driver: Driver
) -> None:
    wholesale = create(client, cast, productLine="CUSTODY", to=None)
    assert wholesale["pushRule"] == "wholesale referrals to the investment-banking centre"
    assert wholesale["pushRulesVersion"] >= 2
    assert wholesale["institution"] == {"id": "B00004", "kind": "CENTER"}
    assert wholesale["route"] == "BRANCH_TO_CENTRE"
    assert wholesale["stage"] == "NEW"
    assert wholesale["participants"] == [
        {"role": "REFERRER", "employee": {"id": cast.referrer.employee_id}}
    ]
    assert [e["action"] for e in wholesale["timeline"]] == ["CREATE"]
    deposit = create(client, cast, productLine="DEPOSIT", to=None)
    assert deposit["pushRule"] is not None and deposit["recipient"] is not None
    named = create(client, cast)
    assert named["pushRule"] is None
    assert named["recipient"] == {"id": cast.recipient.employee_id}
    assert named["route"] == "TELLER_TO_MARKETING"
    # A role at a branch: the receivers a rule would find there.
    centre = create(client, cast, to={"role": "CENTER", "branchId": "B00004"})
    assert centre["institution"]["id"] == "B00004" and centre["pushRule"] is None


def test_from_opportunity_links_it_and_bad_input_writes_nothing(
    client: TestClient, cast: Cast, driver: Driver
) -> None:
    before = one(driver, "MATCH (r:Referral) RETURN count(r) AS n")["n"]
    missing = gql(
        client, CREATE, cast.referrer.headers, input={"customerId": "NOPE", "productLine": "FX"}
    )
    assert error_codes(missing) == ["NOT_FOUND"]
    no_need = gql(client, CREATE, cast.referrer.headers, input={"customerId": cast.customer})
    assert error_codes(no_need) == ["INVALID_ARGUMENT"]
    gone = gql(
        client,
        CREATE,
        cast.referrer.headers,
        input={"customerId": cast.customer, "productLine": "FX", "to": {"employeeId": "E-NOBODY"}},
    )
    assert error_codes(gone) == ["FAILED_PRECONDITION"]
    assert one(driver, "MATCH (r:Referral) RETURN count(r) AS n")["n"] == before


def test_the_same_idempotency_key_returns_the_first_referral_and_writes_nothing(
    client: TestClient, cast: Cast, driver: Driver
) -> None:
    first = create(client, cast, idempotencyKey="create-once")
    count = one(driver, "MATCH (r:Referral) RETURN count(r) AS n")["n"]
    again = create(client, cast, idempotencyKey="create-once")
    assert again["id"] == first["id"]
    assert one(driver, "MATCH (r:Referral) RETURN count(r) AS n")["n"] == count
    other = gql(
        client,
        CREATE,
        cast.referrer.headers,
        input={"customerId": cast.customer, "productLine": "FX", "idempotencyKey": "create-once"},
    )
    assert error_codes(other) == ["CONFLICT"]
    assert one(driver, "MATCH (r:Referral) RETURN count(r) AS n")["n"] == count


# ---------------------------------------------------------------------------------------------
# Stages


# (stage reached by the path, action) → the stage it leads to; absent pairs are refused.
ALLOWED = {
    ("NEW", "accept"): "ACCEPTED",
    ("NEW", "decline"): "DECLINED",
    ("ACCEPTED", "contact"): "CONTACTED",
    ("ACCEPTED", "lose"): "LOST",
    ("CONTACTED", "lose"): "LOST",
}
PATHS = {
    "NEW": [],
    "ACCEPTED": ["accept"],
    "CONTACTED": ["accept", "contact"],
    "DECLINED": ["decline"],
    "LOST": ["accept", "lose"],
}


@pytest.mark.parametrize("stage", sorted(PATHS))
def test_every_transition_from_each_stage_is_allowed_or_refused_without_change(
    client: TestClient, cast: Cast, stage: str
) -> None:
    for action in sorted(ACTIONS):
        referral_id = create(client, cast)["id"]
        for step in PATHS[stage]:
            assert "errors" not in act(client, cast.recipient, step, referral_id)
        before = get(client, cast.admin, referral_id)
        assert before["stage"] == stage
        answer = act(client, cast.recipient, action, referral_id)
        expected = ALLOWED.get((stage, action))
        after = get(client, cast.admin, referral_id)
        if expected is None:
            assert error_codes(answer) == ["CONFLICT"], (stage, action)
            assert after == before
        else:
            assert "errors" not in answer, (stage, action, answer)
            assert after["stage"] == expected
            last = after["timeline"][-1]
            assert (last["fromStage"], last["toStage"], last["actorKind"]) == (
                stage,
                expected,
                "RECIPIENT",
            )
            assert last["actor"] == {"id": cast.recipient.employee_id}


def test_only_the_recipient_their_branch_head_or_an_admin_may_act(
    client: TestClient, cast: Cast
) -> None:
    referral_id = create(client, cast)["id"]
    before = get(client, cast.admin, referral_id)
    for stranger in (cast.referrer, cast.outsider):
        assert error_codes(act(client, stranger, "accept", referral_id)) == ["FORBIDDEN"]
    assert get(client, cast.admin, referral_id) == before
    accepted = act(client, cast.head, "accept", referral_id)
    assert accepted["data"]["acceptReferral"]["timeline"][-1]["actorKind"] == "BRANCH_HEAD"
    contacted = act(client, cast.admin, "contact", referral_id)
    assert contacted["data"]["contactReferral"]["timeline"][-1]["actorKind"] == "ADMIN"
    assert error_codes(act(client, cast.recipient, "accept", "RF-NONE")) == ["NOT_FOUND"]


def test_reassign_moves_it_to_another_employee_who_then_takes_it_on(
    client: TestClient, cast: Cast, settings: Settings
) -> None:
    referral_id = create(client, cast)["id"]
    refused = gql(client, REASSIGN, cast.outsider.headers, id=referral_id, to=cast.supporter)
    assert error_codes(refused) == ["FORBIDDEN"]
    moved = data(client, REASSIGN, cast.head.headers, id=referral_id, to=cast.supporter)
    assigned = moved["reassignReferral"]
    assert assigned["stage"] == "REASSIGNED"
    assert assigned["recipient"] == {"id": cast.supporter}
    # The former recipient has no say now; the new one accepts.
    assert error_codes(act(client, cast.recipient, "accept", referral_id)) == ["FORBIDDEN"]
    new_recipient = ApiUser(
        cast.supporter, token_for(settings, cast.supporter, Role.FRONTEND), None
    )
    assert (
        act(client, new_recipient, "accept", referral_id)["data"]["acceptReferral"]["stage"]
        == "ACCEPTED"
    )


def test_expiry_closes_referrals_without_progress(
    client: TestClient, cast: Cast, driver: Driver, neo4j_config: Neo4jConfig
) -> None:
    from graph.referrals import expire

    stale = create(client, cast)["id"]
    fresh = create(client, cast)["id"]
    cypher(
        driver,
        "MATCH (r:Referral {id: $id}) SET r.created_on = date() - duration('P40D')",
        id=stale,
    )

    async def run() -> int:
        db = Database(neo4j_config)
        try:
            return await expire(db, 30, dt.datetime.now(dt.UTC))
        finally:
            await db.close()

    assert asyncio.run(run()) >= 1
    assert get(client, cast.admin, stale)["stage"] == "EXPIRED"
    assert get(client, cast.admin, stale)["timeline"][-1]["actorKind"] == "SYSTEM"
    assert get(client, cast.admin, fresh)["stage"] == "NEW"
    assert error_codes(act(client, cast.recipient, "accept", stale)) == ["CONFLICT"]


# ---------------------------------------------------------------------------------------------
# Credit policies and credit


@pytest.mark.parametrize(
    ("shares", "rate"),
    [
        (("30", "60", "9.99"), "1"),  # 99.99 %
        (("30", "60", "10.01"), "1"),  # 100.01 %
        (("-10", "100", "10"), "1"),  # a negative share
        (("30", "60", "10.001"), "1"),  # three decimal places
        (("30", "60", "10"), "0"),  # no points
    ],
)
def test_a_policy_that_does_not_add_up_is_rejected_and_nothing_is_written(
    client: TestClient, cast: Cast, driver: Driver, shares: tuple[str, str, str], rate: str
) -> None:
    before = one(driver, "MATCH (p:CreditPolicy) RETURN count(p) AS n")["n"]
    answer = gql(
        client,
        PUBLISH,
        cast.admin.headers,
        input={
            "productLine": "FX",
            "effectiveFrom": "2020-01-01",
            "referrerShare": shares[0],
            "closerShare": shares[1],
            "supportingShare": shares[2],
            "pointsRate": rate,
        },
    )
    assert error_codes(answer) == ["INVALID_ARGUMENT"]
    assert "credit policy rejected" in answer["errors"][0]["message"]
    assert one(driver, "MATCH (p:CreditPolicy) RETURN count(p) AS n")["n"] == before


def test_only_an_admin_publishes_a_policy(client: TestClient, cast: Cast) -> None:
    answer = gql(
        client,
        PUBLISH,
        cast.head.headers,
        input={
            "productLine": "FX",
            "effectiveFrom": "2020-01-01",
            "referrerShare": "30",
            "closerShare": "60",
            "supportingShare": "10",
            "pointsRate": "1",
        },
    )
    assert error_codes(answer) == ["FORBIDDEN"]


def test_a_win_is_credited_by_the_policy_in_force_exactly_with_the_remainder_rule(
    client: TestClient, cast: Cast, policy: dict[str, Any]
) -> None:
    thirds = publish(client, cast, TODAY.isoformat(), "33.33", "33.33", "33.34", "1")
    referral_id = ready_to_win(client, cast)
    supporters = [cast.supporter, cast.outsider.employee_id]
    for supporter in supporters:
        assert "errors" not in gql(
            client, SUPPORT, cast.recipient.headers, id=referral_id, who=supporter
        )
    answer = win(client, cast, referral_id, "100.01")
    won = answer["data"]["winReferral"]
    assert won["stage"] == "WON" and won["wonAmount"] == "100.01"
    credit = {(c["role"], c["employee"]["id"]): c for c in won["credit"]}
    # 100.01 × 33.33 % = 33.333333 → 33.33 (x2); 100.01 × 33.34 % / 2 = 16.671667 → 16.67 (x2):
    # 100.00, one hundredth left, to the largest dropped fraction (the referrer's, tied with the
    # closer's and first in order).
    assert credit[("REFERRER", cast.referrer.employee_id)]["amount"] == "33.34"
    assert credit[("CLOSER", cast.recipient.employee_id)]["amount"] == "33.33"
    for supporter in supporters:
        assert credit[("SUPPORTING", supporter)]["amount"] == "16.67"
    assert sum(Decimal(c["amount"]) for c in won["credit"]) == Decimal("100.01")
    assert {c["policyVersion"] for c in won["credit"]} == {thirds["version"]}
    assert {c["basis"] for c in won["credit"]} == {"100.01"}
    assert all(c["kind"] == "CREDIT" and c["on"] == TODAY.isoformat() for c in won["credit"])


def test_a_referral_won_after_a_new_version_uses_it_one_won_before_keeps_the_old(
    client: TestClient, cast: Cast, policy: dict[str, Any]
) -> None:
    old = publish(client, cast, TODAY.isoformat(), "30", "60", "10", "2")
    early = ready_to_win(client, cast)
    early_credit = win(client, cast, early, "1000")["data"]["winReferral"]["credit"]
    new = publish(client, cast, TODAY.isoformat(), "50", "50", "0", "1")
    # A version effective tomorrow is not in force today.
    publish(client, cast, (TODAY + dt.timedelta(days=1)).isoformat(), "10", "90", "0", "1")
    late = ready_to_win(client, cast)
    late_credit = win(client, cast, late, "1000")["data"]["winReferral"]["credit"]
    assert {c["policyVersion"] for c in early_credit} == {old["version"]}
    assert sorted((c["role"], c["amount"]) for c in early_credit) == [
        ("CLOSER", "1400.00"),  # 60 % + the 10 % of absent supporters, of 1000 × 2 points
        ("REFERRER", "600.00"),
    ]
    assert {c["policyVersion"] for c in late_credit} == {new["version"]}
    assert sorted((c["role"], c["amount"]) for c in late_credit) == [
        ("CLOSER", "500.00"),
        ("REFERRER", "500.00"),
    ]
    # The earlier win's entries are as they were.
    assert get(client, cast.admin, early)["credit"] == early_credit


def test_a_correction_is_a_reversal_plus_new_entries_never_an_edit(
    client: TestClient, cast: Cast, policy: dict[str, Any]
) -> None:
    referral_id = ready_to_win(client, cast)
    first = win(client, cast, referral_id, "200")["data"]["winReferral"]["credit"]
    refused = gql(client, CORRECT, cast.head.headers, id=referral_id, reason="typo", amount="150")
    assert error_codes(refused) == ["FORBIDDEN"]
    corrected = data(
        client, CORRECT, cast.admin.headers, id=referral_id, reason="typo", amount="150"
    )
    entries = corrected["correctReferralCredit"]["credit"]
    assert entries[: len(first)] == first
    reversals = [e for e in entries if e["kind"] == "REVERSAL"]
    assert sorted(r["reverses"] for r in reversals) == sorted(e["seq"] for e in first)
    for reversal in reversals:
        original = next(e for e in first if e["seq"] == reversal["reverses"])
        assert Decimal(reversal["amount"]) == -Decimal(original["amount"])
    fresh = [e for e in entries if e["kind"] == "CREDIT" and e not in first]
    assert sum(Decimal(e["amount"]) for e in fresh) == sum(Decimal(e["basis"]) for e in fresh[:1])
    assert sum(Decimal(e["amount"]) for e in entries) == sum(Decimal(e["amount"]) for e in fresh)
    assert corrected["correctReferralCredit"]["wonAmount"] == "200.00"


def test_referral_credit_totals_the_ledger_entries_and_is_scoped(
    client: TestClient, cast: Cast, policy: dict[str, Any]
) -> None:
    referral_id = ready_to_win(client, cast)
    win(client, cast, referral_id, "300")
    mine = data(client, CREDIT, cast.referrer.headers, e=cast.referrer.employee_id)[
        "referralCredit"
    ]
    assert Decimal(mine["total"]) == sum(Decimal(e["amount"]) for e in mine["entries"])
    assert referral_id in {e["referralId"] for e in mine["entries"]}
    future = data(
        client,
        CREDIT,
        cast.referrer.headers,
        e=cast.referrer.employee_id,
        **{"from": (TODAY + dt.timedelta(days=1)).isoformat()},
    )["referralCredit"]
    assert future == {"total": "0.00", "entries": []}
    other = gql(client, CREDIT, cast.outsider.headers, e=cast.referrer.employee_id)
    assert error_codes(other) == ["FORBIDDEN"]
    assert (
        data(client, CREDIT, cast.admin.headers, e=cast.referrer.employee_id)["referralCredit"]
        == mine
    )


def test_employees_see_only_their_referrals_admin_all(client: TestClient, cast: Cast) -> None:
    referral_id = create(client, cast)["id"]
    assert get(client, cast.referrer, referral_id)["id"] == referral_id
    assert get(client, cast.recipient, referral_id)["id"] == referral_id
    assert error_codes(gql(client, GET, cast.outsider.headers, id=referral_id)) == ["FORBIDDEN"]
    listing = """query($f: ReferralFilter) { referrals(filter: $f, first: 100) { totalCount
      edges { node { id } } } }"""
    outsider = data(client, listing, cast.outsider.headers)["referrals"]
    assert referral_id not in {e["node"]["id"] for e in outsider["edges"]}
    mine = data(client, listing, cast.referrer.headers, f={"mine": True, "stage": "NEW"})
    ids = {e["node"]["id"] for e in mine["referrals"]["edges"]}
    assert referral_id in ids
    everything = data(client, listing, cast.admin.headers)["referrals"]["totalCount"]
    assert everything >= mine["referrals"]["totalCount"]


# ---------------------------------------------------------------------------------------------
# Leaderboard and funnel


LEADERBOARD = """query($b: ID!, $from: Date!, $to: Date!, $by: LeaderboardBy!) {
  creditLeaderboard(branchId: $b, from: $from, to: $to, by: $by, first: 50) {
    rank total entries employee { id } branch { id } } }"""
FUNNEL = """query($b: ID!, $from: Date!, $to: Date!) {
  referralFunnel(branchId: $b, from: $from, to: $to) {
  route total conversionRate medianDaysToConvert byStage { stage count } } }"""


def test_the_leaderboard_agrees_with_each_employees_credit(
    client: TestClient, cast: Cast, policy: dict[str, Any]
) -> None:
    referral_id = ready_to_win(client, cast)
    win(client, cast, referral_id, "500")
    period = {"from": TODAY.isoformat(), "to": TODAY.isoformat()}
    board = data(client, LEADERBOARD, cast.head.headers, b=cast.branch, by="EMPLOYEE", **period)
    places = board["creditLeaderboard"]
    assert places and [p["rank"] for p in places] == list(range(1, len(places) + 1))
    assert [Decimal(p["total"]) for p in places] == sorted(
        (Decimal(p["total"]) for p in places), reverse=True
    )
    for place in places:
        credit = data(client, CREDIT, cast.admin.headers, e=place["employee"]["id"], **period)
        assert credit["referralCredit"]["total"] == place["total"]
    assert cast.recipient.employee_id in {p["employee"]["id"] for p in places}
    teams = data(client, LEADERBOARD, cast.head.headers, b=cast.branch, by="BRANCH", **period)
    assert sum(Decimal(p["total"]) for p in teams["creditLeaderboard"]) == sum(
        Decimal(p["total"]) for p in places
    )
    refused = gql(
        client, LEADERBOARD, cast.outsider.headers, b=cast.branch, by="EMPLOYEE", **period
    )
    assert error_codes(refused) == ["FORBIDDEN"]


def test_the_funnel_counts_stages_and_conversion_by_route(
    client: TestClient, cast: Cast, driver: Driver, policy: dict[str, Any]
) -> None:
    referral_id = ready_to_win(client, cast)
    win(client, cast, referral_id, "10")
    period = {"from": TODAY.isoformat(), "to": TODAY.isoformat()}
    parts = data(client, FUNNEL, cast.head.headers, b=cast.branch, **period)["referralFunnel"]
    whole = parts[0]
    assert whole["route"] is None
    expected = cypher(
        driver,
        "MATCH (b:Branch {id: $b})<-[:PART_OF*0..10]-(s:Branch) WITH collect(s.id) AS ids "
        "MATCH (r:Referral) WHERE r.created_on = date() "
        "AND (r.referrer_branch_id IN ids OR r.institution_id IN ids) "
        "RETURN r.stage AS stage, count(*) AS n",
        b=cast.branch,
    )
    assert {s["stage"]: s["count"] for s in whole["byStage"]} == {
        e["stage"]: e["n"] for e in expected
    }
    won = sum(e["n"] for e in expected if e["stage"] == "WON")
    total = sum(e["n"] for e in expected)
    assert whole["total"] == total
    assert Decimal(whole["conversionRate"]) == (Decimal(won) / total).quantize(Decimal("0.0001"))
    assert whole["medianDaysToConvert"] == "0"
    assert sum(p["total"] for p in parts[1:]) == total


def test_a_board_or_funnel_of_a_branch_that_does_not_exist_is_not_found_and_an_empty_one_is_empty(
    client: TestClient, cast: Cast, admin: ApiUser
) -> None:
    period = {"from": "1990-01-01", "to": "1990-12-31"}  # before any referral
    for document, extra in ((LEADERBOARD, {"by": "EMPLOYEE"}), (FUNNEL, {})):
        missing = gql(client, document, admin.headers, b="NO-SUCH-BRANCH", **period, **extra)
        assert error_codes(missing) == ["NOT_FOUND"], missing
        empty = data(client, document, cast.head.headers, b=cast.branch, **period, **extra)
        (answer,) = empty.values()
        if document is LEADERBOARD:
            assert answer == []
        else:
            assert [(p["route"], p["total"]) for p in answer] == [(None, 0)]


# ---------------------------------------------------------------------------------------------
# The credit ledger's tamper evidence (relgraph audit verify is built on ledger.verify)


def _verify(neo4j_config: Neo4jConfig) -> Verification:
    async def run() -> Verification:
        db = Database(neo4j_config)
        try:
            return await ledger.verify(db, Ledger.CREDIT, batch=3)
        finally:
            await db.close()

    return asyncio.run(run())


def test_verify_names_an_edited_a_deleted_and_a_reordered_credit_entry(
    client: TestClient,
    cast: Cast,
    driver: Driver,
    neo4j_config: Neo4jConfig,
    settings: Settings,
    policy: dict[str, Any],
) -> None:
    for _ in range(2):
        win(client, cast, ready_to_win(client, cast), "77.77")
    assert _verify(neo4j_config).ok
    head = _verify(neo4j_config).head_seq
    target = head - 2
    # Edited: one entry credits more than it did.
    original = one(
        driver, "MATCH (e:LedgerEntry {ledger: 'credit', seq: $s}) RETURN e.payload AS p", s=target
    )["p"]
    cypher(
        driver,
        "MATCH (e:LedgerEntry {ledger: 'credit', seq: $s}) SET e.payload = $p",
        s=target,
        p=original.replace('"amount":"', '"amount":"9'),
    )
    edited = _verify(neo4j_config)
    assert (edited.first_bad_seq, "edited" in (edited.problem or "")) == (target, True)
    command = relgraph(settings, "audit", "verify", "--ledger", "credit")
    assert command.returncode == 1
    assert f"credit: TAMPERED at entry {target}: entry {target} does not match" in command.stderr
    cypher(
        driver,
        "MATCH (e:LedgerEntry {ledger: 'credit', seq: $s}) SET e.payload = $p",
        s=target,
        p=original,
    )
    assert _verify(neo4j_config).ok
    # Deleted: one entry gone (kept aside and put back).
    saved = one(
        driver,
        "MATCH (e:LedgerEntry {ledger: 'credit', seq: $s}) "
        "RETURN properties(e) AS e, toString(e.at) AS at",
        s=target,
    )
    cypher(driver, "MATCH (e:LedgerEntry {ledger: 'credit', seq: $s}) DETACH DELETE e", s=target)
    deleted = _verify(neo4j_config)
    assert deleted.first_bad_seq == target and "missing" in (deleted.problem or "")
    cypher(
        driver,
        "CREATE (e:LedgerEntry) SET e = $p, e.at = datetime($at)",
        p=saved["e"],
        at=saved["at"],
    )
    assert _verify(neo4j_config).ok
    # Reordered: two entries swap places.
    cypher(
        driver,
        "MATCH (a:LedgerEntry {ledger: 'credit', seq: $s}), "
        "(b:LedgerEntry {ledger: 'credit', seq: $t}) "
        "SET a.seq = -1 SET b.seq = $s SET a.seq = $t",
        s=target,
        t=target + 1,
    )
    reordered = _verify(neo4j_config)
    assert reordered.first_bad_seq == target and not reordered.ok
    cypher(
        driver,
        "MATCH (a:LedgerEntry {ledger: 'credit', seq: $s}), "
        "(b:LedgerEntry {ledger: 'credit', seq: $t}) "
        "SET a.seq = -1 SET b.seq = $s SET a.seq = $t",
        s=target,
        t=target + 1,
    )
    assert _verify(neo4j_config).ok


# ---------------------------------------------------------------------------------------------
# Concurrency over real HTTP


ROUNDS = 15
CLIENTS = 4


def _concurrently(
    url: str, headers: dict[str, str], bodies: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Posts the bodies at once, from as many threads, released together by a barrier."""
    barrier = threading.Barrier(len(bodies))

    def post(body: dict[str, Any]) -> dict[str, Any]:
        with httpx.Client(timeout=30) as http:
            barrier.wait()
            response = http.post(url, json=body, headers=headers)
            answer: dict[str, Any] = response.json()
            return answer

    with ThreadPoolExecutor(len(bodies)) as pool:
        return list(pool.map(post, bodies))


def _credit_entries(driver: Driver, referral_id: str) -> int:
    return int(
        one(
            driver,
            "MATCH (e:LedgerEntry)-[:FOR_REFERRAL]->(:Referral {id: $id}) RETURN count(e) AS n",
            id=referral_id,
        )["n"]
    )


def _win_body(cast: Cast, referral_id: str, amount: str, key: str | None) -> dict[str, Any]:
    win = {"productId": cast.product, "amount": amount}
    return {"query": WIN, "variables": {"id": referral_id, "win": win, "key": key}}


def test_concurrent_wins_of_one_referral_credit_it_once(
    client: TestClient,
    cast: Cast,
    settings: Settings,
    driver: Driver,
    neo4j_config: Neo4jConfig,
    policy: dict[str, Any],
) -> None:
    with serving(settings) as api:
        for round_ in range(ROUNDS):
            referral_id = ready_to_win(client, cast)
            body = _win_body(cast, referral_id, f"{1000 + round_}.50", None)
            answers = _concurrently(api.url, cast.recipient.headers, [body] * CLIENTS)
            won = [a for a in answers if "errors" not in a]
            refused = [a for a in answers if "errors" in a]
            assert len(won) == 1, (round_, answers)
            assert all(error_codes(a) == ["CONFLICT"] for a in refused), refused
            credit = won[0]["data"]["winReferral"]["credit"]
            assert _credit_entries(driver, referral_id) == len(credit) == 2
    assert _verify(neo4j_config).ok


def test_a_win_resent_with_its_idempotency_key_returns_the_first_answer_and_writes_nothing(
    client: TestClient,
    cast: Cast,
    settings: Settings,
    driver: Driver,
    neo4j_config: Neo4jConfig,
    policy: dict[str, Any],
) -> None:
    with serving(settings) as api:
        for _ in range(ROUNDS):
            referral_id = ready_to_win(client, cast)
            body = _win_body(cast, referral_id, "88.88", f"win-{referral_id}")
            answers = _concurrently(api.url, cast.recipient.headers, [body] * CLIENTS)
            assert all("errors" not in a for a in answers), answers
            assert len({str(a["data"]) for a in answers}) == 1
            entries = _credit_entries(driver, referral_id)
            assert entries == 2
            events = get(client, cast.admin, referral_id)["timeline"]
            assert [e["action"] for e in events].count("WIN") == 1
            # Once more, later: the same answer, nothing written.
            again = _concurrently(api.url, cast.recipient.headers, [body])[0]
            assert again == answers[0]
            assert _credit_entries(driver, referral_id) == entries
    assert _verify(neo4j_config).ok


def _entry_times(driver: Driver, referral_ids: list[str]) -> dict[str, set[str]]:
    rows = cypher(
        driver,
        "MATCH (e:LedgerEntry)-[:FOR_REFERRAL]->(r:Referral) WHERE r.id IN $ids "
        "RETURN r.id AS id, collect(DISTINCT toString(e.at)) AS at",
        ids=referral_ids,
    )
    return {row["id"]: set(row["at"]) for row in rows}


def test_concurrent_wins_of_different_referrals_share_transactions_and_not_failures(
    client: TestClient,
    cast: Cast,
    settings: Settings,
    driver: Driver,
    neo4j_config: Neo4jConfig,
    policy: dict[str, Any],
) -> None:
    """Wins arriving together are written in shared transactions (their credit entries carry one
    time), yet a win refused for its product or its stage refuses only itself."""
    not_held = one(
        driver,
        "MATCH (p:Product) WHERE NOT EXISTS { (:Customer {id: $customer})-[:HOLDS]->(p) } "
        "RETURN p.id AS id ORDER BY p.id LIMIT 1",
        customer=cast.customer,
    )["id"]
    shared_rounds = 0
    with serving(settings) as api:
        for round_ in range(10):
            winnable = [ready_to_win(client, cast) for _ in range(4)]
            unheld = ready_to_win(client, cast)
            too_early = create(client, cast)["id"]  # NEW: a win is illegal there
            bodies = [_win_body(cast, r, f"{200 + round_}.25", None) for r in winnable]
            wrong_product = _win_body(cast, unheld, "10.00", None)
            wrong_product["variables"]["win"]["productId"] = not_held
            bodies += [wrong_product, _win_body(cast, too_early, "10.00", None)]
            answers = _concurrently(api.url, cast.recipient.headers, bodies)
            assert all("errors" not in a for a in answers[:4]), answers
            assert error_codes(answers[4]) == ["FAILED_PRECONDITION"], answers[4]
            assert error_codes(answers[5]) == ["CONFLICT"], answers[5]
            for referral_id, answer in zip(winnable, answers, strict=False):
                assert answer["data"]["winReferral"]["stage"] == "WON"
                assert _credit_entries(driver, referral_id) == 2
            for refused, stage in ((unheld, "CONTACTED"), (too_early, "NEW")):
                assert get(client, cast.admin, refused)["stage"] == stage
                assert _credit_entries(driver, refused) == 0
            times = _entry_times(driver, winnable)
            if len(set().union(*times.values())) < len(winnable):
                shared_rounds += 1
    assert shared_rounds > 0, "no two concurrent wins were written in one transaction"
    assert _verify(neo4j_config).ok
