"""Reading the statements a request sends and the plans Neo4j makes for them (EXPLAIN or
PROFILE), for tests about how a statement reads the graph rather than what it answers."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from graph.db import Database
from queries import CypherQuery

Sent = list[tuple[CypherQuery, Mapping[str, Any]]]


def operators(plan: Mapping[str, Any]) -> Iterator[str]:
    """The operator of every step of the plan (Top, Sort, NodeIndexSeek, …), runtime suffix
    dropped."""
    yield str(plan["operatorType"]).split("@", 1)[0]
    for child in plan.get("children", []):
        yield from operators(child)


def record_reads(db: Database, patch: pytest.MonkeyPatch) -> Sent:
    """Every read statement the database is sent from now on (until `patch` is undone), with its
    parameters, in order; the statements still run."""
    sent: Sent = []
    read = db.read

    async def recording(
        query: CypherQuery, params: Mapping[str, Any] | None = None, *, timeout: float | None = None
    ) -> Any:
        sent.append((query, params or {}))
        return await read(query, params, timeout=timeout)

    patch.setattr(db, "read", recording)
    return sent
