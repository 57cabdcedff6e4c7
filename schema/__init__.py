"""The GraphQL schema: one root Query merged from the business areas."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from schema.executor import RelgraphExecutor
from schema.org import OrgQuery
from schema.parties import Company, PartyQuery, Person
from schema.products import ProductQuery

Query = merge_types("Query", (PartyQuery, ProductQuery, OrgQuery))


class RelgraphSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """api/errors.py logs unexpected errors once, with their error id; expected ones aren't
        worth a stack trace."""


def build_schema(
    extensions: Sequence[type[SchemaExtension] | Callable[[], SchemaExtension]] = (),
    *,
    field_suggestions: bool = False,
) -> strawberry.Schema:
    return RelgraphSchema(
        query=Query,
        types=[Person, Company],
        extensions=list(extensions),
        config=StrawberryConfig(disable_field_suggestions=not field_suggestions),
        execution_context_class=RelgraphExecutor,
    )
