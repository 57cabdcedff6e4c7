"""Ids of the synthetic bank, and where each writer's counters start.

Ids are arithmetic, so a row can name any customer by drawing a number, without a lookup table:
P00001234 is the 1,234th person. The world counts from 1 (its customers first, then the other
parties it makes). Each planted structure counts inside a block of its own, picked by its name
and far above any number the world reaches, so no structure ever takes a number the world or
another structure uses, whatever else is registered.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

PLANTED_BASE = 1_000_000_000
PLANTED_BLOCK = 10_000_000
PLANTED_BLOCKS = 100
# vocab.national_id is unique for numbers below 5,000,000: the world uses the first 4,000,000,
# and each planted structure a window of its own above them.
WORLD_NATIONAL_IDS = 4_000_000
PLANTED_NATIONAL_IDS = 10_000


def person_id(number: int) -> str:
    return f"P{number:08d}"


def company_id(number: int) -> str:
    return f"C{number:08d}"


def party_number(party_id: str) -> int:
    return int(party_id[1:])


def is_person(party_id: str) -> bool:
    return party_id.startswith("P")


def fee_id(number: int) -> str:
    return f"F{number:010d}"


def interaction_id(number: int) -> str:
    return f"I{number:010d}"


def warning_id(number: int) -> str:
    return f"RW{number:08d}"


def list_entry_id(number: int) -> str:
    return f"L{number:07d}"


def planted_block(name: str) -> int:
    """The id block of the structure registered as `name` (the same for every seed)."""
    digest = hashlib.sha256(f"planted:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % PLANTED_BLOCKS


@dataclass(frozen=True)
class IdSpace:
    """Where one writer's counters start: the first id each hands out is the start + 1."""

    persons: int
    companies: int
    records: int  # fees, interactions, risk warnings and list entries
    national_ids: range

    @classmethod
    def world(cls, customer_persons: int, customer_companies: int) -> IdSpace:
        """Customers take the first numbers; the world's other parties follow them."""
        return cls(customer_persons, customer_companies, 0, range(WORLD_NATIONAL_IDS))

    @classmethod
    def planted(cls, name: str) -> IdSpace:
        block = planted_block(name)
        start = PLANTED_BASE + block * PLANTED_BLOCK
        first_national = WORLD_NATIONAL_IDS + block * PLANTED_NATIONAL_IDS
        return cls(
            start, start, start, range(first_national, first_national + PLANTED_NATIONAL_IDS)
        )
