"""Reading the plans Neo4j makes for a statement (EXPLAIN or PROFILE), for tests about how a
statement reads the graph rather than what it answers."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any


def operators(plan: Mapping[str, Any]) -> Iterator[str]:
    """The operator of every step of the plan (Top, Sort, NodeIndexSeek, …), runtime suffix
    dropped."""
    yield str(plan["operatorType"]).split("@", 1)[0]
    for child in plan.get("children", []):
        yield from operators(child)
