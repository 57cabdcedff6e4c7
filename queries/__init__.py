"""The Cypher catalog: one statement per `.cypher` file below this folder, loaded once at import.

Code names a statement as an attribute of `Q` (`db.read(Q.parties_by_ids, …)`), never by a
string: a misspelt name is a mypy error and an AttributeError, and `Q` must list exactly the
statements on disk or importing this package fails naming the difference. Statements are static
text: callers pass values as parameters only. queries/catalog.py has the file format and rules.
"""

from __future__ import annotations

from typing import get_type_hints

from queries.catalog import (
    QUERY_DIR,
    CatalogError,
    CypherQuery,
    Part,
    load_catalog,
    load_parts,
    parse_part,
    parse_query,
    statement_files,
)


class Q:
    """Every statement of the catalog, by file stem (kept in alphabetical order)."""

    alert_acknowledge: CypherQuery
    alerts_after: CypherQuery
    alerts_count: CypherQuery
    alerts_head: CypherQuery
    alerts_page: CypherQuery
    alerts_raise: CypherQuery
    branch_children_by_ids: CypherQuery
    branch_staffing: CypherQuery
    branch_subtree_ids: CypherQuery
    branches_by_ids: CypherQuery
    crosssell_affinity: CypherQuery
    crosssell_customers: CypherQuery
    crosssell_drop_old: CypherQuery
    crosssell_mark_stale: CypherQuery
    crosssell_profiles: CypherQuery
    crosssell_publish: CypherQuery
    crosssell_refresh_start: CypherQuery
    crosssell_release: CypherQuery
    crosssell_statistics: CypherQuery
    crosssell_status: CypherQuery
    crosssell_write_groups: CypherQuery
    crosssell_write_pairs: CypherQuery
    company_staff_links: CypherQuery
    corporate_background: CypherQuery
    credit_leaderboard: CypherQuery
    credit_policies: CypherQuery
    credit_policy_publish: CypherQuery
    customer_count_anchors: CypherQuery
    customer_total: CypherQuery
    customers_by_assets_asc: CypherQuery
    customers_by_assets_desc: CypherQuery
    customers_by_name_asc: CypherQuery
    customers_by_name_desc: CypherQuery
    customers_by_since_asc: CypherQuery
    customers_by_since_desc: CypherQuery
    customers_count_all: CypherQuery
    customers_count_by_branches: CypherQuery
    customers_count_by_label: CypherQuery
    customers_count_by_manager: CypherQuery
    customers_count_by_product: CypherQuery
    customers_count_by_segment: CypherQuery
    customers_count_by_tag: CypherQuery
    demo_employee: CypherQuery
    employees_by_branches: CypherQuery
    employees_by_ids: CypherQuery
    exposures_current: CypherQuery
    exposures_prune: CypherQuery
    exposures_set: CypherQuery
    get_meta: CypherQuery
    holder_segments_by_products: CypherQuery
    holders_of_products: CypherQuery
    holding_of_product: CypherQuery
    issuers_by_products: CypherQuery
    ledger_append: CypherQuery
    ledger_entries_count: CypherQuery
    ledger_entries_from: CypherQuery
    ledger_entries_page: CypherQuery
    ledger_head: CypherQuery
    ledger_head_lock: CypherQuery
    list_entries_by_parties: CypherQuery
    list_entries_count: CypherQuery
    list_entries_page: CypherQuery
    list_entry_close: CypherQuery
    list_entry_create: CypherQuery
    listed_party_ids: CypherQuery
    load_branches: CypherQuery
    load_companies: CypherQuery
    load_credit_policies: CypherQuery
    load_customers: CypherQuery
    load_employed_by: CypherQuery
    load_employees: CypherQuery
    load_executive_of: CypherQuery
    load_family_of: CypherQuery
    load_fees: CypherQuery
    load_guarantees: CypherQuery
    load_holds: CypherQuery
    load_interactions: CypherQuery
    load_issued: CypherQuery
    load_legal_rep_of: CypherQuery
    load_list_entries: CypherQuery
    load_manages: CypherQuery
    load_owns: CypherQuery
    load_part_of: CypherQuery
    load_persons: CypherQuery
    load_products: CypherQuery
    load_referral_events: CypherQuery
    load_referral_supporters: CypherQuery
    load_referrals: CypherQuery
    load_risk_warnings: CypherQuery
    load_tagged: CypherQuery
    load_tags: CypherQuery
    load_underwrote: CypherQuery
    load_works_at: CypherQuery
    opportunities_by_ids: CypherQuery
    opportunities_expire: CypherQuery
    opportunities_of_owner: CypherQuery
    opportunities_upsert: CypherQuery
    opportunity_actor: CypherQuery
    opportunity_stats: CypherQuery
    opportunity_transition: CypherQuery
    ownership_edges_down: CypherQuery
    ownership_edges_up: CypherQuery
    parties_by_ids: CypherQuery
    parties_without_name_sort_key: CypherQuery
    party_details_by_ids: CypherQuery
    person_company_links: CypherQuery
    products_by_ids: CypherQuery
    products_page: CypherQuery
    reach_far: CypherQuery
    reach_near: CypherQuery
    referral_add_participant: CypherQuery
    referral_create: CypherQuery
    referral_credit_entries: CypherQuery
    referral_credit_link: CypherQuery
    referral_customer: CypherQuery
    referral_funnel: CypherQuery
    referral_funnel_whole_bank: CypherQuery
    referral_transition: CypherQuery
    referral_wins_uncredited: CypherQuery
    referrals_by_ids: CypherQuery
    referrals_expire: CypherQuery
    referrals_for_change: CypherQuery
    referrals_page: CypherQuery
    refresh_customer_assets: CypherQuery
    screening_flags_count: CypherQuery
    screening_flags_page: CypherQuery
    screening_flags_write: CypherQuery
    screening_run_finish: CypherQuery
    screening_run_start: CypherQuery
    screening_runs_by_ids: CypherQuery
    screening_runs_count: CypherQuery
    screening_runs_page: CypherQuery
    screening_candidates: CypherQuery
    search_names_containing: CypherQuery
    search_parties: CypherQuery
    segment_business: CypherQuery
    segment_history: CypherQuery
    segment_last_run: CypherQuery
    segment_migrations: CypherQuery
    segment_run_finish: CypherQuery
    segment_run_start: CypherQuery
    segment_summary: CypherQuery
    segment_write: CypherQuery
    set_meta: CypherQuery
    set_name_sort_keys: CypherQuery
    staff_pool: CypherQuery
    underwriters_by_products: CypherQuery


def _bind() -> None:
    catalog = load_catalog()
    declared = set(get_type_hints(Q))
    on_disk = set(catalog)
    if declared != on_disk:
        raise CatalogError(
            "queries.Q and the .cypher files differ: "
            f"files without an attribute {sorted(on_disk - declared)}, "
            f"attributes without a file {sorted(declared - on_disk)}"
        )
    for name, query in catalog.items():
        setattr(Q, name, query)


_bind()

__all__ = [
    "QUERY_DIR",
    "CatalogError",
    "CypherQuery",
    "Part",
    "Q",
    "load_catalog",
    "load_parts",
    "parse_part",
    "parse_query",
    "statement_files",
]
