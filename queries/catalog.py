"""Reading the Cypher catalog: statements, shared parts, includes and the header rules.

Every `.cypher` file under `queries/` (sub-folders by area) holds one statement and opens with a
header of `//` comment lines:

    // <what the statement answers, in a sentence>
    // params: $a, $b            (every $parameter the expanded statement uses, or "none")
    // returns: col_a, col_b      (the returned columns, or "nothing")
    // scope-free: <reason>       (only for a statement that touches :Customer without $scope)

A block that several statements need (the fields of a returned party, the customer filter, the
branch-scope test) is written once in `queries/_parts/<name>.cypher`, whose header names its
arguments and parameters:

    // <what the block is>
    // args: p                    (placeholders the body writes as {{p}})
    // params: $scope             (or "none")

and is pulled into a statement, or into another part, by a line of its own:

        // include: party_map(c)

which is replaced by the part's body, indented as the include line, with `{{p}}` replaced by `c`.
Includes are expanded when the catalog loads, before the parameter check, so the header of a
statement lists every parameter of its expanded text, and that text is what runs and what the
EXPLAIN test compiles.

Rules checked here, each failing with the file's name: a header with params and returns; params
equal to those the expanded text uses; one statement per file; stems unique across folders; every
include names a known part with its arguments; and a statement that reads or writes `:Customer`
either takes `$scope` (branch scoping, see docs/architecture.md) or says in its header why it
need not.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

QUERY_DIR = Path(__file__).resolve().parent
PARTS_DIR = QUERY_DIR / "_parts"

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_HEADER_FIELD = re.compile(r"^//\s*(params|returns|args|scope-free):\s*(.*)$")
_INCLUDE = re.compile(r"^(\s*)//\s*include:\s*([a-z_][a-z0-9_]*)\(([^)]*)\)\s*$")
_PLACEHOLDER = re.compile(r"\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CUSTOMER_LABEL = re.compile(r":\s*Customer\b")
_MAX_INCLUDE_DEPTH = 5


class CatalogError(ValueError):
    """A `.cypher` file breaks the catalog's rules; the message names the file."""


@dataclass(frozen=True)
class CypherQuery:
    name: str
    text: str
    description: str
    params: frozenset[str]
    returns: tuple[str, ...]
    # Why a statement touching :Customer takes no $scope; None when it takes one or needs none.
    scope_free: str | None = None
    includes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Part:
    name: str
    body: str
    args: tuple[str, ...]
    params: frozenset[str]


def _split_header(name: str, source: str) -> tuple[list[str], str, dict[str, str]]:
    lines = source.splitlines()
    header: list[str] = []
    for line in lines:
        if not line.startswith("//") or _INCLUDE.match(line):
            break
        header.append(line)
    body = "\n".join(lines[len(header) :]).strip()
    if not header or not body:
        raise CatalogError(f"{name}.cypher: needs a // header and a statement")
    fields: dict[str, str] = {}
    for line in header:
        match = _HEADER_FIELD.match(line)
        if match:
            fields[match.group(1)] = match.group(2).strip()
    return header, body, fields


def _declared_params(text: str) -> frozenset[str]:
    return frozenset(_PARAM.findall(text))


def _used_params(body: str) -> frozenset[str]:
    return frozenset(_PARAM.findall(_strip_comments(body)))


def parse_part(name: str, source: str) -> Part:
    _, body, fields = _split_header(name, source)
    if "args" not in fields or "params" not in fields:
        raise CatalogError(f"_parts/{name}.cypher: header must list '// args:' and '// params:'")
    args = tuple(a.strip() for a in fields["args"].split(",") if a.strip())
    if not all(_IDENTIFIER.fullmatch(a) for a in args):
        raise CatalogError(f"_parts/{name}.cypher: args must be identifiers, got {args}")
    placeholders = set(_PLACEHOLDER.findall(body))
    if placeholders != set(args):
        raise CatalogError(
            f"_parts/{name}.cypher: args {sorted(args)} differ from the body's placeholders "
            f"{sorted(placeholders)}"
        )
    return Part(name, body, args, _declared_params(fields["params"]))


def expand(
    owner: str, body: str, parts: Mapping[str, Part], depth: int = 0
) -> tuple[str, set[str]]:
    """`body` with every include line replaced by its part (parts may include parts), and the
    names of the parts used."""
    if depth > _MAX_INCLUDE_DEPTH:
        raise CatalogError(f"{owner}: includes nest deeper than {_MAX_INCLUDE_DEPTH} (a cycle?)")
    used: set[str] = set()
    out: list[str] = []
    for line in body.splitlines():
        match = _INCLUDE.match(line)
        if match is None:
            out.append(line)
            continue
        indent, part_name, raw_args = match.groups()
        part = parts.get(part_name)
        if part is None:
            raise CatalogError(f"{owner}: includes unknown part {part_name!r}")
        args = [a.strip() for a in raw_args.split(",") if a.strip()]
        if len(args) != len(part.args) or not all(_IDENTIFIER.fullmatch(a) for a in args):
            raise CatalogError(
                f"{owner}: include {part_name}({raw_args}) needs {len(part.args)} variable "
                f"name(s): {', '.join(part.args)}"
            )
        text = _bind_args(part, args)
        text, nested = expand(f"{owner} → {part_name}", text, parts, depth + 1)
        used |= {part_name, *nested}
        out.extend(indent + piece if piece else piece for piece in text.splitlines())
    return "\n".join(out), used


def _bind_args(part: Part, args: list[str]) -> str:
    bound = dict(zip(part.args, args, strict=True))
    return _PLACEHOLDER.sub(lambda m: bound[m.group(1)], part.body)


def parse_query(name: str, source: str, parts: Mapping[str, Part] | None = None) -> CypherQuery:
    header, body, fields = _split_header(name, source)
    if "params" not in fields or "returns" not in fields:
        raise CatalogError(f"{name}.cypher: header must list '// params:' and '// returns:'")
    text, included = expand(f"{name}.cypher", body, parts or {})
    declared = _declared_params(fields["params"])
    used = _used_params(text)
    if declared != used:
        raise CatalogError(
            f"{name}.cypher: header params {sorted(declared)} differ from the expanded "
            f"statement's {sorted(used)}"
        )
    if ";" in _strip_comments(text).rstrip().rstrip(";"):
        raise CatalogError(f"{name}.cypher: one statement per file")
    scope_free = fields.get("scope-free") or None
    touches_customers = bool(_CUSTOMER_LABEL.search(_strip_comments(text)))
    if touches_customers and "scope" not in used and scope_free is None:
        raise CatalogError(
            f"{name}.cypher: reads or writes :Customer without $scope; filter by the caller's "
            "branch scope (include: in_scope) or say why not in a '// scope-free:' header line"
        )
    if scope_free is not None and "scope" in used:
        raise CatalogError(f"{name}.cypher: takes $scope but is declared scope-free")
    returns_text = fields["returns"]
    returns = (
        ()
        if returns_text in ("nothing", "")
        else tuple(c.strip() for c in returns_text.split(",") if c.strip())
    )
    return CypherQuery(
        name=name,
        text=text.rstrip().rstrip(";"),
        description=header[0].lstrip("/ ").strip(),
        params=declared,
        returns=returns,
        scope_free=scope_free,
        includes=tuple(sorted(included)),
    )


def _strip_comments(body: str) -> str:
    return "\n".join(line.split("//", 1)[0] for line in body.splitlines())


def load_parts(directory: Path = PARTS_DIR) -> Mapping[str, Part]:
    parts = {
        path.stem: parse_part(path.stem, path.read_text(encoding="utf-8"))
        for path in sorted(directory.glob("*.cypher"))
    }
    return MappingProxyType(parts)


def statement_files(directory: Path = QUERY_DIR) -> list[Path]:
    """Every statement file below `directory`, in any folder but `_parts`."""
    parts_dir = directory / "_parts"
    return sorted(p for p in directory.rglob("*.cypher") if parts_dir not in p.parents)


def load_catalog(directory: Path = QUERY_DIR) -> Mapping[str, CypherQuery]:
    parts = load_parts(directory / "_parts")
    queries: dict[str, CypherQuery] = {}
    where: dict[str, Path] = {}
    for path in statement_files(directory):
        name = path.stem
        if name in queries:
            raise CatalogError(f"{name}.cypher: in both {where[name]} and {path.parent}")
        queries[name] = parse_query(name, path.read_text(encoding="utf-8"), parts)
        where[name] = path.parent
    return MappingProxyType(queries)
