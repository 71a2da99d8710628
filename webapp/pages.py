"""Page data as plain dicts: what the templates render, built from the service's result."""

from __future__ import annotations

import dataclasses
import math
import re
import time

from werkzeug.datastructures import MultiDict

from indexer import (
    GROUPS,
    REGIONS,
    UNDATED,
    QueryError,
    SearchService,
    labelled_facets,
    region_label,
)

from .dead_ends import date_trouble, empty_heading
from .i18n import TEXT, counted, error_message, format_date, ui_language
from .params import (
    MULTI_FIELDS,
    query_string,
    search_request,
    state,
    toggled,
    with_changes,
    without,
)
from .workbench import tool_links

CHART_HEIGHT = 80
PAGE_WINDOW = 2
AUTHORS_LISTED = 100  # authors behind "Show all", by number of hits
# Facets with a "more" view (every value, a filter box, two orders), and the
# word its page is titled with.
FACET_VIEWS = {"region": "regions", "author": "authors", "topic": "topics", "outlet": "outlets",
               "lang": "langs"}


def search_page(service: SearchService, args: MultiDict, per_page: int, authors_shown: int) -> dict:
    """Everything the search page shows, for the given URL parameters."""
    ui = ui_language(args.get("ui"))
    current = state(args)
    page = {"ui": ui, "t": TEXT[ui], "args": current, "q": current.get("q", ""),
            "error": None, "result": None,
            "other_ui_url": query_string(_switch_ui(current, ui))}
    try:
        request = search_request(current, per_page)
        started = time.perf_counter()
        result = service.search(request)
        result["facets"] = labelled_facets(result["facets"], ui)
    except QueryError as error:
        page["error"] = error_message(str(error), ui)
        page["date_trouble"] = date_trouble(current, str(error), ui)
        return page
    page["empty_heading"] = None if result["total"] else empty_heading(page["q"], ui)
    page["took_ms"] = max(1, round((time.perf_counter() - started) * 1000))
    page["result"] = result
    page["tools"] = tool_links(service, request, current, ui, result["total"])
    first = (result["page"] - 1) * result["per_page"] + 1
    page["hits"] = [_hit_view(hit, current, ui, first + i) for i, hit in enumerate(result["hits"])]
    facets = result["facets"]
    page["regions"] = _region_tree(result, current)
    page["authors"] = _listed_facet(facets["author"], current, "author", authors_shown)
    page["topics"] = (_listed_facet(facets["topic"], current, "topic", authors_shown)
                      if "topic" in facets else None)  # until every index has topics
    page["outlets"] = _listed_facet(facets["outlet"], current, "outlet", authors_shown)
    page["langs"] = _folded([_entry(e, current, "lang") for e in facets["lang"]])
    page["years"] = _year_chart(result, service.articles_per_year(), current, ui)
    page["chips"] = _chips(current, ui)
    page["clear_url"] = _clear_url(current)
    page["pagination"] = _pagination(result, current, ui)
    page["sorts"] = _sorts(current, result["hits"])
    page["export_args"] = page["facet_args"] = query_string(without(current, "page"))
    page["expansions"] = result["expansions"]
    page["readings"] = [{"word": word, "forms": forms,
                         "url": query_string(with_changes(current, q=_exact(result["query"], word)))}
                        for word, forms in result.get("readings", {}).items()]
    page["counted"] = counted_view(result, current, ui)
    page["cross"] = request.cross
    page["cross_url"] = query_string(with_changes(current, cross=None if not request.cross
                                                  else "0"))
    suggestion = result.get("suggestion")
    page["suggestion"] = suggestion and dict(
        suggestion, url=query_string(with_changes(current, q=suggestion["query"])))
    return page


def counted_view(result: dict, current: MultiDict, ui: str) -> dict | None:
    """The total's parts as the page names them, each a link narrowing to it
    (``match``); ``None`` when every article was found as typed."""
    counted, match, t = result["counted"], result.get("match", "all"), TEXT[ui]
    others = sorted({f for forms in result.get("readings", {}).values() for f in forms[1:]})
    added = [w for e in result.get("expansions", []) for w in e["added"]]
    labels = {"typed": t["counted_typed"],
              "readings": t["counted_readings"].replace("{forms}", _quoted(others, ui)),
              "translations": t["counted_translations"].replace(
                  "{words}", ", ".join(dict.fromkeys(added)))}
    parts = [{"kind": kind, "count": n, "label": labels[kind].format(n=n),
              "current": match == kind,
              "url": query_string(with_changes(current, match=kind))}
             for kind, n in counted.items() if n or match == kind]
    if match == "all" and [p["kind"] for p in parts] in ([], ["typed"]):
        return None
    return {"match": match, "parts": parts,
            "all_url": query_string(with_changes(current, match=None)),
            "only": t["counted_only_" + match] if match != "all" else None}


def _quoted(words: list[str], ui: str) -> str:
    opening, closing = ("«", "»") if ui == "ru" else ("“", "”")
    return ", ".join(f"{opening}{w}{closing}" for w in words)


def _switch_ui(current: MultiDict, ui: str) -> MultiDict:
    switched = MultiDict(current)
    switched.setlist("ui", ["ru" if ui == "en" else "en"])
    return switched


def _hit_view(hit: dict, current: MultiDict, ui: str, rank: int) -> dict:
    """A hit as listed; its link carries the search and its ``rank`` in it, for
    the article's "3 of 7" and previous/next."""
    return dict(hit,
                date_text=format_date(hit["date"], ui),
                region_labels=[region_label(r, ui) for r in hit["regions"]],
                link_args=query_string(with_changes(current, hit=str(rank))))


def _entry(entry: dict, current: MultiDict, key: str) -> dict:
    selected = entry["value"] in current.getlist(key)
    return dict(entry, selected=selected, url=query_string(toggled(current, key, entry["value"])))


def _folded(entries: list[dict]) -> dict:
    """A facet's values with hits (and the selected ones) in view, the others
    ``folded`` behind "show N more": 25 regions at zero would push the other
    facets below the fold on every page."""
    shown, folded = [], []
    for entry in entries:
        (shown if entry["count"] or entry["selected"] else folded).append(entry)
    return {"shown": shown, "folded": folded}


def _region_tree(result: dict, current: MultiDict) -> dict:
    """Groups and their countries, each part ``_folded``; a group is ``visible``
    when it or one of its countries is in view. ``folded`` counts what is not."""
    regions = {e["value"]: e for e in result["facets"]["region"]}
    groups = {e["value"]: e for e in result["facets"]["region_group"]}
    tree, folded = [], 0
    for group in GROUPS:
        node = _entry(groups[group.slug], current, "region")
        children = [_entry(regions[r.slug], current, "region")
                    for r in REGIONS if r.group == group.slug]
        for child in children:
            child["implied"] = node["selected"] and not child["selected"]
        node.update(_folded(children))
        node["visible"] = bool(node["count"] or node["selected"] or node["shown"])
        folded += len(node["folded"]) + (not node["visible"])
        tree.append(node)
    return {"groups": tree, "folded": folded}


def _listed_facet(entries: list[dict], current: MultiDict, key: str, shown: int) -> dict:
    """The top values (authors, topics), then behind "Show all" the others with
    hits, at most ``AUTHORS_LISTED``; the facet's "more" view has them all.

    An archive has hundreds of authors: links for all of them, most with no
    hits, would make every results page heavy to send and to read.
    """
    selected = set(current.getlist(key))
    with_hits = [e for e in entries if e["count"] or e["value"] in selected]
    top = [_entry(e, current, key) for e in with_hits[:shown]]
    top += [_entry(e, current, key) for e in with_hits[shown:] if e["value"] in selected]
    others = [e for e in with_hits[shown:] if e["value"] not in selected]
    rest = [_entry(e, current, key) for e in others[:AUTHORS_LISTED]]
    return {"key": key, "top": top, "rest": rest, "total": len(with_hits),
            "unlisted": len(others) - len(rest)}


def _sorts(current: MultiDict, hits: list[dict]) -> list[dict]:
    """The orders to offer, the one the hits are really in marked ``current``.

    A search without words has nothing to rank by: the engine lists it newest
    first, so the page says that and does not offer "relevance".
    """
    asked, words = current.get("sort", "relevance"), bool(current.get("q", "").strip())
    ranked = any(h["score"] is not None for h in hits) if hits else words
    used = "newest" if asked == "relevance" and not ranked else asked
    offered = ("relevance", "newest", "oldest") if words else ("newest", "oldest")
    return [{"name": s, "current": s == used, "url": query_string(with_changes(current, sort=s))}
            for s in offered]


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


def _clear_url(current: MultiDict) -> str:
    """The search without its filters (the query, language and view kept)."""
    return query_string(MultiDict(
        [(k, v) for k, v in current.items(multi=True) if k in ("q", "ui", "sort", "chart")]))


def _chips(current: MultiDict, ui: str) -> list[dict]:
    t = TEXT[ui]
    chips = []
    for slug in current.getlist("region"):
        chips.append({"label": f"{t['region']}: {region_label(slug, ui)}",
                      "url": query_string(without(current, "region", slug))})
    for name in current.getlist("author"):
        chips.append({"label": f"{t['author']}: {name}",
                      "url": query_string(without(current, "author", name))})
    for key in ("topic", "outlet"):
        for value in current.getlist(key):
            chips.append({"label": f"{t[key]}: {value}",
                          "url": query_string(without(current, key, value))})
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


def _pagination(result: dict, current: MultiDict, ui: str) -> dict:
    """The page links; a page ``past_end`` of a search with hits (an old link, a
    hand-typed number) says so and links to the ``last`` page, as "previous" does."""
    pages = max(1, math.ceil(result["total"] / result["per_page"]))
    page = result["page"]

    def url(number):
        changed = MultiDict(current)
        changed.setlist("page", [str(number)])
        return query_string(changed)

    around = min(page, pages)
    numbers = sorted({1, pages, *range(max(1, around - PAGE_WINDOW), min(pages, around + PAGE_WINDOW) + 1)})
    links, previous = [], 0
    for number in numbers:
        if number - previous > 1:
            links.append({"gap": True})
        links.append({"number": number, "url": url(number), "current": number == page})
        previous = number
    past_end = None
    if page > pages and result["total"]:
        t = TEXT[ui]
        past_end = {"message": t["past_end"].format(page=page, pages=counted(pages, "page", ui)),
                    "link": t["last_page"].format(page=pages), "url": url(pages)}
    return {"page": page, "pages": pages, "links": links if pages > 1 else [],
            "prev": url(min(page - 1, pages)) if page > 1 else None,
            "next": url(page + 1) if page < pages else None, "past_end": past_end}


def article_page(service: SearchService, article_id: str, args: MultiDict,
                 per_page: int) -> dict | None:
    """Everything the article view shows; ``None`` for an unknown id.

    Opened from a search (``hit`` is its rank there), it shows "3 of 7" with
    links to the previous and next hits; its author, regions and date link to
    the searches for them.
    """
    ui = ui_language(args.get("ui"))
    current = state(args)
    article = service.article(article_id, current.get("q", ""))
    if article is None:
        return None
    article["region_labels"] = [region_label(r, ui) for r in article["regions"]]
    rank = args.get("hit", "")
    # Digits only, and few of them: int() refuses very long numbers.
    nav = (_hit_nav(service, current, per_page, int(rank), article_id)
           if rank.isascii() and rank.isdigit() and len(rank) <= 9 else None)
    back = current if nav is None else with_changes(
        current, page=str(nav["page"]) if nav["page"] > 1 else None)
    return {"ui": ui, "t": TEXT[ui], "article": article, "args": current,
            "date_text": format_date(article["date"], ui),
            "nav": nav, "links": _article_links(article, current),
            "back_url": query_string(back),
            "link_args": query_string(current),
            "api_args": query_string(MultiDict([(k, v) for k, v in current.items(multi=True)
                                                if k in ("q", "ui")])),
            "other_ui_url": query_string(_switch_ui(
                with_changes(current, hit=rank) if nav else current, ui))}


def _hit_nav(service: SearchService, current: MultiDict, per_page: int, rank: int,
             article_id: str) -> dict | None:
    """Where the article stands in the search it was opened from, and its
    neighbours, asked from the service a page of hits at a time; ``None`` when
    the search no longer lists it there (the index was rebuilt, say)."""
    try:
        request = search_request(current, per_page)
    except QueryError:
        return None
    results: dict[int, dict] = {}

    def hit_at(at: int) -> tuple[int, str | None]:
        number = (at - 1) // request.per_page + 1
        if number not in results:
            results[number] = service.search(dataclasses.replace(request, page=number))
        hits, index = results[number]["hits"], (at - 1) % request.per_page
        return results[number]["total"], hits[index]["id"] if index < len(hits) else None

    def link(at: int) -> dict | None:
        found = hit_at(at)[1] if 1 <= at <= total else None
        return found and {"id": found, "args": query_string(with_changes(current, hit=str(at)))}

    try:
        total, found = hit_at(rank) if rank >= 1 else (0, None)
    except QueryError:
        return None
    if found != article_id:
        return None
    return {"rank": rank, "total": total, "page": (rank - 1) // request.per_page + 1,
            "prev": link(rank - 1), "next": link(rank + 1)}


def _article_links(article: dict, current: MultiDict) -> dict:
    """Searches for the article's authors, regions, topics (once the service
    filters by them), day and year: that filter alone, in the same interface language."""
    def search_for(**filters) -> str:
        args = MultiDict([(k, v) for k, v in current.items(multi=True) if k == "ui"])
        for key, value in filters.items():
            args.add(key.rstrip("_"), value)
        return query_string(args)

    date = article["date"]
    return {
        "authors": [{"name": a, "url": search_for(author=a)} for a in article["authors"]],
        "regions": [{"label": label, "url": search_for(region=slug)}
                    for slug, label in zip(article["regions"], article["region_labels"])],
        "topics": [{"name": topic, "url": search_for(topic=topic) if "topic" in MULTI_FIELDS
                    else None} for topic in article["topics"]],
        "day": date and search_for(from_=date, to=date),
        "year": date and search_for(from_=date[:4], to=date[:4]),
    }


def _exact(query: str, word: str) -> str:
    """The query with ``word`` asked for in that form only (``=word``)."""
    return re.sub(rf"(?<![=\w]){re.escape(word)}(?!\w)", "=" + word, query, count=1)
