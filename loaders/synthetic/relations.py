"""Person → company rows, each mirrored into its writer's linkage ground truth (公私联动)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from loaders.synthetic.sink import Table, fmt_bool, iso_opt
from loaders.synthetic.streams import Stream


class Roster(Protocol):
    """What a writer knows about the parties its rows name."""

    def is_customer(self, party_id: str) -> bool: ...

    def payroll_with_us(self, company_id: str) -> bool: ...


class Relations:
    def __init__(self, stream: Stream, roster: Roster) -> None:
        self.linkage = stream.tables.linkage
        self.roster = roster

    def link(
        self,
        table: Table,
        link: str,
        person: str,
        company: str,
        middle: Sequence[str],
        since: int | None,
        until: int | None = None,
    ) -> None:
        """An OWNS, EXECUTIVE_OF, LEGAL_REP_OF or EMPLOYED_BY row of a person; `middle` are the
        row's cells between the two ids and the period."""
        table.write((person, company, *middle, iso_opt(since), iso_opt(until)))
        roster = self.roster
        self.linkage.write(
            (
                person,
                company,
                link,
                fmt_bool(roster.is_customer(person)),
                fmt_bool(roster.is_customer(company)),
                fmt_bool(roster.payroll_with_us(company)),
                fmt_bool(until is None),
            )
        )
