"""The world's customers by kind, and every fact that follows from a party's number alone.

Customer persons are P00000001…P{persons} and customer companies C00000001…C{companies}: first
the financial institutions, then the large corporates, then SMEs. Whatever one entity must know
about another (is it an institution, does it pay salaries through us, which SME does this person
own) is derived from the number by arithmetic or a keyed hash rather than looked up, so none of it
costs memory.
"""

from __future__ import annotations

import math
from random import Random

from graph.model import ProductType
from loaders.synthetic.ids import is_person, party_number
from loaders.synthetic.streams import derive_random
from loaders.synthetic.vocab import (
    LARGE_INDUSTRIES,
    LARGE_SUFFIXES,
    PROPENSITY,
    Hasher,
    LatentType,
    Pools,
    province_at,
)

HOLDOUT_RATE = 0.2

_L = LatentType
# Keyed-hash streams: each names one derived fact, so changing one never shifts another.
_S_LATENT, _S_OWNER, _S_PAYROLL, _S_PAYROLL_OUT, _S_HOUSE, _S_LARGE, _S_BAD_PAYER = range(1, 8)


class Population:
    def __init__(self, customers: int, seed: int, pools: Pools) -> None:
        self.n = customers
        self.hash = Hasher(seed)
        self.pools = pools
        self.persons = round(customers * 0.75)
        self.companies = customers - self.persons
        self.fi_count = min(1200, max(20, round(0.8 * math.sqrt(customers))))
        self.large_count = max(8, round(0.08 * self.companies))
        self.sme_low = self.fi_count + self.large_count + 1
        # A random bijection of 0..m-1 (multiply by a unit, add an offset) pairs SME customers
        # with the customer persons who own them, and can be inverted from the person's side.
        m = self.persons
        if self.companies - self.sme_low + 1 > m:
            raise RuntimeError("more SME customers than persons to own them")
        rng = derive_random(seed, "world/sme-owners")
        a = rng.randint(m // 3, 2 * m // 3)
        while math.gcd(a, m) != 1:
            a += 1
        self._map_a, self._map_b = a, rng.randrange(m)
        self._map_inv = pow(a, -1, m)

    # --- who is who ------------------------------------------------------------------------

    def company_latent(self, number: int) -> LatentType:
        if number <= self.fi_count:
            return _L.FINANCIAL_INSTITUTION
        if number <= self.fi_count + self.large_count:
            return _L.LARGE_CORPORATE
        return _L.SME

    def person_latent(self, number: int) -> LatentType:
        if self.owned_sme(number) is not None:
            return _L.BUSINESS_OWNER
        u = self.hash.unit(_S_LATENT, number)
        if u < 0.42:
            return _L.YOUNG_PROFESSIONAL
        return _L.AFFLUENT_FAMILY if u < 0.64 else _L.RETIREE

    def is_customer(self, party_id: str) -> bool:
        """Whether a world party is one of the world's customers."""
        return party_number(party_id) <= (self.persons if is_person(party_id) else self.companies)

    def general_person(self, rng: Random) -> int:
        """Any customer person of the world."""
        return rng.randint(1, self.persons)

    def general_company(self, rng: Random, low: int) -> int:
        """A customer company of the world numbered `low` or above."""
        return rng.randint(low, self.companies)

    def sme_owner(self, number: int) -> int | None:
        """The customer person who holds the majority of SME customer `number`, if one does."""
        if not self.sme_low <= number <= self.companies or self.hash.unit(_S_OWNER, number) >= 0.5:
            return None
        return ((number - self.sme_low) * self._map_a + self._map_b) % self.persons + 1

    def owned_sme(self, person: int) -> int | None:
        """Inverse of `sme_owner`: the map is a bijection, so each person owns at most one SME."""
        number = self.sme_low + ((person - 1 - self._map_b) * self._map_inv) % self.persons
        return number if self.sme_owner(number) == person else None

    def household(self, odd: int) -> bool:
        """Customers `odd` and `odd + 1` are spouses (both of an age to marry, or both retired)."""
        if odd + 1 > self.persons or self.hash.unit(_S_HOUSE, odd) >= 0.25:
            return False
        a, b = self.person_latent(odd), self.person_latent(odd + 1)
        return (a == _L.RETIREE) == (b == _L.RETIREE)

    def large_identity(self, number: int) -> tuple[str, str, str, str]:
        """(name, industry, province, city) of large corporate `number`, from its hash alone."""
        h = self.hash.bits(_S_LARGE, number)
        province, _, cities, _ = province_at((h & 0xFFFF) / 65536.0)
        city = cities[(h >> 16) % len(cities)]
        industry, stems = LARGE_INDUSTRIES[(h >> 20) % len(LARGE_INDUSTRIES)]
        stem = stems[(h >> 24) % len(stems)]
        suffix = LARGE_SUFFIXES[(h >> 28) % len(LARGE_SUFFIXES)]
        prefix = self.pools.prefixes[(h >> 32) % len(self.pools.prefixes)]
        return f"{city}{prefix}{stem}{suffix}", industry, province, city

    def bad_payer(self, number: int) -> bool:
        return self.hash.unit(_S_BAD_PAYER, number) < 0.08

    # --- payroll (代发工资): decided by hash, so employees' rows agree with the holdings ------

    def payroll_flag(self, number: int, latent: LatentType) -> bool:
        """Customer company `number` takes our payroll service; held out or not."""
        return self.hash.unit(_S_PAYROLL, number) < PROPENSITY[latent][ProductType.PAYROLL_SERVICE]

    def payroll_heldout(self, number: int) -> bool:
        return self.hash.unit(_S_PAYROLL_OUT, number) < HOLDOUT_RATE

    def payroll_visible(self, number: int, latent: LatentType) -> bool:
        return self.payroll_flag(number, latent) and not self.payroll_heldout(number)

    def payroll_with_us(self, company_id: str) -> bool:
        """For a world company: is its payroll service in holds.csv."""
        number = party_number(company_id)
        return number <= self.companies and self.payroll_visible(
            number, self.company_latent(number)
        )
