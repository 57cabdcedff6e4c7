"""The GraphQL schema: root Query, Mutation and Subscription types merged from the business areas,
over the entities composed in schema/types.py."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from schema.compliance import ComplianceMutation, ComplianceQuery, ComplianceSubscription
from schema.core import internals
from schema.core.executor import RelgraphExecutor
from schema.crosssell import REASON_TYPES, CrossSellQuery
from schema.linkage import LinkageQuery, OpportunityMutation, OpportunityQuery
from schema.org import OrgQuery
from schema.parties import PartyQuery
from schema.products import ProductQuery
from schema.referrals import ReferralMutation, ReferralQuery
from schema.segments import SegmentMutation, SegmentQuery
from schema.types import CONCRETE_TYPES

Query = merge_types(
    "Query",
    (
        PartyQuery,
        ProductQuery,
        OrgQuery,
        SegmentQuery,
        CrossSellQuery,
        ComplianceQuery,
        LinkageQuery,
        OpportunityQuery,
        ReferralQuery,
    ),
)
# Mutations run on graphql-core's executor (schema/core/executor.py compiles queries only).
Mutation = merge_types(
    "Mutation", (SegmentMutation, ComplianceMutation, OpportunityMutation, ReferralMutation)
)
Subscription = merge_types("Subscription", (ComplianceSubscription,))


class RelgraphSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """api/errors.py logs unexpected errors once, with their error id; expected ones aren't
        worth a stack trace."""

    @property
    def hide_suggestions(self) -> bool:
        """No "Did you mean …?" in any error: it would name arguments, types, enum values and
        input fields the caller did not (api/app.py validates with the same setting)."""
        return self.config.disable_field_suggestions

    def _get_custom_context_kwargs(
        self, operation_extensions: dict[str, Any] | None = None, *, sync: bool = False
    ) -> dict[str, Any]:
        # Strawberry's own setting reaches only field suggestions in validation; the executor
        # coerces variables (enum values, input fields) itself and suggests names there too.
        kwargs = super()._get_custom_context_kwargs(operation_extensions, sync=sync)
        kwargs["hide_suggestions"] = self.hide_suggestions
        return kwargs


def build_schema(
    extensions: Sequence[type[SchemaExtension] | Callable[[], SchemaExtension]] = (),
    *,
    suggestions: bool = False,
    compiled: bool = True,
) -> strawberry.Schema:
    """`suggestions` lets errors say "Did you mean …?" (dev only: they reveal the schema).
    `compiled=False` runs every operation on graphql-core's own executor (the setting
    RELGRAPH_COMPILED_EXECUTOR): the reference the compiled executor is tested against. Refuses
    to build on library versions whose private names relgraph relies on have moved."""
    internals.require()
    return RelgraphSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[*CONCRETE_TYPES, *REASON_TYPES],
        extensions=list(extensions),
        config=StrawberryConfig(disable_field_suggestions=not suggestions),
        execution_context_class=RelgraphExecutor if compiled else None,
    )
