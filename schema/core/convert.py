"""GraphQL objects are built from domain records by copying the fields they share by name.

Plain fields resolve by attribute lookup, which is far cheaper than a resolver method per field,
and it keeps each type a declaration of what it shows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from enum import StrEnum
from typing import Any, TypeVar

T = TypeVar("T")
E = TypeVar("E", bound=StrEnum)

Builder = Callable[[type[Any], Any, dict[str, Any]], Any]

# (GraphQL type, record type, names given as extras) -> a function building the type from such a
# record. Worked out once per triple: records of one type always have the same fields, and each
# call site passes the same extras.
_BUILDERS: dict[tuple[type[Any], type[Any], tuple[str, ...]], Builder] = {}


def _builder(cls: type[Any], record: object, extra: tuple[str, ...]) -> Builder:
    """A constructor call naming each copied field, generated as dataclasses generates __init__:
    cheaper than gathering the values into a dict first, and a 360 builds dozens of objects. The
    names are the dataclass's own field names, checked to be identifiers."""
    names = [f.name for f in dataclasses.fields(cls) if f.init]
    copied = [n for n in names if n != "record" and n not in extra and hasattr(record, n)]
    if not all(n.isidentifier() for n in copied):
        raise TypeError(f"{cls.__name__} has a field name that is not an identifier")
    arguments = [f"{n}=record.{n}" for n in copied]
    if "record" in names and "record" not in extra:
        arguments.append("record=record")
    source = (
        f"def build(cls, record, extra):\n    return cls({', '.join([*arguments, '**extra'])})\n"
    )
    namespace: dict[str, Any] = {}
    exec(source, namespace)  # noqa: S102 - made of field names only, see above
    build: Builder = namespace["build"]
    return build


def from_record(cls: type[T], record: object, **extra: Any) -> T:
    """`cls` takes every field `record` has of the same name (and `record` itself, when it has a
    private `record` field); `extra` fills or overrides the rest."""
    key = (cls, type(record), tuple(extra))
    build = _BUILDERS.get(key)
    if build is None:
        build = _BUILDERS[key] = _builder(cls, record, key[2])
    result: T = build(cls, record, extra)
    return result


def enum_or_none(kind: type[E], value: str | None) -> E | None:
    """A stored enum value as its enum, None staying None."""
    return None if value is None else kind(value)
