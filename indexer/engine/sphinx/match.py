"""Whoosh query trees (kartoteka's parser) → Sphinx extended-syntax MATCH text.

The query is parsed by the same parser and analyzer as for the Whoosh engine
(``query.py``), so each word is already its index terms; this only spells the
tree in Sphinx's syntax: ``A B`` (and), ``A | B`` (or), ``A -B``, ``@field``
limits, ``"a (b|c)"`` phrases, ``pre*`` and ``a*b`` patterns. A word's tiers
(``Tiered``) all match, so they become one OR.

Ranking is carried over through Sphinx's keyword boost (``word^2``, which
multiplies the keyword's IDF): a less probable reading's half weight, and
each earlier tier of a word ``TIER_STEP`` times the next, so a document
matching a word's own form or most probable reading ranks above one that
matches only its other readings or equivalents. The field weights are the
ranker's (``sphinx.ranker``): Sphinx keeps one boost per keyword text, so a
boost can only say what is the same in every field.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import re
from dataclasses import dataclass

from whoosh import query

from ...errors import QueryError
from ...text.analysis import CYRILLIC, russian_forms
from ...text.names import is_person_key
from ..schema import BM25_K1
from ..query import EXACT_WEIGHT, MORPH_FIELDS
from ..schema import EXACT_FIELD, FIELD_BOOSTS, SEARCH_FIELDS
from .config import neutral_idf
from .terms import encode_term, text_terms

SPHINX_FIELDS = (*SEARCH_FIELDS, EXACT_FIELD)
FIELD_BASE = {**FIELD_BOOSTS, EXACT_FIELD: EXACT_WEIGHT}  # what the ranker weighs each field by
TIER_STEP = 100.0  # an earlier tier of a word weighs this many times the next
# WEIGHT() is a 32-bit integer (the ranker's score times ``config.SCORE_SCALE``, 1000):
# the boosts are scaled so that no score can pass this, whatever the query.
SCORE_CEILING = 1e5
MAX_PHRASE_CHOICES = 64  # phrases one quoted phrase may become (a choice of forms each)
HEAVY_FIELDS = ("title", "author")  # the fields weighed most (2.5 and 2; the body 1)


def keywords(q) -> set[str]:
    """The keywords (encoded terms) a query ranks by."""
    return set(keyword_boosts(q))


def keyword_boosts(q, idf: dict[str, float] | None = None) -> dict[str, float]:
    """Each keyword's boost: its term's boost over its field's weight, times its
    tier's step and its ``idf`` (when given); the largest where a keyword occurs
    more than once."""
    boosts: dict[str, float] = {}

    def walk(node, tier: float) -> None:
        if isinstance(node, query.Term):
            base = FIELD_BASE.get(node.fieldname, 1.0)
            key = encode_term(node.text)
            weight = node.boost / base * tier * (idf.get(key, 1.0) if idf else 1.0)
            boosts[key] = max(boosts.get(key, 0.0), weight)
        elif type(node).__name__ == "Tiered":
            for i, child in enumerate(node.subqueries):
                walk(child, tier * TIER_STEP ** (len(node.subqueries) - 1 - i))
        elif isinstance(node, query.Not):
            return
        elif isinstance(node, query.AndNot):
            walk(node.a, tier)
        else:
            for child in getattr(node, "subqueries", ()):
                walk(child, tier)

    walk(q, 1.0)
    return _within_ceiling(boosts)


@dataclass(frozen=True)
class Shortcut:
    """The query narrowed to articles with a query keyword in a heavy field, and
    the score every other article stays below (the ranker's units)."""

    match: str
    bound: float


def heavy_field_shortcut(q, match: str, idf: dict[str, float] | None = None,
                         highest: dict[str, float] | None = None) -> Shortcut | None:
    """A cheaper way to the top of a ranking, when the query is plain keywords
    (``match``: its MATCH text, ``to_match(q, idf)``).

    An article with no query keyword in its title or authors scores less than
    ``bound``: each field's part of the ranker is below its weight times
    (k1 + 1) times the largest IDF × boost of the keywords it can hold. A
    keyword's IDF on a shard is at most ``highest[keyword]`` (the neutral IDF of
    its fewest articles on a shard; without ``highest``, of one article). So when
    the narrowed query's page ends above ``bound``, no other article could
    enter it, and Sphinx ranks a keyword named twice once, so the narrowed
    query's weights are the whole query's (both checked by the tests). The
    narrowed query ranks the articles with a title or author hit, a few in a
    hundred for a common word, instead of every match.
    """
    fields = _positive_keywords(q)
    heavy = [text for text, names in (fields or {}).items() if names & set(HEAVY_FIELDS)]
    if not heavy:
        return None
    boosts = keyword_boosts(q, idf)
    bound = 0.0
    for name in SPHINX_FIELDS:
        held = [boosts[key] * (neutral_idf(1) if highest is None else highest.get(key, 0.0))
                for key in (encode_term(t) for t, names in fields.items() if name in names)]
        if name not in HEAVY_FIELDS and held:
            bound += FIELD_BASE[name] * (BM25_K1 + 1) * max(held)
    clause = " | ".join(_keyword(text, boosts) for text in heavy)
    return Shortcut(f"({match}) (@({','.join(HEAVY_FIELDS)}) ({clause}))", bound)


def _positive_keywords(q) -> dict[str, set[str]] | None:
    """Each keyword the query ranks by → the fields it is searched in; None when a
    part to find is not a plain keyword (a phrase, a pattern)."""
    found: dict[str, set[str]] = {}

    def walk(node) -> bool:
        if isinstance(node, query.Term):
            found.setdefault(node.text, set()).add(node.fieldname)
            return True
        if isinstance(node, query.Not):
            return True
        if isinstance(node, query.AndNot):
            return walk(node.a)
        if isinstance(node, (query.And, query.Or, query.DisjunctionMax)) or _is_either(node):
            return all(walk(child) for child in node.subqueries)
        return False

    return found if walk(q) else None


def _within_ceiling(boosts: dict[str, float]) -> dict[str, float]:
    """The boosts scaled to bring the most a document could score to ``SCORE_CEILING``:
    every keyword in every field, its IDF at most ½ of its boost (the neutral IDF),
    its BM25 fraction under 1. Order is unchanged; only magnitudes."""
    most = sum(FIELD_BASE.values()) * (BM25_K1 + 1) * 0.5 * sum(boosts.values())
    return {k: v * SCORE_CEILING / most for k, v in boosts.items()} if most else boosts


def to_match(q, idf: dict[str, float] | None = None) -> str:
    """The MATCH text of a parsed query, each keyword boosted by its weight and
    ``idf``; ``QueryError`` for what Sphinx cannot run."""
    boosts = keyword_boosts(q, idf)
    text = _spell(q, boosts)
    if text.startswith("-"):
        raise QueryError("the query only excludes words: add a word to search for")
    return text


def _field(fieldname: str) -> str:
    if fieldname not in SPHINX_FIELDS:
        raise QueryError(f"the search cluster cannot search the field {fieldname!r}")
    return fieldname


def _keyword(text: str, boosts: dict[str, float]) -> str:
    key = encode_term(text)
    boost = boosts.get(key, 1.0)
    return key if abs(boost - 1.0) < 1e-9 else f"{key}^{boost:.6g}"


def _spell(q, boosts: dict[str, float]) -> str:
    limited = _limited(q, boosts)
    if limited is not None:
        return _alternatives(limited, grouped=len(limited) > 1)
    if isinstance(q, query.AndNot):
        return f"({_spell(q.a, boosts)} -{_spell(q.b, boosts)})"
    if isinstance(q, query.Not):
        return f"-{_spell(q.query, boosts)}"
    if isinstance(q, query.And):
        parts = [_spell(s, boosts) for s in q.subqueries]
        positive = [p for p in parts if not p.startswith("-")]
        return "(" + " ".join(positive + [p for p in parts if p.startswith("-")]) + ")"
    if _is_either(q):
        return _either(q, boosts)
    raise QueryError(f"the search cluster cannot run this part of the query: {q}")


def _is_either(q) -> bool:
    return isinstance(q, (query.Or, query.DisjunctionMax)) or type(q).__name__ == "Tiered"


def _either(q, boosts: dict[str, float]) -> str:
    """An OR, nested ORs and tiers flattened, and what is searched in several fields
    spelled once with all of them: ``(@(title,body) word)``. Sphinx reads a
    keyword's postings once per mention, so this halves the work of a word searched
    in title and body (measured: a two-word Russian query at 200,000 articles from
    59 to 46 ms), and matches and ranks the same (the ranker's factors are per
    field, the boost per keyword)."""
    found: list[tuple[str | None, str]] = []
    pending = list(q.subqueries)
    while pending:
        child = pending.pop(0)
        if _is_either(child):
            pending[:0] = child.subqueries
        else:
            found += _limited(child, boosts) or [(None, _spell(child, boosts))]
    return _alternatives(found, grouped=True)


def _limited(q, boosts: dict[str, float]) -> list[tuple[str, str]] | None:
    """A keyword, phrase or pattern as (field, what) pairs, any of them; None for a
    query part of another kind."""
    if isinstance(q, query.Term):
        return [(_field(q.fieldname), _keyword(q.text, boosts))]
    if isinstance(q, query.Phrase):
        return _phrase(q.fieldname, [(w,) for w in q.words])
    if isinstance(q, query.Sequence):
        return _sequence(q)
    if isinstance(q, query.Prefix):
        return [(_field(q.fieldname), f"{encode_term(q.text)}*")]
    if isinstance(q, query.Wildcard):
        return [(_field(q.fieldname), q.text)]
    return None


def _alternatives(found: list[tuple[str | None, str]], grouped: bool) -> str:
    """(field, what) pairs ORed, each ``what`` once with all its fields (a field of
    None: MATCH text as it is)."""
    fields: dict[str, list[str]] = {}
    for name, what in found:
        names = fields.setdefault(what, [])
        if name is not None and name not in names:
            names.append(name)
    parts = [what if not names else
             f"(@{names[0] if len(names) == 1 else '(' + ','.join(names) + ')'} {what})"
             for what, names in fields.items()]
    return "(" + " | ".join(parts) + ")" if grouped else parts[0]


def _sequence(q: query.Sequence) -> list[tuple[str, str]]:
    """Words in order, each in any of its forms: one phrase per way the text may
    hold them, ORed.

    Sphinx keeps no two terms at one position, so a text word's readings lie one
    after another (``terms.text_terms``: «говорят» is ``говорить
    говорят``), and Sphinx 2.2 has no OR inside a phrase. So each word becomes
    the term sequences (``_layouts``) of the forms that hold one of its
    readings, and the phrase one phrase per choice of them; past
    ``MAX_PHRASE_CHOICES``, one per choice of readings (which may miss a text
    word with several readings), and past that too, a ``QueryError``.
    """
    fields, words = set(), []
    for part in q.subqueries:
        terms = [part] if isinstance(part, query.Term) else list(part.subqueries)
        if not all(isinstance(t, query.Term) for t in terms):
            raise QueryError(f"the search cluster cannot search this inside a phrase: {part}")
        fields.update(t.fieldname for t in terms)
        words.append(tuple(dict.fromkeys(t.text for t in terms)))
    if len(fields) != 1:
        raise QueryError(f"the search cluster cannot search a phrase over several fields ({q})")
    return _phrase(fields.pop(), words)


def _phrase(fieldname: str, words: list[tuple[str, ...]]) -> list[tuple[str, str]]:
    """The phrases of ``words`` (each its readings) in a field (``_sequence``)."""
    limit = _field(fieldname)
    if all(any(is_person_key(r) for r in w) for w in words):
        # An author's words are followed by their person keys (``author_terms``):
        # the keys alone make the phrase every spelling of the name holds.
        words = [tuple(r for r in w if is_person_key(r)) for w in words]
    choices = [_layouts(w) if limit in MORPH_FIELDS else [(encode_term(r),) for r in w]
               for w in words]
    if math.prod(len(c) for c in choices) > MAX_PHRASE_CHOICES:
        choices = [[(encode_term(reading),) for reading in w] for w in words]
    if math.prod(len(c) for c in choices) > MAX_PHRASE_CHOICES:
        raise QueryError("the phrase has too many readings for the search cluster: quote "
                         "fewer words, or write the ambiguous ones as =form")
    return [(limit, '"' + " ".join(t for terms in choice for t in terms) + '"')
            for choice in itertools.product(*choices)]


@functools.lru_cache(maxsize=20_000)
def _layouts(readings: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The term sequences a text word with one of ``readings`` may have in the
    index: the terms of every Russian form that holds one, and a reading alone
    where no form of it is known (an English stem, a word pymorphy3 guessed).

    A reading is not also tried alone when its forms are known: a text word
    read several ways is several terms in a row, so «выборы» (``выборы выбор``)
    would otherwise match the phrase "выборы выборы" by itself, the first
    reading for one word and the second for the next."""
    found: dict[tuple[str, ...], None] = {}
    for reading in readings:
        key = encode_term(reading)
        forms = [tuple(text_terms(form).split()) for form in
                 (russian_forms(reading) if CYRILLIC.search(reading) else ())]
        held = [terms for terms in forms if key in terms]
        found.update(dict.fromkeys(held or [(key,)]))
    return list(found)


def expanded(pattern, terms: list[str]) -> list[str]:
    """The terms of a sorted vocabulary a prefix or ``*`` wildcard matches (the
    words the article view marks for it)."""
    if isinstance(pattern, query.Prefix):
        start = bisect.bisect_left(terms, pattern.text)
        found = []
        for term in itertools.islice(terms, start, None):
            if not term.startswith(pattern.text):
                break
            found.append(term)
        return found
    shape = re.compile(".*".join(map(re.escape, pattern.text.split("*"))))
    return [term for term in terms if shape.fullmatch(term)]


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
