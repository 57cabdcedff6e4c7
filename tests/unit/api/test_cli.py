"""The `relgraph` command's wiring: db status, generate, and refusing unsafe settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from graph.local_server import LocalNeo4j, free_port
from tests.helpers import ROOT, run_relgraph


def relgraph(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_relgraph(*args, env=env, timeout=120)


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
    """The README's examples sign tokens with the dev key under RELGRAPH_ENV=dev; outside dev
    neither minting nor serving accepts that key (serving would accept its tokens)."""
    env_clean = {k: v for k, v in os.environ.items() if not k.startswith("RELGRAPH_")}
    env_clean["RELGRAPH_ENV"] = "prod"
    for command in (
        ["token", "--employee", "E000001", "--role", "admin"],
        ["serve", "--port", str(free_port())],
        ["demo", "--port", str(free_port())],
    ):
        refused = subprocess.run(
            [sys.executable, "-m", "api", *command],
            env=env_clean,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert refused.returncode == 1, command
        assert "RELGRAPH_JWT_SECRET must be set" in refused.stderr, command


def make_run_command(*args: str) -> str:
    """The command `make run` would run (make -n), with PORT unset unless `args` set it."""
    env = {k: v for k, v in os.environ.items() if k != "PORT"}
    dry_run = subprocess.run(
        ["make", "-n", "run", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    (command,) = [line for line in dry_run.stdout.splitlines() if "relgraph demo" in line]
    return command.strip()


def test_make_run_serves_on_the_port_given_as_port() -> None:
    assert make_run_command("PORT=8123").endswith("relgraph demo --port 8123")
    # Without PORT, `relgraph demo` listens on RELGRAPH_PORT (tests/integration/api/test_readme
    # serves that way), else 8000.
    assert make_run_command().endswith("relgraph demo")
