"""Every person and company carries its name's pinyin sort key, including parties an older load
wrote without one: otherwise they would drop out of the customers list by name."""

from __future__ import annotations

from pathlib import Path

from neo4j import Driver

from graph.db import Neo4jConfig
from loaders.ingest import LoadSummary
from tests.helpers import cypher, one
from tests.loading import load


def test_every_party_of_the_bank_has_its_name_sort_key(
    first_load: LoadSummary, driver: Driver
) -> None:
    missing = one(driver, "MATCH (p:Party) WHERE p.name_sort_key IS NULL RETURN count(p) AS n")["n"]
    assert missing == 0
    sample = cypher(
        driver,
        "MATCH (p:Party) RETURN p.id AS id, p.name AS name, p.name_sort_key AS key "
        "ORDER BY p.id LIMIT 3",
    )
    assert all(row["key"].endswith("\x1f" + row["id"]) for row in sample)


def test_a_load_gives_keys_to_parties_an_older_load_left_without(
    first_load: LoadSummary, neo4j_config: Neo4jConfig, driver: Driver, tmp_path: Path
) -> None:
    try:
        with driver.session() as session:
            session.run(
                "CREATE (:Person:Party {id: 'NKX1', name: '曾小明'}), "
                "(:Company:Party {id: 'NKX2', name: '曾氏贸易'})"
            ).consume()
        folder = tmp_path / "bank"
        folder.mkdir()
        (folder / "tags.csv").write_text("id,name,category\nNKXT1,测试,BASIC\n", "utf-8")
        assert load(neo4j_config, folder).rejected == 0
        keys = cypher(
            driver,
            "MATCH (p:Party) WHERE p.id STARTS WITH 'NKX' "
            "RETURN p.id AS id, p.name_sort_key AS key ORDER BY id",
        )
        # The person's surname reads zēng; the company's 曾 keeps its everyday céng.
        assert keys == [
            {"id": "NKX1", "key": "zeng1曾 xiao3小 ming2明\x1fNKX1"},
            {"id": "NKX2", "key": "ceng2曾 shi4氏 mao4贸 yi4易\x1fNKX2"},
        ]
    finally:
        with driver.session() as session:
            session.run("MATCH (n) WHERE n.id STARTS WITH 'NKX' DETACH DELETE n").consume()
