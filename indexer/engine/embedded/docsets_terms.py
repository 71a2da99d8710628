"""The text fields' postings, written into the docsets from the articles' words.

Whoosh keeps the articles (stored fields, facet keys, columns); their words
are indexed here only. The documents are dealt out in runs, one process per
run: each analyzes its articles' stored text with the fields' analyzers
(``schema.text_fields``) into arrays of (term, document, position). The parts
are then joined, sorted once by (term, document, position) in numpy, and every
term's documents, BM25 impacts, impact order, bitset (frequent terms) and
position keys are cut from the sorted arrays. Writing Whoosh's postings and
reading them back cost over half of a build; this does the same work in a
few vectorized passes.

BM25 is computed as Whoosh would: document lengths are Whoosh's one-byte
lengths (``length_to_byte``), the idf is Whoosh's, the constants its defaults.
"""

from __future__ import annotations

import math
import multiprocessing
from array import array
from pathlib import Path

import numpy as np
from whoosh.util.numeric import byte_to_length

from .docsets import DENSE_FRACTION, PARALLEL_MIN_DOCS, TEXT_FIELDS
from ...text.analysis import fold_yo, index_words, morph_terms
from ..schema import BM25_B, BM25_K1, field_texts, text_fields

# The length Whoosh keeps for each of its 256 length bytes, ascending.
_LENGTHS = np.array([byte_to_length(i) for i in range(256)], dtype=np.int64)


# Free positions left past every document's last: a phrase of up to this many
# words is matched without checking that it stays inside one document.
PHRASE_ROOM = 64


def positions_width(total: int, last_position: int) -> tuple[int, int]:
    """(position bits, key bytes) of a generation's position keys, ``docnum <<
    bits | position``: 4-byte keys when they fit, else 8."""
    bits = max(1, int(last_position + PHRASE_ROOM).bit_length())
    docs = max(1, (max(total, 1) - 1).bit_length())
    return bits, 4 if bits + docs <= 32 else 8


def _analyze_run(task) -> dict:
    """Analyze documents ``start`` to ``stop`` (the live ones): per field its
    words (in first-seen order) and arrays of word number, docnum and position.

    Title and body are split into words once (``index_words``), each word
    then read as its normal forms for ``title``/``body`` and as written for
    ``exact``: the terms and positions the fields' analyzers give
    (``tests/test_analysis.py`` holds them to it). Authors go through theirs.
    """
    generation, start, stop, live = task
    from whoosh import index as whoosh_index

    author_analyzer = text_fields()["author"].analyzer
    numbers = {name: {} for name in TEXT_FIELDS}
    columns = {name: (array("I"), array("I"), array("I")) for name in TEXT_FIELDS}
    forms_of: dict[str, tuple[str, ...]] = {}
    reader = whoosh_index.open_dir(str(generation)).reader()
    try:
        for docnum in range(start, stop):
            if live is not None and not live[docnum >> 3] >> (docnum & 7) & 1:
                continue
            texts = field_texts(reader.stored_fields(docnum))
            title, body = index_words(texts["title"]), index_words(texts["body"])
            for name, words in (("title", title), ("body", body)):
                known, (terms, docs, places) = numbers[name], columns[name]
                for place, word in enumerate(words):
                    forms = forms_of.get(word)
                    if forms is None:
                        forms = forms_of[word] = morph_terms(word)
                    for form in forms:
                        number = known.get(form)
                        if number is None:
                            number = known[form] = len(known)
                        terms.append(number)
                        places.append(place)
                docs.extend(array("I", [docnum]) * (len(terms) - len(docs)))
            _add_words(numbers["exact"], columns["exact"], docnum,
                       ((place, fold_yo(word)) for place, word in enumerate(title + body)))
            _add_words(numbers["author"], columns["author"], docnum,
                       ((t.pos, t.text) for t in author_analyzer(
                           texts["author"], positions=True, mode="index")))
    finally:
        reader.close()
    return {name: (list(numbers[name]), np.frombuffer(columns[name][0], dtype=np.uint32),
                   np.frombuffer(columns[name][1], dtype=np.uint32),
                   np.frombuffer(columns[name][2], dtype=np.uint32)) for name in TEXT_FIELDS}


def _add_words(known: dict, columns, docnum: int, words) -> None:
    terms, docs, places = columns
    for place, word in words:
        number = known.get(word)
        if number is None:
            number = known[word] = len(known)
        terms.append(number)
        places.append(place)
    docs.extend(array("I", [docnum]) * (len(terms) - len(docs)))


def analyze_documents(generation: Path, total: int, live: bytes | None,
                      workers: int) -> list[dict]:
    """``_analyze_run``'s answer for each run of documents, in docnum order."""
    if workers > 1 and total >= PARALLEL_MIN_DOCS:
        step = -(-total // workers)
        tasks = [(generation, i, min(i + step, total), live) for i in range(0, total, step)]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return pool.map(_analyze_run, tasks)
    return [_analyze_run((generation, 0, total, live))]


class FieldPostings:
    """One text field's postings, sorted by term, document and position."""

    def __init__(self, runs: list, total: int, docs: int):
        self.total, self.docs = total, docs
        self.words = sorted(set().union(*(words for words, *_ in runs)))
        number = {word: i for i, word in enumerate(self.words)}
        self.last_position = max((int(p.max()) for *_, p in runs if len(p)), default=0)
        lengths = np.zeros(total, dtype=np.int64)
        for _, _, d, _ in runs:
            lengths += np.bincount(d, minlength=total)
        self.norms = _norms(lengths, docs)
        place_bits = max(1, self.last_position.bit_length())
        doc_bits = max(1, (total - 1).bit_length())
        term_bits = max(1, (len(self.words) - 1).bit_length())
        if term_bits + doc_bits + place_bits > 64:
            raise ValueError(f"{len(self.words)} terms, {total} documents and positions up to "
                             f"{self.last_position} do not fit a 64-bit sort key")
        # One sort key per word, built run by run in place: (term, docnum, position).
        key = np.empty(sum(len(t) for _, t, _, _ in runs), dtype=np.uint64)
        at = 0
        while runs:
            words, t, d, p = runs.pop(0)
            part = key[at:at + len(t)]
            np.take(np.array([number[w] for w in words], dtype=np.uint64), t, out=part)
            part <<= np.uint64(doc_bits)
            part |= d
            part <<= np.uint64(place_bits)
            part |= p
            at += len(t)
            del words, t, d, p, part
        key.sort()
        self.terms = (key >> np.uint64(doc_bits + place_bits)).astype(np.uint32)
        self.docnums = (key >> np.uint64(place_bits) & np.uint64((1 << doc_bits) - 1)
                        ).astype(np.uint32)
        key &= np.uint64((1 << place_bits) - 1)
        self.places = key.astype(np.uint32)

    def postings(self):
        """Per term: (text, ids, impacts, by_impact, scale, token span), in text order."""
        n = len(self.terms)
        if not n:
            return
        new_posting = np.ones(n, dtype=bool)
        new_posting[1:] = (self.terms[1:] != self.terms[:-1]) | (self.docnums[1:] != self.docnums[:-1])
        firsts = np.flatnonzero(new_posting)
        tf = np.diff(np.append(firsts, n)).astype(np.float64)
        term_of = self.terms[firsts]
        ids = self.docnums[firsts]
        new_term = np.ones(len(firsts), dtype=bool)
        new_term[1:] = term_of[1:] != term_of[:-1]
        term_starts = np.flatnonzero(new_term)
        df = np.diff(np.append(term_starts, len(firsts)))
        # Whoosh's idf, term by term in Python's own log (numpy's may round otherwise).
        factor = np.array([(math.log(self.docs / (d + 1)) + 1) * (BM25_K1 + 1) for d in df.tolist()])
        per_posting = np.repeat(np.arange(len(df)), df)
        scores = factor[per_posting] * tf / (tf + self.norms[ids].astype(np.float64))
        top = np.maximum.reduceat(scores, term_starts)
        scale = np.where(top > 0, top / 255, 1.0)
        impacts = (scores * (1 / scale)[per_posting] + 0.5).astype(np.int64)
        impacts[impacts == 0] = 1
        impacts = impacts.astype(np.uint8)
        order = np.lexsort((ids, 255 - impacts, per_posting))
        by_impact = ids[order]
        token_starts = firsts[term_starts]
        token_ends = np.append(token_starts[1:], n)
        ends = np.append(term_starts[1:], len(firsts))
        for row, (a, b) in enumerate(zip(term_starts.tolist(), ends.tolist())):
            yield (self.words[int(term_of[a])], ids[a:b], impacts[a:b], by_impact[a:b],
                   float(scale[row]), (int(token_starts[row]), int(token_ends[row])))

    def keys(self, span, place_bits: int, width: int) -> bytes:
        """A term's position keys (``docnum << place_bits | position``) as bytes."""
        a, b = span
        kind = np.uint32 if width == 4 else np.uint64
        return (self.docnums[a:b].astype(kind) << kind(place_bits)
                | self.places[a:b].astype(kind)).tobytes()


def _norms(lengths, docs: int) -> np.ndarray:
    """BM25's length normalization per document, from Whoosh's one-byte lengths."""
    quantized = _LENGTHS[np.minimum(np.searchsorted(_LENGTHS, lengths, "left"), 255)]
    average = (float(quantized.sum()) / docs if docs else 0) or 1.0
    return np.array([BM25_K1 * (1 - BM25_B + BM25_B * n / average) for n in quantized.tolist()],
                    dtype=np.float32)


def bits_bytes(ids) -> bytes:
    """The bitset of ``ids`` (ascending) as little-endian bytes, no trailing zeros."""
    if not len(ids):
        return b""
    flags = np.zeros(int(ids[-1]) + 1, dtype=np.uint8)
    flags[ids] = 1
    return np.packbits(flags, bitorder="little").tobytes()


def is_dense(df: int, total: int) -> bool:
    return df * DENSE_FRACTION >= total


# The most frequent words of a field (each in every document once or more on
# average, at most this many) keep the position keys of each pair of them that
# stands together: a phrase of such words ("of the", «в этом») is then matched
# from the pair's keys, a fraction of its words'.
PAIR_WORDS = 64


def common_pairs(field: FieldPostings, place_bits: int, width: int):
    """(the frequent words, {"a b": keys as bytes}) of a field, by ``PAIR_WORDS``."""
    n = len(field.terms)
    if not n:
        return [], {}
    starts = np.flatnonzero(np.concatenate(([True], field.terms[1:] != field.terms[:-1])))
    counts = np.diff(np.append(starts, n))
    frequent = [i for i in np.argsort(-counts, kind="stable")[:PAIR_WORDS].tolist()
                if counts[i] >= field.total]
    if not frequent:
        return [], {}
    words = [field.words[int(field.terms[starts[i]])] for i in frequent]
    spans = [(int(starts[i]), int(starts[i] + counts[i])) for i in frequent]
    keys = np.concatenate([field.docnums[a:b].astype(np.uint64) << np.uint64(place_bits)
                           | field.places[a:b].astype(np.uint64) for a, b in spans])
    which = np.concatenate([np.full(b - a, w, dtype=np.uint64) for w, (a, b) in enumerate(spans)])
    order = np.argsort(keys, kind="stable")  # sorted runs merged
    keys, which = keys[order], which[order]
    # Each key's neighbours: the words at the next position of the same document.
    low = np.searchsorted(keys, keys + np.uint64(1), "left")
    many = np.searchsorted(keys, keys + np.uint64(1), "right") - low
    firsts = np.repeat(np.arange(len(keys)), many)
    seconds = np.repeat(low, many) + (np.arange(len(firsts))
                                      - np.repeat(np.cumsum(many) - many, many))
    if not len(firsts):
        return words, {}
    code = which[firsts] * np.uint64(len(words)) + which[seconds]
    pair_keys = keys[firsts]
    order = np.lexsort((pair_keys, code))
    code, pair_keys = code[order], pair_keys[order]
    bounds = np.flatnonzero(np.concatenate(([True], code[1:] != code[:-1], [True])))
    kind = np.uint32 if width == 4 else np.uint64
    pairs = {}
    for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        first, second = divmod(int(code[a]), len(words))
        pairs[f"{words[first]} {words[second]}"] = pair_keys[a:b].astype(kind).tobytes()
    return words, pairs
