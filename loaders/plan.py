"""Which files a load folder may hold, what each row must look like, and the order they load in.

Node files load before the relationship files that reference them, so a row is only rejected for
an unknown id when that id is truly absent from the input (or from the graph already).

A table (a load type, or a ground-truth table of the synthetic bank) is one file, `<name>.csv`,
or several: `<name>.csv` and parts `<name>.<part>.csv` (`.jsonl` likewise), read plain file first,
then parts in the sorted order of their labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loaders import rows
from queries import CypherQuery, Q

TABLE_SUFFIXES = (".csv", ".jsonl")
PART_LABEL = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class TableFile:
    """A file name read as `<stem>[.<part>]<suffix>`."""

    stem: str
    part: str | None
    suffix: str

    @property
    def order(self) -> tuple[bool, str]:
        """Sort key among one table's files: the plain file, then parts by label."""
        return (self.part is not None, self.part or "")


def table_file_name(stem: str, part: str | None, suffix: str) -> str:
    if part is not None and not PART_LABEL.fullmatch(part):
        raise ValueError(f"a part label is letters, digits, '_' and '-'; got {part!r}")
    return f"{stem}{suffix}" if part is None else f"{stem}.{part}{suffix}"


def parse_table_file_name(name: str) -> TableFile | None:
    """None for names that are no table's file (`README.md`, `holds.csv.bak`, `a.b.c.csv`)."""
    for suffix in TABLE_SUFFIXES:
        if name.endswith(suffix):
            stem, dot, part = name.removesuffix(suffix).partition(".")
            if not stem or (dot and not PART_LABEL.fullmatch(part)):
                return None
            return TableFile(stem, part if dot else None, suffix)
    return None


@dataclass(frozen=True)
class LoadFile:
    name: str  # file stem: `<name>.csv` or `<name>.jsonl`
    model: type[rows.Row]
    query: CypherQuery  # the upsert statement
    description: str
    # The columns the upsert merges on: one row per key in a file, as a second row would
    # silently overwrite the first.
    key: tuple[str, ...] = ("id",)


LOAD_PLAN: tuple[LoadFile, ...] = (
    LoadFile("branches", rows.BranchRow, Q.load_branches, "branches and specialised centres"),
    LoadFile(
        "part_of",
        rows.PartOfRow,
        Q.load_part_of,
        "branch hierarchy (child → parent)",
        key=("branch_id",),
    ),
    LoadFile("employees", rows.EmployeeRow, Q.load_employees, "bank employees and their roles"),
    LoadFile(
        "works_at",
        rows.WorksAtRow,
        Q.load_works_at,
        "employee → branch",
        key=("employee_id", "branch_id"),
    ),
    LoadFile("persons", rows.PersonRow, Q.load_persons, "natural persons, customers or not"),
    LoadFile("companies", rows.CompanyRow, Q.load_companies, "companies, incl. institutions"),
    LoadFile(
        "customers",
        rows.CustomerRow,
        Q.load_customers,
        "which parties are customers",
        key=("party_id",),
    ),
    LoadFile(
        "manages",
        rows.ManagesRow,
        Q.load_manages,
        "customer manager → customer",
        key=("employee_id", "customer_id"),
    ),
    LoadFile("products", rows.ProductRow, Q.load_products, "products and instruments"),
    LoadFile(
        "issued",
        rows.IssuedRow,
        Q.load_issued,
        "issuer (融资人) → product",
        key=("issuer_id", "product_id"),
    ),
    LoadFile(
        "underwrote",
        rows.UnderwroteRow,
        Q.load_underwrote,
        "underwriter → product",
        key=("underwriter_id", "product_id"),
    ),
    LoadFile(
        "holds", rows.HoldsRow, Q.load_holds, "holder → product", key=("holder_id", "product_id")
    ),
    LoadFile(
        "owns", rows.OwnsRow, Q.load_owns, "shareholder → company", key=("owner_id", "company_id")
    ),
    LoadFile(
        "executive_of",
        rows.ExecutiveOfRow,
        Q.load_executive_of,
        "executive → company",
        key=("person_id", "company_id"),
    ),
    LoadFile(
        "legal_rep_of",
        rows.LegalRepOfRow,
        Q.load_legal_rep_of,
        "legal rep → company",
        key=("person_id", "company_id"),
    ),
    LoadFile(
        "employed_by",
        rows.EmployedByRow,
        Q.load_employed_by,
        "employee → employer",
        key=("person_id", "company_id"),
    ),
    LoadFile(
        "family_of",
        rows.FamilyOfRow,
        Q.load_family_of,
        "person → relative",
        key=("person_id", "relative_id"),
    ),
    LoadFile(
        "guarantees",
        rows.GuaranteesRow,
        Q.load_guarantees,
        "guarantor → company",
        key=("guarantor_id", "company_id"),
    ),
    LoadFile("tags", rows.TagRow, Q.load_tags, "customer tags"),
    LoadFile("tagged", rows.TaggedRow, Q.load_tagged, "party → tag", key=("party_id", "tag_id")),
    LoadFile("fees", rows.FeeRow, Q.load_fees, "service fees per party and product"),
    LoadFile("risk_warnings", rows.RiskWarningRow, Q.load_risk_warnings, "risk warnings"),
    LoadFile("interactions", rows.InteractionRow, Q.load_interactions, "private-domain events"),
    LoadFile("list_entries", rows.ListEntryRow, Q.load_list_entries, "prohibition/access lists"),
    LoadFile(
        "credit_policies",
        rows.CreditPolicyRow,
        Q.load_credit_policies,
        "credit policy versions (业绩分成) per product line",
        key=("product_line", "version"),
    ),
    LoadFile("referrals", rows.ReferralRow, Q.load_referrals, "referrals (转介) as they stand"),
    LoadFile(
        "referral_supporters",
        rows.ReferralSupporterRow,
        Q.load_referral_supporters,
        "supporting employees of referrals",
        key=("referral_id", "employee_id"),
    ),
    LoadFile(
        "referral_events",
        rows.ReferralEventRow,
        Q.load_referral_events,
        "referrals' timelines",
        key=("referral_id", "seq"),
    ),
)
