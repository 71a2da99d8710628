"""Several words ranked as one: a typed word's translations (Pirkola's operator).

A word with twelve dictionary translations must not outweigh a word with
one, nor a rare translation ("избирательный") count as if the source word
were rare. So the equivalents of one typed word are scored as a single BM25
term (Pirkola 1998; Darwish & Oard 2003): in each document its term
frequency is the sum of its members' occurrences, each weighted (a
dictionary's k-th sense by 1/k), one position counted once however many
members it reads as; its document frequency is that of the members' union.

The occurrences come from the members' position keys, the documents'
length normalization from the docsets' norms, BM25 as in
``docsets_terms.FieldPostings``. The result is quantized like a stored
term's postings, so the evaluator ranks it as any other word.
"""

from __future__ import annotations

import math
from array import array

import numpy as np
from .docsets import Docsets
from ..schema import BM25_K1
from .postings import TermPostings


class GroupPostings(TermPostings):
    """A synonym group's documents and quantized BM25 impacts, read as a
    ``TermPostings`` is (ids ascending, impacts, impact order, scale), built in memory."""

    __slots__ = ()

    def __init__(self, ids: np.ndarray, scores: np.ndarray):
        top = float(scores.max()) if len(scores) else 0.0
        self.scale = top / 255 if top > 0 else 1.0
        impacts = np.maximum((scores / self.scale + 0.5).astype(np.int64), 1).astype(np.uint8)
        self.ids = array("I", ids.astype(np.uint32).tobytes())
        self.impacts = impacts.tobytes()
        order = np.lexsort((ids, 255 - impacts))
        self.by_impact = array("I", ids[order].astype(np.uint32).tobytes())
        self.keys, self._bits = None, None


def group_postings(docsets: Docsets, fieldname: str, words, weights) -> GroupPostings | None:
    """The group's postings in ``fieldname``; ``None`` when no member is there."""
    normalization = docsets.norms(fieldname)
    parts = [(docsets.term(fieldname, w), weight) for w, weight in zip(words, weights)]
    parts = [(p, weight) for p, weight in parts if p is not None]
    if not parts or normalization is None:
        return None
    norms, docs = np.frombuffer(normalization[0], dtype=np.float32), normalization[1]
    if any(p.keys is None for p, _ in parts):
        # No positions: each member counts once per document.
        ids = np.concatenate([np.frombuffer(p.ids, dtype=np.uint32) for p, _ in parts])
        counted = np.concatenate([np.full(len(p.ids), weight) for p, weight in parts])
    else:
        keys = np.concatenate([np.frombuffer(p.keys, dtype=f"<u{p.keys.itemsize}")
                               for p, _ in parts])
        weight = np.concatenate([np.full(len(p.keys), w) for p, w in parts])
        # One position read as two members (выборы: выбор, выборы) counts once, at its best.
        order = np.lexsort((-weight, keys))
        keys, weight = keys[order], weight[order]
        first = np.concatenate(([True], keys[1:] != keys[:-1]))
        ids = (keys[first] >> keys.dtype.type(docsets.place_bits)).astype(np.uint32)
        counted = weight[first]
    order = np.argsort(ids, kind="stable")
    ids, counted = ids[order], counted[order]
    starts = np.flatnonzero(np.concatenate(([True], ids[1:] != ids[:-1])))
    tf = np.add.reduceat(counted, starts)
    ids = ids[starts]
    idf = math.log(docs / (len(ids) + 1)) + 1
    scores = idf * (BM25_K1 + 1) * tf / (tf + norms[ids])
    return GroupPostings(ids, np.maximum(scores, 0.0))
