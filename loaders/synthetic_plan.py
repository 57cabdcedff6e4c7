"""The planted structures of the synthetic bank, decided before any row is written.

Three kinds of structure are planted, each small (O(customers / 500)) and kept in memory:

* groups: a controlling person owns >50% of a top company that owns >50% of subsidiaries, down
  3-6 company levels (集团客户, 实际控制人);
* ownership cycles: A owns B owns C owns A, with or without a controlling person (循环持股);
* blacklist clusters: a prohibited party and a path of 4 fresh parties leading away from it, so
  that the party k steps down the path is linked to the prohibited one at exactly k hops.

Parties of the structures are either fresh non-customers or *reserved* customers taken from the
tail of the customer id ranges. The random ("general") part of the generator only ever picks
parties from the general ranges, which is what keeps the planted facts exact; see
docs/synthetic-bank.md for what is guaranteed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from random import Random
from typing import Any

from graph.model import FamilyRelation, LinkType

OWNS = LinkType.OWNS
EXECUTIVE_OF = LinkType.EXECUTIVE_OF
LEGAL_REP_OF = LinkType.LEGAL_REP_OF
EMPLOYED_BY = LinkType.EMPLOYED_BY
FAMILY_OF = LinkType.FAMILY_OF
GUARANTEES = LinkType.GUARANTEES
LINK_RELS = tuple(LinkType)

PERSON, COMPANY = "P", "C"


def person_id(number: int) -> str:
    return f"P{number:08d}"


def company_id(number: int) -> str:
    return f"C{number:08d}"


def party_id(kind: str, number: int) -> str:
    return person_id(number) if kind == PERSON else company_id(number)


@dataclass(frozen=True)
class PlanEdge:
    rel: str
    src: str
    dst: str
    share: float | None = None  # OWNS
    title: str | None = None  # EXECUTIVE_OF title, EMPLOYED_BY position
    relation: FamilyRelation | None = None  # FAMILY_OF
    amount: float | None = None  # GUARANTEES

    def as_path_step(self) -> dict[str, str]:
        return {"from": self.src, "rel": self.rel, "to": self.dst}


@dataclass(frozen=True)
class FreshParty:
    kind: str
    number: int
    flavour: str  # what to name it after: "holding", "shell", "person", "prohibited"


@dataclass
class Plan:
    """Everything planted, plus which customer numbers the general generator must leave alone."""

    persons: int  # customer persons are P00000001..P{persons}
    companies: int  # customer companies are C00000001..C{companies}
    controllers: list[int] = field(default_factory=list)  # reserved customer persons
    isolated_persons: set[int] = field(default_factory=set)  # reserved, in blacklist clusters
    isolated_companies: set[int] = field(default_factory=set)
    planned_owners: set[int] = field(default_factory=set)  # customer companies owned by plan
    planned_rep: set[int] = field(default_factory=set)  # customer companies whose rep is planned
    fresh: list[FreshParty] = field(default_factory=list)
    fresh_persons: set[int] = field(default_factory=set)  # numbers the general counter skips
    fresh_companies: set[int] = field(default_factory=set)
    edges: list[PlanEdge] = field(default_factory=list)
    prohibited: list[str] = field(default_factory=list)  # planted prohibited party ids
    links: list[dict[str, Any]] = field(default_factory=list)
    chains: list[dict[str, Any]] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)

    @property
    def reserved_persons(self) -> set[int]:
        return self.isolated_persons | set(self.controllers)


# One step away from a node of the given kind: (rel, new node's kind, new node is the source).
_STEPS: dict[str, tuple[tuple[str, str, bool], ...]] = {
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
_TEMPLATES: tuple[tuple[str, tuple[tuple[str, str, bool], ...]], ...] = (
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
_CLUSTER_TITLES = ("董事", "总经理", "财务总监", "副总经理", "监事")
_CLUSTER_POSITIONS = ("业务经理", "财务主管", "销售总监", "出纳")
HOPS = 4


class Planner:
    def __init__(
        self,
        rng: Random,
        persons: int,
        companies: int,
        fi_count: int,
        large_count: int,
    ) -> None:
        self.rng = rng
        self.plan = Plan(persons=persons, companies=companies)
        self._fi = fi_count
        self._large = large_count
        self._sme_low = fi_count + large_count + 1
        # Planted parties are scattered over the id spaces, so that neither their ids nor their
        # neighbours' ids give them away: reserved customers anywhere among the customers, fresh
        # parties anywhere in the stretch of ids the general generator's fresh parties will use.
        self._fresh_span = {PERSON: max(500, persons), COMPANY: max(200, companies // 4)}
        self._used: dict[str, set[int]] = {PERSON: set(), COMPANY: set()}
        self._reserved: frozenset[int] = frozenset()  # set once every reservation is made

    # --- id allocation ---------------------------------------------------------------------

    def _free(self, kind: str, low: int, high: int) -> int:
        used = self._used[kind]
        while True:
            number = self.rng.randint(low, high)
            if number not in used:
                used.add(number)
                return number

    def _fresh(self, kind: str, flavour: str) -> str:
        base = self.plan.persons if kind == PERSON else self.plan.companies
        number = self._free(kind, base + 1, base + self._fresh_span[kind])
        (self.plan.fresh_persons if kind == PERSON else self.plan.fresh_companies).add(number)
        self.plan.fresh.append(FreshParty(kind, number, flavour))
        return party_id(kind, number)

    def _reserve(self, kind: str) -> tuple[int, str]:
        """A customer taken out of the general pool (persons anywhere, companies among SMEs)."""
        if kind == PERSON:
            number = self._free(PERSON, 1, self.plan.persons)
        else:
            number = self._free(COMPANY, self._sme_low, self.plan.companies)
        return number, party_id(kind, number)

    def _customer_company(self, low: int, high: int) -> int:
        return self._free(COMPANY, low, high)

    def general_person(self) -> int:
        while True:
            number = self.rng.randint(1, self.plan.persons)
            if number not in self._reserved:
                return number

    def general_company(self, low: int) -> int:
        while True:
            number = self.rng.randint(low, self.plan.companies)
            if number not in self.plan.isolated_companies:
                return number

    # --- structures ------------------------------------------------------------------------

    def build(self, clusters: int, groups: int, cycles: int) -> Plan:
        for c in range(clusters):
            self._cluster(c)
        for g in range(groups):
            self._group(g)
        for y in range(cycles):
            self._cycle(y, controlled=y % 2 == 0)
        self._reserved = frozenset(self.plan.reserved_persons)
        self._attach()
        return self.plan

    def _cluster(self, index: int) -> None:
        rng = self.rng
        if index < len(_TEMPLATES):
            x_kind, steps = _TEMPLATES[index]
        else:
            x_kind, steps = (COMPANY if rng.random() < 0.65 else PERSON), ()
        x_id = self._fresh(x_kind, "prohibited")
        self.plan.prohibited.append(x_id)
        nodes: list[tuple[str, str, bool]] = [(x_id, x_kind, False)]  # (id, kind, is customer)
        path: list[PlanEdge] = []
        has_rep: set[str] = set()
        for hop in range(HOPS):
            prev_id, prev_kind, _ = nodes[-1]
            if steps:
                rel, new_kind, new_is_src = steps[hop]
            else:
                options = [
                    s
                    for s in _STEPS[prev_kind]
                    if not (s[0] == LEGAL_REP_OF and prev_kind == COMPANY and prev_id in has_rep)
                ]
                rel, new_kind, new_is_src = rng.choice(options)
            reserve_p = 0.5 if new_kind == PERSON else 0.4
            if rng.random() < reserve_p:
                number, new_id = self._reserve(new_kind)
                (
                    self.plan.isolated_persons
                    if new_kind == PERSON
                    else self.plan.isolated_companies
                ).add(number)
                is_customer = True
            else:
                new_id, is_customer = self._fresh(new_kind, "shell"), False
            src, dst = (new_id, prev_id) if new_is_src else (prev_id, new_id)
            edge = self._cluster_edge(rel, src, dst)
            if rel == LEGAL_REP_OF:
                has_rep.add(dst)
            path.append(edge)
            nodes.append((new_id, new_kind, is_customer))
        self.plan.edges.extend(path)
        for hop in range(1, HOPS + 1):
            party, _, is_customer = nodes[hop]
            steps_to_x = [e.as_path_step() for e in reversed(path[:hop])]
            self.plan.links.append(
                {
                    "party_id": party,
                    "blacklisted_id": x_id,
                    "hops": hop,
                    "path": steps_to_x,
                    "party_is_customer": is_customer,
                    "cluster": index,
                }
            )

    def _cluster_edge(self, rel: str, src: str, dst: str) -> PlanEdge:
        rng = self.rng
        if rel == OWNS:
            # Minority stakes only: a planted path must never create a controlling chain.
            return PlanEdge(rel, src, dst, share=round(rng.uniform(0.05, 0.45), 4))
        if rel == EXECUTIVE_OF:
            return PlanEdge(rel, src, dst, title=rng.choice(_CLUSTER_TITLES))
        if rel == EMPLOYED_BY:
            return PlanEdge(rel, src, dst, title=rng.choice(_CLUSTER_POSITIONS))
        if rel == FAMILY_OF:
            # Ties that say nothing about age: the two fresh people are born independently.
            relation = rng.choice(
                (FamilyRelation.SPOUSE, FamilyRelation.SIBLING, FamilyRelation.OTHER)
            )
            return PlanEdge(rel, src, dst, relation=relation)
        if rel == GUARANTEES:
            return PlanEdge(rel, src, dst, amount=round(rng.uniform(1e6, 2e8), -4))
        return PlanEdge(rel, src, dst)

    def _group_company(self, level: int) -> str:
        """Top and first levels are often customers (集团客户); deeper ones mostly not."""
        rng = self.rng
        number: int | None = None
        if level == 0 and rng.random() < 0.7:
            number = self._customer_company(self._fi + 1, self._fi + self._large)
        elif level > 0 and rng.random() < 0.3:
            number = self._customer_company(self._sme_low, self.plan.companies)
        if number is None:
            return self._fresh(COMPANY, "holding" if level == 0 else "shell")
        self.plan.planned_owners.add(number)
        if level == 0:
            self.plan.planned_rep.add(number)
        return company_id(number)

    def _majority(self) -> float:
        return 1.0 if self.rng.random() < 0.3 else round(self.rng.uniform(0.51, 0.95), 4)

    def _minority_partner(self, company: str, taken: float) -> None:
        room = round(1.0 - taken, 4)
        if room >= 0.06 and self.rng.random() < 0.5:
            partner = self._fresh(PERSON, "person")
            share = round(self.rng.uniform(0.05, min(room, 0.45)), 4)
            self.plan.edges.append(PlanEdge(OWNS, partner, company, share=share))

    def _group(self, index: int) -> None:
        rng = self.rng
        number, controller = self._reserve(PERSON)
        self.plan.controllers.append(number)
        depth = rng.choice((3, 4, 5, 6))
        root = self._group_company(0)
        top_share = round(rng.uniform(0.51, 0.9), 4)
        edges = self.plan.edges
        edges.append(PlanEdge(OWNS, controller, root, share=top_share))
        edges.append(PlanEdge(LEGAL_REP_OF, controller, root))
        edges.append(PlanEdge(EXECUTIVE_OF, controller, root, title="董事长"))
        self._minority_partner(root, top_share)
        look_through = {root: top_share}
        order = [root]
        chain = [root]
        chain_shares = [top_share]
        fresh_companies: set[str] = set()  # the root's legal rep is the controller, above
        for level in range(1, depth):
            parent = chain[-1]
            children = [self._group_company(level) for _ in range(1 + (rng.random() < 0.35))]
            for i, child in enumerate(children):
                share = self._majority()
                edges.append(PlanEdge(OWNS, parent, child, share=share))
                self._minority_partner(child, share)
                look_through[child] = round(look_through[parent] * share, 6)
                order.append(child)
                if int(child[1:]) > self.plan.companies:
                    fresh_companies.add(child)
                if i == 0:
                    chain.append(child)
                    chain_shares.append(share)
        for company in order:
            if company in fresh_companies:
                rep = controller if rng.random() < 0.3 else self._fresh(PERSON, "person")
                edges.append(PlanEdge(LEGAL_REP_OF, rep, company))
        group_id = f"G{index + 1:05d}"
        self.plan.groups.append(
            {
                "group_id": group_id,
                "controller_id": controller,
                "company_ids": order,
                "look_through_shares": [look_through[c] for c in order],
                "kind": "tree",
            }
        )
        self.plan.chains.append(
            {
                "chain_id": f"K{len(self.plan.chains) + 1:05d}",
                "company_ids": chain,
                "circular": False,
                "shares": chain_shares[1:],
                "controller_id": controller,
                "controller_share": top_share,
                "group_id": group_id,
            }
        )

    def _cycle(self, index: int, *, controlled: bool) -> None:
        rng = self.rng
        size = rng.choice((3, 3, 4, 5))
        companies: list[str] = []
        for _ in range(size):
            if rng.random() < 0.2:
                number = self._customer_company(self._sme_low, self.plan.companies)
                self.plan.planned_owners.add(number)
                companies.append(company_id(number))
            else:
                companies.append(self._fresh(COMPANY, "shell"))
        edges = self.plan.edges
        shares: list[float] = []
        controller: str | None = None
        top_share = 0.0
        if controlled:
            number, controller = self._reserve(PERSON)
            self.plan.controllers.append(number)
            top_share = round(rng.uniform(0.51, 0.8), 4)
            edges.append(PlanEdge(OWNS, controller, companies[0], share=top_share))
        for i, company in enumerate(companies):
            target = companies[(i + 1) % size]
            closing = i == size - 1
            if controlled and closing:
                # The stake that closes the loop must leave room for the controller's majority.
                share = round(rng.uniform(0.05, min(0.45, 1.0 - top_share - 0.01)), 4)
            else:
                share = round(rng.uniform(0.51, 0.85), 4)
            edges.append(PlanEdge(OWNS, company, target, share=share))
            shares.append(share)
        for i, company in enumerate(companies):
            incoming = shares[i - 1] + (top_share if i == 0 else 0.0)
            if not controlled or i > 0:
                self._minority_partner(company, incoming)
            if int(company[1:]) > self.plan.companies:
                rep = controller if controller and i == 0 else self._fresh(PERSON, "person")
                edges.append(PlanEdge(LEGAL_REP_OF, rep, company))
        group_id = None
        if controller:
            group_id = f"G{len(self.plan.groups) + 1:05d}"
            look = top_share
            look_through = [look]
            for share in shares[:-1]:
                look = round(look * share, 6)
                look_through.append(look)
            self.plan.groups.append(
                {
                    "group_id": group_id,
                    "controller_id": controller,
                    "company_ids": list(companies),
                    "look_through_shares": look_through,
                    "kind": "cycle",
                }
            )
        self.plan.chains.append(
            {
                "chain_id": f"K{len(self.plan.chains) + 1:05d}",
                "company_ids": companies,
                "circular": True,
                "shares": shares,
                "controller_id": controller,
                "controller_share": top_share if controller else None,
                "group_id": group_id,
            }
        )

    def _attach(self) -> None:
        """Hang half the clusters off the general graph by one edge at their far (hop-4) end.

        The hop-4 party is then the cluster's only way in or out, so the planted paths stay the
        unique shortest ones and general parties sit 5+ hops from the prohibited party.
        """
        rng = self.rng
        by_cluster: dict[int, dict[str, Any]] = {}
        for link in self.plan.links:
            if link["hops"] == HOPS:
                by_cluster[link["cluster"]] = link
        for cluster in sorted(by_cluster):
            if rng.random() >= 0.5:
                continue
            end = by_cluster[cluster]["party_id"]
            target = company_id(self.general_company(self._fi + 1))
            if end.startswith("P"):
                if rng.random() < 0.5:
                    self.plan.edges.append(PlanEdge(EMPLOYED_BY, end, target, title="职员"))
                else:
                    relative = person_id(self.general_person())
                    self.plan.edges.append(
                        PlanEdge(FAMILY_OF, end, relative, relation=FamilyRelation.OTHER)
                    )
            else:
                amount = round(rng.uniform(1e6, 5e7), -4)
                self.plan.edges.append(PlanEdge(GUARANTEES, end, target, amount=amount))
