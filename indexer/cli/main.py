"""The ``kartoteka`` command: index a corpus, search it, serve it."""

from __future__ import annotations

import errno
import functools
import json
import os
import socket
import sys
import time
from collections import Counter

import click

from .. import __version__
from .cluster import cluster, index_into_cluster
from .inspect import inspect
from .options import (
    BadQuery,
    _count,
    _index_dir,
    _request,
    index_option,
    search_options,
)
from .results import print_result
from .tools import kwic, timeline
from ..engine.embedded.build import BuildSummary, build_index, update_index
from ..engine.registry import engine_for
from ..errors import BuildError, IndexFormatError, IndexUnavailable, QueryError
from ..ingest.corpus import DEFAULT_MAX_BYTES
from .labels import labelled_facets
from ..model import CorpusWarning, NoDate
from ..search.exports import OPTIONAL_COLUMNS, open_export, used_sort
from ..search.service import SearchService
from ..text.regions import GROUPS, REGIONS

MAX_PROBLEMS_SHOWN = 50
# How the summary names the WARC records passed over (the rest: record type + "s").
PASSED_OVER_LABELS = {"not-html": "not HTML", "not-200": "not 200 OK", "other": "of other types",
                      "metadata": "metadata", "warcinfo": "warcinfo"}
ORDER_NAMES = {"relevance": "by relevance", "newest": "newest first", "oldest": "oldest first"}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
@click.option("--dictionary", "dictionaries", type=click.Path(exists=True, dir_okay=False),
              multiple=True, help="A bilingual dictionary in dictd format (its .index or "
              ".dict.dz; repeatable) for cross-language search; default: the installed "
              "mueller7-dict and dict-freedict-eng-rus.")
@click.option("--no-dictionary", is_flag=True,
              help="Search across languages by the glossary, names and learned pairs alone.")
@click.option("--outlets", type=click.Path(exists=True, dir_okay=False), default=None,
              help="More outlets, one a line: its names and hosts, tab-separated "
                   "(the format of indexer/data/outlets.tsv).")
def index(sources, index_dir, update, strict, report_file, max_file_mb, jobs, glossary,
          aliases, outlets, dictionaries, no_dictionary):
    """Build the index from SOURCES (folders or files of HTML, .txt dumps, .jsonl, .warc.gz).

    The new index replaces the old one only when the build succeeds; a
    search server keeps answering from the old one until then.

    Examples:

        kartoteka index sample_corpus --index ./my-index

        kartoteka index sample_corpus new-downloads --update --report build.json

    The glossary, aliases and outlets files are kept with the index and used again by
    --update until others are given. A cluster folder (kartoteka cluster init)
    as --index indexes into its searchd shards.
    """
    target = _index_dir(index_dir)
    engine = engine_for(target)
    dictionary = False if no_dictionary else (list(dictionaries) or None)
    if engine.name != "whoosh-docsets":
        return index_into_cluster(engine, sources, target, update, jobs, glossary, aliases,
                                  outlets, dictionary)
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
                        aliases=aliases, outlets=outlets,
                        dictionary=dictionary)
    except (BuildError, FileNotFoundError) as error:
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
                   f"(read {summary.files_read} of {_count(summary.files, 'file')}) in "
                   f"{summary.seconds:.1f} s; it holds {_count(summary.total, 'article')} "
                   f"({by_lang})")
    else:
        click.echo(f"Indexed {_count(summary.total, 'article')} ({by_lang}) from "
                   f"{_count(summary.files, 'file')} in {summary.seconds:.1f} s "
                   f"({rate:.0f} docs/s) into {target}")
    if summary.passed_over:
        click.echo(_passed_over_line(summary.passed_over))
    for note in summary.notes:
        click.echo(note, err=True)
    _echo_problems(summary.problems, report_file)


def _passed_over_line(counts: Counter) -> str:
    """The summary's line, e.g. "Passed over 23 WARC records: 20 requests, 3 redirects"."""
    parts = [f"{n} {PASSED_OVER_LABELS[why]}" if why in PASSED_OVER_LABELS else _count(n, why)
             for why, n in counts.most_common()]
    return f"Passed over {_count(sum(counts.values()), 'WARC record')}: {', '.join(parts)}"


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
    """One line on stderr that a build rewrites as it goes (terminals only): files
    and articles so far. An update learns which articles are new only after
    reading the changed files, so until then it counts those: never "0 articles"."""

    WIDTH = 30

    def __init__(self, started: float):
        self.started = started
        self.tty = sys.stderr.isatty()
        self.last = 0.0
        self.shown = 0  # the length of the line on screen, to blank out what a shorter one leaves
        self._show("reading the sources …")  # the first file may take a while

    def update(self, summary) -> None:
        now = time.perf_counter()
        done = summary.files == summary.files_total
        if not self.tty or (now - self.last < 0.1 and not done):
            return
        self.last = now
        if summary.mode == "update":
            self._show(f"read {_count(summary.files_read, 'new or changed file')} …")
            return
        filled = self.WIDTH * summary.files // max(summary.files_total, 1)
        rate = summary.total / max(now - self.started, 1e-6)
        self._show(f"[{'#' * filled}{' ' * (self.WIDTH - filled)}] {summary.files}/"
                   f"{_count(summary.files_total, 'file')}, {_count(summary.total, 'article')}, "
                   f"{rate:.0f} docs/s" + (", writing the index …" if done else ""))

    def _show(self, line: str) -> None:
        if self.tty:
            click.echo(f"\r{line.ljust(self.shown)}", err=True, nl=False)
            self.shown = len(line)

    def finish(self) -> None:
        if self.shown:
            click.echo("", err=True)
            self.shown = 0


@cli.command()
@click.argument("query", default="")
@search_options
@click.option("--limit", type=int, default=10, show_default=True,
              help="Hits per page (at most 100: 'kartoteka export' writes them all).")
@click.option("--page", type=int, default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@index_option
def search(query, limit, page, as_json, index_dir, **options):
    """Search the index. An empty QUERY lists everything the filters allow.

    Words are ANDed; OR, NOT, -word, "phrases", title:, author: and word*
    work as in the README.

    Examples:

        kartoteka search 'выборы мэра' --region central-asia --from 2010

        kartoteka search --undated --from 2019 --to 2019
    """
    request = _request(query, page=page, per_page=limit, **options)
    service = SearchService(_index_dir(index_dir))
    try:
        result = service.search(request)
    except QueryError as error:
        raise BadQuery(str(error)) from None
    except (FileNotFoundError, IndexFormatError, IndexUnavailable) as error:
        raise click.ClickException(str(error)) from None
    result["facets"] = labelled_facets(result["facets"])
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print_result(result)


@cli.command()
@click.argument("query", default="")
@search_options
@click.option("--format", "kind", type=click.Choice(["csv", "jsonl"]), required=True,
              help="csv: UTF-8 with a byte order mark, for spreadsheets; jsonl: JSON Lines, "
                   "a provenance record first.")
@click.option("--columns", multiple=True, metavar="NAME,…",
              help=f"Optional columns after the default ones: {', '.join(OPTIONAL_COLUMNS)}.")
@click.option("--out", default="-", type=click.Path(dir_okay=False, allow_dash=True),
              help="File to write (default: standard output).")
@index_option
def export(query, kind, columns, out, index_dir, **options):
    """Write every hit of a search as CSV or JSON Lines, however many.

    The columns, cells and provenance are the web page's exports' own: cells
    a spreadsheet would run as formulas start with ', and the order used is
    said (relevance with no query words is newest first).

    Examples:

        kartoteka export выборы --region kyrgyzstan --format csv --out v.csv

        kartoteka export --lang ru --format jsonl --columns body > ru.jsonl
    """
    request = _request(query, **options)
    try:
        export = open_export(SearchService(_index_dir(index_dir)), request, columns)
    except QueryError as error:
        raise BadQuery(str(error)) from None
    except (FileNotFoundError, IndexFormatError, IndexUnavailable) as error:
        raise click.ClickException(str(error)) from None
    try:
        with click.open_file(out, "wb") as handle:  # "-": standard output
            for chunk in export.csv_chunks() if kind == "csv" else export.jsonl_chunks():
                handle.write(chunk.encode("utf-8"))
            handle.flush()  # a short export still in the buffer meets a closed pipe here
    except BrokenPipeError:  # the reader stopped (| head): end quietly, as Python's docs advise
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except OSError as error:
        raise click.ClickException(f"cannot write {out}: {error.strerror or error}") from None
    where = "" if out == "-" else f" to {out}"
    click.echo(f"Exported {_count(export.total, 'article')} ({ORDER_NAMES[used_sort(request)]})"
               f"{where}", err=True)


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
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Server processes sharing the port and the index: one per core.")
def serve(index_dir, host, port, workers):
    """Serve the search page and JSON API with waitress.

    Each answer names the process that made it in its X-Kartoteka-Worker
    header. KARTOTEKA_THREADS (default 4) sets the threads of each worker.

    Example:

        kartoteka serve --port 8000 --workers 2
    """
    from webapp import create_app  # only this command knows the web app

    from webapp.serving import bind_listeners, serve_here, serve_workers

    index = str(_index_dir(index_dir))
    if not 0 <= port <= 65535:
        raise click.ClickException(f"--port {port}: a port is a number from 0 to 65535 "
                                   "(0: any free port)")
    try:
        listeners = bind_listeners(host, port)
    except (ValueError, OverflowError, OSError) as error:
        raise click.ClickException(_cannot_serve(host, port, error)) from None
    port = listeners[0].getsockname()[1]  # the one the system gave, for --port 0
    threads = int(os.environ.get("KARTOTEKA_THREADS", "4"))
    make_app = functools.partial(create_app, {"INDEX_DIR": index})  # called in each worker
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"Serving {index} at http://{shown}:{port}/"
               + (f" with {workers} workers" if workers > 1 else "")
               + " (Ctrl+C to stop)", err=True)
    if workers == 1:
        serve_here(make_app, listeners, threads)
    else:
        sys.exit(serve_workers(make_app, listeners, threads, workers,
                               say=lambda line: click.echo(f"Error: {line}", err=True)))


def _cannot_serve(host: str, port: int, error: Exception) -> str:
    """One line saying why ``host:port`` cannot be listened on."""
    if isinstance(error, OSError) and error.errno == errno.EADDRINUSE:
        return f"port {port} is in use: choose another with --port"
    if isinstance(error, OSError) and error.errno in (errno.EACCES, errno.EPERM):
        return f"port {port} needs privileges this user lacks: choose one above 1023 with --port"
    if isinstance(error, OSError) and error.errno == errno.EADDRNOTAVAIL:
        return f"--host {host}: not an address of this machine"
    if isinstance(error, (ValueError, socket.gaierror)):
        return f"--host {host}: not an address or a name this machine can resolve"
    return f"cannot serve at {host}:{port}: {getattr(error, 'strerror', None) or error}"


cli.add_command(timeline)
cli.add_command(kwic)
cli.add_command(cluster)
cli.add_command(inspect)


def main():  # pragma: no cover - the console script's entry point
    cli()
