"""The second engine: a Sphinx 2.2 / Manticore cluster over SphinxQL.

The index folder of this engine is a cluster folder (``kartoteka cluster
init``): ``cluster.json`` says where the front listens; ``data/`` holds the
current build's side files (``terms``). Searches go to the front's
distributed index of the build's table set (``dist_a`` or ``dist_b``, named
in its ``build.json``), which asks every shard and merges: matching,
filters, totals, order, paging and facet counts are Sphinx's; the query is
parsed by kartoteka's own parser (``match``), so both engines search
the same terms; its connections are ``link``'s. The read path never
imports the write path (``build``).

It ranks as the Whoosh engine does: BM25 field by field (the ranker below),
each keyword weighted by its cluster-wide IDF and its word's tier (boosts,
``match``) over a neutral per-shard IDF (``config``).

A shard that does not answer makes the front return what the others found,
with a warning in ``SHOW META``: every search checks it and raises
``ClusterError`` rather than present a partial total as complete.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import query

from ...errors import IndexFormatError
from ..contract import FACETS, Filters, Results
from ..schema import SEARCH_FIELDS
from ..spelling import by_first_letter, prefixed, similar_terms
from .config import CLUSTER_FILE, FIELD_NUMBERS, FIELD_WEIGHTS, IDF, SCORE_SCALE
from .config import dist_index, neutral_idf, ranker_option, read_cluster, rt_index
from .facets import FacetValues
from .link import ClusterError, ClusterLink
from .match import Shortcut, expanded
from .stored import StoredArticles
from .terms import (
    BUILD_FORMAT,
    BUILD_INFO,
    DATA_FOLDER,
    FACET_ATTRS,
    read_dictionary,
    read_vocabulary,
)

FACET_FILTERS = {"region": "region", "region_group": "region", "author": "author",
                 "topic": "topic", "outlet": "outlet", "lang": "lang",
                 "year": "date"}  # the filter each facet ignores
MIN_MATCHES = 1000
SHORTCUT_FROM = 10_000  # below it, ranking every match costs a few milliseconds
BOUND_MARGIN = 1.01  # Sphinx scores in 32-bit floats
ORDER_FIRST = 1000  # an export's first statement: most result sets end within it
ORDER_BATCH = 100_000  # then: each shard keeps this many (offset + batch) matches at once
DATE_GROUPS = {"year": 1000, "month": 12 * 200}  # years, and months of two centuries


@dataclass
class SphinxPlan:
    """A parsed query: its MATCH text, the terms to mark, the cross-language additions."""

    query: object
    match: str
    marks: frozenset[str]
    expansions: list = field(default_factory=list)
    readings: dict = field(default_factory=dict)  # an ambiguous word → its normal forms
    shortcut: Shortcut | None = None  # a cheaper way to the top of its ranking
    kinds: frozenset = frozenset()  # the tier kinds its words to find hold (query.tier_kinds)


class SphinxEngine:
    """Opens a Sphinx cluster's current build (the ``Engine`` contract)."""

    name = "sphinx"

    def build(self, sources: Iterable, index_dir: Path, **options):
        """Index ``sources`` into the cluster (see ``build.index_articles``)."""
        from ..lock import build_locked
        from .build import index_articles

        with build_locked(index_dir):
            return index_articles(index_dir, sources, **options)

    def update(self, sources: Iterable, index_dir: Path, **options):
        """Replace the changed and new articles, delete the gone ones, by id
        (see ``build.update_articles``)."""
        from ..lock import build_locked
        from .build import update_articles

        with build_locked(index_dir):
            return update_articles(index_dir, sources, **options)

    def current(self, index_dir: Path) -> str | None:
        info = Path(index_dir) / DATA_FOLDER / BUILD_INFO
        if not (Path(index_dir) / CLUSTER_FILE).exists() or not info.exists():
            return None
        return json.loads(info.read_text(encoding="utf-8"))["built_at"]

    def open(self, index_dir: Path, key: str) -> SphinxGeneration:
        return SphinxGeneration(Path(index_dir), key)


class SphinxGeneration:
    """The cluster's current build, open: its side files, and connections to the
    front (a pool, ``link``) that requests share."""

    def __init__(self, folder: Path, key: str):
        self.key = key
        self._expanded = functools.lru_cache(maxsize=128)(self._parse_expanded)
        data = folder / DATA_FOLDER
        try:
            cluster = read_cluster(folder)
        except ValueError as error:  # a cluster of another layout: init it again
            raise IndexFormatError(str(error)) from None
        self.shards = cluster.shards
        self.info = json.loads((data / BUILD_INFO).read_text(encoding="utf-8"))
        if self.info.get("format") != BUILD_FORMAT:
            raise IndexFormatError(f"the cluster in {folder} was built by an older kartoteka "
                                   f"(build format {self.info.get('format', 1)}, this one reads "
                                   f"{BUILD_FORMAT}): index the corpus into it again")
        # The table set this build filled: a later full build fills the other one,
        # so this generation's answers stay whole until it is closed.
        self.dist = dist_index(self.info.get("set", "a"))
        self.dictionary = dictionary = read_dictionary(data)
        self.facet_values = FacetValues(dictionary)
        self.labels = dictionary.get("labels", {})
        self.articles = StoredArticles(data)
        self.data = data
        try:
            self.link = ClusterLink(cluster, rt_index(self.info.get("set", "a")))
        except ClusterError:
            self.articles.close()
            raise
        self._run_batch = self.link.run_batch
        # Whether the narrowed query scores as the whole one (Sphinx 2.2 ranks a
        # keyword named twice once); checked on the first shortcut taken.
        self._shortcut_scores: bool | None = None

    def close(self) -> None:
        self.link.close()
        self.articles.close()

    @functools.cached_property
    def _parser(self):
        from ..query import KartotekaParser
        from ..schema import query_schema

        schema = query_schema()
        return schema, KartotekaParser(schema)

    @functools.cached_property
    def _cross_sources(self):
        from ..expand import load_cross_sources

        return load_cross_sources(self.data, self.dictionary.get("names", {}),
                                  self.dictionary.get("learned", {}),
                                  lambda field, start: prefixed(self._terms.get(field, []), start))

    def parse(self, text: str, cross: bool = True, match: str = "all") -> SphinxPlan | None:
        """The query parsed by kartoteka's parser and spelled as a MATCH expression;
        ``match`` counts only some of a word's tiers (``query.for_match``)."""
        from ..query import for_match, readings_of, tier_kinds
        from .match import heavy_field_shortcut, keywords, marked_terms, to_match

        q, expansions = self._expanded(text, cross)
        if q is None:
            return None
        expansions, kinds = [dict(e) for e in expansions], tier_kinds(q)
        q = for_match(q, match)
        words = sorted(keywords(q))
        docs = self.link.document_frequencies(words)
        idf = self._idf_boosts(docs)
        spelled, shortcut = to_match(q, idf), None
        if max(docs.values(), default=0) >= SHORTCUT_FROM:
            fewest = self.link.fewest_on_a_shard(words)  # where its IDF is highest
            shortcut = heavy_field_shortcut(q, spelled, idf, {w: neutral_idf(n)
                                                            for w, n in fewest.items() if n})
        return SphinxPlan(q, spelled, marked_terms(q), expansions, readings_of(q), shortcut,
                          kinds)

    def _parse_expanded(self, text: str, cross: bool):
        """The parsed, expanded query of a text, kept by ``_expanded``; never changed."""
        from ..expand import expand
        from ..query import parse_query

        q = parse_query(self._parser[0], text, self._parser[1])
        if q is None or not cross:
            return q, ()
        q, expansions = expand(q, self._cross_sources)
        return q, tuple(expansions)

    def _idf_boosts(self, docs: dict[str, int]) -> dict[str, float]:
        """Each keyword's cluster-wide IDF (the Whoosh engine's formula, from its
        articles in ``docs``) over the IDF Sphinx will give it on a shard under the
        neutral file (``config``)."""
        total, shards = max(int(self.info.get("articles", 1)), 1), len(self.shards)
        return {word: (math.log(total / (docs[word] + 1)) + 1) / neutral_idf(docs[word] / shards)
                for word in docs}

    # -- searching -------------------------------------------------------------------

    def search(self, plan: SphinxPlan | None, filters: Filters, sort: str, offset: int,
               limit: int) -> Results:
        """Batches at once on their own connections: the ranked page, and the
        facets' counts, unranked, one batch for the facets that keep the same
        filters (Sphinx matches once for a batch that differs only in grouping;
        with a region and a date filter, 3 batches took 17 ms where one took 32
        at 200,000 articles; in the page's batch they cost twice as much)."""
        conditions = self.facet_values.conditions(filters)
        alike: dict[tuple, list[str]] = {}
        for facet in FACETS:
            kept = tuple(k for k in conditions if k != FACET_FILTERS[facet])
            alike.setdefault(kept, []).append(facet)
        counting = [(facets, self.link.in_background(self._run_batch, [
            self._count_sql(plan, {k: conditions[k] for k in kept}, f) for f in facets]))
            for kept, facets in alike.items()]
        ranked = sort == "relevance" and plan is not None
        beyond = offset >= self._most  # a page past every article: only the total is asked
        offset, limit = (0, 1) if beyond else (offset, limit)
        # The total comes from a facet no filter narrows when the page does not give it.
        whole = [f for f in ("lang", "year") if FACET_FILTERS[f] not in conditions]
        try:
            page_rows, total = None, None
            if ranked and plan.shortcut is not None and whole:
                page_rows = self._shortcut_page(plan, conditions, offset, limit)
            if page_rows is None:
                (page_rows, meta), = self._run_batch([self._page_sql(plan, conditions, sort,
                                                                     offset, limit)])
                total = int(meta["total_found"])
        finally:
            counted = {facet: _pairs(rows) for facets, batch in counting
                       for facet, (rows, _) in zip(facets, batch.result())}
        if total is None:
            total = sum(n for _, n in counted[whole[0]])
        page = [(int(doc), float(weight) if ranked else None)
                for doc, weight, *_ in ([] if beyond else page_rows)]
        facets = {facet: self.facet_values.counts(facet, counted[facet], self._years)
                  for facet in FACETS}
        return Results(total, page, facets)

    @functools.cached_property
    def _most(self) -> int:
        """The most matches a search can have: the build's articles, and room for what
        an update adds while this build is open (each shard keeps max_matches of them,
        so a page 100,000 deep would cost a sorter of two million)."""
        return int(self.info.get("articles", 0)) * 2 + 1000

    @functools.cached_property
    def _years(self) -> list[int]:
        """Every year of the build (0: undated): the year facet lists them all, as on
        the Whoosh engine, where a search's counts name only the years it found."""
        rows = self._run_batch([self._count_sql(None, {}, "year")])[0][0]
        return [year for year, _ in _pairs(rows)]

    def _shortcut_page(self, plan: SphinxPlan, conditions: dict, offset: int,
                       limit: int) -> tuple | None:
        """The page of the narrowed query (``match.heavy_field_shortcut``) when it
        is the whole query's page (it ends above what any other article scores);
        None when every match must be ranked."""
        if self._shortcut_scores is False:
            return None
        (rows, _), = self._run_batch([self._page_sql(plan, conditions, "relevance", offset,
                                                     limit, plan.shortcut.match)])
        bound = SCORE_SCALE * plan.shortcut.bound * BOUND_MARGIN
        if not (limit and len(rows) == limit and float(rows[-1][1]) > bound):
            return None
        if self._shortcut_scores is None:  # once per build: does this server score alike?
            ids = ", ".join(str(int(doc)) for doc, *_ in rows)
            these = {**conditions, "shown": ([], [f"id IN ({ids})"], [])}
            (whole, _), = self._run_batch([self._page_sql(plan, these, "relevance", 0, limit)])
            self._shortcut_scores = sorted(map(tuple, rows)) == sorted(map(tuple, whole))
        return rows if self._shortcut_scores else None

    def counts(self, plans: Sequence[SphinxPlan | None], filters: Filters) -> list[int]:
        """Each query's matches, an ungrouped COUNT each, in one batch (one round trip)."""
        conditions, batch = self.facet_values.conditions(filters), []
        for plan in plans:
            selects, where, args = self._where(plan, conditions)
            batch.append((f"SELECT {', '.join(['COUNT(*) AS n', *selects])} FROM {self.dist}"
                          f"{where} OPTION ranker=none", args))
        return [int(rows[0][0]) if rows else 0 for rows, _ in self._run_batch(batch)]

    def order(self, plan: SphinxPlan | None, filters: Filters,
              sort: str) -> list[tuple[int, float | None]]:
        """Every match in order: a first thousand, then up to ``ORDER_BATCH`` a statement.
        Sphinx ranks every match again for each statement, so a thousand at a time
        took 5.6 s for 79,000 matches at 200,000 articles; this takes 0.3 s."""
        conditions, docs, batch = self.facet_values.conditions(filters), [], ORDER_FIRST
        ranked = sort == "relevance" and plan is not None
        while True:
            rows = self._run_batch([self._page_sql(plan, conditions, sort, len(docs),
                                                   batch)])[0][0]
            docs += [(int(doc), float(weight) if ranked else None) for doc, weight, *_ in rows]
            if len(rows) < batch:
                return docs
            batch = ORDER_BATCH

    def date_counts(self, plan: SphinxPlan | None, filters: Filters, by: str) -> dict[str, int]:
        conditions = self.facet_values.conditions(filters)
        conditions["dated"] = ([], ["undated = 0"], [])
        by = "month" if by == "month" else "year"
        counted = dict(_pairs(self._run_batch([self._count_sql(plan, conditions, by)])[0][0]))
        if by == "year":
            return {str(year): n for year, n in sorted(counted.items())}
        return {f"{m // 12}-{m % 12 + 1:02}": n for m, n in sorted(counted.items())}

    def facet_totals(self, facet: str) -> dict[str, int]:
        rows = self._run_batch([self._count_sql(None, {}, facet)])[0][0]
        return self.facet_values.counts(facet, _pairs(rows))

    def _where(self, plan, conditions: dict, match: str | None = None) -> tuple[list, list, list]:
        """(select expressions, WHERE parts, arguments) of a query (or its ``match``
        instead) and filters."""
        selects, wheres, args = [], [], []
        if plan is not None:
            wheres.append("MATCH(%s)")
            args.append(match or plan.match)
        wheres.append("copy_of = 0")  # a copy is shown as its primary
        for select, where, values in conditions.values():
            selects += select
            wheres += where
            args += values
        return selects, " WHERE " + " AND ".join(wheres), args

    def _page_sql(self, plan, conditions: dict, sort: str, offset: int, limit: int,
                  match: str | None = None) -> tuple[str, list]:
        """The statement of one page of (document, weight) of a query and filters."""
        selects, where, args = self._where(plan, conditions, match)
        if sort == "relevance" and plan is not None:
            order = "w DESC, id ASC"
        else:
            order = "undated ASC, day " + ("ASC" if sort == "oldest" else "DESC") + ", id ASC"
        sql = (f"SELECT {', '.join(['id', 'WEIGHT() AS w', *selects])} FROM {self.dist}{where}"
               f" ORDER BY {order} LIMIT {int(offset)}, {int(limit)}"
               f" OPTION max_matches={min(offset + limit, self._most)}, {self._ranker}, "
               f"{FIELD_WEIGHTS}, {IDF}")
        return sql, args

    @functools.cached_property
    def _ranker(self) -> str:
        """The ranking expression, with this build's average field lengths."""
        columns = ", ".join(f"SUM({f}_len)" for f in FIELD_NUMBERS)
        rows = self._run_batch([(f"SELECT COUNT(*), {columns} FROM {self.dist}", [])])[0][0]
        count, *sums = rows[0] if rows else (0,) * (1 + len(FIELD_NUMBERS))
        return ranker_option(int(count), sums)

    def _count_sql(self, plan, conditions: dict, facet: str) -> tuple[str, list]:
        """The statement of a facet's (value id, documents) over a query and filters.

        A GROUP BY rather than a FACET clause: on a distributed index Sphinx
        2.2.11 runs FACET without the select list's expressions (the date
        filter's ``datefit``) and loses a ``WEIGHT()`` column.
        """
        selects, where, args = self._where(plan, conditions)
        attr = facet if facet == "month" else FACET_ATTRS[facet]
        # As few groups as there can be: a sorter of max_matches groups is
        # allocated on every shard (100,000 for years cost 30 ms a search).
        cap = DATE_GROUPS.get(attr) or self.facet_values.count(facet) + 1
        sql = (f"SELECT {', '.join(['groupby() AS v', 'COUNT(*) AS n', *selects])}"
               f" FROM {self.dist}{where} GROUP BY {attr} ORDER BY v ASC LIMIT {cap}"
               f" OPTION max_matches={max(MIN_MATCHES, cap)}, ranker=none")
        return sql, args

    # -- stored fields -----------------------------------------------------------------

    def stored(self, docs: Sequence[int]) -> list[dict]:
        return self.articles.stored(docs)

    def find(self, article_id: str) -> dict | None:
        return self.articles.find(article_id)

    def match_terms(self, plan: SphinxPlan | None, patterns: bool = False) -> frozenset[str]:
        """The query's terms in the text fields; with ``patterns``, prefixes and
        wildcards expanded against the build's vocabulary too (for the article view)."""
        if plan is None:
            return frozenset()
        if not patterns:
            return plan.marks
        words = set()
        for leaf in plan.query.leaves():
            if isinstance(leaf, (query.Prefix, query.Wildcard)):
                if leaf.fieldname in SEARCH_FIELDS:
                    words.update(expanded(leaf, self._terms.get(leaf.fieldname, [])))
                continue
            words.update(text.decode("utf-8") if isinstance(text, bytes) else text
                         for fieldname, text in leaf.iter_all_terms()
                         if fieldname in SEARCH_FIELDS)
        return frozenset(words) | plan.marks  # and "=form" for a form searched exactly

    def facet_labels(self, facet: str) -> dict[str, dict[str, str]]:
        return self.labels.get(facet, {})

    def similar_words(self, word: str, limit: int) -> list[str]:
        """Indexed terms close to ``word`` (``spelling.similar_terms``), from the
        vocabulary the build kept; their document counts from the shards."""
        return similar_terms(word, self._vocabulary, limit, self.link.document_frequencies)

    @functools.cached_property
    def _terms(self) -> dict[str, list[str]]:
        """Each field's vocabulary, sorted (``vocabulary.json``)."""
        return read_vocabulary(self.data)

    @functools.cached_property
    def _vocabulary(self) -> dict[str, list[str]]:
        return by_first_letter(t for terms in self._terms.values() for t in terms)


def _pairs(rows) -> list[tuple[int, int]]:
    """(value id, documents) of a GROUP BY's rows."""
    return [(int(v), int(n)) for v, n, *_ in rows]

