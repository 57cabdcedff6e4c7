"""The first line of each key of a file, kept in little memory for files of millions of rows."""

from __future__ import annotations

import random
import tracemalloc

from loaders.first_seen import FirstSeen


def test_each_key_answers_the_line_it_was_first_seen_on() -> None:
    rng = random.Random(5)
    keys = [f"P{rng.randrange(30_000):06d}" for _ in range(100_000)]
    seen = FirstSeen()
    expected: dict[str, int] = {}
    for line, key in enumerate(keys, start=2):
        assert seen.first_line(key, line) == expected.setdefault(key, line)
    assert len(seen) == len(expected)


def test_keys_that_differ_only_where_a_separator_could_hide_them_stay_apart() -> None:
    seen = FirstSeen()
    assert seen.first_line("a\x1fbc", 2) == 2
    assert seen.first_line("ab\x1fc", 3) == 3
    assert seen.first_line("a\x1fbc", 4) == 2


def test_keys_take_under_64_bytes_each() -> None:
    """A dict of the same keys to their lines takes ~130 bytes a key (str, int and slot). The
    table is 24 bytes a slot and at least 3/8 full, so at most 64 bytes a key at any size."""
    keys = [f"C{number:09d}" for number in range(90_000)]
    tracemalloc.start()
    try:
        seen = FirstSeen()
        for line, key in enumerate(keys, start=1):
            seen.first_line(key, line)
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(seen) == len(keys)
    assert held / len(keys) < 64
