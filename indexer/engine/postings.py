"""Bitsets and one term's postings as the docsets hold them (``docsets.py``).

A bitset is a Python ``int`` with bit *d* set for document *d*: AND, OR and
counting run in C. ``TermPostings`` reads a term's sorted ids, quantized
BM25 impacts and impact order straight from the memory map.
"""

from __future__ import annotations

import bisect
import itertools


def bits_from_ids(ids) -> int:
    """A bitset int with the given document numbers set."""
    if not len(ids):
        return 0
    if len(ids) > 2000:
        # Many ids: write them as '1' digits of a binary numeral, read in C.
        digits = bytearray(b"0") * (max(ids) + 1)
        any(map(digits.__setitem__, ids, itertools.repeat(49)))
        digits.reverse()
        return int(digits, 2)
    buf = bytearray((max(ids) >> 3) + 1)
    for d in ids:
        buf[d >> 3] |= 1 << (d & 7)
    return int.from_bytes(buf, "little")


def ids_of(bits: int, limit: int | None = None) -> list[int]:
    """The document numbers set in a bitset, ascending (at most ``limit``)."""
    # The binary digits, lowest first: str.find hops over runs of zeros in C.
    digits = bin(bits)[:1:-1] if bits > 0 else ""
    result = []
    i = digits.find("1")
    while i >= 0:
        result.append(i)
        if limit is not None and len(result) >= limit:
            break
        i = digits.find("1", i + 1)
    return result


class TermPostings:
    """One term's documents, impacts and impact order, read from the map."""

    __slots__ = ("_bits", "by_impact", "ids", "impacts", "keys", "scale")

    def __init__(self, view: memoryview, entry, key_width: int = 8):
        # Views into the map, not copies: a cached term costs no memory of its own.
        offset, df, self.scale, _, keys_at = entry
        self.ids = view[offset:offset + 4 * df].cast("I")
        self.impacts = view[offset + 4 * df:offset + 5 * df]
        self.by_impact = view[offset + 5 * df:offset + 9 * df].cast("I")
        self._bits = None
        # Position keys (docnum << the generation's position bits | position),
        # ascending, 4 or 8 bytes each: a phrase is then a set intersection.
        self.keys = None
        if keys_at is not None:
            start, length = keys_at
            self.keys = view[start:start + length].cast("I" if key_width == 4 else "Q")

    @property
    def has_positions(self) -> bool:
        return self.keys is not None

    @property
    def bits(self) -> int:
        if self._bits is None:
            self._bits = bits_from_ids(self.ids)
        return self._bits

    def impact(self, docnum: int) -> float:
        """This term's BM25 contribution to a document (0 when absent)."""
        i = bisect.bisect_left(self.ids, docnum)
        if i < len(self.ids) and self.ids[i] == docnum:
            return self.impacts[i] * self.scale
        return 0.0

    def impact_table(self, total: int) -> bytearray:
        """The quantized impact of every document (0 when absent), indexed by docnum."""
        table = bytearray(total)
        for docnum, impact in zip(self.ids, self.impacts):
            table[docnum] = impact
        return table
