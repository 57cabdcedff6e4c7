"""The caller's selection under the current field, read straight from the parsed document.

Resolvers use it to fetch in one statement everything the sub-selection will ask for. Strawberry's
`info.selected_fields` converts the whole subtree, directives and all, on every call: about a tenth
of a customer-360 request. Here only the levels looked at are walked. `@skip` and `@include` are
not evaluated, so a skipped field may be fetched but never answered: a superset, never a miss.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    ListValueNode,
    ObjectValueNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
)
from graphql.utilities import value_from_ast_untyped
from strawberry.types import Info

from schema.core.documents import cacheable_node


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
    variables = values if isinstance(values, dict) else values.coerced
    return fields_below(raw.field_nodes, raw.fragments, variables)


def fields_below(
    nodes: Iterable[FieldNode],
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: dict[str, Any],
) -> Iterator[SelectedField]:
    """The fields selected under `nodes`, fragments flattened, arguments read with `variables`."""
    document = _Document(fragments, variables)
    for node in nodes:
        yield from _fields(node.selection_set, document)


T = TypeVar("T")

# (what is worked out, the current field's nodes by identity) -> (those nodes, the answer, or
# _VARIES). The entry holds the nodes, so that their ids cannot be reused while it lives; bounded
# as the document caches are, and small documents only (documents.py).
_WORKED_OUT: OrderedDict[tuple[Any, ...], tuple[list[FieldNode], Any]] = OrderedDict()
_WORKED_OUT_SIZE = 4096
# Stands for the answer of a selection that names a variable: worked out on every call.
_VARIES = object()


def from_selection(info: Info[Any, Any], work_out: Callable[[Iterator[SelectedField]], T]) -> T:
    """`work_out(selected_fields(info))`, remembered for the current field's nodes when no
    argument under them names a variable: the answer then depends on the document alone, and
    front ends send the same few documents over and over. `work_out` must be a module-level
    function, so that it is the same object on every call."""
    nodes = info._raw_info.field_nodes
    key = (work_out, *map(id, nodes))
    entry = _WORKED_OUT.get(key)
    if entry is not None and all(a is b for a, b in zip(entry[0], nodes, strict=True)):
        _WORKED_OUT.move_to_end(key)
        if entry[1] is not _VARIES:
            answer: T = entry[1]
            return answer
        return work_out(selected_fields(info))
    answer = work_out(selected_fields(info))
    # The verdict is remembered too, so a selection that names a variable is walked once.
    if not cacheable_node(nodes[0]):
        return answer
    varies = any(_names_a_variable(field) for field in selected_fields(info))
    _WORKED_OUT[key] = (list(nodes), _VARIES if varies else answer)
    if len(_WORKED_OUT) > _WORKED_OUT_SIZE:
        _WORKED_OUT.popitem(last=False)
    return answer


def _names_a_variable(field: SelectedField) -> bool:
    return any(_has_variable(a.value) for a in field.node.arguments or ()) or any(
        _names_a_variable(child) for child in field.children()
    )


def _has_variable(value: ValueNode) -> bool:
    if isinstance(value, VariableNode):
        return True
    if isinstance(value, ListValueNode):
        return any(_has_variable(v) for v in value.values)
    if isinstance(value, ObjectValueNode):
        return any(_has_variable(f.value) for f in value.fields)
    return False


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
