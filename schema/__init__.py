"""The GraphQL schema: one root Query merged from the business areas."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from schema.org import OrgQuery
from schema.parties import Company, PartyQuery, Person
from schema.products import ProductQuery

Query = merge_types("Query", (PartyQuery, ProductQuery, OrgQuery))


def build_schema(
    extensions: Sequence[type[SchemaExtension] | SchemaExtension] = (),
    *,
    field_suggestions: bool = False,
) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        types=[Person, Company],
        # Strawberry accepts configured extension instances, though its annotation names factories.
        extensions=list[Any](extensions),
        config=StrawberryConfig(disable_field_suggestions=not field_suggestions),
    )
