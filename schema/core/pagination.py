"""Relay-style connections over offset pages: opaque cursors, a hard page-size ceiling."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Generic, TypeVar

import strawberry

from schema.core.errors import InvalidArgumentError

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
# No list holds a billion entries, and a cursor this API issued never names an offset past its
# list. Neo4j's SKIP takes a 64-bit integer: past 2**63 it failed inside the database, an
# INTERNAL_SERVER_ERROR; a bound this far below keeps every offset + page size a valid SKIP.
MAX_OFFSET = 999_999_999
_PREFIX = "rg:"
# Only what encode_cursor writes: int() would also take "+5", " 5", "1_000" or other scripts'
# digits, and thousands of digits take quadratic time to read.
_CURSOR_TEXT = re.compile(r"rg:(0|[1-9][0-9]{0,17})")

NodeT = TypeVar("NodeT")


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (ValueError, binascii.Error, UnicodeDecodeError):
        text = ""
    matched = _CURSOR_TEXT.fullmatch(text)
    if matched is None or int(matched.group(1)) > MAX_OFFSET:
        # Not echoed: a forged cursor can be as long as the request body.
        raise InvalidArgumentError("'after' is not a cursor this API issued")
    return int(matched.group(1))


def page_window(first: int | None, after: str | None) -> tuple[int, int]:
    """(offset, size) for a `first`/`after` pair, refusing sizes past the ceiling."""
    offset = 0 if after is None else decode_cursor(after) + 1
    return offset, bounded(first)


def bounded(first: int | None, default: int = DEFAULT_PAGE_SIZE) -> int:
    size = default if first is None else first
    if size < 0 or size > MAX_PAGE_SIZE:
        raise InvalidArgumentError(f"'first' must be between 0 and {MAX_PAGE_SIZE}, got {size}")
    return size


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[NodeT]):
    node: NodeT
    cursor: str


@strawberry.type
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    page_info: PageInfo
    total_count: int

    @classmethod
    def of(cls, nodes: list[NodeT], offset: int, total: int) -> Connection[NodeT]:
        edges, page_info = edges_and_page_info(nodes, offset, offset + len(nodes) < total)
        return cls(edges=edges, page_info=page_info, total_count=total)


def keyed_connection(
    keyed: list[tuple[int, NodeT]], has_next: bool, total: int, after: str | None
) -> Connection[NodeT]:
    """A page read by key rather than offset (each node's cursor encodes its key, a sequence
    number): for lists that grow at the front while they are paged, newest first."""
    edges = [Edge(node=node, cursor=encode_cursor(key)) for key, node in keyed]
    page_info = PageInfo(
        has_next_page=has_next,
        has_previous_page=after is not None,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return Connection(edges=edges, page_info=page_info, total_count=total)


def edges_and_page_info(
    nodes: list[NodeT], offset: int, has_next: bool
) -> tuple[list[Edge[NodeT]], PageInfo]:
    edges = [Edge(node=n, cursor=encode_cursor(offset + i)) for i, n in enumerate(nodes)]
    return edges, PageInfo(
        has_next_page=has_next,
        has_previous_page=offset > 0,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
