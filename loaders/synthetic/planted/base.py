"""What every planted structure shares: its own stream, parties, customers and relationship rows.

A structure only reads the world (its sizes, branches, products and number arithmetic) and writes
nothing but its own parts, `<table>.<name>.csv` and `ground_truth/<table>.<name>.jsonl`. Its
parties come from its own id block, so nothing the world writes can touch them: the exact facts
its ground truth states hold whatever else is planted.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from graph.model import FamilyRelation, LinkType, Segment
from loaders.synthetic.customers import Customers
from loaders.synthetic.ids import is_person, party_number
from loaders.synthetic.lists import ListEntries
from loaders.synthetic.parties import Parties
from loaders.synthetic.population import Population
from loaders.synthetic.relations import Relations
from loaders.synthetic.sink import Sink, fmt_bool, fmt_frac, fmt_money, iso
from loaders.synthetic.streams import Stream
from loaders.synthetic.vocab import TODAY_ORD, LatentType, day, pick_province
from loaders.synthetic.world import WorldView


@dataclass(frozen=True)
class PlantedEdge:
    rel: LinkType
    src: str
    dst: str
    share: float | None = None  # OWNS
    title: str | None = None  # EXECUTIVE_OF title, EMPLOYED_BY position
    relation: FamilyRelation | None = None  # FAMILY_OF
    amount: float | None = None  # GUARANTEES

    def as_path_step(self) -> dict[str, str]:
        return {"from": self.src, "rel": self.rel, "to": self.dst}


class _Roster:
    """Which parties a structure's rows name are customers: its own, or the world's."""

    def __init__(self, population: Population) -> None:
        self.population = population
        self.customers: dict[str, LatentType] = {}

    def is_customer(self, party_id: str) -> bool:
        return party_id in self.customers or self.population.is_customer(party_id)

    def payroll_with_us(self, company_id: str) -> bool:
        latent = self.customers.get(company_id)
        if latent is None:
            return self.population.payroll_with_us(company_id)
        return self.population.payroll_visible(party_number(company_id), latent)


class Structure(ABC):
    """One planted structure, registered under `name` in `planted.REGISTRY`."""

    def __init__(self, name: str, world: WorldView, sink: Sink) -> None:
        self.name = name
        self.world = world
        self.population = world.population
        self._sink = sink
        stream = Stream.planted(name, world.seed, sink)
        self.rng = stream.rng
        self.tables = stream.tables
        self._roster = _Roster(world.population)
        self.parties = Parties(stream, world.pools, world.seed)
        self.customers = Customers(
            stream, world.population, world.org, world.catalogue, self.parties
        )
        self.relations = Relations(stream, self._roster)
        self.lists = ListEntries(stream)

    @abstractmethod
    def plant(self) -> None:
        """Decide the structure and write its rows and its ground truth."""

    def count(self, per: int, at_least: int) -> int:
        """One instance per `per` customers of the world, and at least `at_least`."""
        return max(at_least, self.population.n // per)

    # --- parties of its own ----------------------------------------------------------------

    def customer_person(
        self, latent: LatentType | None = None, segment: Segment | None = None
    ) -> str:
        """A personal customer of its own, with everything an ordinary customer has (holdings,
        fees, managers, events, tags) but no relationships beyond the structure's."""
        number = self.parties.person_number()
        if latent is None:
            latent = self.population.person_latent(number)
        cust = self.customers.person(number, latent, segment=segment)
        self._roster.customers[cust.id] = latent
        return cust.id

    def customer_company(self, latent: LatentType) -> str:
        """A company customer of its own (an SME or a large corporate), as `customer_person`."""
        cust = self.customers.company(self.parties.company_number(), latent)
        self._roster.customers[cust.id] = latent
        return cust.id

    def fresh_person(self, *, with_id: float = 0.3) -> str:
        """A person who is not a customer; `with_id` of them have a national id on record."""
        return self.parties.new_person(pick_province(self.rng), age=(28, 68), with_id=with_id)

    def fresh_company(self, flavour: str) -> str:
        """A company that is not a customer: a `holding` company or a trading `shell`."""
        return self.parties.new_company(pick_province(self.rng), flavour)

    def is_customer(self, party_id: str) -> bool:
        return self._roster.is_customer(party_id)

    # --- rows ------------------------------------------------------------------------------

    def prohibit(self, party: str) -> str:
        """An active prohibition entry (黑名单) for `party`; returns the entry's id."""
        listed = day(self.rng, date(2018, 1, 1).toordinal(), TODAY_ORD - 10)
        return self.lists.prohibition(party, listed, None)

    def write_edge(self, edge: PlantedEdge) -> None:
        """The edge's row, current (no `until`), in the structure's part of its file."""
        rng = self.rng
        tables, relations = self.tables, self.relations
        since = day(rng, date(2010, 1, 1).toordinal(), TODAY_ORD - 30)
        if edge.rel == LinkType.OWNS:
            middle: tuple[str, ...] = (fmt_frac(edge.share), "")
            if is_person(edge.src):
                relations.link(tables.owns, edge.rel, edge.src, edge.dst, middle, since)
            else:
                tables.owns.write((edge.src, edge.dst, *middle, iso(since), ""))
        elif edge.rel == LinkType.EXECUTIVE_OF:
            title = (edge.title or "董事",)
            relations.link(tables.executive_of, edge.rel, edge.src, edge.dst, title, since)
        elif edge.rel == LinkType.LEGAL_REP_OF:
            relations.link(tables.legal_rep_of, edge.rel, edge.src, edge.dst, (), since)
        elif edge.rel == LinkType.EMPLOYED_BY:
            payroll = fmt_bool(self._roster.payroll_with_us(edge.dst))
            middle = (edge.title or "职员", payroll)
            relations.link(tables.employed_by, edge.rel, edge.src, edge.dst, middle, since)
        elif edge.rel == LinkType.FAMILY_OF:
            relation = edge.relation or FamilyRelation.OTHER
            tables.family_of.write((edge.src, edge.dst, relation.value, "", ""))
        elif edge.rel == LinkType.GUARANTEES:
            amount = edge.amount if edge.amount is not None else round(rng.uniform(1e6, 1e8), -4)
            tables.guarantees.write((edge.src, edge.dst, fmt_money(amount), iso(since), ""))

    def minority_partner(self, company: str, taken: float) -> None:
        """Half the time, a person who is not a customer holds a minority of what is left."""
        rng = self.rng
        room = round(1.0 - taken, 4)
        if room >= 0.06 and rng.random() < 0.5:
            share = round(rng.uniform(0.05, min(room, 0.45)), 4)
            self.write_edge(PlantedEdge(LinkType.OWNS, self.fresh_person(), company, share=share))

    def write_truth(self, table: str, objects: Iterable[dict[str, Any]]) -> None:
        """Its part of ground-truth table `table`: ground_truth/<table>.<name>.jsonl."""
        self._sink.write_jsonl(table, self.name, objects)
