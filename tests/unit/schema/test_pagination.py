"""Cursors and page sizes: opaque, round-tripping, and refused when forged or out of range."""

from __future__ import annotations

import base64

import pytest

from schema.core.errors import InvalidArgumentError
from schema.core.pagination import (
    DEFAULT_PAGE_SIZE,
    MAX_OFFSET,
    MAX_PAGE_SIZE,
    bounded,
    decode_cursor,
    encode_cursor,
    page_window,
)

# Neo4j's integers are 64-bit: an offset at or past 2**63 made SKIP fail inside the database.
FORGED_OFFSETS = [2**63 - 1, 2**63, 2**64, 10**30, 10**4000]


@pytest.mark.parametrize("offset", [0, 1, 19, 12345])
def test_a_cursor_round_trips(offset: int) -> None:
    assert decode_cursor(encode_cursor(offset)) == offset


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64!",
        base64.urlsafe_b64encode(b"xx:5").decode(),  # another prefix
        base64.urlsafe_b64encode(b"rg:five").decode(),
        base64.urlsafe_b64encode(b"rg:-3").decode(),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        "",
        # Python's int() reads these, but this API never writes them.
        base64.urlsafe_b64encode(b"rg:+5").decode(),
        base64.urlsafe_b64encode(b"rg: 5").decode(),
        base64.urlsafe_b64encode(b"rg:1_000").decode(),
        base64.urlsafe_b64encode(b"rg:05").decode(),
        base64.urlsafe_b64encode("rg:\u0665".encode()).decode(),  # an Arabic-Indic digit
        *(base64.urlsafe_b64encode(f"rg:{n}".encode()).decode() for n in FORGED_OFFSETS),
    ],
)
def test_a_cursor_this_api_did_not_issue_is_an_invalid_argument(cursor: str) -> None:
    with pytest.raises(InvalidArgumentError):
        decode_cursor(cursor)


def test_the_page_after_a_cursor_starts_past_it() -> None:
    assert page_window(None, None) == (0, DEFAULT_PAGE_SIZE)
    assert page_window(5, encode_cursor(9)) == (10, 5)


@pytest.mark.parametrize("first", [-1, MAX_PAGE_SIZE + 1])
def test_page_sizes_past_the_ceiling_are_refused(first: int) -> None:
    with pytest.raises(InvalidArgumentError, match=f"between 0 and {MAX_PAGE_SIZE}"):
        bounded(first)
    assert bounded(MAX_PAGE_SIZE) == MAX_PAGE_SIZE
    assert bounded(None, default=7) == 7


def test_offsets_stay_far_below_what_the_database_can_count() -> None:
    """The largest cursor accepted still leaves room for a page after it in a 64-bit SKIP."""
    largest = decode_cursor(encode_cursor(MAX_OFFSET))
    assert largest == MAX_OFFSET
    offset, size = page_window(MAX_PAGE_SIZE, encode_cursor(MAX_OFFSET))
    assert offset + size < 2**63
    with pytest.raises(InvalidArgumentError, match="not a cursor this API issued"):
        decode_cursor(encode_cursor(MAX_OFFSET + 1))
