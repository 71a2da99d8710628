"""Writing the docsets of a generation (the format and its reader: ``docsets.py``).

After Whoosh has committed a generation, its title and body postings are read
back once and written again as ``docsets.bin`` (sorted ids, quantized BM25
impacts, impact order, bitsets and position keys for frequent terms, facet
bitsets and columns, the date order) with its JSON directory ``docsets.meta``.
From ``PARALLEL_MIN_DOCS`` documents on, the terms are dealt between two
processes, each writing a part that is then appended.
"""

from __future__ import annotations

import itertools
import json
import math
import multiprocessing
import shutil
from array import array
from pathlib import Path

from whoosh.reading import TermNotFound

from ..text.analysis import STOP_WORDS
from ..text.learned import MAX_LEARNING_PAIRS, learn_pairs, text_terms
from ..text.names import is_person_key, name_groups
from .copies import Copy, find_copies
from .docsets import (
    BM25_B,
    BM25_K1,
    DENSE_FRACTION,
    DOCSETS,
    DOCSETS_MAGIC,
    DOCSETS_META,
    DOCSETS_VERSION,
    HEADER,
    META_MAGIC,
    NO_VALUE,
    PARALLEL_MIN_DOCS,
    POSITION_BITS,
    POSITION_LIMIT,
    TERM_ROW,
    TEXT_FIELDS,
    bits_from_ids,
)
from .facet_merge import glossary_of, merge_outlets, merge_spellings, merge_topics, outlets_of
from .schema import COPY_CARD, FACET_FIELDS

# The fields whose words, as written, are matched across scripts (``expand.py``).
NAME_FIELDS = ("author", "exact")


def read_postings(reader, fieldname: str, btext: bytes, positions: bool = False):
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

    With ``workers`` > 1 the terms are split between processes, each writing
    a part file that is then appended to the whole. ``aliases`` are groups of
    spellings of one author's name that transliteration cannot tell are one.
    """
    reader = ix.reader()
    total = reader.doc_count_all()
    meta = {"magic": META_MAGIC, "version": DOCSETS_VERSION, "bytes": 0, "docs": total,
            "dated": 0, "dates": None, "order": None, "live": None, "terms": {}, "facets": {},
            "columns": {}, "labels": {}, "spellings": {}, "names": {}, "copies": {},
            "learned": {}}
    entries_by_field: dict[str, dict[str, tuple]] = {fieldname: {} for fieldname in TEXT_FIELDS}
    # Deleted documents (after an update) are left out of every posting and count.
    live = None
    if reader.has_deletions():
        live = bits_from_ids(list(reader.all_doc_ids())).to_bytes((total + 7) // 8, "little")
    norms = {fieldname: _norms(reader, fieldname, total, live) for fieldname in TEXT_FIELDS}
    terms = [(fieldname, btext) for fieldname in TEXT_FIELDS
             for btext in reader.lexicon(fieldname)]
    job = (generation, norms, total, reader.doc_count(), live)
    if workers > 1 and total >= PARALLEL_MIN_DOCS:
        chunks = [(job, i, terms[i::workers]) for i in range(workers)]  # dealt round, even
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_write_part, chunks)
    else:
        parts = [_write_part((job, 0, terms), reader)]
    with open(generation / DOCSETS, "wb") as handle:
        handle.write(HEADER.pack(DOCSETS_MAGIC, DOCSETS_VERSION, 0))
        out = _Writer(handle, HEADER.size)
        for path, entries in parts:
            shift = out.offset
            with open(path, "rb") as part:
                shutil.copyfileobj(part, handle)
            out.offset += path.stat().st_size
            path.unlink()
            for (fieldname, text), entry in entries.items():
                entries_by_field[fieldname][text] = _shifted(entry, shift)
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
                ids = sorted(set().union(*(_live(read_postings(reader, fieldname, btext)[0], live)
                                           for btext in btexts)))
                spans[value] = out.put(_bits_bytes(ids))
                for docnum in ids:
                    per_doc[docnum].append(ordinal)
            meta["facets"][facet] = spans
            meta["columns"][facet] = _write_column(out, per_doc)
        meta["learned"] = learn_pairs(_translation_pairs(reader, total, live))
        meta["copies"] = {str(copy): primary
                          for copy, primary in _copies(reader, total, live).items()}
        # Small words are no names ("more" is not «море»); person keys are nobody's spelling.
        meta["names"] = {fieldname: name_groups(t for t in entries_by_field[fieldname]
                                                if t not in STOP_WORDS and not is_person_key(t))
                         for fieldname in NAME_FIELDS}
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
        for fieldname, entries in entries_by_field.items():
            meta["terms"][fieldname] = _write_term_table(out, entries)
        meta["bytes"] = out.offset
    (generation / DOCSETS_META).write_text(
        json.dumps(meta, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    reader.close()


def _copies(reader, total: int, live: bytes | None) -> dict[int, int]:
    """Each hidden copy's primary, from the copy cards the build stored (``copies.py``)."""
    lang_of = {}
    for btext in reader.lexicon("lang"):
        for docnum in read_postings(reader, "lang", btext)[0]:
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
    """(English terms, Russian terms) of each article and its translation, up
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
            texts[fields.get("lang")] = text_terms(f"{fields.get('title', '')}\n{fields.get('body', '')}")
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


def _norms(reader, fieldname: str, total: int, live: bytes | None) -> array:
    """BM25's length normalization of each document, over the live documents."""
    lengths = [reader.doc_field_length(d, fieldname, 0) or 0 if _is_live(live, d) else 0
               for d in range(total)]
    count = sum(_is_live(live, d) for d in range(total))
    average = (sum(lengths) / count if count else 0) or 1.0
    return array("f", (BM25_K1 * (1 - BM25_B + BM25_B * n / average) for n in lengths))


def _write_part(task, reader=None):
    """Write the postings of some terms to a part file; (path, {(field, text): entry})."""
    (generation, norms, total, docs, live), number, terms = task
    own = reader is None
    if own:
        from whoosh import index as whoosh_index
        reader = whoosh_index.open_dir(str(generation)).reader()
    path = generation / f"{DOCSETS}.part{number}"
    entries = {}
    with open(path, "wb") as handle:
        out = _Writer(handle)
        for fieldname, btext in terms:
            entry = _write_term(out, reader, fieldname, btext, norms[fieldname], total, docs,
                                live)
            if entry is not None:
                entries[fieldname, btext.decode("utf-8")] = entry
    if own:
        reader.close()
    return path, entries


def _shifted(entry, shift: int):
    ids_at, df, scale, bits_at, keys_at = entry
    def moved(span):
        return None if span is None else (span[0] + shift, span[1])

    return (ids_at + shift, df, scale, moved(bits_at), moved(keys_at))


def _write_column(out, per_doc: list[list[int]]):
    """A facet's values by document: the first one of each, then any others."""
    first = array("I", (values[0] if values else NO_VALUE for values in per_doc))
    starts = array("I", itertools.accumulate((max(len(v) - 1, 0) for v in per_doc), initial=0))
    others = array("I", itertools.chain.from_iterable(v[1:] for v in per_doc))
    several = _bits_bytes([d for d, values in enumerate(per_doc) if len(values) > 1])
    return {"first": out.put(first.tobytes()), "starts": out.put(starts.tobytes()),
            "others": out.put(others.tobytes()), "several": out.put(several)}


def _bits_bytes(ids) -> bytes:
    bits = bits_from_ids(ids)
    return bits.to_bytes((bits.bit_length() + 7) // 8, "little")


def _write_term(out, reader, fieldname, btext, norms, total, docs, live=None):
    """Write one term; ``total`` documents in all, ``docs`` of them live."""
    dense = reader.doc_frequency(fieldname, btext) * DENSE_FRACTION >= total
    # Frequent terms also keep their positions: checking a phrase of common
    # words through Whoosh would decode them for every candidate document.
    # The very common words too ("the", "в": dozens a document): a phrase of
    # them ("in the", «в том числе») has nearly every document as candidate.
    positions = dense and reader.schema[fieldname].format.supports("positions")
    ids, weights, where = read_postings(reader, fieldname, btext, positions=positions)
    if live is not None:
        keep = [i for i, d in enumerate(ids) if _is_live(live, d)]
        if len(keep) < len(ids):
            ids = array("I", (ids[i] for i in keep))
            weights = array("f", (weights[i] for i in keep))
            where = [where[i] for i in keep] if where is not None else None
    if not ids:
        return None
    df = len(ids)
    factor = (math.log(docs / (df + 1)) + 1) * (BM25_K1 + 1)
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
    if where is not None and all(not p or p[-1] < POSITION_LIMIT for p in where):
        keys = array("Q")
        for docnum, positions in zip(ids, where):
            keys.extend(map((docnum << POSITION_BITS).__add__, positions))
        positions_at = out.put(keys.tobytes())
    return (ids_at, df, scale, bits_at, positions_at)
