"""The researcher's tools on the command line: ``kartoteka timeline`` and ``kwic``."""

from __future__ import annotations

import click

from .options import (
    MATCH_WORDS,
    BadQuery,
    _count,
    _index_dir,
    _request,
    index_option,
    search_options,
)
from ..errors import IndexFormatError, IndexUnavailable, QueryError
from ..search.concordance import SORTS as KWIC_ORDERS
from ..search.exports import tool_csv
from ..search.service import SearchService

# What the timeline and the concordance count unless asked: the words as typed
# (and their likely reading), as evidence is cited; search and export count all.
TOOLS_MATCH = "typed"
KWIC_COLUMNS = ("left", "match", "right", "id", "date", "lang", "title", "url")
TIMELINE_COLUMNS = ("query", "lang", "period", "count", "total", "share")
LEFT_WIDTH = 50  # characters of left context printed in the terminal


def _ask(index_dir, question):
    """``question(service)`` on the index, its errors as the CLI reports them."""
    service = SearchService(_index_dir(index_dir))
    try:
        return question(service)
    except QueryError as error:
        raise BadQuery(str(error)) from None
    except (FileNotFoundError, IndexFormatError, IndexUnavailable) as error:
        raise click.ClickException(str(error)) from None
    finally:
        service.close()


@click.command()
@click.argument("queries", nargs=-1, required=True)
@search_options
@click.option("--by", type=click.Choice(["year", "month"]), default="year", show_default=True)
@click.option("--share", is_flag=True, help="Show each count as a share of all the "
                                            "period's articles.")
@click.option("--by-language", is_flag=True, help="A series per language, shares of "
                                                  "that language's articles.")
@click.option("--csv", "as_csv", is_flag=True,
              help="Print CSV: query, lang, period, count, total, share.")
@index_option
def timeline(queries, by, share, by_language, as_csv, index_dir, **options):
    """Compare one to five QUERIES over time: articles per year or month.

    Each cell is the count of articles found over the period's total (every
    article of it under the same filters); with --share, the share too. A
    period without any article has no share: "—" (an empty cell in CSV).

    Examples:

        kartoteka timeline выборы election --by month --share

        kartoteka timeline Kyrgyzstan Kazakhstan --from 2010 --csv
    """
    request = _request("", default_match=TOOLS_MATCH, **options)

    def asked(service):
        data = service.timeline(list(queries), request, by=by, by_language=by_language)
        rows = [(entry["query"], entry.get("lang", ""), p["period"], p["count"], p["total"],
                 p["share"]) for entry in data["series"] for p in entry["points"]]
        return data, tool_csv(service, "timeline", request, list(queries), TIMELINE_COLUMNS,
                              rows, bom=False) if as_csv else None

    data, as_text = _ask(index_dir, asked)
    if as_csv:
        click.echo(as_text, nl=False)
        return
    names = [entry["query"] + (f" ({entry['lang']})" if entry.get("lang") else "")
             for entry in data["series"]]
    rows = [[_timeline_cell(entry["points"][i], share) for entry in data["series"]]
            for i in range(len(data["series"][0]["points"]) if data["series"] else 0)]
    width = max(12, *(len(n) for n in names), *(len(c) for row in rows for c in row))
    click.echo("period   " + "  ".join(n.rjust(width) for n in names))
    for point, cells in zip(data["series"][0]["points"] if rows else [], rows):
        click.echo(f"{point['period']:<8} " + "  ".join(c.rjust(width) for c in cells))
    click.echo("each cell: articles found / all the period's articles"
               + (" = share" if share else "") + "; —: no article at all in the period")
    click.echo(_mode_line(data["match"]))


def _mode_line(match: str) -> str:
    """What a tool counted, and the option that counts the other way."""
    if match == "all":
        return ("counted: the words as typed, their other readings and translations "
                "(--typed: the words as typed only)")
    return (f"counted: only {MATCH_WORDS[match]} "
            "(--match all: other readings and translations too)")


def _timeline_cell(point: dict, share: bool) -> str:
    """``3 / 7``, with --share ``3 / 7 = 42.9%``; a period without articles ``—``."""
    if point["share"] is None:
        return "—"
    cell = f"{point['count']} / {point['total']}"
    return cell + f" = {point['share'] * 100:.1f}%" if share else cell


@click.command()
@click.argument("query")
@search_options
@click.option("--order", type=click.Choice(KWIC_ORDERS), default="text", show_default=True,
              help="Search order, or sorted by the word before (left) or after (right).")
@click.option("--limit", type=click.IntRange(1), default=None,
              help="Print at most this many lines.")
@click.option("--csv", "as_csv", is_flag=True,
              help="Print CSV: left, match, right, id, date, lang, title, url.")
@index_option
def kwic(query, order, limit, as_csv, index_dir, **options):
    """A concordance: every occurrence of QUERY's words in context.

    Inflected forms count and are shown as written.

    Examples:

        kartoteka kwic выборы --order right

        kartoteka kwic 'Kyrgyzstan' --lang en --csv > kyrgyzstan-kwic.csv
    """
    request = _request(query, default_match=TOOLS_MATCH, **options)

    def asked(service):
        result = service.concordance(request, order=order)
        lines = result["lines"][:limit] if limit else result["lines"]
        rows = [[line.get(c) for c in KWIC_COLUMNS] for line in lines]
        return result, lines, tool_csv(service, "concordance", request, [query], KWIC_COLUMNS,
                                       rows, bom=False) if as_csv else None

    result, lines, as_text = _ask(index_dir, asked)
    if as_csv:
        click.echo(as_text, nl=False)
        return
    click.echo(f"{_count(len(result['lines']), 'occurrence')} in "
               f"{_count(result['articles'], 'article')}"
               + ("" if result["complete"] else " (the first ones only)"))
    click.echo(_mode_line(result["match"]))
    for line in lines:
        left = line["left"][-LEFT_WIDTH:]
        click.echo(f"{left:>{LEFT_WIDTH}} {click.style(line['match'], bold=True)} "
                   f"{line['right'][:LEFT_WIDTH]}  [{line['date'] or 'no date'} {line['id']}]")
