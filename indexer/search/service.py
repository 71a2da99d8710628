"""The search service: the one place the CLI, the web pages and the API ask.

``SearchService.search`` takes a ``SearchRequest`` and returns plain data in
the shape ``kartoteka search --json`` prints and ``/api/search`` serves::

    {"query", "total", "page", "per_page", "hits": [...],
     "facets": {"region", "region_group", "author", "lang", "year"}}

Facets are counted over the whole result set, and each facet ignores its
own filter (multi-select): choosing Georgia does not hide Armenia's count.
Region and region group are one dimension (a group filter means any of its
countries), and the year facet ignores the date filter. The year facet lists
the years, then ``undated`` (articles without a date) when the index holds
any; so with no date filter its counts add up to the total. The date filter
is a range, ``undated``, or both: "2019 or undated".
"""

from __future__ import annotations

import functools
import heapq
import html
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import highlight
from whoosh import index as whoosh_index

from ..engine.docsets import Docsets, ids_of
from ..engine.evaluate import Evaluator
from ..engine.schema import SEARCH_FIELDS, UNDATED
from ..engine.store import current_generation, read_build_info
from ..model import LANGUAGES
from ..text.analysis import normal_forms
from ..text.dates import parse_date_bound
from ..text.regions import GROUPS, REGIONS, expand_region_filter, region_label
from .query import KartotekaParser, QueryError, parse_query

SORTS = ("relevance", "newest", "oldest")
MAX_PER_PAGE = 100
SNIPPET_CHARS = 240
SNIPPET_SURROUND = 60  # characters of context before the first and after the last match
SNIPPET_MATCHES = 8  # matched words to look for before cutting the snippet
WALK_RATIO = 8000  # walk a result set's documents when values * docs > hits * this
PREFIX_LETTERS = 3  # inflected forms share at least this much with their index term
WORD_TAIL = r"[^\W_]*(?:['’][^\W_]+)*"  # the rest of a word, as the tokenizer sees it
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
    undated: bool = False  # articles without a date: alone, only them; with a range, or them
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    label_lang: str = "en"


@dataclass
class _Filters:
    """The request's filters, each as the bitset of documents it admits."""

    by_dimension: dict[str, int] = field(default_factory=dict)
    date_span: tuple[int | None, int | None] = (None, None)  # ordinals of the date range

    def all_but(self, dimension: str | None, docs: int) -> int:
        result = docs
        for name, allowed in self.by_dimension.items():
            if name != dimension:
                result &= allowed
        return result


class _IndexState:
    """An open generation: its searcher and docsets, loaded once."""

    def __init__(self, generation: Path):
        self.generation = generation
        self.info = read_build_info(generation)
        self.index = whoosh_index.open_dir(str(generation))
        self.searcher = self.index.searcher()
        self.docsets = Docsets(generation)
        self.evaluator = Evaluator(self.docsets, self.searcher)
        self.schema = self.index.schema  # read once: each access re-reads the TOC
        self.parser = KartotekaParser(self.schema)
        # Facet values in label order once, so a search only sorts by count.
        self.facets = {facet: dict(sorted(values.items(), key=lambda kv: kv[0].casefold()))
                       for facet, values in self.docsets.facets.items()}

    def parse(self, text: str):
        return parse_query(self.schema, text, self.parser)

    def docs_with(self, facet: str, values) -> int:
        bits = 0
        for value in values:
            bits |= self.facets[facet].get(value, 0)
        return bits


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
            try:
                self._state = _IndexState(generation)
            except OSError:
                if self._state is None:
                    raise
                # The generation went away between reading the link and opening
                # it (builds landing back to back): keep answering from the open one.
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
        """How many articles the whole index holds for each year, then ``undated``."""
        with self._lock:
            state = self._current()
            return {year: bits.bit_count()
                    for year, bits in sorted(state.facets["year"].items(), key=_year_order)}

    def export(self, request: SearchRequest, batch: int = 200):
        """``(total, rows)``: every hit of a request in its order, without snippets.

        The matching documents are found at once; ``rows`` is a generator that
        reads their stored fields in batches, so a long export does not hold
        up other searches.
        """
        _check_request(request)
        with self._lock:
            state = self._current()
            q = state.parse(request.query)
            matched = state.evaluator.matches(q) if q else state.docsets.all
            filters = _filters(state, request)
            final = filters.all_but(None, matched)
            ranked = _ordered(state, q, final, filters, request.sort, 0, final.bit_count())
            order = [d for d, _ in ranked]
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
    if start or end or request.undated:
        dates = 0
        if start or end:
            filters.date_span = (start.toordinal() if start else None,
                                 end.toordinal() if end else None)
            dates = state.docsets.date_range_bits(*filters.date_span)
        if request.undated:
            dates |= state.docsets.undated
        filters.by_dimension["date"] = dates
    return filters


def _run_search(state: _IndexState, request: SearchRequest) -> dict:
    q = state.parse(request.query)
    matched = state.evaluator.matches(q) if q else state.docsets.all
    filters = _filters(state, request)
    final = filters.all_but(None, matched)
    total = final.bit_count()
    start = (request.page - 1) * request.per_page
    hits = []
    if start < total:
        page = _ordered(state, q, final, filters, request.sort, start, request.per_page)
        hits = _hits(state, q, page, scored=q is not None and request.sort == "relevance")
    return {
        "query": request.query,
        "total": total,
        "page": request.page,
        "per_page": request.per_page,
        "hits": hits,
        "facets": _facets(state, matched, filters, request.label_lang),
    }


def _ordered(state: _IndexState, q, bits: int, filters: _Filters, sort: str, skip: int,
             count: int):
    """``count`` (docnum, score) of ``bits`` after ``skip``, in the requested order."""
    if sort == "relevance" and q is not None:
        return state.evaluator.top(q, bits, skip + count)[skip:]
    docnums = state.docsets.in_date_order(bits, sort != "oldest", skip, count, *filters.date_span)
    return [(d, None) for d in docnums]


def _hits(state: _IndexState, q, page, scored: bool) -> list[dict]:
    stored = {d: state.searcher.stored_fields(d) for d, _ in page}
    bodies = {d: fields.get("body", "") for d, fields in stored.items()}
    spans = _match_spans(state, q, [d for d, _ in page], bodies) if q is not None else {}
    hits = []
    for docnum, score in page:
        fields = stored[docnum]
        body = fields.get("body", "")
        snippet = _snippet(body, spans.get(docnum)) or _lead(body)
        hits.append(_hit_data(fields, snippet, score if scored else None))
    return hits


def _match_spans(state: _IndexState, q, docnums: list[int], bodies: dict[int, str]):
    """Where the query's words stand in each body.

    Only words that start like one of the query's index terms are looked at
    (a regular expression finds them), then confirmed through the lemma
    cache; the scan stops once there are enough matches for two fragments.
    """
    terms = frozenset(text for _, text, _, _ in state.evaluator.scoring_terms(q))
    if not terms:
        return {}
    candidates = _term_prefixes(terms)
    spans: dict[int, list] = {}
    for docnum in docnums:
        found = []
        for match in candidates.finditer(bodies[docnum]):
            if not terms.isdisjoint(normal_forms(match.group().lower())):
                found.append(match.span())
                if len(found) >= SNIPPET_MATCHES:
                    break
        spans[docnum] = found
    return spans


@functools.lru_cache(maxsize=256)
def _term_prefixes(terms: frozenset[str]) -> re.Pattern:
    """Words starting with the first letters of any term (е matching ё)."""
    prefixes = sorted({re.escape(t[:PREFIX_LETTERS]).replace("е", "[её]") for t in terms})
    return re.compile(rf"\b(?:{'|'.join(prefixes)}){WORD_TAIL}", re.IGNORECASE)


def _snippet(body: str, spans) -> str:
    """Up to two fragments of ``body`` around the matched words, HTML-escaped.

    A fragment opens a little before a match and takes in the matches that
    follow while it stays within ``SNIPPET_CHARS``; the two holding the most
    matches are shown in text order, cut at word boundaries.
    """
    if not spans:
        return ""
    spans = sorted(set(spans))
    fragments = []
    i = 0
    while i < len(spans):
        start = max(0, spans[i][0] - SNIPPET_SURROUND)
        j = i + 1
        while j < len(spans) and spans[j][1] + SNIPPET_SURROUND - start <= SNIPPET_CHARS:
            j += 1
        end = min(len(body), spans[j - 1][1] + SNIPPET_SURROUND)
        fragments.append((j - i, -i, start, end, spans[i:j]))
        i = j
    best = sorted(heapq.nlargest(2, fragments), key=lambda f: f[2])
    return " … ".join(_marked(body, start, end, marks) for _, _, start, end, marks in best)


def _marked(body: str, start: int, end: int, marks) -> str:
    """``body[start:end]`` trimmed to whole words, escaped, with ``marks`` in ``<mark>``."""
    if start > 0:
        space = body.find(" ", start, marks[0][0])
        start = space + 1 if space >= 0 else start
    if end < len(body):
        space = body.rfind(" ", marks[-1][1], end)
        end = space if space >= 0 else end
    parts, at = [], start
    for mark_start, mark_end in marks:
        parts.append(html.escape(body[at:mark_start], quote=False))
        parts.append(f"<mark>{html.escape(body[mark_start:mark_end], quote=False)}</mark>")
        at = mark_end
    parts.append(html.escape(body[at:end], quote=False))
    return " ".join("".join(parts).split())


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


def _facets(state: _IndexState, matched: int, filters: _Filters, label_lang: str) -> dict:
    members: dict[int, list[int]] = {}  # document lists of the sets walked, shared
    region_docs = filters.all_but("region", matched)
    region_counts = _counts(state, "region", region_docs, members)
    group_counts = _counts(state, "region_group", region_docs, members)
    author_counts = _counts(state, "author", filters.all_but("author", matched), members)
    lang_counts = _counts(state, "lang", filters.all_but("lang", matched), members)
    year_counts = _counts(state, "year", filters.all_but("date", matched), members)
    return {
        "region": _by_count(sorted(
            ((r.slug, r.label(label_lang), region_counts.get(r.slug, 0)) for r in REGIONS),
            key=lambda e: e[1].casefold())),
        "region_group": _by_count(sorted(
            ((g.slug, g.label(label_lang), group_counts.get(g.slug, 0)) for g in GROUPS),
            key=lambda e: e[1].casefold())),
        "author": _by_count([(a, a, n) for a, n in author_counts.items()]),
        "lang": _by_count(sorted(
            ((code, LANGUAGE_LABELS.get(label_lang, LANGUAGE_LABELS["en"])[code],
              lang_counts.get(code, 0)) for code in LANGUAGES), key=lambda e: e[1].casefold())),
        "year": [{"value": y, "label": y, "count": n}
                 for y, n in sorted(year_counts.items(), key=_year_order)],
    }


def _year_order(item: tuple[str, object]) -> tuple[bool, str]:
    """Years in order, then ``undated``."""
    return item[0] == UNDATED, item[0]


def _counts(state: _IndexState, facet: str, docs: int, members: dict) -> dict[str, int]:
    """Documents of ``docs`` per value of a facet, every value listed.

    A large set is counted with one bitset AND per value; a small one by
    walking its documents' values, when that is fewer steps.
    """
    values = state.facets[facet]
    column = state.docsets.columns[facet]
    if column.present and docs.bit_count() * WALK_RATIO < len(values) * state.docsets.total:
        if docs not in members:
            members[docs] = ids_of(docs)
        counted = column.count(docs, members[docs])
        return {value: counted.get(value, 0) for value in values}
    return {value: (bits & docs).bit_count() for value, bits in values.items()}


def _by_count(entries: list[tuple[str, str, int]]) -> list[dict]:
    ordered = sorted(entries, key=lambda e: -e[2])  # stable: ties keep label order
    return [{"value": v, "label": label, "count": n} for v, label, n in ordered]


def _query_words(state: _IndexState, query_text: str) -> frozenset[str]:
    """The index terms a query matches in title and body, patterns expanded."""
    try:
        q = state.parse(query_text)
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
        text, terms, state.schema["body"].analyzer,
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
