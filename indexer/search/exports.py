"""Exports of a search: every hit as CSV or JSON Lines, for R, pandas or a spreadsheet.

``kartoteka export`` and the web app's ``/export.csv`` and ``/export.jsonl``
both write through here, so a file has the same columns, cells and
provenance wherever it came from:

- columns: ``DEFAULT_COLUMNS`` always, then the ``OPTIONAL_COLUMNS`` asked
  for, in the order asked;
- CSV: UTF-8 with a byte order mark (without it Excel reads Cyrillic as a
  legacy code page), then the provenance as ``# name: value`` lines, then the
  header and the rows: pandas ``read_csv(path, comment="#")`` and R
  ``read.csv(path, comment.char="#")`` skip the comments, so a file carries
  where it came from and still reads unchanged. A cell holding ``#`` is
  quoted, since both readers cut an unquoted line at it; lists joined with
  "; "; a cell a spreadsheet would run
  as a formula (it begins with ``= + - @``, a tab or a carriage return) gets
  a leading ``'``, as OWASP advises against CSV injection. JSON Lines keep
  every value as it is, after a provenance record;
- provenance: the query, the filters, the order really used (relevance with
  no query words is newest first), the columns, the total and the index's
  build time, so a file says where its rows came from.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .. import __version__
from ..errors import QueryError
from ..text.regions import region_slug
from .service import SearchRequest, SearchService

DEFAULT_COLUMNS = ("id", "title", "authors", "date", "lang", "regions", "topics", "outlet", "url",
                   "source")
# body: the whole text; snippet: the page's snippet as plain text; score: the
# relevance score (empty when sorted by date); translation: the id of the linked
# article, when the index holds it; inferred_regions: whether the regions were
# inferred from the text (the page named none).
OPTIONAL_COLUMNS = ("body", "snippet", "score", "translation", "inferred_regions")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_QUOTED = re.compile(r'[,"\r\n#]')
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")
# What each way of counting (``SearchRequest.match``) counts, said in a CSV's provenance.
COUNTED = {"all": "the words as typed, their other readings and translations",
           "typed": "the words as typed and their likely reading only",
           "readings": "only what the words' other readings add",
           "translations": "only what the translations add"}
CHUNK_CHARS = 64 * 1024  # characters per piece of a streamed export
QUERY_SLUG_CHARS = 40
FILTERS_SLUG_CHARS = 60
# The request's list filters and their names in provenance and file names.
LIST_FILTERS = {"regions": "region", "authors": "author", "langs": "lang", "topics": "topic",
                "outlets": "outlet"}


@dataclass
class Export:
    """One search's export: the columns, how many rows, the rows (read as they
    are written), provenance, and when it was made."""

    columns: tuple[str, ...]
    total: int
    rows: Iterator[dict]
    provenance: dict
    request: SearchRequest
    exported_at: dt.datetime

    def csv_chunks(self) -> Iterator[str]:
        """The CSV in pieces of about ``CHUNK_CHARS``: BOM, provenance comments,
        header, a line per hit."""
        buffer = io.StringIO()
        buffer.write("\ufeff" + "".join(provenance_comments(self.provenance)))
        buffer.write(csv_line(self.columns))
        for row in self.rows:
            buffer.write(csv_line([csv_cell(row[c]) for c in self.columns]))
            if buffer.tell() >= CHUNK_CHARS:
                yield _drain(buffer)
        yield _drain(buffer)

    def jsonl_chunks(self) -> Iterator[str]:
        """JSON Lines in pieces: ``{"provenance": …}``, then a record per hit."""
        buffer = io.StringIO()
        buffer.write(json.dumps({"provenance": self.provenance}, ensure_ascii=False) + "\n")
        for row in self.rows:
            buffer.write(json.dumps(row, ensure_ascii=False) + "\n")
            if buffer.tell() >= CHUNK_CHARS:
                yield _drain(buffer)
        yield _drain(buffer)

    def file_name(self, kind: str) -> str:
        """``kartoteka-<query>-<filters>-<time>.<kind>``, ASCII letters, digits and hyphens."""
        return file_name(self.request, kind, self.exported_at)


def open_export(service: SearchService, request: SearchRequest,
                columns: Iterable[str] = ()) -> Export:
    """Start exporting every hit of ``request``; ``QueryError`` for a request or
    a column the service cannot take (raised here, before anything is written).

    The matching articles are found at once, in one order; snippets and
    scores, when asked for, are made batch by batch as a search page makes them.
    """
    chosen = export_columns(columns)
    exported_at = dt.datetime.now(dt.UTC)
    record = provenance(service, request, chosen, exported_at)  # before the rows hold the index
    snippets = bool({"snippet", "score"} & set(chosen))
    record["total"], hits = service.export(request, snippets=snippets)
    return Export(chosen, record["total"], _rows(service, hits, chosen), record, request,
                  exported_at)


def export_columns(asked: Iterable[str]) -> tuple[str, ...]:
    """The default columns, then the optional ones asked for ("a,b" or one a
    value, in the order asked); ``QueryError`` naming the valid ones otherwise."""
    chosen = list(DEFAULT_COLUMNS)
    for value in asked:
        for name in (n.strip() for n in value.split(",")):
            if not name or name in chosen:
                continue
            if name not in OPTIONAL_COLUMNS:
                raise QueryError(f"unknown column {name!r}: the optional columns are "
                                 f"{', '.join(OPTIONAL_COLUMNS)} ({', '.join(DEFAULT_COLUMNS)} "
                                 "are always there)")
            chosen.append(name)
    return tuple(chosen)


def neutralized(text: str) -> str:
    """``text`` with a leading ``'`` if a spreadsheet would read it as a formula:
    ``=HYPERLINK(…)`` stays text, and so does ``-2`` (a number, shown with a quote)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_cell(value) -> str:
    """A value as one CSV cell: lists joined with "; ", booleans as true/false,
    nothing as empty, neutralized."""
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, list):
        text = "; ".join(value)
    else:
        text = str(value)
    return neutralized(text)


def csv_line(cells: Iterable[str]) -> str:
    """One CSV record (RFC 4180, CRLF): a cell is quoted when it holds a comma, a
    quote, a line break or a ``#``, so no data line can read as a comment, or be
    cut at one, in pandas or R."""
    return ",".join('"' + c.replace('"', '""') + '"' if CSV_QUOTED.search(c) else c
                    for c in cells) + "\r\n"


def tool_csv(service: SearchService, kind: str, request: SearchRequest, queries: list[str],
             columns: Iterable[str], rows: list[Iterable], bom: bool = True) -> str:
    """A researcher's tool's CSV (``timeline``, ``kwic``): its provenance as comment
    lines (``# kartoteka timeline``, ``# query: выборы | election``, …), then the
    header and the rows, read as an export's are."""
    columns = tuple(columns)
    record = provenance(service, request, columns, dt.datetime.now(dt.UTC), total=len(rows))
    record["query"] = " | ".join(queries)
    return ("\ufeff" if bom else "") + "".join(
        provenance_comments(record, kind) + [csv_line(columns)]
        + [csv_line(csv_cell(value) for value in row) for row in rows])


def provenance_comments(record: dict, kind: str = "export") -> list[str]:
    """The provenance as CSV comment lines, ``# query: выборы``; line breaks and
    other control characters in a value become spaces, so a query cannot end
    its comment and start a row."""
    filters = record["filters"]
    in_force = [f"{name}={value}" for name, values in filters.items() if name in LIST_FILTERS.values()
                for value in values]
    in_force += [f"{name}={filters[name]}" for name in ("from", "to") if filters[name]]
    in_force += ["undated"] if filters["undated"] else []
    lines = {"query": record["query"], "filters": "; ".join(in_force) or "none",
             "other language": "searched" if record["cross"] else "not searched",
             "counted": COUNTED.get(record.get("match", "all"), record.get("match")),
             "sort": record["sort"], "index": f"built {record['index_built_at'] or 'unknown'}",
             "kartoteka": record["kartoteka_version"], "exported": record["exported_at"],
             "rows": record["total"]}
    return [f"# kartoteka {kind}\r\n"] + [
        f"# {name}: {CONTROL_CHARS.sub(' ', str(value))}\r\n" for name, value in lines.items()]


def used_sort(request: SearchRequest) -> str:
    """The order the hits really come in: relevance with no query words is newest first."""
    return "newest" if request.sort == "relevance" and not request.query.strip() else request.sort


def provenance(service: SearchService, request: SearchRequest, columns: tuple[str, ...],
               exported_at: dt.datetime, total: int | None = None) -> dict:
    """Where an export's rows came from: the request, the order used, the index."""
    filters: dict = {name: [_filter_value(name, v) for v in getattr(request, field, ())]
                     for field, name in LIST_FILTERS.items()}
    filters.update({"from": request.date_from, "to": request.date_to,
                    "undated": request.undated})
    return {
        "query": request.query,
        "filters": filters,
        "cross": request.cross,
        "match": request.match,
        "sort": used_sort(request),
        "columns": list(columns),
        "total": total,
        "index_built_at": service.info().get("built_at"),
        "kartoteka_version": __version__,
        "exported_at": exported_at.isoformat(timespec="seconds"),
    }


def file_name(request: SearchRequest, kind: str, exported_at: dt.datetime) -> str:
    """An export's file name: the query transliterated (``all`` when empty), the
    filters and the time, e.g. ``kartoteka-vybory-region-kyrgyzstan-2019-2020-20261201T1015.csv``."""
    query = slug(request.query, QUERY_SLUG_CHARS) or ("search" if request.query.strip() else "all")
    parts: list[str] = []
    for field, name in LIST_FILTERS.items():
        values = getattr(request, field, ())
        if values:
            parts += [name, *(_filter_value(name, v) for v in values)]
    if request.date_from and request.date_to:
        parts.append(f"{request.date_from}-{request.date_to}")
    elif request.date_from or request.date_to:
        parts += ["from", request.date_from] if request.date_from else ["to", request.date_to]
    if request.undated:
        parts.append("undated")
    stamp = exported_at.strftime("%Y%m%dT%H%M")
    named = [p for p in ("kartoteka", query, slug(" ".join(parts), FILTERS_SLUG_CHARS), stamp) if p]
    return "-".join(named) + "." + kind


def slug(text: str, limit: int) -> str:
    """``text`` in ASCII letters, digits and single hyphens, at most ``limit``
    characters (cut at a hyphen): Cyrillic by iuliia's Wikipedia schema, accents dropped."""
    import iuliia  # it reads its schema files on import: only when an export is named

    ascii_text = unicodedata.normalize("NFKD", iuliia.WIKIPEDIA.translate(text))
    words = re.sub(r"[^A-Za-z0-9]+", "-", ascii_text.encode("ascii", "ignore").decode())
    words = words.strip("-")
    if len(words) > limit:
        cut = words[:limit + 1]
        words = cut.rsplit("-", 1)[0] if "-" in cut else words[:limit]
    return words.strip("-")


def _filter_value(name: str, value: str) -> str:
    """A region as its slug, whichever name it was given by; other values as given."""
    return (region_slug(value) or value) if name == "region" else value


def _rows(service: SearchService, hits: Iterator[dict], columns: tuple[str, ...]):
    """Each hit as a row of ``columns``; the article is read only for the columns
    that need its whole record (body, translation, inferred regions)."""
    whole = {"body", "translation", "inferred_regions"} & set(columns)
    for hit in hits:
        article = (service.article(hit["id"]) or {}) if whole else {}
        values = {
            "body": article.get("body", ""),
            "snippet": _plain(hit.get("snippet", "")),
            "score": hit.get("score"),
            "translation": (article.get("translation") or {}).get("id"),
            "inferred_regions": article.get("region_source") == "inferred",
        }
        yield {c: hit[c] if c in DEFAULT_COLUMNS else values[c] for c in columns}


def _plain(snippet_html: str) -> str:
    """A snippet's text: marks taken out, entities read (the snippet escapes the
    body's own "<", so no tag of the text is lost)."""
    return html.unescape(re.sub(r"</?mark>", "", snippet_html))


def _drain(buffer: io.StringIO) -> str:
    """The buffer's text, leaving it empty: exports go out in chunks, not a write per row."""
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
