"""Routes: the search page, the article view, the JSON API and the exports."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from indexer import (
    QueryError,
    SearchService,
    labelled_facets,
    open_export,
    region_label,
)

from .facet_pages import facet_page
from .i18n import TEXT, ui_language
from .pages import FACET_VIEWS, article_page, search_page
from .params import query_string, search_request, state
from .read_page import read_page, reading

bp = Blueprint("views", __name__)

MAX_ID_CHARS = 512


def service() -> SearchService:
    """The app's search service, opened once in ``create_app``."""
    return current_app.extensions["kartoteka"]


def index_unreadable(error: Exception, reason: str = "index_unreadable",
                     detail: str = "kartoteka index SOURCE"):
    """503 for an index written by another kartoteka (or damaged), or out of reach:
    JSON for the API and exports, a page for people; an unreadable index's paths
    stay in the log."""
    current_app.logger.error("%s", error)
    if request.path.startswith(("/api/", "/export")):
        return jsonify({"error": str(error)}), 503
    ui = ui_language(request.args.get("ui"))
    return error_page(ui, TEXT[ui][reason], detail, 503)


def error_page(ui: str, message: str, detail: str = "", status: int = 404):
    """A page that could not be shown, in the interface language: the site's
    header (language switch kept), what went wrong, a search box and the way back.
    The switch is the query alone: a path such as ``//elsewhere.example`` must
    not become a link off the site."""
    switched = state(request.args)
    switched.setlist("ui", ["ru" if ui == "en" else "en"])
    return render_template("error.html", t=TEXT[ui], ui=ui, message=message, detail=detail,
                           other_ui_url=query_string(switched)), status


def page_not_found(error=None):
    """404 for an address the app does not know: JSON under ``/api/``, a page otherwise."""
    if request.path.startswith("/api/"):
        return jsonify({"error": f"no API endpoint at {request.path[:200]}: "
                                 "/api lists them"}), 404
    ui = ui_language(request.args.get("ui"))
    return error_page(ui, TEXT[ui]["page_not_found"], request.path[:80])


def _no_index(ui: str):
    return error_page(ui, TEXT[ui]["no_index"], "kartoteka index SOURCE", 503)


@bp.route("/")
def search():
    """The search page: query box, facets, hits, paging; all state in the URL."""
    try:
        page = search_page(service(), request.args, current_app.config["PER_PAGE"],
                           current_app.config["AUTHORS_SHOWN"])
    except FileNotFoundError:
        return _no_index(ui_language(request.args.get("ui")))
    return render_template("search.html", **page), 400 if page["error"] else 200


def _valid_id(article_id: str) -> bool:
    """Ids are paths or names: printable, and not absurdly long."""
    return len(article_id) <= MAX_ID_CHARS and article_id.isprintable()


@bp.route("/article/<path:article_id>")
def article(article_id):
    """One article, whole, with the query's words marked."""
    ui = ui_language(request.args.get("ui"))
    if not _valid_id(article_id):
        return error_page(ui, TEXT[ui]["not_found"], article_id[:80])
    try:
        page = article_page(service(), article_id, request.args, current_app.config["PER_PAGE"])
    except FileNotFoundError:
        return _no_index(ui)
    if page is None:
        return error_page(ui, TEXT[ui]["not_found"], article_id)
    return render_template("article.html", **page)


@bp.route("/read/<path:article_id>")
def article_read(article_id):
    """How an article's file was read: each field and its source, the body's
    paragraphs, every paragraph left out and its rule (``read_page``); 404 for an
    unknown id, 410 when the file is gone or changed."""
    ui = ui_language(request.args.get("ui"))
    if not _valid_id(article_id):
        return error_page(ui, TEXT[ui]["not_found"], article_id[:80])
    try:
        data, status = reading(service(), article_id)
    except FileNotFoundError:
        return _no_index(ui)
    if status == 404:
        return error_page(ui, TEXT[ui]["not_found"], article_id)
    if status == 410:
        word = "read_gone" if data["error"] == "gone" else "read_gone_changed"
        return error_page(ui, TEXT[ui][word], data["source"], 410)
    return render_template("read.html", **read_page(data, ui))


@bp.route("/api/read/<path:article_id>")
def api_article_read(article_id):
    """The reading of an article's file as JSON (``kartoteka inspect --json``'s shape)."""
    if not _valid_id(article_id):
        return jsonify({"error": "not a valid article id"}), 404
    try:
        data, status = reading(service(), article_id)
    except FileNotFoundError as error:
        return jsonify({"error": str(error)}), 503
    if status == 404:
        return jsonify({"error": f"no article with id {article_id!r}"}), 404
    if status == 410:
        data["error"] = (f"the file {data['source']} was moved or deleted since the index was "
                         "built" if data["error"] == "gone" else
                         f"the file {data['source']} no longer holds this article: it changed "
                         "since the index was built")
    return jsonify(data), status


@bp.route("/facet/<name>")
def facet_more(name):
    """A facet's every value with its count in the current search: a filter box
    (``find``), by count or A–Z (``order``); each value toggles it in the search."""
    ui = ui_language(request.args.get("ui"))
    try:
        page = facet_page(service(), name, request.args, current_app.config["PER_PAGE"])
    except FileNotFoundError:
        return _no_index(ui)
    if page is None:
        return error_page(ui, TEXT[ui]["no_facet"], name[:80])
    return render_template("facet_more.html", **page), 400 if page["error"] else 200


@bp.route("/api/facet/<name>")
def api_facet(name):
    """The facet view as JSON: ``{"facet", "find", "order", "total", "values"}``."""
    try:
        page = facet_page(service(), name, request.args, current_app.config["PER_PAGE"])
    except FileNotFoundError as error:
        return jsonify({"error": str(error)}), 503
    if page is None:
        return jsonify({"error": f"no facet {name!r}: use one of {', '.join(FACET_VIEWS)}"}), 404
    if page["error"]:
        return jsonify({"error": page["error"]}), 400
    return jsonify({"facet": name, "find": page["find"], "order": page["order"],
                    "total": page["total_values"],
                    "values": [{k: v[k] for k in ("value", "label", "count", "selected")}
                               for v in page["values"]]})


@bp.route("/api", strict_slashes=False)
def api_index():
    """The JSON API and the exports: each path with what its view's docstring says."""
    endpoints = []
    for rule in sorted(current_app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.rule.startswith(("/api/", "/export")):
            about = current_app.view_functions[rule.endpoint].__doc__ or ""
            endpoints.append({"path": rule.rule, "about": " ".join(about.split())})
    return jsonify({"endpoints": endpoints})


def _api_request():
    return search_request(state(request.args), current_app.config["PER_PAGE"])


@bp.route("/api/search")
def api_search():
    """The search as JSON: exactly the shape of ``kartoteka search --json``."""
    try:
        result = service().search(_api_request())
        result["facets"] = labelled_facets(result["facets"], ui_language(request.args.get("ui")))
        return jsonify(result)
    except QueryError as error:
        return jsonify({"error": str(error)}), 400
    except FileNotFoundError as error:
        return jsonify({"error": str(error)}), 503


@bp.route("/api/article/<path:article_id>")
def api_article(article_id):
    """One article as JSON, with its whole text."""
    if not _valid_id(article_id):
        return jsonify({"error": "not a valid article id"}), 404
    try:
        data = service().article(article_id, request.args.get("q", ""))
    except FileNotFoundError as error:
        return jsonify({"error": str(error)}), 503
    if data is None:
        return jsonify({"error": f"no article with id {article_id!r}"}), 404
    ui = ui_language(request.args.get("ui"))
    data["region_labels"] = [region_label(r, ui) for r in data["regions"]]
    return jsonify(data)


def _export(kind: str):
    """Every hit of the URL's search, streamed (``indexer.open_export``): the
    optional ``columns`` (repeated, or "a,b") after the default ones."""
    try:
        export = open_export(service(), _api_request(), request.args.getlist("columns"))
    except QueryError as error:
        return jsonify({"error": str(error)}), 400
    except FileNotFoundError as error:
        return jsonify({"error": str(error)}), 503
    if kind == "csv":
        body, content_type = export.csv_chunks(), "text/csv; charset=utf-8"
    else:
        body, content_type = export.jsonl_chunks(), "application/x-ndjson; charset=utf-8"
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{export.file_name(kind)}"'
    response.headers["X-Kartoteka-Provenance"] = json.dumps(export.provenance, ensure_ascii=True)
    return response


@bp.route("/export.csv")
def export_csv():
    """All hits of the current search as CSV (UTF-8 with a BOM), streamed."""
    return _export("csv")


@bp.route("/export.jsonl")
def export_jsonl():
    """All hits of the current search as JSON Lines, a provenance record first."""
    return _export("jsonl")
