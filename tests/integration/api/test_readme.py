"""The README's token commands (its first example among them) work as written, in a new shell,
against the server `make run` starts: they are read from README.md and run with a clean
environment."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.local_server import free_port
from loaders.ingest import LoadSummary
from tests.helpers import ROOT

README = ROOT / "README.md"
README_PORT = "8000"  # where the README's commands expect `make run`'s server
ME = "{ me { employee { id name branch { name } } accessRoles } }"


def token_commands(readme: Path) -> list[str]:
    """The README's shell blocks that mint a token for the local demo (not the Docker ones)."""
    blocks = re.findall(r"```sh\n(.*?)```", readme.read_text(encoding="utf-8"), re.DOTALL)
    return [b for b in blocks if "relgraph token" in b and "docker" not in b]


@pytest.fixture(scope="module")
def dev_server(
    neo4j_uri: str, first_load: LoadSummary, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`relgraph serve` as `make run` starts it (RELGRAPH_ENV=dev, no secret of its own), on the
    test bank's Neo4j (loaded first: the tokens name its employees), on a free port given as
    RELGRAPH_PORT; yields that port."""
    port = str(free_port())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RELGRAPH_", "NEO4J_"))}
    env |= {"RELGRAPH_ENV": "dev", "RELGRAPH_PORT": port, "NEO4J_URI": neo4j_uri}
    for name in ("NEO4J_USER", "NEO4J_PASSWORD"):
        if name in os.environ:
            env[name] = os.environ[name]
    log = (tmp_path_factory.mktemp("dev-server") / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "api", "serve"], env=env, cwd=ROOT, stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, f"relgraph serve exited: {Path(log.name).read_text()}"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as ready:
                    if ready.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, Path(log.name).read_text()
            time.sleep(0.5)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_the_readme_has_its_first_example_and_a_token_command() -> None:
    commands = token_commands(README)
    assert len(commands) >= 2
    assert any(f"localhost:{README_PORT}/graphql" in c for c in commands)


@pytest.mark.parametrize(
    "commands", token_commands(README), ids=lambda block: re.sub(r"\W+", "-", block[:40])
)
def test_the_readmes_token_commands_work_in_a_new_shell(dev_server: str, commands: str) -> None:
    """Each block as written, in a new shell: the first example answers its query, a block that
    only mints prints a token the server accepts for the employee it names."""
    # The one change: the test's server listens on a free port, not on `make run`'s 8000.
    commands = commands.replace(f"localhost:{README_PORT}", f"localhost:{dev_server}")
    # A new login shell's environment: nothing relgraph or make run set.
    new_shell = {"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), "LANG": "C.UTF-8"}
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", commands],
        env=new_shell,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    if "curl" in commands:
        answer = json.loads(result.stdout)
    else:
        request = urllib.request.Request(
            f"http://127.0.0.1:{dev_server}/graphql",
            data=json.dumps({"query": ME}).encode(),
            headers={
                "Authorization": f"Bearer {result.stdout.strip()}",
                "Content-Type": "application/json",
            },
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - http above
            answer = json.loads(response.read())
    assert "errors" not in answer, answer
    me = answer["data"]["me"]
    assert me["employee"]["name"] and me["employee"]["branch"]["name"]
    employee, role = re.findall(r"--employee (\w+) --role (\w+)", commands)[0]
    assert me["accessRoles"] == [role.upper()]
    if "id" in me["employee"]:
        assert me["employee"]["id"] == employee
