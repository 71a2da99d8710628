"""The search service: the one place the CLI, the web pages and the API ask.

``SearchService.search`` takes a ``SearchRequest`` and returns plain data in
the shape ``kartoteka search --json`` prints and ``/api/search`` serves::

    {"query", "total", "page", "per_page", "hits": [...],
     "facets": {"region", "region_group", "author", "lang", "year"}}

Facets are counted over the whole result set, and each facet ignores its
own filter (multi-select): choosing Georgia does not hide Armenia's count.
Region and region group are one dimension (a group filter means any of its
countries), and the year facet ignores the date range.
"""

from __future__ import annotations

import datetime as dt
import html
import threading
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import highlight, index as whoosh_index, query, sorting

from .build import current_generation, read_build_info
from .dates import parse_date_bound
from .model import LANGUAGES
from .query import QueryError, parse_query
from .regions import GROUPS, REGIONS, expand_region_filter, region_label
from .schema import FACET_FIELDS, SEARCH_FIELDS

SORTS = ("relevance", "newest", "oldest")
MAX_PER_PAGE = 100
SNIPPET_CHARS = 240
LANGUAGE_LABELS = {"en": {"en": "English", "ru": "Russian"},
                   "ru": {"en": "Английский", "ru": "Русский"}}


class MarkFormatter(highlight.Formatter):
    """HTML-escaped text with matched words in ``<mark>``."""

    between = " … "

    def _text(self, text):
        return html.escape(text, quote=False)

    def format_token(self, text, token, replace=False):
        return f"<mark>{html.escape(highlight.get_text(text, token, replace), quote=False)}</mark>"


@dataclass(frozen=True)
class SearchRequest:
    """What a researcher asked for: query, filters, sort and page."""

    query: str = ""
    regions: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    label_lang: str = "en"


@dataclass
class _Filters:
    """The request's filters, each as the set of docnums it admits."""

    by_dimension: dict[str, set[int]] = field(default_factory=dict)

    def all_but(self, dimension: str | None, docs: set[int]) -> set[int]:
        result = docs
        for name, allowed in self.by_dimension.items():
            if name != dimension:
                result = result & allowed
        return result


class _IndexState:
    """An open generation: its searcher and facet postings, loaded once."""

    def __init__(self, generation: Path):
        self.generation = generation
        self.info = read_build_info(generation)
        self.index = whoosh_index.open_dir(str(generation))
        self.searcher = self.index.searcher()
        reader = self.searcher.reader()
        self.all_docs = set(reader.all_doc_ids())
        self.postings = {
            facet: {
                value.decode("utf-8") if isinstance(value, bytes) else value:
                    set(reader.postings(fieldname, value).all_ids()) & self.all_docs
                for value in reader.lexicon(fieldname)
            }
            for facet, fieldname in FACET_FIELDS.items()
        }

    def docs_with(self, facet: str, values) -> set[int]:
        postings = self.postings[facet]
        result: set[int] = set()
        for value in values:
            result |= postings.get(value, set())
        return result


class SearchService:
    """Searches the current generation of an index folder.

    The open searcher is reused across calls and replaced when a rebuild
    has moved the index's ``current`` link.
    """

    def __init__(self, index_dir: str | Path):
        self.index_dir = Path(index_dir)
        self._state: _IndexState | None = None
        self._lock = threading.RLock()

    def _current(self) -> _IndexState:
        generation = current_generation(self.index_dir)
        if generation is None:
            raise FileNotFoundError(
                f"no index in {self.index_dir}: build one with 'kartoteka index SOURCE'")
        if self._state is None or self._state.generation != generation:
            self._state = _IndexState(generation)
        return self._state

    def info(self) -> dict:
        """The build information of the index being served."""
        with self._lock:
            return dict(self._current().info)

    def search(self, request: SearchRequest) -> dict:
        """Answer a request; raises ``QueryError`` for a request it cannot read."""
        _check_request(request)
        with self._lock:
            state = self._current()
            return _run_search(state, request)

    def articles_per_year(self) -> dict[str, int]:
        """How many articles the whole index holds for each year."""
        with self._lock:
            state = self._current()
            return {year: len(docs) for year, docs in sorted(state.postings["year"].items())}

    def export(self, request: SearchRequest, batch: int = 200):
        """``(total, rows)``: every hit of a request in its order, without snippets.

        The matching documents are found at once; ``rows`` is a generator that
        reads their stored fields in batches, so a long export does not hold
        up other searches.
        """
        _check_request(request)
        with self._lock:
            state = self._current()
            q = parse_query(state.index.schema, request.query)
            final = _filters(state, request).all_but(
                None, set(state.searcher.docs_for_query(q)) if q else state.all_docs)
            results = state.searcher.search(
                q or query.Every(), filter=final, limit=None,
                sortedby=_sorted_by(request.sort, q is not None)) if final else None
            order = [docnum for _, docnum in results.top_n] if results else []
        return len(order), self._export_rows(state, order, batch)

    def _export_rows(self, state: _IndexState, order: list[int], batch: int):
        for start in range(0, len(order), batch):
            with self._lock:
                rows = [_hit_data(state.searcher.stored_fields(n), snippet="", score=None)
                        for n in order[start:start + batch]]
            yield from rows

    def article(self, article_id: str, query_text: str = "", label_lang: str = "en") -> dict | None:
        """One article with its whole text, query words marked; ``None`` if unknown."""
        with self._lock:
            state = self._current()
            docnum = state.searcher.document_number(id=article_id)
            if docnum is None:
                return None
            stored = state.searcher.stored_fields(docnum)
            data = _hit_data(stored, snippet="", score=None)
            terms = _query_words(state, query_text)
            data["paragraphs_html"] = [
                _highlight_all(state, paragraph, terms)
                for paragraph in stored.get("body", "").split("\n\n")
            ]
            data["title_html"] = _highlight_all(state, stored.get("title", ""), terms)
            data["body"] = stored.get("body", "")
            data["region_source"] = stored.get("region_source")
            data["region_labels"] = [region_label(r, label_lang) for r in data["regions"]]
            data["translation"] = _translation(state, stored.get("translation"))
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


def _date_range(request: SearchRequest):
    try:
        start = parse_date_bound(request.date_from) if request.date_from else None
        end = parse_date_bound(request.date_to, end=True) if request.date_to else None
    except ValueError as error:
        raise QueryError(str(error)) from None
    if start and end and start > end:
        raise QueryError("the 'from' date is after the 'to' date")
    return start, end


def _filters(state: _IndexState, request: SearchRequest) -> _Filters:
    filters = _Filters()
    if request.regions:
        try:
            slugs = expand_region_filter(request.regions)
        except ValueError as error:
            raise QueryError(f"{error}: see the region list in the README") from None
        filters.by_dimension["region"] = state.docs_with("region", slugs)
    if request.authors:
        filters.by_dimension["author"] = state.docs_with("author", request.authors)
    if request.langs:
        filters.by_dimension["lang"] = state.docs_with("lang", request.langs)
    start, end = _date_range(request)
    if start or end:
        dates = query.DateRange(
            "date",
            dt.datetime.combine(start, dt.time()) if start else None,
            dt.datetime.combine(end, dt.time.max) if end else None)
        filters.by_dimension["date"] = set(state.searcher.docs_for_query(dates))
    return filters


def _run_search(state: _IndexState, request: SearchRequest) -> dict:
    q = parse_query(state.index.schema, request.query)
    matched = set(state.searcher.docs_for_query(q)) if q else state.all_docs
    filters = _filters(state, request)
    final = filters.all_but(None, matched)
    hits = _page_of_hits(state, q, final, request) if final else []
    return {
        "query": request.query,
        "total": len(final),
        "page": request.page,
        "per_page": request.per_page,
        "hits": hits,
        "facets": _facets(state, matched, filters, request.label_lang),
    }


def _sorted_by(sort: str, has_query: bool):
    if sort == "relevance" and has_query:
        return None
    newest = sort != "oldest"
    # Undated articles go last in both date orders.
    return [sorting.FieldFacet("undated"), sorting.FieldFacet("date", reverse=newest)]


def _page_of_hits(state, q, final: set[int], request: SearchRequest) -> list[dict]:
    start = (request.page - 1) * request.per_page
    if start >= len(final):
        return []
    results = state.searcher.search(
        q or query.Every(), filter=final, limit=start + request.per_page,
        sortedby=_sorted_by(request.sort, q is not None), terms=q is not None)
    results.fragmenter = highlight.PinpointFragmenter(
        maxchars=SNIPPET_CHARS, surround=60, autotrim=True)
    results.formatter = MarkFormatter()
    hits = []
    for hit in results[start:start + request.per_page]:
        stored = hit.fields()
        snippet = " ".join(hit.highlights("body", top=2).split()) if q is not None else ""
        hits.append(_hit_data(stored, snippet or _lead(stored.get("body", "")),
                              hit.score if q is not None and request.sort == "relevance" else None))
    return hits


def _lead(body: str) -> str:
    """The start of the body, cut at a word, HTML-escaped."""
    text = " ".join(body.split())
    if len(text) > SNIPPET_CHARS:
        text = text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    return html.escape(text, quote=False)


def _hit_data(stored: dict, snippet: str, score) -> dict:
    return {
        "id": stored["id"],
        "url": stored.get("url"),
        "lang": stored.get("lang"),
        "title": stored.get("title", ""),
        "authors": stored.get("authors", []),
        "date": stored.get("published"),
        "regions": stored.get("regions", []),
        "topics": stored.get("topics", []),
        "source": stored.get("source"),
        "snippet": snippet,
        "score": round(score, 4) if score is not None else None,
    }


def _facets(state: _IndexState, matched: set[int], filters: _Filters, label_lang: str) -> dict:
    region_docs = filters.all_but("region", matched)
    region_counts = _counts(state, "region", region_docs)
    group_counts = _counts(state, "region_group", region_docs)
    author_counts = _counts(state, "author", filters.all_but("author", matched))
    lang_counts = _counts(state, "lang", filters.all_but("lang", matched))
    year_counts = _counts(state, "year", filters.all_but("date", matched))
    return {
        "region": _by_count([(r.slug, r.label(label_lang), region_counts.get(r.slug, 0))
                             for r in REGIONS]),
        "region_group": _by_count([(g.slug, g.label(label_lang), group_counts.get(g.slug, 0))
                                   for g in GROUPS]),
        "author": _by_count([(a, a, n) for a, n in author_counts.items()]),
        "lang": _by_count([(code, LANGUAGE_LABELS[label_lang if label_lang in LANGUAGE_LABELS
                                                  else "en"][code], lang_counts.get(code, 0))
                           for code in LANGUAGES]),
        "year": [{"value": y, "label": y, "count": n} for y, n in sorted(year_counts.items())],
    }


def _counts(state: _IndexState, facet: str, docs: set[int]) -> dict[str, int]:
    return {value: len(postings & docs) for value, postings in state.postings[facet].items()}


def _by_count(entries: list[tuple[str, str, int]]) -> list[dict]:
    ordered = sorted(entries, key=lambda e: (-e[2], e[1].casefold()))
    return [{"value": v, "label": label, "count": n} for v, label, n in ordered]


def _query_words(state: _IndexState, query_text: str) -> frozenset[str]:
    """The index terms a query matches in title and body, patterns expanded."""
    try:
        q = parse_query(state.index.schema, query_text)
    except QueryError:
        return frozenset()
    if q is None:
        return frozenset()
    # Not Query.existing_terms: it skips fields after the first (whoosh-reloaded 2.7.5).
    reader = state.searcher.reader()
    words = set()
    for leaf in q.leaves():
        for fieldname, text in leaf.expanded_terms(reader):
            if fieldname in SEARCH_FIELDS:
                words.add(text.decode("utf-8") if isinstance(text, bytes) else text)
    return frozenset(words)


def _highlight_all(state: _IndexState, text: str, terms: frozenset[str]) -> str:
    if not terms or not text:
        return html.escape(text, quote=False)
    marked = highlight.highlight(
        text, terms, state.index.schema["body"].analyzer,
        highlight.WholeFragmenter(), MarkFormatter(), top=1)
    return marked or html.escape(text, quote=False)


def _translation(state: _IndexState, translation_id: str | None) -> dict | None:
    if not translation_id:
        return None
    docnum = state.searcher.document_number(id=translation_id)
    if docnum is None:
        return None
    stored = state.searcher.stored_fields(docnum)
    return {"id": stored["id"], "lang": stored.get("lang"), "title": stored.get("title", "")}
