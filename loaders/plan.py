"""Which files a load folder may hold, what each row must look like, and the order they load in.

Node files load before the relationship files that reference them, so a row is only rejected for
an unknown id when that id is truly absent from the input (or from the graph already).
"""

from __future__ import annotations

from dataclasses import dataclass

from loaders import rows


@dataclass(frozen=True)
class LoadFile:
    name: str  # file stem: `<name>.csv` or `<name>.jsonl`
    model: type[rows.Row]
    query: str  # catalog name of the upsert statement
    description: str


LOAD_PLAN: tuple[LoadFile, ...] = (
    LoadFile("branches", rows.BranchRow, "load_branches", "branches and specialised centres"),
    LoadFile("part_of", rows.PartOfRow, "load_part_of", "branch hierarchy (child → parent)"),
    LoadFile("employees", rows.EmployeeRow, "load_employees", "bank employees and their roles"),
    LoadFile("works_at", rows.WorksAtRow, "load_works_at", "employee → branch"),
    LoadFile("persons", rows.PersonRow, "load_persons", "natural persons, customers or not"),
    LoadFile("companies", rows.CompanyRow, "load_companies", "companies, incl. institutions"),
    LoadFile("customers", rows.CustomerRow, "load_customers", "which parties are customers"),
    LoadFile("manages", rows.ManagesRow, "load_manages", "customer manager → customer"),
    LoadFile("products", rows.ProductRow, "load_products", "products and instruments"),
    LoadFile("issued", rows.IssuedRow, "load_issued", "issuer (融资人) → product"),
    LoadFile("underwrote", rows.UnderwroteRow, "load_underwrote", "underwriter → product"),
    LoadFile("holds", rows.HoldsRow, "load_holds", "holder → product"),
    LoadFile("owns", rows.OwnsRow, "load_owns", "shareholder → company"),
    LoadFile("executive_of", rows.ExecutiveOfRow, "load_executive_of", "executive → company"),
    LoadFile("legal_rep_of", rows.LegalRepOfRow, "load_legal_rep_of", "legal rep → company"),
    LoadFile("employed_by", rows.EmployedByRow, "load_employed_by", "employee → employer"),
    LoadFile("family_of", rows.FamilyOfRow, "load_family_of", "person → relative"),
    LoadFile("guarantees", rows.GuaranteesRow, "load_guarantees", "guarantor → company"),
    LoadFile("tags", rows.TagRow, "load_tags", "customer tags"),
    LoadFile("tagged", rows.TaggedRow, "load_tagged", "party → tag"),
    LoadFile("fees", rows.FeeRow, "load_fees", "service fees per party and product"),
    LoadFile("risk_warnings", rows.RiskWarningRow, "load_risk_warnings", "risk warnings"),
    LoadFile("interactions", rows.InteractionRow, "load_interactions", "private-domain events"),
    LoadFile("list_entries", rows.ListEntryRow, "load_list_entries", "prohibition/access lists"),
)
