"""Compiled execution of queries: graphql-core's answers, errors included, at a fraction of its
cost per field.

A customer 360 answers a few hundred fields. graphql-core spends several microseconds on each
whatever it is: a response path, a resolve-info, the resolver wrapper, a walk down the type's
wrappers (non-null, list, leaf, abstract, object) and two awaitable checks. Strawberry's wrapper
adds argument conversion and an Info for every resolver: together, on a 360, about as much CPU
as the driver's own work (bench/README.md).

Here each query document is compiled once (per operation, cached) into a plan: for every field
of every selection, what reads its value and a completer closure made for its exact type, built
once instead of being worked out again on every value. Then, per field:

- a plain attribute, or a synchronous method taking only `self` (no arguments, info or field
  extensions), is read directly ("read");
- anything else goes through its real resolver, through Strawberry's wrapper, with a real
  resolve-info and the coerced arguments, as in graphql-core ("resolver"). (Calling resolvers
  past Strawberry's wrapper, converting literal arguments once, was measured to save nothing;
  bench/README.md);
- a response path is built only where one is needed: for objects and lists, and on an error;
- a scalar or enum of an ordinary value type is coerced on the spot;
- an abstract type's runtime type, and an object type's `is_type_of`, are worked out once per
  Python class when Strawberry's own class-based rules decide them (no `strawberry.cast`).

Errors go through graphql-core's own `handle_field_error`, so null propagation, located paths and
the collected error list are exactly graphql-core's. Awaitables are gathered per object and per
list as graphql-core gathers them, so DataLoaders still batch siblings and list items.

A document that this does not cover runs on graphql-core unchanged: mutations (run serially),
`@skip`/`@include` whose condition is a variable (the plan would depend on the variables),
`@defer`/`@stream`, fragment variables, resolver middleware, an abort signal.
tests/unit/schema/test_executor.py compares the two executors' answers on a test schema, and
tests/integration/schema/test_executor_api.py on the real one; RELGRAPH_COMPILED_EXECUTOR=false
runs the API on graphql-core alone, and `make test` runs the API tests both ways.

What would switch it off, and what to do instead. Each of these is caught by
tests/integration/api/test_compiled_path.py, which runs the bench documents and fails if any field
falls back to its resolver or the document to graphql-core:
- a field permission class or field extension wraps that field's resolver in an extension chain
  on every request, and turns plain attributes into resolver calls ("wrapped"): check access in
  the resolver with the access policy (schema/core/access.py), as the areas do;
- a schema extension with a `resolve` hook makes Strawberry install resolver middleware, which
  sends every document to graphql-core: hook operations, parsing or validation instead
  (api/app.py's request pipeline);
- `@defer`/`@stream` run on graphql-core; a custom field resolver or abort signal passed to
  execution too.

The private graphql-core and Strawberry names this module relies on are listed, and checked when
a schema is built, in schema/core/internals.py.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any, TypeVar

from graphql import (
    DirectiveNode,
    GraphQLAbstractType,
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    Undefined,
    get_argument_values,
    is_abstract_type,
    is_leaf_type,
    visit,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet, collect_subfields
from graphql.execution.executor import default_field_resolver, invalid_return_type_error
from graphql.language import Visitor
from graphql.pyutils import Path, gather_with_cancel, inspect, is_iterable
from graphql.type.introspection import TypeNameMetaFieldDef
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.cast import TYPE_CAST_ATTRIBUTE
from strawberry.types.field import StrawberryField

from schema.core.documents import cacheable_node
from schema.core.internals import InternalsMoved

_MISSING = object()

# Value types that are never awaitable and never an exception: a leaf of one of these is coerced
# straight away. Anything else takes the completer, which checks both as graphql-core does.
_VALUE_TYPES: set[type] = {str, int, float, bool, Decimal, dt.date, dt.datetime}

Completer = Callable[["RelgraphExecutor", Any, Path, Path], Any]


class _Field:
    """One response key of one selection on one object type."""

    __slots__ = (
        "coerce",
        "complete",
        "details",
        "field_def",
        "first_node",
        "key",
        "kind",
        "name",
        "nodes",
        "nullable",
        "parent_name",
        "parent_type",
        "read",
        "resolve",
        "return_type",
        "selection",
        "takes_args",
    )

    def __init__(
        self,
        schema: GraphQLSchema,
        parent_type: GraphQLObjectType,
        key: str,
        field_def: GraphQLField,
        details: FieldDetailsList,
    ) -> None:
        self.key = key
        self.details = details
        self.nodes = [d.node for d in details]
        self.first_node = details[0].node
        self.name = self.first_node.name.value
        self.field_def = field_def
        self.parent_type = parent_type
        self.parent_name = parent_type.name
        self.return_type: GraphQLOutputType = field_def.type
        self.resolve = field_def.resolve or default_field_resolver
        self.takes_args = bool(field_def.args or self.first_node.arguments)
        self.read = _reader(schema, parent_type, field_def) if not self.takes_args else None
        self.kind = "read" if self.read else _resolver_kind(schema, field_def)
        named = field_def.type
        self.nullable = not isinstance(named, GraphQLNonNull)
        if isinstance(named, GraphQLNonNull):
            named = named.of_type
        self.coerce = _coercer(named) if is_leaf_type(named) else None
        # The compiled sub-selection, once a completer for an object or abstract type makes one.
        self.selection: _Selection | None = None
        self.complete: Completer = _completer(self, field_def.type)

    def info(self, executor: RelgraphExecutor, path: Path) -> GraphQLResolveInfo[Any]:
        return executor.build_resolve_info(self.field_def, self.nodes, self.parent_type, path)


class _Selection:
    """The sub-selection of one field, compiled per runtime object type on first use."""

    __slots__ = ("by_type", "details")

    def __init__(self, details: FieldDetailsList) -> None:
        self.details = details
        self.by_type: dict[GraphQLObjectType, list[_Field]] = {}

    def fields(self, executor: RelgraphExecutor, object_type: GraphQLObjectType) -> list[_Field]:
        fields = self.by_type.get(object_type)
        if fields is None:
            grouped = collect_subfields(
                executor.schema,
                executor.fragments,
                executor.variable_values,
                executor.operation,
                object_type,
                self.details,
                executor.hide_suggestions,
            ).grouped_field_set
            fields = self.by_type[object_type] = _compile(executor.schema, object_type, grouped)
        return fields


def _compile(
    schema: GraphQLSchema, parent_type: GraphQLObjectType, grouped: GroupedFieldSet
) -> list[_Field]:
    fields = []
    for key, details in grouped.items():
        field_def = schema.get_field(parent_type, details[0].node.name.value)
        if field_def is not None:  # graphql-core leaves an unknown field out of the response
            fields.append(_Field(schema, parent_type, key, field_def, details))
    return fields


def _reader(
    schema: GraphQLSchema, parent_type: GraphQLObjectType, field_def: GraphQLField
) -> Callable[[Any], Any] | None:
    """How to read a field's value without its resolver, when that reads the same value."""
    if field_def is TypeNameMetaFieldDef:
        name = parent_type.name
        return lambda _source: name
    definition = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField) or definition.extensions:
        return None
    if definition.is_basic_field:
        # Strawberry's basic resolver is marked default unless an exception handler wraps it.
        if not getattr(field_def.resolve, "_is_default", False):
            return None
        if definition.default_resolver is not getattr:
            return None
        python_name = definition.python_name
        return lambda source: getattr(source, python_name, _MISSING)
    resolver = definition.base_resolver
    if (
        resolver is None
        or resolver.is_async
        or resolver.arguments
        or resolver.self_parameter is None
        or resolver.info_parameter is not None
        or resolver.root_parameter is not None
        or resolver.parent_parameter is not None
        or _has_exception_handlers(schema)
    ):
        return None
    method = resolver.wrapped_func
    return method if callable(method) else None


def _resolver_kind(schema: GraphQLSchema, field_def: GraphQLField) -> str:
    """How a field the executor does not read directly is answered (compiled_fields reports it):
    "resolver", Strawberry's resolver as usual; "wrapped", a resolver Strawberry wraps in field
    extensions (a permission class, say) or exception handlers; "unread", a plain attribute that
    should have been read directly (schema/core/internals.py's names have moved)."""
    definition = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField):
        return "resolver"  # graphql-core's own fields (introspection)
    if definition.extensions or _has_exception_handlers(schema):
        return "wrapped"
    return "unread" if definition.is_basic_field else "resolver"


def _converter(schema: GraphQLSchema) -> GraphQLCoreConverter:
    """The Strawberry converter that built `schema`. Fails rather than guess: without it the
    executor could not tell which resolvers Strawberry wraps (schema/core/internals.py)."""
    converter = getattr(getattr(schema, "_strawberry_schema", None), "schema_converter", None)
    if not isinstance(converter, GraphQLCoreConverter):
        raise InternalsMoved(f"{schema!r} has no Strawberry schema converter")
    return converter


def _has_exception_handlers(schema: GraphQLSchema) -> bool:
    """Strawberry's exception handlers wrap resolvers that would otherwise be plain methods."""
    return bool(_converter(schema)._exception_handler_specs)


# Completers: one closure per field and type wrapper, made once, each doing what graphql-core's
# complete_value does for that type. (executor, value, path, field path) -> the completed value,
# or an awaitable of it. `path` is the value's response path, `field path` the field's (they
# differ for list items; graphql-core's resolve-info carries the field's).


def _completer(field: _Field, type_: GraphQLOutputType) -> Completer:
    if isinstance(type_, GraphQLNonNull):
        return _non_null_completer(field, type_.of_type)
    if isinstance(type_, GraphQLList):
        return _list_completer(field, type_)
    if is_leaf_type(type_):
        return _leaf_completer(type_)
    if is_abstract_type(type_):
        return _abstract_completer(field, type_)
    if isinstance(type_, GraphQLObjectType):
        return _object_completer(field, type_)
    raise TypeError(f"Cannot complete value of unexpected output type: '{inspect(type_)}'.")


def _non_null_completer(field: _Field, inner_type: GraphQLOutputType) -> Completer:
    inner = _completer(field, inner_type)
    message = f"Cannot return null for non-nullable field {field.parent_name}.{field.name}."

    def complete(executor: RelgraphExecutor, value: Any, path: Path, field_path: Path) -> Any:
        completed = inner(executor, value, path, field_path)
        if completed is None:
            raise TypeError(message)
        return completed

    return complete


def _coercer(type_: Any) -> Callable[[Any], Any]:
    """The leaf type's output coercion; for an enum, remembered per member. Strawberry's enum
    type finds a member's name by scanning its values, and a 360 has dozens of enum values."""
    coerce: Callable[[Any], Any] = type_.coerce_output_value
    if not isinstance(type_, GraphQLEnumType):
        return coerce
    # Keyed by class too: members of two str- or int-valued enums can be equal.
    known: dict[tuple[type, Any], Any] = {}

    def coerce_enum(value: Any) -> Any:
        if not isinstance(value, enum.Enum):
            return coerce(value)
        key = (type(value), value)
        coerced = known.get(key)
        if coerced is None:
            coerced = coerce(value)
            if coerced is not None and coerced is not Undefined:
                known[key] = coerced
        return coerced

    return coerce_enum


def _leaf_completer(type_: Any) -> Completer:
    coerce = _coercer(type_)

    def complete(executor: RelgraphExecutor, value: Any, path: Path, field_path: Path) -> Any:
        if isinstance(value, Exception):
            raise value
        if value is None or value is Undefined:
            return None
        coerced = coerce(value)
        if coerced is Undefined or coerced is None:
            raise TypeError(
                f"Expected `{inspect(type_)}.coerce_output_value({inspect(value)})` to return"
                f" non-nullable value, returned: {inspect(coerced)}"
            )
        if type(value) not in _VALUE_TYPES and isinstance(value, enum.Enum):
            _VALUE_TYPES.add(type(value))
        return coerced

    return complete


def _list_completer(field: _Field, type_: GraphQLList[Any]) -> Completer:
    item_type = type_.of_type
    inner = _completer(field, item_type)
    not_iterable = (
        f"Expected Iterable, but did not find one for field '{field.parent_name}.{field.name}'."
    )
    details = field.details

    def complete(executor: RelgraphExecutor, value: Any, path: Path, field_path: Path) -> Any:
        if isinstance(value, Exception):
            raise value
        if value is None or value is Undefined:
            return None
        if executor.is_async_iterable(value):  # graphql-core's own streaming completion
            info = field.info(executor, field_path)
            return executor.complete_list_value(type_, details, info, path, value, None)
        if not is_iterable(value):
            raise GraphQLError(not_iterable)
        is_awaitable = executor.is_awaitable
        completed: list[Any] = []
        pending: list[int] = []
        try:
            for index, item in enumerate(value):
                item_path = Path(path, index, None)
                if is_awaitable(item):
                    completed.append(
                        _item_later(executor, inner, item_type, field, item, item_path, field_path)
                    )
                    pending.append(index)
                    continue
                try:
                    done = inner(executor, item, item_path, field_path)
                except Exception as error:
                    executor.handle_field_error(error, item_type, details, item_path)
                    done = None
                else:
                    if is_awaitable(done):
                        done = _guarded(executor, done, item_type, details, item_path)
                        pending.append(index)
                completed.append(done)
        except Exception:
            if pending:
                executor.settle_in_background([completed[i] for i in pending])
            raise
        if not pending:
            return completed
        return _gather(completed, pending)

    return complete


async def _item_later(
    executor: RelgraphExecutor,
    inner: Completer,
    item_type: GraphQLOutputType,
    field: _Field,
    item: Awaitable[Any],
    item_path: Path,
    field_path: Path,
) -> Any:
    try:
        completed = inner(executor, await item, item_path, field_path)
        if executor.is_awaitable(completed):
            completed = await completed
    except Exception as error:
        executor.handle_field_error(error, item_type, field.details, item_path)
        return None
    return completed


C = TypeVar("C", list[Any], dict[str, Any])


async def _gather(completed: C, pending: list[Any]) -> C:
    """`completed` (a list by index or an object by key) with its awaitable entries awaited,
    concurrently, as graphql-core gathers a list's items or an object's fields."""
    if len(pending) == 1:
        completed[pending[0]] = await completed[pending[0]]
    else:
        awaited = await gather_with_cancel(*(completed[k] for k in pending))
        for key, value in zip(pending, awaited, strict=True):
            completed[key] = value
    return completed


def _object_completer(field: _Field, object_type: GraphQLObjectType) -> Completer:
    selection = field.selection = _Selection(field.details)

    def complete(executor: RelgraphExecutor, value: Any, path: Path, field_path: Path) -> Any:
        if isinstance(value, Exception):
            raise value
        if value is None or value is Undefined:
            return None
        return _complete_object(executor, field, object_type, selection, value, path, field_path)

    return complete


def _abstract_completer(field: _Field, abstract_type: GraphQLAbstractType) -> Completer:
    selection = field.selection = _Selection(field.details)
    class_based = _class_based_resolve_type(abstract_type)
    # Python class -> runtime object type, where Strawberry's rule depends on the class alone.
    by_class: dict[type, GraphQLObjectType] = {}

    def complete(executor: RelgraphExecutor, value: Any, path: Path, field_path: Path) -> Any:
        if isinstance(value, Exception):
            raise value
        if value is None or value is Undefined:
            return None
        cls = type(value)
        uncast = getattr(value, TYPE_CAST_ATTRIBUTE, None) is None
        runtime_type = by_class.get(cls) if uncast else None
        if runtime_type is None:
            info = field.info(executor, field_path)
            resolve_type = abstract_type.resolve_type or executor.type_resolver
            name = resolve_type(value, info, abstract_type)
            if executor.is_awaitable(name):
                return _complete_abstract_later(
                    executor, field, abstract_type, selection, value, name, path, field_path
                )
            runtime_type = executor.ensure_valid_runtime_type(
                name, abstract_type, field.details, info, value
            )
            if uncast and class_based is not None and _decided_by_class(value, class_based):
                by_class[cls] = runtime_type
        return _complete_object(executor, field, runtime_type, selection, value, path, field_path)

    return complete


def _class_based_resolve_type(abstract_type: GraphQLAbstractType) -> type | None:
    """The interface's Python class when Strawberry resolves its runtime type from the class of
    an (uncast) instance alone; None when a custom resolve_type or a union may look further."""
    if not isinstance(abstract_type, GraphQLInterfaceType):
        return None
    definition = (abstract_type.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryObjectDefinition) or definition.resolve_type:
        return None
    return definition.origin


def _decided_by_class(value: Any, interface: type) -> bool:
    """Strawberry names an instance of the interface's class by its own type definition, unless
    that type is generic (then it compares the fields' values)."""
    definition = getattr(type(value), "__strawberry_definition__", None)
    return (
        isinstance(value, interface)
        and isinstance(definition, StrawberryObjectDefinition)
        and not definition.is_graphql_generic
    )


async def _complete_abstract_later(
    executor: RelgraphExecutor,
    field: _Field,
    abstract_type: GraphQLAbstractType,
    selection: _Selection,
    value: Any,
    name: Awaitable[Any],
    path: Path,
    field_path: Path,
) -> Any:
    info = field.info(executor, field_path)
    runtime_type = executor.ensure_valid_runtime_type(
        await name, abstract_type, field.details, info, value
    )
    completed = _complete_object(executor, field, runtime_type, selection, value, path, field_path)
    if executor.is_awaitable(completed):
        return await completed
    return completed


# (object type, Python class) -> whether Strawberry's generated is_type_of accepts the class.
_IS_TYPE_OF: dict[tuple[GraphQLObjectType, type], bool] = {}


def _complete_object(
    executor: RelgraphExecutor,
    field: _Field,
    object_type: GraphQLObjectType,
    selection: _Selection,
    value: Any,
    path: Path,
    field_path: Path,
) -> Any:
    check = object_type.is_type_of
    if check is not None:
        key = (object_type, type(value))
        accepted = _IS_TYPE_OF.get(key)
        if accepted is None or getattr(value, TYPE_CAST_ATTRIBUTE, None) is not None:
            checked = check(value, field.info(executor, field_path))
            if executor.is_awaitable(checked):
                return _complete_object_later(
                    executor, object_type, selection, value, checked, path, field
                )
            accepted = bool(checked)
            if (
                _generated_is_type_of(object_type)
                and getattr(value, TYPE_CAST_ATTRIBUTE, None) is None
            ):
                _IS_TYPE_OF[key] = accepted
        if not accepted:
            raise invalid_return_type_error(object_type, value, field.details)
    return _execute_fields(executor, selection.fields(executor, object_type), value, path)


def _generated_is_type_of(object_type: GraphQLObjectType) -> bool:
    """Strawberry's own is_type_of, decided by the class of an uncast value, not a custom one."""
    definition = (object_type.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    return isinstance(definition, StrawberryObjectDefinition) and definition.is_type_of is None


async def _complete_object_later(
    executor: RelgraphExecutor,
    object_type: GraphQLObjectType,
    selection: _Selection,
    value: Any,
    accepted: Awaitable[Any],
    path: Path,
    field: _Field,
) -> Any:
    if not await accepted:
        raise invalid_return_type_error(object_type, value, field.details)
    completed = _execute_fields(executor, selection.fields(executor, object_type), value, path)
    if executor.is_awaitable(completed):
        return await completed
    return completed


def _execute_fields(
    executor: RelgraphExecutor, fields: list[_Field], source: Any, path: Path | None
) -> Any:
    """graphql-core's execute_fields over a compiled selection: a dict, or an awaitable of one
    once the fields that returned awaitables have been gathered."""
    results: dict[str, Any] = {}
    pending: list[str] = []
    is_awaitable = executor.is_awaitable
    try:
        for field in fields:
            read = field.read
            if read is None:
                result = _resolve(executor, field, source, path)
            else:
                try:
                    value = read(source)
                except Exception as error:  # the resolver raised: graphql-core's field error
                    path_ = Path(path, field.key, field.parent_name)
                    executor.handle_field_error(error, field.return_type, field.details, path_)
                    results[field.key] = None
                    continue
                if value is _MISSING:  # the real resolver reports it
                    result = _resolve(executor, field, source, path)
                elif field.coerce is not None and (
                    (value is None and field.nullable) or type(value) in _VALUE_TYPES
                ):
                    result = _leaf(executor, field, value, path)
                else:
                    result = _complete_read(executor, field, value, path)
            results[field.key] = result
            if is_awaitable(result):
                pending.append(field.key)
    except Exception:
        if pending:
            executor.settle_in_background([results[key] for key in pending])
        raise
    if not pending:
        return results
    return _gather(results, pending)


def _leaf(executor: RelgraphExecutor, field: _Field, value: Any, parent_path: Path | None) -> Any:
    """A scalar or enum of a plain value type; a value its type refuses is reported as usual."""
    if value is None:
        return None
    try:
        coerced = field.coerce(value)  # type: ignore[misc]
    except Exception:
        coerced = None
    if coerced is None or coerced is Undefined:
        return _complete_read(executor, field, value, parent_path)
    return coerced


def _resolve(
    executor: RelgraphExecutor, field: _Field, source: Any, parent_path: Path | None
) -> Any:
    """graphql-core's execute_field: the real resolver, with a resolve-info and the arguments."""
    path = Path(parent_path, field.key, field.parent_name)
    info = field.info(executor, path)
    try:
        args = (
            get_argument_values(
                field.field_def,
                field.first_node,
                executor.variable_values,
                field.details[0].fragment_variable_values,
                executor.hide_suggestions,
            )
            if field.takes_args
            else {}
        )
        result = field.resolve(source, info, **args)
    except Exception as error:
        executor.handle_field_error(error, field.return_type, field.details, path)
        return None
    return _complete_at(executor, field, result, path)


def _complete_read(
    executor: RelgraphExecutor, field: _Field, value: Any, parent_path: Path | None
) -> Any:
    """Completes a value read without the resolver, as _resolve completes a resolver's."""
    return _complete_at(executor, field, value, Path(parent_path, field.key, field.parent_name))


def _complete_at(executor: RelgraphExecutor, field: _Field, value: Any, path: Path) -> Any:
    try:
        if executor.is_awaitable(value):
            return _complete_later(executor, field, value, path)
        completed = field.complete(executor, value, path, path)
        if executor.is_awaitable(completed):
            return _guarded(executor, completed, field.return_type, field.details, path)
    except Exception as error:
        executor.handle_field_error(error, field.return_type, field.details, path)
        return None
    return completed


async def _complete_later(
    executor: RelgraphExecutor, field: _Field, result: Awaitable[Any], path: Path
) -> Any:
    try:
        completed = field.complete(executor, await result, path, path)
        if executor.is_awaitable(completed):
            completed = await completed
    except Exception as error:
        executor.handle_field_error(error, field.return_type, field.details, path)
        return None
    return completed


async def _guarded(
    executor: RelgraphExecutor,
    completed: Awaitable[Any],
    return_type: GraphQLOutputType,
    details: FieldDetailsList,
    path: Path,
) -> Any:
    try:
        return await completed
    except Exception as error:
        executor.handle_field_error(error, return_type, details, path)
        return None


# Directives whose delivery (incremental payloads) only graphql-core implements.
_INCREMENTAL = frozenset({"defer", "stream"})


class _VariableDirectives(Visitor):
    """Finds a directive a plan cannot fix in advance: one whose arguments name a variable
    (`@skip(if: $flag)`), or `@defer`/`@stream`."""

    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_directive(self, node: DirectiveNode, *_: Any) -> Any:
        if node.name.value in _INCREMENTAL:
            self.found = True
            return Visitor.BREAK
        uses = _VariableUses()
        visit(node, uses)
        if uses.found:
            self.found = True
            return Visitor.BREAK
        return None


class _VariableUses(Visitor):
    """Finds a variable anywhere below a node, in lists and input objects too."""

    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_variable(self, *_: Any) -> Any:
        self.found = True
        return Visitor.BREAK

    def enter_selection_set(self, *_: Any) -> Any:
        return Visitor.SKIP  # a field's own arguments only, not its sub-selection's


# Compiled root selections, by operation. The entry keeps the operation (and the schema) it was
# made for, so an id reused by a later document cannot match, and the LRU bound keeps memory flat
# however many distinct documents arrive; the parse cache hands back the same operation object
# for the same query text. Large documents are planned again on each request (documents.py).
_PLAN_CACHE_SIZE = 1024
RootPlan = dict[GraphQLObjectType, list[_Field]]
_PLANS: OrderedDict[
    tuple[int, int], tuple[OperationDefinitionNode, GraphQLSchema, RootPlan | None]
] = OrderedDict()


class RelgraphExecutor(StrawberryGraphQLCoreExecutionContext):
    def execute_root_grouped_field_set(
        self,
        root_type: GraphQLObjectType,
        root_value: Any,
        grouped_field_set: GroupedFieldSet,
        serially: bool,
        position_context: Any,
    ) -> Any:
        plan = None if serially else self._root_plan()
        if plan is None:
            return super().execute_root_grouped_field_set(
                root_type, root_value, grouped_field_set, serially, position_context
            )
        fields = plan.get(root_type)
        if fields is None:
            fields = plan[root_type] = _compile(self.schema, root_type, grouped_field_set)
        return _execute_fields(self, fields, root_value, None)

    def _root_plan(self) -> RootPlan | None:
        """The operation's compiled root fields, by root type; None when graphql-core must run
        it."""
        operation = self.operation
        key = (id(operation), id(self.schema))
        entry = _PLANS.get(key)
        if entry is not None and entry[0] is operation and entry[1] is self.schema:
            _PLANS.move_to_end(key)
            plan = entry[2]
        else:
            plan = {} if self._compilable() else None
            if cacheable_node(operation):
                _PLANS[key] = (operation, self.schema, plan)
                if len(_PLANS) > _PLAN_CACHE_SIZE:
                    _PLANS.popitem(last=False)
        if (
            plan is None
            or self.abort_signal is not None
            or self.hooks is not None
            or self.field_resolver is not default_field_resolver  # plans assume the default
        ):
            return None
        manager = self.middleware_manager  # Strawberry passes one on every request, often empty
        if manager is not None and manager.middlewares:
            return None
        return plan

    def _compilable(self) -> bool:
        if self.operation.operation != OperationType.QUERY:
            return False
        if any(f.variable_signatures for f in self.fragments.values()):
            return False
        finder = _VariableDirectives()
        for node in (self.operation, *self.fragment_definitions.values()):
            visit(node, finder)
        return not finder.found


def compiled_fields(query: str) -> list[tuple[str, str]] | None:
    """Diagnostics: for the compiled plans of operations parsed from `query` (text as sent), each
    field compiled so far as ("Type.field", kind), the kind one of "read", "resolver", "wrapped"
    or "unread" (see _resolver_kind); None when no field of
    that text was compiled (it ran on graphql-core, or never ran). Sub-selections are compiled on
    first use, so run the document before asking."""
    found: list[tuple[str, str]] = []
    for operation, _schema, plan in list(_PLANS.values()):
        source = operation.loc.source.body if operation.loc else None
        if source != query or plan is None:
            continue
        pending = [field for fields in plan.values() for field in fields]
        while pending:
            field = pending.pop()
            found.append((f"{field.parent_name}.{field.name}", field.kind))
            if field.selection is not None:
                pending.extend(f for fs in field.selection.by_type.values() for f in fs)
    return found or None
