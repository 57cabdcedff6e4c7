"""Constraints and indexes exist after `apply_schema`, and applying it again is harmless."""

from __future__ import annotations

import asyncio

from neo4j import Driver

from graph.db import Database, Neo4jConfig
from graph.schema import CONSTRAINT_NAMES, INDEX_NAMES, apply_schema
from loaders.ingest import LoadSummary


def test_constraints_and_indexes_are_in_place(first_load: LoadSummary, driver: Driver) -> None:
    with driver.session() as session:
        constraints = {r["name"]: r for r in session.run("SHOW CONSTRAINTS")}
        indexes = {r["name"]: r for r in session.run("SHOW INDEXES")}
        fulltext = session.run(
            "SHOW FULLTEXT INDEXES YIELD name, labelsOrTypes, properties, options "
            "WHERE name = 'party_names' RETURN *"
        ).single()
    assert set(constraints) >= CONSTRAINT_NAMES
    assert all(constraints[n]["type"] == "UNIQUENESS" for n in CONSTRAINT_NAMES)
    assert set(indexes) >= INDEX_NAMES
    assert all(indexes[n]["state"] == "ONLINE" for n in INDEX_NAMES)
    assert fulltext is not None
    assert set(fulltext["labelsOrTypes"]) == {"Person", "Company"}
    assert fulltext["options"]["indexConfig"]["fulltext.analyzer"] == "cjk"


def test_applying_the_schema_twice_changes_nothing(
    first_load: LoadSummary, neo4j_config: Neo4jConfig, driver: Driver
) -> None:
    def names() -> tuple[set[str], set[str]]:
        with driver.session() as session:
            return (
                {r["name"] for r in session.run("SHOW CONSTRAINTS")},
                {r["name"] for r in session.run("SHOW INDEXES")},
            )

    before = names()

    async def apply() -> None:
        db = Database(neo4j_config)
        try:
            await apply_schema(db)
        finally:
            await db.close()

    asyncio.run(apply())
    assert names() == before
