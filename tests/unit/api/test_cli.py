"""The `relgraph` command's wiring: db status, generate, and refusing unsafe settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from graph.local_server import LocalNeo4j, free_port


def relgraph(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api", *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_db_status_names_an_external_server_and_starts_nothing() -> None:
    result = relgraph("db", "status", env={"NEO4J_URI": "bolt://db.example:7687"})
    assert result.returncode == 0
    assert "external Neo4j at bolt://db.example:7687" in result.stdout


def test_db_status_of_a_server_never_started(tmp_path: Path) -> None:
    env = {"RELGRAPH_DATA_DIR": str(tmp_path), "RELGRAPH_NEO4J_PORT": str(free_port())}
    env_without_uri = {k: v for k, v in os.environ.items() if k != "NEO4J_URI"} | env
    result = subprocess.run(
        [sys.executable, "-m", "api", "db", "status"],
        env=env_without_uri,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 3 and "not running" in result.stdout
    server = LocalNeo4j(home=tmp_path / "neo4j", port=free_port())
    assert server.status().running is False and server.stop() is False


def test_generate_writes_a_bank_with_ground_truth(tmp_path: Path) -> None:
    result = relgraph(
        "generate", "--customers", "500", "--seed", "3", "--out", str(tmp_path), "--no-progress"
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "customers.csv").read_text(encoding="utf-8").count("\n") == 501
    assert (tmp_path / "ground_truth" / "heldout_holdings.csv").exists()


def test_serving_or_minting_in_production_needs_a_real_secret() -> None:
    env_clean = {k: v for k, v in os.environ.items() if k != "RELGRAPH_JWT_SECRET"}
    env_clean["RELGRAPH_ENV"] = "prod"
    minted = subprocess.run(
        [sys.executable, "-m", "api", "token", "--employee", "E000001", "--role", "admin"],
        env=env_clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert minted.returncode == 1
    assert "RELGRAPH_JWT_SECRET" in minted.stderr
