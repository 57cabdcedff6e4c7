"""Every private name of graphql-core and Strawberry that relgraph relies on, in one table.

graphql-core documents its executor's methods as internal, and Strawberry's underscore names are
its own business: a minor release may move any of them. pyproject.toml pins both exactly, and
`require()` runs when a schema is built, so that a version whose internals moved refuses to start
with a message naming each name that moved, rather than answering differently. (The compiled
executor can be turned off with RELGRAPH_COMPILED_EXECUTOR=false; the other names here are needed
either way.) tests/unit/schema/test_internals.py checks that this table lists every private name
the code uses.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version

import graphql
import strawberry
from graphql.execution import collect_fields
from graphql.execution import executor as graphql_executor
from strawberry.schema import schema as strawberry_schema
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types import ExecutionContext, Info, cast
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.field import StrawberryField
from strawberry.types.fields.resolver import StrawberryResolver

Executor = graphql_executor.Executor


@dataclass(frozen=True)
class Internal:
    """One private name: where it lives, what it must look like, and who uses it."""

    name: str  # as the code spells it, e.g. "Executor.handle_field_error"
    used_by: str
    check: Callable[[], bool]


def _attribute(owner: object, name: str) -> Callable[[], bool]:
    return lambda: hasattr(owner, name)


def _annotated(owner: type, name: str) -> Callable[[], bool]:
    """An instance attribute declared on the class (set in __init__)."""

    def check() -> bool:
        return any(name in getattr(k, "__annotations__", {}) for k in owner.__mro__)

    return check


def _parameters(owner: object, name: str, *expected: str) -> Callable[[], bool]:
    """A callable taking exactly these parameters, in this order (self included for methods)."""

    def check() -> bool:
        target = getattr(owner, name, None)
        if target is None:
            return False
        return tuple(inspect.signature(target).parameters) == expected

    return check


def _fields(owner: type, *names: str) -> Callable[[], bool]:
    def check() -> bool:
        declared = set(getattr(owner, "__dataclass_fields__", {})) | set(
            getattr(owner, "_fields", ())
        )
        for klass in owner.__mro__:
            declared |= set(getattr(klass, "__annotations__", {}))
        return set(names) <= declared

    return check


def _probe_strawberry_schema() -> strawberry.Schema:
    @strawberry.type
    class ProbeQuery:
        plain: int = 0

    return strawberry.Schema(query=ProbeQuery)


def _probe_schema() -> graphql.GraphQLSchema:
    return _probe_strawberry_schema()._schema


def _schema_backrefs() -> bool:
    """A built schema keeps its Strawberry schema, its converter and the converter's exception
    handler specs; a plain field's resolver is marked default; fields carry their definitions."""
    schema = _probe_schema()
    strawberry_side = getattr(schema, "_strawberry_schema", None)
    converter = getattr(strawberry_side, "schema_converter", None)
    if not isinstance(converter, GraphQLCoreConverter):
        return False
    if not hasattr(converter, "_exception_handler_specs"):
        return False
    query_type = schema.query_type
    assert query_type is not None
    field = query_type.fields["plain"]
    return getattr(field.resolve, "_is_default", None) is True and isinstance(
        (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF), StrawberryField
    )


def _provided_operation_name() -> bool:
    """Where an execution context keeps the operationName the request gave (None when none):
    its operation_name property answers the first operation's name instead."""
    probe = _probe_strawberry_schema()
    given = ExecutionContext(
        query="{ plain }", schema=probe, allowed_operations=(), provided_operation_name="Named"
    )
    missing = ExecutionContext(query="{ plain }", schema=probe, allowed_operations=())
    return (
        getattr(given, "_provided_operation_name", None) == "Named"
        and getattr(missing, "_provided_operation_name", "absent") is None
    )


def _resolver_parameters() -> bool:
    def probe(self: object, info: Info) -> int:
        return 0

    resolver = StrawberryResolver(probe)
    return (
        resolver.wrapped_func is probe
        and resolver.self_parameter is not None
        and resolver.info_parameter is not None
        and resolver.root_parameter is None
        and resolver.parent_parameter is None
        and resolver.arguments == []
        and resolver.is_async is False
    )


EXECUTOR = "schema/core/executor.py"
INTERNALS: tuple[Internal, ...] = (
    # graphql-core's executor, which schema/core/executor.py subclasses and drives.
    Internal(
        "Executor.execute_root_grouped_field_set",
        EXECUTOR + " (overridden: the entry point of compiled plans)",
        _parameters(
            Executor,
            "execute_root_grouped_field_set",
            "self",
            "root_type",
            "root_value",
            "grouped_field_set",
            "serially",
            "position_context",
        ),
    ),
    Internal(
        "Executor.build_resolve_info",
        EXECUTOR,
        _parameters(
            strawberry_schema.StrawberryGraphQLCoreExecutionContext,
            "build_resolve_info",
            "self",
            "field_def",
            "field_nodes",
            "parent_type",
            "path",
        ),
    ),
    Internal(
        "Executor.handle_field_error",
        EXECUTOR,
        _parameters(
            Executor,
            "handle_field_error",
            "self",
            "raw_error",
            "return_type",
            "field_details_list",
            "path",
        ),
    ),
    Internal(
        "Executor.complete_list_value",
        EXECUTOR + " (async iterables)",
        _parameters(
            Executor,
            "complete_list_value",
            "self",
            "return_type",
            "field_details_list",
            "info",
            "path",
            "result",
            "position_context",
        ),
    ),
    Internal(
        "Executor.ensure_valid_runtime_type",
        EXECUTOR,
        _parameters(
            Executor,
            "ensure_valid_runtime_type",
            "self",
            "runtime_type_name",
            "return_type",
            "field_details_list",
            "info",
            "result",
        ),
    ),
    Internal(
        "Executor.settle_in_background",
        EXECUTOR,
        _parameters(Executor, "settle_in_background", "self", "awaitables"),
    ),
    Internal("Executor.is_awaitable", EXECUTOR, _attribute(Executor, "is_awaitable")),
    Internal("Executor.is_async_iterable", EXECUTOR, _attribute(Executor, "is_async_iterable")),
    *(
        Internal(f"Executor.{name}", EXECUTOR, _annotated(Executor, name))
        for name in (
            "schema",
            "operation",
            "fragments",
            "fragment_definitions",
            "variable_values",
            "hide_suggestions",
            "abort_signal",
            "hooks",
            "field_resolver",
            "type_resolver",
            "middleware_manager",
        )
    ),
    Internal(
        "collect_fields.collect_subfields",
        EXECUTOR,
        _parameters(
            collect_fields,
            "collect_subfields",
            "schema",
            "fragments",
            "variable_values",
            "operation",
            "return_type",
            "field_details_list",
            "hide_suggestions",
        ),
    ),
    Internal(
        "collect_fields.FieldDetails.fragment_variable_values",
        EXECUTOR,
        _fields(collect_fields.FieldDetails, "node", "fragment_variable_values"),
    ),
    Internal(
        "executor.invalid_return_type_error",
        EXECUTOR,
        _attribute(graphql_executor, "invalid_return_type_error"),
    ),
    Internal(
        "get_argument_values(type_def, node, variable_values, fragment_variable_values, …)",
        EXECUTOR,
        _parameters(
            graphql,
            "get_argument_values",
            "type_def",
            "node",
            "variable_values",
            "fragment_variable_values",
            "hide_suggestions",
        ),
    ),
    # Strawberry.
    Internal(
        "GraphQLSchema._strawberry_schema.schema_converter._exception_handler_specs, "
        "a default resolver's _is_default, GraphQLCoreConverter.DEFINITION_BACKREF",
        EXECUTOR + " (which fields it may read without their resolver)",
        _schema_backrefs,
    ),
    Internal(
        "StrawberryField.is_basic_field / default_resolver / base_resolver / extensions",
        EXECUTOR,
        lambda: all(
            hasattr(StrawberryField(), name)
            for name in ("is_basic_field", "default_resolver", "base_resolver", "extensions")
        ),
    ),
    Internal(
        "StrawberryResolver parameters (self, info, root, parent, arguments, wrapped_func)",
        EXECUTOR,
        _resolver_parameters,
    ),
    Internal(
        "StrawberryObjectDefinition.origin / resolve_type / is_type_of / is_graphql_generic",
        EXECUTOR,
        _fields(StrawberryObjectDefinition, "origin", "resolve_type", "is_type_of")
        if hasattr(StrawberryObjectDefinition, "is_graphql_generic")
        else lambda: False,
    ),
    Internal(
        "strawberry.types.cast.TYPE_CAST_ATTRIBUTE",
        EXECUTOR,
        _attribute(cast, "TYPE_CAST_ATTRIBUTE"),
    ),
    Internal(
        "info._raw_info",
        "schema/core/selection.py",
        _fields(Info, "_raw_info", "_field"),
    ),
    Internal(
        "ExecutionContext._provided_operation_name",
        "api/app.py (several operations and no operationName)",
        _provided_operation_name,
    ),
    Internal(
        "Schema._schema",
        "api/app.py (the validation cache)",
        lambda: isinstance(_probe_strawberry_schema()._schema, graphql.GraphQLSchema),
    ),
    Internal(
        "Schema._get_custom_context_kwargs (graphql-core's execute keywords)",
        "schema/__init__.py (hide_suggestions at execution)",
        _parameters(
            strawberry_schema.Schema,
            "_get_custom_context_kwargs",
            "self",
            "operation_extensions",
            "sync",
        ),
    ),
)


def moved() -> list[str]:
    """The names of INTERNALS that are missing or changed shape, each with its user."""
    problems = []
    for internal in INTERNALS:
        try:
            ok = internal.check()
        except Exception as exc:  # a check that cannot even run is a name that moved
            ok = False
            problems.append(f"{internal.name} (used by {internal.used_by}): {exc!r}")
            continue
        if not ok:
            problems.append(f"{internal.name} (used by {internal.used_by})")
    return problems


class InternalsMoved(RuntimeError):
    """graphql-core or Strawberry no longer has a private name relgraph relies on."""


def require() -> None:
    problems = moved()
    if problems:
        versions = f"graphql-core {graphql.__version__}, strawberry-graphql " + version(
            "strawberry-graphql"
        )
        raise InternalsMoved(
            f"{versions}: these private names moved or changed; install the versions pinned in "
            "requirements.lock, or port schema/core/internals.py and its users:\n  "
            + "\n  ".join(problems)
        )
