"""How ``kartoteka search`` prints a result: the count and what it counted, what
was added to the words, the hits, and every facet's values with hits."""

from __future__ import annotations

import html
import re

import click

from .options import MATCH_WORDS, _count
from ..text.regions import region_label

FACET_PREVIEW = 6  # a facet's values shown before "… N more" (every year is shown)


def _terminal_text(snippet: str) -> str:
    parts = re.split(r"<mark>(.*?)</mark>", snippet)
    return "".join(click.style(html.unescape(p), bold=True) if i % 2 else html.unescape(p)
                   for i, p in enumerate(parts))


def print_result(result: dict) -> None:
    """A search's answer as ``kartoteka search`` prints it: what was counted and
    added, the hits, then every facet's values with hits."""
    total, page, per_page = result["total"], result["page"], result["per_page"]
    click.echo(_result_heading(result["query"], total, page, per_page))
    counted = _counted_line(result)
    if counted:
        click.echo(counted)
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
        click.echo(f"Did you mean: {suggestion['query']} ({_count(suggestion['total'], 'article')})")
    for number, hit in enumerate(result["hits"], start=(page - 1) * per_page + 1):
        meta = " · ".join(filter(None, [hit["date"] or "no date", hit["lang"],
                                        hit.get("outlet"), ", ".join(hit["authors"]),
                                        ", ".join(map(region_label, hit["regions"]))]))
        click.echo(f"\n{number:>3}. {click.style(hit['title'] or '(no title)', bold=True)}")
        click.echo(f"     {meta}")
        click.echo(f"     {_terminal_text(hit['snippet'])}")
        click.echo(f"     id: {hit['id']}")
    if total:
        click.echo("")
        for name, entries in result["facets"].items():
            click.echo(_facet_line(name, entries))


def _counted_line(result: dict) -> str:
    """What the total counted: "counted: 3 as typed · 4 only as other readings (выбор)
    · 3 only in the other language (election)"; nothing when all were found as typed."""
    counted, match = result.get("counted", {}), result.get("match", "all")
    if match != "all":
        return f"counted: only {MATCH_WORDS[match]} (--match all: every article)"
    if not counted or counted["typed"] == result["total"]:
        return ""
    others = sorted({f for forms in result.get("readings", {}).values() for f in forms[1:]})
    added = list(dict.fromkeys(w for e in result.get("expansions", []) for w in e["added"]))
    details = {"typed": "", "readings": f" ({', '.join(others)})" if others else "",
               "translations": f" ({', '.join(added)})" if added else ""}
    parts = [f"{n} {MATCH_WORDS[kind]}{details[kind]}" for kind, n in counted.items() if n]
    return f"counted: {' · '.join(parts)} (--match KIND: one part alone)"


def _result_heading(query: str, total: int, page: int, per_page: int) -> str:
    """"10 articles for "выборы" — page 1 of 1"; a page past the last says so
    and names the last, a search with no hits has no pages to speak of."""
    heading = _count(total, "article")
    if query:  # a query with its own quotes ("на выборах мэра") is shown as typed
        heading += f" for {query}" if '"' in query else f' for "{query}"'
    pages = -(-total // per_page)
    if not total:
        return heading
    if page > pages:
        there = "there is 1 page" if pages == 1 else f"there are {pages} pages"
        return f"{heading} — page {page} is past the end: {there} (the last: --page {pages})"
    return f"{heading} — page {page} of {pages}"


def _facet_line(name: str, entries: list[dict]) -> str:
    """A facet's values with hits: every year, in year order; of the others the
    first ``FACET_PREVIEW`` and how many more there are, never a silent cut."""
    with_hits = [e for e in entries if e["count"]]
    shown = with_hits if name == "year" else with_hits[:FACET_PREVIEW]
    values = ", ".join(f"{e['label']} {e['count']}" for e in shown)
    left = len(with_hits) - len(shown)
    return f"{name:>12}: {values}" + (f" … {left} more" if left else "")
