"""Streaming CSV/JSONL output for the synthetic bank: every row is written as soon as it is made.

Rows arrive as tuples of already-formatted strings in the generator's own column order; a `Table`
maps them onto the model's field order, so the header is always exactly `Model.model_fields`
and a field added to a model later (optional, hence defaulted) is written as an empty cell.

The world writes each table as `<name>.csv`; a planted structure writes its rows of the same
table to its own part, `<name>.<structure>.csv` (loaders/plan.py), which exists only when the
structure wrote rows to it.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel

from loaders import rows
from loaders.plan import table_file_name

GROUND_TRUTH = "ground_truth"


class Table:
    def __init__(self, handle: IO[str], header: Sequence[str], order: list[int] | None) -> None:
        self._writer = csv.writer(handle, lineterminator="\n")
        self._writer.writerow(header)
        self._order = order
        self.count = 0

    def write(self, row: Sequence[str]) -> None:
        if self._order is None:
            self._writer.writerow(row)
        else:
            self._writer.writerow([row[i] if i >= 0 else "" for i in self._order])
        self.count += 1


class Sink:
    """Owns every open output file and counts the rows written to each."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self._handles: list[IO[str]] = []
        self._tables: dict[str, Table] = {}
        self._optional: set[str] = set()
        self._jsonl_counts: dict[str, int] = {}

    def model_table(
        self, name: str, model: type[BaseModel], columns: Sequence[str], part: str | None
    ) -> Table:
        """The load file of `name` (or its `part`) with the model's header; `columns` is the
        order rows are given in."""
        fields = list(model.model_fields)
        unknown = [c for c in columns if c not in model.model_fields]
        missing = [
            f for f, info in model.model_fields.items() if info.is_required() and f not in columns
        ]
        if unknown or missing:
            raise RuntimeError(
                f"{name}: generator columns out of step with {model.__name__}: "
                f"unknown {unknown}, missing required {missing}"
            )
        position = {c: i for i, c in enumerate(columns)}
        order = [position.get(f, -1) for f in fields]
        identity = order == list(range(len(columns))) and len(fields) == len(columns)
        relpath = table_file_name(name, part, ".csv")
        return self._open(relpath, fields, None if identity else order, optional=part is not None)

    def truth_table(self, name: str, header: Sequence[str], part: str | None) -> Table:
        relpath = f"{GROUND_TRUTH}/{table_file_name(name, part, '.csv')}"
        return self._open(relpath, header, None, optional=part is not None)

    def _open(
        self, relpath: str, header: Sequence[str], order: list[int] | None, *, optional: bool
    ) -> Table:
        path = self.out / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("w", encoding="utf-8", newline="")
        self._handles.append(handle)
        table = Table(handle, header, order)
        self._tables[relpath] = table
        if optional:
            self._optional.add(relpath)
        return table

    def write_jsonl(self, name: str, part: str | None, objects: Iterable[dict[str, Any]]) -> None:
        """Ground-truth table `name` (or its `part`), one JSON object per line."""
        relpath = f"{GROUND_TRUTH}/{table_file_name(name, part, '.jsonl')}"
        path = self.out / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        count = 0
        with path.open("w", encoding="utf-8", newline="\n") as handle:
            for obj in objects:
                handle.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))
                handle.write("\n")
                count += 1
        self._jsonl_counts[relpath] = count

    def write_json(self, relpath: str, obj: dict[str, Any]) -> None:
        path = self.out / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    def counts(self) -> dict[str, int]:
        counts = {name: table.count for name, table in self._tables.items()}
        counts.update(self._jsonl_counts)
        return dict(sorted(counts.items()))

    def written(self) -> set[str]:
        """Relative paths of the files this sink wrote (and kept)."""
        return set(self._tables) | set(self._jsonl_counts)

    def close(self) -> None:
        """Closes every file; a structure's part that got no rows is not kept."""
        for handle in self._handles:
            handle.close()
        self._handles.clear()
        for relpath in sorted(self._optional):
            if self._tables[relpath].count == 0:
                (self.out / relpath).unlink()
                del self._tables[relpath]
        self._optional.clear()


class Tables:
    """One writer's tables: every load file and the ground truth kept per customer and per link.

    The world's are `<name>.csv`; a structure's are its parts, `<name>.<structure>.csv`.
    """

    def __init__(self, sink: Sink, part: str | None) -> None:
        def t(name: str, model: type[BaseModel], columns: Sequence[str]) -> Table:
            return sink.model_table(name, model, columns, part)

        self.branches = t("branches", rows.BranchRow, ("id", "name", "kind", "region", "city"))
        self.part_of = t("part_of", rows.PartOfRow, ("branch_id", "parent_id"))
        self.employees = t(
            "employees", rows.EmployeeRow, ("id", "name", "roles", "hired", "phone", "email")
        )
        self.works_at = t(
            "works_at",
            rows.WorksAtRow,
            ("employee_id", "branch_id", "position", "since", "until"),
        )
        self.persons = t(
            "persons",
            rows.PersonRow,
            (
                "id",
                "name",
                "gender",
                "birth_date",
                "national_id",
                "phone",
                "address",
                "region",
                "occupation",
            ),
        )
        self.companies = t(
            "companies",
            rows.CompanyRow,
            (
                "id",
                "name",
                "credit_code",
                "industry",
                "region",
                "size",
                "registered_capital",
                "founded",
                "institution_type",
                "address",
                "phone",
            ),
        )
        self.customers = t(
            "customers",
            rows.CustomerRow,
            (
                "party_id",
                "since",
                "segment",
                "value_tier",
                "need_type",
                "risk_tolerance",
                "home_branch_id",
            ),
        )
        self.manages = t(
            "manages", rows.ManagesRow, ("employee_id", "customer_id", "role", "since", "until")
        )
        self.products = t(
            "products",
            rows.ProductRow,
            (
                "id",
                "name",
                "type",
                "risk_rating",
                "status",
                "currency",
                "issue_date",
                "maturity_date",
                "issue_size",
                "coupon_rate",
            ),
        )
        self.issued = t("issued", rows.IssuedRow, ("issuer_id", "product_id"))
        self.underwrote = t(
            "underwrote", rows.UnderwroteRow, ("underwriter_id", "product_id", "role", "share")
        )
        self.holds = t(
            "holds", rows.HoldsRow, ("holder_id", "product_id", "amount", "since", "until")
        )
        self.owns = t(
            "owns",
            rows.OwnsRow,
            ("owner_id", "company_id", "share", "voting_share", "since", "until"),
        )
        self.executive_of = t(
            "executive_of",
            rows.ExecutiveOfRow,
            ("person_id", "company_id", "title", "since", "until"),
        )
        self.legal_rep_of = t(
            "legal_rep_of", rows.LegalRepOfRow, ("person_id", "company_id", "since", "until")
        )
        self.employed_by = t(
            "employed_by",
            rows.EmployedByRow,
            ("person_id", "company_id", "position", "payroll_with_us", "since", "until"),
        )
        self.family_of = t(
            "family_of",
            rows.FamilyOfRow,
            ("person_id", "relative_id", "relation", "since", "until"),
        )
        self.guarantees = t(
            "guarantees",
            rows.GuaranteesRow,
            ("guarantor_id", "company_id", "amount", "since", "until"),
        )
        self.tags = t("tags", rows.TagRow, ("id", "name", "category"))
        self.tagged = t("tagged", rows.TaggedRow, ("party_id", "tag_id", "score"))
        self.fees = t(
            "fees",
            rows.FeeRow,
            (
                "id",
                "party_id",
                "product_id",
                "period",
                "billed",
                "paid",
                "billed_on",
                "due_on",
                "paid_on",
            ),
        )
        self.risk_warnings = t(
            "risk_warnings",
            rows.RiskWarningRow,
            (
                "id",
                "party_id",
                "level",
                "category",
                "description",
                "source",
                "raised_on",
                "resolved_on",
            ),
        )
        self.interactions = t(
            "interactions",
            rows.InteractionRow,
            ("id", "party_id", "employee_id", "kind", "topic", "content_id", "channel", "at"),
        )
        self.list_entries = t(
            "list_entries",
            rows.ListEntryRow,
            ("id", "party_id", "list", "list_name", "reason", "source", "listed_on", "delisted_on"),
        )
        self.credit_policies = t(
            "credit_policies",
            rows.CreditPolicyRow,
            (
                "product_line",
                "version",
                "effective_from",
                "referrer_share",
                "closer_share",
                "supporting_share",
                "points_rate",
            ),
        )
        self.referrals = t(
            "referrals",
            rows.ReferralRow,
            (
                "id",
                "customer_id",
                "referrer_id",
                "recipient_id",
                "institution_id",
                "route",
                "stage",
                "product_line",
                "product_ids",
                "push_rule",
                "push_rules_version",
                "created_at",
                "stage_changed_at",
                "closer_id",
                "won_product_id",
                "won_amount",
            ),
        )
        self.referral_supporters = t(
            "referral_supporters",
            rows.ReferralSupporterRow,
            ("referral_id", "employee_id", "since"),
        )
        self.referral_events = t(
            "referral_events",
            rows.ReferralEventRow,
            (
                "referral_id",
                "seq",
                "at",
                "action",
                "from_stage",
                "to_stage",
                "actor_id",
                "actor_kind",
            ),
        )
        self.latent_types = sink.truth_table("latent_types", ("party_id", "latent_type"), part)
        self.heldout_holdings = sink.truth_table(
            "heldout_holdings",
            ("holder_id", "product_id", "product_type", "amount", "since"),
            part,
        )
        self.linkage = sink.truth_table(
            "linkage",
            (
                "person_id",
                "company_id",
                "link",
                "is_personal_customer",
                "is_company_customer",
                "payroll_with_us",
                "current",
            ),
            part,
        )


def fmt_date(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def iso(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


def iso_opt(ordinal: int | None) -> str:
    return "" if ordinal is None else date.fromordinal(ordinal).isoformat()


def fmt_money(value: float) -> str:
    return f"{value:.2f}"


def fmt_frac(value: float | None) -> str:
    """Shares and scores: at most 4 decimals, never in exponent notation."""
    if value is None:
        return ""
    return f"{value:.4f}".rstrip("0").rstrip(".") or "0"


def floor4(value: float) -> float:
    """Round down to 4 decimals, so shares that sum to at most 1 still do once written."""
    return math.floor(value * 10_000) / 10_000


def fmt_bool(value: bool) -> str:
    return "true" if value else "false"
