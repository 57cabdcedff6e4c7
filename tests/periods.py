"""The model's "current" (docs/model.md: `since` absent or ≤ today, `until` absent or ≥ today), as
tests write it in the Cypher that computes what the API should answer."""

from __future__ import annotations


def current(rel: str) -> str:
    """A Cypher predicate: relationship `rel` holds on `$today`."""
    return (
        f"(({rel}.since IS NULL OR {rel}.since <= $today) "
        f"AND ({rel}.until IS NULL OR {rel}.until >= $today))"
    )
