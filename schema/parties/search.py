"""Search over person and company names, Chinese by part: the full-text index (the cjk
analyzer's pairs of characters), and for a lone Chinese character, which that index cannot find,
the names containing it (a text index)."""

from __future__ import annotations

import re

import strawberry

from graph import model
from graph.parties import search_names_containing, search_parties
from schema.core.context import CtxInfo
from schema.core.entities import PartyRef, party_of
from schema.core.errors import InvalidArgumentError
from schema.core.pagination import bounded

MAX_SEARCH_TEXT = 100

# A Chinese character with no other beside it: the cjk analyzer indexes names as overlapping pairs
# and a lone character as itself, which no indexed name holds.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_LONE_CJK = re.compile(f"(?<![{_CJK}])[{_CJK}](?![{_CJK}])")


@strawberry.type
class SearchHit:
    party: PartyRef
    score: float
    highlighted: str = strawberry.field(description="The name with matched parts in <em>…</em>.")


def lucene_terms(text: str) -> str:
    """Each word of the caller's text as a quoted Lucene phrase, all required: inside quotes only
    `"` and `\\` are special, so operators such as OR or *:* are searched as plain text."""
    phrases = []
    for word in text.split():
        escaped = word.replace("\\", "\\\\").replace('"', '\\"')
        phrases.append(f'"{escaped}"')
    return " AND ".join(phrases)


def highlight(name: str, text: str) -> str:
    """Marks the parts of `name` that match the search text (whole words or CJK bigrams)."""
    marked = [False] * len(name)
    lowered = name.lower()
    for word in text.lower().split():
        pieces = {word} | {word[i : i + 2] for i in range(len(word) - 1)}
        for piece in pieces:
            for match in re.finditer(re.escape(piece), lowered):
                for i in range(match.start(), match.end()):
                    marked[i] = True
    out: list[str] = []
    for i, ch in enumerate(name):
        if marked[i] and (i == 0 or not marked[i - 1]):
            out.append("<em>")
        out.append(ch)
        if marked[i] and (i == len(name) - 1 or not marked[i + 1]):
            out.append("</em>")
    return "".join(out)


async def search(
    info: CtxInfo, text: str, types: list[model.PartyType] | None, first: int | None
) -> list[SearchHit]:
    cleaned = text.strip()
    if not cleaned:
        raise InvalidArgumentError("'text' must not be empty")
    if len(cleaned) > MAX_SEARCH_TEXT:
        raise InvalidArgumentError(f"'text' is longer than {MAX_SEARCH_TEXT} characters")
    visibility = info.context.visibility
    type_names = [t.value for t in types] if types else None
    if _LONE_CJK.search(cleaned):
        hits = await search_names_containing(
            info.context.db, cleaned.split(), type_names, visibility.cypher_scope, bounded(first)
        )
    else:
        hits = await search_parties(
            info.context.db,
            lucene_terms(cleaned),
            type_names,
            visibility.cypher_scope,
            bounded(first),
        )
    return [
        SearchHit(
            party=party_of(shown), score=hit.score, highlighted=highlight(shown.name, cleaned)
        )
        for hit, shown in visibility.keep(hits, lambda h: h.party)
    ]
