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
  the documents in date order, undated ones last (the year facet's
  ``undated`` value is read from there, not stored as a term).

Matching is then bitset algebra, counting is ``int.bit_count()``, and the top
hits by relevance come from the highest-impact documents of each query term
(Fagin's threshold algorithm): exact, because a document outside every
term's impact prefix cannot score above the sum of the prefixes' last impacts.

``docsets.bin`` opens with a 16-byte header (magic, version) and ends with a
term table per text field; ``docsets.meta`` is the directory: JSON with the
same magic and version, the size of ``docsets.bin``, and where each part
lies in it. A pair of another version or a damaged one is refused with
``IndexFormatError``. The layout is in docs/index-format.md.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import itertools
import json
import mmap
import struct
from array import array
from collections import Counter
from pathlib import Path


from ...errors import IndexFormatError
from .postings import TermPostings, bits_from_ids, ids_of
from ..schema import UNDATED
from ..spelling import prefixed
from .settings import EngineSettings
from ..store import format_error

DOCSETS = "docsets.bin"
DOCSETS_META = "docsets.meta"
# Both files carry the magic and the version; the version counts changes of
# their layout (1: docsets.meta a pickle of positional tuples, no header;
# 2: no author/exact terms, merged author spellings, names or copies;
# 3: no topic facet; 4: authors not merged by first-name forms, no person keys;
# 5: topics not merged across languages; 6: no outlet facet; 7: position keys of
# frequent terms only, always 8 bytes; 8: no norms).
DOCSETS_MAGIC = b"KTKDSETS"
DOCSETS_VERSION = 9
META_MAGIC = "kartoteka-docsets"
HEADER = struct.Struct("<8sII")  # docsets.bin: magic, version, reserved (0)
# A term table row: ids_at, df, scale, bits_at, bits_len, keys_at, keys_len;
# an offset of 0 (inside the header) means "none".
TERM_ROW = struct.Struct("<QIdQQQQ")
TEXT_FIELDS = ("title", "author", "body", "exact")
# The text fields whose words keep their positions, for phrases (the exact forms
# are for ``=word`` only).
POSITION_FIELDS = ("title", "author", "body")
PARALLEL_MIN_DOCS = 2000  # below this, a second process costs more than it saves
DENSE_FRACTION = 32  # terms in at least 1/32 of documents also get a bitset
NO_VALUE = 0xFFFFFFFF  # a document without a value of a facet
COLUMN_PARTS = ("first", "starts", "others", "several")


class _Column:
    """One facet's values per document, to count a small result set by walking it."""

    def __init__(self, docsets: Docsets, names, spans, missing: str | None = None):
        self.names = list(names)
        self.missing = missing  # the value counted for documents without one, if any
        self.present = spans is not None
        if self.present:
            first, starts, others, several = (spans[part] for part in COLUMN_PARTS)
            view = docsets.view
            self.first = view[first[0]:first[0] + first[1]].cast("I")
            self.starts = view[starts[0]:starts[0] + starts[1]].cast("I")
            self.others = view[others[0]:others[0] + others[1]].cast("I")
            self.several = docsets._bits_at(several)

    def count(self, docs: int, ids: list[int]) -> dict[str, int]:
        """Documents per value among ``ids`` (the members of the bitset ``docs``)."""
        counts = Counter(map(self.first.__getitem__, ids))
        starts, others = self.starts, self.others
        counts.update(itertools.chain.from_iterable(
            others[starts[d]:starts[d + 1]] for d in ids_of(docs & self.several)))
        names = self.names
        counted = {names[ordinal]: n for ordinal, n in counts.items() if ordinal != NO_VALUE}
        if self.missing and counts[NO_VALUE]:
            counted[self.missing] = counts[NO_VALUE]
        return counted


def _read_directory(generation: Path) -> dict:
    """``docsets.meta``, checked to be a docsets directory of this version."""
    raw = (generation / DOCSETS_META).read_bytes()
    try:
        meta = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        # An older kartoteka wrote a pickle here; a cut-short file is no JSON either.
        raise format_error(generation, f"{DOCSETS_META} is not a docsets directory of this "
                                       "kartoteka (an older one's, or damaged)") from None
    if not isinstance(meta, dict) or meta.get("magic") != META_MAGIC:
        raise format_error(generation, f"{DOCSETS_META} is not a docsets directory")
    if meta.get("version") != DOCSETS_VERSION:
        raise format_error(generation, f"{DOCSETS_META} is of version {meta.get('version')!r}; "
                                       f"this kartoteka reads version {DOCSETS_VERSION}")
    return meta


class Docsets:
    """The docsets of one index generation, memory-mapped."""

    def __init__(self, generation: Path, settings: EngineSettings = EngineSettings()):
        self.settings = settings
        """Open the docsets of ``generation``; ``IndexFormatError`` when they are
        of another version or damaged (missing files stay ``OSError``)."""
        self.generation = Path(generation)
        self.meta = _read_directory(self.generation)
        self._file = open(self.generation / DOCSETS, "rb")
        self.buffer = b""
        try:
            self._map()
            self._load()
        except BaseException:
            self.columns, self._term_rows = {}, {}  # their views hold the map open
            if isinstance(self.buffer, mmap.mmap):
                with contextlib.suppress(BufferError):  # else the GC closes it
                    self.view.release()
                    self.buffer.close()
            self._file.close()
            raise

    def _refuse(self, problem: str) -> IndexFormatError:
        return format_error(self.generation, problem)

    def _map(self) -> None:
        """Map ``docsets.bin`` and check its header and size against the directory."""
        self.size = size = self._file.seek(0, 2)
        if size < HEADER.size:
            raise self._refuse(f"{DOCSETS} is cut short ({size} bytes)")
        self.buffer = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ)
        self.view = memoryview(self.buffer)
        magic, version, _ = HEADER.unpack_from(self.buffer)
        if magic != DOCSETS_MAGIC:
            raise self._refuse(f"{DOCSETS} is not a docsets file (it starts {magic!r})")
        if version != DOCSETS_VERSION:
            raise self._refuse(f"{DOCSETS} is of version {version}; this kartoteka reads "
                               f"version {DOCSETS_VERSION}")
        if size != self.meta.get("bytes"):
            raise self._refuse(f"{DOCSETS} holds {size} bytes where {DOCSETS_META} says "
                               f"{self.meta.get('bytes')!r}: it is damaged")

    def _load(self) -> None:
        """Read the directory's parts; any that does not fit the file is damage."""
        try:
            self._load_parts()
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as error:
            raise self._refuse(f"{DOCSETS_META} is damaged ({type(error).__name__}: "
                               f"{error})") from None

    def _load_parts(self) -> None:
        meta = self.meta
        self.total = meta["docs"]
        live = meta["live"]
        self.all = self._bits_at(self._span(live)) if live else (1 << self.total) - 1
        self.facets = {facet: {value: self._bits_at(self._span(span))
                               for value, span in values.items()}
                       for facet, values in meta["facets"].items()}
        self.columns = {}
        for facet, names in meta["facets"].items():
            spans = meta["columns"][facet]
            spans = {part: self._span(spans[part]) for part in COLUMN_PARTS}
            self.columns[facet] = _Column(self, names, spans,
                                          missing=UNDATED if facet == "year" else None)
        # Each field's terms by row of its table; a row is read when the term is.
        self._term_rows: dict[str, tuple[int, dict[str, int]]] = {}
        self._texts: dict[str, list[str]] = {}  # each field's terms, sorted
        positions = meta["positions"]
        self.place_bits, self.key_width = int(positions["bits"]), int(positions["width"])
        self.room = int(positions["room"])  # free positions past every document's last
        # Per field, its most frequent words and the keys of their pairs (``common_pairs``).
        self._pairs = {fieldname: (frozenset(table["words"]),
                                   {pair: self._span(span) for pair, span in table["keys"].items()})
                       for fieldname, table in meta["pairs"].items()}
        if self.key_width not in (4, 8):
            raise ValueError(f"position keys of {self.key_width} bytes")
        for fieldname, table in meta["terms"].items():
            count = table["count"]
            texts = self._slice(self._span(table["texts"])).decode("utf-8").split("\0")
            start, length = self._span(table["rows"])
            if length != count * TERM_ROW.size or len(texts) != max(count, 1):
                raise ValueError(f"the {fieldname} term table does not hold {count} terms")
            self._term_rows[fieldname] = (start, dict(zip(texts, range(count))))
            self._texts[fieldname] = texts if count else []
        self.dates = array("i")
        self.dates.frombytes(self._slice(self._span(meta["dates"])))
        self.order = array("I")
        self.order.frombytes(self._slice(self._span(meta["order"])))
        self.dated = meta["dated"]
        if len(self.dates) != self.total or len(self.order) != self.total:
            raise ValueError(f"dates or date order not of {self.total} documents")
        # Undated documents close the date order; they are the year facet's
        # UNDATED value (listed only when the index holds any, as years are).
        # Copies of an article (engine/copies) are hidden behind their primary:
        # out of "all", and folded into it wherever a query matches them.
        self.primary_of = {int(copy): primary for copy, primary in meta["copies"].items()}
        self.hidden = bits_from_ids(sorted(self.primary_of))
        self.copies_of: dict[int, list[int]] = {}
        for copy, primary in sorted(self.primary_of.items()):
            self.copies_of.setdefault(primary, []).append(copy)
        self.all &= ~self.hidden
        self.undated = bits_from_ids(self.order[self.dated:]) & self.all
        self.dated_bits = self.all ^ self.undated
        if self.undated and "year" in self.facets:
            self.facets["year"][UNDATED] = self.undated
        self._cache: dict[tuple[str, str], TermPostings | None] = {}
        self._tables: dict[tuple[str, str], bytearray] = {}
        self._norms = {f: (self._span(n["span"]), n["docs"]) for f, n in meta["norms"].items()}

    def norms(self, fieldname: str):
        """(BM25's ``k1·(1 − b + b·length/average)`` per document, the live documents
        its idf counts) of a text field; ``None`` for another field."""
        if fieldname not in self._norms:
            return None
        (start, length), docs = self._norms[fieldname]
        return self.view[start:start + length].cast("f"), docs

    def collapse(self, bits: int) -> int:
        """``bits`` with every hidden copy replaced by its primary."""
        copies = bits & self.hidden
        if not copies:
            return bits
        primaries = {self.primary_of[d] for d in ids_of(copies)}
        return (bits & ~self.hidden) | bits_from_ids(sorted(primaries))

    def _span(self, span) -> tuple[int, int]:
        """A ``[start, length]`` of the directory, checked to lie in the file."""
        start, length = span
        if not (isinstance(start, int) and isinstance(length, int)
                and HEADER.size <= start and 0 <= length and start + length <= self.size):
            raise ValueError(f"span {span!r} outside {DOCSETS}")
        return start, length

    def _slice(self, span) -> bytes:
        start, length = span
        return self.buffer[start:start + length]

    def _entry(self, fieldname: str, text: str):
        """A term's (ids_at, df, scale, bits span, keys span), or ``None``."""
        table = self._term_rows.get(fieldname)
        row = table[1].get(text) if table else None
        if row is None:
            return None
        ids_at, df, scale, bits_at, bits_len, keys_at, keys_len = TERM_ROW.unpack_from(
            self.buffer, table[0] + row * TERM_ROW.size)
        if ids_at + 9 * df > self.size or bits_at + bits_len > self.size \
                or keys_at + keys_len > self.size:
            raise self._refuse(f"{DOCSETS} is damaged: the postings of {fieldname}:{text} lie "
                               "outside it")
        return (ids_at, df, scale, (bits_at, bits_len) if bits_at else None,
                (keys_at, keys_len) if keys_at else None)

    def _bits_at(self, span) -> int:
        return int.from_bytes(self._slice(span), "little")

    def term(self, fieldname: str, text: str) -> TermPostings | None:
        """A term's postings; ``None`` when the field or term is not here."""
        key = (fieldname, text)
        if key not in self._cache:
            entry = self._entry(fieldname, text)
            if entry is None:
                postings = None
            else:
                postings = TermPostings(self.view, entry, self.key_width)
                if entry[3] is not None:
                    postings._bits = self._bits_at(entry[3])
            if len(self._cache) > self.settings.term_cache:
                self._cache.clear()
            self._cache[key] = postings
        return self._cache[key]

    def impact_table(self, fieldname: str, text: str, postings: TermPostings) -> bytearray:
        """``postings.impact_table``, kept for the most recently ranked frequent terms."""
        key = (fieldname, text)
        table = self._tables.pop(key, None)
        if table is None:
            table = postings.impact_table(self.total)
            if len(self._tables) >= self.settings.lookup_cache:
                del self._tables[next(iter(self._tables))]
        self._tables[key] = table
        return table

    def pair_keys(self, fieldname: str, first: str, second: str):
        """The position keys of ``first`` with ``second`` next to it, as a view; empty
        when both are frequent words that never stand so; ``None`` when the field
        keeps no pairs of them."""
        words, spans = self._pairs.get(fieldname, (frozenset(), {}))
        if first not in words or second not in words:
            return None
        span = spans.get(f"{first} {second}")
        code = "I" if self.key_width == 4 else "Q"
        if span is None:
            return memoryview(b"").cast(code)
        return self.view[span[0]:span[0] + span[1]].cast(code)

    def with_pairs(self, forms, slots):
        """A phrase's slots (place, keys) with two words in a row that are both among
        their field's most frequent (each form: ``forms``) standing as their pair's
        keys, a fraction of theirs; the other words' slots as they are."""
        paired, covered = [], set()
        for place in range(len(forms) - 1):
            keyed = []
            for (fieldname, first), (other, second) in itertools.product(forms[place],
                                                                     forms[place + 1]):
                keys = self.pair_keys(fieldname, first, second) if fieldname == other else None
                if keys is None:
                    break
                if len(keys):
                    keyed.append(keys)
            else:
                paired.append((place, keyed))
                covered |= {place, place + 1}
        return paired + [slot for slot in slots if slot[0] not in covered]

    def prefixed(self, fieldname: str, prefix: str):
        """The field's terms that start with ``prefix``, in order."""
        return prefixed(self._texts.get(fieldname, []), prefix)

    def term_bits(self, fieldname: str, text: str) -> int:
        postings = self.term(fieldname, text)
        return postings.bits if postings else 0

    def date_range_bits(self, start: int | None, end: int | None) -> int:
        """Documents dated from ordinal ``start`` to ``end`` (inclusive; None = open).

        Whole years inside the range are their year bitsets; only the days of
        the years at its edges are looked up one by one.
        """
        lo, hi = self._date_span(start, end)
        years = self.facets.get("year", {})
        if hi - lo <= self.settings.by_years_from or not years:
            return bits_from_ids(self.order[lo:hi])
        first = dt.date.fromordinal(self.dates[self.order[lo]]).year
        last = dt.date.fromordinal(self.dates[self.order[hi - 1]]).year
        bits = 0
        for year in range(first, last + 1):
            year_start, year_end = dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()
            inside = (start is None or start <= year_start) and (end is None or year_end <= end)
            if inside and str(year) in years:
                bits |= years[str(year)]
            else:
                a, b = self._date_span(max(year_start, start or year_start),
                                       min(year_end, end or year_end))
                bits |= bits_from_ids(self.order[a:b])
        return bits

    def _date_span(self, start: int | None, end: int | None) -> tuple[int, int]:
        """The slice of ``order`` dated from ``start`` to ``end``."""
        lo = bisect.bisect_left(self.order, start, 0, self.dated,
                                key=self.dates.__getitem__) if start else 0
        hi = bisect.bisect_right(self.order, end, 0, self.dated,
                                 key=self.dates.__getitem__) if end else self.dated
        return lo, max(lo, hi)

    def in_date_order(self, bits: int, newest: bool, skip: int, count: int,
                      start: int | None = None, end: int | None = None) -> list[int]:
        """``count`` documents of ``bits`` after ``skip``, by date; undated last.

        ``start``/``end`` (ordinals), when the dated documents of ``bits`` are
        known to lie within them, spare looking at documents outside; dated
        and undated documents are looked at only when ``bits`` holds any.
        """
        data = bits.to_bytes((self.total + 7) // 8, "little")
        lo, hi = (0, self.dated) if start is None and end is None else self._date_span(start, end)
        if not bits & self.dated_bits:
            lo = hi
        tail = range(self.dated, len(self.order)) if bits & self.undated else range(0)
        dated = range(hi - 1, lo - 1, -1) if newest else range(lo, hi)
        found = []
        order = self.order
        for index in itertools.chain(dated, tail):
            d = order[index]
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
        self._tables.clear()
        for column in self.columns.values():
            if column.present:  # its views hold the map open
                for view in (column.first, column.starts, column.others):
                    view.release()
        try:
            self.view.release()
            if isinstance(self.buffer, mmap.mmap):
                self.buffer.close()
        except BufferError:
            pass
        self._file.close()

