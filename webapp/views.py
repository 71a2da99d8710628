"""Routes: the search page, the article view, the JSON API and the exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from indexer import QueryError, SearchService, __version__, labelled_facets, region_label

from .i18n import TEXT, ui_language
from .pages import article_page, search_page
from .params import search_request, state

bp = Blueprint("views", __name__)

MAX_ID_CHARS = 512
EXPORT_CHUNK = 64 * 1024  # characters per piece of a streamed export
EXPORT_COLUMNS = ("id", "title", "authors", "date", "lang", "regions", "topics", "url", "source")


def service() -> SearchService:
    """The app's search service, opened once in ``create_app``."""
    return current_app.extensions["kartoteka"]


def index_unreadable(error: Exception):
    """503 for an index written by another kartoteka (or damaged): JSON for the API
    and exports, a page for people; the paths in the message stay in the log."""
    current_app.logger.error("%s", error)
    if request.path.startswith(("/api/", "/export")):
        return jsonify({"error": str(error)}), 503
    ui = ui_language(request.args.get("ui"))
    return render_template("error.html", t=TEXT[ui], ui=ui, message=TEXT[ui]["index_unreadable"],
                           detail="kartoteka index SOURCE"), 503


def _no_index(ui: str):
    return render_template("error.html", t=TEXT[ui], ui=ui, message=TEXT[ui]["no_index"],
                           detail="kartoteka index SOURCE"), 503


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
        return render_template("error.html", t=TEXT[ui], ui=ui,
                               message=TEXT[ui]["not_found"], detail=article_id[:80]), 404
    try:
        page = article_page(service(), article_id, request.args)
    except FileNotFoundError:
        return _no_index(ui)
    if page is None:
        return render_template("error.html", t=TEXT[ui], ui=ui,
                               message=TEXT[ui]["not_found"], detail=article_id), 404
    return render_template("article.html", **page)


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


def _provenance(search_request_, total: int) -> dict:
    info = service().info()
    return {
        "query": search_request_.query,
        "filters": {"region": list(search_request_.regions), "author": list(search_request_.authors),
                    "lang": list(search_request_.langs), "from": search_request_.date_from,
                    "to": search_request_.date_to, "undated": search_request_.undated},
        "sort": search_request_.sort,
        "total": total,
        "index_built_at": info.get("built_at"),
        "kartoteka_version": __version__,
        "exported_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }


def _export(kind: str):
    try:
        search_req = _api_request()
        total, rows = service().export(search_req)
    except QueryError as error:
        return jsonify({"error": str(error)}), 400
    except FileNotFoundError as error:
        return jsonify({"error": str(error)}), 503
    provenance = _provenance(search_req, total)
    slug = re.sub(r"[^\w]+", "-", search_req.query, flags=re.ASCII).strip("-")[:40] or "all"
    stamp = provenance["exported_at"].replace(":", "").replace("-", "")[:15]
    filename = f"kartoteka-{slug}-{stamp}.{kind}"
    if kind == "csv":
        body, content_type = _csv_lines(rows), "text/csv; charset=utf-8"
    else:
        body, content_type = _jsonl_lines(rows, provenance), "application/x-ndjson; charset=utf-8"
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Kartoteka-Provenance"] = json.dumps(provenance, ensure_ascii=True)
    return response


def _csv_lines(rows):
    buffer = io.StringIO()
    buffer.write("\ufeff")  # so spreadsheet programs read the Cyrillic as UTF-8
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow([
            "; ".join(row[c]) if isinstance(row[c], list) else (row[c] or "")
            for c in EXPORT_COLUMNS])
        if buffer.tell() >= EXPORT_CHUNK:
            yield _drain(buffer)
    yield _drain(buffer)


def _jsonl_lines(rows, provenance):
    buffer = io.StringIO()
    buffer.write(json.dumps({"provenance": provenance}, ensure_ascii=False) + "\n")
    for row in rows:
        buffer.write(json.dumps({c: row[c] for c in EXPORT_COLUMNS}, ensure_ascii=False) + "\n")
        if buffer.tell() >= EXPORT_CHUNK:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    """The buffer's text, leaving it empty: exports go out in chunks, not a write per row."""
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


@bp.route("/export.csv")
def export_csv():
    """All hits of the current search as CSV, streamed."""
    return _export("csv")


@bp.route("/export.jsonl")
def export_jsonl():
    """All hits of the current search as JSON Lines, a provenance record first."""
    return _export("jsonl")
