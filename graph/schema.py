"""Constraints and indexes, as code. Every statement is idempotent (`IF NOT EXISTS`), so
`relgraph schema apply` and API start-up can both run it on every start."""

from __future__ import annotations

from typing import LiteralString

from graph.db import Database

# Labels whose `id` is unique. Person and Company repeat Party's constraint so that lookups by
# the narrower label use an index too.
UNIQUE_ID_LABELS: tuple[str, ...] = (
    "Party",
    "Person",
    "Company",
    "Customer",
    "Branch",
    "Employee",
    "Product",
    "Tag",
    "Fee",
    "RiskWarning",
    "Interaction",
    "ListEntry",
    "ScreeningRun",
    "ExposureAlert",
    "Opportunity",
)


def _constraint_name(label: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in label).lstrip("_") + "_id"


# Built from the constants above only; nothing from outside reaches this text.
UNIQUE_IDS: tuple[tuple[str, LiteralString], ...] = tuple(
    (
        _constraint_name(label),
        f"CREATE CONSTRAINT {_constraint_name(label)} IF NOT EXISTS "
        f"FOR (n:{label}) REQUIRE n.id IS UNIQUE",
    )
    for label in UNIQUE_ID_LABELS
)

# Ledgers (graph/ledger.py): one head per ledger, one entry per (ledger, sequence number).
LEDGER_CONSTRAINTS: tuple[tuple[str, LiteralString], ...] = (
    (
        "ledger_head_ledger",
        "CREATE CONSTRAINT ledger_head_ledger IF NOT EXISTS "
        "FOR (n:LedgerHead) REQUIRE n.ledger IS UNIQUE",
    ),
    (
        "ledger_entry_seq",
        "CREATE CONSTRAINT ledger_entry_seq IF NOT EXISTS "
        "FOR (n:LedgerEntry) REQUIRE (n.ledger, n.seq) IS UNIQUE",
    ),
    (
        "ledger_entry_id",
        "CREATE CONSTRAINT ledger_entry_id IF NOT EXISTS "
        "FOR (n:LedgerEntry) REQUIRE n.id IS UNIQUE",
    ),
)

# Compliance (graph/monitoring.py, graph/screening.py): alerts are numbered once each, and the
# counters that number them exist once each (MERGE alone would race).
COMPLIANCE_CONSTRAINTS: tuple[tuple[str, LiteralString], ...] = (
    (
        "exposure_alert_seq",
        "CREATE CONSTRAINT exposure_alert_seq IF NOT EXISTS "
        "FOR (n:ExposureAlert) REQUIRE n.seq IS UNIQUE",
    ),
    (
        "relgraph_counter_name",
        "CREATE CONSTRAINT relgraph_counter_name IF NOT EXISTS "
        "FOR (n:RelgraphCounter) REQUIRE n.name IS UNIQUE",
    ),
)

# Opportunities (graph/opportunities.py): an open one holds the key of its target and product
# line, so there is never a second open opportunity for the same target and product.
OPPORTUNITY_CONSTRAINTS: tuple[tuple[str, LiteralString], ...] = (
    (
        "opportunity_open_key",
        "CREATE CONSTRAINT opportunity_open_key IF NOT EXISTS "
        "FOR (n:Opportunity) REQUIRE n.open_key IS UNIQUE",
    ),
)

# Referrals (graph/referrals.py): an idempotency key makes one referral and answers one change;
# credit policy versions are numbered per product line.
REFERRAL_CONSTRAINTS: tuple[tuple[str, LiteralString], ...] = (
    (
        "referral_id",
        "CREATE CONSTRAINT referral_id IF NOT EXISTS FOR (n:Referral) REQUIRE n.id IS UNIQUE",
    ),
    (
        "referral_idem_key",
        "CREATE CONSTRAINT referral_idem_key IF NOT EXISTS "
        "FOR (n:Referral) REQUIRE n.idem_key IS UNIQUE",
    ),
    (
        "referral_event_idem_key",
        "CREATE CONSTRAINT referral_event_idem_key IF NOT EXISTS "
        "FOR (n:ReferralEvent) REQUIRE n.idem_key IS UNIQUE",
    ),
    (
        "credit_policy_version",
        "CREATE CONSTRAINT credit_policy_version IF NOT EXISTS "
        "FOR (n:CreditPolicy) REQUIRE (n.product_line, n.version) IS UNIQUE",
    ),
)

INDEXES: tuple[tuple[str, LiteralString], ...] = (
    (
        "customer_segment",
        "CREATE INDEX customer_segment IF NOT EXISTS FOR (n:Customer) ON (n.segment)",
    ),
    ("customer_since", "CREATE INDEX customer_since IF NOT EXISTS FOR (n:Customer) ON (n.since)"),
    (
        "customer_assets_fen",
        "CREATE INDEX customer_assets_fen IF NOT EXISTS FOR (n:Customer) ON (n.assets_fen)",
    ),
    # The customers list by name reads this in order (pinyin order: loaders/names.py).
    (
        "customer_name_sort_key",
        "CREATE INDEX customer_name_sort_key IF NOT EXISTS FOR (n:Customer) ON (n.name_sort_key)",
    ),
    ("product_type", "CREATE INDEX product_type IF NOT EXISTS FOR (n:Product) ON (n.type)"),
    ("list_entry_list", "CREATE INDEX list_entry_list IF NOT EXISTS FOR (n:ListEntry) ON (n.list)"),
    ("interaction_at", "CREATE INDEX interaction_at IF NOT EXISTS FOR (n:Interaction) ON (n.at)"),
    ("fee_due_on", "CREATE INDEX fee_due_on IF NOT EXISTS FOR (n:Fee) ON (n.due_on)"),
    # The funnel reads a branch's referrals by the referrer's branch and by the recipient's.
    (
        "referral_institution",
        "CREATE INDEX referral_institution IF NOT EXISTS FOR (n:Referral) ON (n.institution_id)",
    ),
    (
        "referral_referrer_branch",
        "CREATE INDEX referral_referrer_branch IF NOT EXISTS "
        "FOR (n:Referral) ON (n.referrer_branch_id)",
    ),
    (
        "referral_created_on",
        "CREATE INDEX referral_created_on IF NOT EXISTS FOR (n:Referral) ON (n.created_on)",
    ),
    # A run's flags by score (flaggedCustomers) and by customer (comparing two runs).
    (
        "screening_flag_score",
        "CREATE INDEX screening_flag_score IF NOT EXISTS "
        "FOR (n:ScreeningFlag) ON (n.run_id, n.max_score)",
    ),
    (
        "screening_flag_customer",
        "CREATE INDEX screening_flag_customer IF NOT EXISTS "
        "FOR (n:ScreeningFlag) ON (n.run_id, n.customer_id)",
    ),
    (
        "screening_run_started",
        "CREATE INDEX screening_run_started IF NOT EXISTS FOR (n:ScreeningRun) ON (n.started_at)",
    ),
    (
        "exposure_alert_status",
        "CREATE INDEX exposure_alert_status IF NOT EXISTS FOR (n:ExposureAlert) ON (n.status)",
    ),
    # The audit log read by who looked and at what (auditLog).
    (
        "ledger_entry_subject",
        "CREATE INDEX ledger_entry_subject IF NOT EXISTS FOR (n:LedgerEntry) ON (n.subject)",
    ),
    (
        "ledger_entry_actor",
        "CREATE INDEX ledger_entry_actor IF NOT EXISTS FOR (n:LedgerEntry) ON (n.actor)",
    ),
    # Cross-sell answers read their scope's counts by key: a label scan of the bank's tens of
    # thousands of co-holding rows per request cost more than the rest of the answer.
    (
        "holding_counts_key",
        "CREATE INDEX holding_counts_key IF NOT EXISTS "
        "FOR (n:HoldingCounts) ON (n.generation, n.branch, n.group)",
    ),
    (
        "co_holding_counts_key",
        "CREATE INDEX co_holding_counts_key IF NOT EXISTS "
        "FOR (n:CoHoldingCounts) ON (n.generation, n.branch, n.product_id)",
    ),
    (
        "opportunity_status",
        "CREATE INDEX opportunity_status IF NOT EXISTS FOR (n:Opportunity) ON (n.status)",
    ),
    # The cjk analyzer indexes Chinese as overlapping bigrams, so part of a name finds the whole.
    (
        "party_names",
        "CREATE FULLTEXT INDEX party_names IF NOT EXISTS FOR (n:Person|Company) ON EACH [n.name] "
        "OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}",
    ),
    # A single Chinese character matches no pair: names containing it are found through this.
    (
        "party_name_text",
        "CREATE TEXT INDEX party_name_text IF NOT EXISTS FOR (n:Party) ON (n.name)",
    ),
    (
        "product_names",
        "CREATE FULLTEXT INDEX product_names IF NOT EXISTS FOR (n:Product) ON EACH [n.name] "
        "OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}",
    ),
)

CONSTRAINTS = (
    *UNIQUE_IDS,
    *LEDGER_CONSTRAINTS,
    *COMPLIANCE_CONSTRAINTS,
    *OPPORTUNITY_CONSTRAINTS,
    *REFERRAL_CONSTRAINTS,
)
CONSTRAINT_NAMES = frozenset(name for name, _ in CONSTRAINTS)
INDEX_NAMES = frozenset(name for name, _ in INDEXES)
# Indexes on properties relgraph no longer stores (assets are integer fen in assets_fen now).
RETIRED_INDEXES: tuple[LiteralString, ...] = ("DROP INDEX customer_assets IF EXISTS",)


async def apply_schema(db: Database) -> None:
    for statement in RETIRED_INDEXES:
        await db.run_ddl(statement)
    for _, statement in (*CONSTRAINTS, *INDEXES):
        await db.run_ddl(statement)
    await db.run_ddl("CALL db.awaitIndexes(300)")
