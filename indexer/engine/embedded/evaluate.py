"""Evaluate a parsed query over docsets: its matching bitset and its top hits.

Query shapes the parser makes (terms, AND/OR/NOT, prefixes, phrases) are
answered with bitset algebra, phrases from their words' position keys,
vectorized (``postings.phrase_docs``). The text fields are the docsets' alone;
other fields (an id, a facet key) are read from Whoosh.

A ``Tiered`` word ranks its tiers strictly: each tier but the last adds a
constant to the documents matching it or an earlier tier, as large as the
most that all later tiers could add (their terms' top impacts), so no
document matching only a later tier can overtake one matching an earlier.
"""

from __future__ import annotations

import heapq
import itertools
import re
from dataclasses import dataclass, field

import numpy as np
from whoosh import query

from ...errors import QueryError
from .docsets import POSITION_FIELDS, TEXT_FIELDS, Docsets
from .postings import TermPostings, bits_from_ids, ids_of, phrase_docs
from ..query import Synonyms, Tiered, readings_of
from ..schema import EXACT_FIELD
from .settings import EngineSettings
from .synonyms import group_postings


@dataclass
class Plan:
    """A parsed query compiled once per request: what it matches, what ranks
    it, and which index terms its snippets mark."""

    query: object
    match: int  # the bitset of matching documents
    ranked: list  # (field, text, postings, boost) of the words that score
    constants: list  # (bitset, weight) of the prefixes and wildcards
    marks: frozenset[str]  # the title/body terms snippets mark ("=form" for exact forms)
    expansions: list = field(default_factory=list)  # what was added to the words typed
    readings: dict = field(default_factory=dict)  # an ambiguous word → its normal forms
    kinds: frozenset = frozenset()  # the tier kinds its words to find hold (query.tier_kinds)


class Evaluator:
    """Matches and ranks queries for one searcher and its docsets."""

    def __init__(self, docsets: Docsets, searcher, settings: EngineSettings = EngineSettings()):
        self.settings = settings
        self.docsets = docsets
        self.searcher = searcher
        self.reader = searcher.reader()
        self._memo: dict | None = None  # a plan's expansions and pattern matches
        self._groups: dict = {}  # synonym groups' postings, recently ranked

    def plan(self, q) -> Plan:
        """Walk ``q`` for matching, ranking and marking, each prefix expanded once."""
        self._memo = {}
        try:
            match = self.matches(q)
            ranked, constants = self.rankers(q)
            constants += self.tier_constants(q)
            marks = frozenset(("=" + text) if fieldname == EXACT_FIELD else text
                              for fieldname, text, _, _ in self.scoring_terms(q))
        finally:
            self._memo = None
        return Plan(q, match, ranked, constants, marks, readings=readings_of(q))

    def _remembered(self, key, compute):
        if self._memo is None:
            return compute()
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    # Matching -------------------------------------------------------------

    def matches(self, q) -> int:
        """The bitset of documents matching ``q``."""
        docsets = self.docsets
        if isinstance(q, query.Term):
            return self._term_bits(q.fieldname, q.text)
        if isinstance(q, (query.Or, query.DisjunctionMax, Tiered)):
            bits = 0
            for child in q.subqueries:
                bits |= self.matches(child)
            return bits
        if isinstance(q, query.And):
            bits = docsets.all
            for child in q.subqueries:
                bits &= self.matches(child)
                if not bits:
                    break
            return bits
        if isinstance(q, query.AndNot):
            return self.matches(q.a) & ~self.matches(q.b)
        if isinstance(q, query.AndMaybe):
            return self.matches(q.a)
        if isinstance(q, query.Not):
            return docsets.all & ~self.matches(q.query)
        if isinstance(q, query.Every):
            return docsets.all
        if q is query.NullQuery or isinstance(q, type(query.NullQuery)):
            return 0
        if isinstance(q, query.PatternQuery):
            return self._remembered(("bits", q.fieldname, q.text), lambda: self._pattern_bits(q))
        if isinstance(q, (query.Phrase, query.Sequence)):
            return self._positional(q)
        if isinstance(q, query.TermRange) and q.fieldname in TEXT_FIELDS:
            return self._range_bits(q)
        return bits_from_ids(list(self.searcher.docs_for_query(q)))

    def _range_bits(self, q) -> int:
        """``title:[a TO c]``: the documents of the field's terms in the range."""
        bits = 0
        for text in self.docsets.prefixed(q.fieldname, ""):
            if q.start is not None and (text < q.start or q.startexcl and text == q.start):
                continue
            if q.end is not None and (text > q.end or q.endexcl and text == q.end):
                break
            bits |= self._term_bits(q.fieldname, text)
        return bits

    def _term_bits(self, fieldname: str, text) -> int:
        text = text.decode("utf-8") if isinstance(text, bytes) else text
        if fieldname in TEXT_FIELDS:
            return self.docsets.term_bits(fieldname, text)
        field = self.searcher.schema[fieldname] if fieldname in self.searcher.schema else None
        if field is None:
            return 0
        btext = field.to_bytes(text)
        if (fieldname, btext) not in self.reader:
            return 0
        return bits_from_ids(list(self.reader.postings(fieldname, btext).all_ids()))

    def _pattern_bits(self, q) -> int:
        bits = 0
        for text in self._expansions(q):
            bits |= self._term_bits(q.fieldname, text)
        return bits

    def _expansions(self, q) -> list[str]:
        return self._remembered(("words", q.fieldname, q.text), lambda: self._expand(q))

    def _expand(self, q) -> list[str]:
        texts = []
        for btext in self._pattern_words(q):
            texts.append(btext.decode("utf-8") if isinstance(btext, bytes) else btext)
            if len(texts) > self.settings.max_expansion:
                raise QueryError(f"{q.text}*: matches more than {self.settings.max_expansion} "
                                 "words; add letters before '*'")
        return texts

    def pattern_words(self, q) -> list[str]:
        """The index terms a prefix or wildcard stands for (``match_terms``)."""
        return self._expansions(q)

    def _pattern_words(self, q):
        """The index terms a prefix or wildcard stands for: a text field's from
        the docsets' sorted terms, another field's from Whoosh."""
        if q.fieldname not in TEXT_FIELDS:
            yield from q._btexts(self.reader)
            return
        if isinstance(q, query.Prefix):
            yield from self.docsets.prefixed(q.fieldname, q.text)
            return
        pattern = re.compile(q._get_pattern())
        for text in self.docsets.prefixed(q.fieldname, q._find_prefix(q.text)):
            if pattern.match(text):
                yield text

    def _positional(self, q) -> int:
        """Phrases: documents with all words, then checked for their positions."""
        if isinstance(q, query.Phrase):
            candidates = self.docsets.all
            for word in q.words:
                candidates &= self._term_bits(q.fieldname, word)
        else:
            candidates = self.docsets.all
            for child in q.subqueries:
                candidates &= self.matches(child)
        if not candidates:
            return 0
        forms = self._phrase_forms(q)
        slots = self._phrase_slots(q, forms)
        if slots is None:
            return 0
        if q.slop <= 1:
            slots = self.docsets.with_pairs(forms, slots)
        if any(not keyed for _, keyed in slots):
            return 0
        return phrase_docs(slots, self.docsets.total, self.docsets.place_bits,
                           max(q.slop, 1), self.docsets.room, len(forms)) & candidates

    def _phrase_forms(self, q):
        """Per phrase word, the (field, term) of its forms; ``None`` for a shape
        other than words in a row."""
        if isinstance(q, query.Phrase):
            return [[(q.fieldname, w)] for w in q.words]
        forms = []
        for child in q.subqueries:
            terms = [child] if isinstance(child, query.Term) else getattr(child, "subqueries", [])
            if not terms or not all(isinstance(t, query.Term) for t in terms):
                return None
            forms.append([(t.fieldname, t.text.decode("utf-8") if isinstance(t.text, bytes)
                           else t.text) for t in terms])
        return forms

    def _phrase_slots(self, q, forms=None):
        """Per phrase word, (its place, the position keys of its forms); ``None``
        for a field without positions, or a word no document holds."""
        forms = self._phrase_forms(q) if forms is None else forms
        if forms is None:
            return None
        slots = []
        for place, alternatives in enumerate(forms):
            keyed = []
            for fieldname, text in alternatives:
                if fieldname not in POSITION_FIELDS:
                    return None
                postings = self.docsets.term(fieldname, text)
                if postings is not None:
                    keyed.append(postings.keys)
            if not keyed:
                return None
            slots.append((place, keyed))
        return slots

    # Ranking --------------------------------------------------------------

    def scoring_terms(self, q) -> list[tuple[str, str, TermPostings, float]]:
        """(field, text, postings, boost) of every title/body word to mark in snippets.

        Prefixes and wildcards stand for their first expansions here.
        """
        found: dict[tuple[str, str], list] = {}
        self._collect(q, 1.0, found, None, groups=False)
        return [(f, t, p, b) for (f, t), (p, b) in found.items() if p is not None]

    def rankers(self, q) -> tuple[list[tuple[str, str, TermPostings, float]], list[tuple[int, float]]]:
        """What scores a document for ``q``: ranked words and constant parts.

        Words add their BM25 impact times their boost; a prefix or wildcard adds
        a constant (its boost) to every document it matches, as in Lucene and
        Whoosh, instead of scoring each of its expansions. Of more than
        ``settings.max_ranked`` words, those that can add the most rank.
        """
        found: dict[tuple[str, str], list] = {}
        constants: list[tuple[int, float]] = []
        self._collect(q, 1.0, found, constants)
        ranked = [(f, t, p, b) for (f, t), (p, b) in found.items() if p is not None]
        if len(ranked) > self.settings.max_ranked:
            # A long list of words ranks by its most distinctive ones (highest
            # possible contribution), so that no query costs seconds.
            ranked.sort(key=lambda r: -r[2].scale * 255 * r[3])
            ranked = ranked[:self.settings.max_ranked]
        return ranked, constants

    def _collect(self, q, boost, found, constants, groups: bool = True) -> None:
        if isinstance(q, Synonyms) and groups:
            key = (q.fieldname, "\u21c4" + q.key())  # ⇄: no index term starts so
            if key not in self._groups:
                if len(self._groups) >= self.settings.term_cache:
                    self._groups.clear()
                self._groups[key] = group_postings(self.docsets, q.fieldname, q.words, q.weights)
            entry = found.setdefault(key, [self._groups[key], 0.0])
            entry[1] += boost * q.boost
        elif isinstance(q, query.Term):
            if q.fieldname in TEXT_FIELDS:
                text = q.text.decode("utf-8") if isinstance(q.text, bytes) else q.text
                key = (q.fieldname, text)
                postings = self.docsets.term(*key)
                if key in found:
                    found[key][1] += boost * q.boost
                else:
                    found[key] = [postings, boost * q.boost]
        elif isinstance(q, query.Phrase):
            for word in q.words:
                self._collect(query.Term(q.fieldname, word, boost=q.boost), boost, found, constants)
        elif isinstance(q, query.PatternQuery):
            if constants is not None:
                constants.append((self.matches(q), boost * q.boost))
            else:
                for text in self._expansions(q)[:64]:
                    self._collect(query.Term(q.fieldname, text), boost * q.boost, found, None,
                                  groups)
        elif isinstance(q, query.AndNot):
            self._collect(q.a, boost, found, constants, groups)
        elif isinstance(q, query.Not):
            return
        elif hasattr(q, "subqueries"):
            for child in q.subqueries:
                self._collect(child, boost * q.boost, found, constants, groups)
        elif isinstance(q, query.AndMaybe):
            self._collect(q.a, boost, found, constants, groups)
            self._collect(q.b, boost, found, constants, groups)

    def tier_constants(self, q, boost: float = 1.0) -> list[tuple[int, float]]:
        """(bitset, weight) for each ``Tiered`` word's tiers but the last: the
        documents matching that tier or an earlier one, and the most the later
        tiers could add to a document."""
        if isinstance(q, Tiered):
            boost *= q.boost
            most = []
            for tier in q.subqueries:
                found: dict = {}
                self._collect(tier, boost, found, None)
                most.append(sum(p.scale * 255 * b for p, b in found.values() if p is not None))
            constants, bits = [], 0
            for i, tier in enumerate(q.subqueries[:-1]):
                bits |= self.matches(tier)
                later = sum(most[i + 1:])
                if later > 0 and bits:
                    constants.append((bits, later))
            return constants
        if isinstance(q, query.Not):
            return []
        if isinstance(q, (query.AndNot, query.AndMaybe)):
            return self.tier_constants(q.a, boost)
        constants = []
        for child in getattr(q, "subqueries", ()):
            constants += self.tier_constants(child, boost * q.boost)
        return constants

    def top(self, q, bits: int, count: int, plan: Plan | None = None) -> list[tuple[int, float]]:
        """The ``count`` best (docnum, score) of ``bits`` for ``q``, best first; ties by docnum.

        Each query word's documents are read in impact order, a longer prefix
        each round, until the ``count``-th best candidate scores at least what
        any unread document could (the sum of the prefixes' last impacts plus
        every constant part). Documents no word reaches score their constants.
        """
        if count <= 0 or not bits:
            return []
        plan = plan or self.plan(q)
        ranked, constants = plan.ranked, plan.constants
        size = (self.docsets.total + 7) // 8
        flags = np.frombuffer(bits.to_bytes(size, "little"), dtype=np.uint8)
        constant_flags = [(np.frombuffer(c.to_bytes(size, "little"), dtype=np.uint8), w)
                          for c, w in constants]
        lookups = []
        for fieldname, text, postings, boost in ranked:
            if len(postings.ids) >= self.settings.lookup_df:
                table = self.docsets.impact_table(fieldname, text, postings)
                lookups.append((None, np.frombuffer(table, dtype=np.uint8), postings.scale * boost))
            else:
                lookups.append((np.frombuffer(postings.ids, dtype=np.uint32),
                                np.frombuffer(postings.impacts, dtype=np.uint8),
                                postings.scale * boost))

        def score(docnums):
            # Summed word by word, then the constants: the same floats in any batch.
            total = np.zeros(len(docnums))
            for ids, impacts, factor in lookups:
                if ids is None:
                    total += impacts[docnums] * factor
                else:
                    at = np.minimum(np.searchsorted(ids, docnums), len(ids) - 1)
                    total += np.where(ids[at] == docnums, impacts[at], 0) * factor
            for cflags, weight in constant_flags:
                total += (cflags[docnums >> 3] >> (docnums & 7) & 1) * weight
            return total

        seen = np.zeros(self.docsets.total, dtype=bool)
        scored, scores = np.empty(0, dtype=np.int64), np.empty(0)
        best: list[tuple[int, float]] = []
        constant_bound = sum(w for _, w in constants)
        done, depth, exhausted = 0, self.settings.first_prefix, True
        while ranked:
            bound, exhausted, found = constant_bound, True, []
            for _, _, postings, boost in ranked:
                order = np.frombuffer(postings.by_impact, dtype=np.uint32)
                found.append(order[done:depth])
                if len(order) > depth:
                    exhausted = False
                    bound += postings.impact(int(order[depth])) * boost
            new = np.unique(np.concatenate(found)).astype(np.int64)
            new = new[~seen[new] & (flags[new >> 3] >> (new & 7) & 1).astype(bool)]
            seen[new] = True
            scored, scores = np.concatenate((scored, new)), np.concatenate((scores, score(new)))
            first = np.lexsort((scored, -scores))[:count]
            best = list(zip(scored[first].tolist(), scores[first].tolist()))
            if exhausted or (len(best) >= count and best[-1][1] >= bound):
                break
            done, depth = depth, depth * 4
        if exhausted:
            # Every word is read to its end: the documents left score their
            # constants, which can beat a word's weakest documents.
            rest = bits & ~bits_from_ids(sorted(scored.tolist())) if len(scored) else bits
            best = heapq.nsmallest(count, best + self._top_constant(rest, constants, count),
                                   key=_best_first)
        return best

    def _top_constant(self, bits: int, constants, count: int) -> list[tuple[int, float]]:
        """Documents scored by constant parts only: the best combinations first."""
        parts = constants[:self.settings.max_constants]
        combos = sorted(itertools.product((True, False), repeat=len(parts)),
                        key=lambda on: -sum(w for (_, w), o in zip(parts, on) if o))
        by_score: dict[float, int] = {}
        for on in combos:
            docs = bits
            for (cbits, _), inside in zip(parts, on):
                docs = docs & cbits if inside else docs & ~cbits
            if docs:
                value = sum(w for (_, w), o in zip(parts, on) if o)
                by_score[value] = by_score.get(value, 0) | docs
        found = []
        for value in sorted(by_score, reverse=True):
            found += [(d, value) for d in ids_of(by_score[value], limit=count - len(found))]
            if len(found) >= count:
                break
        return found


def _best_first(item: tuple[int, float]):
    return (-item[1], item[0])
