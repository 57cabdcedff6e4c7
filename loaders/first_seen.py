"""The line each key of one load file was first seen on, so that a repeated key is reported as
"duplicate of line N" instead of silently overwriting the earlier row.

Load files run to millions of rows, so the keys themselves are not kept (a dict of 10-character
ids to lines takes ~120 bytes a key): each is reduced to a 128-bit BLAKE2b fingerprint, and
fingerprints and lines go in an open-addressing table of three flat arrays, 24 bytes a slot,
doubled before it is 3/4 full: 32 to 64 bytes a key (53 measured for a million), and while it
doubles, the old table's too. Two keys of one file share a fingerprint by chance with odds of
about n²/2¹²⁹, 10⁻²¹ for a billion rows.
"""

from __future__ import annotations

import struct
from array import array
from hashlib import blake2b

_FIRST_CAPACITY = 1 << 10  # slots; always a power of two, so a slot is `fingerprint & mask`
_two_words = struct.Struct("<QQ").unpack


def _zeros(capacity: int) -> array[int]:
    return array("Q", bytes(8 * capacity))


class FirstSeen:
    def __init__(self) -> None:
        self._count = 0
        self._make_room(_FIRST_CAPACITY)

    def __len__(self) -> int:
        return self._count

    def first_line(self, key: str, line: int) -> int:
        """The line `key` was first seen on; `line` itself (remembered) when `key` is new.
        Lines count from 1."""
        if line < 1:
            raise ValueError(f"lines count from 1, got {line}")
        high, low = _two_words(blake2b(key.encode("utf-8"), digest_size=16).digest())
        slot = self._slot(high, low)
        found = self._lines[slot]
        if found:
            return found
        self._store(slot, high, low, line)
        self._count += 1
        if 4 * self._count > 3 * len(self._lines):
            self._grow()
        return line

    def _slot(self, high: int, low: int) -> int:
        """The slot holding this fingerprint, or the empty slot where it belongs."""
        highs, lows, lines, mask = self._highs, self._lows, self._lines, self._mask
        slot = low & mask
        while lines[slot] and (highs[slot] != high or lows[slot] != low):
            slot = (slot + 1) & mask
        return slot

    def _store(self, slot: int, high: int, low: int, line: int) -> None:
        self._highs[slot] = high
        self._lows[slot] = low
        self._lines[slot] = line  # 0 marks an empty slot

    def _make_room(self, capacity: int) -> None:
        self._highs, self._lows, self._lines = _zeros(capacity), _zeros(capacity), _zeros(capacity)
        self._mask = capacity - 1

    def _grow(self) -> None:
        highs, lows, lines = self._highs, self._lows, self._lines
        self._make_room(2 * len(lines))
        for high, low, line in zip(highs, lows, lines, strict=True):
            if line:
                self._store(self._slot(high, low), high, low, line)
