"""Cursors and page sizes: opaque, round-tripping, and refused when forged or out of range."""

from __future__ import annotations

import base64

import pytest

from schema.core.errors import InvalidArgumentError
from schema.core.pagination import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    bounded,
    decode_cursor,
    encode_cursor,
    page_window,
)


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
