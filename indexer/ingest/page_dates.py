"""The publication date of a web page, by a fixed precedence.

A page often carries several dates: the publication, updates, comments, a
copyright year. Taken in order, the first that reads as a date wins:
JSON-LD ``datePublished``, meta tags (``article:published_time``,
``itemprop="datePublished"``, ``pubdate``, ``publishdate``, ``date``,
``DC.date.issued`` …), ``<time pubdate>``, trafilatura's (htmldate's
first-publication guess, unless it is only a footer's "© 2015"), other
``<time datetime>`` tags outside comments, a byline date in the text, and
last a date in the URL's path (``/2019/06/14/…``).
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from ..text.dates import find_byline_date, parse_iso_date
from .page_metadata import PageFacts, clean, in_comments, meta_content
from .page_tree import ancestor, elements, text_of, with_class

BYLINE_CLASS = re.compile(r"byline|date|meta", re.I)

DATE_META = ("article:published_time", "og:published_time", "og:article:published_time",
             "datepublished", "pubdate", "publishdate", "publish-date", "publish_date",
             "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date", "date",
             "sailthru.date", "parsely-pub-date", "article.published", "published_time",
             "cxenseparse:recs:publishtime", "dc.date.created", "citation_publication_date")
URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|[-_]|$)")


def _ld_date(ld: dict) -> list[str]:
    value = ld.get("datePublished") or ld.get("dateCreated")
    return [value] if isinstance(value, str) else []


def _time_tags(root: HtmlElement) -> list[str]:
    tags = [t for t in elements(root, "time")
            if t.get("datetime") is not None and not in_comments(t)]
    tags.sort(key=lambda t: ancestor(t, "article", "main") is None)
    return [t.get("datetime") for t in tags]


def _instant(value: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def _local_date(value: str, others: list[str]) -> dt.date | None:
    """A UTC time's date where the page also gives the same instant in local time.

    "2022-05-04T03:37Z" beside "2022-05-03T23:37-04:00" was published on the 3rd
    where it was written.
    """
    moment = _instant(value)
    if moment is None or moment.utcoffset():
        return None
    for other in others:
        local = _instant(other)
        if local is not None and local.utcoffset() and abs(local - moment) < dt.timedelta(
                minutes=1):
            return local.date()
    return None


def _stated_dates(facts: PageFacts) -> list[tuple[str, str]]:
    """The dates the page states outright, each with where it stands, in precedence order."""
    root = facts.root
    stated = [(v, "JSON-LD datePublished") for v in _ld_date(facts.ld)]
    for name in DATE_META:
        stated += [(v, f"meta {name}") for v in meta_content(facts.metas, name)]
    stated += [(t.get("content") or t.get("datetime"), "itemprop=datePublished") for t in
               root.xpath('//*[@itemprop="datePublished"]') if t.tag != "meta"]
    stated += [(t.get("datetime"), "<time pubdate>") for t in elements(root, "time")
               if t.get("datetime") is not None and t.get("pubdate") is not None]
    return [(v, s) for v, s in stated if isinstance(v, str) and v.strip()]


def page_date(facts: PageFacts, url: str | None) -> tuple[dt.date | None, list[str], str]:
    """The publication date, the stated dates that could not be read, and the date's source."""
    root = facts.root
    named = _stated_dates(facts)
    stated = [v for v, _ in named]
    times = _time_tags(root)
    for value, source in named:
        if date := parse_iso_date(value):
            return _local_date(value, stated + times) or date, [], source
    # trafilatura's date (htmldate) comes after what the page states outright and
    # before its other <time> tags, which often give an update or a comment's date;
    # it is read only now (``TrafilaturaMetadata``).
    extracted = facts.extracted.date if facts.extracted is not None else None
    if extracted and extracted.endswith("-01-01") and re.search(
            rf"(?:©|\(c\)|copyright)\s*(?:\d{{4}}\s*[-–]\s*)?{extracted[:4]}",
            text_of(root), re.I):
        extracted = None  # htmldate's guess from a footer's "© 2015"
    candidates = ([(extracted, "trafilatura's date")] if extracted else []) + [
        (t, "<time datetime>") for t in times]
    for value, source in candidates:
        if date := parse_iso_date(value):
            return _local_date(value, stated + times) or date, [], source
    for value, source in named:
        if found := find_byline_date(clean(value)):
            return found[0], [], source
    byline = next(iter(with_class(root, BYLINE_CLASS)), None)
    texts = ([(text_of(byline), "a date in the byline")] if byline is not None else []) + [
        (text_of(root)[:3000], "a date near the top of the page's text")]
    for text, source in texts:
        if found := find_byline_date(clean(text)):
            return found[0], [], source
    if url and (match := URL_DATE.search(urlsplit(url).path)):
        try:
            return dt.date(*(int(g) for g in match.groups())), [], "the URL's path"
        except ValueError:
            pass
    return None, stated, ""
