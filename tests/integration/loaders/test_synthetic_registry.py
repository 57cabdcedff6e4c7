"""Planted structures are independent: registering one more leaves every file the bank had
byte-identical, adds only files of its own, and those load with the rest of the folder."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import count
from pathlib import Path

import pytest
from neo4j import Driver

from graph.db import Database, Neo4jConfig
from graph.model import FamilyRelation, LinkType
from loaders.ingest import LoadSummary, load_folder
from loaders.plan import parse_table_file_name
from loaders.synthetic import GENERATOR_VERSION, bank_marker, generate_bank, generate_bank_once
from loaders.synthetic.ids import company_id, person_id, planted_block
from loaders.synthetic.planted import REGISTRY, PlantedEdge, Structure, check_registry
from tests.helpers import BANK_CUSTOMERS, BANK_SEED, graph_counts, one

EXTRA = "test_referrals"


class Referrals(Structure):
    """Test-only: a referrer who is our customer, two people they referred who are not, and
    ties from both of those into the world."""

    def plant(self) -> None:
        rng, pop = self.rng, self.population
        referrer = self.customer_person()
        referred = [self.fresh_person(with_id=1.0) for _ in range(2)]
        employer = company_id(pop.general_company(rng, pop.sme_low))
        relative = person_id(pop.general_person(rng))
        self.write_edge(PlantedEdge(LinkType.EMPLOYED_BY, referred[0], employer, title="职员"))
        sibling = FamilyRelation.SIBLING
        self.write_edge(PlantedEdge(LinkType.FAMILY_OF, referred[1], relative, relation=sibling))
        for person in referred:
            self.write_edge(
                PlantedEdge(LinkType.FAMILY_OF, referrer, person, relation=FamilyRelation.OTHER)
            )
        entry = self.prohibit(referred[1])
        self.write_truth(
            "referrals",
            [{"referrer_id": referrer, "referred_ids": referred, "list_entry_id": entry}],
        )


@contextmanager
def registered(name: str, structure: type[Structure], *, first: bool) -> Iterator[None]:
    """`structure` in the registry, before or after the others, for the block only."""
    saved = dict(REGISTRY)
    REGISTRY.clear()
    REGISTRY.update({name: structure, **saved} if first else {**saved, name: structure})
    try:
        yield
    finally:
        REGISTRY.clear()
        REGISTRY.update(saved)


def digest(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.mark.parametrize("first", [True, False], ids=["registered-first", "registered-last"])
def test_registering_a_structure_leaves_every_existing_file_byte_identical(
    bank_dir: Path, tmp_path: Path, first: bool
) -> None:
    with registered(EXTRA, Referrals, first=first):
        generate_bank(BANK_CUSTOMERS, BANK_SEED, tmp_path, progress=False)
    before, after = digest(bank_dir), digest(tmp_path)
    changed = [name for name, sha in before.items() if after.get(name) != sha]
    assert changed == []
    added = sorted(after.keys() - before.keys())
    parts = {parse_table_file_name(Path(name).name) for name in added}
    assert {part.part if part else None for part in parts} == {EXTRA}
    assert "ground_truth/referrals.test_referrals.jsonl" in added
    # The referrer is a customer with an ordinary customer's rows, all in the structure's parts.
    assert {"persons.test_referrals.csv", "customers.test_referrals.csv"} <= set(added)
    assert {"family_of.test_referrals.csv", "list_entries.test_referrals.csv"} <= set(added)


def test_a_registered_structure_loads_with_the_bank(
    first_load: LoadSummary,
    neo4j_config: Neo4jConfig,
    driver: Driver,
    tmp_path: Path,
) -> None:
    """The session's graph holds the bank without the extra structure; loading the folder with it
    adds the structure's rows and changes nothing else."""
    with registered(EXTRA, Referrals, first=False):
        generate_bank(BANK_CUSTOMERS, BANK_SEED, tmp_path, progress=False)
    truth_path = tmp_path / "ground_truth" / "referrals.test_referrals.jsonl"
    (truth,) = [json.loads(line) for line in truth_path.read_text(encoding="utf-8").splitlines()]
    ids = [truth["referrer_id"], *truth["referred_ids"], truth["list_entry_id"]]
    before = graph_counts(driver)

    async def load() -> LoadSummary:
        db = Database(neo4j_config)
        try:
            return await load_folder(db, tmp_path, progress=False)
        finally:
            await db.close()

    try:
        summary = asyncio.run(load())
        assert summary.rejected == 0, summary.rejects[:5]
        loaded = {f.file for f in summary.files}
        assert {"persons.test_referrals.csv", "family_of.test_referrals.csv"} <= loaded
        found = one(
            driver,
            "MATCH (r:Customer:Person {id: $referrer})-[:FAMILY_OF]->(p:Person) "
            "WHERE p.id IN $referred "
            "WITH r, collect(p.id) AS referred "
            "MATCH (w:Person {id: $referred[0]})-[:EMPLOYED_BY]->(employer:Company:Customer) "
            "MATCH (x:Person {id: $referred[1]})-[:LISTED]->(:ListEntry {id: $entry}) "
            "RETURN size(referred) AS referred, COUNT { (r)-[:HOLDS]->() } AS holdings",
            referrer=truth["referrer_id"],
            referred=truth["referred_ids"],
            entry=truth["list_entry_id"],
        )
        assert found["referred"] == 2
        assert found["holdings"] > 0
    finally:
        with driver.session() as session:
            # The fees, events and warnings of the structure's customer, then its own nodes.
            session.run(
                "MATCH (:Party {id: $referrer})--(n) WHERE n:Fee OR n:Interaction OR "
                "n:RiskWarning DETACH DELETE n",
                referrer=truth["referrer_id"],
            ).consume()
            session.run("MATCH (n) WHERE n.id IN $ids DETACH DELETE n", ids=ids).consume()
    assert graph_counts(driver) == before


def test_the_registry_refuses_names_that_cannot_label_files_or_share_an_id_block() -> None:
    with pytest.raises(ValueError, match="letters, digits"):
        check_registry({"group trees": Referrals})
    taken = planted_block("group_trees")
    twin = next(f"x{i}" for i in count() if planted_block(f"x{i}") == taken)
    with pytest.raises(ValueError, match="share id block"):
        check_registry({"group_trees": Referrals, twin: Referrals})
    check_registry(REGISTRY)


def test_the_bank_marker_names_the_generator_version_and_the_structures() -> None:
    marker = json.loads(bank_marker(BANK_CUSTOMERS, BANK_SEED))
    assert marker == {
        "customers": BANK_CUSTOMERS,
        "seed": BANK_SEED,
        "generator": GENERATOR_VERSION,
        "planted": sorted(REGISTRY),
    }
    with registered(EXTRA, Referrals, first=False):
        assert bank_marker(BANK_CUSTOMERS, BANK_SEED) != json.dumps(marker, sort_keys=True)


def test_a_bank_is_generated_once_per_marker_and_stale_parts_do_not_survive(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "demo"
    assert generate_bank_once(500, 3, folder, progress=False)
    assert (folder / ".complete").read_text(encoding="utf-8") == bank_marker(500, 3)
    written = digest(folder)
    assert not generate_bank_once(500, 3, folder, progress=False)
    assert digest(folder) == written
    # A folder left by another generator (or another size) is made again from scratch.
    (folder / ".complete").write_text('{"generator": 1}', encoding="utf-8")
    (folder / "owns.renamed_structure.csv").write_text("owner_id,company_id,share\n")
    assert generate_bank_once(500, 3, folder, progress=False)
    assert digest(folder) == written


def test_generating_over_an_older_bank_drops_tables_this_run_does_not_write(
    tmp_path: Path,
) -> None:
    stale = [
        tmp_path / "owns.renamed_structure.csv",
        tmp_path / "ground_truth/groups.gone.jsonl",
        tmp_path / "ground_truth/groups.jsonl",  # the older generator's layout
    ]
    kept = [
        tmp_path / "notes.txt",
        tmp_path / "owns.csv.bak",
        tmp_path / "notes.planted.csv",
        tmp_path / "ground_truth/x.txt",
    ]
    for path in stale + kept:
        path.parent.mkdir(exist_ok=True)
        path.write_text("", encoding="utf-8")
    summary = generate_bank(500, 3, tmp_path, progress=False)
    assert [path for path in stale if path.exists()] == []
    assert all(path.exists() for path in kept)
    assert "owns.group_trees.csv" in summary.rows_by_file
