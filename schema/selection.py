"""The caller's selection under the current field, read straight from the parsed document.

Resolvers use it to fetch in one statement everything the sub-selection will ask for. Strawberry's
`info.selected_fields` converts the whole subtree, directives and all, on every call: about a tenth
of a customer-360 request. Here only the levels looked at are walked. `@skip` and `@include` are
not evaluated, so a skipped field may be fetched but never answered: a superset, never a miss.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
)
from graphql.utilities import value_from_ast_untyped
from strawberry.types import Info


@dataclass(frozen=True, slots=True)
class _Document:
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: dict[str, Any]


@dataclass(frozen=True, slots=True)
class SelectedField:
    node: FieldNode
    document: _Document

    @property
    def name(self) -> str:
        return self.node.name.value

    def arguments(self) -> dict[str, Any]:
        """Literal and variable arguments as Python values (enum literals as their names)."""
        variables = self.document.variables
        return {
            argument.name.value: value_from_ast_untyped(argument.value, variables)
            for argument in self.node.arguments or ()
        }

    def children(self) -> Iterator[SelectedField]:
        return _fields(self.node.selection_set, self.document)


def selected_fields(info: Info[Any, Any]) -> Iterator[SelectedField]:
    """The fields selected on the current field's result, fragments flattened. Every node of the
    current field counts: `{ a: customer(id: 1) { x } a: customer(id: 1) { y } }` selects both."""
    raw = info._raw_info
    # graphql-core types this as VariableValues but hands resolvers the plain coerced dict.
    values: Any = raw.variable_values
    document = _Document(raw.fragments, values if isinstance(values, dict) else values.coerced)
    for node in raw.field_nodes:
        yield from _fields(node.selection_set, document)


def children_named(fields: Iterable[SelectedField], name: str) -> Iterator[SelectedField]:
    """The sub-fields of every field called `name` (as in `edges { node { … } }`)."""
    for field in fields:
        if field.name == name:
            yield from field.children()


def _fields(selection_set: SelectionSetNode | None, document: _Document) -> Iterator[SelectedField]:
    if selection_set is None:
        return
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield SelectedField(selection, document)
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(selection.selection_set, document)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = document.fragments.get(selection.name.value)
            if fragment is not None:
                yield from _fields(fragment.selection_set, document)
