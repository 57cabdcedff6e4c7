"""Circular shareholdings (循环持股): 3–5 companies, A owns B owns C … owns A.

Every other loop is *controlled*: a personal customer owns 51–80 % of the first company, the
stakes around the loop are 51–85 % except the one closing it (5–45 %), and the loop is also a
group (`kind: "cycle"`). In the others every stake around the loop is 51–85 %: the loop controls
itself and has no ultimate beneficial owner, a compliance red flag.

Ground truth: `ownership_chains` (one object per loop, `circular: true`) and `groups` (the
controlled loops).
"""

from __future__ import annotations

from typing import Any

from graph.model import LinkType, Segment
from loaders.synthetic.planted.base import PlantedEdge, Structure
from loaders.synthetic.vocab import LatentType

OWNS = LinkType.OWNS


class OwnershipCycles(Structure):
    def plant(self) -> None:
        groups: list[dict[str, Any]] = []
        chains: list[dict[str, Any]] = []
        for index in range(1, self.count(per=2000, at_least=2) + 1):
            group_id = f"{self.name}:G{index:05d}"
            chain, group = self._cycle(f"{self.name}:K{index:05d}", group_id, index % 2 == 1)
            chains.append(chain)
            if group is not None:
                groups.append(group)
        self.write_truth("ownership_chains", chains)
        self.write_truth("groups", groups)

    def _cycle(
        self, chain_id: str, group_id: str, controlled: bool
    ) -> tuple[dict[str, Any], dict[str, Any] | None]:
        rng = self.rng
        size = rng.choice((3, 3, 4, 5))
        companies = [
            self.customer_company(LatentType.SME)
            if rng.random() < 0.2
            else self.fresh_company("shell")
            for _ in range(size)
        ]
        controller: str | None = None
        top_share = 0.0
        if controlled:
            segment = Segment.KEY if rng.random() < 0.5 else Segment.VALUE
            controller = self.customer_person(LatentType.BUSINESS_OWNER, segment)
            top_share = round(rng.uniform(0.51, 0.8), 4)
            self.write_edge(PlantedEdge(OWNS, controller, companies[0], share=top_share))
        shares: list[float] = []
        for i, company in enumerate(companies):
            if controlled and i == size - 1:
                # The stake that closes the loop must leave room for the controller's majority.
                share = round(rng.uniform(0.05, min(0.45, 1.0 - top_share - 0.01)), 4)
            else:
                share = round(rng.uniform(0.51, 0.85), 4)
            self.write_edge(PlantedEdge(OWNS, company, companies[(i + 1) % size], share=share))
            shares.append(share)
        for i, company in enumerate(companies):
            if not controlled or i > 0:
                self.minority_partner(company, shares[i - 1])
            rep = controller if controller and i == 0 else self.fresh_person()
            self.write_edge(PlantedEdge(LinkType.LEGAL_REP_OF, rep, company))
        chain = {
            "chain_id": chain_id,
            "company_ids": companies,
            "circular": True,
            "shares": shares,
            "controller_id": controller,
            "controller_share": top_share if controller else None,
            "group_id": group_id if controller else None,
        }
        if controller is None:
            return chain, None
        look = top_share
        look_through = [look]
        for share in shares[:-1]:
            look = round(look * share, 6)
            look_through.append(look)
        group = {
            "group_id": group_id,
            "controller_id": controller,
            "company_ids": companies,
            "look_through_shares": look_through,
            "kind": "cycle",
        }
        return chain, group
