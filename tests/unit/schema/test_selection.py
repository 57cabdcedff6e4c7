"""Reading the selection under a customer: which detail parts one statement must fetch."""

from __future__ import annotations

from typing import Any

from graphql import FieldNode, FragmentDefinitionNode, OperationDefinitionNode, parse

from graph.parties import DetailParts
from schema.core.details import DEFAULT_FEE_ITEMS, DEFAULT_LINKS, page_parts, parts_for
from schema.core.selection import SelectedField, fields_below


def below_root(text: str, variables: dict[str, Any] | None = None) -> list[SelectedField]:
    document = parse(text)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    root = operation.selection_set.selections[0]
    assert isinstance(root, FieldNode)
    return list(fields_below([root], fragments, variables or {}))


def test_every_part_the_selection_asks_for_through_fragments_and_variables() -> None:
    fields = below_root(
        """
        query($n: Int, $types: [LinkType!]) {
          customer(id: "C1") {
            name
            homeBranch { name }
            holdings(first: $n) { totalCount }
            fees { owed }
            linkedParties(types: $types) { role party { name } }
            ...More
            ... on Customer { interestSummary { topic } }
          }
        }
        fragment More on Customer { tagsByCategory { category } riskWarnings(first: 3) { id } }
        """,
        {"n": 7, "types": ["OWNS", "EMPLOYED_BY"]},
    )
    assert parts_for(fields) == DetailParts(
        branch=True,
        holdings=(0, 7, False),
        fee_items=DEFAULT_FEE_ITEMS,
        links=(("EMPLOYED_BY", "OWNS"), DEFAULT_LINKS, False, False),
        tags=True,
        warnings=3,
        interests=True,
    )


def test_a_linked_party_asked_for_more_than_its_summary_comes_whole() -> None:
    summary = below_root("{ customer(id: 1) { linkedParties { party { id name } } } }")
    whole = below_root(
        "{ customer(id: 1) { linkedParties { party { ... on Person { phone } } } } }"
    )
    assert parts_for(summary).links == (None, DEFAULT_LINKS, False, False)
    assert parts_for(whole).links == (None, DEFAULT_LINKS, True, False)


def test_ended_holdings_and_ties_are_read_from_literals_and_variables() -> None:
    """The 360 stays one statement when it asks for ended positions or ties: the selection
    analysis must see includeEnded however it is given (a null reads as false)."""
    fields = below_root(
        """
        query($ended: Boolean) {
          customer(id: 1) {
            holdings(first: 5, includeEnded: true) { totalCount }
            linkedParties(includeEnded: $ended) { role }
          }
        }
        """,
        {"ended": True},
    )
    assert parts_for(fields) == DetailParts(
        holdings=(0, 5, True), links=(None, DEFAULT_LINKS, False, True)
    )
    unset = below_root(
        "query($e: Boolean) { customer(id: 1) { linkedParties(includeEnded: $e) { role } } }",
        {"e": None},
    )
    assert parts_for(unset).links == (None, DEFAULT_LINKS, False, False)


def test_arguments_the_resolver_would_refuse_are_left_to_it() -> None:
    fields = below_root(
        "{ customer(id: 1) { holdings(first: 101) { totalCount } managers { role } } }"
    )
    assert parts_for(fields) == DetailParts(managers=True)


def test_a_page_of_customers_reads_the_parts_under_its_edges() -> None:
    fields = below_root("{ customers { totalCount edges { node { homeBranch { name } } } } }")
    assert page_parts(fields) == DetailParts(branch=True)
    assert parts_for(fields) == DetailParts()
