"""GraphQL objects are built from domain records by copying the fields they share by name.

Plain fields resolve by attribute lookup, which is far cheaper in Strawberry than a resolver
method per field, and it keeps each type a declaration of what it shows.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


_FIELD_NAMES: dict[type[Any], tuple[str, ...]] = {}


def _field_names(cls: type[Any]) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls) if f.init)
    return names


def from_record(cls: type[T], record: object, **extra: Any) -> T:
    """`cls` takes every field `record` has of the same name (and `record` itself, when it has a
    private `record` field); `extra` fills or overrides the rest."""
    values: dict[str, Any] = {}
    for name in _field_names(cls):
        if name in extra:
            continue
        if name == "record":
            values[name] = record
        elif hasattr(record, name):
            values[name] = getattr(record, name)
    return cls(**values, **extra)
