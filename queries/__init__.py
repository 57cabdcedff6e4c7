"""The Cypher catalog: one statement per `.cypher` file in this folder, loaded once at start-up.

Each file opens with a header of `//` comment lines:

    // <what the statement answers, in a sentence>
    // params: $a, $b            (every $parameter the body uses, or "none")
    // returns: col_a, col_b      (the returned columns, or "nothing")

Queries are looked up by file stem. Statements are static text: callers pass values as
parameters only, never by formatting them into the text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

QUERY_DIR = Path(__file__).resolve().parent
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_HEADER_FIELD = re.compile(r"^//\s*(params|returns):\s*(.*)$")


class CatalogError(ValueError):
    """A `.cypher` file breaks the catalog's rules; the message names the file."""


@dataclass(frozen=True)
class CypherQuery:
    name: str
    text: str
    description: str
    params: frozenset[str]
    returns: tuple[str, ...]


def parse_query(name: str, source: str) -> CypherQuery:
    lines = source.splitlines()
    header: list[str] = []
    for line in lines:
        if not line.startswith("//"):
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
    if "params" not in fields or "returns" not in fields:
        raise CatalogError(f"{name}.cypher: header must list '// params:' and '// returns:'")
    declared = frozenset(_PARAM.findall(fields["params"]))
    used = frozenset(_PARAM.findall(_strip_comments(body)))
    if declared != used:
        raise CatalogError(
            f"{name}.cypher: header params {sorted(declared)} differ from the body's {sorted(used)}"
        )
    if ";" in body.rstrip(";"):
        raise CatalogError(f"{name}.cypher: one statement per file")
    returns_text = fields["returns"]
    returns = (
        ()
        if returns_text in ("nothing", "")
        else tuple(c.strip() for c in returns_text.split(",") if c.strip())
    )
    return CypherQuery(
        name=name,
        text=body.rstrip(";"),
        description=header[0].lstrip("/ ").strip(),
        params=declared,
        returns=returns,
    )


def _strip_comments(body: str) -> str:
    return "\n".join(line.split("//", 1)[0] for line in body.splitlines())


def load_catalog(directory: Path = QUERY_DIR) -> Mapping[str, CypherQuery]:
    queries = {
        path.stem: parse_query(path.stem, path.read_text(encoding="utf-8"))
        for path in sorted(directory.glob("*.cypher"))
    }
    return MappingProxyType(queries)
