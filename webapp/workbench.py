"""The researcher's tools: queries compared over time, and the concordance.

``/timeline`` (page), ``/api/timeline`` (JSON) and ``/export.timeline.csv``
share one URL state: repeated ``q`` (1 to 5 queries; more is an error), ``by`` (year or
month), ``norm`` (count or share), ``split=lang`` (a series per language),
and the search filters. ``/kwic`` and ``/export.kwic.csv`` take a search's
state plus ``order`` (text, left or right).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup

from indexer import MAX_SERIES, QueryError, SearchService, tool_csv

from .chart import line_chart
from .downloads import attachment, named_after
from .i18n import TEXT, counted, error_message, format_number, ui_language
from .params import query_string, search_request, state, with_changes

bp = Blueprint("workbench", __name__)

BY = ("year", "month")
NORMS = ("count", "share")
KWIC_SHOWN = 1000  # concordance lines on the page; the CSV has them all
KWIC_COLUMNS = ("left", "match", "right", "id", "date", "lang", "title", "url")
TIMELINE_COLUMNS = ("query", "lang", "period", "count", "total", "share")
# What the timeline and the concordance count unless asked: the words as typed
# (and their likely reading), as evidence is cited; the search page counts all.
TOOLS_MATCH = "typed"


def service() -> SearchService:
    return current_app.extensions["kartoteka"]


def _choice(name: str, options: tuple[str, ...]) -> str:
    value = request.args.get(name) or options[0]
    if value not in options:
        raise QueryError(f"'{name}' must be one of {', '.join(options)}, not {value!r}")
    return value


def _timeline_state():
    """(queries, by, norm, by_language, SearchRequest of the filters) from the URL."""
    queries = [q.strip() for q in request.args.getlist("q") if q.strip()]
    by, norm = _choice("by", BY), _choice("norm", NORMS)
    split = request.args.get("split", "")
    if split not in ("", "lang"):
        raise QueryError(f"'split' must be lang, not {split!r}")
    filters = state(request.args)
    filters.poplist("q")
    return (queries, by, norm, split == "lang",
            search_request(filters, 20, default_match=TOOLS_MATCH))


def _timeline_data():
    queries, by, norm, by_language, filters = _timeline_state()
    if not queries:
        raise QueryError("give at least one query (q=…)")
    data = service().timeline(queries, filters, by=by, by_language=by_language)
    data["norm"] = norm
    return data


@bp.route("/api/timeline")
def api_timeline():
    """Each query's articles per period: ``{"by", "norm", "series": [{"query",
    "points": [{"period", "count", "total", "share"}]}]}``."""
    try:
        return jsonify(_timeline_data())
    except QueryError as error:
        return jsonify({"error": str(error)}), 400
    except FileNotFoundError as error:
        return jsonify({"error": str(error)}), 503


@bp.route("/export.timeline.csv")
def timeline_csv():
    """The timeline's points as CSV, named after its queries."""
    try:
        data = _timeline_data()
    except QueryError as error:
        return jsonify({"error": str(error)}), 400
    queries, _, _, _, filters = _timeline_state()
    rows = [(entry["query"], entry.get("lang", ""), point["period"], point["count"],
             point["total"], point["share"])
            for entry in data["series"] for point in entry["points"]]
    text = tool_csv(service(), "timeline", filters, queries, TIMELINE_COLUMNS, rows)
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": attachment(named_after(
                        "timeline", list(dict.fromkeys(s["query"] for s in data["series"]))))})


@bp.route("/timeline")
def timeline_page():
    """Up to five queries compared over time, as counts or shares of each period."""
    ui = ui_language(request.args.get("ui"))
    t = TEXT[ui]
    current = state(request.args)
    for key in ("by", "norm", "split"):
        if request.args.get(key):
            current.setlist(key, [request.args[key]])
    queries = request.args.getlist("q")
    # A box for every query given, a sixth too: the error names it, the form shows it.
    page = {"t": t, "ui": ui, "queries": queries, "boxes": max(MAX_SERIES, len(queries)),
            "by": request.args.get("by", "year"), "norm": request.args.get("norm", "count"),
            "split": request.args.get("split", ""), "error": None, "chart": None, "data": None,
            "empty_periods": set(),
            "other_ui_url": query_string(with_changes(current, ui="en" if ui == "ru" else "ru")),
            "hidden": [(k, v) for k, v in current.items(multi=True)
                       if k not in ("q", "by", "norm", "split")],
            "csv_url": url_for("workbench.timeline_csv") + query_string(current),
            "api_url": url_for("workbench.api_timeline") + query_string(current)}
    status = 200
    if any(q.strip() for q in queries):
        try:
            data = _timeline_data()
        except QueryError as error:
            page["error"], status = error_message(str(error), ui), 400
        except FileNotFoundError:
            page["error"], status = t["no_index"], 503
        else:
            page["data"] = data
            page["mode"] = match_switch(current, data["match"], t)
            page["chart"] = Markup(_chart(data, current, t, ui))
            page["empty_periods"] = {
                i for i, points in enumerate(zip(*(s["points"] for s in data["series"])))
                if not any(p["total"] for p in points)}
    return render_template("timeline.html", **page), status


def match_switch(current, match: str, t: dict) -> dict:
    """What a tool counted (``match``) and a link to count the other way: all of
    each word's readings and translations, or only the words as typed."""
    other = "all" if match != "all" else "typed"
    return {"match": match, "text": t["mode_" + match],
            "other_url": query_string(with_changes(current, match=other)),
            "other_text": t["mode_to_" + other]}


def _period_bounds(period: str) -> tuple[str, str]:
    return period, period  # the search's from/to take YYYY and YYYY-MM alike


def _chart(data: dict, current, t: dict, ui: str, small: bool = False) -> str:
    share = data["norm"] == "share"

    def link(entry: dict, period: str) -> str:
        start, end = _period_bounds(period)
        args = with_changes(current, q=entry["query"], **{"from": start, "to": end},
                            by=None, norm=None, split=None)
        if entry.get("lang"):
            args = with_changes(args, lang=entry["lang"])
        return url_for("views.search") + query_string(args)

    def label(entry: dict) -> str:
        lang = f" ({t['lang_' + entry['lang']]})" if entry.get("lang") else ""
        return entry["query"] + lang

    def point_title(entry: dict, point: dict) -> str:
        return t["timeline_point"].format(
            query=label(entry), period=point["period"], count=format_number(point["count"], ui),
            total=counted(point["total"], "article", ui), share=f"{point['share'] * 100:.1f}")

    y_title = (t["axis_share_lang"] if any(s.get("lang") for s in data["series"])
               else t["axis_share"]) if share else t["axis_count"]
    return line_chart(data["series"], share, link, point_title, label, t["timeline_title"],
                      (t["axis_" + data["by"]], y_title), small=small)


def tool_links(service: SearchService, request, current, ui: str, total: int) -> dict | None:
    """For the search page: the query's small timeline by year, and links to the
    full timeline and to the concordance of the same search."""
    query = request.query.strip()
    if not query or not total:
        return None
    t = TEXT[ui]
    args = with_changes(current, page=None, sort=None, per_page=None)
    try:
        data = service.timeline([query], request)
    except QueryError:
        return None
    data["norm"] = "count"
    return {"chart": Markup(_chart(data, args, t, ui, small=True)),
            "timeline_url": url_for("workbench.timeline_page") + query_string(args),
            "kwic_url": url_for("workbench.kwic_page") + query_string(args)}


def _kwic_result(args) -> dict:
    """The concordance the URL asks for, as the page, ``/api/kwic`` and the CSV
    all take it (``QueryError`` for a request the service cannot take)."""
    return service().concordance(search_request(state(args), 20, default_match=TOOLS_MATCH),
                                 order=args.get("order", "text"))


@bp.route("/api/kwic")
def api_kwic():
    """The concordance as JSON, the page's twin (same parameters: a search's state
    and ``order``): ``{"query", "match", "order", "articles", "complete",
    "lines": [{"left", "match", "right", "id", "date", "lang", "title", "url"}]}``,
    every line (the page shows the first 1,000)."""
    try:
        result = _kwic_result(request.args)
    except QueryError as error:
        return jsonify({"error": str(error)}), 400
    except FileNotFoundError as error:
        return jsonify({"error": str(error)}), 503
    return jsonify({"query": result["query"], "match": result["match"],
                    "order": request.args.get("order", "text"), "articles": result["articles"],
                    "complete": result["complete"], "lines": result["lines"]})


@bp.route("/kwic")
def kwic_page():
    """Every occurrence of the query's words in context, sortable by its neighbours."""
    ui = ui_language(request.args.get("ui"))
    t = TEXT[ui]
    current = state(request.args)
    order = request.args.get("order", "text")
    if request.args.get("order"):
        current.setlist("order", [order])
    page = {"t": t, "ui": ui, "query": request.args.get("q", ""), "order": order,
            "error": None, "result": None, "lines": [], "summary": "",
            "other_ui_url": query_string(with_changes(current, ui="en" if ui == "ru" else "ru")),
            "hidden": [(k, v) for k, v in current.items(multi=True) if k not in ("q", "order")],
            "csv_url": url_for("workbench.kwic_csv") + query_string(current),
            "api_url": url_for("workbench.api_kwic") + query_string(current),
            # An article opened from a line keeps the query, so its view marks it.
            "article_args": query_string(with_changes(current, order=None)),
            "order_urls": {o: query_string(with_changes(current, order=o))
                           for o in ("text", "left", "right")},
            "search_url": url_for("views.search") + query_string(
                with_changes(current, order=None))}
    if page["query"].strip():
        try:
            result = _kwic_result(request.args)
        except QueryError as error:
            page["error"] = error_message(str(error), ui)
        except FileNotFoundError:
            page["error"] = t["no_index"]
        else:
            page["result"] = result
            page["mode"] = match_switch(current, result["match"], t)
            page["lines"] = result["lines"][:KWIC_SHOWN]
            page["summary"] = t["kwic_summary"].format(
                lines=counted(len(result["lines"]), "occurrence", ui),
                articles=counted(result["articles"], "article", ui))
    return render_template("kwic.html", **page)


@bp.route("/export.kwic.csv")
def kwic_csv():
    """The concordance's every line as CSV, named after its query."""
    try:
        result = _kwic_result(request.args)
    except QueryError as error:
        return jsonify({"error": str(error)}), 400
    asked = search_request(state(request.args), 20, default_match=TOOLS_MATCH)
    rows = [[line.get(c) for c in KWIC_COLUMNS] for line in result["lines"]]
    text = tool_csv(service(), "concordance", asked, [result["query"]], KWIC_COLUMNS, rows)
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition":
                             attachment(named_after("kwic", [result["query"]]))})
