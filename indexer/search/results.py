"""A search's answer as plain data: hits with snippets, and facets as lists.

What ``SearchService`` returns is built here from what the engine gave back
(documents, scores, counts), so every surface shows the same fields.
"""

from __future__ import annotations

from ..engine.contract import Generation
from ..engine.phrases import query_marks
from ..engine.schema import UNDATED
from ..model import LANGUAGES
from ..text.regions import GROUPS, REGIONS
from .snippets import find_spans, lead, make_snippet, marked_all

SNIPPET_MATCHES = 8  # matched words to look for before cutting the snippet


def hits_of(generation: Generation, query, page, scored: bool) -> list[dict]:
    stored = generation.stored([d for d, _ in page])
    marks = query_marks(query and query.query,
                        generation.match_terms(query) if query is not None else frozenset())
    hits = []
    for (_, score), fields in zip(page, stored):
        body = fields.get("body", "")
        spans = find_spans(body, marks.words, SNIPPET_MATCHES, marks.phrases)
        snippet = make_snippet(body, spans) or lead(body)
        hit = hit_data(fields, snippet, score if scored else None)
        # The title as HTML with the query's words marked: a hit that matched
        # in its title alone shows why it is there.
        hit["title_html"] = marked_all(hit["title"], marks.words, marks.phrases)
        hits.append(hit)
    return hits


def hit_data(stored: dict, snippet: str, score) -> dict:
    return {
        "id": stored["id"],
        "url": stored.get("url"),
        "lang": stored.get("lang"),
        "title": stored.get("title", ""),
        "authors": stored.get("authors", []),
        "date": stored.get("published"),
        "regions": stored.get("regions", []),
        "topics": stored.get("topics", []),
        "outlet": stored.get("outlet") or "",
        "source": stored.get("source"),
        "snippet": snippet,
        "score": round(score, 4) if score is not None else None,
        "copies": stored.get("copies", []),
    }


def facet_lists(counts: dict[str, dict[str, int]], author_labels: dict,
            topic_labels: dict | None = None, outlet_labels: dict | None = None) -> dict:
    """Every value of each facet with its count: regions and languages all listed
    (zeros too), authors and years as the index has them; by count, years by year.
    An author whose name is spelled in both scripts, and a topic named in both
    languages ("Politics", «Политика»), and an outlet with a name in each script
    ("Azattyk", «Азаттык»), has its ``labels`` by language."""
    authors, topics = _by_count(counts["author"]), _by_count(counts["topic"])
    outlets = _by_count(counts["outlet"])
    for entries, labels in ((authors, author_labels), (topics, topic_labels or {}),
                            (outlets, outlet_labels or {})):
        for entry in entries:
            if entry["value"] in labels:
                entry["labels"] = labels[entry["value"]]
    return {
        "region": _by_count({r.slug: counts["region"].get(r.slug, 0) for r in REGIONS}),
        "region_group": _by_count({g.slug: counts["region_group"].get(g.slug, 0) for g in GROUPS}),
        "author": authors,
        "lang": _by_count({code: counts["lang"].get(code, 0) for code in LANGUAGES}),
        "year": [{"value": y, "count": n} for y, n in sorted(counts["year"].items(), key=year_order)],
        "topic": topics,
        "outlet": outlets,
    }


def year_order(item: tuple[str, object]) -> tuple[bool, str]:
    """Years in order, then ``undated``."""
    return item[0] == UNDATED, item[0]


def _by_count(counts: dict[str, int]) -> list[dict]:
    ordered = sorted(counts.items(), key=lambda item: -item[1])  # stable: ties keep their order
    return [{"value": value, "count": n} for value, n in ordered]
