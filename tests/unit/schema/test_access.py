"""The access policy's pure rules: masking, and which parties a caller's scope shows."""

from __future__ import annotations

import datetime as dt

import pytest

from graph.records import EmployeeRecord, PartyRecord
from schema.core.access import (
    Caller,
    Principal,
    Role,
    Visibility,
    mask_address,
    mask_identifier,
)
from schema.core.errors import ForbiddenError

IN_SCOPE = PartyRecord(
    id="C1", name="甲", party_type="COMPANY", is_customer=True, home_branch_id="B2"
)
OUT_OF_SCOPE = PartyRecord(
    id="C2", name="乙", party_type="COMPANY", is_customer=True, home_branch_id="B9"
)
PROSPECT = PartyRecord(id="P3", name="丙", party_type="PERSON", is_customer=False)


def test_identifiers_keep_three_leading_and_four_trailing_characters() -> None:
    assert mask_identifier("110101198002031234") == "110***********1234"
    assert mask_identifier("13800000001") == "138****0001"
    assert mask_identifier("1234567") == "*******"
    assert mask_identifier(None) is None


def test_addresses_keep_the_province_only() -> None:
    """The district would narrow the national id's hidden region digits to a handful."""
    assert mask_address("北京市朝阳区建国路88号") == "北京市****"
    assert mask_address("黑龙江省哈尔滨市城北区辽阳街246号") == "黑龙江省****"
    assert mask_address("内蒙古自治区呼和浩特市新城区") == "内蒙古自治区****"
    assert mask_address("12 Main Street") == "12****"
    assert mask_address("短址") == "短址****"
    assert mask_address(None) is None


def test_a_scope_shows_its_customers_and_every_non_customer() -> None:
    scoped = Visibility.of(["B1", "B2"])
    assert scoped.shows(IN_SCOPE) and scoped.shows(PROSPECT)
    assert not scoped.shows(OUT_OF_SCOPE)
    assert scoped.shown(OUT_OF_SCOPE) is None
    assert scoped.cypher_scope == ["B1", "B2"]
    with pytest.raises(ForbiddenError, match="C2"):
        scoped.require(OUT_OF_SCOPE)
    kept = scoped.keep([("a", IN_SCOPE), ("b", OUT_OF_SCOPE), ("c", PROSPECT)], lambda x: x[1])
    assert [item[0] for item, _ in kept] == ["a", "c"]
    assert scoped.keep_parties([OUT_OF_SCOPE, IN_SCOPE]) == [IN_SCOPE]


def test_no_scope_shows_everyone_and_an_empty_scope_no_customer() -> None:
    everyone = Visibility.of(None)
    assert everyone.cypher_scope is None
    assert all(everyone.shows(p) for p in (IN_SCOPE, OUT_OF_SCOPE, PROSPECT))
    nobody = Visibility(frozenset())
    assert not nobody.shows(IN_SCOPE) and nobody.shows(PROSPECT)


@pytest.mark.parametrize(
    ("role", "masked"),
    [(Role.FRONTEND, True), (Role.MANAGER, True), (Role.COMPLIANCE, False), (Role.ADMIN, False)],
)
def test_personal_data_is_masked_unless_compliance_or_admin(role: Role, masked: bool) -> None:
    caller = Caller(
        Principal("E1", frozenset({role})),
        EmployeeRecord(id="E1", name="员工", roles=[]),
        Visibility.of(None),
    )
    shown = caller.identifier("110101198002031234")
    assert (shown == "110***********1234") is masked
    assert (caller.address("北京市朝阳区建国路88号") == "北京市****") is masked
    assert (caller.birth_date(dt.date(1980, 2, 3)) is None) is masked
