"""The search service: the one place the CLI, the web pages and the API ask.

``SearchService.search`` takes a ``SearchRequest`` and returns plain data in
the shape ``kartoteka search --json`` prints and ``/api/search`` serves::

    {"query", "total", "match", "counted": {"typed", "readings", "translations"},
     "page", "per_page", "hits": [...],
     "facets": {"region", "region_group", "author", "lang", "year", "topic", "outlet"},
     "suggestion": {"query", "total"} or None,
     "expansions": [{"word", "added", "why"}],
     "readings": {"word": [normal forms]}}

``expansions`` says what each query word was also searched as in the other
language: a region's other names, a name's other spelling, glossary words,
pairs learned from the corpus (``SearchRequest.cross``, on by default).
``counted`` splits the total into the articles found by the words as typed
(or their likely reading), those found only through another reading, and
those only through the other language; ``match`` (``SearchRequest.match``)
counts one part alone, facets and exports alike.
``readings`` lists, for each ambiguous Russian word, the dictionary readings
it was searched as, the most probable first (that one ranks higher).
Each hit lists its ``copies`` (other ids and URLs of the same article).

``suggestion`` ("did you mean") is a repaired query that finds hits, offered
only when a plain query finds nothing (``search.suggest``).

Facets are counted over the whole result set, and each facet ignores its
own filter (multi-select): choosing Georgia does not hide Armenia's count.
Region and region group are one dimension (a group filter means any of its
countries), and the year facet ignores the date filter. The year facet lists
the years, then ``undated`` (articles without a date) when the index holds
any; so with no date filter its counts add up to the total. The date filter
is a range, ``undated``, or both: "2019 or undated".
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from ..engine.contract import Engine, Filters, Generation
from ..engine.phrases import query_marks
from ..engine.query import MATCHES, TIER_KINDS
from ..errors import QueryError
from ..model import LANGUAGES
from ..text.dates import parse_date_bound
from ..text.regions import expand_region_filter
from .concordance import SORTS as CONCORDANCE_SORTS
from .concordance import lines_of, sort_key
from .results import facet_lists, hit_data, hits_of, year_order
from .snippets import marked_all
from .suggest import suggest
from .timeline import timeline

SORTS = ("relevance", "newest", "oldest")
MAX_PER_PAGE = 100
MAX_CONCORDANCE_LINES = 20_000  # a concordance's lines at most (the CSV too)


@dataclass(frozen=True)
class SearchRequest:
    """What a researcher asked for: query, filters, sort and page."""

    query: str = ""
    regions: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()  # an outlet by any of its names or hosts
    date_from: str | None = None
    date_to: str | None = None
    undated: bool = False  # articles without a date: alone, only them; with a range, or them
    cross: bool = True  # region names also searched under their names in the other language
    match: str = "all"  # which of a word's tiers count: all, or only one part (MATCHES)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20


class _Lease:
    """An open generation and how many requests use it, so the one a rebuild
    replaced is closed when its last reader (a long export, say) is done."""

    def __init__(self, generation: Generation):
        self.generation = generation
        self.users = 0
        self.retired = False

    def release(self) -> None:
        self.users -= 1
        if self.retired and self.users == 0:
            self.generation.close()


class SearchService:
    """Searches the current generation of an index folder.

    The open generation is reused across calls and replaced when a rebuild
    has moved the index on; the replaced one is closed once no request uses
    it any more (Whoosh's ``Searcher.refresh()`` does the same).
    """

    def __init__(self, index_dir: str | Path, engine: Engine | None = None):
        self.index_dir = Path(index_dir)
        if engine is None:
            from ..engine.registry import engine_for

            engine = engine_for(self.index_dir)
        self.engine = engine
        self._lease: _Lease | None = None
        self._lock = threading.RLock()

    def _current(self) -> _Lease:
        key = self.engine.current(self.index_dir)
        if key is None:
            raise FileNotFoundError(
                f"no index in {self.index_dir}: build one with 'kartoteka index SOURCE'")
        if self._lease is None or self._lease.generation.key != key:
            try:
                opened = _Lease(self.engine.open(self.index_dir, key))
            except OSError:
                if self._lease is None:
                    raise
                # The generation went away between reading the link and opening
                # it (builds landing back to back): keep answering from the open one.
                return self._lease
            old, self._lease = self._lease, opened
            if old is not None:
                old.retired = True
                old.users += 1
                old.release()
        return self._lease

    def close(self) -> None:
        """Close the open generation (when no export still reads it)."""
        with self._lock:
            if self._lease is not None:
                self._lease.retired = True
                self._lease.users += 1
                self._lease.release()
                self._lease = None

    def info(self) -> dict:
        """The build information of the index being served."""
        with self._lock:
            return dict(self._current().generation.info)

    def search(self, request: SearchRequest) -> dict:
        """Answer a request; raises ``QueryError`` for a request it cannot read."""
        _check_request(request)
        with self._lock:
            generation = self._current().generation
            query = generation.parse(request.query, cross=request.cross, match=request.match)
            offset = (request.page - 1) * request.per_page
            filters = _filters(request)
            results = generation.search(query, filters, request.sort, offset, request.per_page)
            scored = query is not None and request.sort == "relevance"
            suggestion = None
            if results.total == 0 and query is not None:
                suggestion = _suggestion(generation, request)
            return {
                "query": request.query,
                "total": results.total,
                "match": request.match,
                "counted": _counted(generation, request, query, filters, results.total),
                "page": request.page,
                "per_page": request.per_page,
                "hits": hits_of(generation, query, results.page, scored),
                "facets": facet_lists(results.facets, generation.facet_labels("author"),
                                      generation.facet_labels("topic"),
                                      generation.facet_labels("outlet")),
                "suggestion": suggestion,
                "expansions": query.expansions if query is not None else [],
                "readings": query.readings if query is not None else {},
            }

    def timeline(self, queries: list[str], request: SearchRequest, by: str = "year",
                 by_language: bool = False) -> dict:
        """Each query's articles per year or month under the request's filters,
        with every period's total and the share (``search.timeline``)."""
        _check_request(request)
        with self._lock:
            generation = self._current().generation
            return timeline(generation, queries, _filters(request), by, by_language,
                            request.cross, request.match)

    def concordance(self, request: SearchRequest, order: str = "text",
                    max_lines: int = MAX_CONCORDANCE_LINES) -> dict:
        """Every occurrence of the query's words in the matching articles, in
        context (``search.concordance``): ``{"query", "articles", "lines",
        "complete"}``; at most ``max_lines`` lines, ``complete`` when none was left out."""
        _check_request(request)
        if order not in CONCORDANCE_SORTS:
            raise QueryError(f"unknown order {order!r}: use one of {', '.join(CONCORDANCE_SORTS)}")
        if not request.query.strip():
            raise QueryError("a concordance needs words to look for")
        with self._lock:
            lease = self._current()
            generation = lease.generation
            plan = generation.parse(request.query, cross=request.cross, match=request.match)
            docs = [doc for doc, _ in generation.order(plan, _filters(request), request.sort)]
            marks = query_marks(plan.query, generation.match_terms(plan, patterns=True))
            lease.users += 1
        lines, complete = [], True
        try:
            for start in range(0, len(docs), 100):
                with self._lock:
                    stored = lease.generation.stored(docs[start:start + 100])
                for fields in stored:
                    lines += lines_of(fields, marks)
                if len(lines) >= max_lines:
                    complete = len(lines) == max_lines and start + 100 >= len(docs)
                    lines = lines[:max_lines]
                    break
        finally:
            with self._lock:
                lease.release()
        key = sort_key(order)
        if key is not None:
            lines.sort(key=key)
        return {"query": request.query, "match": request.match, "articles": len(docs),
                "lines": lines, "complete": complete}

    def articles_per_year(self) -> dict[str, int]:
        """How many articles the whole index holds for each year, then ``undated``."""
        with self._lock:
            totals = self._current().generation.facet_totals("year")
            return dict(sorted(totals.items(), key=year_order))

    def export(self, request: SearchRequest, batch: int = 200, snippets: bool = False):
        """``(total, rows)``: every hit of a request in its order; with ``snippets``,
        each with its snippet and score as a search page gives them.

        The matching documents are found at once; ``rows`` is a generator that
        reads their stored fields in batches, so a long export does not hold
        up other searches.
        """
        _check_request(request)
        with self._lock:
            lease = self._current()
            generation = lease.generation
            query = generation.parse(request.query, cross=request.cross, match=request.match)
            order = generation.order(query, _filters(request), request.sort)
            lease.users += 1
        scored = query is not None and request.sort == "relevance"
        return len(order), self._export_rows(lease, order, batch, query, scored, snippets)

    def _export_rows(self, lease: _Lease, order: list, batch: int, query, scored: bool,
                     snippets: bool):
        try:
            for start in range(0, len(order), batch):
                part = order[start:start + batch]
                with self._lock:
                    if snippets:
                        rows = hits_of(lease.generation, query, part, scored)
                    else:
                        rows = [hit_data(fields, snippet="", score=None) for fields in
                                lease.generation.stored([doc for doc, _ in part])]
                yield from rows
        finally:
            with self._lock:
                lease.release()

    def article(self, article_id: str, query_text: str = "") -> dict | None:
        """One article with its whole text, query words marked; ``None`` if unknown."""
        with self._lock:
            generation = self._current().generation
            stored = generation.find(article_id)
            if stored is None:
                return None
            data = hit_data(stored, snippet="", score=None)
            try:
                plan = generation.parse(query_text)
                marks = query_marks(plan and plan.query,
                                    generation.match_terms(plan, patterns=True))
            except QueryError:
                marks = query_marks(None, frozenset())
            data["paragraphs_html"] = [marked_all(paragraph, marks.words, marks.phrases)
                                       for paragraph in stored.get("body", "").split("\n\n")]
            data["title_html"] = marked_all(stored.get("title", ""), marks.words, marks.phrases)
            data["body"] = stored.get("body", "")
            data["region_source"] = stored.get("region_source")
            data["translation"] = _translation(generation, stored.get("translation"))
            data["copy_of"] = stored.get("copy_of")
            return data


def _check_request(request: SearchRequest) -> None:
    if request.sort not in SORTS:
        raise QueryError(f"unknown sort {request.sort!r}: use one of {', '.join(SORTS)}")
    if request.page < 1:
        raise QueryError("page numbers start at 1")
    if not 1 <= request.per_page <= MAX_PER_PAGE:
        raise QueryError(f"page size must be between 1 and {MAX_PER_PAGE}")
    for lang in request.langs:
        if lang not in LANGUAGES:
            raise QueryError(f"unknown language {lang!r}: use en or ru")
    if request.match not in MATCHES:
        raise QueryError(f"unknown match {request.match!r}: use one of {', '.join(MATCHES)}")


def _filters(request: SearchRequest) -> Filters:
    """The request's filters as the engine takes them: checked, regions expanded."""
    try:
        start = parse_date_bound(request.date_from) if request.date_from else None
        end = parse_date_bound(request.date_to, end=True) if request.date_to else None
    except ValueError as error:
        raise QueryError(str(error)) from None
    if start and end and start > end:
        raise QueryError("the 'from' date is after the 'to' date")
    regions: tuple[str, ...] = ()
    if request.regions:
        try:
            regions = tuple(expand_region_filter(request.regions))
        except ValueError as error:
            raise QueryError(f"{error}: 'kartoteka regions' lists the names") from None
    return Filters(regions=regions, authors=tuple(request.authors), langs=tuple(request.langs),
                   topics=tuple(request.topics), outlets=tuple(request.outlets),
                   date_start=start.toordinal() if start else None,
                   date_end=end.toordinal() if end else None, undated=request.undated)


def _counted(generation: Generation, request: SearchRequest, query, filters: Filters,
              total: int) -> dict[str, int]:
    """The total in its parts (``typed`` + ``readings`` + ``translations``): the
    articles found by the words as typed or their likely reading, those found
    only through another reading, and those only through the other language."""
    parts = dict.fromkeys(TIER_KINDS, 0)
    if request.match != "all":
        parts[request.match] = total
        return parts
    held = query.kinds if query is not None else frozenset()
    if not held - {"typed"}:
        parts["typed"] = total
        return parts
    asked = [kind for kind in TIER_KINDS[:-1] if kind in held]
    plans = [generation.parse(request.query, cross=request.cross, match=kind) for kind in asked]
    parts.update(zip(asked, generation.counts(plans, filters)))
    parts[TIER_KINDS[-1]] = total - sum(parts.values())
    return parts


def _suggestion(generation: Generation, request: SearchRequest) -> dict | None:
    """"Did you mean": a repaired query that finds hits under the same filters."""
    filters = _filters(request)

    def count(text: str) -> int:
        try:
            query = generation.parse(text, cross=request.cross)
        except QueryError:
            return 0
        return 0 if query is None else generation.search(query, filters, "newest", 0, 1).total

    def translate(text: str) -> list[str]:
        try:
            query = generation.parse(text, cross=True)
        except QueryError:
            return []
        first: dict[str, str] = {}
        for expansion in query.expansions if query is not None else []:
            first.setdefault(expansion["word"], expansion["added"][0])
        return [" ".join(first.get(w, w) for w in text.split())] if first else []

    return suggest(request.query, count, generation.similar_words, translate)


def _translation(generation: Generation, translation_id: str | None) -> dict | None:
    if not translation_id:
        return None
    stored = generation.find(translation_id)
    if stored is None:
        return None
    return {"id": stored["id"], "lang": stored.get("lang"), "title": stored.get("title", "")}
