"""Test fixtures: a real Neo4j 5.26 (started here with the project's launcher unless NEO4J_URI is
set) and one shared, read-only synthetic bank loaded into it once per session."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver, GraphDatabase

from api.app import create_app
from api.auth import mint_token
from api.settings import Environment, Settings
from graph.db import Database, Neo4jConfig
from graph.local_server import LocalNeo4j, free_port
from graph.schema import apply_schema
from loaders.ingest import LoadSummary, load_folder
from loaders.synthetic import generate_bank
from schema.core.access import Role
from tests.compliance import Planted, compliance_restored, planted_exposures
from tests.helpers import BANK_CUSTOMERS, BANK_SEED, ApiUser, one


@pytest.fixture(scope="session")
def neo4j_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    external = os.environ.get("NEO4J_URI")
    if external:
        yield external
        return
    server = LocalNeo4j(
        home=tmp_path_factory.mktemp("neo4j"), port=free_port(), heap_mb=1024, page_cache_mb=256
    )
    server.start()
    try:
        yield server.uri
    finally:
        server.stop()


@pytest.fixture(scope="session")
def neo4j_config(neo4j_uri: str) -> Neo4jConfig:
    return Neo4jConfig(
        uri=neo4j_uri,
        user=os.environ.get("NEO4J_USER"),
        password=os.environ.get("NEO4J_PASSWORD"),
        query_timeout_seconds=30.0,
    )


@pytest.fixture(scope="session")
def driver(neo4j_config: Neo4jConfig) -> Iterator[Driver]:
    """A plain driver for assertions about the graph itself (counts, schema)."""
    auth = (neo4j_config.user, neo4j_config.password or "") if neo4j_config.user else None
    with GraphDatabase.driver(neo4j_config.uri, auth=auth) as drv:
        yield drv


@pytest.fixture(scope="session")
def bank_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bank")
    generate_bank(BANK_CUSTOMERS, BANK_SEED, out, progress=False)
    return out


@pytest.fixture(scope="session")
def first_load(neo4j_config: Neo4jConfig, bank_dir: Path) -> LoadSummary:
    async def load() -> LoadSummary:
        db = Database(neo4j_config)
        try:
            await apply_schema(db)
            return await load_folder(db, bank_dir, progress=False)
        finally:
            await db.close()

    return asyncio.run(load())


@pytest.fixture(scope="session")
def settings(neo4j_uri: str, first_load: LoadSummary) -> Settings:
    return Settings(
        env=Environment.PROD,
        neo4j_uri=neo4j_uri,
        neo4j_user=os.environ.get("NEO4J_USER"),
        jwt_secret="test-secret-that-is-long-enough-for-hs256",
    )


@pytest.fixture(scope="session")
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def token_for(settings: Settings, employee_id: str, *roles: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(settings, employee_id, roles)}"}


@pytest.fixture(scope="session")
def admin(settings: Settings, driver: Driver) -> ApiUser:
    employee = one(driver, "MATCH (e:Employee) RETURN e.id AS id ORDER BY e.id LIMIT 1")["id"]
    return ApiUser(employee, token_for(settings, employee, Role.ADMIN), None)


@pytest.fixture(scope="session")
def compliance(settings: Settings, driver: Driver) -> ApiUser:
    employee = one(driver, "MATCH (e:Employee) RETURN e.id AS id ORDER BY e.id DESC LIMIT 1")["id"]
    return ApiUser(employee, token_for(settings, employee, Role.COMPLIANCE), None)


def _outlet_employee(driver: Driver) -> tuple[str, list[str]]:
    """An employee working now at a leaf branch that has customers, so their scope is that
    branch alone. (Staff who moved keep a WORKS_AT with `until` for the old branch.)"""
    row = one(
        driver,
        "MATCH (e:Employee)-[w:WORKS_AT]->(b:Branch) WHERE w.until IS NULL "
        "AND NOT EXISTS { (:Branch)-[:PART_OF]->(b) } AND 'CUSTOMER_MANAGER' IN e.roles "
        "WITH e, b, COUNT { (:Customer)-[:HOME_BRANCH]->(b) } AS customers WHERE customers > 5 "
        "RETURN e.id AS id, b.id AS branch ORDER BY customers DESC, e.id LIMIT 1",
    )
    return row["id"], [row["branch"]]


@pytest.fixture(scope="session")
def branch_manager(settings: Settings, driver: Driver) -> ApiUser:
    employee, scope = _outlet_employee(driver)
    return ApiUser(employee, token_for(settings, employee, Role.MANAGER), scope)


@pytest.fixture(scope="session")
def frontend(settings: Settings, driver: Driver) -> ApiUser:
    employee, scope = _outlet_employee(driver)
    return ApiUser(employee, token_for(settings, employee, Role.FRONTEND), scope)


@pytest.fixture
def restored(driver: Driver, first_load: LoadSummary) -> Iterator[None]:
    """For tests that list, screen, raise alerts or look as compliance: the graph as it was
    afterwards (tests/compliance.py)."""
    with compliance_restored(driver):
        yield


@pytest.fixture(scope="session")
def planted(bank_dir: Path) -> list[Planted]:
    return planted_exposures(bank_dir)


@pytest.fixture
def quiet_company(driver: Driver) -> Iterator[dict[str, Any]]:
    """A company with three customers around it (an owner, an executive, an employee's spouse)
    and no listed party near: listing the company exposes them at 1, 1 and 2 hops."""
    driver.execute_query(
        """
        CREATE (c:Company:Party {id: 'TST-CO', name: '测试贸易有限公司'})
        CREATE (o:Person:Party:Customer {id: 'TST-OWNER', name: '测试股东', risk_tolerance: 'R3'})
        CREATE (e:Person:Party:Customer {id: 'TST-EXEC', name: '测试高管', risk_tolerance: 'R3'})
        CREATE (w:Person:Party {id: 'TST-WORKER', name: '测试职员'})
        CREATE (s:Person:Party:Customer {id: 'TST-SPOUSE', name: '测试配偶', risk_tolerance: 'R3'})
        CREATE (o)-[:OWNS {share: 0.6}]->(c), (e)-[:EXECUTIVE_OF {title: '总经理'}]->(c),
               (w)-[:EMPLOYED_BY {position: '出纳'}]->(c),
               (s)-[:FAMILY_OF {relation: 'SPOUSE'}]->(w)
        """
    )
    try:
        yield {"company": "TST-CO", "exposed": {"TST-OWNER": 1, "TST-EXEC": 1, "TST-SPOUSE": 2}}
    finally:
        driver.execute_query("MATCH (n:Party) WHERE n.id STARTS WITH 'TST-' DETACH DELETE n")
