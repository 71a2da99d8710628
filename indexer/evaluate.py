"""Evaluate a parsed query over docsets: its matching bitset and its top hits.

Query shapes the parser makes (terms, AND/OR/NOT, prefixes, phrases) are
answered with bitset algebra; phrases are checked against Whoosh's positions
for their candidate documents only; anything else falls back to Whoosh.
"""

from __future__ import annotations

from whoosh import query

from .docsets import TEXT_FIELDS, Docsets, TermPostings, bits_from_ids, ids_of
from .query import QueryError

MAX_EXPANSION = 2000  # words one prefix or wildcard may stand for
FIRST_PREFIX = 256


class Evaluator:
    """Matches and ranks queries for one searcher and its docsets."""

    def __init__(self, docsets: Docsets, searcher):
        self.docsets = docsets
        self.searcher = searcher
        self.reader = searcher.reader()

    # Matching -------------------------------------------------------------

    def matches(self, q) -> int:
        """The bitset of documents matching ``q``."""
        docsets = self.docsets
        if isinstance(q, query.Term):
            return self._term_bits(q.fieldname, q.text)
        if isinstance(q, (query.Or, query.DisjunctionMax)):
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
            bits = 0
            for text in self._expansions(q):
                bits |= self._term_bits(q.fieldname, text)
            return bits
        if isinstance(q, (query.Phrase, query.Sequence)):
            return self._positional(q)
        return bits_from_ids(list(self.searcher.docs_for_query(q)))

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

    def _expansions(self, q) -> list[str]:
        texts = []
        for btext in q._btexts(self.reader):
            texts.append(btext.decode("utf-8") if isinstance(btext, bytes) else btext)
            if len(texts) > MAX_EXPANSION:
                raise QueryError(
                    f"{q.text}*: matches more than {MAX_EXPANSION} words; add letters before '*'")
        return texts

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
        slots = self._phrase_slots(q)
        if slots is not None:
            return self._adjacent(slots, candidates)
        matcher = q.matcher(self.searcher, self.searcher.boolean_context())
        found = []
        for docnum in ids_of(candidates):
            if not matcher.is_active():
                break
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
                if not matcher.is_active():
                    break
            if matcher.id() == docnum:
                found.append(docnum)
        return bits_from_ids(found)

    def _phrase_slots(self, q):
        """Per phrase word, the postings of its forms, when all keep positions."""
        if q.slop != 1:
            return None
        if isinstance(q, query.Phrase):
            forms = [[(q.fieldname, w)] for w in q.words]
        else:
            forms = []
            for child in q.subqueries:
                terms = [child] if isinstance(child, query.Term) else getattr(child, "subqueries", [])
                if not terms or not all(isinstance(t, query.Term) for t in terms):
                    return None
                forms.append([(t.fieldname, t.text) for t in terms])
        slots = []
        for alternatives in forms:
            postings = [self.docsets.term(f, t.decode("utf-8") if isinstance(t, bytes) else t)
                        for f, t in alternatives]
            postings = [p for p in postings if p is not None]
            if not postings or not all(p.has_positions for p in postings):
                return None
            slots.append(postings)
        return slots

    @staticmethod
    def _adjacent(slots, candidates: int) -> int:
        """Candidates where some form of each word follows the previous one."""
        found = []
        for docnum in ids_of(candidates):
            starts = None
            for offset, postings in enumerate(slots):
                here = {p - offset for term in postings for p in term.positions(docnum)}
                starts = here if starts is None else starts & here
                if not starts:
                    break
            if starts:
                found.append(docnum)
        return bits_from_ids(found)

    # Ranking --------------------------------------------------------------

    def scoring_terms(self, q) -> list[tuple[str, str, TermPostings, float]]:
        """(field, text, postings, boost) of every title/body word that scores."""
        found: dict[tuple[str, str], list] = {}
        self._collect(q, 1.0, found)
        return [(f, t, p, b) for (f, t), (p, b) in found.items() if p is not None]

    def _collect(self, q, boost, found) -> None:
        if isinstance(q, query.Term):
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
                self._collect(query.Term(q.fieldname, word, boost=q.boost), boost, found)
        elif isinstance(q, query.PatternQuery):
            for text in self._expansions(q)[:64]:
                self._collect(query.Term(q.fieldname, text), boost * q.boost, found)
        elif isinstance(q, query.AndNot):
            self._collect(q.a, boost, found)
        elif isinstance(q, query.Not):
            return
        elif hasattr(q, "subqueries"):
            for child in q.subqueries:
                self._collect(child, boost * q.boost, found)
        elif isinstance(q, query.AndMaybe):
            self._collect(q.a, boost, found)
            self._collect(q.b, boost, found)

    def top(self, q, bits: int, count: int) -> list[tuple[int, float]]:
        """The ``count`` best (docnum, score) of ``bits`` for ``q``, best first.

        Each query word's documents are read in impact order, a longer prefix
        each round, until the ``count``-th best candidate scores at least what
        any unread document could (the sum of the prefixes' last impacts).
        """
        terms = self.scoring_terms(q)
        data = bits.to_bytes((self.docsets.total + 7) // 8, "little")
        scores: dict[int, float] = {}
        prefix = FIRST_PREFIX
        while True:
            bound, exhausted = 0.0, True
            for _, _, postings, boost in terms:
                order = postings.by_impact
                for docnum in order[:prefix]:
                    if docnum not in scores and data[docnum >> 3] >> (docnum & 7) & 1:
                        scores[docnum] = sum(p.impact(docnum) * b for _, _, p, b in terms)
                if len(order) > prefix:
                    exhausted = False
                    bound += postings.impact(order[prefix]) * boost
            ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
            if exhausted or (len(ranked) >= count and ranked[count - 1][1] >= bound):
                break
            prefix *= 4
        if len(ranked) < count:
            # Documents that matched without any scoring word (e.g. author: only).
            seen = set(scores)
            extra = self.docsets.in_date_order(bits, newest=True, skip=0,
                                               count=count - len(ranked) + len(seen))
            ranked += [(d, 0.0) for d in extra if d not in seen][:count - len(ranked)]
        return ranked[:count]
