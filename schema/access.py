"""Who may see what: roles, branch scope and masking of personal data, in one place."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from graph.records import PartyRecord


class Role(StrEnum):
    FRONTEND = "frontend"
    MANAGER = "manager"
    COMPLIANCE = "compliance"
    ADMIN = "admin"


# Roles that see every customer and unmasked personal data.
UNRESTRICTED_ROLES = frozenset({Role.COMPLIANCE, Role.ADMIN})


@dataclass(frozen=True)
class Principal:
    """The caller: an employee and the roles their token grants."""

    employee_id: str
    roles: frozenset[Role]

    @property
    def unrestricted(self) -> bool:
        return bool(self.roles & UNRESTRICTED_ROLES)

    @property
    def sees_personal_data(self) -> bool:
        # The same roles today; a separate name so the two rules can part without a hunt.
        return self.unrestricted


def visible(party: PartyRecord, scope: list[str] | None) -> bool:
    """Customers of branches outside the caller's scope are hidden; non-customers are not."""
    if scope is None or not party.is_customer:
        return True
    return party.home_branch_id in scope


def mask_identifier(value: str | None) -> str | None:
    """`110101198002031234` → `110***********1234`: enough to confirm, not to reuse."""
    if value is None:
        return None
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_address(value: str | None) -> str | None:
    """Keeps the district (the first few characters), hides the street and number."""
    if value is None:
        return None
    keep = min(6, len(value) // 2)
    return value[:keep] + "*" * 4
