"""Person and company rows of one writer, and the numbers and national ids it hands out."""

from __future__ import annotations

from datetime import date

from graph.model import CompanySize, InstitutionType
from loaders.synthetic.ids import company_id, person_id
from loaders.synthetic.sink import fmt_money, iso
from loaders.synthetic.streams import Stream
from loaders.synthetic.vocab import (
    HOLDING_SUFFIXES,
    PROVINCE_CITIES,
    PROVINCE_CODE,
    SHELL_STEMS,
    TODAY_ORD,
    Pools,
    credit_code,
    day,
    landline,
    lognormal,
    mobile,
    national_id,
)


class Parties:
    def __init__(self, stream: Stream, pools: Pools, seed: int) -> None:
        self.rng = stream.rng
        self.pools = pools
        self.t_persons = stream.tables.persons
        self.t_companies = stream.tables.companies
        self._credit_salt = seed % 9973
        self._last_person = stream.ids.persons
        self._last_company = stream.ids.companies
        self._national_numbers = iter(stream.ids.national_ids)

    @property
    def last_person(self) -> int:
        """The number of the last person this writer made."""
        return self._last_person

    def person_number(self) -> int:
        self._last_person += 1
        return self._last_person

    def company_number(self) -> int:
        self._last_company += 1
        return self._last_company

    def national_id(self, province: str, birth: date, male: bool) -> str:
        """A resident id no other person of any writer has; empty once this writer's run out."""
        number = next(self._national_numbers, None)
        if number is None:
            return ""
        return national_id(PROVINCE_CODE[province], birth, male, number)

    # --- persons ---------------------------------------------------------------------------

    def new_person(
        self,
        province: str,
        *,
        male: bool | None = None,
        surname: str | None = None,
        age: tuple[int, int] = (25, 65),
        occupation: str | None = None,
        with_id: float = 0.3,
    ) -> str:
        """A fresh non-customer person, written at once; returns the id. Records about people
        who do not bank with us are sparse: `with_id` of them have a national id and address."""
        rng = self.rng
        pid = person_id(self.person_number())
        if male is None:
            male = rng.random() < 0.5
        years = rng.randint(*age)
        birth = date.fromordinal(TODAY_ORD - years * 365 - rng.randint(0, 364))
        known = rng.random() < with_id
        city = rng.choice(PROVINCE_CITIES[province])
        self.t_persons.write(
            (
                pid,
                self.pools.person_name(rng, male, surname),
                "M" if male else "F",
                birth.isoformat(),
                self.national_id(province, birth, male) if known else "",
                mobile(rng) if rng.random() < 0.5 else "",
                self.pools.address(rng, province, city) if known else "",
                province,
                occupation or "",
            )
        )
        return pid

    def customer_person(
        self,
        pid: str,
        province: str,
        city: str,
        male: bool,
        birth: date,
        surname: str,
        occupation: str,
    ) -> None:
        """A customer's person row: a customer's record is complete."""
        rng = self.rng
        self.t_persons.write(
            (
                pid,
                self.pools.person_name(rng, male, surname),
                "M" if male else "F",
                birth.isoformat(),
                self.national_id(province, birth, male),
                mobile(rng),
                self.pools.address(rng, province, city),
                province,
                occupation,
            )
        )

    # --- companies -------------------------------------------------------------------------

    def new_company(self, province: str, flavour: str) -> str:
        """A fresh non-customer company: a `holding` company, or a small trading `shell`."""
        number = self.company_number()
        rng = self.rng
        city = rng.choice(PROVINCE_CITIES[province])
        prefix = rng.choice(self.pools.prefixes)
        if flavour == "holding":
            name, industry = f"{city}{prefix}{rng.choice(HOLDING_SUFFIXES)}", "租赁和商务服务业"
            size, capital = CompanySize.LARGE, round(lognormal(rng, 5e8), -4)
        else:
            stem = rng.choice(SHELL_STEMS)
            name, industry = f"{city}{prefix}{stem}有限公司", "租赁和商务服务业"
            size, capital = CompanySize.SMALL, round(lognormal(rng, 5e6), -4)
        founded = day(rng, date(1998, 1, 1).toordinal(), TODAY_ORD - 400)
        self.company(number, name, industry, province, city, size, capital, founded, None)
        return company_id(number)

    def company(
        self,
        number: int,
        name: str,
        industry: str,
        province: str,
        city: str,
        size: CompanySize,
        capital: float,
        founded: int,
        institution: InstitutionType | None,
    ) -> None:
        rng = self.rng
        self.t_companies.write(
            (
                company_id(number),
                name,
                credit_code(PROVINCE_CODE[province], number, self._credit_salt),
                industry,
                province,
                size.value,
                fmt_money(max(capital, 10000.0)),
                iso(founded),
                "" if institution is None else institution.value,
                self.pools.address(rng, province, city),
                landline(rng),
            )
        )
