"""Financial institutions and products: the catalogue, numbered series and debt instruments."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date

from graph.model import InstitutionType, ProductStatus, ProductType, UnderwriterRole
from loaders.synthetic.ids import company_id
from loaders.synthetic.population import Population
from loaders.synthetic.sink import floor4, fmt_frac, fmt_money, iso
from loaders.synthetic.streams import Stream
from loaders.synthetic.vocab import (
    DEBT_KINDS,
    FI_KINDS,
    PRODUCT_CATALOG,
    PROVINCE_CITIES,
    TODAY_ORD,
    Pools,
    cn_ordinal,
    day,
    pick_index,
    pick_province,
)

_T = ProductType


@dataclass(frozen=True)
class Product:
    id: str
    type: ProductType
    risk: int
    audience: str
    status: ProductStatus
    issue: int | None  # ordinal
    maturity: int | None
    issuer: int | None  # company number, for debt instruments
    size: float
    mortgage: bool = False


@dataclass(frozen=True)
class Institution:
    name: str
    kind: InstitutionType
    province: str
    city: str


class Catalogue:
    """Built once by the world: who the institutions are, and every product with its issuer and
    underwriters. Products are indexed by (type, audience), sorted by risk, so that "rated at
    most R3" is a prefix of a list."""

    def __init__(self, stream: Stream, pools: Pools, population: Population) -> None:
        self._rng = stream.rng
        self._tables = stream.tables
        self.pools = pools
        self.population = population
        self.products: list[Product] = []
        self._build_institutions()
        self._build_catalogue()
        self._build_debt()
        self._index()

    def _build_institutions(self) -> None:
        rng = self._rng
        pattern = [kind for kind, (weight, _) in FI_KINDS.items() for _ in range(weight)]
        rng.shuffle(pattern)
        self.institutions: list[Institution] = []  # institution k is company number k + 1
        names: set[str] = set()
        for k in range(self.population.fi_count):
            kind = pattern[k % len(pattern)]
            province = pick_province(rng)
            city = rng.choice(PROVINCE_CITIES[province])
            name = ""
            for _ in range(50):
                template = rng.choice(FI_KINDS[kind][1])
                name = template.format(p=rng.choice(self.pools.prefixes), c=city)
                if name not in names:
                    break
            names.add(name)
            self.institutions.append(Institution(name, kind, province, city))
        self.fi_by_kind: dict[InstitutionType, list[int]] = {}
        for k, institution in enumerate(self.institutions):
            self.fi_by_kind.setdefault(institution.kind, []).append(k + 1)

    def _build_catalogue(self) -> None:
        rng = self._rng
        series = [t for t in PRODUCT_CATALOG if t.tenor_days]
        issues_each = max(3, (20 + self.population.n // 1000) // len(series))
        start, end = date(2021, 1, 1).toordinal(), TODAY_ORD + 90
        for template in PRODUCT_CATALOG:
            if not template.tenor_days:
                launched = day(rng, date(2008, 1, 1).toordinal(), date(2023, 12, 31).toordinal())
                status = ProductStatus.CLOSED if template.closed else ProductStatus.ACTIVE
                self._add(
                    template.name,
                    template.type,
                    template.risk,
                    template.audience,
                    status,
                    launched,
                    None,
                    None,
                    None,
                    issuer_kind=template.issuer_kind,
                    mortgage=template.name.startswith("个人住房"),
                    currency=template.currency,
                )
                continue
            for k in range(issues_each):
                issue = start + (end - start) * k // issues_each + rng.randint(0, 20)
                maturity = issue + template.tenor_days
                if issue > TODAY_ORD:
                    status = ProductStatus.PLANNED
                elif maturity <= TODAY_ORD:
                    status = ProductStatus.MATURED
                else:
                    status = ProductStatus.ACTIVE
                name = template.name.format(n=k + 1, y=date.fromordinal(issue).year)
                self._add(
                    name,
                    template.type,
                    template.risk,
                    template.audience,
                    status,
                    issue,
                    maturity,
                    None,
                    None,
                    issuer_kind=template.issuer_kind,
                )

    def _add(
        self,
        name: str,
        ptype: ProductType,
        risk: int,
        audience: str,
        status: ProductStatus,
        issue: int | None,
        maturity: int | None,
        size: float | None,
        coupon: float | None,
        *,
        issuer: int | None = None,
        issuer_kind: InstitutionType | None = None,
        mortgage: bool = False,
        currency: str = "CNY",
    ) -> Product:
        product = Product(
            id=f"PR{len(self.products) + 1:06d}",
            type=ptype,
            risk=risk,
            audience=audience,
            status=status,
            issue=issue,
            maturity=maturity,
            issuer=issuer,
            size=size or 0.0,
            mortgage=mortgage,
        )
        self.products.append(product)
        self._tables.products.write(
            (
                product.id,
                name,
                ptype.value,
                f"R{risk}",
                status.value,
                currency,
                "" if issue is None else iso(issue),
                "" if maturity is None else iso(maturity),
                "" if size is None else fmt_money(size),
                fmt_frac(coupon),
            )
        )
        if issuer is not None:
            self._tables.issued.write((company_id(issuer), product.id))
        elif issuer_kind is not None and self.fi_by_kind.get(issuer_kind):
            self._tables.issued.write(
                (company_id(self._rng.choice(self.fi_by_kind[issuer_kind])), product.id)
            )
        return product

    def _build_debt(self) -> None:
        """债务融资工具: issued by large corporate customers, underwritten by banks and brokers."""
        rng = self._rng
        pop = self.population
        count = max(8, pop.n // 200)
        underwriters = sorted(
            self.fi_by_kind.get(InstitutionType.BANK, [])
            + self.fi_by_kind.get(InstitutionType.SECURITIES, [])
        )
        rng.shuffle(underwriters)
        # A few houses lead most deals (Zipf), as in the real league tables.
        lead_weights = [1.0 / (rank + 1) ** 1.1 for rank in range(len(underwriters))]
        frequent = [pop.fi_count + 1 + rng.randrange(pop.large_count) for _ in range(8)]
        self.lead_count: dict[int, int] = {}
        self.underwrote: set[int] = set()
        self.debt_by_issuer: dict[int, list[Product]] = {}
        issue_numbers: dict[tuple[int, int], int] = {}
        kind_weights = [w for _, _, w in DEBT_KINDS]
        for _ in range(count):
            issuer = (
                rng.choice(frequent)
                if rng.random() < 0.4
                else pop.fi_count + 1 + rng.randrange(pop.large_count)
            )
            kind, tenor, _ = DEBT_KINDS[pick_index(rng, kind_weights)]
            issue = day(rng, date(2019, 1, 1).toordinal(), TODAY_ORD + 90)
            maturity = issue + tenor
            year = date.fromordinal(issue).year
            seq = issue_numbers.get((issuer, year), 0) + 1
            issue_numbers[(issuer, year)] = seq
            if issue > TODAY_ORD:
                status = ProductStatus.PLANNED
            elif rng.random() < 0.03:
                status = ProductStatus.DEFAULTED
            elif maturity <= TODAY_ORD:
                status = ProductStatus.MATURED
            else:
                status = ProductStatus.ACTIVE
            name = f"{pop.large_identity(issuer)[0]}{year}年度第{cn_ordinal(seq)}期{kind}"
            size = round(rng.uniform(3, 50)) * 1e8
            coupon = round(rng.uniform(0.018, 0.045) + (0.01 if tenor > 1000 else 0.0), 4)
            risk = (2, 2, 3, 3, 4)[rng.randrange(5)]
            product = self._add(
                name,
                _T.DEBT_INSTRUMENT,
                risk,
                "B",
                status,
                issue,
                maturity,
                size,
                coupon,
                issuer=issuer,
            )
            self.debt_by_issuer.setdefault(issuer, []).append(product)
            lead = underwriters[pick_index(rng, lead_weights)]
            co = [u for u in rng.sample(underwriters, min(len(underwriters), 4)) if u != lead]
            co = co[: pick_index(rng, (0.25, 0.35, 0.25, 0.15))]
            lead_share = rng.uniform(0.35, 0.7)
            rest = (1.0 - lead_share) * rng.uniform(0.6, 1.0)
            cuts = [rng.random() + 0.2 for _ in co]
            shares = [floor4(lead_share)] + [floor4(rest * c / sum(cuts)) for c in cuts]
            for fi, share in zip([lead, *co], shares, strict=True):
                role = UnderwriterRole.LEAD if fi == lead else UnderwriterRole.CO
                self._tables.underwrote.write(
                    (company_id(fi), product.id, role.value, fmt_frac(share))
                )
                self.underwrote.add(fi)
            self.lead_count[lead] = self.lead_count.get(lead, 0) + 1

    def _index(self) -> None:
        self.pool: dict[tuple[ProductType, str], list[Product]] = {}
        for product in self.products:
            if product.status in (ProductStatus.PLANNED, ProductStatus.CLOSED):
                continue
            for audience in ("P", "C"):
                if product.audience in (audience, "B"):
                    self.pool.setdefault((product.type, audience), []).append(product)
        self.pool_cut: dict[tuple[ProductType, str], list[int]] = {}
        for key, products in self.pool.items():
            products.sort(key=lambda p: (p.risk, p.id))
            self.pool_cut[key] = [
                bisect.bisect_right([p.risk for p in products], level) for level in range(6)
            ]
        self.payroll_products = self.pool.get((_T.PAYROLL_SERVICE, "C"), [])
