"""Groups (集团客户, 实际控制人): a controlling personal customer owns 51–90 % of a top company,
which owns 51–100 % of one or two subsidiaries, each of which does the same, 3–6 company levels
deep.

Ground truth: `groups` (one object per group, `kind: "tree"`) and `ownership_chains` (each
group's deepest line of control).
"""

from __future__ import annotations

from typing import Any

from graph.model import LinkType, Segment
from loaders.synthetic.planted.base import PlantedEdge, Structure
from loaders.synthetic.vocab import LatentType

OWNS = LinkType.OWNS


class GroupTrees(Structure):
    def plant(self) -> None:
        groups: list[dict[str, Any]] = []
        chains: list[dict[str, Any]] = []
        for index in range(1, self.count(per=1000, at_least=2) + 1):
            group, chain = self._group(f"{self.name}:G{index:05d}", f"{self.name}:K{index:05d}")
            groups.append(group)
            chains.append(chain)
        self.write_truth("groups", groups)
        self.write_truth("ownership_chains", chains)

    def _group(self, group_id: str, chain_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        rng = self.rng
        segment = Segment.KEY if rng.random() < 0.5 else Segment.VALUE
        controller = self.customer_person(LatentType.BUSINESS_OWNER, segment)
        depth = rng.choice((3, 4, 5, 6))
        # The top company is often a large-corporate customer; below it, some subsidiaries are
        # SME customers and most are holding or trading companies that do not bank with us.
        root = (
            self.customer_company(LatentType.LARGE_CORPORATE)
            if rng.random() < 0.7
            else self.fresh_company("holding")
        )
        top_share = round(rng.uniform(0.51, 0.9), 4)
        self.write_edge(PlantedEdge(OWNS, controller, root, share=top_share))
        self.write_edge(PlantedEdge(LinkType.LEGAL_REP_OF, controller, root))
        self.write_edge(PlantedEdge(LinkType.EXECUTIVE_OF, controller, root, title="董事长"))
        self.minority_partner(root, top_share)
        look_through = {root: top_share}
        order = [root]
        chain = [root]
        chain_shares = [top_share]
        for _ in range(1, depth):
            parent = chain[-1]
            children = [self._subsidiary() for _ in range(1 + (rng.random() < 0.35))]
            for i, child in enumerate(children):
                share = 1.0 if rng.random() < 0.3 else round(rng.uniform(0.51, 0.95), 4)
                self.write_edge(PlantedEdge(OWNS, parent, child, share=share))
                self.minority_partner(child, share)
                look_through[child] = round(look_through[parent] * share, 6)
                order.append(child)
                if i == 0:
                    chain.append(child)
                    chain_shares.append(share)
        for company in order[1:]:
            rep = controller if rng.random() < 0.3 else self.fresh_person()
            self.write_edge(PlantedEdge(LinkType.LEGAL_REP_OF, rep, company))
        group = {
            "group_id": group_id,
            "controller_id": controller,
            "company_ids": order,
            "look_through_shares": [look_through[c] for c in order],
            "kind": "tree",
        }
        chain_truth = {
            "chain_id": chain_id,
            "company_ids": chain,
            "circular": False,
            "shares": chain_shares[1:],
            "controller_id": controller,
            "controller_share": top_share,
            "group_id": group_id,
        }
        return group, chain_truth

    def _subsidiary(self) -> str:
        if self.rng.random() < 0.3:
            return self.customer_company(LatentType.SME)
        return self.fresh_company("shell")
