"""Who may see what: roles, branch scope and masking of personal data, in one place.

The rule: a caller with `compliance` or `admin` sees every party and unmasked personal data;
anyone else sees non-customers, and customers whose home branch is their own branch or below it,
with national ids, phones and addresses masked, and a person's birth year for the birth date: a
resident id holds the birth date, so the date beside the masked id's visible digits left only
the 3 hidden region digits, about 91 ids passing the check character; the year leaves thousands.

Every path that reaches a party goes through this module. A GraphQL Party or Customer can only be
built from a `ShownParty` (schema/core/entities.py), and only a `Visibility` makes one: from a
single record (`require`, `shown`) or a list (`keep`). Statements that filter in the database
take the same scope as `Visibility.cypher_scope` and include queries/_parts/in_scope.cypher, the
same rule in Cypher; their results still pass through `keep`, so a statement that forgot the
filter hides the record instead of showing it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NewType, TypeVar

import strawberry

from graph.records import EmployeeRecord, PartyRecord
from schema.core.errors import ForbiddenError

T = TypeVar("T")

# A party record the caller may see. Made only by Visibility; schema/core/entities.py builds
# GraphQL parties and customers from nothing else (mypy refuses a plain PartyRecord there).
ShownParty = NewType("ShownParty", PartyRecord)


@strawberry.enum(name="AccessRole", description="Roles a token can grant")
class Role(StrEnum):
    FRONTEND = "frontend"
    MANAGER = "manager"
    COMPLIANCE = "compliance"
    ADMIN = "admin"


# Roles that see every customer and unmasked personal data.
UNRESTRICTED_ROLES = frozenset({Role.COMPLIANCE, Role.ADMIN})
# Roles that may use compliance's tools: the same today, named apart so the two rules can part.
COMPLIANCE_ROLES = frozenset({Role.COMPLIANCE, Role.ADMIN})


@dataclass(frozen=True)
class Principal:
    """The caller as their token names them: an employee and the roles the token grants."""

    employee_id: str
    roles: frozenset[Role]

    @property
    def unrestricted(self) -> bool:
        return bool(self.roles & UNRESTRICTED_ROLES)

    @property
    def sees_personal_data(self) -> bool:
        # The same roles today; a separate name so the two rules can part without a hunt.
        return self.unrestricted


@dataclass(frozen=True, slots=True)
class Visibility:
    """Which parties one caller may see: `branches` None means all of them."""

    branches: frozenset[str] | None

    @classmethod
    def of(cls, scope: Sequence[str] | None) -> Visibility:
        return cls(None if scope is None else frozenset(scope))

    @property
    def cypher_scope(self) -> list[str] | None:
        """The `$scope` parameter of statements that filter in the database."""
        return None if self.branches is None else sorted(self.branches)

    def shows(self, party: PartyRecord) -> bool:
        if self.branches is None or not party.is_customer:
            return True
        return party.home_branch_id in self.branches

    def shown(self, party: PartyRecord) -> ShownParty | None:
        return ShownParty(party) if self.shows(party) else None

    def require(self, party: PartyRecord) -> ShownParty:
        if not self.shows(party):
            raise ForbiddenError(f"customer {party.id!r} belongs to a branch outside your scope")
        return ShownParty(party)

    def keep(
        self, items: Sequence[T], party_of: Callable[[T], PartyRecord]
    ) -> list[tuple[T, ShownParty]]:
        """The items whose party the caller may see, each with that party shown."""
        return [(item, ShownParty(party_of(item))) for item in items if self.shows(party_of(item))]

    def keep_parties(self, parties: Sequence[PartyRecord]) -> list[ShownParty]:
        return [ShownParty(p) for p in parties if self.shows(p)]


@dataclass(frozen=True, slots=True)
class Caller:
    """A principal resolved against the graph: their employee record and what they may see."""

    principal: Principal
    employee: EmployeeRecord
    visibility: Visibility

    @property
    def sees_personal_data(self) -> bool:
        return self.principal.sees_personal_data

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.principal.roles

    @property
    def sees_everything(self) -> bool:
        """Compliance and admin: every customer, and all of the bank's business."""
        return self.principal.unrestricted

    @property
    def oversees_branches(self) -> bool:
        """Whether the caller sees the business of their branch subtree (referrals, credit), not
        only their own: managers by token, branch heads by post."""
        return Role.MANAGER in self.principal.roles or "BRANCH_HEAD" in self.employee.roles

    def require_oversight(self) -> None:
        """FORBIDDEN unless the caller sees more than their own business."""
        if not (self.sees_everything or self.oversees_branches):
            raise ForbiddenError("this needs a manager, a branch head, compliance or admin")

    def require_role(self, *roles: Role, action: str = "this") -> None:
        """FORBIDDEN unless the token grants one of `roles` (jobs such as recomputing segments,
        managing opportunities)."""
        if not self.principal.roles & set(roles):
            names = " or ".join(r.value for r in roles)
            raise ForbiddenError(f"{action} needs the {names} role")

    def require_branch(self, branch_id: str) -> None:
        """FORBIDDEN unless `branch_id` is within the caller's branch scope."""
        branches = self.visibility.branches
        if branches is not None and branch_id not in branches:
            raise ForbiddenError(f"branch {branch_id!r} is outside your scope")

    def identifier(self, value: str | None) -> str | None:
        return value if self.sees_personal_data else mask_identifier(value)

    def require_compliance(self) -> None:
        """Compliance's tools (exposure, screening, alerts, access checks, lists, the audit log)
        are for compliance and admin only."""
        self.require_role(Role.COMPLIANCE, Role.ADMIN, action="compliance's tools")

    def address(self, value: str | None) -> str | None:
        return value if self.sees_personal_data else mask_address(value)

    def birth_date(self, value: dt.date | None) -> dt.date | None:
        """None unless the caller sees personal data (they get the year; the module says why)."""
        return value if self.sees_personal_data else None


def mask_identifier(value: str | None) -> str | None:
    """`110101198002031234` → `110***********1234`: enough to confirm, not to reuse."""
    if value is None:
        return None
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


# The province (or municipality, autonomous region) an address starts with. A masked address
# keeps only that: the district would give away the national id's hidden region digits.
_PROVINCE = re.compile(r"^.{2,7}?(?:省|自治区|特别行政区|市)")


def mask_address(value: str | None) -> str | None:
    """Keeps the province, hides the city, district, street and number."""
    if value is None:
        return None
    province = _PROVINCE.match(value)
    return (province.group(0) if province else value[:2]) + "*" * 4
