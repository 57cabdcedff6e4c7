"""`accessCheck` (准入) through HTTP: ALLOWED with no reason, and every reason for DENIED with its
evidence: listed (the entry), exposed within the hops the product's rating sets (the path), not on
the access list the product's type requires (the list), risk tolerance below the rating (both)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from neo4j import Driver

from tests.helpers import ApiUser, data, error_codes, gql, one

CHECK = """
query($customer: ID!, $product: ID!) {
  accessCheck(customerId: $customer, productId: $product) {
    verdict checkedOn exposureHops partial
    customer { id riskTolerance } product { id type riskRating }
    reasons {
      code message requiredList customerRiskTolerance productRiskRating
      entry { id list listName }
      exposure { hops party { id } paths { links { type direction } parties { id } } }
    }
  }
}
"""
LIST = """
mutation($party: ID!, $list: ListKind!, $name: String) {
  listEntity(partyId: $party, list: $list, reason: "测试", listName: $name) { entry { id } }
}
"""


def product(driver: Driver, kind: str, ratings: list[str]) -> str:
    found: str = one(
        driver,
        "MATCH (p:Product) WHERE p.type = $kind AND p.risk_rating IN $ratings "
        "RETURN p.id AS id ORDER BY p.risk_rating DESC, p.id LIMIT 1",
        kind=kind,
        ratings=ratings,
    )["id"]
    return found


def check(client: TestClient, user: ApiUser, customer: str, product_id: str) -> dict[str, Any]:
    decided: dict[str, Any] = data(
        client, CHECK, user.headers, customer=customer, product=product_id
    )["accessCheck"]
    return decided


def codes(decision: dict[str, Any]) -> list[str]:
    return [r["code"] for r in decision["reasons"]]


def test_a_customer_clear_of_every_rule_is_allowed_and_listing_them_denies(
    client: TestClient,
    compliance: ApiUser,
    driver: Driver,
    quiet_company: dict[str, Any],
    restored: None,
) -> None:
    deposit = product(driver, "DEPOSIT", ["R1"])
    allowed = check(client, compliance, "TST-OWNER", deposit)
    assert allowed["verdict"] == "ALLOWED" and allowed["reasons"] == []
    assert allowed["exposureHops"] == 1 and allowed["customer"]["id"] == "TST-OWNER"
    entry = data(client, LIST, compliance.headers, party="TST-OWNER", list="PROHIBITION")
    denied = check(client, compliance, "TST-OWNER", deposit)
    assert denied["verdict"] == "DENIED" and codes(denied) == ["LISTED"]
    (reason,) = denied["reasons"]
    assert reason["entry"]["id"] == entry["listEntity"]["entry"]["id"]
    assert reason["entry"]["listName"] == "内部禁止名单" and "内部禁止名单" in reason["message"]


def test_exposure_denies_within_the_hops_the_rating_sets_with_the_path(
    client: TestClient,
    compliance: ApiUser,
    driver: Driver,
    quiet_company: dict[str, Any],
    restored: None,
) -> None:
    data(client, LIST, compliance.headers, party="TST-CO", list="PROHIBITION")
    low = product(driver, "DEPOSIT", ["R1"])  # 1 hop
    medium = product(driver, "WEALTH_MANAGEMENT", ["R3"])  # 2 hops
    owner = check(client, compliance, "TST-OWNER", low)
    assert owner["verdict"] == "DENIED" and codes(owner) == ["EXPOSED"]
    exposure = owner["reasons"][0]["exposure"]
    assert exposure["hops"] == 1 and exposure["party"]["id"] == "TST-CO"
    assert exposure["paths"][0]["links"] == [{"type": "OWNS", "direction": "FORWARD"}]
    # The spouse is 2 hops away: clear for a product of R1 (1 hop), denied for one of R3.
    spouse_low = check(client, compliance, "TST-SPOUSE", low)
    assert spouse_low["verdict"] == "ALLOWED" and spouse_low["exposureHops"] == 1
    spouse = check(client, compliance, "TST-SPOUSE", medium)
    assert spouse["exposureHops"] == 2 and codes(spouse) == ["EXPOSED"]
    parties = [p["id"] for p in spouse["reasons"][0]["exposure"]["paths"][0]["parties"]]
    assert parties == ["TST-SPOUSE", "TST-WORKER", "TST-CO"]


def test_a_product_type_that_needs_an_access_list_denies_those_not_on_it(
    client: TestClient,
    compliance: ApiUser,
    driver: Driver,
    quiet_company: dict[str, Any],
    restored: None,
) -> None:
    debt = product(driver, "DEBT_INSTRUMENT", ["R2", "R3"])
    denied = check(client, compliance, "TST-OWNER", debt)
    assert codes(denied) == ["NOT_ON_ACCESS_LIST"]
    assert denied["reasons"][0]["requiredList"] == "投资人准入名单"
    # On another access list: still not the one required.
    data(
        client, LIST, compliance.headers, party="TST-OWNER", list="ACCESS", name="合作机构准入名单"
    )
    assert codes(check(client, compliance, "TST-OWNER", debt)) == ["NOT_ON_ACCESS_LIST"]
    data(client, LIST, compliance.headers, party="TST-OWNER", list="ACCESS", name="投资人准入名单")
    assert check(client, compliance, "TST-OWNER", debt)["verdict"] == "ALLOWED"


def test_a_risk_tolerance_below_the_rating_denies_with_both_ratings(
    client: TestClient,
    compliance: ApiUser,
    driver: Driver,
    quiet_company: dict[str, Any],
    restored: None,
) -> None:
    risky = product(driver, "WEALTH_MANAGEMENT", ["R5"])
    denied = check(client, compliance, "TST-OWNER", risky)
    assert codes(denied) == ["RISK_TOLERANCE_BELOW_RATING"]
    reason = denied["reasons"][0]
    assert (reason["customerRiskTolerance"], reason["productRiskRating"]) == ("R3", "R5")
    # A customer with no tolerance on record is denied anything rated.
    driver.execute_query("MATCH (c:Customer {id: 'TST-EXEC'}) REMOVE c.risk_tolerance")
    unrated = check(client, compliance, "TST-EXEC", product(driver, "DEPOSIT", ["R1"]))
    assert codes(unrated) == ["RISK_TOLERANCE_BELOW_RATING"]
    assert unrated["reasons"][0]["customerRiskTolerance"] is None


def test_every_reason_is_reported_together(
    client: TestClient,
    compliance: ApiUser,
    driver: Driver,
    quiet_company: dict[str, Any],
    restored: None,
) -> None:
    data(client, LIST, compliance.headers, party="TST-CO", list="PROHIBITION")
    data(client, LIST, compliance.headers, party="TST-OWNER", list="PROHIBITION")
    debt = product(driver, "DEBT_INSTRUMENT", ["R4"])
    denied = check(client, compliance, "TST-OWNER", debt)
    assert sorted(codes(denied)) == [
        "EXPOSED",
        "LISTED",
        "NOT_ON_ACCESS_LIST",
        "RISK_TOLERANCE_BELOW_RATING",
    ]


def test_unknown_or_non_customer_parties_and_unknown_products_are_not_found(
    client: TestClient, compliance: ApiUser, driver: Driver, quiet_company: dict[str, Any]
) -> None:
    deposit = product(driver, "DEPOSIT", ["R1"])
    for customer, product_id in (("NOPE", deposit), ("TST-CO", deposit), ("TST-OWNER", "NOPE")):
        body = gql(client, CHECK, compliance.headers, customer=customer, product=product_id)
        assert error_codes(body) == ["NOT_FOUND"]


def test_access_checks_are_for_compliance_and_admin_only(
    client: TestClient,
    admin: ApiUser,
    frontend: ApiUser,
    branch_manager: ApiUser,
    driver: Driver,
    quiet_company: dict[str, Any],
    restored: None,
) -> None:
    deposit = product(driver, "DEPOSIT", ["R1"])
    assert check(client, admin, "TST-OWNER", deposit)["verdict"] == "ALLOWED"
    for user in (frontend, branch_manager):
        body = gql(client, CHECK, user.headers, customer="TST-OWNER", product=deposit)
        assert error_codes(body) == ["FORBIDDEN"]
