"""Rule files: versioned TOML in the repository (`config/`), validated with pydantic.

Each area that is steered by parameters (segmentation, cross-sell, later the push rules) declares
a pydantic model of its file and reads it with `load_rules`. A file that is not TOML, misses a
key, names an unknown one or holds a value out of range is a `RulesError` whose message names the
file and the key (`value_tiers.HIGH: Input should be a valid number`), at start-up and in the jobs
alike, before anything is computed with it.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from graph.local_server import PROJECT_ROOT

CONFIG_DIR = PROJECT_ROOT / "config"

M = TypeVar("M", bound=BaseModel)


class RulesModel(BaseModel):
    """Base of the rule files' models: unknown keys are errors (a typo must not be ignored), and
    rules never change once read."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class RulesError(ValueError):
    """A rule file cannot be used; the message names the file and every key at fault."""


def load_rules(path: Path, model: type[M]) -> M:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RulesError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{path}: not valid TOML: {exc}") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or '(file)'}: "
            f"{error['msg'].removeprefix('Value error, ')}"
            for error in exc.errors()
        )
        raise RulesError(f"{path}: {problems}") from None
