"""A cheaper path through graphql-core for the fields that need no Strawberry machinery.

A customer 360 answers a few hundred fields, and most are plain attributes (a name, an amount, a
date) or argument-free methods of the object (a total, a masked-free flag, a linked party).
graphql-core and Strawberry spend tens of microseconds on each: Strawberry's resolver wrapper
parses arguments, builds an Info, runs the extension chain; graphql-core builds a resolve-info and
checks awaitables twice. Two kinds of field skip that:

- a "basic" field (Strawberry's term: no resolver, no field extensions), read by attribute;
- a field whose resolver is a plain synchronous method taking only `self`: no arguments, no info,
  no extensions, so there is nothing for Strawberry to prepare and the method is called directly.

A scalar or enum value is serialised on the spot. Anything else (an object, a list, an abstract
type) is completed by graphql-core's own `complete_value`, inside the same error handling that
graphql-core's `execute_field` applies. A null where the type forbids one, a value the scalar
refuses, or a method that raises take graphql-core's path, which reports them as usual.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    Undefined,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.execution.executor import to_nodes
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

_MISSING = object()


@dataclass(frozen=True, slots=True)
class _Plan:
    # The field's value from its parent object.
    read: Callable[[Any], Any]
    # For a scalar or enum: its serialiser; None for objects, lists and abstract types.
    serialize: Callable[[Any], Any] | None
    nullable: bool


def _attribute(name: str) -> Callable[[Any], Any]:
    def read(source: Any) -> Any:
        return getattr(source, name, _MISSING)

    return read


def _reader(definition: StrawberryField) -> Callable[[Any], Any] | None:
    if definition.extensions:
        return None
    if definition.is_basic_field:
        return _attribute(definition.python_name)
    resolver = definition.base_resolver
    if (
        resolver is not None
        and not resolver.is_async
        and not resolver.arguments
        and resolver.self_parameter is not None
        and resolver.info_parameter is None
        and resolver.root_parameter is None
        and resolver.parent_parameter is None
    ):
        method = resolver.wrapped_func
        return method if callable(method) else None
    return None


# (type name, field name) -> how to answer it directly, or None when graphql-core must. The
# schema is built once per process, so the plans are too.
_PLANS: dict[tuple[str, str], _Plan | None] = {}


def _plan(parent_type: GraphQLObjectType, field_name: str) -> _Plan | None:
    key = (parent_type.name, field_name)
    if key in _PLANS:
        return _PLANS[key]
    plan = None
    field_def = parent_type.fields.get(field_name)  # None for __typename and the like
    extensions = (field_def.extensions if field_def is not None else None) or {}
    definition = extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if field_def is not None and isinstance(definition, StrawberryField) and not field_def.args:
        read = _reader(definition)
        if read is not None:
            return_type = field_def.type
            nullable = not isinstance(return_type, GraphQLNonNull)
            named = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
            serialize = (
                named.serialize if isinstance(named, GraphQLScalarType | GraphQLEnumType) else None
            )
            plan = _Plan(read, serialize, nullable)
    _PLANS[key] = plan
    return plan


class RelgraphExecutor(StrawberryGraphQLCoreExecutionContext):
    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        # Strawberry passes a manager on every request, empty unless an extension wraps resolvers.
        manager = self.middleware_manager
        if manager is None or not manager.middlewares:
            plan = _plan(parent_type, field_details_list[0].node.name.value)
            if plan is not None:
                if plan.serialize is not None:
                    answered = _leaf(plan, plan.serialize, source)
                    if answered is not _MISSING:
                        return answered
                else:
                    return self._complete(
                        plan, parent_type, source, field_details_list, path, position_context
                    )
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    def _complete(
        self,
        plan: _Plan,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        """graphql-core's execute_field for an object, list or abstract value, without the
        resolver wrapping: the value is read, then completed and its errors located as there."""
        field_def = parent_type.fields[field_details_list[0].node.name.value]
        return_type = field_def.type
        info = self.build_resolve_info(field_def, to_nodes(field_details_list), parent_type, path)
        try:
            result = plan.read(source)
            if result is _MISSING:
                raise AttributeError(
                    f"{parent_type.name} object has no value for {info.field_name}"
                )
            completed = self.complete_value(
                return_type, field_details_list, info, path, result, position_context
            )
            if self.is_awaitable(completed):
                return self._await_completed(completed, return_type, field_details_list, path)
        except Exception as raw_error:  # located and reported, as graphql-core does
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None
        return completed

    async def _await_completed(
        self,
        completed: Awaitable[Any],
        return_type: Any,
        field_details_list: FieldDetailsList,
        path: Path,
    ) -> Any:
        try:
            return await completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None


def _leaf(plan: _Plan, serialize: Callable[[Any], Any], source: Any) -> Any:
    """The serialised value, or _MISSING when graphql-core must answer (and report) it."""
    try:
        value = plan.read(source)
        if value is None:
            return None if plan.nullable else _MISSING
        if value is _MISSING:
            return _MISSING
        serialized = serialize(value)
    except Exception:  # graphql-core reads it again and reports the error
        return _MISSING
    if serialized is None or serialized is Undefined:
        return _MISSING
    return serialized
