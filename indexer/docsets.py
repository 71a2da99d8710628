"""Postings again, in a form Python reads at C speed: bitsets and impact lists.

Whoosh decodes postings in pure Python, too slowly for the common words of a
large archive, and every search here needs its *whole* matching set (for the
total and the facet counts). So after a build the title and body postings are
written once more, into ``docsets.bin`` beside the Whoosh files:

- per term: its documents as a sorted ``array('I')``, the term's BM25 impact
  in each (quantized to a byte), the same documents ordered by impact, and,
  for frequent terms, a bitset — a Python ``int`` with bit *d* set for
  document *d*;
- per facet value, the bitset of its documents; per document, its date; and
  the documents in date order.

Matching is then bitset algebra, counting is ``int.bit_count()``, and the top
hits by relevance come from the highest-impact documents of each query term
(Fagin's threshold algorithm): exact, because a document outside every
term's impact prefix cannot score above the sum of the prefixes' last impacts.
"""

from __future__ import annotations

import bisect
import itertools
import math
import mmap
import pickle
from array import array
from pathlib import Path

from whoosh.reading import TermNotFound

from .schema import FACET_FIELDS

DOCSETS = "docsets.bin"
DOCSETS_META = "docsets.meta"
TEXT_FIELDS = ("title", "body")
BM25_B, BM25_K1 = 0.75, 1.2  # Whoosh's BM25F defaults
DENSE_FRACTION = 32  # terms in at least 1/32 of documents also get a bitset
TERM_CACHE = 1024  # terms kept open (their bitsets are the only copies)


def bits_from_ids(ids) -> int:
    """A bitset int with the given document numbers set."""
    if not len(ids):
        return 0
    buf = bytearray((max(ids) >> 3) + 1)
    for d in ids:
        buf[d >> 3] |= 1 << (d & 7)
    return int.from_bytes(buf, "little")


def ids_of(bits: int, limit: int | None = None) -> list[int]:
    """The document numbers set in a bitset, ascending (at most ``limit``)."""
    result = []
    data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    for i, byte in enumerate(data):
        if byte:
            base = i << 3
            for j in range(8):
                if byte >> j & 1:
                    result.append(base + j)
                    if limit is not None and len(result) >= limit:
                        return result
    return result


def _postings(reader, fieldname: str, btext: bytes, positions: bool = False):
    """(ids, weights, positions or None) of one term over all segments.

    Read block by block where Whoosh allows it: its matcher API costs a
    Python call per posting.
    """
    ids, weights = array("I"), array("f")
    where = [] if positions else None
    decode = reader.schema[fieldname].format.decode_positions if positions else None
    for leaf, offset in reader.leaf_readers():
        try:
            matcher = leaf.postings(fieldname, btext)
        except TermNotFound:
            continue
        if hasattr(matcher, "_read_ids") and hasattr(matcher, "_next_block"):
            while matcher.is_active():
                matcher._read_ids()
                matcher._read_weights()
                ids.extend(d + offset for d in matcher._ids)
                weights.extend(matcher._weights)
                if positions:
                    matcher._read_values()
                    where.extend(decode(v) for v in matcher._values)
                matcher._next_block()
        else:
            while matcher.is_active():
                ids.append(matcher.id() + offset)
                weights.append(matcher.weight())
                if positions:
                    where.append(matcher.value_as("positions"))
                matcher.next()
    return ids, weights, where


class _Writer:
    def __init__(self, handle):
        self.handle, self.offset = handle, 0

    def put(self, data: bytes) -> tuple[int, int]:
        self.handle.write(data)
        start, self.offset = self.offset, self.offset + len(data)
        return start, len(data)


def write_docsets(generation: Path, ix) -> None:
    """Write ``docsets.bin`` and its table for the Whoosh index ``ix`` in ``generation``."""
    reader = ix.reader()
    total = reader.doc_count_all()
    meta = {"docs": total, "terms": {}, "facets": {}, "live": None}
    with open(generation / DOCSETS, "wb") as handle:
        out = _Writer(handle)
        for fieldname in TEXT_FIELDS:
            lengths = [reader.doc_field_length(d, fieldname, 0) or 0 for d in range(total)]
            average = (sum(lengths) / total if total else 0) or 1.0
            # BM25's length normalization, once per document.
            norms = array("f", (BM25_K1 * (1 - BM25_B + BM25_B * n / average) for n in lengths))
            meta["terms"][fieldname] = {
                btext.decode("utf-8"): _write_term(out, reader, fieldname, btext, norms, total)
                for btext in reader.lexicon(fieldname)}
        for facet, fieldname in FACET_FIELDS.items():
            meta["facets"][facet] = {
                btext.decode("utf-8"): out.put(_bits_bytes(_postings(reader, fieldname, btext)[0]))
                for btext in reader.lexicon(fieldname)}
        dates = array("i", [0]) * total
        if total:
            # Raw column values are microseconds since datetime.min (ordinal 1);
            # undated documents hold a filler value, hence the undated column.
            raw = reader.column_reader("date", translate=False)
            undated_flags = reader.column_reader("undated")
            for docnum in range(total):
                if not undated_flags[docnum]:
                    dates[docnum] = raw[docnum] // 86_400_000_000 + 1
        undated = [d for d in range(total) if not dates[d]]
        order = array("I", sorted((d for d in range(total) if dates[d]), key=dates.__getitem__))
        meta["dated"] = len(order)
        order.extend(undated)
        meta["dates"] = out.put(dates.tobytes())
        meta["order"] = out.put(order.tobytes())
        if reader.has_deletions():
            meta["live"] = out.put(_bits_bytes(array("I", reader.all_doc_ids())))
    with open(generation / DOCSETS_META, "wb") as handle:
        pickle.dump(meta, handle, protocol=pickle.HIGHEST_PROTOCOL)
    reader.close()


def _bits_bytes(ids) -> bytes:
    bits = bits_from_ids(ids)
    return bits.to_bytes((bits.bit_length() + 7) // 8, "little")


def _write_term(out, reader, fieldname, btext, norms, total):
    dense = reader.doc_frequency(fieldname, btext) * DENSE_FRACTION >= total
    # Frequent terms also keep their positions: checking a phrase of common
    # words through Whoosh would decode them for every candidate document.
    ids, weights, where = _postings(reader, fieldname, btext, positions=dense)
    df = len(ids)
    factor = (math.log(total / (df + 1)) + 1) * (BM25_K1 + 1)
    scores = [factor * tf / (tf + norms[d]) for d, tf in zip(ids, weights)]
    top = max(scores)
    scale = top / 255 if top > 0 else 1.0
    inverse = 1 / scale
    impacts = array("B", [int(score * inverse + 0.5) or 1 for score in scores])
    ranks = sorted(range(df), key=impacts.__getitem__, reverse=True)
    by_impact = array("I", [ids[i] for i in ranks])
    ids_at = out.put(ids.tobytes())[0]
    out.put(impacts.tobytes())
    out.put(by_impact.tobytes())
    bits_at = out.put(_bits_bytes(ids)) if df * DENSE_FRACTION >= total else None
    positions_at = None
    if where is not None:
        starts = array("I", itertools.accumulate((len(p) for p in where), initial=0))
        flat = array("I", itertools.chain.from_iterable(where))
        positions_at = (out.put(starts.tobytes()), out.put(flat.tobytes()))
    return (ids_at, df, scale, bits_at, positions_at)


class TermPostings:
    """One term's documents, impacts and impact order, read from the map."""

    __slots__ = ("ids", "impacts", "by_impact", "scale", "_bits", "_starts", "_positions")

    def __init__(self, view: memoryview, entry):
        # Views into the map, not copies: a cached term costs no memory of its own.
        offset, df, self.scale, _, positions_at = entry
        self.ids = view[offset:offset + 4 * df].cast("I")
        self.impacts = view[offset + 4 * df:offset + 5 * df]
        self.by_impact = view[offset + 5 * df:offset + 9 * df].cast("I")
        self._bits = None
        self._starts = self._positions = None
        if positions_at:
            (starts, starts_len), (flat, flat_len) = positions_at
            self._starts = view[starts:starts + starts_len].cast("I")
            self._positions = view[flat:flat + flat_len].cast("I")

    @property
    def has_positions(self) -> bool:
        return self._starts is not None

    def positions(self, docnum: int):
        """The word positions of this term in a document (needs ``has_positions``)."""
        i = bisect.bisect_left(self.ids, docnum)
        if i < len(self.ids) and self.ids[i] == docnum:
            return self._positions[self._starts[i]:self._starts[i + 1]]
        return ()

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


class Docsets:
    """The docsets of one index generation, memory-mapped."""

    def __init__(self, generation: Path):
        with open(generation / DOCSETS_META, "rb") as handle:
            self.meta = pickle.load(handle)
        self._file = open(generation / DOCSETS, "rb")
        size = (generation / DOCSETS).stat().st_size
        self.buffer = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        self.view = memoryview(self.buffer)
        self.total = self.meta["docs"]
        live = self.meta.get("live")
        self.all = self._bits_at(live) if live else (1 << self.total) - 1
        self.facets = {facet: {value: self._bits_at(span) for value, span in values.items()}
                       for facet, values in self.meta["facets"].items()}
        self.dates = array("i")
        self.dates.frombytes(self._slice(self.meta["dates"]))
        self.order = array("I")
        self.order.frombytes(self._slice(self.meta["order"]))
        self.dated = self.meta["dated"]
        self._cache: dict[tuple[str, str], TermPostings | None] = {}

    def _slice(self, span) -> bytes:
        start, length = span
        return self.buffer[start:start + length]

    def _bits_at(self, span) -> int:
        return int.from_bytes(self._slice(span), "little")

    def term(self, fieldname: str, text: str) -> TermPostings | None:
        """A term's postings; ``None`` when the field or term is not here."""
        key = (fieldname, text)
        if key not in self._cache:
            entry = self.meta["terms"].get(fieldname, {}).get(text)
            if entry is None:
                postings = None
            else:
                postings = TermPostings(self.view, entry)
                if entry[3] is not None:
                    postings._bits = self._bits_at(entry[3])
            if len(self._cache) > TERM_CACHE:
                self._cache.clear()
            self._cache[key] = postings
        return self._cache[key]

    def term_bits(self, fieldname: str, text: str) -> int:
        postings = self.term(fieldname, text)
        return postings.bits if postings else 0

    def date_range_bits(self, start: int | None, end: int | None) -> int:
        """Documents dated from ordinal ``start`` to ``end`` (inclusive; None = open)."""
        lo = bisect.bisect_left(self.order, start, 0, self.dated,
                                key=self.dates.__getitem__) if start else 0
        hi = bisect.bisect_right(self.order, end, 0, self.dated,
                                 key=self.dates.__getitem__) if end else self.dated
        return bits_from_ids(self.order[lo:hi])

    def in_date_order(self, bits: int, newest: bool, skip: int, count: int) -> list[int]:
        """``count`` documents of ``bits`` after ``skip``, by date; undated last."""
        data = bits.to_bytes((self.total + 7) // 8, "little")
        dated = range(self.dated - 1, -1, -1) if newest else range(self.dated)
        found = []
        for index in itertools.chain(dated, range(self.dated, len(self.order))):
            d = self.order[index]
            if data[d >> 3] >> (d & 7) & 1:
                if skip:
                    skip -= 1
                    continue
                found.append(d)
                if len(found) == count:
                    break
        return found

    def close(self) -> None:
        """Close the map once no term views are left (else leave it to the GC)."""
        self._cache.clear()
        try:
            self.view.release()
            if isinstance(self.buffer, mmap.mmap):
                self.buffer.close()
        except BufferError:
            pass
        self._file.close()

