"""Which files a load folder may hold, what each row must look like, and the order they load in.

Node files load before the relationship files that reference them, so a row is only rejected for
an unknown id when that id is truly absent from the input (or from the graph already).
"""

from __future__ import annotations

from dataclasses import dataclass

from loaders import rows
from queries import CypherQuery, Q


@dataclass(frozen=True)
class LoadFile:
    name: str  # file stem: `<name>.csv` or `<name>.jsonl`
    model: type[rows.Row]
    query: CypherQuery  # the upsert statement
    description: str


LOAD_PLAN: tuple[LoadFile, ...] = (
    LoadFile("branches", rows.BranchRow, Q.load_branches, "branches and specialised centres"),
    LoadFile("part_of", rows.PartOfRow, Q.load_part_of, "branch hierarchy (child → parent)"),
    LoadFile("employees", rows.EmployeeRow, Q.load_employees, "bank employees and their roles"),
    LoadFile("works_at", rows.WorksAtRow, Q.load_works_at, "employee → branch"),
    LoadFile("persons", rows.PersonRow, Q.load_persons, "natural persons, customers or not"),
    LoadFile("companies", rows.CompanyRow, Q.load_companies, "companies, incl. institutions"),
    LoadFile("customers", rows.CustomerRow, Q.load_customers, "which parties are customers"),
    LoadFile("manages", rows.ManagesRow, Q.load_manages, "customer manager → customer"),
    LoadFile("products", rows.ProductRow, Q.load_products, "products and instruments"),
    LoadFile("issued", rows.IssuedRow, Q.load_issued, "issuer (融资人) → product"),
    LoadFile("underwrote", rows.UnderwroteRow, Q.load_underwrote, "underwriter → product"),
    LoadFile("holds", rows.HoldsRow, Q.load_holds, "holder → product"),
    LoadFile("owns", rows.OwnsRow, Q.load_owns, "shareholder → company"),
    LoadFile("executive_of", rows.ExecutiveOfRow, Q.load_executive_of, "executive → company"),
    LoadFile("legal_rep_of", rows.LegalRepOfRow, Q.load_legal_rep_of, "legal rep → company"),
    LoadFile("employed_by", rows.EmployedByRow, Q.load_employed_by, "employee → employer"),
    LoadFile("family_of", rows.FamilyOfRow, Q.load_family_of, "person → relative"),
    LoadFile("guarantees", rows.GuaranteesRow, Q.load_guarantees, "guarantor → company"),
    LoadFile("tags", rows.TagRow, Q.load_tags, "customer tags"),
    LoadFile("tagged", rows.TaggedRow, Q.load_tagged, "party → tag"),
    LoadFile("fees", rows.FeeRow, Q.load_fees, "service fees per party and product"),
    LoadFile("risk_warnings", rows.RiskWarningRow, Q.load_risk_warnings, "risk warnings"),
    LoadFile("interactions", rows.InteractionRow, Q.load_interactions, "private-domain events"),
    LoadFile("list_entries", rows.ListEntryRow, Q.load_list_entries, "prohibition/access lists"),
)
