"""The world's relationships around each customer: owners, legal representative, executives,
staff and guarantors of a company; a person's employer, spouse and relatives.

Only world parties are named here, and never in a way that lets a person control two companies
or closes an ownership loop: every stake in a large corporate is at most 0.3, institutions are
owned only by holding companies nobody owns, SMEs own nothing, and each person holds a majority
in at most one SME (docs/synthetic-bank.md, "Guaranteed").
"""

from __future__ import annotations

from graph.model import FamilyRelation, LinkType
from loaders.synthetic.customers import Customer
from loaders.synthetic.ids import company_id, is_person, party_number, person_id
from loaders.synthetic.lists import ListEntries
from loaders.synthetic.parties import Parties
from loaders.synthetic.population import Population
from loaders.synthetic.relations import Relations
from loaders.synthetic.sink import floor4, fmt_bool, fmt_frac, fmt_money, iso
from loaders.synthetic.streams import Stream
from loaders.synthetic.vocab import (
    EXEC_TITLES_LARGE,
    EXEC_TITLES_SME,
    STAFF_POSITIONS,
    TODAY_ORD,
    LatentType,
    day,
    lognormal,
)

_L = LatentType
_FAMILY_ODDS: dict[LatentType, tuple[tuple[FamilyRelation, float], ...]] = {
    _L.YOUNG_PROFESSIONAL: ((FamilyRelation.PARENT, 0.35), (FamilyRelation.SPOUSE, 0.2),
                            (FamilyRelation.SIBLING, 0.15)),
    _L.AFFLUENT_FAMILY: ((FamilyRelation.SPOUSE, 0.7), (FamilyRelation.CHILD, 0.6),
                         (FamilyRelation.PARENT, 0.2)),
    _L.RETIREE: ((FamilyRelation.SPOUSE, 0.4), (FamilyRelation.CHILD, 0.7)),
    _L.BUSINESS_OWNER: ((FamilyRelation.SPOUSE, 0.6), (FamilyRelation.CHILD, 0.5),
                        (FamilyRelation.SIBLING, 0.1)),
}  # fmt: skip
_RECIPROCAL = {
    FamilyRelation.CHILD: FamilyRelation.PARENT,
    FamilyRelation.PARENT: FamilyRelation.CHILD,
}
_EMPLOYED_ODDS = {
    _L.YOUNG_PROFESSIONAL: 0.85,
    _L.AFFLUENT_FAMILY: 0.6,
    _L.BUSINESS_OWNER: 0.1,
    _L.RETIREE: 0.0,
}


class WorldLinks:
    def __init__(
        self,
        stream: Stream,
        population: Population,
        parties: Parties,
        relations: Relations,
        lists: ListEntries,
    ) -> None:
        self.rng = stream.rng
        self.population = population
        self.parties = parties
        self.relations = relations
        self.lists = lists
        tables = stream.tables
        self.t_owns = tables.owns
        self.t_executive_of = tables.executive_of
        self.t_legal_rep_of = tables.legal_rep_of
        self.t_employed_by = tables.employed_by
        self.t_family_of = tables.family_of
        self.t_guarantees = tables.guarantees

    def _pick_notable(self) -> int:
        """A customer person likely to sit on a board: affluent or a business owner."""
        number = 1
        for _ in range(6):
            number = self.population.general_person(self.rng)
            if self.population.person_latent(number) in (_L.AFFLUENT_FAMILY, _L.BUSINESS_OWNER):
                break
        return number

    def _pick_employer(self) -> int:
        """A customer company; biased towards those paying salaries through us (代发)."""
        rng = self.rng
        pop = self.population
        number = pop.sme_low
        for attempt in range(2):
            r = rng.random()
            if r < 0.05:
                number = rng.randint(1, pop.fi_count)
            elif r < 0.45:
                number = rng.randint(pop.fi_count + 1, pop.fi_count + pop.large_count)
            else:
                number = pop.general_company(rng, pop.sme_low)
            if attempt or pop.payroll_with_us(company_id(number)) or rng.random() < 0.5:
                break
        return number

    def company(self, cust: Customer) -> None:
        """Owners, legal representative, executives, staff and guarantors of one company."""
        rng = self.rng
        pop, parties, relations = self.population, self.parties, self.relations
        number, cid, latent = cust.number, cust.id, cust.latent
        province, founded = cust.province, cust.born
        if latent == _L.FINANCIAL_INSTITUTION:
            self.lists.institution_access(cid, cust.institution, founded)
        owners: set[str] = set()
        chairman: str | None = None
        majority_person: str | None = None
        stakes: list[tuple[str, float]] = []
        if latent == _L.FINANCIAL_INSTITUTION:
            total = rng.uniform(0.6, 1.0)
            cuts = [rng.random() + 0.1 for _ in range(rng.randint(1, 3))]
            for c in cuts:
                owner = parties.new_company(province, "holding")
                stakes.append((owner, total * c / sum(cuts)))
        elif latent == _L.LARGE_CORPORATE:
            # Dispersed ownership, every stake a minority: no chain of control starts here.
            for _ in range(rng.randint(2, 4)):
                r = rng.random()
                if r < 0.4:
                    owner = parties.new_company(province, "holding")
                elif r < 0.6:
                    owner = company_id(rng.randint(1, pop.fi_count))
                elif r < 0.8:
                    owner = parties.new_person(province, age=(40, 70), occupation="企业家")
                else:
                    owner = person_id(self._pick_notable())
                if owner not in owners:
                    stakes.append((owner, rng.uniform(0.05, 0.3)))
                    owners.add(owner)
            spread = sum(share for _, share in stakes)
            if spread > 0.95:  # stakes in one company must add up to at most 1
                stakes = [(owner, share * 0.95 / spread) for owner, share in stakes]
        else:
            mapped = pop.sme_owner(number)
            if mapped is not None:
                majority_person = person_id(mapped)
            else:
                majority_person = parties.new_person(province, age=(28, 65), occupation="企业主")
            major = 1.0 if rng.random() < 0.35 else rng.uniform(0.51, 0.95)
            stakes.append((majority_person, major))
            owners.add(majority_person)
            room = 1.0 - major
            for _ in range(rng.randint(0, 2)):
                if room < 0.05:
                    break
                owner = (
                    person_id(pop.general_person(rng))
                    if rng.random() < 0.3
                    else parties.new_person(province, age=(28, 65))
                )
                if owner in owners:
                    continue
                share = rng.uniform(0.02, room)
                room -= share
                owners.add(owner)
                stakes.append((owner, share))
        for owner, share in stakes:
            share4 = floor4(share)
            voting = fmt_frac(share4) if rng.random() < 0.3 else ""
            if is_person(owner):
                relations.link(
                    self.t_owns, LinkType.OWNS, owner, cid, (fmt_frac(share4), voting), founded
                )
            else:
                self.t_owns.write((owner, cid, fmt_frac(share4), voting, iso(founded), ""))
        # Executives: customers of ours (public-private linkage) or not yet.
        execs: set[str] = set()
        if latent == _L.SME:
            titles = [EXEC_TITLES_SME[0]] + ([EXEC_TITLES_SME[1]] if rng.random() < 0.4 else [])
        else:
            titles = list(EXEC_TITLES_LARGE[:3]) + rng.sample(
                EXEC_TITLES_LARGE[3:], rng.randint(0, 2)
            )
        for title in titles:
            if latent == _L.SME and title == EXEC_TITLES_SME[0] and majority_person:
                person = majority_person
            elif rng.random() < 0.35:
                person = person_id(self._pick_notable())
            else:
                person = parties.new_person(province, age=(32, 65), occupation="企业高管")
            if person in execs:
                continue
            execs.add(person)
            if party_number(person) > pop.persons:
                cust.has_outsiders = True
            start = day(rng, founded, TODAY_ORD - 30)
            relations.link(self.t_executive_of, LinkType.EXECUTIVE_OF, person, cid, (title,), start)
            if title in ("董事长", EXEC_TITLES_SME[0]):
                chairman = person
        if rng.random() < 0.1:
            former = parties.new_person(province, age=(45, 75), occupation="企业高管")
            start = day(rng, founded, TODAY_ORD - 400)
            end = day(rng, start + 1, TODAY_ORD - 30)
            relations.link(
                self.t_executive_of, LinkType.EXECUTIVE_OF, former, cid, ("总经理",), start, end
            )
        rep = chairman
        if rep is None or (latent == _L.SME and rng.random() < 0.15):
            rep = parties.new_person(province, age=(30, 65))
        relations.link(self.t_legal_rep_of, LinkType.LEGAL_REP_OF, rep, cid, (), founded)
        # Staff who are not (yet) our personal customers; customers' jobs come from their side.
        payroll = fmt_bool(pop.payroll_with_us(cid))
        staff = rng.randint(1, 3) if latent != _L.SME else rng.randint(0, 1)
        for _ in range(staff):
            person = parties.new_person(province, age=(23, 58), occupation="职员")
            cust.has_outsiders = True
            start = day(rng, max(founded, TODAY_ORD - 15 * 365), TODAY_ORD - 30)
            left = day(rng, start + 30, TODAY_ORD - 1) if rng.random() < 0.1 else None
            relations.link(
                self.t_employed_by,
                LinkType.EMPLOYED_BY,
                person,
                cid,
                (rng.choice(STAFF_POSITIONS), payroll),
                start,
                left,
            )
        if latent != _L.FINANCIAL_INSTITUTION and rng.random() < 0.2:
            guarantors: set[str] = set()
            for _ in range(rng.randint(1, 2)):
                if latent == _L.SME and majority_person and rng.random() < 0.5:
                    guarantor = majority_person
                elif latent == _L.LARGE_CORPORATE:
                    guarantor = company_id(
                        rng.randint(pop.fi_count + 1, pop.fi_count + pop.large_count)
                    )
                else:
                    guarantor = company_id(pop.general_company(rng, pop.sme_low))
                if guarantor == cid or guarantor in guarantors:
                    continue
                guarantors.add(guarantor)
                amount = round(lognormal(rng, 5e6 if latent == _L.SME else 2e8), -4)
                start = day(rng, max(founded, TODAY_ORD - 5 * 365), TODAY_ORD - 10)
                self.t_guarantees.write((guarantor, cid, fmt_money(amount), iso(start), ""))

    def person(self, cust: Customer) -> None:
        """A personal customer's employer, spouse and relatives."""
        rng = self.rng
        pop, parties = self.population, self.parties
        number, pid, latent = cust.number, cust.id, cust.latent
        province = cust.province
        adult = cust.born + 20 * 365
        if rng.random() < _EMPLOYED_ODDS[latent]:
            employer = company_id(self._pick_employer())
            cust.payroll_employee = pop.payroll_with_us(employer)
            start = day(rng, max(adult, TODAY_ORD - 12 * 365), TODAY_ORD - 15)
            self.relations.link(
                self.t_employed_by,
                LinkType.EMPLOYED_BY,
                pid,
                employer,
                (rng.choice(STAFF_POSITIONS), fmt_bool(cust.payroll_employee)),
                start,
            )
        married = False
        if number % 2 == 1 and pop.household(number):
            wed = day(rng, adult, TODAY_ORD - 30)
            self.t_family_of.write(
                (pid, person_id(number + 1), FamilyRelation.SPOUSE.value, iso(wed), "")
            )
            married = True
        elif number % 2 == 0 and pop.household(number - 1):
            married = True
        for relation, odds in _FAMILY_ODDS[latent]:
            if rng.random() >= odds or (relation == FamilyRelation.SPOUSE and married):
                continue
            if relation == FamilyRelation.SPOUSE:
                ages = (max(20, cust.age - 5), cust.age + 5)
                relative = parties.new_person(province, age=ages)
                wed = day(rng, adult, TODAY_ORD - 30)
                self.t_family_of.write((pid, relative, relation.value, iso(wed), ""))
                continue
            if relation == FamilyRelation.CHILD:
                ages = (max(1, cust.age - 40), max(1, cust.age - 22))
            elif relation == FamilyRelation.PARENT:
                ages = (cust.age + 22, cust.age + 38)
            else:
                ages = (max(18, cust.age - 8), cust.age + 8)
            surname = cust.surname if rng.random() < 0.85 else None
            relative = parties.new_person(province, age=ages, surname=surname)
            # family_of.relation says what person_id is to relative_id (docs/data-format.md).
            stated = _RECIPROCAL.get(relation, relation)
            self.t_family_of.write((pid, relative, stated.value, "", ""))
