"""Turn a researcher's query string into a Whoosh query.

Syntax: words are ANDed; ``OR``, ``NOT``, ``-word``, ``"a phrase"``,
``=word`` (that form exactly), ``title:word``, ``author:name`` (also
``заголовок:``, ``автор:``), ``word*``, and parentheses. A bare word is
searched in the title, the authors and the body (weighted in that order).
Every word goes through its field's analyzer, the same one used at index
time; a word that splits into several ("Nagorno-Karabakh") must match them
in sequence.

An ambiguous word ("выборы": выборы or выбор) becomes a ``Tiered`` query:
first its own form and its most probable reading, then its other readings.
Every tier matches (the recall rule), but a document matching an earlier
tier ranks above any that matches only later ones (``evaluate.py``).
Cross-language expansions are added later as one more tier (``expand.py``).
"""

from __future__ import annotations

import copy

from whoosh import query
from whoosh.fields import TEXT
from whoosh.qparser import (
    AndGroup,
    FieldAliasPlugin,
    PhrasePlugin,
    PlusMinusPlugin,
    QueryParser,
    WildcardPlugin,
)
from whoosh.qparser.plugins import PhrasePlugin as _BasePhrasePlugin
from whoosh.query.compound import CompoundQuery

from ..errors import QueryError
from ..text.analysis import STOP_WORDS, fold_yo, normal_forms
from ..text.names import is_person_key
from .schema import EXACT_FIELD, FIELD_BOOSTS, SEARCH_FIELDS

MIN_WILDCARD_PREFIX = 2
MAX_QUERY_CHARS = 1000
MAX_NESTING = 10  # levels of parentheses
EXACT_WEIGHT = 0.25  # the word's own form, on top of its reading's weight
OTHER_READING_WEIGHT = 0.5  # a less probable reading, inside its tier
# A very common word ("the", «и»): still matched, but ranked at this share of
# its weight, as BM25's idf (Whoosh's, ≥ 1) leaves it too much beside rare words.
STOP_WORD_WEIGHT = 0.2
MORPH_FIELDS = ("title", "body")  # fields indexed under normal forms
# What a word's tiers hold: the word as typed or its likely reading; its other
# readings; the other language's equivalents. ``MATCHES`` are the ways to count.
TIER_KINDS = ("typed", "readings", "translations")
MATCHES = ("all", *TIER_KINDS)


class Tiered(CompoundQuery):
    """One query word's alternatives in ranking tiers, best first.

    It matches what any tier matches; a document matching an earlier tier
    ranks above every document that matches only later ones. ``word`` is the
    word as typed; ``readings`` its normal forms, most probable first.
    """

    JOINT = " OR "
    intersect_merge = False

    def __init__(self, tiers, word: str = "", readings=(), boost: float = 1.0, kinds=()):
        super().__init__(tiers, boost=boost)
        self.word, self.readings = word, tuple(readings)
        # What each tier holds, one of TIER_KINDS: what a count can say it counted.
        self.kinds = list(kinds) or ["typed"] * len(tiers)

    def add_tier(self, tier, kind: str) -> None:
        """Append a later tier holding ``kind`` (``expand.py``: translations)."""
        self.subqueries.append(tier)
        self.kinds.append(kind)

    def normalize(self):
        # Not merged into a parent Or (it is no Or), and its tiers stay apart.
        self.subqueries = [q.normalize() for q in self.subqueries]
        return self

    def matcher(self, searcher, context=None):
        return query.Or(self.subqueries, boost=self.boost).matcher(searcher, context)


class StarOnlyWildcardPlugin(WildcardPlugin):
    """Only ``*`` is a wildcard: a pasted "Кыргызстан?" stays a word."""

    qmarks = ""
    expr = "(?P<text>[*])"


class MorphPhrasePlugin(PhrasePlugin):
    """Quoted phrases analyzed like single words: alternatives per position."""

    class PhraseNode(_BasePhrasePlugin.PhraseNode):
        def query(self, parser):
            fieldname = self.fieldname or parser.fieldname
            return parser.phrase_query(fieldname, self.text, self.slop, self.boost)

    class PhraseTagger(_BasePhrasePlugin.PhraseTagger):
        def create(self, parser, match):
            slop = int(match.group("slop")) if match.group("slop") else 1
            return MorphPhrasePlugin.PhraseNode(match.group("text"), match.start("text"), slop)

    def taggers(self, parser):
        return [(self.PhraseTagger(self.expr), 0)]


class KartotekaParser(QueryParser):
    """The query parser over title and body, with morphology-aware terms."""

    def __init__(self, schema):
        # No default field: a bare word reaches term_query with fieldname None
        # and is searched in every SEARCH_FIELDS field there.
        super().__init__(None, schema, group=AndGroup)
        self.remove_plugin_class(WildcardPlugin)
        self.remove_plugin_class(PhrasePlugin)
        self.add_plugin(StarOnlyWildcardPlugin())
        self.add_plugin(MorphPhrasePlugin())
        # "-word" excludes only at the start of a word: "Nagorno-Karabakh" is a
        # name. "+" is not an operator: words are required anyway.
        self.add_plugin(PlusMinusPlugin(r"(?!)", r"(?<![^\s(])-"))
        self.add_plugin(FieldAliasPlugin({"title": ["заголовок"],
                                          "author": ["автор", "authors", "by"]}))

    def _text_field(self, fieldname: str) -> str:
        """``fieldname`` when its words can be searched; else ``QueryError`` saying
        what can (a region, a year, a language are filters, not words)."""
        if isinstance(self.schema[fieldname] if fieldname in self.schema else None, TEXT):
            return fieldname
        raise QueryError(f"'{fieldname}:' cannot be searched in the query: search title:, "
                         "author: or body:, and narrow by region, author, language, year or "
                         "topic with the filters")

    def _positions(self, fieldname: str, text: str, person_keys: bool = True) -> list[list[str]]:
        """Each position's terms; without ``person_keys`` an author word is only
        itself: a bare word meets another script's byline in the cross tier."""
        analyzer = self.schema[fieldname].analyzer
        positions: dict[int, list[str]] = {}
        for t in analyzer(text, mode="query", positions=True):
            if not person_keys and is_person_key(t.text):
                continue
            alternatives = positions.setdefault(t.pos, [])
            if t.text not in alternatives:
                alternatives.append(t.text)
        return [positions[p] for p in sorted(positions)]

    def _sequence(self, fieldname, positions, slop, boost):
        parts = [query.Term(fieldname, alts[0]) if len(alts) == 1
                 else query.Or([query.Term(fieldname, a) for a in alts])
                 for alts in positions]
        if len(parts) == 1:
            parts[0].boost = boost
            return parts[0]
        if all(len(alts) == 1 for alts in positions):
            return query.Phrase(fieldname, [a[0] for a in positions], slop=slop, boost=boost)
        return query.Sequence(parts, slop=slop, boost=boost)

    def term_query(self, fieldname, text, termclass, boost=1.0, tokenize=True,
                   removestops=True):
        fields = SEARCH_FIELDS if fieldname is None else (self._text_field(fieldname),)
        if not tokenize:
            return _any([self._pattern_query(f, text, termclass, boost * FIELD_BOOSTS.get(f, 1))
                         for f in fields])
        if text.startswith("=") and len(text) > 1:
            return self._exact_query(text[1:], boost)
        return self._word_query(fields, text, boost)

    def _word_query(self, fields, text: str, boost: float):
        """One typed word in ``fields``: a ``Tiered`` query when it is one word."""
        if text.casefold() in STOP_WORDS:
            boost *= STOP_WORD_WEIGHT
        analyzed = {f: self._positions(f, text, person_keys=len(fields) == 1) for f in fields}
        morph = next((analyzed[f] for f in fields if f in MORPH_FIELDS), None)
        if morph is not None and len(morph) == 1:
            readings = morph[0]
            best, other = [], []
            for f in fields:
                weight = boost * FIELD_BOOSTS.get(f, 1)
                if f in MORPH_FIELDS:
                    best.append(query.Term(f, readings[0], boost=weight))
                    other += [query.Term(f, r, boost=weight * OTHER_READING_WEIGHT)
                              for r in readings[1:]]
                elif len(analyzed[f]) == 1:
                    best += [query.Term(f, a, boost=weight) for a in analyzed[f][0]]
            surface = self._positions(EXACT_FIELD, text)
            # The form as written ranks first; the exact field holds the title and the
            # body together, so only a word searched in both may match there.
            if len(surface) == 1 and set(MORPH_FIELDS) <= set(fields):
                best.append(query.Term(EXACT_FIELD, surface[0][0], boost=boost * EXACT_WEIGHT))
            tiers = [query.Or(best)] + ([query.Or(other)] if other else [])
            return Tiered(tiers, word=text, readings=readings,
                          kinds=["typed", "readings"][:len(tiers)])
        parts = [self._sequence(f, analyzed[f], 1, boost * FIELD_BOOSTS.get(f, 1))
                 for f in fields if analyzed[f]]
        return _any(parts)

    def _exact_query(self, text: str, boost: float):
        """``=word``: the form as written (case and ё aside), no other forms."""
        words = [alternatives[0] for alternatives in self._positions(EXACT_FIELD, text)]
        if not words:
            return None
        terms = [query.Term(EXACT_FIELD, w, boost=boost) for w in words]
        return terms[0] if len(terms) == 1 else query.And(terms)

    def phrase_query(self, fieldname, text, slop, boost):
        """A quoted phrase: its words in order, each in any of its forms."""
        fields = SEARCH_FIELDS if fieldname is None else (self._text_field(fieldname),)
        parts = []
        for f in fields:
            positions = self._positions(f, text, person_keys=fieldname is not None)
            if positions:
                parts.append(self._sequence(f, positions, slop, boost * FIELD_BOOSTS.get(f, 1)))
        return _any(parts)

    def _pattern_query(self, fieldname, text, termclass, boost):
        pattern = fold_yo(text.lower())
        literal = pattern.split("*", 1)[0]
        if len(literal) < MIN_WILDCARD_PREFIX:
            raise QueryError(
                f"{text + '*' if termclass is query.Prefix else text!r}: "
                f"put at least {MIN_WILDCARD_PREFIX} letters before '*'")
        if termclass is not query.Prefix:
            return query.Wildcard(fieldname, pattern, boost=boost)
        # Index terms are normal forms: also try the normal form of the prefix,
        # so "elections*" and "Кыргызстане*" find what a reader expects.
        prefixes = [literal]
        if self.schema[fieldname].analyzer.has_morph():
            prefixes += [f for f in normal_forms(literal) if f not in prefixes]
        options = [query.Prefix(fieldname, p, boost=boost) for p in prefixes]
        return options[0] if len(options) == 1 else query.Or(options)


def _any(parts):
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else query.Or(parts)


def _check_balance(text: str) -> None:
    if text.count('"') % 2:
        raise QueryError('a quotation mark is not closed: phrases go in "double quotes"')
    depth = 0
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            raise QueryError("a ')' has no matching '('")
        if depth > MAX_NESTING:
            raise QueryError(f"parentheses nested more than {MAX_NESTING} deep")
    if depth:
        raise QueryError("a '(' is not closed with ')'")


def parse_query(schema, text: str, parser: KartotekaParser | None = None):
    """The Whoosh query for ``text``; ``None`` when the text is empty.

    Pass a ``parser`` made once for the schema to save building one per call.
    Raises ``QueryError`` with a one-line explanation for text that cannot
    be read.
    """
    text = (text or "").strip()
    if not text:
        return None
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is longer than {MAX_QUERY_CHARS} characters")
    _check_balance(text)
    try:
        q = (parser or KartotekaParser(schema)).parse(text)
    except QueryError:
        raise
    except Exception as error:  # Whoosh's parser has no error type of its own
        hint = ("inside parentheses, exclude words with NOT instead of '-'"
                if "Minus" in repr(error) or "Plus" in repr(error) else repr(error))
        raise QueryError(f"cannot read the query: {hint}") from None
    if q is query.NullQuery or not list(q.iter_all_terms()) and not _has_patterns(q):
        raise QueryError("the query has no words to search for (only operators)")
    return q


def _has_patterns(q) -> bool:
    return isinstance(q, query.PatternQuery) or any(
        _has_patterns(child) for child in q.children())


def readings_of(q) -> dict[str, list[str]]:
    """Each ambiguous typed word and the normal forms it was searched as."""
    found = {}
    for node in _walk(q):
        if isinstance(node, Tiered) and len(node.readings) > 1:
            found[node.word] = list(node.readings)
    return found


def _walk(q):
    yield q
    for child in getattr(q, "subqueries", ()):
        yield from _walk(child)
    for name in ("a", "b", "query"):
        child = getattr(q, name, None)
        if isinstance(child, query.Query):
            yield from _walk(child)


def for_match(q, match: str):
    """``q`` counted one way (``MATCHES``): ``all`` as it is; ``typed`` with each
    word's first tier alone (its form as typed and likely reading); ``readings``
    and ``translations`` only what the previous kinds did not already match.

    Only words to find are narrowed: a word after NOT keeps every tier, so the
    sets nest (typed ⊆ typed + readings ⊆ all) and the three parts add up to
    the whole. Phrases, patterns and ``=form`` are counted as typed.
    """
    if q is None or match == "all":
        return q
    if match not in MATCHES:
        raise QueryError(f"unknown match {match!r}: use one of {', '.join(MATCHES)}")
    upto = TIER_KINDS.index(match)
    within = _keep_tiers(q, TIER_KINDS[:upto + 1])
    if match == "typed":
        return within
    return query.AndNot(within, _keep_tiers(q, TIER_KINDS[:upto]))


def tier_kinds(q) -> frozenset[str]:
    """The tier kinds the words to find hold: which parts a count can have."""
    if isinstance(q, Tiered):
        return frozenset(q.kinds)
    if isinstance(q, query.Not):
        return frozenset()
    if isinstance(q, query.AndNot):
        return tier_kinds(q.a)
    found = frozenset()
    for child in getattr(q, "subqueries", ()):
        found |= tier_kinds(child)
    return found


def _keep_tiers(q, kinds):
    """A copy of ``q`` whose positive words keep only the tiers of ``kinds``: its
    nodes down to each word are copied, the words' terms shared (never changed)."""
    return _narrowed(q, set(kinds))


def _narrowed(q, kinds: set[str]):
    if isinstance(q, Tiered):
        narrowed = copy.copy(q)
        kept = [(t, k) for t, k in zip(q.subqueries, q.kinds) if k in kinds]
        narrowed.subqueries, narrowed.kinds = [t for t, _ in kept], [k for _, k in kept]
        return narrowed
    if isinstance(q, query.Not):
        return q
    if isinstance(q, query.AndNot):
        narrowed = copy.copy(q)
        narrowed.a = _narrowed(q.a, kinds)
        return narrowed
    if getattr(q, "subqueries", None):
        narrowed = copy.copy(q)
        narrowed.subqueries = [_narrowed(child, kinds) for child in q.subqueries]
        return narrowed
    return q


class Synonyms(query.Or):
    """Words of one field that rank as one term; ``weights`` per word, in order.

    It matches as an ``Or`` of its words (what any engine can count alike);
    the docsets' evaluator ranks it as one term (``group_postings``).
    """

    def __init__(self, fieldname: str, words, weights, boost: float = 1.0):
        super().__init__([query.Term(fieldname, w) for w in words], boost=boost)
        self.fieldname, self.weights = fieldname, list(weights)

    @property
    def words(self) -> list[str]:
        return [t.text for t in self.subqueries]

    def key(self) -> str:
        """The group's text as a ranked entry: its words with their weights."""
        return "|".join(f"{w}:{weight:.4g}" for w, weight in zip(self.words, self.weights))

    def normalize(self):
        return self  # neither merged into a parent Or nor its words into one another

    def __copy__(self):
        return Synonyms(self.fieldname, self.words, self.weights, self.boost)

    def copy(self):
        return self.__copy__()
