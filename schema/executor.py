"""A cheaper path through graphql-core for plain scalar fields.

A customer 360 answers ~230 fields and most are plain attributes (a name, an amount, a date).
graphql-core spends several microseconds on each: a resolve-info object, the resolver call, two
awaitable checks and the value-completion dispatch. For a field that Strawberry itself treats as
"basic" (no resolver, no field extensions) and whose type is a scalar or enum, the answer is
just the attribute, serialised. Anything else, including a null where the type forbids one or a
value the scalar refuses, takes graphql-core's own path, which reports it as usual.
"""

from __future__ import annotations

from collections.abc import Callable
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
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

_MISSING = object()


@dataclass(frozen=True, slots=True)
class _Leaf:
    attribute: str
    serialize: Callable[[Any], Any]
    nullable: bool


# (type name, field name) -> how to answer it directly, or None when graphql-core must. The
# schema is built once per process, so the plans are too.
_PLANS: dict[tuple[str, str], _Leaf | None] = {}


def _plan(parent_type: GraphQLObjectType, field_name: str) -> _Leaf | None:
    key = (parent_type.name, field_name)
    if key in _PLANS:
        return _PLANS[key]
    plan = None
    field_def = parent_type.fields.get(field_name)  # None for __typename and the like
    extensions = (field_def.extensions if field_def is not None else None) or {}
    definition = extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if field_def is not None and isinstance(definition, StrawberryField):
        return_type = field_def.type
        nullable = not isinstance(return_type, GraphQLNonNull)
        named = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
        if (
            definition.is_basic_field
            and not field_def.args
            and isinstance(named, GraphQLScalarType | GraphQLEnumType)
        ):
            plan = _Leaf(definition.python_name, named.serialize, nullable)
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
                value = getattr(source, plan.attribute, _MISSING)
                if value is None:
                    if plan.nullable:
                        return None
                elif value is not _MISSING:
                    serialized = plan.serialize(value)
                    if serialized is not None and serialized is not Undefined:
                        return serialized
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )
