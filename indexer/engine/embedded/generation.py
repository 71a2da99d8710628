"""The first engine: Whoosh generations with docsets beside them.

Whoosh keeps the articles: stored fields, facet keys and columns; the
docsets (``docsets.py``) hold the words: every text field's postings as
bitsets, BM25 impact lists and position keys, which the evaluator
(``evaluate.py``) uses to match, count and rank. Generations live in an index folder
behind a ``current`` link (``store.py``). See docs/index-format.md.
"""

from __future__ import annotations

import datetime as dt
import functools
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from whoosh import query

from ...text.analysis import fold_yo
from ...text.names import full_name_key
from ...text.outlets import outlet_filter_key
from ..contract import FACETS, Filters, Results
from .docsets import Docsets, ids_of
from .evaluate import Evaluator, Plan
from ..expand import CrossSources, expand, load_cross_sources
from ..query import KartotekaParser, for_match, parse_query, tier_kinds
from ..schema import EXACT_FIELD, SEARCH_FIELDS, UNDATED, query_schema
from .settings import EngineSettings
from ..spelling import by_first_letter, similar_terms
from ..store import current_generation, open_whoosh_index, read_build_info

FACET_FILTERS = {"region": "region", "region_group": "region", "author": "author",
                 "topic": "topic", "outlet": "outlet",
                 "lang": "lang", "year": "date"}  # the filter each facet ignores


class WhooshDocsetsEngine:
    """Builds and opens Whoosh + docsets generations (the ``Engine`` contract)."""

    name = "whoosh-docsets"

    def __init__(self, settings: EngineSettings = EngineSettings()):
        self.settings = settings

    def build(self, sources: Iterable, index_dir: Path, **options):
        """A full build into a new generation (see ``build.build_index``)."""
        from .build import build_index

        return build_index(sources, index_dir, **options)

    def update(self, sources: Iterable, index_dir: Path, **options):
        """An update into a new generation (see ``build.update_index``)."""
        from .build import update_index

        return update_index(sources, index_dir, **options)

    def current(self, index_dir: Path) -> Path | None:
        return current_generation(index_dir)

    def open(self, index_dir: Path, key: Path) -> WhooshDocsetsGeneration:
        return WhooshDocsetsGeneration(key, self.settings)


class WhooshDocsetsGeneration:
    """An open generation: its searcher and docsets, loaded once."""

    def __init__(self, generation: Path, settings: EngineSettings = EngineSettings()):
        self.key = generation
        self.settings = settings
        self._expanded = functools.lru_cache(maxsize=128)(self._parse_expanded)
        self.info = read_build_info(generation)
        self.docsets = Docsets(generation, settings)
        try:
            index = open_whoosh_index(generation)
            self.searcher = index.searcher()
        except BaseException:
            self.docsets.close()
            raise
        self.evaluator = Evaluator(self.docsets, self.searcher, settings)
        self.schema = query_schema()  # the text fields searchable, for the parser
        self.parser = KartotekaParser(self.schema)
        self._vocabulary: dict[str, list[str]] | None = None  # for similar_words
        # Facet values in label order once, so a search only sorts by count.
        self.facets = {facet: dict(sorted(values.items(), key=lambda kv: kv[0].casefold()))
                       for facet, values in self.docsets.facets.items()}

    @functools.cached_property
    def cross_sources(self) -> CrossSources:
        """Equivalents for cross-language search (``expand.load_cross_sources``)."""
        return load_cross_sources(self.key, self.docsets.meta.get("names", {}),
                                  self.docsets.meta.get("learned", {}), self.docsets.prefixed)

    def close(self) -> None:
        self.searcher.close()
        self.docsets.close()

    def parse(self, text: str, cross: bool = True, match: str = "all") -> Plan | None:
        """The query parsed and compiled into a plan: matched, ranked and marked
        from one walk of it, each prefix expanded once; with ``cross``, each
        word also searched as its equivalents (``expand.py``); ``match`` counts
        only some of a word's tiers (``query.for_match``)."""
        query, expansions = self._expanded(text, cross)
        if query is None:
            return None
        plan = self.evaluator.plan(for_match(query, match))
        plan.expansions, plan.kinds = [dict(e) for e in expansions], tier_kinds(query)
        return plan

    def _parse_expanded(self, text: str, cross: bool):
        """The parsed query with its cross-language tiers, kept for the next parse of
        the same text (a search's counts parse it again for each part); never
        changed after, as ``for_match`` narrows a copy."""
        query = parse_query(self.schema, text, self.parser)
        if query is None or not cross:
            return query, ()
        query, expansions = expand(query, self.cross_sources)
        return query, tuple(expansions)

    def search(self, plan: Plan | None, filters: Filters, sort: str, offset: int,
               limit: int) -> Results:
        matched = self.docsets.collapse(plan.match) if plan is not None else self.docsets.all
        by_dimension = self._filter_bits(filters)
        final = _all_but(by_dimension, None, matched)
        total = final.bit_count()
        page = self._ordered(plan, final, filters, sort, offset, limit) if offset < total else []
        return Results(total, page, self._facet_counts(matched, by_dimension))

    def counts(self, plans: Sequence[Plan | None], filters: Filters) -> list[int]:
        allowed = self._filter_bits(filters)
        return [_all_but(allowed, None, self.docsets.collapse(plan.match) if plan is not None
                         else self.docsets.all).bit_count() for plan in plans]

    def order(self, plan: Plan | None, filters: Filters,
              sort: str) -> list[tuple[int, float | None]]:
        matched = self.docsets.collapse(plan.match) if plan is not None else self.docsets.all
        final = _all_but(self._filter_bits(filters), None, matched)
        return list(self._ordered(plan, final, filters, sort, 0, final.bit_count()))

    def stored(self, docs: Sequence[int]) -> list[dict]:
        return [self._with_copies(d) for d in docs]

    def find(self, article_id: str) -> dict | None:
        docnum = self.searcher.document_number(id=article_id)
        return None if docnum is None else self._with_copies(docnum)

    def _with_copies(self, docnum: int) -> dict:
        """A document's stored fields, with its copies or the primary it is a copy of."""
        fields = dict(self.searcher.stored_fields(docnum))
        fields["copies"] = [self._link(d) for d in self.docsets.copies_of.get(docnum, ())]
        primary = self.docsets.primary_of.get(docnum)
        fields["copy_of"] = self._link(primary) if primary is not None else None
        return fields

    def _link(self, docnum: int) -> dict:
        fields = self.searcher.stored_fields(docnum)
        return {"id": fields["id"], "url": fields.get("url")}

    def match_terms(self, plan: Plan | None, patterns: bool = False) -> frozenset[str]:
        """The query's index terms in the text fields; with ``patterns``, prefixes
        and wildcards expanded against the index too (for the article view)."""
        if plan is None:
            return frozenset()
        if not patterns:
            return plan.marks
        words = set()
        for leaf in plan.query.leaves():
            if isinstance(leaf, query.PatternQuery):
                found = ((leaf.fieldname, t) for t in self.evaluator.pattern_words(leaf))
            else:
                found = leaf.iter_all_terms()
            for fieldname, text in found:
                if fieldname in SEARCH_FIELDS:
                    words.add(text.decode("utf-8") if isinstance(text, bytes) else text)
        return frozenset(words) | plan.marks  # and "=form" for a form searched exactly

    def date_counts(self, plan: Plan | None, filters: Filters, by: str) -> dict[str, int]:
        matched = self.docsets.collapse(plan.match) if plan is not None else self.docsets.all
        final = _all_but(self._filter_bits(filters), None, matched) & self.docsets.dated_bits
        if by == "year":
            return {year: n for year, bits in self.facets["year"].items()
                    if year != UNDATED and (n := (bits & final).bit_count())}
        months = self._months
        counted = Counter(months[d] for d in ids_of(final))
        return {f"{m // 12}-{m % 12 + 1:02}": n for m, n in sorted(counted.items())}

    @functools.cached_property
    def _months(self) -> array:
        """Each document's month as year·12 + month − 1 (0 when undated)."""
        months = array("I", bytes(4 * self.docsets.total))
        for docnum, day in enumerate(self.docsets.dates):
            if day:
                date = dt.date.fromordinal(day)
                months[docnum] = date.year * 12 + date.month - 1
        return months

    def facet_labels(self, facet: str) -> dict[str, dict[str, str]]:
        return self.docsets.meta.get("labels", {}).get(facet, {})

    def facet_totals(self, facet: str) -> dict[str, int]:
        every = self.docsets.all
        return {value: (bits & every).bit_count() for value, bits in self.facets[facet].items()}

    def similar_words(self, word: str, limit: int) -> list[str]:
        """Indexed terms close to ``word`` (``spelling.similar_terms``)."""
        if self._vocabulary is None:
            # The docsets' term tables: every term of each text field, already in memory.
            self._vocabulary = by_first_letter(
                term for _, rows in self.docsets._term_rows.values() for term in rows)
        return similar_terms(word, self._vocabulary, limit, self._document_frequencies)

    def _document_frequencies(self, terms: list[str]) -> dict[str, int]:
        fields = (*SEARCH_FIELDS, EXACT_FIELD)  # words as written too: they are offered
        return {term: max((len(p.ids) for p in (self.docsets.term(f, term) for f in fields)
                           if p is not None), default=0) for term in terms}

    def _filter_bits(self, filters: Filters) -> dict[str, int]:
        """Each filter dimension as the bitset of documents it admits."""
        bits = {}
        for dimension, values in (("region", filters.regions), ("author", filters.authors),
                                  ("lang", filters.langs), ("topic", filters.topics),
                                  ("outlet", filters.outlets)):
            if values:
                bits[dimension] = self._docs_with(dimension, values)
        if filters.dated or filters.undated:
            dates = 0
            if filters.dated:
                dates = self.docsets.date_range_bits(filters.date_start, filters.date_end)
            if filters.undated:
                dates |= self.docsets.undated
            bits["date"] = dates
        return bits

    def _docs_with(self, facet: str, values) -> int:
        """Documents with any of the values; an author under any spelling of their
        name, in any case, with ё or е."""
        bits = 0
        for value in values:
            if facet == "author":
                value = self._author_values.get(full_name_key(value) or _name_key(value), value)
            elif facet == "topic":  # a topic under its name in either language
                value = self._topic_values.get(_name_key(value), value)
            elif facet == "outlet":  # an outlet under any of its names or hosts
                value = self._outlet_values.get(outlet_filter_key(value), value)
            bits |= self.facets[facet].get(value, 0)
        return bits

    @functools.cached_property
    def _author_values(self) -> dict[str, str]:
        """Each spelling's key (transliterated, case and ё aside) → its facet value."""
        spellings = dict(self.docsets.meta.get("spellings", {}).get("author", {}))
        spellings.update((value, value) for value in self.facets["author"])
        return {full_name_key(name) or _name_key(name): value
                for name, value in spellings.items()}

    @functools.cached_property
    def _topic_values(self) -> dict[str, str]:
        """Each topic name (case and ё aside) → its facet value."""
        spellings = dict(self.docsets.meta.get("spellings", {}).get("topic", {}))
        spellings.update((value, value) for value in self.facets["topic"])
        return {_name_key(name): value for name, value in spellings.items()}

    @functools.cached_property
    def _outlet_values(self) -> dict[str, str]:
        """Each outlet name or host (``outlets.outlet_filter_key``) → its facet value."""
        spellings = dict(self.docsets.meta.get("spellings", {}).get("outlet", {}))
        spellings.update((value, value) for value in self.facets["outlet"])
        return {outlet_filter_key(name): value for name, value in spellings.items()}

    def _ordered(self, plan: Plan | None, bits: int, filters: Filters, sort: str, skip: int,
                 count: int):
        """``count`` (docnum, score) of ``bits`` after ``skip``, in the requested order."""
        if sort == "relevance" and plan is not None:
            return self.evaluator.top(plan.query, bits, skip + count, plan)[skip:]
        docnums = self.docsets.in_date_order(bits, sort != "oldest", skip, count,
                                             filters.date_start, filters.date_end)
        return [(d, None) for d in docnums]

    def _facet_counts(self, matched: int, by_dimension: dict[str, int]) -> dict:
        members: dict[int, list[int]] = {}  # document lists of the sets walked, shared
        return {facet: self._counts(facet, _all_but(by_dimension, FACET_FILTERS[facet], matched),
                                    members)
                for facet in FACETS}

    def _counts(self, facet: str, docs: int, members: dict) -> dict[str, int]:
        """Documents of ``docs`` per value of a facet, every value listed.

        A large set is counted with one bitset AND per value; a small one by
        walking its documents' values, when that is fewer steps.
        """
        values = self.facets[facet]
        column = self.docsets.columns[facet]
        if column.present and docs.bit_count() * self.settings.walk_ratio < len(values) * self.docsets.total:
            if docs not in members:
                members[docs] = ids_of(docs)
            counted = column.count(docs, members[docs])
            return {value: counted.get(value, 0) for value in values}
        return {value: (bits & docs).bit_count() for value, bits in values.items()}


def _name_key(name: str) -> str:
    """An author name as a filter compares it: case, ё and spacing aside."""
    return " ".join(fold_yo(name).casefold().split())


def _all_but(by_dimension: dict[str, int], dimension: str | None, docs: int) -> int:
    for name, allowed in by_dimension.items():
        if name != dimension:
            docs &= allowed
    return docs
