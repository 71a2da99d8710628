"""Whoosh query trees (kartoteka's parser) → Sphinx extended-syntax MATCH text.

The query is parsed by the same parser and analyzer as for the Whoosh engine
(``query.py``), so each word is already its index terms; this only spells the
tree in Sphinx's syntax: ``A B`` (and), ``A | B`` (or), ``A -B``, ``@field``
limits, ``"a (b|c)"`` phrases, ``pre*`` and ``a*b`` patterns. A word's tiers
(``Tiered``) all match, so they become one OR; the tiers' ranking is not
carried over (Sphinx ranks with its own BM25, see ``sphinx.RANKER``).
"""

from __future__ import annotations

from whoosh import query

from ..errors import QueryError
from .schema import EXACT_FIELD, SEARCH_FIELDS
from .sphinx_terms import encode_term

SPHINX_FIELDS = (*SEARCH_FIELDS, EXACT_FIELD)


def to_match(q) -> str:
    """The MATCH text of a parsed query; ``QueryError`` for what Sphinx cannot run."""
    text = _spell(q)
    if text.startswith("-"):
        raise QueryError("the query only excludes words: add a word to search for")
    return text


def _field(fieldname: str) -> str:
    if fieldname not in SPHINX_FIELDS:
        raise NotImplementedError(f"Sphinx engine: searching the field {fieldname!r}")
    return fieldname


def _spell(q) -> str:
    if isinstance(q, query.Term):
        return f"(@{_field(q.fieldname)} {encode_term(q.text)})"
    if isinstance(q, query.Phrase):
        words = " ".join(encode_term(w) for w in q.words)
        return f'(@{_field(q.fieldname)} "{words}")'
    if isinstance(q, query.Sequence):
        return _sequence(q)
    if isinstance(q, query.Prefix):
        return f"(@{_field(q.fieldname)} {encode_term(q.text)}*)"
    if isinstance(q, query.Wildcard):
        return f"(@{_field(q.fieldname)} {q.text})"
    if isinstance(q, query.AndNot):
        return f"({_spell(q.a)} -{_spell(q.b)})"
    if isinstance(q, query.Not):
        return f"-{_spell(q.query)}"
    if isinstance(q, query.And):
        parts = [_spell(s) for s in q.subqueries]
        positive = [p for p in parts if not p.startswith("-")]
        return "(" + " ".join(positive + [p for p in parts if p.startswith("-")]) + ")"
    if isinstance(q, (query.Or, query.DisjunctionMax)) or type(q).__name__ == "Tiered":
        return "(" + " | ".join(_spell(s) for s in q.subqueries) + ")"
    raise NotImplementedError(f"Sphinx engine: the query part {type(q).__name__} ({q})")


def _sequence(q: query.Sequence) -> str:
    """Words in order, each any of its forms: a phrase with OR groups.

    The document holds each word's readings one after another, so this is exact
    when a query word has the same readings as the text's word (the same form),
    and may miss a phrase typed in another form with other readings.
    """
    fields, words = set(), []
    for part in q.subqueries:
        terms = [part] if isinstance(part, query.Term) else list(part.subqueries)
        if not all(isinstance(t, query.Term) for t in terms):
            raise NotImplementedError(f"Sphinx engine: the phrase part {part}")
        fields.update(t.fieldname for t in terms)
        alternatives = [encode_term(t.text) for t in terms]
        words.append(alternatives[0] if len(alternatives) == 1
                     else "(" + "|".join(alternatives) + ")")
    if len(fields) != 1:
        raise NotImplementedError(f"Sphinx engine: a phrase over several fields ({q})")
    return f'(@{_field(fields.pop())} "{" ".join(words)}")'


def marked_terms(q) -> frozenset[str]:
    """The title/body/author terms (and ``=form`` exact forms) snippets mark."""
    marks = set()
    for fieldname, text in q.iter_all_terms():
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        if fieldname == EXACT_FIELD:
            marks.add("=" + text)
        elif fieldname in SEARCH_FIELDS:
            marks.add(text)
    return frozenset(marks)
