"""The executor's shortcut must answer exactly as graphql-core does, errors included, and must
actually be taken for the fields it is meant for."""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
from typing import Any

import pytest
import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import Info

from schema.executor import RelgraphExecutor


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.interface
class Named:
    name: str


@strawberry.type
class Tag(Named):
    weight: int


@strawberry.type
class Item:
    name: str
    colour: Colour
    on: dt.date
    note: str | None
    required: str  # set to None below to break the contract
    count: int  # set to a string below, which Int refuses
    tags: list[Tag]

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()

    @strawberry.field
    def first_tag(self) -> Named | None:
        return self.tags[0] if self.tags else None

    @strawberry.field
    def broken(self) -> str | None:
        raise ValueError(f"no value for {self.name}")

    @strawberry.field
    def broken_object(self) -> Tag:
        raise ValueError("no tag")

    @strawberry.field
    def repeat(self, times: int) -> str:
        return self.name * times

    @strawberry.field
    def with_info(self, info: Info) -> str:
        return info.field_name

    @strawberry.field
    async def later(self) -> str:
        await asyncio.sleep(0)
        return self.name


def item(name: str, **changes: Any) -> Item:
    values: dict[str, Any] = {
        "name": name,
        "colour": Colour.RED,
        "on": dt.date(2026, 1, 2),
        "note": None,
        "required": "x",
        "count": 1,
        "tags": [Tag(name=f"{name}-t", weight=3)],
    }
    return Item(**{**values, **changes})


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item | None]:
        return [
            item("a"),
            item("b", colour=Colour.BLUE, note="n", required=None),
            item("c", count="many", tags=[]),
        ]

    @strawberry.field
    def strict(self) -> Item | None:
        return item("d")


QUERY = """{
  __typename
  items {
    __typename name colour on note shout required count
    tags { name weight }
    firstTag { __typename name ... on Tag { weight } }
    broken repeat(times: 2) withInfo later
  }
  strict { brokenObject { name } }
}"""


async def run(executor: type[Any] | None) -> dict[str, Any]:
    schema = strawberry.Schema(query=Query, execution_context_class=executor)
    result = await schema.execute(QUERY)
    return {
        "data": result.data,
        "errors": sorted((e.message, tuple(e.path or ())) for e in result.errors or []),
    }


def test_the_shortcut_answers_as_graphql_core_does() -> None:
    shortcut, reference = asyncio.run(run(RelgraphExecutor)), asyncio.run(run(None))
    assert shortcut == reference
    data = shortcut["data"]
    assert data is not None
    assert data["items"][0] == {
        "__typename": "Item",
        "name": "a",
        "colour": "RED",
        "on": "2026-01-02",
        "note": None,
        "shout": "A",
        "required": "x",
        "count": 1,
        "tags": [{"name": "a-t", "weight": 3}],
        "firstTag": {"__typename": "Tag", "name": "a-t", "weight": 3},
        "broken": None,
        "repeat": "aa",
        "withInfo": "withInfo",
        "later": "a",
    }
    # A null in a non-null field, or a value its scalar refuses, nulls the item; an error in a
    # non-null object field nulls its parent up to the nearest nullable field.
    assert data["items"][1] is None and data["items"][2] is None
    assert data["strict"] is None
    messages = dict((path, message) for message, path in shortcut["errors"])
    assert messages[("items", 1, "required")] == (
        "Cannot return null for non-nullable field Item.required."
    )
    assert messages[("items", 2, "count")].startswith("Int cannot represent")
    assert messages[("items", 0, "broken")] == "no value for a"
    assert messages[("strict", "brokenObject")] == "no tag"


def test_plain_fields_and_plain_methods_take_the_shortcut(monkeypatch: pytest.MonkeyPatch) -> None:
    """Strawberry hands the executor a middleware manager on every request, empty unless an
    extension wraps resolvers: the shortcut must still answer the fields it is meant for."""
    original = StrawberryGraphQLCoreExecutionContext.execute_field
    reached: list[str] = []

    def spy(self: Any, parent_type: Any, source: Any, fields: Any, *rest: Any) -> Any:
        reached.append(f"{parent_type.name}.{fields[0].node.name.value}")
        return original(self, parent_type, source, fields, *rest)

    monkeypatch.setattr(StrawberryGraphQLCoreExecutionContext, "execute_field", spy)
    asyncio.run(run(RelgraphExecutor))
    # graphql-core answers: __typename (its own), fields with arguments, info or a coroutine,
    # and the values the shortcut declines (a null in Item.required, a string in Item.count, a
    # method that raised), which graphql-core then reports.
    assert set(reached) == {
        "Query.__typename",
        "Item.__typename",
        "Tag.__typename",
        "Item.repeat",
        "Item.withInfo",
        "Item.later",
        "Item.required",
        "Item.count",
        "Item.broken",
    }
    # Once per item at most: the shortcut answered the others.
    assert reached.count("Item.required") == 1 and reached.count("Item.count") == 1
