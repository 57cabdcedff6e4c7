"""`relgraph eval crosssell --truth DIR`: the recommender scored against the synthetic bank's
held-out holdings (ground_truth/heldout_holdings*.csv, the ~20 % of holdings never loaded).

Three methods rank products for every customer who has held-out holdings, each with the same
suppression rules (graph/crosssell/recommend.py's `walk`), all with the bank's statistics:

- `relgraph`: the recommender as the API runs it (an admin's view: every linked party);
- `popularity`: the products most customers hold, that the customer lacks;
- `oracle`: the ceiling. It knows the customer's latent type (ground_truth/latent_types*.csv)
  and ranks a product by the generator's propensity for the latent type to hold its product type
  (ground_truth/propensity.csv), times the product's share of its type among the holdings of
  customers of that latent type (the generator picks a product uniformly within a type, so the
  share is what the propensity leaves open).

A method's hits are the customer's held-out products among its suggestions. Only this module
reads the truth; the recommender reads the graph alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from graph.crosssell.recommend import (
    CustomerInputs,
    by_score,
    customer_inputs,
    recommend,
    walk,
)
from graph.crosssell.rules import CrossSellRules, all_peer_groups
from graph.crosssell.stats import ScopeStatistics, customer_profiles, scope_statistics
from graph.db import Database
from graph.products import every_product
from graph.records import ProductRecord

METHODS = ("relgraph", "popularity", "oracle")
DEPTH = 10  # suggestions ranked per customer: precision@5, recall@10 and MAP@10 read them
BATCH = 500


class TruthError(ValueError):
    """The truth folder lacks a table the eval needs."""


@dataclass(frozen=True)
class Truth:
    heldout: dict[str, frozenset[str]]  # customer → held-out product ids
    latent: dict[str, str]  # customer → latent type
    propensity: dict[str, dict[str, float]]  # latent type → product type → probability


def _table(folder: Path, name: str) -> Iterator[dict[str, str]]:
    """A ground-truth table: `<name>.csv` and every part `<name>.<structure>.csv`."""
    files = sorted(folder.glob(f"{name}.csv")) + sorted(folder.glob(f"{name}.*.csv"))
    if not files:
        raise TruthError(f"{folder} holds no {name}.csv: is it a bank's ground_truth folder?")
    for path in files:
        with path.open(encoding="utf-8", newline="") as handle:
            yield from csv.DictReader(handle)


def read_truth(folder: Path) -> Truth:
    heldout: dict[str, set[str]] = defaultdict(set)
    for row in _table(folder, "heldout_holdings"):
        heldout[row["holder_id"]].add(row["product_id"])
    propensity: dict[str, dict[str, float]] = defaultdict(dict)
    for row in _table(folder, "propensity"):
        propensity[row["latent_type"]][row["product_type"]] = float(row["probability"])
    return Truth(
        heldout={holder: frozenset(products) for holder, products in heldout.items()},
        latent={row["party_id"]: row["latent_type"] for row in _table(folder, "latent_types")},
        propensity=dict(propensity),
    )


@dataclass
class MethodScore:
    method: str
    precision_at_5: float = 0.0
    recall_at_10: float = 0.0
    map_at_10: float = 0.0
    customers: int = 0

    def add(self, ranked: Sequence[str], relevant: frozenset[str]) -> None:
        top = ranked[:DEPTH]
        hits = 0
        precision_sum = 0.0
        for position, product in enumerate(top, start=1):
            if product in relevant:
                hits += 1
                precision_sum += hits / position
        self.precision_at_5 += sum(1 for product in top[:5] if product in relevant) / 5
        self.recall_at_10 += hits / len(relevant)
        self.map_at_10 += precision_sum / min(len(relevant), DEPTH)
        self.customers += 1

    def mean(self) -> MethodScore:
        n = max(self.customers, 1)
        return MethodScore(
            self.method,
            self.precision_at_5 / n,
            self.recall_at_10 / n,
            self.map_at_10 / n,
            self.customers,
        )


async def evaluate(
    db: Database,
    truth: Truth,
    rules: CrossSellRules,
    today: dt.date,
    *,
    sample: int | None = None,
    progress: bool = False,
) -> list[MethodScore]:
    """Each method's mean precision@5, recall@10 and MAP@10 over the customers with held-out
    holdings (every `sample`-th of them, in id order, when given)."""
    products = await every_product(db)
    stats = await scope_statistics(db, None, all_peer_groups(rules.peer_groups), list(products))
    within_type = await _oracle_shares(db, truth, products, today, rules)
    customers = sorted(truth.heldout)
    if sample:
        customers = customers[::sample]
    totals = {method: MethodScore(method) for method in METHODS}
    with tqdm(
        total=len(customers), desc="eval", unit="customers", disable=not progress, file=sys.stderr
    ) as bar:
        for start in range(0, len(customers), BATCH):
            ids = customers[start : start + BATCH]
            found, _ = await customer_inputs(db, ids, today, rules)
            for inputs in found:
                if inputs is not None:
                    relevant = truth.heldout[inputs.customer.id]
                    for method, ranked in _rankings(
                        inputs, stats, products, truth, within_type, today, rules
                    ).items():
                        totals[method].add(ranked, relevant)
            bar.update(len(ids))
    return [totals[method].mean() for method in METHODS]


def _rankings(
    inputs: CustomerInputs,
    stats: ScopeStatistics,
    products: dict[str, ProductRecord],
    truth: Truth,
    within_type: dict[str, Counter[str]],
    today: dt.date,
    rules: CrossSellRules,
) -> dict[str, list[str]]:
    ours = recommend(inputs, stats, products, today, rules, DEPTH)
    popular = by_score({product: float(count) for product, count in stats.holders.items()})
    latent = truth.latent.get(inputs.customer.id, "")
    odds = truth.propensity.get(latent, {})
    shares = within_type.get(latent, Counter())
    oracle = by_score(
        {
            product: odds.get(facts.type, 0.0) * shares.get(product, 0)
            for product, facts in products.items()
        }
    )
    ranked = {"relgraph": [s.product_id for s in ours.suggestions]}
    for method, order in (("popularity", popular), ("oracle", oracle)):
        suggestions, _, _ = walk(order, inputs, products, today, rules, DEPTH)
        ranked[method] = [s.product_id for s in suggestions]
    return ranked


async def _oracle_shares(
    db: Database,
    truth: Truth,
    products: dict[str, ProductRecord],
    today: dt.date,
    rules: CrossSellRules,
) -> dict[str, Counter[str]]:
    """Per latent type, each product's share of the loaded holdings of its product type."""
    held: dict[str, Counter[str]] = defaultdict(Counter)
    async for page in customer_profiles(db, rules, today):
        for row in page:
            held[truth.latent.get(row["id"], "")].update(row["held"])
    shares: dict[str, Counter[str]] = {}
    for latent, counts in held.items():
        by_type: Counter[str] = Counter()
        for product, count in counts.items():
            if product in products:
                by_type[products[product].type] += count
        shares[latent] = Counter(
            {
                product: count / by_type[products[product].type]
                for product, count in counts.items()
                if product in products
            }
        )
    return shares


def format_table(scores: Sequence[MethodScore]) -> str:
    lines = [f"{'method':<12}{'precision@5':>13}{'recall@10':>11}{'MAP@10':>9}{'customers':>11}"]
    lines += [
        f"{s.method:<12}{s.precision_at_5:>13.4f}{s.recall_at_10:>11.4f}{s.map_at_10:>9.4f}"
        f"{s.customers:>11,}"
        for s in scores
    ]
    return "\n".join(lines)
