"""Page data as plain dicts: what the templates render, built from the service's result."""

from __future__ import annotations

import math
import re
import time

from werkzeug.datastructures import MultiDict

from indexer import (GROUPS, REGIONS, UNDATED, QueryError, SearchService, labelled_facets,
                     region_label)

from .i18n import TEXT, format_date, ui_language
from .params import query_string, search_request, state, toggled, with_changes, without

CHART_HEIGHT = 80
PAGE_WINDOW = 2
AUTHORS_LISTED = 100  # authors behind "Show all", by number of hits


def search_page(service: SearchService, args: MultiDict, per_page: int, authors_shown: int) -> dict:
    """Everything the search page shows, for the given URL parameters."""
    ui = ui_language(args.get("ui"))
    current = state(args)
    page = {"ui": ui, "t": TEXT[ui], "args": current, "q": current.get("q", ""),
            "sort": current.get("sort", "relevance"), "error": None, "result": None,
            "other_ui_url": query_string(_switch_ui(current, ui))}
    try:
        request = search_request(current, per_page)
        started = time.perf_counter()
        result = service.search(request)
        result["facets"] = labelled_facets(result["facets"], ui)
    except QueryError as error:
        page["error"] = str(error)
        return page
    page["took_ms"] = max(1, round((time.perf_counter() - started) * 1000))
    page["result"] = result
    page["hits"] = [_hit_view(hit, current, ui) for hit in result["hits"]]
    page["regions"] = _region_tree(result, current)
    page["authors"] = _author_facet(result, current, authors_shown)
    page["langs"] = _simple_facet(result["facets"]["lang"], current, "lang")
    page["years"] = _year_chart(result, service.articles_per_year(), current, ui)
    page["chips"] = _chips(current, ui)
    page["clear_url"] = query_string(MultiDict(
        [(k, v) for k, v in current.items(multi=True) if k in ("q", "ui", "sort", "chart")]))
    page["pagination"] = _pagination(result, current)
    page["sort_urls"] = {s: query_string(with_changes(current, sort=s))
                         for s in ("relevance", "newest", "oldest")}
    page["export_args"] = query_string(without(current, "page"))
    page["expansions"] = result["expansions"]
    page["readings"] = [{"word": word, "forms": forms,
                         "url": query_string(with_changes(current, q=_exact(result["query"], word)))}
                        for word, forms in result.get("readings", {}).items()]
    page["cross"] = request.cross
    page["cross_url"] = query_string(with_changes(current, cross=None if not request.cross
                                                  else "0"))
    suggestion = result.get("suggestion")
    page["suggestion"] = suggestion and dict(
        suggestion, url=query_string(with_changes(current, q=suggestion["query"])))
    return page


def _switch_ui(current: MultiDict, ui: str) -> MultiDict:
    switched = MultiDict(current)
    switched.setlist("ui", ["ru" if ui == "en" else "en"])
    return switched


def _hit_view(hit: dict, current: MultiDict, ui: str) -> dict:
    return dict(hit,
                date_text=format_date(hit["date"], ui),
                region_labels=[region_label(r, ui) for r in hit["regions"]],
                link_args=query_string(current))


def _entry(entry: dict, current: MultiDict, key: str) -> dict:
    selected = entry["value"] in current.getlist(key)
    return dict(entry, selected=selected, url=query_string(toggled(current, key, entry["value"])))


def _region_tree(result: dict, current: MultiDict) -> list[dict]:
    regions = {e["value"]: e for e in result["facets"]["region"]}
    groups = {e["value"]: e for e in result["facets"]["region_group"]}
    tree = []
    for group in GROUPS:
        node = _entry(groups[group.slug], current, "region")
        node["children"] = [_entry(regions[r.slug], current, "region")
                            for r in REGIONS if r.group == group.slug]
        for child in node["children"]:
            child["implied"] = node["selected"] and not child["selected"]
        tree.append(node)
    return tree


def _simple_facet(entries: list[dict], current: MultiDict, key: str) -> list[dict]:
    return [_entry(e, current, key) for e in entries]


def _author_facet(result: dict, current: MultiDict, shown: int) -> dict:
    """The top authors, then (behind "Show all") the others with hits, at most ``AUTHORS_LISTED``.

    An archive has hundreds of authors: links for all of them, most with no
    hits, would make every results page heavy to send and to read.
    """
    selected = set(current.getlist("author"))
    facet = result["facets"]["author"]
    with_hits = [e for e in facet if e["count"] or e["value"] in selected]
    top = [_entry(e, current, "author") for e in with_hits[:shown]]
    top += [_entry(e, current, "author") for e in with_hits[shown:] if e["value"] in selected]
    others = [e for e in with_hits[shown:] if e["value"] not in selected]
    rest = [_entry(e, current, "author") for e in others[:AUTHORS_LISTED]]
    return {"top": top, "rest": rest, "total": len(with_hits),
            "unlisted": len(others) - len(rest)}


def _year_chart(result: dict, per_year: dict[str, int], current: MultiDict, ui: str) -> dict:
    counts = {e["value"]: e["count"] for e in result["facets"]["year"]}
    years = sorted(y for y in per_year if y != UNDATED)
    share_mode = current.get("chart") == "share"
    date_from, date_to = current.get("from", ""), current.get("to", "")
    bars = []
    if years:
        span = range(int(years[0]), int(years[-1]) + 1)
        values = []
        for year in map(str, span):
            count, total = counts.get(year, 0), per_year.get(year, 0)
            share = count / total if total else 0.0
            values.append((year, count, total, share))
        top = max((v[3] if share_mode else v[1]) for v in values) or 1
        width = 100 / len(values)
        for i, (year, count, total, share) in enumerate(values):
            value = share if share_mode else count
            height = round(CHART_HEIGHT * value / top, 1)
            in_range = (not date_from or year >= date_from[:4]) and (not date_to or year <= date_to[:4])
            bars.append({
                "year": year, "count": count, "total": total, "share": round(share * 100),
                "x": round(i * width, 3), "width": round(width * 0.8, 3),
                "y": round(CHART_HEIGHT - height, 1), "height": height,
                "selected": bool(date_from or date_to) and in_range,
                "url": query_string(with_changes(current, from_=year, to=year)),
            })
    return {
        "bars": bars, "undated": _undated_entry(counts, per_year, current, ui),
        "height": CHART_HEIGHT, "share_mode": share_mode,
        "count_url": query_string(_chart(current, None)),
        "share_url": query_string(_chart(current, "share")),
        "from": date_from, "to": date_to,
        "hidden": [(k, v) for k, v in current.items(multi=True) if k not in ("from", "to", "page")],
    }


def _undated_entry(counts: dict[str, int], per_year: dict[str, int], current: MultiDict,
                   ui: str) -> dict | None:
    """The year facet's link for articles without a date (when the index has any).

    It toggles ``undated=1``, keeping any date range: "2019 or undated".
    """
    if not per_year.get(UNDATED):
        return None
    count, total = counts.get(UNDATED, 0), per_year[UNDATED]
    selected = current.get("undated") == "1"
    return {"value": UNDATED, "label": TEXT[ui]["undated"], "count": count, "total": total,
            "share": round(100 * count / total), "selected": selected,
            "url": query_string(with_changes(current, undated=None if selected else "1"))}


def _chart(current: MultiDict, mode: str | None) -> MultiDict:
    changed = MultiDict(current)
    changed.poplist("chart")
    if mode:
        changed.setlist("chart", [mode])
    return changed


def _chips(current: MultiDict, ui: str) -> list[dict]:
    t = TEXT[ui]
    chips = []
    for slug in current.getlist("region"):
        chips.append({"label": f"{t['region']}: {region_label(slug, ui)}",
                      "url": query_string(without(current, "region", slug))})
    for name in current.getlist("author"):
        chips.append({"label": f"{t['author']}: {name}",
                      "url": query_string(without(current, "author", name))})
    for code in current.getlist("lang"):
        chips.append({"label": f"{t['lang']}: {t.get('lang_' + code, code)}",
                      "url": query_string(without(current, "lang", code))})
    if current.get("from") or current.get("to"):
        span = f"{current.get('from', '…')} – {current.get('to', '…')}"
        if current.get("from") and current.get("from") == current.get("to"):
            span = current["from"]
        chips.append({"label": f"{t['year']}: {span}",
                      "url": query_string(with_changes(current, from_=None, to=None))})
    if current.get("undated") == "1":
        chips.append({"label": f"{t['year']}: {t['undated']}",
                      "url": query_string(without(current, "undated"))})
    return chips


def _pagination(result: dict, current: MultiDict) -> dict:
    pages = max(1, math.ceil(result["total"] / result["per_page"]))
    page = result["page"]

    def url(number):
        changed = MultiDict(current)
        changed.setlist("page", [str(number)])
        return query_string(changed)

    numbers = sorted({1, pages, *range(max(1, page - PAGE_WINDOW), min(pages, page + PAGE_WINDOW) + 1)})
    links, previous = [], 0
    for number in numbers:
        if number - previous > 1:
            links.append({"gap": True})
        links.append({"number": number, "url": url(number), "current": number == page})
        previous = number
    return {"page": page, "pages": pages, "links": links if pages > 1 else [],
            "prev": url(page - 1) if page > 1 else None,
            "next": url(page + 1) if page < pages else None}


def article_page(service: SearchService, article_id: str, args: MultiDict) -> dict | None:
    """Everything the article view shows; ``None`` for an unknown id."""
    ui = ui_language(args.get("ui"))
    current = state(args)
    article = service.article(article_id, current.get("q", ""))
    if article is None:
        return None
    article["region_labels"] = [region_label(r, ui) for r in article["regions"]]
    return {"ui": ui, "t": TEXT[ui], "article": article, "args": current,
            "date_text": format_date(article["date"], ui),
            "back_url": query_string(current),
            "link_args": query_string(current),
            "other_ui_url": query_string(_switch_ui(current, ui))}


def _exact(query: str, word: str) -> str:
    """The query with ``word`` asked for in that form only (``=word``)."""
    return re.sub(rf"(?<![=\w]){re.escape(word)}(?!\w)", "=" + word, query, count=1)
