"""Prohibition (禁止名单) and access (准入名单) list entries: listing, delisting and paging.

An entry is never deleted or edited after the fact: listing makes a new entry, delisting closes
one from a day on (`delisted_on`, with who closed it and why), so every past state can be read
back, and an exposure as of an earlier date sees the lists as they were then.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence

from graph import model
from graph.db import Database, WriteTransaction
from graph.records import ListEntryRecord, PartyRecord
from queries import Q

# Loaded entries keep their own ids; entries made through the API get this prefix.
ENTRY_ID_PREFIX = "LM-"


def new_entry_id() -> str:
    return f"{ENTRY_ID_PREFIX}{secrets.token_hex(8)}"


async def create_entry(
    tx: WriteTransaction,
    *,
    party_id: str,
    kind: model.ListKind,
    list_name: str,
    reason: str,
    source: str | None,
    actor: str,
    today: dt.date,
) -> ListEntryRecord | None:
    """The new entry, or None when there is no such party."""
    rows = await tx.run(
        Q.list_entry_create,
        {
            "party_id": party_id,
            "id": new_entry_id(),
            "list": kind.value,
            "list_name": list_name,
            "reason": reason,
            "source": source,
            "today": today,
            "actor": actor,
        },
    )
    return ListEntryRecord.from_map(rows[0]["entry"]) if rows else None


async def close_entry(
    tx: WriteTransaction, entry_id: str, *, reason: str, actor: str, today: dt.date
) -> tuple[ListEntryRecord, bool] | None:
    """The entry after closing it and whether it was open (a closed one is left as it was), or
    None when there is no such entry."""
    rows = await tx.run(
        Q.list_entry_close, {"id": entry_id, "today": today, "reason": reason, "actor": actor}
    )
    if not rows:
        return None
    return ListEntryRecord.from_map(rows[0]["entry"]), bool(rows[0]["was_open"])


async def entries_page(
    db: Database,
    *,
    kind: model.ListKind | None,
    active_on: dt.date | None,
    scope: Sequence[str] | None,
    offset: int,
    limit: int,
) -> tuple[list[tuple[ListEntryRecord, PartyRecord]], int]:
    """A page of entries with their parties, newest first, and how many there are in all."""
    params = {
        "list": kind.value if kind else None,
        "as_of": active_on,
        "scope": list(scope) if scope is not None else None,
    }
    rows = await db.read(Q.list_entries_page, {**params, "offset": offset, "limit": limit})
    (count,) = await db.read(Q.list_entries_count, params)
    page = [(ListEntryRecord.from_map(r["entry"]), PartyRecord.from_map(r["party"])) for r in rows]
    return page, int(count["total"])
