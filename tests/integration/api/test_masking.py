"""Masked personal data stays unrecoverable from everything else the same caller sees.

A resident id (GB 11643) is 6 region digits, the birth date (8), a 3-digit sequence whose last
digit is odd for men, and a check character. Masked, a caller sees the first 3 and the last 4:
with the birth date beside it, only the 3 hidden region digits were left, about 1000 / 11 ≈ 91
candidates passing the check character. Callers without personal data see the birth year instead.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from loaders.synthetic.vocab import PROVINCE_CODE
from tests.helpers import ApiUser, cypher, data, one

# GB 11643: the check character of the 17 digits before it.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"

BIRTH = """
query($id: ID!) {
  party(id: $id) { ... on Person { nationalId gender birthDate birthYear } }
}
"""


def weighted(digits: str, offset: int) -> int:
    """The checksum contribution, mod 11, of `digits` standing at `offset` in the id."""
    return sum(int(d) * w for d, w in zip(digits, WEIGHTS[offset:], strict=False)) % 11


def candidate_ids(masked: str, gender: str, birth_days: list[dt.date]) -> tuple[int, set[str]]:
    """How many well-formed ids agree with what a masked caller sees, and the regions tried.

    Regions: every 6-digit code starting with the visible 3 digits whose first two are a
    province code of the synthetic bank's vocabulary (its area digits are free). Sequence and
    gender digit and check character: the visible last four, the gender digit agreeing with the
    gender shown. Dates: the ones given."""
    prefix, tail = masked[:3], masked[-4:]
    sequence, check = tail[:3], tail[3]
    if int(sequence[2]) % 2 != (1 if gender == "M" else 0):
        return 0, set()
    regions = {
        f"{code}{area:04d}"
        for code in PROVINCE_CODE.values()
        for area in range(10_000)
        if f"{code}{area:04d}".startswith(prefix)
    }
    # The check character fixes the checksum mod 11: count region and date residues that meet it.
    region_residues = Counter(weighted(region, 0) for region in regions)
    date_residues = Counter(weighted(f"{day:%Y%m%d}", 6) for day in birth_days)
    sequence_residue = weighted(sequence, 14)
    count = sum(
        region_n * date_n
        for region_r, region_n in region_residues.items()
        for date_r, date_n in date_residues.items()
        if CHECK_CHARACTERS[(region_r + date_r + sequence_residue) % 11] == check
    )
    return count, regions


def birth_days_seen(person: dict[str, Any]) -> list[dt.date]:
    """The birth dates a caller cannot tell apart from what the API showed them."""
    if person["birthDate"] is not None:
        return [dt.date.fromisoformat(person["birthDate"])]
    year = person["birthYear"]
    return [
        dt.date(year, month, day)
        for month in range(1, 13)
        for day in range(1, calendar.monthrange(year, month)[1] + 1)
    ]


def is_well_formed(national_id: str) -> bool:
    return CHECK_CHARACTERS[weighted(national_id[:17], 0)] == national_id[17]


@pytest.fixture(scope="module")
def persons_in_scope(driver: Driver, branch_manager: ApiUser) -> list[dict[str, Any]]:
    """Customers the manager and frontend fixtures may open, and persons who are no customers
    (visible to all), each with an 18-digit national id."""
    assert branch_manager.scope is not None
    customers = cypher(
        driver,
        "MATCH (p:Person:Customer)-[:HOME_BRANCH]->(b:Branch) WHERE b.id IN $scope "
        "AND size(p.national_id) = 18 RETURN p.id AS id, p.national_id AS national_id, "
        "p.birth_date AS birth_date ORDER BY p.id LIMIT 6",
        scope=branch_manager.scope,
    )
    others = cypher(
        driver,
        "MATCH (p:Person) WHERE NOT p:Customer AND size(p.national_id) = 18 "
        "RETURN p.id AS id, p.national_id AS national_id, p.birth_date AS birth_date "
        "ORDER BY p.id LIMIT 2",
    )
    assert len(customers) == 6 and len(others) == 2
    return customers + others


def test_callers_without_personal_data_see_the_birth_year_not_the_date(
    client: TestClient,
    frontend: ApiUser,
    branch_manager: ApiUser,
    persons_in_scope: list[dict[str, Any]],
) -> None:
    for caller in (frontend, branch_manager):
        for person in persons_in_scope:
            shown = data(client, BIRTH, caller.headers, id=person["id"])["party"]
            assert shown["birthDate"] is None
            assert shown["birthYear"] == person["birth_date"].year
            assert "*" in shown["nationalId"]


def test_compliance_and_admin_see_the_birth_date_and_year(
    client: TestClient, compliance: ApiUser, admin: ApiUser, persons_in_scope: list[dict[str, Any]]
) -> None:
    for caller in (compliance, admin):
        for person in persons_in_scope:
            shown = data(client, BIRTH, caller.headers, id=person["id"])["party"]
            assert shown["birthDate"] == person["birth_date"].iso_format()
            assert shown["birthYear"] == person["birth_date"].year
            assert shown["nationalId"] == person["national_id"]


def test_a_masked_national_id_leaves_thousands_of_candidates(
    client: TestClient, frontend: ApiUser, persons_in_scope: list[dict[str, Any]]
) -> None:
    """An attacker's count: every id agreeing with all a masked caller sees of the person. The
    true id is always among them (the count is honest); there must be thousands."""
    counts = []
    for person in persons_in_scope:
        shown = data(client, BIRTH, frontend.headers, id=person["id"])["party"]
        true_id = person["national_id"]
        assert is_well_formed(true_id)
        days = birth_days_seen(shown)
        count, regions = candidate_ids(shown["nationalId"], shown["gender"], days)
        assert true_id[:6] in regions
        assert dt.date.fromisoformat(f"{true_id[6:10]}-{true_id[10:12]}-{true_id[12:14]}") in days
        counts.append(count)
    assert min(counts) >= 1000, counts


def test_birth_dates_are_hidden_on_every_path_to_a_person(
    client: TestClient, driver: Driver, branch_manager: ApiUser, admin: ApiUser
) -> None:
    """Linked parties, search hits, product holders and the customer view all show persons: none
    of them carries the birth date to a caller without personal data."""
    assert branch_manager.scope is not None
    row = one(
        driver,
        "MATCH (p:Person:Customer)-[:HOME_BRANCH]->(b:Branch), (p)-[h:HOLDS]->(product:Product), "
        "(p)-[:OWNS|EXECUTIVE_OF|LEGAL_REP_OF|EMPLOYED_BY|FAMILY_OF|GUARANTEES]-(linked:Party) "
        "WHERE b.id IN $scope AND p.birth_date IS NOT NULL AND h.until IS NULL "
        "AND (NOT linked:Customer "
        "     OR EXISTS { (linked)-[:HOME_BRANCH]->(lb) WHERE lb.id IN $scope }) "
        # The product with the fewest holders, so that the person is on its first page.
        "WITH p, linked, product ORDER BY COUNT { (:Party)-[:HOLDS]->(product) }, p.id LIMIT 1 "
        "RETURN p.id AS id, p.name AS name, linked.id AS linked, product.id AS product",
        scope=branch_manager.scope,
    )
    person = "... on Person { id birthDate birthYear }"
    query = f"""
    query($id: ID!, $linked: ID!, $product: ID!, $name: String!) {{
      customer(id: $id) {{ party {{ {person} }} }}
      party(id: $linked) {{ linkedParties(first: 100) {{ party {{ {person} }} }} }}
      search(text: $name, first: 100) {{ party {{ {person} }} }}
      product(id: $product) {{ holders(first: 100) {{ edges {{ node {{
        holderParty {{ {person} }} }} }} }} }}
    }}"""
    variables = {key: row[key] for key in ("id", "linked", "product", "name")}

    def seen(headers: dict[str, str]) -> list[dict[str, Any]]:
        answer = data(client, query, headers, **variables)
        persons = [answer["customer"]["party"]]
        persons += [link["party"] for link in answer["party"]["linkedParties"]]
        persons += [hit["party"] for hit in answer["search"]]
        persons += [e["node"]["holderParty"] for e in answer["product"]["holders"]["edges"]]
        return [p for p in persons if p.get("id") == row["id"]]

    by_manager, by_admin = seen(branch_manager.headers), seen(admin.headers)
    assert len(by_manager) == len(by_admin) >= 3  # the person on several paths
    assert all(p["birthDate"] is None and p["birthYear"] for p in by_manager)
    assert all(p["birthDate"] is not None for p in by_admin)
