"""Push rules (参数化推送): which role at which institution receives a piece of business.

The one routing mechanism: opportunities (商机) are routed with it, and so are referrals. A caller
describes what is to be routed with a `RouteInput` (kind, grade, segment, product line, party type,
the branch the business belongs to, the customer's manager) and gets a `Routed` (the rule, the
receiving role, the institution and the employee) from `PushRules.route`.

The rules live in a versioned TOML file (config/push_rules.toml, README "Push rules"):

    version = 3

    [[rule]]
    name = "wholesale needs go to the investment-banking centre"
    priority = 90
    kind = ["PUBLIC_PRIVATE", "CORPORATE"]
    product_line = ["CUSTODY", "LEASING", "DEBT_INSTRUMENT"]
    role = "CENTER"
    institution = "B00004"

A rule matches when every condition it names holds (a list: any of its values); `branch` matches
the business of a branch and of every branch below it. Of the rules that match, the highest
priority is tried first; when its receiver cannot be found (a customer without a manager), the
next one is tried. The file is checked before anything is routed with it: syntax, unknown keys,
values, roles and branches, rules that can match the same business without distinct priorities,
and kinds for which no rule routes every piece of business. Each problem names its line.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.db import Database
from graph.model import (
    BranchKind,
    EmployeeRole,
    OpportunityGrade,
    OpportunityKind,
    PartyType,
    ProductType,
    ReceivingRole,
    Segment,
)
from queries import Q

# The kinds of business routed with push rules; every one needs a rule that routes all of it.
# Referrals (graph/referrals.py) are routed as the kind REFERRAL.
ROUTED_KINDS: tuple[str, ...] = (*OpportunityKind, "REFERRAL")
# A party that is not (yet) our customer has no segment; rules name it with this value.
PROSPECT = "PROSPECT"
# `institution = "HOME"`: the branch the business belongs to (RouteInput.branch_id).
HOME = "HOME"

_CONDITIONS: dict[str, frozenset[str] | None] = {
    # key in the file → the values it may take (None: checked against the caller's kinds or the
    # bank's branches)
    "kind": None,
    "grade": frozenset(OpportunityGrade),
    "segment": frozenset(Segment) | {PROSPECT},
    "product_line": frozenset(ProductType),
    "party_type": frozenset(PartyType),
    "branch": None,
}
_RULE_KEYS = frozenset({"name", "priority", "role", "institution", "employee", *_CONDITIONS})
_TOP_KEYS = frozenset({"version", "rule"})
_RULE_HEADER = re.compile(r"^\s*\[\[\s*rule\s*\]\]")
_TOML_LINE = re.compile(r"at line (\d+)")


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with a rule file; `line` is 1-based, None for the file as a whole."""

    line: int | None
    message: str

    def describe(self, source: str) -> str:
        return f"{source}:{self.line}: {self.message}" if self.line else f"{source}: {self.message}"


class PushRulesInvalid(Exception):
    """A rule file that cannot be used; nothing was routed with it."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__("; ".join(p.describe(source) for p in self.problems))


@dataclass(frozen=True, slots=True)
class RouteInput:
    """What is to be routed. `branch_id`: the branch the business belongs to (the customer's home
    branch, or the linked customer's for a prospect); `manager_id`: the customer's primary
    manager, if any; `key`: a stable id (the target's) that spreads business over a branch's
    staff the same way on every run."""

    kind: str
    key: str
    grade: str | None = None
    segment: str | None = None  # None: a prospect
    product_line: str | None = None
    party_type: str | None = None
    branch_id: str | None = None
    manager_id: str | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    line: int
    priority: int | None
    role: ReceivingRole
    institution: str | None  # HOME or a branch id; None for CUSTOMER_MANAGER and EMPLOYEE
    employee_id: str | None = None  # EMPLOYEE: the one named
    # Each condition: the values allowed, None when the rule does not constrain it.
    kinds: frozenset[str] | None = None
    grades: frozenset[str] | None = None
    segments: frozenset[str] | None = None
    product_lines: frozenset[str] | None = None
    party_types: frozenset[str] | None = None
    branches: frozenset[str] | None = None

    def conditions(self) -> dict[str, frozenset[str] | None]:
        return {
            "kind": self.kinds,
            "grade": self.grades,
            "segment": self.segments,
            "product_line": self.product_lines,
            "party_type": self.party_types,
            "branch": self.branches,
        }

    def matches(self, item: RouteInput, ancestry: Sequence[str]) -> bool:
        return (
            _allows(self.kinds, item.kind)
            and _allows(self.grades, item.grade)
            and _allows(self.segments, item.segment or PROSPECT)
            and _allows(self.product_lines, item.product_line)
            and _allows(self.party_types, item.party_type)
            and (self.branches is None or any(b in self.branches for b in ancestry))
        )


def _allows(values: frozenset[str] | None, value: str | None) -> bool:
    return values is None or (value is not None and value in values)


@dataclass(frozen=True, slots=True)
class Routed:
    rule: Rule
    role: ReceivingRole
    institution_id: str  # the branch the receiver works at
    employee_id: str


@dataclass(frozen=True, slots=True)
class Branch:
    id: str
    kind: str
    parent_id: str | None


@dataclass
class Directory:
    """The bank's branches and who works at each now, with their job roles: what rules are
    checked against and route to."""

    branches: dict[str, Branch]
    # (branch id, job role) → employee ids, sorted
    staff: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    branch_of_employee: dict[str, str] = field(default_factory=dict)

    def ancestry(self, branch_id: str | None) -> list[str]:
        """The branch and every branch above it, nearest first."""
        chain: list[str] = []
        current = self.branches.get(branch_id) if branch_id else None
        while current is not None and current.id not in chain:
            chain.append(current.id)
            current = self.branches.get(current.parent_id) if current.parent_id else None
        return chain

    def covers(self, above: str, below: str) -> bool:
        return above in self.ancestry(below)


async def load_directory(db: Database) -> Directory:
    rows = await db.read(Q.branch_staffing)
    directory = Directory({r["id"]: Branch(r["id"], r["kind"], r["parent_id"]) for r in rows})
    for row in rows:
        for member in row["staff"]:
            directory.branch_of_employee[member["id"]] = row["id"]
            for role in member["roles"]:
                directory.staff.setdefault((row["id"], role), []).append(member["id"])
    for members in directory.staff.values():
        members.sort()
    return directory


def _pick(members: Sequence[str], key: str) -> str:
    """The same member for the same key on every run, spread evenly over the members."""
    digest = hashlib.sha256(key.encode()).digest()
    return members[int.from_bytes(digest[:8], "big") % len(members)]


# Who receives business sent to a role at an institution, in order of preference: the first job
# role with staff there wins. A branch without any goes to the nearest branch above it that has.
_RECEIVERS: dict[ReceivingRole, tuple[EmployeeRole, ...]] = {
    ReceivingRole.BRANCH_MARKETING: (EmployeeRole.CUSTOMER_MANAGER,),
    ReceivingRole.BRANCH_HEAD: (EmployeeRole.BRANCH_HEAD,),
    ReceivingRole.CENTER: (
        EmployeeRole.PRODUCT_SPECIALIST,
        EmployeeRole.CUSTOMER_MANAGER,
        EmployeeRole.BRANCH_HEAD,
    ),
}


@dataclass(frozen=True)
class PushRules:
    """A checked rule file. `rules` are in the order they are tried: priority, highest first
    (a rule without one after those with one), then file order."""

    version: int
    source: str
    rules: tuple[Rule, ...]

    def matching(self, item: RouteInput, directory: Directory) -> list[Rule]:
        ancestry = directory.ancestry(item.branch_id)
        return [rule for rule in self.rules if rule.matches(item, ancestry)]

    def route(self, item: RouteInput, directory: Directory) -> Routed | None:
        """The first matching rule whose receiver exists; None when none does."""
        for rule in self.matching(item, directory):
            routed = _receiver(rule, item, directory)
            if routed is not None:
                return routed
        return None


def _receiver(rule: Rule, item: RouteInput, directory: Directory) -> Routed | None:
    if rule.role is ReceivingRole.EMPLOYEE:
        assert rule.employee_id is not None
        branch = directory.branch_of_employee.get(rule.employee_id)
        return None if branch is None else Routed(rule, rule.role, branch, rule.employee_id)
    if rule.role is ReceivingRole.CUSTOMER_MANAGER:
        manager = item.manager_id
        branch = directory.branch_of_employee.get(manager) if manager else None
        if manager is None or branch is None:  # no manager, or one who has left
            return None
        return Routed(rule, rule.role, branch, manager)
    start = item.branch_id if rule.institution == HOME else rule.institution
    for branch in directory.ancestry(start):
        for job in _RECEIVERS[rule.role]:
            members = directory.staff.get((branch, job))
            if members:
                return Routed(rule, rule.role, branch, _pick(members, item.key))
    return None


def route_to(
    role: ReceivingRole, institution: str | None, item: RouteInput, directory: Directory
) -> Routed | None:
    """The receiver of `item` sent to `role` at `institution` (None: the branch the business
    belongs to) by the one asking rather than by a rule: the receivers a rule would find."""
    named = Rule(
        name="named by the sender",
        line=0,
        priority=None,
        role=role,
        institution=None if role is ReceivingRole.CUSTOMER_MANAGER else institution or HOME,
    )
    return _receiver(named, item, directory)


def load_rules(
    path: Path, directory: Directory, kinds: Collection[str] = ROUTED_KINDS
) -> PushRules:
    """The rule file at `path`, checked; PushRulesInvalid lists every problem found."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PushRulesInvalid(str(path), [Problem(None, f"cannot be read: {exc}")]) from exc
    return parse_rules(text, str(path), directory, kinds)


def parse_rules(
    text: str, source: str, directory: Directory, kinds: Collection[str] = ROUTED_KINDS
) -> PushRules:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_LINE.search(str(exc))
        raise PushRulesInvalid(
            source, [Problem(int(found.group(1)) if found else None, f"not TOML: {exc}")]
        ) from exc
    reader = _Reader(text, directory, frozenset(kinds))
    version, rules = reader.read(document)
    reader.check_overlaps(rules)
    reader.check_coverage(rules)
    if reader.problems:
        raise PushRulesInvalid(source, sorted(reader.problems, key=lambda p: p.line or 0))
    assert version is not None
    ordered = sorted(rules, key=lambda r: (r.priority is None, -(r.priority or 0), r.line))
    return PushRules(version, source, tuple(ordered))


class _Reader:
    """Reads rules out of a parsed document, collecting every problem with its line."""

    def __init__(self, text: str, directory: Directory, kinds: frozenset[str]) -> None:
        self.lines = text.splitlines()
        self.directory = directory
        self.kinds = kinds
        self.problems: list[Problem] = []
        self.headers = [i + 1 for i, line in enumerate(self.lines) if _RULE_HEADER.match(line)]

    def problem(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(line, message))

    def key_line(self, rule_index: int, key: str) -> int | None:
        """The line of `key = …` inside the rule's table, else the rule's header line."""
        if rule_index >= len(self.headers):
            return None
        start = self.headers[rule_index]
        end = self.headers[rule_index + 1] if rule_index + 1 < len(self.headers) else None
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number in range(start, (end or len(self.lines) + 1) - 1):
            if pattern.match(self.lines[number]):
                return number + 1
        return start

    def top_line(self, key: str) -> int | None:
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        first_rule = self.headers[0] if self.headers else len(self.lines) + 1
        for number, line in enumerate(self.lines[: first_rule - 1]):
            if pattern.match(line):
                return number + 1
        return None

    def read(self, document: Mapping[str, Any]) -> tuple[int | None, list[Rule]]:
        for key in sorted(set(document) - _TOP_KEYS):
            self.problem(self.top_line(key), f"unknown key {key!r} (expected version and rule)")
        version = document.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            self.problem(self.top_line("version"), "`version` must be a whole number, 1 or more")
            version = None
        tables = document.get("rule", [])
        if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
            self.problem(self.top_line("rule"), "rules are written as [[rule]] tables")
            return version, []
        if not tables:
            self.problem(None, "the file has no [[rule]]")
        rules = [r for i, t in enumerate(tables) if (r := self.rule(i, t)) is not None]
        seen: dict[str, int] = {}
        for rule in rules:
            if rule.name in seen:
                self.problem(
                    rule.line, f"a second rule named {rule.name!r} (first: line {seen[rule.name]})"
                )
            seen.setdefault(rule.name, rule.line)
        return version, rules

    def rule(self, index: int, table: Mapping[str, Any]) -> Rule | None:
        line = self.headers[index] if index < len(self.headers) else 0
        ok = True
        for key in sorted(set(table) - _RULE_KEYS):
            self.problem(self.key_line(index, key), f"unknown key {key!r} in a rule")
            ok = False
        name = table.get("name")
        if not isinstance(name, str) or not name.strip():
            self.problem(line, "a rule needs a `name`")
            ok = False
        priority = table.get("priority")
        if priority is not None and (not isinstance(priority, int) or isinstance(priority, bool)):
            self.problem(self.key_line(index, "priority"), "`priority` must be a whole number")
            ok = False
        conditions: dict[str, frozenset[str] | None] = {}
        for key, allowed in _CONDITIONS.items():
            reported = len(self.problems)
            conditions[key] = self.values(index, key, table.get(key), allowed)
            ok = ok and len(self.problems) == reported
        role, institution, employee = self.route(index, table)
        if not ok or role is None:
            return None
        return Rule(
            name=str(name),
            line=line,
            priority=priority,
            role=role,
            institution=institution,
            employee_id=employee,
            kinds=conditions["kind"],
            grades=conditions["grade"],
            segments=conditions["segment"],
            product_lines=conditions["product_line"],
            party_types=conditions["party_type"],
            branches=conditions["branch"],
        )

    def values(
        self, index: int, key: str, raw: object, allowed: frozenset[str] | None
    ) -> frozenset[str] | None:
        """The condition's values; None when absent or after reporting a problem."""
        if raw is None:
            return None
        listed = [raw] if isinstance(raw, str) else raw
        line = self.key_line(index, key)
        if (
            not isinstance(listed, list)
            or not listed
            or not all(isinstance(v, str) for v in listed)
        ):
            self.problem(line, f"`{key}` must be a name or a non-empty list of names")
            return None
        if key == "kind":
            allowed = self.kinds
        elif key == "branch":
            unknown = [v for v in listed if v not in self.directory.branches]
            if unknown:
                self.problem(line, f"unknown branch {', '.join(map(repr, unknown))}")
                return None
            return frozenset(listed)
        assert allowed is not None
        wrong = [v for v in listed if v not in allowed]
        if wrong:
            self.problem(
                line,
                f"unknown {key} {', '.join(map(repr, wrong))} "
                f"(one of {', '.join(sorted(allowed))})",
            )
            return None
        return frozenset(listed)

    def route(
        self, index: int, table: Mapping[str, Any]
    ) -> tuple[ReceivingRole | None, str | None, str | None]:
        """(role, institution, employee), or Nones after reporting a problem."""
        raw_role = table.get("role")
        line = self.key_line(index, "role")
        if raw_role not in set(ReceivingRole):
            self.problem(
                line,
                f"unknown role {raw_role!r} (one of {', '.join(ReceivingRole)})"
                if raw_role is not None
                else "a rule needs a `role`",
            )
            return None, None, None
        role = ReceivingRole(raw_role)
        institution = table.get("institution")
        where = self.key_line(index, "institution")
        employee = table.get("employee")
        if role is ReceivingRole.EMPLOYEE:
            if institution is not None:
                self.problem(where, "EMPLOYEE goes to the employee named: no institution")
                return None, None, None
            if not isinstance(employee, str) or employee not in self.directory.branch_of_employee:
                self.problem(
                    self.key_line(index, "employee"),
                    f"EMPLOYEE needs the id of an employee working now, got {employee!r}",
                )
                return None, None, None
            return role, None, employee
        if employee is not None:
            self.problem(self.key_line(index, "employee"), "`employee` goes with role EMPLOYEE")
            return None, None, None
        if role is ReceivingRole.CUSTOMER_MANAGER:
            if institution is not None:
                self.problem(
                    where, "CUSTOMER_MANAGER goes to the customer's manager: no institution"
                )
                return None, None, None
            return role, None, None
        if not isinstance(institution, str):
            self.problem(where, f"{role.value} needs an `institution`: {HOME!r} or a branch id")
            return None, None, None
        if institution == HOME:
            if role is ReceivingRole.CENTER:
                self.problem(where, "CENTER needs the id of a specialised centre, not HOME")
                return None, None, None
            return role, institution, None
        branch = self.directory.branches.get(institution)
        if branch is None:
            self.problem(where, f"unknown branch {institution!r}")
            return None, None, None
        if role is ReceivingRole.CENTER and branch.kind != BranchKind.CENTER:
            self.problem(where, f"{institution!r} is a {branch.kind}, not a specialised centre")
            return None, None, None
        return role, institution, None

    def check_overlaps(self, rules: Sequence[Rule]) -> None:
        """Two rules that can match the same business must have distinct priorities."""
        for later_index, later in enumerate(rules):
            for earlier in rules[:later_index]:
                if not self.overlap(earlier, later):
                    continue
                if earlier.priority is None or later.priority is None:
                    self.problem(
                        later.line,
                        f"rule {later.name!r} can match the same business as {earlier.name!r} "
                        f"(line {earlier.line}): give both a priority",
                    )
                elif earlier.priority == later.priority:
                    self.problem(
                        later.line,
                        f"rule {later.name!r} can match the same business as {earlier.name!r} "
                        f"(line {earlier.line}) at the same priority {later.priority}",
                    )

    def overlap(self, one: Rule, other: Rule) -> bool:
        for key, mine in one.conditions().items():
            theirs = other.conditions()[key]
            if mine is None or theirs is None:
                continue
            if key == "branch":
                nested = any(
                    self.directory.covers(a, b) or self.directory.covers(b, a)
                    for a in mine
                    for b in theirs
                )
                if not nested:
                    return False
            elif not mine & theirs:
                return False
        return True

    def check_coverage(self, rules: Iterable[Rule]) -> None:
        """Every kind needs a rule that matches all of it and always finds a receiver: a rule
        conditioned on the kind alone, not sent to a customer's manager (some have none)."""
        catch_all: set[str] = set()
        for rule in rules:
            others = [v for k, v in rule.conditions().items() if k != "kind" and v is not None]
            if not others and rule.role is not ReceivingRole.CUSTOMER_MANAGER:
                catch_all |= self.kinds if rule.kinds is None else rule.kinds
        for kind in sorted(self.kinds - catch_all):
            self.problem(
                None,
                f'no rule routes every {kind} opportunity: add one with `kind = ["{kind}"]` '
                "alone, sent to a branch or a centre",
            )
