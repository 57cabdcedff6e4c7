"""Blacklist clusters (禁止名单穿透): a prohibited party X and a path of four parties leading away
from it, X — n1 — n2 — n3 — n4, so that nk is linked to X at exactly k hops.

Ground truth: `blacklist_paths`, one object per (nk, X) with the path. Because every party of a
cluster is the structure's own, the cluster's only edges are its path and, for half the clusters,
one edge from n4 to a world party: the planted path is the unique shortest one.
"""

from __future__ import annotations

from typing import Any

from graph.model import FamilyRelation, LinkType
from loaders.synthetic.ids import company_id, is_person, person_id
from loaders.synthetic.planted.base import PlantedEdge, Structure
from loaders.synthetic.vocab import LatentType

OWNS = LinkType.OWNS
EXECUTIVE_OF = LinkType.EXECUTIVE_OF
LEGAL_REP_OF = LinkType.LEGAL_REP_OF
EMPLOYED_BY = LinkType.EMPLOYED_BY
FAMILY_OF = LinkType.FAMILY_OF
GUARANTEES = LinkType.GUARANTEES
PERSON, COMPANY = "P", "C"
HOPS = 4

Step = tuple[LinkType, str, bool]  # (rel, the new node's kind, the new node is the source)

# One step away from a node of the given kind.
_STEPS: dict[str, tuple[Step, ...]] = {
    COMPANY: (
        (OWNS, PERSON, True),
        (OWNS, COMPANY, True),
        (OWNS, COMPANY, False),
        (EXECUTIVE_OF, PERSON, True),
        (LEGAL_REP_OF, PERSON, True),
        (EMPLOYED_BY, PERSON, True),
        (GUARANTEES, PERSON, True),
        (GUARANTEES, COMPANY, True),
        (GUARANTEES, COMPANY, False),
    ),
    PERSON: (
        (OWNS, COMPANY, False),
        (EXECUTIVE_OF, COMPANY, False),
        (LEGAL_REP_OF, COMPANY, False),
        (EMPLOYED_BY, COMPANY, False),
        (GUARANTEES, COMPANY, False),
        (FAMILY_OF, PERSON, False),
        (FAMILY_OF, PERSON, True),
    ),
}
# The first two clusters follow these paths (X first) so that every relationship type is on
# some planted path even in the smallest bank.
_TEMPLATES: tuple[tuple[str, tuple[Step, ...]], ...] = (
    (
        COMPANY,
        (
            (OWNS, PERSON, True),
            (FAMILY_OF, PERSON, False),
            (EXECUTIVE_OF, COMPANY, False),
            (GUARANTEES, COMPANY, True),
        ),
    ),
    (
        PERSON,
        (
            (LEGAL_REP_OF, COMPANY, False),
            (EMPLOYED_BY, PERSON, True),
            (OWNS, COMPANY, False),
            (EXECUTIVE_OF, PERSON, True),
        ),
    ),
)
_TITLES = ("董事", "总经理", "财务总监", "副总经理", "监事")
_POSITIONS = ("业务经理", "财务主管", "销售总监", "出纳")


class BlacklistClusters(Structure):
    def plant(self) -> None:
        links: list[dict[str, Any]] = []
        for index in range(self.count(per=500, at_least=4)):
            links.extend(self._cluster(index))
        self.write_truth("blacklist_paths", links)

    def _cluster(self, index: int) -> list[dict[str, Any]]:
        rng = self.rng
        if index < len(_TEMPLATES):
            x_kind, steps = _TEMPLATES[index]
        else:
            x_kind, steps = (COMPANY if rng.random() < 0.65 else PERSON), ()
        # A prohibited person is listed by national id, so one is always on record.
        x_id = self.fresh_person(with_id=1.0) if x_kind == PERSON else self.fresh_company("shell")
        entry = self.prohibit(x_id)
        nodes: list[tuple[str, str]] = [(x_id, x_kind)]
        path: list[PlantedEdge] = []
        has_rep: set[str] = set()
        for hop in range(HOPS):
            prev_id, prev_kind = nodes[-1]
            if steps:
                rel, new_kind, new_is_src = steps[hop]
            else:
                options = [
                    s
                    for s in _STEPS[prev_kind]
                    if not (s[0] == LEGAL_REP_OF and prev_kind == COMPANY and prev_id in has_rep)
                ]
                rel, new_kind, new_is_src = rng.choice(options)
            new_id = self._node(new_kind)
            src, dst = (new_id, prev_id) if new_is_src else (prev_id, new_id)
            if rel == LEGAL_REP_OF:
                has_rep.add(dst)
            path.append(self._edge(rel, src, dst))
            nodes.append((new_id, new_kind))
        for edge in path:
            self.write_edge(edge)
        if rng.random() < 0.5:
            self._attach(nodes[-1][0])
        return [
            {
                "party_id": party,
                "blacklisted_id": x_id,
                "hops": hop,
                "path": [e.as_path_step() for e in reversed(path[:hop])],
                "party_is_customer": self.is_customer(party),
                "list_entry_id": entry,
            }
            for hop, (party, _) in enumerate(nodes[1:], start=1)
        ]

    def _node(self, kind: str) -> str:
        """About half the parties down a path are customers, the others not."""
        if kind == PERSON:
            return self.customer_person() if self.rng.random() < 0.5 else self.fresh_person()
        if self.rng.random() < 0.4:
            return self.customer_company(LatentType.SME)
        return self.fresh_company("shell")

    def _edge(self, rel: LinkType, src: str, dst: str) -> PlantedEdge:
        rng = self.rng
        if rel == OWNS:
            # Minority stakes only: a planted path must never create a controlling chain.
            return PlantedEdge(rel, src, dst, share=round(rng.uniform(0.05, 0.45), 4))
        if rel == EXECUTIVE_OF:
            return PlantedEdge(rel, src, dst, title=rng.choice(_TITLES))
        if rel == EMPLOYED_BY:
            return PlantedEdge(rel, src, dst, title=rng.choice(_POSITIONS))
        if rel == FAMILY_OF:
            # Ties that say nothing about age: the two people are born independently.
            relation = rng.choice(
                (FamilyRelation.SPOUSE, FamilyRelation.SIBLING, FamilyRelation.OTHER)
            )
            return PlantedEdge(rel, src, dst, relation=relation)
        if rel == GUARANTEES:
            return PlantedEdge(rel, src, dst, amount=round(rng.uniform(1e6, 2e8), -4))
        return PlantedEdge(rel, src, dst)

    def _attach(self, end: str) -> None:
        """One edge from the far (hop-4) end to a world party: the cluster's only way in or
        out, so the planted paths stay the unique shortest ones and world parties sit 5+ hops
        from the prohibited party."""
        rng = self.rng
        pop = self.population
        target = company_id(pop.general_company(rng, pop.fi_count + 1))
        if is_person(end):
            if rng.random() < 0.5:
                self.write_edge(PlantedEdge(EMPLOYED_BY, end, target, title="职员"))
            else:
                relative = person_id(pop.general_person(rng))
                edge = PlantedEdge(FAMILY_OF, end, relative, relation=FamilyRelation.OTHER)
                self.write_edge(edge)
        else:
            amount = round(rng.uniform(1e6, 5e7), -4)
            self.write_edge(PlantedEdge(GUARANTEES, end, target, amount=amount))
