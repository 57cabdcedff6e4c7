"""The world: the bank, its products and its customers with everything around them — all of the
synthetic bank except the planted structures, which only read it.

It streams: rows are written as they are made and nothing proportional to the number of customers
is kept. Memory is O(branches + employees + products).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tqdm import tqdm

from graph.model import CompanySize, ProductStatus, ProductType
from loaders.synthetic.catalogue import Catalogue
from loaders.synthetic.customers import Customers
from loaders.synthetic.ids import company_id, person_id
from loaders.synthetic.links import WorldLinks
from loaders.synthetic.lists import ListEntries
from loaders.synthetic.org import Org
from loaders.synthetic.parties import Parties
from loaders.synthetic.population import Population
from loaders.synthetic.referrals import ReferralHistory
from loaders.synthetic.relations import Relations
from loaders.synthetic.sink import Sink, fmt_frac, fmt_money, iso, iso_opt
from loaders.synthetic.streams import Stream
from loaders.synthetic.vocab import (
    INVESTOR_KINDS,
    PROPENSITY,
    PROVINCE_CITIES,
    TAG_IDS,
    TAGS,
    TODAY_ORD,
    Pools,
    day,
    lognormal,
    pick_province,
)


@dataclass(frozen=True)
class WorldView:
    """What planted structures may read of the world: never its random stream or its files."""

    seed: int
    pools: Pools
    population: Population
    org: Org
    catalogue: Catalogue


class World:
    def __init__(self, customers: int, seed: int, sink: Sink, pools: Pools) -> None:
        """Writes the fixed part of the bank at once: tags, branches and staff, institutions
        and products."""
        self.seed = seed
        self.sink = sink
        self.pools = pools
        self.population = pop = Population(customers, seed, pools)
        self.stream = stream = Stream.world(seed, sink, pop.persons, pop.companies)
        self._write_tags()
        self.org = Org(stream, pools, pop)
        self.catalogue = Catalogue(stream, pools, pop)
        self.view = WorldView(seed, pools, pop, self.org, self.catalogue)

    def populate(self, progress: bool) -> None:
        """The customers with everything around them, the non-customer investors and the
        prohibitions nobody planted, and the world's ground truth."""
        stream, pop = self.stream, self.population
        parties = Parties(stream, self.pools, self.seed)
        lists = ListEntries(stream)
        referrals = ReferralHistory(self.seed, stream.tables, self.org.directory)
        customers = Customers(stream, pop, self.org, self.catalogue, parties, referrals)
        links = WorldLinks(stream, pop, parties, Relations(stream, pop), lists)
        bar = tqdm(total=pop.n, desc="synthetic bank", unit="customer", disable=not progress)
        try:
            for step in range(pop.n):
                if step < pop.companies:
                    number = step + 1
                    customers.company(number, pop.company_latent(number), links.company)
                else:
                    number = step - pop.companies + 1
                    customers.person(number, pop.person_latent(number), links=links.person)
                if step % 500 == 499:
                    bar.update(500)
            bar.update(pop.n % 500)
        finally:
            bar.close()
        self._investors(parties, lists)
        self._general_list_entries(parties, lists)
        self._write_ground_truth()

    def _write_tags(self) -> None:
        for code, name, category in TAGS:
            self.stream.tables.tags.write((TAG_IDS[code], name, category.value))

    def _investors(self, parties: Parties, lists: ListEntries) -> None:
        """Institutional holders of debt instruments that are not our customers (产品持有人)."""
        rng = self.stream.rng
        debt = [
            p
            for p in self.catalogue.products
            if p.type == ProductType.DEBT_INSTRUMENT and p.status != ProductStatus.PLANNED
        ]
        count = max(6, self.population.n // 500)
        books: list[set[int]] = [set() for _ in range(count)]
        for k in range(len(debt)):  # every instrument gets two outside holders at least
            books[(2 * k) % count].add(k)
            books[(2 * k + 1) % count].add(k)
        for book in books:
            for _ in range(rng.randint(0, 3)):
                book.add(rng.randrange(len(debt)))
        holds = self.stream.tables.holds
        for book in books:
            number = parties.company_number()
            kind, template = rng.choice(INVESTOR_KINDS)
            province = pick_province(rng)
            city = rng.choice(PROVINCE_CITIES[province])
            name = template.format(p=rng.choice(self.pools.prefixes))
            founded = day(rng, date(1995, 1, 1).toordinal(), date(2018, 12, 31).toordinal())
            capital = round(lognormal(rng, 2e9), -4)
            parties.company(
                number, name, "金融业", province, city, CompanySize.LARGE, capital, founded, kind
            )
            cid = company_id(number)
            if rng.random() < 0.7:
                lists.access(cid, "investor", founded, 0.0)
            for k in sorted(book):
                product = debt[k]
                if product.issue is None:
                    continue
                high = min(TODAY_ORD, (product.maturity or TODAY_ORD) - 1)
                since = day(rng, product.issue, max(product.issue, high))
                until = product.maturity if product.status == ProductStatus.MATURED else None
                amount = round(lognormal(rng, 5e7), -4)
                holds.write((cid, product.id, fmt_money(amount), iso(since), iso_opt(until)))

    def _general_list_entries(self, parties: Parties, lists: ListEntries) -> None:
        """Prohibitions nobody planted paths for: some active, some lifted (delisted)."""
        rng = self.stream.rng
        pop = self.population
        first, last = pop.persons + 1, parties.last_person
        for _ in range(max(3, pop.n // 1000)):
            party = person_id(rng.randint(first, last))
            listed = day(rng, date(2016, 1, 1).toordinal(), TODAY_ORD - 90)
            delisted = day(rng, listed + 30, TODAY_ORD - 1) if rng.random() < 0.4 else None
            lists.prohibition(party, listed, delisted)
        for _ in range(max(1, pop.n // 2000)):
            # Former blacklistings of customers, long lifted.
            party = person_id(pop.general_person(rng))
            listed = day(rng, date(2012, 1, 1).toordinal(), date(2018, 12, 31).toordinal())
            delisted = day(rng, listed + 180, date(2021, 12, 31).toordinal())
            lists.prohibition(party, listed, delisted)

    def _write_ground_truth(self) -> None:
        propensity = self.sink.truth_table(
            "propensity", ("latent_type", "product_type", "probability"), None
        )
        for latent, props in PROPENSITY.items():
            for ptype in ProductType:
                propensity.write((latent.value, ptype.value, fmt_frac(props[ptype])))
