"""Free text compliance records (reasons, sources, notes): trimmed, required where the record
needs it, no longer than the loader allows for the same column."""

from __future__ import annotations

from schema.core.errors import InvalidArgumentError

# The loader's limits on the same columns (loaders/rows.py).
MAX_REASON = 500
MAX_SOURCE = 120
MAX_LIST_NAME = 200


def checked_text(name: str, value: str | None, limit: int, *, required: bool) -> str | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise InvalidArgumentError(f"{name} is required")
        return None
    if len(text) > limit:
        raise InvalidArgumentError(f"{name} is longer than {limit} characters")
    return text


def required_text(name: str, value: str, limit: int) -> str:
    text = checked_text(name, value, limit, required=True)
    assert text is not None
    return text
