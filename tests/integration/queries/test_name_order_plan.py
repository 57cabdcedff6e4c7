"""The customers list by name reads the pinyin sort-key index in order and stops at the page: no
sort of every customer in scope, however many there are."""

from __future__ import annotations

from typing import Any

import pytest
from neo4j import Driver

from loaders.ingest import LoadSummary
from queries import CypherQuery, Q


def _operators(plan: dict[str, Any]) -> list[tuple[str, str]]:
    own = (plan["operatorType"].split("@")[0], str(plan.get("args", {}).get("Details", "")))
    return [own, *(op for child in plan.get("children", []) for op in _operators(child))]


@pytest.mark.parametrize("query", [Q.customers_by_name_asc, Q.customers_by_name_desc])
@pytest.mark.parametrize("scope", [None, ["B0001"]])
def test_the_name_order_is_read_from_the_sort_key_index(
    driver: Driver, first_load: LoadSummary, query: CypherQuery, scope: list[str] | None
) -> None:
    params: dict[str, Any] = {**dict.fromkeys(query.params), "scope": scope}
    params.update(offset=0, limit=51)
    with driver.session() as session:
        plan = session.run("EXPLAIN " + query.text, params).consume().plan
    assert plan is not None
    operators = _operators(plan)
    scans = [details for op, details in operators if op.startswith("NodeIndexScan")]
    assert scans and all("name_sort_key" in details for details in scans), operators
    assert [op for op, _ in operators if "Sort" in op or op == "Top"] == [], operators
