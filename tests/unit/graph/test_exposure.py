"""The score of a path and how a path reads: ties' weights, control, the fall with distance, a
path read from its other end, and its line of text."""

from __future__ import annotations

import pytest

from graph import exposure
from graph.exposure import HOP_DECAY, path_score, path_text, reversed_path, stored_ends
from graph.records import LinkRecord


def tie(a: str, b: str, kind: str, outgoing: bool = True, **attributes: object) -> LinkRecord:
    return LinkRecord(
        party_id=a,
        other_id=b,
        type=kind,
        outgoing=outgoing,
        current=True,
        **attributes,  # type: ignore[arg-type]
    )


def test_control_ties_count_most_and_a_controlling_stake_counts_fully() -> None:
    weights = {
        kind: exposure.tie_weight(tie("a", "b", kind))
        for kind in ("LEGAL_REP_OF", "EXECUTIVE_OF", "FAMILY_OF", "GUARANTEES", "EMPLOYED_BY")
    }
    assert weights["LEGAL_REP_OF"] > weights["EXECUTIVE_OF"] > weights["EMPLOYED_BY"]
    minority = exposure.tie_weight(tie("a", "b", "OWNS", share=0.3))
    larger = exposure.tie_weight(tie("a", "b", "OWNS", share=0.45))
    control = exposure.tie_weight(tie("a", "b", "OWNS", share=0.51))
    by_votes = exposure.tie_weight(tie("a", "b", "OWNS", share=0.2, voting_share=0.6))
    assert minority == pytest.approx(0.65) and minority < larger < control == by_votes == 1.0


def test_a_score_falls_with_every_hop() -> None:
    one_hop = (tie("a", "b", "OWNS", share=0.9),)
    two = (*one_hop, tie("b", "c", "OWNS", share=0.9))
    three = (*two, tie("c", "d", "LEGAL_REP_OF", outgoing=False))
    assert path_score(one_hop) == 100.0
    assert path_score(two) == 100 * HOP_DECAY
    assert path_score(three) == round(100 * HOP_DECAY**2 * 0.9, 2)
    assert path_score(one_hop) > path_score(two) > path_score(three)


def test_a_path_read_from_its_other_end_keeps_each_tie_as_stored() -> None:
    path = (
        tie("P1", "C2", "OWNS", share=0.35),
        tie("C2", "P3", "EXECUTIVE_OF", outgoing=False, title="董事"),
    )
    back = reversed_path(path)
    assert [(t.party_id, t.other_id, t.outgoing) for t in back] == [
        ("P3", "C2", True),
        ("C2", "P1", False),
    ]
    assert [stored_ends(t) for t in back] == [stored_ends(t) for t in reversed(path)]
    assert path_score(back) == path_score(path)
    assert exposure.path_parties(back) == ["P3", "C2", "P1"]


def test_the_text_of_a_path_shows_each_tie_in_its_stored_direction() -> None:
    path = (
        tie("P1", "C2", "OWNS", share=0.35),
        tie("C2", "P3", "EXECUTIVE_OF", outgoing=False, title="董事"),
        tie("P3", "P4", "FAMILY_OF", relation="SPOUSE"),
    )
    names = {"P1": "张三", "C2": "某公司", "P3": "李四", "P4": "王五"}
    assert path_text(path, names) == (
        "张三(P1) -[OWNS 35%]-> 某公司(C2) <-[EXECUTIVE_OF 董事]- 李四(P3) "
        "-[FAMILY_OF SPOUSE]-> 王五(P4)"
    )
    assert path_text((), names) == ""


def test_hops_are_clamped_to_what_the_statements_allow() -> None:
    assert [exposure.clamped_hops(h) for h in (-3, 0, 1, 3, 6, 9)] == [1, 1, 1, 3, 6, 6]
