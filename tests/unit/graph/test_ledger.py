"""The ledger's chain: hashing, canonical content, and verify naming the first bad entry for each
kind of tampering (in memory; tests/integration/graph/test_ledger.py does it in Neo4j)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from decimal import Decimal

import pytest

from graph.ledger import GENESIS, Draft, LedgerEntry, canonical_json, chain, check_chain

AT = dt.datetime(2026, 6, 30, 9, 30, tzinfo=dt.UTC)


def entries(count: int = 5) -> list[LedgerEntry]:
    drafts = [
        Draft(
            "credit", f"R{i}", "E000001", {"amount": Decimal(f"{i}.10"), "on": dt.date(2026, 6, i)}
        )
        for i in range(1, count + 1)
    ]
    return chain("test", 0, GENESIS, drafts, AT)


def test_entries_are_numbered_from_one_and_chain_from_genesis() -> None:
    made = entries()
    assert [e.seq for e in made] == [1, 2, 3, 4, 5]
    assert made[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(made))
    assert len({e.hash for e in made}) == 5
    assert made[2].details() == {"amount": "3.10", "on": "2026-06-03"}
    # A later append continues the same chain.
    more = chain("test", made[-1].seq, made[-1].hash, [Draft("k", "s", "a", {})], AT)
    assert more[0].seq == 6 and more[0].prev_hash == made[-1].hash


def test_canonical_json_does_not_depend_on_key_order_and_keeps_decimals_exact() -> None:
    assert canonical_json({"b": 1, "a": Decimal("0.10")}) == canonical_json(
        {"a": Decimal("0.10"), "b": 1}
    )
    assert canonical_json({"x": Decimal("1234.50"), "n": "张三"}) == '{"n":"张三","x":"1234.50"}'
    with pytest.raises(TypeError):
        canonical_json({"x": object()})


def test_an_intact_chain_verifies() -> None:
    made = entries()
    verdict = check_chain("test", made, 5, made[-1].hash)
    assert verdict.ok and verdict.checked == 5
    assert check_chain("test", [], 0, None).ok


def test_an_edited_entry_is_named() -> None:
    made = entries()
    made[2] = dataclasses.replace(made[2], payload='{"amount":"999.10","on":"2026-06-03"}')
    verdict = check_chain("test", made, 5, made[-1].hash)
    assert (verdict.first_bad_seq, verdict.checked) == (3, 2)
    assert "edited" in (verdict.problem or "")


def test_a_deleted_entry_is_named() -> None:
    made = entries()
    del made[1]
    verdict = check_chain("test", made, 5, made[-1].hash)
    assert verdict.first_bad_seq == 2 and "missing" in (verdict.problem or "")


def test_a_deleted_last_entry_is_named_from_the_head() -> None:
    made = entries()
    head_hash = made[-1].hash
    verdict = check_chain("test", made[:-1], 5, head_hash)
    assert verdict.first_bad_seq == 5 and "head" in (verdict.problem or "")


def test_reordered_entries_are_named() -> None:
    made = entries()
    # Swap the places of entries 2 and 3, renumbering them so the numbers still run 1..5.
    second, third = made[1], made[2]
    made[1] = dataclasses.replace(third, seq=2)
    made[2] = dataclasses.replace(second, seq=3)
    verdict = check_chain("test", made, 5, made[-1].hash)
    assert verdict.first_bad_seq == 2 and "chain" in (verdict.problem or "")
