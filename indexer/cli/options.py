"""What the ``kartoteka`` commands share: the index folder, the search options,
counting words, and the error for a request that cannot be read."""

from __future__ import annotations

import click

from ..engine.store import default_index_dir
from ..engine.query import MATCHES
from ..search.service import SORTS, SearchRequest


class BadQuery(click.ClickException):
    """A query or filter the search service cannot read: exit status 2."""

    exit_code = 2


index_option = click.option(
    "--index", "index_dir", type=click.Path(file_okay=False), default=None,
    help="Index folder (default: $KARTOTEKA_INDEX, else ~/.local/share/kartoteka/index).")


def _index_dir(value: str | None):
    return value or default_index_dir()


# How each part of a count is named (``SearchRequest.match``).
MATCH_WORDS = {"typed": "as typed", "readings": "only as other readings",
               "translations": "only in the other language"}


def _count(n: int, noun: str) -> str:
    """``1 article``, ``2 articles``: every count the CLI prints goes through here."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


# The options that make a search's request, shared by ``search`` and ``export``.
SEARCH_OPTIONS = (
    click.option("--region", "regions", multiple=True, metavar="REGION",
                 help="Region or region group: a slug or a name in either language "
                      "(see 'kartoteka regions'; repeat for any of several)."),
    click.option("--author", "authors", multiple=True, metavar="NAME",
                 help="Author name as written (repeat for any of several)."),
    click.option("--lang", type=click.Choice(["en", "ru"]), default=None),
    click.option("--from", "date_from", metavar="DATE", help="YYYY, YYYY-MM or YYYY-MM-DD."),
    click.option("--to", "date_to", metavar="DATE", help="YYYY, YYYY-MM or YYYY-MM-DD."),
    click.option("--undated", is_flag=True,
                 help="Articles without a date: alone, only those; with --from/--to, those too."),
    click.option("--topic", "topics", multiple=True, metavar="TOPIC",
                 help="Topic as the articles name it (repeat for any of several)."),
    click.option("--outlet", "outlets", multiple=True, metavar="OUTLET",
                 help="Outlet (publication) by any of its names or hosts: Eurasianet, "
                      "eurasianet.org, Азаттык (repeat for any of several)."),
    click.option("--no-cross", "no_cross", is_flag=True,
                 help="Search the words as typed only, not also their other-language "
                      "equivalents."),
    click.option("--match", type=click.Choice(MATCHES), default=None,
                 help="Which articles count: all (also other readings and translations), "
                      "or only those one part finds (typed: the words as typed and their "
                      "likely reading). Default: all for search and export, typed for "
                      "timeline and kwic."),
    click.option("--typed", is_flag=True, help="The same as --match typed."),
    click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True,
                 help="With no query words, relevance means newest first."),
)


def search_options(command):
    """Give a command the search's filter, cross-language and sort options."""
    for option in reversed(SEARCH_OPTIONS):
        command = option(command)
    return command


def _request(query, regions, authors, lang, date_from, date_to, undated, no_cross, sort,
             topics=(), outlets=(), match=None, typed=False, default_match="all",
             **paging) -> SearchRequest:
    if typed and match not in (None, "typed"):
        raise BadQuery(f"--typed and --match {match} ask for different counts: give one")
    return SearchRequest(query=query, regions=regions, authors=authors, topics=topics,
                         outlets=outlets,
                         langs=(lang,) if lang else (), date_from=date_from, date_to=date_to,
                         undated=undated, cross=not no_cross, sort=sort,
                         match="typed" if typed else match or default_match, **paging)
