"""A query's phrases, read from its parsed tree, for the concordance and marks.

A quoted phrase (``"на выборах мэра"``), a typed word the analyzer splits
("Nagorno-Karabakh") and a name added in the other language as several words
are ``Phrase`` or ``Sequence`` nodes of the parsed Whoosh query: per position,
the index terms any of which may stand there. Both engines keep that tree on
their plan, so it is read here once for both.

A phrase's words are found in a text together, as one match; they are not
looked for on their own unless the query also has them outside a phrase
(``"на выборах мэра" мэр``: every «мэр» outside the phrase too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from whoosh import query

from .schema import EXACT_FIELD, SEARCH_FIELDS


@dataclass(frozen=True)
class Phrase:
    """Words in sequence: each position's index terms (any of them may stand
    there), and ``slop``, how far apart two neighbours may be (1: adjacent;
    punctuation is no word, so it does not part them)."""

    positions: tuple[frozenset[str], ...]
    slop: int = 1


@dataclass(frozen=True)
class QueryMarks:
    """What to find of a query in a text: ``words``, index terms looked for one
    by one ("=form" for a form searched exactly), and ``phrases``."""

    words: frozenset[str]
    phrases: tuple[Phrase, ...] = ()


def query_marks(q, terms: frozenset[str]) -> QueryMarks:
    """The phrases of the parsed query ``q``, and of ``terms`` (the engine's
    ``match_terms``: the query's terms, patterns expanded) those it also
    searches outside a phrase."""
    if q is None:
        return QueryMarks(frozenset(terms))
    phrases: list[Phrase] = []
    loose: set[str] = set()
    patterns: list[re.Pattern] = []
    _visit(q, phrases, loose, patterns)
    in_phrases = {t for p in phrases for alternatives in p.positions for t in alternatives}
    only_in_phrases = {t for t in in_phrases - loose
                       if not any(p.fullmatch(t) for p in patterns)}
    return QueryMarks(frozenset(terms) - only_in_phrases, tuple(dict.fromkeys(phrases)))


def _visit(node, phrases: list, loose: set, patterns: list) -> None:
    """Sort a query tree's leaves into phrases, loose terms and patterns; what a
    query excludes (``NOT``, ``-word``) is no match and left out."""
    if isinstance(node, query.Not):
        return
    if isinstance(node, query.AndNot):
        _visit(node.a, phrases, loose, patterns)
        return
    if isinstance(node, query.Phrase):
        if node.fieldname in SEARCH_FIELDS and len(node.words) > 1:
            phrases.append(Phrase(tuple(frozenset([_text(w)]) for w in node.words), node.slop))
        return
    if isinstance(node, query.Sequence):
        positions = tuple(frozenset(_text(text) for field, text in part.iter_all_terms()
                                    if field in SEARCH_FIELDS) for part in node.subqueries)
        if len(positions) > 1 and all(positions):
            phrases.append(Phrase(positions, node.slop))
        return
    if isinstance(node, query.Prefix):
        patterns.append(re.compile(re.escape(_text(node.text)) + ".*"))
        return
    if isinstance(node, query.Wildcard):
        patterns.append(re.compile(".*".join(re.escape(p) for p in _text(node.text).split("*"))))
        return
    if isinstance(node, query.Term):
        if node.fieldname in SEARCH_FIELDS:
            loose.add(_text(node.text))
        elif node.fieldname == EXACT_FIELD:
            loose.add("=" + _text(node.text))
        return
    for child in node.children():
        _visit(child, phrases, loose, patterns)


def _text(text) -> str:
    return text.decode("utf-8") if isinstance(text, bytes) else text
