"""Entries on prohibition (禁止名单) and access (准入名单) lists, written by one writer."""

from __future__ import annotations

from datetime import date

from graph.model import InstitutionType, ListKind
from loaders.synthetic.ids import list_entry_id
from loaders.synthetic.sink import iso, iso_opt
from loaders.synthetic.streams import Stream
from loaders.synthetic.vocab import ACCESS_LISTS, BANK, PROHIBITION_LISTS, TODAY_ORD, day


class ListEntries:
    def __init__(self, stream: Stream) -> None:
        self.rng = stream.rng
        self.table = stream.tables.list_entries
        self._last = stream.ids.records

    def entry(
        self,
        party: str,
        kind: ListKind,
        name: str,
        reason: str,
        source: str,
        listed: int,
        delisted: int | None,
    ) -> str:
        self._last += 1
        entry_id = list_entry_id(self._last)
        self.table.write(
            (entry_id, party, kind.value, name, reason, source, iso(listed), iso_opt(delisted))
        )
        return entry_id

    def prohibition(self, party: str, listed: int, delisted: int | None) -> str:
        """On one of the prohibition lists (黑名单) from `listed` (to `delisted`)."""
        list_name, source, reason = self.rng.choice(PROHIBITION_LISTS)
        return self.entry(party, ListKind.PROHIBITION, list_name, reason, source, listed, delisted)

    def access(self, party: str, key: str, since: int, delisted_odds: float) -> None:
        """On an access list (`key` of ACCESS_LISTS) since a day after `since`."""
        rng = self.rng
        list_name, reason = ACCESS_LISTS[key]
        listed = day(rng, max(since, date(2015, 1, 1).toordinal()), TODAY_ORD - 60)
        delisted = day(rng, listed + 30, TODAY_ORD - 1) if rng.random() < delisted_odds else None
        self.entry(party, ListKind.ACCESS, list_name, reason, f"{BANK}同业管理部", listed, delisted)

    def institution_access(self, party: str, kind: InstitutionType | None, founded: int) -> None:
        """Underwriters, investors and partners are most institutions' access lists."""
        rng = self.rng
        if kind in (InstitutionType.BANK, InstitutionType.SECURITIES):
            key, odds = "underwriter", 0.9
        else:
            key, odds = "investor", 0.7
        if rng.random() >= odds:
            key = "partner"
            if rng.random() < 0.5:
                return
        self.access(party, key, founded, 0.1)
