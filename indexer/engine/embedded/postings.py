"""Bitsets and one term's postings as the docsets hold them (``docsets.py``).

A bitset is a Python ``int`` with bit *d* set for document *d*: AND, OR and
counting run in C. ``TermPostings`` reads a term's sorted ids, quantized
BM25 impacts and impact order straight from the memory map.
"""

from __future__ import annotations

import bisect
import itertools

import numpy as np


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


def phrase_docs(slots, total: int, place_bits: int, slop: int = 1, room: int = 0,
                length: int | None = None) -> int:
    """The bitset of documents where some form of each word follows the previous one
    (within ``slop`` positions after it; 1: next to it).

    ``slots`` holds (place in the phrase, the sorted position keys ``docnum <<
    place_bits | position`` of each of its forms): a word's, or, for adjacent
    words only, a pair's (keyed at its first word); ``length`` is the phrase's
    words (default: one per slot); ``room`` is how many positions past every
    document's last the keys leave free. For a plain phrase each slot's keys
    are shifted back by its place; the slot with the fewest keys gives the
    possible starts, and each other slot keeps those its shifted keys hold, found by one merge in C (a stable
    sort of two sorted runs): a few passes per word, however many documents
    hold the words. With a slop, each word's keys are kept when the nearest
    earlier key of the words before lies close enough.
    """
    words = []
    for _, keyed in slots:
        forms = [np.frombuffer(keys, dtype=f"<u{keys.itemsize}") for keys in keyed]
        keys = forms[0]
        if len(forms) > 1:
            # Sorted runs merged by a stable sort, in linear time; a position two
            # forms share (one word read two ways) kept once.
            keys = np.concatenate(forms)
            keys.sort(kind="stable")
            keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
        words.append(keys)
    kind = np.result_type(*words) if words else np.uint64
    shift, mask = kind.type(place_bits), kind.type((1 << place_bits) - 1)
    if slop > 1:
        ends = words[0].astype(np.uint64)
        for keys in words[1:]:
            keys = keys.astype(np.uint64)
            if not len(ends) or not len(keys):
                return 0
            before = np.searchsorted(ends, keys, "left") - 1
            ok = before >= 0
            near = ends[np.maximum(before, 0)]
            ok &= (keys - near <= np.uint64(slop)) & (keys >> np.uint64(place_bits)
                                                      == near >> np.uint64(place_bits))
            ends = keys[ok]
        return _docs_bits(ends >> np.uint64(place_bits), total)
    last = (length or len(slots)) - 1
    ordered = sorted(zip((place for place, _ in slots), words), key=lambda word: len(word[1]))
    offset, starts = ordered[0]
    if last > room:
        # A start must leave room for the whole phrase in its document's positions.
        place = starts & mask
        starts = starts[(place >= offset) & (place - offset + last <= mask)]
    # Else no position plus the phrase's length reaches the next document's keys,
    # so shifted keys cannot meet another document's (``positions_width``).
    starts = starts - kind.type(offset)
    for offset, keys in ordered[1:]:
        if not len(starts) or not len(keys):
            return 0
        merged = np.concatenate((starts + kind.type(offset), keys))
        merged.sort(kind="stable")
        starts = merged[1:][merged[1:] == merged[:-1]] - kind.type(offset)
    return _docs_bits(starts >> shift, total)


def _docs_bits(docnums, total: int) -> int:
    if not len(docnums):
        return 0
    docs = np.zeros(total, dtype=np.uint8)
    docs[docnums] = 1
    return int.from_bytes(np.packbits(docs, bitorder="little").tobytes(), "little")
