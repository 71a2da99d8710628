"""Attention over time: how many articles each query found per year or month.

Media researchers compare topics by how much attention they got (Media
Cloud's attention-over-time chart): each query is a series of points, one
per period from the first to the last period that holds any article under
the filters, with its ``count``, the ``total`` of all articles of that
period under the same filters, and ``share`` = count / total. A period
without any article has no share (``None``, JSON ``null``), not 0: "none of
no articles" is not "none of many", and a chart must leave it blank. With
``by_language``, each query is one series per language, shares taken of that
language's articles: the share of Russian coverage against the English one.
"""

from __future__ import annotations

from dataclasses import replace

from ..errors import QueryError

PERIODS = ("year", "month")
NORMS = ("count", "share")
MAX_SERIES = 5
LANGUAGES = ("en", "ru")


def periods_between(first: str, last: str, by: str) -> list[str]:
    """Every period from ``first`` to ``last``, both included ("2019", "2019-06")."""
    if by == "year":
        return [str(y) for y in range(int(first), int(last) + 1)]
    (y1, m1), (y2, m2) = (map(int, p.split("-")) for p in (first, last))
    return [f"{m // 12}-{m % 12 + 1:02}" for m in range(y1 * 12 + m1 - 1, y2 * 12 + m2)]


def timeline(generation, queries: list[str], filters, by: str, by_language: bool,
             cross: bool, match: str = "all") -> dict:
    """The series of ``queries`` under ``filters`` (plain ``Filters``)."""
    if by not in PERIODS:
        raise QueryError(f"unknown period {by!r}: use year or month")
    queries = [q.strip() for q in queries]
    if not 1 <= len(queries) <= MAX_SERIES:
        # Never draw the first five of six: the user would not see which one is missing.
        raise QueryError(f"compare 1 to {MAX_SERIES} queries at once, not {len(queries)}")
    plans = [generation.parse(q, cross=cross, match=match) for q in queries]  # QueryError names the bad one
    languages = LANGUAGES if by_language else (None,)
    slices = [(lang, filters if lang is None else replace(filters, langs=(lang,)))
              for lang in languages]
    totals = {lang: generation.date_counts(None, f, by) for lang, f in slices}
    known = sorted(p for counts in totals.values() for p in counts)
    span = periods_between(known[0], known[-1], by) if known else []
    series = []
    for text, plan in zip(queries, plans):
        for lang, sliced in slices:
            counts = generation.date_counts(plan, sliced, by)
            points = []
            for period in span:
                count, total = counts.get(period, 0), totals[lang].get(period, 0)
                points.append({"period": period, "count": count, "total": total,
                               "share": round(count / total, 6) if total else None})
            entry = {"query": text, "points": points}
            if lang is not None:
                entry["lang"] = lang
            series.append(entry)
    return {"by": by, "match": match, "series": series}
