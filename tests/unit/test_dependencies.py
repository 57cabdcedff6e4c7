"""Every package the code imports is declared, every declared package is locked, and the
environment running the tests has exactly the locked versions: no install runs versions CI never
ran."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, packages_distributions, version
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.helpers import ROOT

RUNTIME = ("api", "graph", "loaders", "queries", "schema")
DEV = ("tests", "bench")
OWN = {*RUNTIME, *DEV}


def _pyproject() -> dict[str, list[Requirement]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {
        "runtime": [Requirement(r) for r in project["dependencies"]],
        "dev": [Requirement(r) for r in project["optional-dependencies"]["dev"]],
    }


def _imported_distributions(folders: tuple[str, ...]) -> set[str]:
    modules: set[str] = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    modules |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    modules.add(node.module.split(".")[0])
    third_party = modules - set(sys.stdlib_module_names) - OWN
    owners = packages_distributions()
    return {canonicalize_name(owners[m][0]) for m in third_party}


def _locked(path: Path) -> dict[str, str]:
    pins = re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s\\]+)", path.read_text(encoding="utf-8"), re.M)
    return {canonicalize_name(name): pinned for name, pinned in pins}


def test_every_imported_package_is_declared() -> None:
    declared = {k: {canonicalize_name(r.name) for r in v} for k, v in _pyproject().items()}
    assert _imported_distributions(RUNTIME) - declared["runtime"] == set()
    assert _imported_distributions(DEV) - declared["runtime"] - declared["dev"] == set()


def test_every_declared_package_is_locked_at_a_version_it_allows() -> None:
    requirements = _pyproject()
    for lock, groups in (
        ("requirements.lock", ("runtime",)),
        ("requirements-dev.lock", ("runtime", "dev")),
    ):
        pins = _locked(ROOT / lock)
        for group in groups:
            for requirement in requirements[group]:
                name = canonicalize_name(requirement.name)
                assert name in pins, f"{lock} lacks {name}: run `make lock`"
                assert requirement.specifier.contains(pins[name], prereleases=True), (
                    f"{lock} pins {name}=={pins[name]}, outside {requirement.specifier}"
                )
    runtime, dev = _locked(ROOT / "requirements.lock"), _locked(ROOT / "requirements-dev.lock")
    assert {n: v for n, v in runtime.items() if dev.get(n) != v} == {}, "locks disagree"


def _installed(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def test_the_test_environment_runs_the_locked_versions() -> None:
    locked = _locked(ROOT / "requirements-dev.lock")
    differing = {name: (pinned, _installed(name)) for name, pinned in locked.items()}
    assert {n: v for n, v in differing.items() if v[0] != v[1]} == {}, "run `make setup`"
