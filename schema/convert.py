"""GraphQL objects are built from domain records by copying the fields they share by name.

Plain fields resolve by attribute lookup, which is far cheaper in Strawberry than a resolver
method per field, and it keeps each type a declaration of what it shows.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


# (GraphQL type, record type) -> the names copied from the record, and whether the type keeps
# the record itself in a private `record` field. Worked out once per pair: records of one type
# always have the same fields.
_COPY_PLANS: dict[tuple[type[Any], type[Any]], tuple[tuple[str, ...], bool]] = {}


def _copy_plan(cls: type[Any], record: object) -> tuple[tuple[str, ...], bool]:
    key = (cls, type(record))
    plan = _COPY_PLANS.get(key)
    if plan is None:
        names = [f.name for f in dataclasses.fields(cls) if f.init]
        shared = tuple(n for n in names if n != "record" and hasattr(record, n))
        plan = _COPY_PLANS[key] = (shared, "record" in names)
    return plan


def from_record(cls: type[T], record: object, **extra: Any) -> T:
    """`cls` takes every field `record` has of the same name (and `record` itself, when it has a
    private `record` field); `extra` fills or overrides the rest."""
    shared, keeps_record = _copy_plan(cls, record)
    values = {name: getattr(record, name) for name in shared}
    if keeps_record:
        values["record"] = record
    values.update(extra)
    return cls(**values)
