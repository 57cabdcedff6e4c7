"""The executor's shortcut for plain scalar fields must answer exactly as graphql-core does,
errors included."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import pytest
import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.executor import RelgraphExecutor


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Item:
    name: str
    colour: Colour
    on: dt.date
    note: str | None
    required: str  # set to None below to break the contract

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item | None]:
        return [
            Item(name="a", colour=Colour.RED, on=dt.date(2026, 1, 2), note=None, required="x"),
            Item(name="b", colour=Colour.BLUE, on=dt.date(2026, 3, 4), note="n", required=None),  # type: ignore[arg-type]
        ]


QUERY = "{ __typename items { __typename name colour on note shout required } }"


def run(executor: type[Any] | None) -> dict[str, Any]:
    schema = strawberry.Schema(query=Query, execution_context_class=executor)
    result = schema.execute_sync(QUERY)
    return {
        "data": result.data,
        "errors": [(e.message, e.path) for e in result.errors or []],
    }


def test_plain_fields_answer_as_graphql_core_does() -> None:
    shortcut, reference = run(RelgraphExecutor), run(None)
    assert shortcut == reference
    assert shortcut["data"] is not None
    assert shortcut["data"]["__typename"] == "Query"
    assert shortcut["data"]["items"][0] == {
        "__typename": "Item",
        "name": "a",
        "colour": "RED",
        "on": "2026-01-02",
        "note": None,
        "shout": "A",
        "required": "x",
    }
    # The null in a non-null field is reported where it is, and nulls its parent.
    assert shortcut["data"]["items"][1] is None
    assert shortcut["errors"] == [
        ("Cannot return null for non-nullable field Item.required.", ["items", 1, "required"])
    ]


def test_plain_fields_take_the_shortcut(monkeypatch: pytest.MonkeyPatch) -> None:
    """Strawberry hands the executor a middleware manager on every request, empty unless an
    extension wraps resolvers: the shortcut must still answer the plain fields itself."""
    original = StrawberryGraphQLCoreExecutionContext.execute_field
    reached: list[str] = []

    def spy(self: Any, parent_type: Any, source: Any, fields: Any, *rest: Any) -> Any:
        reached.append(f"{parent_type.name}.{fields[0].node.name.value}")
        return original(self, parent_type, source, fields, *rest)

    monkeypatch.setattr(StrawberryGraphQLCoreExecutionContext, "execute_field", spy)
    run(RelgraphExecutor)
    # items and shout have resolvers, __typename is graphql-core's own, and the null in
    # Item.required is graphql-core's to report.
    assert sorted(reached) == [
        "Item.__typename",
        "Item.__typename",
        "Item.required",
        "Item.shout",
        "Item.shout",
        "Query.__typename",
        "Query.items",
    ]
