"""Effective shares: products along each simple path, summed over paths, exact, cycles ending."""

from __future__ import annotations

from decimal import Decimal

from graph.ownership import EVIDENCE_PATHS, Stake, effective_holdings, effective_owners


def stakes(*triples: tuple[str, str, str]) -> list[Stake]:
    return [Stake(owner, company, Decimal(share)) for owner, company, share in triples]


def test_a_chain_multiplies_exactly() -> None:
    held = effective_holdings(stakes(("P", "A", "0.51"), ("A", "B", "0.6"), ("B", "C", "0.7")), "P")
    assert held["A"].share == Decimal("0.51")
    assert held["B"].share == Decimal("0.306")
    assert held["C"].share == Decimal("0.2142")
    assert held["C"].paths == [(("P", "A", "B", "C"), Decimal("0.2142"))]
    assert held["A"].direct and not held["C"].direct


def test_paths_are_summed_over_every_simple_path() -> None:
    # P holds C directly and through A and through B.
    held = effective_holdings(
        stakes(
            ("P", "C", "0.1"),
            ("P", "A", "0.5"),
            ("A", "C", "0.2"),
            ("P", "B", "0.4"),
            ("B", "C", "0.5"),
        ),
        "P",
    )
    assert held["C"].share == Decimal("0.1") + Decimal("0.10") + Decimal("0.20")
    assert held["C"].path_count == 3
    assert held["C"].paths[0][0] == ("P", "B", "C")  # strongest first


def test_a_cycle_terminates_and_is_not_counted_twice() -> None:
    # P → A → B → C → A: the loop back into A is not a simple path from P.
    cycle = stakes(("P", "A", "0.6"), ("A", "B", "0.8"), ("B", "C", "0.7"), ("C", "A", "0.3"))
    held = effective_holdings(cycle, "P")
    assert held["A"].share == Decimal("0.6")
    assert held["B"].share == Decimal("0.48")
    assert held["C"].share == Decimal("0.336")
    assert "P" not in held


def test_the_depth_limit_cuts_long_chains() -> None:
    chain = stakes(*[(f"N{i}", f"N{i + 1}", "0.9") for i in range(10)])
    assert sorted(effective_holdings(chain, "N0", max_depth=3)) == ["N1", "N2", "N3"]


def test_owners_read_upwards_with_paths_from_owner_to_company() -> None:
    owners = effective_owners(
        stakes(("P", "A", "0.5"), ("Q", "A", "0.5"), ("A", "T", "0.6"), ("P", "T", "0.1")), "T"
    )
    assert owners["P"].share == Decimal("0.1") + Decimal("0.30")
    assert owners["Q"].share == Decimal("0.30")
    assert owners["A"].share == Decimal("0.6")
    assert (("P", "A", "T"), Decimal("0.30")) in owners["P"].paths


def test_evidence_keeps_the_strongest_paths_but_counts_all() -> None:
    many = stakes(
        *[("P", f"M{i}", "0.5") for i in range(8)],
        *[(f"M{i}", "T", f"0.0{i + 1}") for i in range(8)],
    )
    held = effective_holdings(many, "P")["T"]
    assert held.path_count == 8 and len(held.paths) == EVIDENCE_PATHS
    assert held.paths[0][0] == ("P", "M7", "T")
    assert held.share == sum(
        (Decimal("0.5") * Decimal(f"0.0{i + 1}") for i in range(8)), Decimal(0)
    )
