"""The ``kartoteka`` command: index a corpus, search it, serve it."""

from __future__ import annotations

import html
import json
import os
import re
import sys
import time
from collections import Counter

import click

from . import __version__
from .engine.build import BuildSummary, build_index, update_index
from .engine.store import default_index_dir
from .errors import BuildError, IndexFormatError, QueryError
from .ingest.corpus import DEFAULT_MAX_BYTES
from .labels import labelled_facets
from .model import CorpusWarning, NoDate
from .search.service import SORTS, SearchRequest, SearchService
from .text.regions import GROUPS, REGIONS

FACET_PREVIEW = 6
MAX_PROBLEMS_SHOWN = 50
# How the summary names the WARC records passed over (the rest: record type + "s").
PASSED_OVER_LABELS = {"not-html": "not HTML", "not-200": "not 200 OK", "other": "of other types",
                      "metadata": "metadata", "warcinfo": "warcinfo"}


class BadQuery(click.ClickException):
    """A query or filter the search service cannot read: exit status 2."""

    exit_code = 2


index_option = click.option(
    "--index", "index_dir", type=click.Path(file_okay=False), default=None,
    help="Index folder (default: $KARTOTEKA_INDEX, else ~/.local/share/kartoteka/index).")


def _index_dir(value: str | None):
    return value or default_index_dir()


@click.group()
@click.version_option(__version__, prog_name="kartoteka")
def cli():
    """kartoteka: a bilingual (English + Russian) search engine for a news archive."""


@cli.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True))
@index_option
@click.option("--update", is_flag=True,
              help="Add new and changed articles and remove gone ones, instead of rebuilding.")
@click.option("--strict", is_flag=True,
              help="Fail (keeping the old index) if any file or record has a problem.")
@click.option("--report", "report_file", type=click.Path(dir_okay=False, writable=True),
              help="Write a JSON report of the build: counts, changes and every problem.")
@click.option("--max-file-size", "max_file_mb", type=click.FloatRange(min=0.001),
              default=DEFAULT_MAX_BYTES / 1_000_000, show_default=True, metavar="MB",
              help="Skip page files, JSON Lines records and WARC pages larger than this.")
@click.option("--jobs", type=click.IntRange(1, 64), default=None,
              help="Worker processes (default: all cores).")
@click.option("--glossary", type=click.Path(exists=True, dir_okay=False), default=None,
              help="More English<TAB>Russian word pairs for cross-language search, one a line.")
@click.option("--aliases", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Spellings of one author's name, one person a line: 'Nadia = Надежда'.")
def index(sources, index_dir, update, strict, report_file, max_file_mb, jobs, glossary,
          aliases):
    """Build the index from SOURCES (folders or files of HTML, .txt dumps, .jsonl, .warc.gz).

    The new index replaces the old one only when the build succeeds; a
    search server keeps answering from the old one until then.

    Examples:

        kartoteka index sample_corpus --index ./my-index

        kartoteka index sample_corpus new-downloads --update --report build.json

    The glossary and aliases files are kept with the index and used again by
    --update until others are given.
    """
    target = _index_dir(index_dir)
    progress = _Progress(time.perf_counter())
    build = update_index if update else build_index
    summary = None

    def on_file(so_far):
        nonlocal summary
        summary = so_far
        progress.update(so_far)

    try:
        summary = build(sources, target, workers=jobs, on_file=on_file, strict=strict,
                        max_file_bytes=int(max_file_mb * 1_000_000), glossary=glossary,
                        aliases=aliases)
    except BuildError as error:
        progress.finish()
        if summary is not None:
            _echo_problems(summary.problems)
        if report_file:
            _write_report(report_file, (summary or BuildSummary()).report(
                target, sources, error=str(error)))
        raise click.ClickException(str(error)) from None
    progress.finish()
    if report_file:
        _write_report(report_file, summary.report(target, sources))
    by_lang = ", ".join(f"{n} {lang}" for lang, n in sorted(summary.indexed.items()))
    rate = summary.added / summary.seconds if summary.seconds else 0
    if summary.mode == "update":
        click.echo(f"Updated {target}: {summary.added} added, {summary.changed} changed, "
                   f"{summary.removed} removed, {summary.unchanged} unchanged "
                   f"(read {summary.files_read} of {summary.files} files) in "
                   f"{summary.seconds:.1f} s; it holds {summary.total} articles ({by_lang})")
    else:
        click.echo(f"Indexed {summary.total} articles ({by_lang}) from {summary.files} files "
                   f"in {summary.seconds:.1f} s ({rate:.0f} docs/s) into {target}")
    if summary.passed_over:
        click.echo(_passed_over_line(summary.passed_over))
    for note in summary.notes:
        click.echo(f"skipped a line: {note}", err=True)
    _echo_problems(summary.problems, report_file)


def _passed_over_line(counts: Counter) -> str:
    """The summary's line, e.g. "Passed over 23 WARC records: 20 requests, 3 redirects"."""
    total = sum(counts.values())
    parts = [f"{n} {PASSED_OVER_LABELS.get(why) or why + ('s' if n != 1 else '')}"
             for why, n in counts.most_common()]
    return f"Passed over {total} WARC record{'s' if total != 1 else ''}: {', '.join(parts)}"


def _echo_problems(problems, report_file=None) -> None:
    if not problems:
        return
    kinds = Counter(p.kind for p in problems)
    click.echo(f"Problems: {len(problems)} ("
               + ", ".join(f"{n} {kind}" for kind, n in kinds.most_common()) + ")")
    for problem in sorted(problems, key=_listing_order)[:MAX_PROBLEMS_SHOWN]:
        click.echo(f"  {problem}")
    if len(problems) > MAX_PROBLEMS_SHOWN:
        where = f"in {report_file}" if report_file else "with --report FILE"
        click.echo(f"  … and {len(problems) - MAX_PROBLEMS_SHOWN} more: see them all {where}")


def _listing_order(problem) -> int:
    """Skipped input first, then warnings, undated articles last (file order within each).

    An archive may hold thousands of undated articles; their lines must not
    push a skipped file out of the first ``MAX_PROBLEMS_SHOWN``.
    """
    return 2 if isinstance(problem, NoDate) else 1 if isinstance(problem, CorpusWarning) else 0


def _write_report(path: str, report: dict) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(report, handle, ensure_ascii=False, indent=2)


class _Progress:
    """A progress bar of files, with articles and docs/s, on stderr (terminals only)."""

    WIDTH = 30

    def __init__(self, started: float):
        self.started = started
        self.tty = sys.stderr.isatty()
        self.last = 0.0

    def update(self, summary) -> None:
        now = time.perf_counter()
        done = summary.files == summary.files_total
        if not self.tty or (now - self.last < 0.1 and not done):
            return
        self.last = now
        filled = self.WIDTH * summary.files // max(summary.files_total, 1)
        rate = summary.total / max(now - self.started, 1e-6)
        click.echo(f"\r[{'#' * filled}{' ' * (self.WIDTH - filled)}] "
                   f"{summary.files}/{summary.files_total} files, {summary.total} articles, "
                   f"{rate:.0f} docs/s ", err=True, nl=False)

    def finish(self) -> None:
        if self.tty and self.last:
            click.echo("", err=True)


@cli.command()
@click.argument("query", default="")
@click.option("--region", "regions", multiple=True, metavar="REGION",
              help="Region or region group: a slug or a name in either language "
                   "(see 'kartoteka regions'; repeat for any of several).")
@click.option("--author", "authors", multiple=True, metavar="NAME",
              help="Author name as written (repeat for any of several).")
@click.option("--lang", type=click.Choice(["en", "ru"]), default=None)
@click.option("--from", "date_from", metavar="DATE", help="YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--to", "date_to", metavar="DATE", help="YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--undated", is_flag=True,
              help="Articles without a date: alone, only those; with --from/--to, those too.")
@click.option("--no-cross", "no_cross", is_flag=True,
              help="Search the words as typed only, not region names' other-language names.")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--limit", type=int, default=10, show_default=True, help="Hits per page.")
@click.option("--page", type=int, default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@index_option
def search(query, regions, authors, lang, date_from, date_to, undated, no_cross, sort, limit,
           page, as_json, index_dir):
    """Search the index. An empty QUERY lists everything the filters allow.

    Words are ANDed; OR, NOT, -word, "phrases", title:, author: and word*
    work as in the README.

    Examples:

        kartoteka search 'выборы мэра' --region central-asia --from 2010

        kartoteka search --undated --from 2019 --to 2019
    """
    request = SearchRequest(
        query=query, regions=regions, authors=authors, langs=(lang,) if lang else (),
        date_from=date_from, date_to=date_to, undated=undated, cross=not no_cross, sort=sort,
        page=page,
        per_page=limit)
    service = SearchService(_index_dir(index_dir))
    try:
        result = service.search(request)
    except QueryError as error:
        raise BadQuery(str(error)) from None
    except (FileNotFoundError, IndexFormatError) as error:
        raise click.ClickException(str(error)) from None
    result["facets"] = labelled_facets(result["facets"])
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        _print_result(result)


def _terminal_text(snippet: str) -> str:
    parts = re.split(r"<mark>(.*?)</mark>", snippet)
    return "".join(click.style(html.unescape(p), bold=True) if i % 2 else html.unescape(p)
                   for i, p in enumerate(parts))


def _print_result(result: dict) -> None:
    total, page, per_page = result["total"], result["page"], result["per_page"]
    pages = max(1, -(-total // per_page))
    shown = f' for "{result["query"]}"' if result["query"] else ""
    click.echo(f"{total} article{'s' if total != 1 else ''}{shown} — page {page} of {pages}")
    for expansion in result.get("expansions", []):
        click.echo(f"also searched {expansion['word']} as ({expansion['why']}): "
                   f"{', '.join(expansion['added'])} (--no-cross: the words as typed only)")
    for word, readings in result.get("readings", {}).items():
        click.echo(f"{word} read as: {', '.join(readings)} (the first ranks higher; "
                   f"={word} for that form only)")
    for hit in result["hits"]:
        if hit.get("copies"):
            hit["id"] += f" (also as {', '.join(c['id'] for c in hit['copies'])})"
    suggestion = result.get("suggestion")
    if suggestion:
        n = suggestion["total"]
        click.echo(f"Did you mean: {suggestion['query']} ({n} article{'s' if n != 1 else ''})")
    for number, hit in enumerate(result["hits"], start=(page - 1) * per_page + 1):
        meta = " · ".join(filter(None, [hit["date"] or "no date", hit["lang"],
                                        ", ".join(hit["authors"]), ", ".join(hit["regions"])]))
        click.echo(f"\n{number:>3}. {click.style(hit['title'] or '(no title)', bold=True)}")
        click.echo(f"     {meta}")
        click.echo(f"     {_terminal_text(hit['snippet'])}")
        click.echo(f"     id: {hit['id']}")
    if total:
        click.echo("")
        for name, entries in result["facets"].items():
            top = [f"{e['label']} {e['count']}" for e in entries if e["count"]]
            if name == "year":
                top = top[-FACET_PREVIEW:]
            more = " …" if len(top) > FACET_PREVIEW else ""
            click.echo(f"{name:>12}: {', '.join(top[:FACET_PREVIEW])}{more}")


@cli.command()
def regions():
    """List the regions and region groups: slug, English and Russian names.

    Any of these, slug or name, is what --region (and the page's region=)
    takes; a group means any of its countries.

    Example:
        kartoteka regions
    """
    for group in GROUPS:
        click.echo(f"{group.slug:<20} {group.en} / {group.ru}")
        for region in REGIONS:
            if region.group == group.slug:
                also = f"  (also {', '.join(region.names)})" if region.names else ""
                click.echo(f"  {region.slug:<18} {region.en} / {region.ru}{also}")


@cli.command()
@index_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
def serve(index_dir, host, port):
    """Serve the search page and JSON API with waitress.

    Example:

        kartoteka serve --port 8000
    """
    from waitress import serve as waitress_serve

    from webapp import create_app  # only this command knows the web app

    app = create_app({"INDEX_DIR": str(_index_dir(index_dir))})
    click.echo(f"Serving {app.config['INDEX_DIR']} at http://{host}:{port}/", err=True)
    waitress_serve(app, host=host, port=port, threads=int(os.environ.get("KARTOTEKA_THREADS", 4)))


def main():  # pragma: no cover - the console script's entry point
    cli()
