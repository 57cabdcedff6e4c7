"""The synthetic bank: valid rows, whole references, exact planted ground truth. No database.

Every table is read whole: the world's `<name>.csv` and every planted structure's part,
`<name>.<structure>.csv`, as the loader reads them.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from loaders.ingest import find_inputs
from loaders.plan import LOAD_PLAN, parse_table_file_name
from loaders.synthetic import GROUND_TRUTH, GenerationSummary, generate_bank
from loaders.synthetic.ids import PLANTED_BASE, PLANTED_BLOCK, party_number, planted_block
from loaders.synthetic.planted import REGISTRY

CUSTOMERS = 1000
SEED = 20260630

# (file, from-column, to-column) of every relationship file: identity is (from, to).
PAIRS = {
    "part_of": ("branch_id", "parent_id"),
    "works_at": ("employee_id", "branch_id"),
    "manages": ("employee_id", "customer_id"),
    "issued": ("issuer_id", "product_id"),
    "underwrote": ("underwriter_id", "product_id"),
    "holds": ("holder_id", "product_id"),
    "owns": ("owner_id", "company_id"),
    "executive_of": ("person_id", "company_id"),
    "legal_rep_of": ("person_id", "company_id"),
    "employed_by": ("person_id", "company_id"),
    "family_of": ("person_id", "relative_id"),
    "guarantees": ("guarantor_id", "company_id"),
    "tagged": ("party_id", "tag_id"),
}
LINK_FILES = ("owns", "executive_of", "legal_rep_of", "employed_by", "family_of", "guarantees")
PARTY_COLUMNS = {
    "id", "party_id", "owner_id", "company_id", "person_id", "relative_id", "guarantor_id",
    "holder_id", "customer_id", "issuer_id", "underwriter_id",
}  # fmt: skip


def read(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def truth_files(folder: Path, table: str, suffix: str) -> list[Path]:
    """A ground-truth table's files: the world's and every structure's part."""
    found = []
    for path in sorted((folder / GROUND_TRUTH).iterdir()):
        parsed = parse_table_file_name(path.name)
        if parsed is not None and parsed.stem == table and parsed.suffix == suffix:
            found.append(path)
    assert found, table
    return found


def read_truth(folder: Path, table: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in truth_files(folder, table, ".csv"):
        rows.extend(read(path.parent, path.name))
    return rows


def read_jsonl(folder: Path, table: str) -> Iterator[dict[str, Any]]:
    for path in truth_files(folder, table, ".jsonl"):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                yield json.loads(line)


def is_world_file(relpath: str) -> bool:
    parsed = parse_table_file_name(Path(relpath).name)
    return parsed is None or parsed.part is None


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GenerationSummary]:
    out = tmp_path_factory.mktemp("bank")
    return out, generate_bank(CUSTOMERS, SEED, out, progress=False)


@pytest.fixture(scope="module")
def folder(bank: tuple[Path, GenerationSummary]) -> Path:
    return bank[0]


@pytest.fixture(scope="module")
def data(folder: Path) -> dict[str, list[dict[str, str]]]:
    """Every load type's rows, from all its files."""
    inputs = find_inputs(folder)
    return {
        spec.name: [row for path in inputs[spec.name] for row in read(folder, path.name)]
        for spec in LOAD_PLAN
    }


@pytest.fixture(scope="module")
def link_graph(data: dict[str, list[dict[str, str]]]) -> nx.Graph:
    graph = nx.Graph()
    for name in LINK_FILES:
        src, dst = PAIRS[name]
        graph.add_edges_from((row[src], row[dst]) for row in data[name])
    return graph


def test_every_load_file_is_written_with_the_model_header(
    folder: Path, bank: tuple[Path, GenerationSummary]
) -> None:
    summary = bank[1]
    inputs = find_inputs(folder)
    for spec in LOAD_PLAN:
        assert inputs[spec.name][0].name == f"{spec.name}.csv"
        for path in inputs[spec.name]:
            with path.open(encoding="utf-8", newline="") as handle:
                header = next(csv.reader(handle))
            assert header == list(spec.model.model_fields), path.name
            assert summary.rows_by_file[path.name] > 0, path.name
    assert summary.out == folder
    assert summary.seconds > 0


def test_each_structure_writes_parts_of_its_own_and_the_world_names_none_of_its_parties(
    folder: Path,
) -> None:
    """What keeps a structure from disturbing the rest: its rows go to its own parts, its
    parties come from its own id block, and no world row names any of them."""
    blocks = {name: planted_block(name) for name in REGISTRY}
    parts: set[str] = set()
    for path in sorted(folder.iterdir()):
        parsed = parse_table_file_name(path.name)
        if parsed is None:
            continue
        for row in read(folder, path.name):
            for column, value in row.items():
                if column not in PARTY_COLUMNS or value[:1] not in ("P", "C"):
                    continue
                if column == "id" and parsed.stem not in ("persons", "companies"):
                    continue
                number = party_number(value)
                if parsed.part is None:
                    assert number < PLANTED_BASE, (path.name, row)
                elif number >= PLANTED_BASE:
                    block = (number - PLANTED_BASE) // PLANTED_BLOCK
                    assert block == blocks[parsed.part], (path.name, row)
        if parsed.part is not None:
            parts.add(parsed.part)
    assert parts == set(REGISTRY)


def test_every_row_validates(data: dict[str, list[dict[str, str]]]) -> None:
    for spec in LOAD_PLAN:
        for line, row in enumerate(data[spec.name], start=2):
            cells = {k: v for k, v in row.items() if v != ""}
            try:
                spec.model.model_validate(cells)
            except ValueError as exc:  # pydantic's ValidationError is a ValueError
                pytest.fail(f"{spec.name}.csv:{line}: {exc}")


def test_node_ids_are_unique_and_party_spaces_do_not_collide(
    folder: Path, data: dict[str, list[dict[str, str]]]
) -> None:
    for name in (
        "persons",
        "companies",
        "branches",
        "employees",
        "products",
        "tags",
        "fees",
        "risk_warnings",
        "interactions",
        "list_entries",
    ):
        ids = [row["id"] for row in data[name]]
        assert len(ids) == len(set(ids)), name
    persons = {row["id"] for row in data["persons"]}
    companies = {row["id"] for row in data["companies"]}
    assert not persons & companies
    customers = [row["party_id"] for row in data["customers"]]
    assert len(customers) == len(set(customers))
    world_customers = read(folder, "customers.csv")
    assert len(world_customers) == CUSTOMERS
    assert CUSTOMERS < len(customers) <= CUSTOMERS * 1.05  # the structures' own customers
    national_ids = [row["national_id"] for row in data["persons"] if row["national_id"]]
    assert len(national_ids) == len(set(national_ids))
    codes = [row["credit_code"] for row in data["companies"]]
    assert len(codes) == len(set(codes))


def test_no_relationship_pair_appears_twice(data: dict[str, list[dict[str, str]]]) -> None:
    for name, (src, dst) in PAIRS.items():
        pairs = Counter((row[src], row[dst]) for row in data[name])
        dupes = [pair for pair, n in pairs.items() if n > 1]
        assert not dupes, f"{name}: {dupes[:3]}"


def test_every_reference_resolves_to_the_right_kind_of_node(
    data: dict[str, list[dict[str, str]]],
) -> None:
    persons = {row["id"] for row in data["persons"]}
    companies = {row["id"] for row in data["companies"]}
    parties = persons | companies
    customers = {row["party_id"] for row in data["customers"]}
    ids = {
        name: {row["id"] for row in data[name]}
        for name in ("branches", "employees", "products", "tags")
    }
    expected: dict[str, dict[str, set[str]]] = {
        "customers": {"party_id": parties, "home_branch_id": ids["branches"]},
        "part_of": {"branch_id": ids["branches"], "parent_id": ids["branches"]},
        "works_at": {"employee_id": ids["employees"], "branch_id": ids["branches"]},
        "manages": {"employee_id": ids["employees"], "customer_id": customers},
        "issued": {"issuer_id": companies, "product_id": ids["products"]},
        "underwrote": {"underwriter_id": companies, "product_id": ids["products"]},
        "holds": {"holder_id": parties, "product_id": ids["products"]},
        "owns": {"owner_id": parties, "company_id": companies},
        "executive_of": {"person_id": persons, "company_id": companies},
        "legal_rep_of": {"person_id": persons, "company_id": companies},
        "employed_by": {"person_id": persons, "company_id": companies},
        "family_of": {"person_id": persons, "relative_id": persons},
        "guarantees": {"guarantor_id": parties, "company_id": companies},
        "tagged": {"party_id": customers, "tag_id": ids["tags"]},
        "fees": {"party_id": customers, "product_id": ids["products"]},
        "risk_warnings": {"party_id": customers},
        "interactions": {"party_id": customers, "employee_id": ids["employees"]},
        "list_entries": {"party_id": parties},
    }
    for name, columns in expected.items():
        for column, allowed in columns.items():
            missing = {row[column] for row in data[name] if row[column]} - allowed
            assert not missing, f"{name}.{column}: {sorted(missing)[:3]}"


def test_same_seed_same_bytes_other_seed_other_bank(folder: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    other = tmp_path / "other"
    generate_bank(CUSTOMERS, SEED, again, progress=False)
    generate_bank(CUSTOMERS, SEED + 1, other, progress=False)
    assert digest(again) == digest(folder)
    other_digest = digest(other)
    # Which parts a structure writes depends on its rows (a risk warning or not), the world's
    # files do not.
    world = {name for name in digest(folder) if is_world_file(name)}
    assert world == {name for name in other_digest if is_world_file(name)}
    for name in ("persons.csv", "holds.csv", "owns.group_trees.csv"):
        assert other_digest[name] != digest(folder)[name], name


def test_too_small_a_bank_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least"):
        generate_bank(10, SEED, tmp_path, progress=False)


def test_segments_and_party_mix_look_like_a_bank(data: dict[str, list[dict[str, str]]]) -> None:
    segments = Counter(row["segment"] for row in data["customers"])
    assert 0.02 <= segments["KEY"] / len(data["customers"]) <= 0.10
    assert 0.15 <= segments["VALUE"] / len(data["customers"]) <= 0.35
    persons = sum(row["party_id"].startswith("P") for row in data["customers"])
    assert 0.70 <= persons / len(data["customers"]) <= 0.80
    assert len(data["persons"]) > persons  # owners, executives, relatives who are not customers
    institutions = {row["institution_type"] for row in data["companies"]}
    assert {"BANK", "SECURITIES", "INSURANCE", "FUND"} <= institutions
    assert {row["category"] for row in data["tags"]} >= {
        "BASIC", "CREDIT_RISK", "FINANCIAL_BEHAVIOUR", "NON_FINANCIAL_BEHAVIOUR", "CONTACT",
        "CHANNEL", "ANALYSIS",
    }  # fmt: skip
    product_types = {row["type"] for row in data["products"]}
    assert len(product_types) == 11


def test_key_and_value_customers_have_a_primary_manager_up_their_branch_chain(
    data: dict[str, list[dict[str, str]]],
) -> None:
    parent = {row["branch_id"]: row["parent_id"] for row in data["part_of"]}
    works = {row["employee_id"]: row["branch_id"] for row in data["works_at"] if not row["until"]}
    primary: dict[str, list[str]] = defaultdict(list)
    for row in data["manages"]:
        if row["role"] == "PRIMARY" and not row["until"]:
            primary[row["customer_id"]].append(row["employee_id"])
    for row in data["customers"]:
        if row["segment"] == "POTENTIAL":
            continue
        managers = primary[row["party_id"]]
        assert len(managers) == 1, row["party_id"]
        chain, branch = set(), row["home_branch_id"]
        while branch:
            chain.add(branch)
            branch = parent.get(branch, "")
        assert works[managers[0]] in chain, row["party_id"]


def test_fees_include_overdue_and_late_payments(data: dict[str, list[dict[str, str]]]) -> None:
    today = "2026-06-30"
    overdue = [r for r in data["fees"] if r["due_on"] < today and not r["paid_on"]]
    assert overdue
    assert all(float(r["paid"]) < float(r["billed"]) for r in overdue)
    assert any(r["paid_on"] and r["paid_on"] > r["due_on"] for r in data["fees"])
    assert all(r["billed_on"] <= today and (r["paid_on"] or today) <= today for r in data["fees"])


def test_debt_instruments_have_one_lead_and_several_holders(
    data: dict[str, list[dict[str, str]]],
) -> None:
    debt = {r["id"]: r for r in data["products"] if r["type"] == "DEBT_INSTRUMENT"}
    assert debt
    institutions = {r["id"] for r in data["companies"] if r["institution_type"]}
    roles: dict[str, list[str]] = defaultdict(list)
    shares: dict[str, float] = defaultdict(float)
    for row in data["underwrote"]:
        roles[row["product_id"]].append(row["role"])
        shares[row["product_id"]] += float(row["share"] or 0)
        assert row["underwriter_id"] in institutions
    issuers = Counter(r["product_id"] for r in data["issued"])
    holders = Counter(r["product_id"] for r in data["holds"])
    for product_id, product in debt.items():
        assert roles[product_id].count("LEAD") == 1, product_id
        assert len(roles[product_id]) <= 4
        assert shares[product_id] <= 1.0 + 1e-9
        assert issuers[product_id] == 1
        if product["status"] != "PLANNED":
            assert holders[product_id] >= 2, product_id


def test_ownership_stakes_of_a_company_sum_to_at_most_one(
    data: dict[str, list[dict[str, str]]],
) -> None:
    total: dict[str, float] = defaultdict(float)
    for row in data["owns"]:
        total[row["company_id"]] += float(row["share"])
    assert max(total.values()) <= 1.0 + 1e-9
    reps = Counter(row["company_id"] for row in data["legal_rep_of"] if not row["until"])
    assert max(reps.values()) == 1  # one legal representative per company


def test_heldout_holdings_are_disjoint_and_about_a_fifth(
    folder: Path, data: dict[str, list[dict[str, str]]]
) -> None:
    heldout = read_truth(folder, "heldout_holdings")
    customers = {row["party_id"] for row in data["customers"]}
    products = {row["id"]: row["type"] for row in data["products"]}
    visible = {
        (r["holder_id"], r["product_id"]) for r in data["holds"] if r["holder_id"] in customers
    }
    hidden = {(r["holder_id"], r["product_id"]) for r in heldout}
    assert len(hidden) == len(heldout)
    assert not visible & hidden
    assert all(r["holder_id"] in customers for r in heldout)
    assert all(products[r["product_id"]] == r["product_type"] for r in heldout)
    rate = len(hidden) / (len(hidden) + len(visible))
    assert 0.16 <= rate <= 0.24, rate
    # A held-out payroll service must not leak through the payroll flag on employments.
    hidden_payroll = {h for h, p in hidden if products[p] == "PAYROLL_SERVICE"}
    leaked = [
        r
        for r in data["employed_by"]
        if r["company_id"] in hidden_payroll and r["payroll_with_us"] == "true"
    ]
    assert not leaked


def test_latent_types_cover_every_customer(
    folder: Path, data: dict[str, list[dict[str, str]]]
) -> None:
    latent = {r["party_id"]: r["latent_type"] for r in read_truth(folder, "latent_types")}
    assert latent.keys() == {row["party_id"] for row in data["customers"]}
    assert len(set(latent.values())) == 7


def test_planted_blacklist_links_are_shortest_paths(
    folder: Path, data: dict[str, list[dict[str, str]]], link_graph: nx.Graph
) -> None:
    edges = {
        (name.upper(), row[PAIRS[name][0]], row[PAIRS[name][1]])
        for name in LINK_FILES
        for row in data[name]
    }
    active = {
        row["party_id"]
        for row in data["list_entries"]
        if row["list"] == "PROHIBITION" and not row["delisted_on"]
    }
    links = list(read_jsonl(folder, "blacklist_paths"))
    assert {link["hops"] for link in links} == {1, 2, 3, 4}
    rels = set()
    for link in links:
        assert link["blacklisted_id"] in active
        path = link["path"]
        assert len(path) == link["hops"]
        walk = [link["party_id"]]
        for step in path:
            assert (step["rel"], step["from"], step["to"]) in edges, step
            rels.add(step["rel"])
            walk.append(step["to"] if step["from"] == walk[-1] else step["from"])
            assert walk[-2] in (step["from"], step["to"])
        assert walk[-1] == link["blacklisted_id"]
        distance = nx.shortest_path_length(link_graph, link["party_id"], link["blacklisted_id"])
        assert distance == link["hops"], link
    assert rels == {name.upper() for name in LINK_FILES}
    assert any(link["party_is_customer"] for link in links)


def test_circular_chains_exist_and_are_the_only_ownership_cycles(
    folder: Path, data: dict[str, list[dict[str, str]]]
) -> None:
    owns = {(row["owner_id"], row["company_id"]) for row in data["owns"]}
    chains = list(read_jsonl(folder, "ownership_chains"))
    circular = [c for c in chains if c["circular"]]
    assert circular
    for chain in chains:
        ids = chain["company_ids"]
        assert 3 <= len(ids) <= 6
        steps = list(zip(ids, ids[1:] + ids[:1], strict=True))
        for step in steps if chain["circular"] else steps[:-1]:
            assert step in owns, (chain["chain_id"], step)
    graph = nx.DiGraph(list(owns))
    found = {frozenset(cycle) for cycle in nx.simple_cycles(graph)}
    assert found == {frozenset(c["company_ids"]) for c in circular}


def test_groups_are_exactly_the_persons_controlling_several_companies(
    folder: Path, data: dict[str, list[dict[str, str]]]
) -> None:
    control = nx.DiGraph(
        [(row["owner_id"], row["company_id"]) for row in data["owns"] if float(row["share"]) > 0.5]
    )
    controlled = {node: nx.descendants(control, node) for node in control if node.startswith("P")}
    several = {person: companies for person, companies in controlled.items() if len(companies) > 1}
    groups = list(read_jsonl(folder, "groups"))
    assert groups
    assert {g["controller_id"]: set(g["company_ids"]) for g in groups} == several


def test_linkage_ground_truth_matches_the_relationship_files(
    folder: Path, data: dict[str, list[dict[str, str]]]
) -> None:
    linkage = read_truth(folder, "linkage")
    customers = {row["party_id"] for row in data["customers"]}
    rows_by_link = {
        name.upper(): {(r["person_id"] if "person_id" in r else r["owner_id"], r["company_id"])
                       for r in data[name]}
        for name in ("owns", "executive_of", "legal_rep_of", "employed_by")
    }  # fmt: skip
    for row in linkage:
        assert (row["person_id"], row["company_id"]) in rows_by_link[row["link"]]
        assert (row["is_personal_customer"] == "true") == (row["person_id"] in customers)
    person_links = {(r["person_id"], r["company_id"]) for r in data["employed_by"]}
    assert person_links == {
        (r["person_id"], r["company_id"]) for r in linkage if r["link"] == "EMPLOYED_BY"
    }
    kinds = Counter((r["link"], r["is_personal_customer"]) for r in linkage)
    for link in ("OWNS", "EXECUTIVE_OF", "EMPLOYED_BY"):
        assert kinds[(link, "true")] and kinds[(link, "false")], link
    payroll = {r["payroll_with_us"] for r in linkage if r["link"] == "EMPLOYED_BY"}
    assert payroll == {"true", "false"}


def test_family_ties_respect_ages(data: dict[str, list[dict[str, str]]]) -> None:
    born = {row["id"]: row["birth_date"] for row in data["persons"]}
    relations = Counter(row["relation"] for row in data["family_of"])
    assert {"SPOUSE", "PARENT", "CHILD"} <= relations.keys()
    for row in data["family_of"]:
        person, relative = born[row["person_id"]], born[row["relative_id"]]
        if row["relation"] == "PARENT":  # the person is the relative's parent
            assert person < relative, row
        elif row["relation"] == "CHILD":
            assert person > relative, row


def test_national_ids_agree_with_birth_date_and_gender(
    data: dict[str, list[dict[str, str]]],
) -> None:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    for row in data["persons"]:
        nid = row["national_id"]
        if not nid:
            continue
        assert nid[6:14] == row["birth_date"].replace("-", ""), row
        assert int(nid[16]) % 2 == (1 if row["gender"] == "M" else 0), row
        check = "10X98765432"[sum(int(d) * w for d, w in zip(nid[:17], weights, strict=True)) % 11]
        assert nid[17] == check, row


def test_persons_only_hold_investments_within_their_risk_tolerance(
    folder: Path, data: dict[str, list[dict[str, str]]]
) -> None:
    tolerance = {r["party_id"]: int(r["risk_tolerance"][1]) for r in data["customers"]}
    products = {r["id"]: r for r in data["products"]}
    investments = {"WEALTH_MANAGEMENT", "DEBT_INSTRUMENT", "FX", "PENSION", "INSURANCE"}
    heldout = read_truth(folder, "heldout_holdings")
    checked = 0
    for row in data["holds"] + heldout:
        holder, product = row["holder_id"], products[row["product_id"]]
        if holder.startswith("P") and product["type"] in investments:
            assert int(product["risk_rating"][1]) <= tolerance[holder], row
            checked += 1
    assert checked
