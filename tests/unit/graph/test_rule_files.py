"""The rule files: the repository's own are valid, and a bad file is an error naming the file and
the key at fault, whatever is wrong with it."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from graph.crosssell.rules import DEFAULT_CROSSSELL_RULES, CrossSellRules
from graph.rulebook import Rulebook
from graph.rules import RulesError
from graph.segment_rules import DEFAULT_SEGMENT_RULES, SegmentRules


def test_the_repository_rule_files_load() -> None:
    book = Rulebook.load()
    assert book.segments.version and book.crosssell.version
    assert book.segments.segments.KEY.min_potential > book.segments.segments.VALUE.min_potential


def _write_toml(path: Path, data: dict[str, Any]) -> Path:
    """A TOML file of nested tables of scalars and lists (enough for the rule files)."""
    lines: list[str] = []

    def table(prefix: str, values: dict[str, Any]) -> None:
        scalars = {k: v for k, v in values.items() if not isinstance(v, dict)}
        if prefix:
            lines.append(f"[{prefix}]")
        for key, value in scalars.items():
            lines.append(f"{key} = {_value(value)}")
        for key, value in values.items():
            if isinstance(value, dict):
                table(f"{prefix}.{key}" if prefix else key, value)

    table("", data)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return repr(value)


def _segments() -> dict[str, Any]:
    return tomllib.loads(DEFAULT_SEGMENT_RULES.read_text(encoding="utf-8"))


def _crosssell() -> dict[str, Any]:
    return tomllib.loads(DEFAULT_CROSSSELL_RULES.read_text(encoding="utf-8"))


def test_the_writer_round_trips_the_repository_files(tmp_path: Path) -> None:
    assert SegmentRules.load(_write_toml(tmp_path / "s.toml", _segments())) == SegmentRules.load()
    assert CrossSellRules.load(_write_toml(tmp_path / "c.toml", _crosssell())) == (
        CrossSellRules.load()
    )


def _edited(data: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    *path, last = dotted.split(".")
    node = data
    for key in path:
        node = node[key]
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value
    return data


_DELETE = object()


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("value_tiers.high", "high", r"value_tiers\.high: Input should be a valid number"),
        ("value_tiers.high", 0.2, r"value_tiers: .*high \(0\.2\) must be above medium"),
        ("segments.KEY.min_potential", 1.5, r"segments\.KEY\.min_potential: .*less than or equal"),
        ("segments.KEY.min_frequency", _DELETE, r"segments\.KEY\.min_frequency: Field required"),
        ("segments.KEY.min_frequncy", 2, r"segments\.KEY\.min_frequncy: Extra inputs"),
        ("value.holdings.floor", 1e9, r"value\.holdings: .*floor \(1e\+09\) must be below cap"),
        ("window_days", 0, r"window_days: Input should be greater than or equal to 1"),
        ("need_types.wealth", ["DEPOSIT"], r"need_types: .*one line only: DEPOSIT"),
        ("need_types.wealth", ["GOLD"], r"need_types\.wealth\.0: Input should be 'DEBT_INSTR"),
        ("potential.company_size.levels", {"LARGE": 1.0}, r"potential\.company_size: .*MICRO"),
        ("version", _DELETE, r"version: Field required"),
    ],
)
def test_a_bad_segmentation_file_names_the_key(
    tmp_path: Path, key: str, value: Any, message: str
) -> None:
    path = _write_toml(tmp_path / "bad.toml", _edited(_segments(), key, value))
    with pytest.raises(RulesError, match=message) as raised:
        SegmentRules.load(path)
    assert str(raised.value).startswith(f"{path}: ")


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("peer_groups.life_stages", [60, 35], r"peer_groups\.life_stages: .*ascending"),
        ("scoring.lift_weight", -1, r"scoring\.lift_weight: .*greater than or equal to 0"),
        ("suppression.suitability_types", ["STOCKS"], r"suppression\.suitability_types\.0"),
        ("reasons.extra", 1, r"reasons\.extra: Extra inputs are not permitted"),
    ],
)
def test_a_bad_crosssell_file_names_the_key(
    tmp_path: Path, key: str, value: Any, message: str
) -> None:
    path = _write_toml(tmp_path / "bad.toml", _edited(_crosssell(), key, value))
    with pytest.raises(RulesError, match=message):
        CrossSellRules.load(path)


def test_a_file_that_is_not_toml_or_not_there_is_named(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('version = "1"\n[window\n', encoding="utf-8")
    with pytest.raises(RulesError, match=rf"{broken}: not valid TOML"):
        SegmentRules.load(broken)
    with pytest.raises(RulesError, match=r"missing\.toml: cannot be read"):
        SegmentRules.load(tmp_path / "missing.toml")
