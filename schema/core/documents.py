"""Which query documents the caches keep: small ones only.

A parsed node holds its whole document (its location links every token of it, and the source
text), so any cache keyed or valued by nodes keeps the document alive: the parse and validation
caches (api/app.py), the compiled plans (executor.py) and the selection analysis (selection.py).
Front ends send the same few documents of a few hundred characters; a large document, however
valid, is parsed, validated and planned again on every request and then dropped, so that the
caches' memory stays bounded by their entry counts times a small document's size.
"""

from __future__ import annotations

from graphql.language import Node

# The customer 360 of the README is about 600 characters.
CACHED_DOCUMENT_MAX_CHARS = 4096


def cacheable_text(text: str) -> bool:
    return len(text) <= CACHED_DOCUMENT_MAX_CHARS


def cacheable_node(node: Node) -> bool:
    """Whether a cache may keep this node, and with it the document it was parsed from."""
    return node.loc is not None and cacheable_text(node.loc.source.body)
