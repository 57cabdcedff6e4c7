"""Push rules (参数化推送): the file is checked before anything is routed with it, each problem
with its line; routing follows priority and falls through when a receiver cannot be found."""

from __future__ import annotations

import pytest

from graph.push_rules import (
    Branch,
    Directory,
    PushRules,
    PushRulesInvalid,
    RouteInput,
    parse_rules,
)

# A head office with a branch, a sub-branch below it and an investment-banking centre.
DIRECTORY = Directory(
    branches={
        "B1": Branch("B1", "HEAD_OFFICE", None),
        "B2": Branch("B2", "BRANCH", "B1"),
        "B3": Branch("B3", "SUB_BRANCH", "B2"),
        "C1": Branch("C1", "CENTER", "B1"),
    },
    staff={
        ("B2", "CUSTOMER_MANAGER"): ["E21", "E22"],
        ("B2", "BRANCH_HEAD"): ["E20"],
        ("C1", "PRODUCT_SPECIALIST"): ["E91"],
    },
    branch_of_employee={"E20": "B2", "E21": "B2", "E22": "B2", "E91": "C1", "E30": "B3"},
)

GOOD = """version = 2

[[rule]]
name = "wholesale"
priority = 100
kind = ["PUBLIC_PRIVATE", "CORPORATE"]
product_line = ["CUSTODY", "LEASING"]
role = "CENTER"
institution = "C1"

[[rule]]
name = "grade A to the manager"
priority = 50
grade = "A"
role = "CUSTOMER_MANAGER"

[[rule]]
name = "payroll of the sub-branch to its deputy head"
priority = 40
branch = ["B3"]
product_line = ["PAYROLL_SERVICE"]
role = "EMPLOYEE"
employee = "E30"

[[rule]]
name = "the rest"
priority = 0
role = "BRANCH_MARKETING"
institution = "HOME"
"""


def _rules(text: str = GOOD) -> PushRules:
    return parse_rules(text, "rules.toml", DIRECTORY)


def _problems(text: str) -> list[str]:
    with pytest.raises(PushRulesInvalid) as caught:
        _rules(text)
    return [p.describe("rules.toml") for p in caught.value.problems]


def test_rules_are_tried_by_priority() -> None:
    rules = _rules()
    assert rules.version == 2
    assert [r.name for r in rules.rules] == [
        "wholesale",
        "grade A to the manager",
        "payroll of the sub-branch to its deputy head",
        "the rest",
    ]


def test_wholesale_needs_go_to_the_centre() -> None:
    routed = _rules().route(
        RouteInput(
            "PUBLIC_PRIVATE",
            "C77",
            grade="A",
            product_line="CUSTODY",
            branch_id="B3",
            manager_id="E21",
        ),
        DIRECTORY,
    )
    assert routed is not None
    assert (routed.rule.name, routed.role, routed.institution_id, routed.employee_id) == (
        "wholesale",
        "CENTER",
        "C1",
        "E91",
    )


def test_a_customer_manager_rule_falls_through_when_there_is_no_manager() -> None:
    rules = _rules()
    with_manager = rules.route(
        RouteInput(
            "PERSONAL", "P1", grade="A", product_line="FX", branch_id="B3", manager_id="E22"
        ),
        DIRECTORY,
    )
    assert with_manager is not None
    assert (with_manager.rule.name, with_manager.employee_id) == ("grade A to the manager", "E22")
    without = rules.route(
        RouteInput("PERSONAL", "P1", grade="A", product_line="FX", branch_id="B3"), DIRECTORY
    )
    assert without is not None
    # The sub-branch has no customer managers: the branch above it receives it.
    assert (without.rule.name, without.institution_id) == ("the rest", "B2")
    assert without.employee_id in {"E21", "E22"}


def test_a_rule_may_name_an_employee_and_match_a_branch_subtree() -> None:
    routed = _rules().route(
        RouteInput("CORPORATE", "C5", grade="B", product_line="PAYROLL_SERVICE", branch_id="B3"),
        DIRECTORY,
    )
    assert routed is not None
    assert (routed.rule.name, routed.role, routed.employee_id, routed.institution_id) == (
        "payroll of the sub-branch to its deputy head",
        "EMPLOYEE",
        "E30",
        "B3",
    )
    elsewhere = _rules().route(
        RouteInput("CORPORATE", "C5", grade="B", product_line="PAYROLL_SERVICE", branch_id="B2"),
        DIRECTORY,
    )
    assert elsewhere is not None and elsewhere.rule.name == "the rest"


def test_the_same_business_goes_to_the_same_member_every_time() -> None:
    rules = _rules()
    item = RouteInput("PERSONAL", "P42", grade="C", product_line="FX", branch_id="B2")
    assert {rules.route(item, DIRECTORY) for _ in range(5)} == {rules.route(item, DIRECTORY)}


def test_unknown_roles_branches_and_employees_are_reported_with_their_line() -> None:
    text = (
        GOOD.replace('role = "CENTER"', 'role = "CENTRE"')
        .replace('branch = ["B3"]', 'branch = ["B9"]')
        .replace('employee = "E30"', 'employee = "E99"')
    )
    problems = _problems(text)
    assert any(p.startswith("rules.toml:8: unknown role 'CENTRE'") for p in problems), problems
    assert any(p.startswith("rules.toml:20: unknown branch 'B9'") for p in problems), problems
    assert any(
        p.startswith("rules.toml:23: EMPLOYEE needs the id of an employee") for p in problems
    )


def test_a_centre_rule_must_name_a_centre() -> None:
    problems = _problems(GOOD.replace('institution = "C1"', 'institution = "B2"'))
    assert problems == ["rules.toml:9: 'B2' is a BRANCH, not a specialised centre"]


def test_overlapping_rules_need_distinct_priorities() -> None:
    same = _problems(GOOD.replace("priority = 50", "priority = 100"))
    assert same == [
        "rules.toml:11: rule 'grade A to the manager' can match the same business as "
        "'wholesale' (line 3) at the same priority 100"
    ]
    missing = _problems(GOOD.replace("priority = 40\n", ""))
    assert any(
        p.startswith("rules.toml:17: rule 'payroll") and "give both a priority" in p
        for p in missing
    ), missing


def test_kinds_no_rule_covers_are_reported() -> None:
    text = GOOD.replace(
        'priority = 0\nrole = "BRANCH_MARKETING"',
        'priority = 0\nkind = ["PUBLIC_PRIVATE"]\nrole = "BRANCH_MARKETING"',
    )
    problems = _problems(text)
    for kind in ("CORPORATE", "CROSS_SELL", "PERSONAL"):
        assert any(f"no rule routes every {kind} opportunity" in p for p in problems), problems


def test_bad_toml_and_unknown_keys_are_reported() -> None:
    assert _problems("version = 1\n[[rule]\n")[0].startswith("rules.toml:2: not TOML")
    problems = _problems(GOOD.replace('name = "the rest"', 'name = "the rest"\ncolour = "red"'))
    # The rule is left out, so the kinds it alone covered are reported too.
    assert problems[-1] == "rules.toml:27: unknown key 'colour' in a rule"


def test_the_shipped_rule_file_is_valid_for_a_bank_with_its_centre() -> None:
    from graph.opportunities import DEFAULT_RULES_FILE
    from graph.push_rules import load_rules

    bank = Directory(
        branches={
            "B00001": Branch("B00001", "HEAD_OFFICE", None),
            "B00004": Branch("B00004", "CENTER", "B00001"),
        }
    )
    rules = load_rules(DEFAULT_RULES_FILE, bank)
    assert rules.rules[0].institution == "B00004"
