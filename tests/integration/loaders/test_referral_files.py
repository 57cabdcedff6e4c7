"""Referral load files against the graph's state (queries/load/load_*.cypher): a published policy
version is never rewritten, a win must match a holding and a policy in force, unknown ids are
named, and the timeline and participants of a referral made through the API are the API's
alone. Each reject names its file, line, field and reason, and the rows around it load."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from neo4j import Driver

from graph.db import Neo4jConfig
from loaders.ingest import LoadSummary, Reject
from tests.helpers import cypher, one
from tests.loading import load, without_referrals

POLICY_COLUMNS = (
    *("product_line", "version", "effective_from"),
    *("referrer_share", "closer_share", "supporting_share", "points_rate"),
)
REFERRAL_COLUMNS = (
    *("id", "customer_id", "referrer_id", "recipient_id", "institution_id", "route", "stage"),
    *("created_at", "stage_changed_at", "won_product_id", "won_amount"),
)
AT = "2026-03-02T10:00:00+08:00"


def _write(folder: Path, name: str, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows(rows)


@pytest.fixture
def clean(
    driver: Driver, first_load: LoadSummary, neo4j_config: Neo4jConfig, bank_dir: Path
) -> Iterator[None]:
    """The test bank, without referrals or credit."""
    with without_referrals(driver, neo4j_config, bank_dir):
        yield


def _reasons(rejects: Sequence[Reject]) -> dict[tuple[str, int], tuple[str, str]]:
    return {(r.file, r.line): (r.field, r.reason) for r in rejects}


def test_referral_files_refuse_what_the_graph_forbids_and_load_the_rest(
    clean: None, neo4j_config: Neo4jConfig, driver: Driver, tmp_path: Path
) -> None:
    cast = one(
        driver,
        "MATCH (c:Customer)-[h:HOLDS]->(p:Product) WHERE h.until IS NULL "
        "MATCH (c)-[:HOME_BRANCH]->(b:Branch) "
        "MATCH (other:Product) WHERE other.type = p.type AND NOT EXISTS { (c)-[:HOLDS]->(other) } "
        "MATCH (e:Employee) WITH c, p, b, other, collect(e.id)[..3] AS staff "
        "RETURN c.id AS customer, p.id AS product, p.type AS line, b.id AS branch, "
        "other.id AS other, staff LIMIT 1",
    )
    referrer, recipient, helper = cast["staff"]
    line = cast["line"]
    first = tmp_path / "first"
    first.mkdir()
    policy_row = (line, "1", "2026-01-01", "30", "60", "10", "1")
    _write(first, "credit_policies", POLICY_COLUMNS, [policy_row])
    loaded = load(neo4j_config, first)
    assert loaded.rejected == 0

    folder = tmp_path / "second"
    folder.mkdir()
    _write(
        folder,
        "credit_policies",
        POLICY_COLUMNS,
        [
            (line, "1", "2026-01-01", "40", "50", "10", "1"),  # the same version rewritten
            ("FX", "1", "2026-01-01", "30", "60", "11", "1"),  # 101 %
        ],
    )
    _write(folder, "credit_policies.same", POLICY_COLUMNS, [policy_row])  # as held: no change
    who = (cast["customer"], referrer, recipient, cast["branch"], "WITHIN_BRANCH")
    _write(
        folder,
        "referrals",
        REFERRAL_COLUMNS,
        [
            ("RL1", *who, "WON", AT, AT, cast["product"], "1000.00"),  # loads
            ("RL2", *who, "WON", AT, AT, cast["other"], "1000.00"),  # not held
            ("RL3", *who, "WON", "2025-03-01T10:00:00+08:00", "2025-03-02T10:00:00+08:00",
             cast["product"], "1000.00"),  # no policy in force yet
            ("RL4", "NOBODY", referrer, recipient, "NOWHERE", "WITHIN_BRANCH", "LOST", AT, AT,
             "", ""),  # unknown ids
            ("RL5", *who, "WON", AT, AT, "", ""),  # a win without its product
            ("RL6", *who, "CONTACTED", AT, AT, "", ""),  # loads
        ],
    )  # fmt: skip
    summary = load(neo4j_config, folder)
    assert _reasons(summary.rejects) == {
        ("credit_policies.csv", 2): (
            "version",
            f"version 1 of the {line} policy is already published with other terms: publish the "
            "change as a new version",
        ),
        ("credit_policies.csv", 3): ("row", "the shares must sum to exactly 100"),
        ("referrals.csv", 3): (
            "won_product_id",
            "the customer does not hold this product on the day it was won or after",
        ),
        ("referrals.csv", 4): (
            "won_product_id",
            f"no credit policy for {line} is in force on 2025-03-02 (credit_policies.csv, or "
            "publishCreditPolicy)",
        ),
        ("referrals.csv", 5): (
            "customer_id, institution_id",
            "refers to an id that is not in the graph (as the kind this column needs)",
        ),
        ("referrals.csv", 6): ("row", "a WON referral needs won_product_id and won_amount"),
    }
    held = cypher(driver, "MATCH (r:Referral) RETURN r.id AS id ORDER BY id")
    assert [r["id"] for r in held] == ["RL1", "RL6"]
    policy = one(
        driver,
        "MATCH (p:CreditPolicy {product_line: $line}) RETURN p.referrer_share AS s",
        line=line,
    )
    assert policy["s"] == "30"
    # The win loaded is credited by the policy: referrer 30 %, closer 60 % and, with no
    # supporter, the supporting 10 % to the closer.
    assert summary.credit_entries == 2
    amounts = cypher(
        driver,
        "MATCH (e:LedgerEntry)-[:FOR_REFERRAL]->(:Referral {id: 'RL1'}) "
        "RETURN e.actor AS actor, e.payload AS payload ORDER BY e.seq",
    )
    assert [a["actor"] for a in amounts] == ["SYSTEM", "SYSTEM"]
    assert ['"amount":"300.00"' in a["payload"] for a in amounts] == [True, False]

    # A referral made through the API: its timeline and participants are the API's; a loaded
    # win credited already takes no new supporter.
    cypher(
        driver,
        "CREATE (:Referral {id: 'RAPI', stage: 'NEW', idem_key: 'id|RAPI'})",
    )
    third = tmp_path / "third"
    third.mkdir()
    _write(
        third,
        "referral_supporters",
        ("referral_id", "employee_id"),
        [("RAPI", helper), ("RL1", helper), ("RL6", helper), ("RL404", helper)],
    )
    _write(
        third,
        "referral_events",
        ("referral_id", "seq", "at", "action", "to_stage", "actor_kind"),
        [("RAPI", "1", AT, "CREATE", "NEW", "REFERRER"), ("RL6", "1", AT, "CREATE", "NEW",
                                                        "REFERRER")],
    )  # fmt: skip
    summary = load(neo4j_config, third)
    assert _reasons(summary.rejects) == {
        ("referral_events.csv", 2): (
            "referral_id",
            "the referral was made through the API, which alone writes its timeline",
        ),
        ("referral_supporters.csv", 2): (
            "referral_id",
            "the referral was made through the API: add its participants with "
            "addReferralParticipant",
        ),
        ("referral_supporters.csv", 3): (
            "referral_id",
            "the referral's credit is split already, so a supporter added now would get none",
        ),
        ("referral_supporters.csv", 5): (
            "referral_id",
            "refers to an id that is not in the graph (as the kind this column needs)",
        ),
    }
    supporting = cypher(
        driver,
        "MATCH (e:Employee)-[:PARTICIPATES {role: 'SUPPORTING'}]->(r:Referral) "
        "RETURN r.id AS referral, e.id AS employee",
    )
    assert supporting == [{"referral": "RL6", "employee": helper}]
    assert (
        one(driver, "MATCH (:Referral {id: 'RL6'})-[:HAS_EVENT]->(e) RETURN count(e) AS n")["n"]
        == 1
    )
