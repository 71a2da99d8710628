"""Writing the docsets of a generation (the format and its reader: ``docsets.py``).

After Whoosh has committed a generation (the articles: stored fields, facet
keys, columns), ``docsets.bin`` is written beside it: the text fields'
postings from the articles' words (``docsets_terms.py``: sorted ids,
quantized BM25 impacts, impact order, bitsets of frequent terms, position
keys), facet bitsets and columns, the date order; with its JSON directory
``docsets.meta``.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from array import array
from pathlib import Path

from whoosh.reading import TermNotFound

from ...text.analysis import STOP_WORDS
from ...text.learned import MAX_LEARNING_PAIRS, learn_pairs
from ...text.names import is_person_key, name_groups
from ..copies import Copy, find_copies
from .docsets import (
    DOCSETS,
    DOCSETS_MAGIC,
    DOCSETS_META,
    DOCSETS_VERSION,
    HEADER,
    META_MAGIC,
    NO_VALUE,
    PARALLEL_MIN_DOCS,
    POSITION_FIELDS,
    TERM_ROW,
    TEXT_FIELDS,
    bits_from_ids,
)
from .docsets_terms import (
    FieldPostings,
    analyze_documents,
    bits_bytes,
    common_pairs,
    is_dense,
    positions_width,
)
from ..facet_merge import glossary_of, merge_outlets, merge_spellings, merge_topics, outlets_of
from ..schema import COPY_CARD, FACET_FIELDS

# The fields whose frequent words keep the keys of their pairs (``common_pairs``):
# the body's; titles are short.
PAIR_FIELDS = ("body",)
# The fields whose words, as written, are matched across scripts (``expand.py``).
NAME_FIELDS = ("author", "exact")


def read_postings(reader, fieldname: str, btext: bytes) -> array:
    """The ids of one term of a Whoosh field over all segments (facet keys, languages).

    Read block by block where Whoosh allows it: its matcher API costs a
    Python call per posting.
    """
    ids = array("I")
    for leaf, offset in reader.leaf_readers():
        try:
            matcher = leaf.postings(fieldname, btext)
        except TermNotFound:
            continue
        if hasattr(matcher, "_read_ids") and hasattr(matcher, "_next_block"):
            while matcher.is_active():
                matcher._read_ids()
                ids.extend(d + offset for d in matcher._ids)
                matcher._next_block()
        else:
            while matcher.is_active():
                ids.append(matcher.id() + offset)
                matcher.next()
    return ids


class _Writer:
    def __init__(self, handle, offset: int = 0):
        self.handle, self.offset = handle, offset

    def put(self, data: bytes) -> tuple[int, int]:
        self.handle.write(data)
        start, self.offset = self.offset, self.offset + len(data)
        return start, len(data)

    def align(self, size: int = 8) -> None:
        """Pad to a multiple of ``size``, so the tables after read aligned."""
        self.put(bytes(-self.offset % size))


def write_docsets(generation: Path, ix, workers: int = 1, aliases=()) -> None:
    """Write ``docsets.bin`` and its directory ``docsets.meta`` for the Whoosh index
    ``ix`` in ``generation``.

    The articles' words are analyzed in ``workers`` processes (``docsets_terms``);
    ``aliases`` are groups of spellings of one author's name that
    transliteration cannot tell are one.
    """
    reader = ix.reader()
    total = reader.doc_count_all()
    meta = {"magic": META_MAGIC, "version": DOCSETS_VERSION, "bytes": 0, "docs": total,
            "dated": 0, "dates": None, "order": None, "live": None, "terms": {}, "facets": {},
            "columns": {}, "labels": {}, "spellings": {}, "names": {}, "copies": {},
            "learned": {}, "positions": None, "pairs": {}, "norms": {}}
    # Deleted documents (after an update) are left out of every posting and count.
    live = None
    if reader.has_deletions():
        live = bits_from_ids(list(reader.all_doc_ids())).to_bytes((total + 7) // 8, "little")
    runs = analyze_documents(generation, total, live, workers)
    # Small words are no names ("more" is not «море»); person keys are nobody's spelling.
    # Grouped in another process meanwhile, when there is a core for it.
    vocabularies = {fieldname: sorted(t for t in set().union(*(run[fieldname][0] for run in runs))
                                      if t not in STOP_WORDS and not is_person_key(t))
                    for fieldname in NAME_FIELDS}
    with _background(workers > 1 and total >= PARALLEL_MIN_DOCS) as background, \
            open(generation / DOCSETS, "wb") as handle:
        names = {fieldname: background.submit(name_groups, words)
                 for fieldname, words in vocabularies.items()}
        handle.write(HEADER.pack(DOCSETS_MAGIC, DOCSETS_VERSION, 0))
        out = _Writer(handle, HEADER.size)
        last_position = max((int(run[name][3].max()) for run in runs for name in POSITION_FIELDS
                             if len(run[name][3])), default=0)
        place_bits, width = positions_width(total, last_position)
        meta["positions"] = {"bits": place_bits, "width": width,
                             "room": (1 << place_bits) - 1 - last_position}
        for fieldname in TEXT_FIELDS:
            field = FieldPostings([run.pop(fieldname) for run in runs], total, reader.doc_count())
            entries = _write_terms(out, field, fieldname in POSITION_FIELDS, place_bits, width)
            meta["terms"][fieldname] = _write_term_table(out, entries)
            out.align(4)
            meta["norms"][fieldname] = {"span": out.put(field.norms.tobytes()),
                                        "docs": reader.doc_count()}
            if fieldname in PAIR_FIELDS:
                words, pairs = common_pairs(field, place_bits, width)
                meta["pairs"][fieldname] = {"words": words, "keys": {
                    pair: out.put(keys) for pair, keys in pairs.items()}}
            del field
        for facet, fieldname in FACET_FIELDS.items():
            per_doc = [[] for _ in range(total)]
            spans = {}
            values = {btext.decode("utf-8"): [btext] for btext in reader.lexicon(fieldname)}
            if facet == "author":
                values, meta["labels"][facet], meta["spellings"][facet] = merge_spellings(
                    reader, fieldname, aliases)
            elif facet == "topic":
                values, meta["labels"][facet], meta["spellings"][facet] = merge_topics(
                    reader, fieldname, glossary_of(generation))
            elif facet == "outlet":
                values, meta["labels"][facet], meta["spellings"][facet] = merge_outlets(
                    reader, fieldname, outlets_of(generation))
            for ordinal, (value, btexts) in enumerate(values.items()):
                ids = sorted(set().union(*(_live(read_postings(reader, fieldname, btext), live)
                                           for btext in btexts)))
                spans[value] = out.put(bits_bytes(ids))
                for docnum in ids:
                    per_doc[docnum].append(ordinal)
            meta["facets"][facet] = spans
            meta["columns"][facet] = _write_column(out, per_doc)
        meta["learned"] = learn_pairs(_translation_pairs(reader, total, live))
        meta["copies"] = {str(copy): primary
                          for copy, primary in _copies(reader, total, live).items()}
        meta["names"] = {fieldname: found.result() for fieldname, found in names.items()}
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
            meta["live"] = out.put(bits_bytes(array("I", reader.all_doc_ids())))
        meta["bytes"] = out.offset
    (generation / DOCSETS_META).write_text(
        json.dumps(meta, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    reader.close()


def _background(parallel: bool):
    """An executor for work beside the postings: another process, or this one."""
    if parallel:
        return ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
    return _Here()


class _Here:
    """Runs what is submitted at once, here (``_background`` without a process)."""

    def submit(self, function, *args):
        done = Future()
        done.set_result(function(*args))
        return done

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass


def _copies(reader, total: int, live: bytes | None) -> dict[int, int]:
    """Each hidden copy's primary, from the copy cards the build stored (``copies.py``)."""
    lang_of = {}
    for btext in reader.lexicon("lang"):
        for docnum in read_postings(reader, "lang", btext):
            lang_of[docnum] = btext.decode("utf-8")
    cards, links = reader.column_reader("copy_card"), reader.column_reader("links")
    docs = []
    for docnum in range(total):
        card = cards[docnum]
        if len(card) <= COPY_CARD.size or not _is_live(live, docnum):
            continue
        (words,) = COPY_CARD.unpack_from(card)
        url = links[docnum].decode("utf-8").split("\n")[0]
        docs.append(Copy(docnum, card[COPY_CARD.size:], words, url, lang_of.get(docnum, "")))
    return find_copies(docs)


def _translation_pairs(reader, total: int, live: bytes | None):
    """(English text, Russian text) of each article and its translation, up
    to ``MAX_LEARNING_PAIRS`` of them (``text/learned.py``)."""
    links = reader.column_reader("links")
    seen, pairs = set(), []
    for docnum in range(total):
        linked = links[docnum].decode("utf-8").split("\n")
        if len(linked) < 2 or not linked[1] or not _is_live(live, docnum):
            continue
        other = reader.first_id("id", linked[1]) if ("id", linked[1]) in reader else None
        if other is None or not _is_live(live, other) or frozenset((docnum, other)) in seen:
            continue
        seen.add(frozenset((docnum, other)))
        texts = {}
        for d in (docnum, other):
            fields = reader.stored_fields(d)
            texts[fields.get("lang")] = f"{fields.get('title', '')}\n{fields.get('body', '')}"
        if set(texts) == {"en", "ru"}:
            pairs.append((texts["en"], texts["ru"]))
            if len(pairs) >= MAX_LEARNING_PAIRS:
                break
    return pairs


def _write_term_table(out: _Writer, entries: dict[str, tuple]) -> dict:
    """A field's terms, sorted, as NUL-separated UTF-8, then one row per term."""
    texts = sorted(entries)
    if any("\0" in text for text in texts):
        raise ValueError("a term holds a NUL character, which the term table cannot store")
    out.align()
    texts_at = out.put("\0".join(texts).encode("utf-8"))
    out.align()
    rows = bytearray()
    for text in texts:
        ids_at, df, scale, bits_at, keys_at = entries[text]
        rows += TERM_ROW.pack(ids_at, df, scale, *(bits_at or (0, 0)), *(keys_at or (0, 0)))
    return {"count": len(texts), "texts": texts_at, "rows": out.put(bytes(rows))}


def _is_live(live: bytes | None, docnum: int) -> bool:
    return live is None or bool(live[docnum >> 3] >> (docnum & 7) & 1)


def _live(ids, live: bytes | None):
    return ids if live is None else array("I", (d for d in ids if _is_live(live, d)))


def _write_column(out, per_doc: list[list[int]]):
    """A facet's values by document: the first one of each, then any others."""
    first = array("I", (values[0] if values else NO_VALUE for values in per_doc))
    starts = array("I", itertools.accumulate((max(len(v) - 1, 0) for v in per_doc), initial=0))
    others = array("I", itertools.chain.from_iterable(v[1:] for v in per_doc))
    several = bits_bytes([d for d, values in enumerate(per_doc) if len(values) > 1])
    return {"first": out.put(first.tobytes()), "starts": out.put(starts.tobytes()),
            "others": out.put(others.tobytes()), "several": out.put(several)}


def _write_terms(out: _Writer, field: FieldPostings, positions: bool, place_bits: int,
                 width: int) -> dict[str, tuple]:
    """Write each term's ids, impacts, impact order, bitset (frequent terms) and
    position keys (fields with positions); its table entry by text."""
    entries = {}
    for text, ids, impacts, by_impact, scale, span in field.postings():
        ids_at = out.put(ids.tobytes())[0]
        out.put(impacts.tobytes())
        out.put(by_impact.tobytes())
        bits_at = out.put(bits_bytes(ids)) if is_dense(len(ids), field.total) else None
        keys_at = out.put(field.keys(span, place_bits, width)) if positions else None
        entries[text] = (ids_at, len(ids), scale, bits_at, keys_at)
    return entries
