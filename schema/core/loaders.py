"""The loaders every area shares: entities by id, and a party's details (the customer 360)."""

from __future__ import annotations

from graph import org, parties, products
from graph.parties import DetailParts, PartyDetails
from graph.records import BranchRecord, EmployeeRecord, PartyRecord, ProductRecord
from schema.core.context import BatchLoad, LoaderEnv, ParamKey, by_param


async def _parties(env: LoaderEnv, ids: list[str]) -> list[PartyRecord | None]:
    return await parties.parties_by_ids(env.db, ids)


async def _products(env: LoaderEnv, ids: list[str]) -> list[ProductRecord | None]:
    return await products.products_by_ids(env.db, ids)


async def _branches(env: LoaderEnv, ids: list[str]) -> list[BranchRecord | None]:
    return await org.branches_by_ids(env.db, ids)


async def _employees(env: LoaderEnv, ids: list[str]) -> list[EmployeeRecord | None]:
    return await org.employees_by_ids(env.db, ids)


async def _details(env: LoaderEnv, ids: list[str], parts: DetailParts) -> list[PartyDetails | None]:
    return await parties.party_details(env.db, ids, parts, env.today)


PARTIES: BatchLoad[str, PartyRecord | None] = BatchLoad("parties", _parties)
PRODUCTS: BatchLoad[str, ProductRecord | None] = BatchLoad("products", _products)
BRANCHES: BatchLoad[str, BranchRecord | None] = BatchLoad("branches", _branches)
EMPLOYEES: BatchLoad[str, EmployeeRecord | None] = BatchLoad("employees", _employees)
# Keyed by party and the parts asked for: every party of a page asking for the same parts shares
# one statement.
DETAILS: BatchLoad[ParamKey[DetailParts], PartyDetails | None] = BatchLoad(
    "details", by_param(_details)
)
