"""The compiled executor must answer exactly as graphql-core does, data and errors alike, and must
actually be the one answering the documents it compiles."""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
from typing import Annotated, Any

import pytest
import strawberry
from graphql import GraphQLResolveInfo, get_introspection_query
from strawberry.dataloader import DataLoader
from strawberry.extensions import ParserCache, SchemaExtension
from strawberry.permission import BasePermission
from strawberry.types import Info

from schema.core.executor import RelgraphExecutor, compiled_fields
from tests.helpers import answer, count_graphql_core_fields


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
class Label(Named):
    text: str


@strawberry.type
class Plain:
    value: str


Thing = Annotated[Tag | Plain, strawberry.union("Thing")]


@strawberry.type
class Odd(Named):
    """A custom is_type_of that looks at the value, not the class: no caching by class."""

    @classmethod
    def is_type_of(cls, obj: Any, _info: GraphQLResolveInfo[Any]) -> bool:
        return isinstance(obj, Odd) and obj.name.startswith("odd")


@strawberry.interface
class Shape:
    """A custom resolve_type that looks at the value: one class, two runtime types."""

    sides: int

    @classmethod
    def resolve_type(cls, obj: Any, _info: GraphQLResolveInfo[Any], _type: Any) -> str:
        return "Square" if obj.sides == 4 else "Triangle"


@strawberry.type
class Square(Shape):
    pass


@strawberry.type
class Triangle(Shape):
    pass


@strawberry.input
class Where:
    prefix: str = ""
    colours: list[Colour] | None = None


async def _echo(value: Any) -> Any:
    await asyncio.sleep(0)
    return value


@strawberry.type
class Item:
    name: str
    colour: Colour
    on: dt.date
    at: dt.datetime
    note: str | None
    required: str  # set to None below to break the contract
    count: int  # set to a string below, which Int refuses
    tags: list[Tag]
    strict_tags: list[Tag]  # an item set to None below breaks the list and then the item
    matrix: list[list[int | None]]

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()

    @strawberry.field
    def first_tag(self) -> Named | None:
        return self.tags[0] if self.tags else None

    @strawberry.field
    def named(self) -> list[Named]:
        return [*self.tags, Label(name=f"{self.name}-l", text="t")]

    @strawberry.field
    def things(self) -> list[Thing]:
        return [*self.tags, Plain(value=self.name)]

    @strawberry.field
    def odds(self) -> list[Odd | None]:
        return [Odd(name="odd-1"), Odd(name="even"), Odd(name="odd-2")]

    @strawberry.field
    def shapes(self) -> list[Shape]:
        return [Shape(sides=4), Shape(sides=3)]

    @strawberry.field
    def broken(self) -> str | None:
        raise ValueError(f"no value for {self.name}")

    @strawberry.field
    def broken_object(self) -> Tag:
        raise ValueError("no tag")

    @strawberry.field
    def exception_value(self) -> str | None:
        return ValueError("returned, not raised")  # type: ignore[return-value]

    @strawberry.field
    def not_a_list(self) -> list[int] | None:
        return 5  # type: ignore[return-value]

    @strawberry.field
    def wrong_type(self) -> Tag | None:
        return Plain(value="p")  # type: ignore[return-value]

    @strawberry.field
    def unresolvable(self) -> Named | None:
        return object()  # type: ignore[return-value]

    @strawberry.field
    def repeat(self, times: int) -> str:
        return self.name * times

    @strawberry.field
    def filtered(self, where: Where | None = None, names: list[str] | None = None) -> list[str]:
        prefix = where.prefix if where else ""
        colours = [c.value for c in where.colours or []] if where else []
        return [f"{prefix}{n}" for n in names or []] + colours

    @strawberry.field
    def grow(self, names: list[str], colour: Colour = Colour.RED) -> list[str]:
        names.append(colour.value)  # a resolver that changes its argument in place
        return names

    @strawberry.field
    def with_info(self, info: Info) -> str:
        return f"{info.field_name}@{'.'.join(str(k) for k in info.path.as_list())}"

    @strawberry.field
    async def later(self) -> str:
        await asyncio.sleep(0)
        return self.name

    @strawberry.field
    async def later_tags(self) -> list[Tag]:
        await asyncio.sleep(0)
        return self.tags

    @strawberry.field
    async def async_raise(self) -> str | None:
        await asyncio.sleep(0)
        raise RuntimeError("async failure")

    @strawberry.field
    def awaitable_items(self) -> list[Tag | None]:
        return [_echo(tag) for tag in self.tags] + [_echo(None)]  # type: ignore[return-value]

    @strawberry.field
    def sync_returning_awaitable(self) -> str:
        return _echo(self.name)  # type: ignore[return-value]

    @strawberry.field
    def loaded(self, info: Info) -> int:
        # A synchronous resolver handing back the loader's awaitable, as schema/deferred.py does.
        loader: DataLoader[str, int] = info.context["lengths"]
        return loader.load(self.name)  # type: ignore[return-value]


def item(name: str, **changes: Any) -> Item:
    values: dict[str, Any] = {
        "name": name,
        "colour": Colour.RED,
        "on": dt.date(2026, 1, 2),
        "at": dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        "note": None,
        "required": "x",
        "count": 1,
        "tags": [Tag(name=f"{name}-t", weight=3)],
        "strict_tags": [Tag(name=f"{name}-s", weight=1)],
        "matrix": [[1, None], [], [2]],
    }
    return Item(**{**values, **changes})


@strawberry.type
class Root:
    @strawberry.field
    def items(self) -> list[Item | None]:
        return [
            item("a"),
            item("b", colour=Colour.BLUE, note="n", required=None),
            item("c", count="many", tags=[]),
            item("d", strict_tags=[Tag(name="d-s", weight=2), None]),
        ]

    @strawberry.field
    def strict(self) -> Item | None:
        return item("e")

    @strawberry.field
    async def first(self) -> Item:
        await asyncio.sleep(0)
        return item("f")


TEST_QUERY = """
query Everything($times: Int!, $where: Where, $colours: [Colour!]) {
  __typename
  items {
    ...ItemParts
    alias: name
    name colour on at note shout required count
    tags { name weight }
    firstTag { __typename name ... on Tag { weight } }
    named { __typename name ... on Tag { weight } ... on Label { text } }
    things { __typename ... on Tag { name } ... on Plain { value } }
    odds { name }
    shapes { __typename sides }
    broken exceptionValue notAList asyncRaise
    wrongType { name }
    unresolvable { name }
    repeat(times: $times) r3: repeat(times: 3)
    filtered(where: $where, names: ["x", "y"])
    literal: filtered(where: {prefix: "-", colours: $colours})
    grow(names: ["x"]) blue: grow(names: [], colour: BLUE)
    withInfo later syncReturningAwaitable loaded
    laterTags { name }
    awaitableItems { name }
    matrix
    strictTags { name }
    skipped: name @skip(if: true)
    included: name @include(if: true)
  }
  strict { brokenObject { name } }
  first { name tags { ... on Named { name } } grow(names: ["y"]) }
}

fragment ItemParts on Item { name tags { weight } }
"""
VARIABLES = {"times": 2, "where": {"prefix": "p:", "colours": ["BLUE"]}, "colours": ["RED"]}


def _schema(executor: type[Any] | None) -> strawberry.Schema:
    # The parser cache hands back the same document for the same text, as in the app, so that
    # one schema's later requests run on plans compiled by the first.
    return strawberry.Schema(
        query=Root,
        types=[Square, Triangle, Label],
        execution_context_class=executor,
        extensions=[ParserCache],
    )


async def _run(
    executor: type[Any] | strawberry.Schema | None, query: str, variables: dict[str, Any]
) -> tuple[dict[str, Any], list[list[str]]]:
    batches: list[list[str]] = []

    async def lengths(names: list[str]) -> list[int]:
        batches.append(names)
        return [len(n) for n in names]

    schema = executor if isinstance(executor, strawberry.Schema) else _schema(executor)
    result = await schema.execute(
        query, variable_values=variables, context_value={"lengths": DataLoader(load_fn=lengths)}
    )
    return answer(result), batches


def test_the_compiled_executor_answers_as_graphql_core_does() -> None:
    (compiled, compiled_batches) = asyncio.run(_run(RelgraphExecutor, TEST_QUERY, VARIABLES))
    (reference, reference_batches) = asyncio.run(_run(None, TEST_QUERY, VARIABLES))
    assert compiled == reference
    # Siblings' loads still batch into one call, as they do under graphql-core.
    assert compiled_batches == reference_batches and len(compiled_batches) == 1

    data = compiled["data"]
    first = data["items"][0]
    assert first["filtered"] == ["p:x", "p:y", "blue"] and first["literal"] == ["red"]
    assert first["withInfo"] == "withInfo@items.0.withInfo"
    assert first["grow"] == ["x", "red"] and first["blue"] == ["blue"]
    assert data["first"]["grow"] == ["y", "red"]
    assert first["named"][1] == {"__typename": "Label", "name": "a-l", "text": "t"}
    assert [s["__typename"] for s in first["shapes"]] == ["Square", "Triangle"]
    assert first["odds"] == [{"name": "odd-1"}, None, {"name": "odd-2"}]
    assert first["awaitableItems"] == [{"name": "a-t"}, None]
    assert first["skipped" if "skipped" in first else "included"] == "a"
    assert "skipped" not in first
    # A null in a non-null field or a list item, or a value its scalar refuses, nulls the item;
    # an error in a non-null object field nulls its parent up to the nearest nullable field.
    assert data["items"][1] is None and data["items"][2] is None and data["items"][3] is None
    assert data["strict"] is None
    messages = {path: message for message, path, _ in compiled["errors"]}
    assert messages[("items", 1, "required")] == (
        "Cannot return null for non-nullable field Item.required."
    )
    assert messages[("items", 2, "count")].startswith("Int cannot represent")
    assert messages[("items", 3, "strictTags", 1)] == (
        "Cannot return null for non-nullable field Item.strictTags."
    )
    assert messages[("items", 0, "broken")] == "no value for a"
    assert messages[("items", 0, "exceptionValue")] == "returned, not raised"
    assert messages[("items", 0, "notAList")].startswith("Expected Iterable")
    assert messages[("items", 0, "odds", 1)].startswith("Expected value of type 'Odd'")
    assert messages[("items", 0, "wrongType")].startswith("Expected value of type 'Tag'")
    assert messages[("items", 0, "unresolvable")].startswith("Abstract type 'Named' must resolve")
    assert messages[("items", 0, "asyncRaise")] == "async failure"
    assert messages[("strict", "brokenObject")] == "no tag"


def test_a_compiled_plan_answers_later_requests_alike() -> None:
    """Plans, and arguments converted once, outlive a request: a resolver that changes its list
    argument must not change what the next request (or the next item) receives."""
    schema = _schema(RelgraphExecutor)
    reference = asyncio.run(_run(None, TEST_QUERY, VARIABLES))[0]
    for _ in range(3):
        assert asyncio.run(_run(schema, TEST_QUERY, VARIABLES))[0] == reference


@pytest.mark.parametrize(
    "query",
    [
        # Variables in @skip/@include: the plan would depend on them, so graphql-core runs it.
        "query($on: Boolean!) { items { name note @include(if: $on) } }",
        "query($off: Boolean!) { items { ... @skip(if: $off) { name } shout } }",
        # Introspection runs on the compiled path, through the meta fields' own resolvers.
        get_introspection_query(),
        '{ __schema { queryType { name } } __type(name: "Item") { name kind } }',
    ],
)
def test_other_documents_answer_as_graphql_core_does(query: str) -> None:
    variables = {"on": True, "off": False}
    assert (
        asyncio.run(_run(RelgraphExecutor, query, variables))[0]
        == asyncio.run(_run(None, query, variables))[0]
    )


def _graphql_core_calls(monkeypatch: pytest.MonkeyPatch, query: str) -> int:
    calls = count_graphql_core_fields(monkeypatch)
    asyncio.run(_run(RelgraphExecutor, query, VARIABLES | {"on": True}))
    return len(calls)


def test_compiled_documents_never_reach_graphql_core(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _graphql_core_calls(monkeypatch, TEST_QUERY) == 0
    fallback = "query($on: Boolean!) { items { name note @include(if: $on) } }"
    assert _graphql_core_calls(monkeypatch, fallback) > 0


class _Everyone(BasePermission):
    message = "never refused"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return True


@strawberry.type
class Guarded:
    plain: str = "p"
    guarded: str = strawberry.field(default="g", permission_classes=[_Everyone])


@strawberry.type
class GuardedRoot:
    @strawberry.field
    def thing(self) -> Guarded:
        return Guarded()


class _ResolveHook(SchemaExtension):
    def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        return _next(root, info, *args, **kwargs)


def test_the_compiled_path_report_names_what_falls_back() -> None:
    """What tests/integration/api/test_compiled_path.py relies on: a permission class wraps its
    field, and a resolve-level extension sends the document to graphql-core."""
    guarded = "{ thing { plain guarded } }"
    schema = strawberry.Schema(query=GuardedRoot, execution_context_class=RelgraphExecutor)
    assert asyncio.run(schema.execute(guarded)).data == {"thing": {"plain": "p", "guarded": "g"}}
    assert sorted(compiled_fields(guarded) or []) == [
        ("Guarded.guarded", "wrapped"),
        ("Guarded.plain", "read"),
        ("GuardedRoot.thing", "read"),
    ]
    hooked_text = "{ thing { plain } }"
    hooked = strawberry.Schema(
        query=GuardedRoot, execution_context_class=RelgraphExecutor, extensions=[_ResolveHook]
    )
    assert asyncio.run(hooked.execute(hooked_text)).data == {"thing": {"plain": "p"}}
    assert compiled_fields(hooked_text) is None
