"""The bank itself: branches (总行 → 分行 → 支行 → 分理处, plus centres) and their staff."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from graph.model import BranchKind, EmployeeRole
from graph.push_rules import Branch as DirectoryBranch
from graph.push_rules import Directory
from loaders.synthetic.population import Population
from loaders.synthetic.sink import fmt_date, iso
from loaders.synthetic.streams import Stream
from loaders.synthetic.vocab import (
    BANK,
    CITY_DISTRICTS,
    EMAIL_DOMAIN,
    GENERIC_DISTRICTS,
    PROVINCE_CITIES,
    PROVINCES,
    TODAY_ORD,
    Pools,
    day,
    mobile,
    short_province,
)

_HEAD_TITLES = {
    BranchKind.HEAD_OFFICE: "行长",
    BranchKind.BRANCH: "分行行长",
    BranchKind.SUB_BRANCH: "支行行长",
    BranchKind.OUTLET: "网点主任",
    BranchKind.CENTER: "中心总经理",
}


@dataclass
class Branch:
    index: int
    id: str
    kind: BranchKind
    province: str
    city: str
    parent: int | None
    managers: list[tuple[str, int]]  # (employee id, hired ordinal)
    specialists: list[tuple[str, int]]


class Org:
    """Built once by the world; customers of every writer are homed and managed here."""

    def __init__(self, stream: Stream, pools: Pools, population: Population) -> None:
        self._rng = stream.rng
        self._tables = stream.tables
        self.pools = pools
        self.population = population
        self.branches: list[Branch] = []
        # Who works where now, as the push rules route (graph/push_rules.py): the referral
        # history is routed by them.
        self.directory = Directory({})
        self._employee_no = 0
        self._build_branches()
        self._build_employees()
        for members in self.directory.staff.values():
            members.sort()

    def manager_pool(self, branch: Branch, specialists: bool = False) -> list[tuple[str, int]]:
        """Staff of the nearest branch up the chain (home branch first) that has any."""
        current: Branch | None = branch
        while current is not None:
            pool = current.specialists if specialists else current.managers
            if pool:
                return pool
            current = None if current.parent is None else self.branches[current.parent]
        return []

    def _add(
        self, kind: BranchKind, name: str, province: str, city: str, parent: int | None
    ) -> int:
        index = len(self.branches)
        branch = Branch(index, f"B{index + 1:05d}", kind, province, city, parent, [], [])
        self.branches.append(branch)
        self.directory.branches[branch.id] = DirectoryBranch(
            branch.id, kind.value, None if parent is None else self.branches[parent].id
        )
        self._tables.branches.write((branch.id, name, kind.value, province, city))
        if parent is not None:
            self._tables.part_of.write((branch.id, self.branches[parent].id))
        return index

    def _build_branches(self) -> None:
        rng = self._rng
        outlets = max(6, self.population.n // 500)
        regions = min(31, max(2, round(math.sqrt(outlets))))
        subs = max(regions, outlets // 4)
        add = self._add
        self.head = add(BranchKind.HEAD_OFFICE, f"{BANK}总行", "北京市", "北京", None)
        self.fi_centre = add(BranchKind.CENTER, f"{BANK}金融同业中心", "上海市", "上海", self.head)
        self.private_centre = add(
            BranchKind.CENTER, f"{BANK}私人银行中心", "北京市", "北京", self.head
        )
        self.ib_centre = add(BranchKind.CENTER, f"{BANK}投资银行中心", "北京市", "北京", self.head)
        order = sorted(PROVINCES, key=lambda p: -p[3] * rng.uniform(0.6, 1.4))[
            :regions
        ]  # richer provinces first, with some luck
        self.region_branches: dict[str, list[int]] = {}
        self.region_list: list[int] = []
        for province, _, cities, _ in order:
            short = short_province(province)
            index = add(BranchKind.BRANCH, f"{BANK}{short}分行", province, cities[0], self.head)
            self.region_list.append(index)
            self.region_branches.setdefault(province, []).append(index)
        self.sub_branches: list[int] = []
        for k in range(subs):
            parent = self.branches[self.region_list[k % len(self.region_list)]]
            city = rng.choice(PROVINCE_CITIES[parent.province])
            district = rng.choice(CITY_DISTRICTS.get(city, GENERIC_DISTRICTS))
            name = f"{BANK}{city}{district.removesuffix('区')}支行"
            self.sub_branches.append(
                add(BranchKind.SUB_BRANCH, name, parent.province, city, parent.index)
            )
        self.outlets: list[int] = []
        for k in range(outlets):
            parent = self.branches[self.sub_branches[k % subs]]
            name = f"{BANK}{parent.city}{rng.choice(self.pools.streets)}分理处"
            self.outlets.append(
                add(BranchKind.OUTLET, name, parent.province, parent.city, parent.index)
            )

    def _build_employees(self) -> None:
        rng = self._rng
        pop = self.population
        n_outlets, n_subs = len(self.outlets), len(self.sub_branches)
        n_regions = len(self.region_list)
        sme = pop.companies - pop.fi_count - pop.large_count
        per_outlet = (0.88 * pop.persons + 0.7 * sme) / n_outlets
        per_sub = (0.12 * pop.persons + 0.3 * sme + 0.3 * pop.large_count) / n_subs
        per_region = 0.7 * pop.large_count / n_regions
        staffing: dict[BranchKind, tuple[int, int, int]] = {  # managers, specialists, tellers
            BranchKind.HEAD_OFFICE: (2, 4, 0),
            BranchKind.BRANCH: (max(2, round(0.75 * per_region / 40)), 2, 0),
            BranchKind.SUB_BRANCH: (max(1, round(0.3 * per_sub / 70)), 1, 2),
            BranchKind.OUTLET: (max(1, round(0.3 * per_outlet / 90)), 0, 3),
        }
        centre_staff = {
            self.fi_centre: (max(2, round(0.8 * pop.fi_count / 30)), 2, 0),
            self.private_centre: (max(2, round(0.006 * pop.persons / 40)), 2, 0),
            self.ib_centre: (2, 3, 0),
        }
        for branch in self.branches:
            managers, specialists, tellers = centre_staff.get(
                branch.index, staffing.get(branch.kind, (1, 1, 0))
            )
            if branch.kind == BranchKind.OUTLET:
                specialists = 1 if rng.random() < 0.3 else 0
                tellers = rng.randint(2, 4)
            head_roles = [EmployeeRole.BRANCH_HEAD]
            if branch.kind == BranchKind.OUTLET and rng.random() < 0.4:
                head_roles.append(EmployeeRole.CUSTOMER_MANAGER)
            head_id, hired = self._employee(branch, head_roles, _HEAD_TITLES[branch.kind])
            if EmployeeRole.CUSTOMER_MANAGER in head_roles:
                branch.managers.append((head_id, hired))
            for _ in range(managers):
                title = "理财经理" if branch.kind == BranchKind.OUTLET else "客户经理"
                branch.managers.append(
                    self._employee(branch, [EmployeeRole.CUSTOMER_MANAGER], title)
                )
            for _ in range(specialists):
                branch.specialists.append(
                    self._employee(branch, [EmployeeRole.PRODUCT_SPECIALIST], "产品经理")
                )
            for _ in range(tellers):
                roles = [EmployeeRole.TELLER]
                if rng.random() < 0.1:
                    roles.append(EmployeeRole.PRODUCT_SPECIALIST)
                self._employee(branch, roles, "柜员")

    def _employee(
        self, branch: Branch, roles: list[EmployeeRole], position: str
    ) -> tuple[str, int]:
        rng = self._rng
        self._employee_no += 1
        emp_id = f"E{self._employee_no:06d}"
        male = rng.random() < 0.5
        hired = day(rng, date(2003, 1, 1).toordinal(), TODAY_ORD - 60)
        self._tables.employees.write(
            (
                emp_id,
                self.pools.person_name(rng, male),
                "|".join(r.value for r in roles),
                fmt_date(date.fromordinal(hired)),
                mobile(rng),
                f"{emp_id.lower()}@{EMAIL_DOMAIN}",
            )
        )
        since = hired
        if rng.random() < 0.12 and hired + 180 < TODAY_ORD - 30:
            # A transfer: the old posting stays on record with an end date.
            moved = day(rng, hired + 180, TODAY_ORD - 30)
            old = rng.choice(self.branches)
            if old.index != branch.index:
                self._tables.works_at.write((emp_id, old.id, position, iso(hired), iso(moved - 1)))
                since = moved
        self._tables.works_at.write((emp_id, branch.id, position, iso(since), ""))
        self.directory.branch_of_employee[emp_id] = branch.id
        for role in roles:
            self.directory.staff.setdefault((branch.id, role.value), []).append(emp_id)
        return emp_id, hired
