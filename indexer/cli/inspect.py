"""``kartoteka inspect``: what the reader decided for one corpus file."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import click

from .options import _count

WIDTH = 100
NONE = "—"


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--record", type=click.IntRange(min=1), metavar="N",
              help="The Nth page of a WARC file, as the listing numbers them.")
@click.option("--line", type=click.IntRange(min=1), metavar="N",
              help="The record on line N of a JSON Lines file.")
@click.option("--json", "as_json", is_flag=True, help="Print what was read as JSON.")
def inspect(file, record, line, as_json):
    """Show how FILE is read: each field and where it came from, the body's
    paragraphs, and every paragraph left out of the body with the rule that
    left it out. This is the reading 'kartoteka index' indexes.

    A JSON Lines or WARC file of many articles is listed; pick one with
    --line N or --record N. Exits with 1 when the file (or the part picked)
    gives no article.

    Examples:

        kartoteka inspect sample_corpus/dumps/georgia-kutaisi-electoral-reform-debate.txt

        kartoteka inspect sample_corpus/records.jsonl --line 2 --json
    """
    from ..ingest.inspect import NoSuchRecord, inspect_file  # the write path: only here

    try:
        result = inspect_file(file, record=record, line=line)
    except NoSuchRecord as error:
        raise click.UsageError(str(error)) from None
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        _print_result(result)
    if result["article"] is None and not result["records"]:
        sys.exit(1)


def _print_result(result: dict) -> None:
    where = result["path"]
    if result["selected"]:
        (kind, number), = result["selected"].items()
        where += f", {kind} {number}"
    click.echo(f"{where} ({result['format'] or 'not a corpus file type'})")
    if result["records"]:
        _print_listing(result)
        return
    article = result["article"]
    if article is not None:
        _print_article(article)
    elif not result["problems"]:
        click.echo("\nNo article found.")
    if result["problems"]:
        click.echo("\nProblems:" if article is None else "\nWarnings:")
        for problem in result["problems"]:
            click.echo(f"  {problem['kind']}: {problem['reason']} ({problem['action']})")


def _print_listing(result: dict) -> None:
    by_line = result["format"] == "JSON Lines"
    records = result["records"]
    noun = "record" if by_line else "page record"
    click.echo(f"{_count(len(records), noun)}:")
    for entry in records:
        number = entry["line"] if by_line else entry["record"]
        label = "line" if by_line else "record"
        if entry["id"] is not None:
            click.echo(f"  {label} {number}: {entry['id']}  {entry['title'] or '(untitled)'}")
        else:
            problem = entry["problems"][0]
            click.echo(f"  {label} {number}: no article ({problem['kind']}: {problem['reason']})")
    if result["passed_over"]:
        click.echo(f"Passed over {_count(sum(result['passed_over'].values()), 'other record')} "
                   "(requests, redirects, not HTML …).")
    option = "--line" if by_line else "--record"
    first = records[0]["line"] if by_line else 1
    click.echo(f"\nPick one with {option} N, e.g. kartoteka inspect {result['path']} "
               f"{option} {first}")


def _print_article(article: dict) -> None:
    click.echo("\nFields (value ← where it came from):")
    width = max(len(f["name"]) for f in article["fields"])
    for field in article["fields"]:
        value = field["value"]
        if isinstance(value, list):
            value = ", ".join(value)
        click.echo(f"  {field['name']:<{width}}  {value or NONE}  ← {field['source'] or NONE}")
    paragraphs = article["paragraphs"]
    click.echo(f"\nBody: {_count(len(paragraphs), 'paragraph')}")
    digits = len(str(len(paragraphs)))
    for number, paragraph in enumerate(paragraphs, start=1):
        click.echo(_wrapped(paragraph, f"  {number:>{digits}}. ", " " * (digits + 4)))
    dropped = article["dropped"]
    if not dropped:
        click.echo("\nLeft out of the body: nothing.")
        return
    click.echo(f"\nLeft out of the body: {_count(len(dropped), 'paragraph')}")
    for item in dropped:
        click.echo(_wrapped(item["text"], "  - ", "    "))
        rule = item["rule"] + (f": {item['description']}" if item["description"] else
                               " (a rule kartoteka does not describe)")
        click.echo(_wrapped(rule, "      by rule ", "        "))


def _wrapped(text: str, first: str, rest: str) -> str:
    return textwrap.fill(text, WIDTH, initial_indent=first, subsequent_indent=rest,
                         break_on_hyphens=False) or first.rstrip()
