"""Title, authors and date of a web page, each decided by a fixed precedence.

A page states its metadata several times, and each statement fails in its
own way on real sites: ``<title>`` and ``og:title`` carry the site's name
("… | Tom's Hardware") or are cut short ("… leader..."), a meta author is
the publisher, a ``<time>`` is the last update. So every field gathers its
candidates from the most explicit source to the least and takes the first
that survives the checks below:

- **title**: the page's visible headline (``<h1>``) when a metadata title
  confirms it (equal, or the same text with the site's name around it);
  else JSON-LD ``headline``, ``og:title``, ``twitter:title``, trafilatura's
  title, ``<title>``, each with the site's name cut off and a truncated one
  giving way to a complete one it begins; else the first ``<h1>``.
- **authors**: see ``page_authors``; ``split_author_names`` here is shared
  with the saved-text reader.
- **date**: see ``page_dates``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from ..text.dates import EN_MONTHS
from .page_tree import (
    ancestor,
    class_and_id,
    classes,
    elements,
    first,
    has_word,
    only_string,
)

SITE_SEPARATORS = re.compile(r"\s+(?:[|–—•»«:·/]|-{1,2}|::)\s+")
TRUNCATED = re.compile(r"(\.\.\.|…)\s*$")
BYLINE_PREFIX = re.compile(
    r"^\s*(?:(?:written|posted|published|reported|text|photos?)\s+)?(?:by|von|par|por|"
    r"di|door|author:?|autor:?|auteur:?|автор(?:ы)?:?|текст:?|view all posts by|"
    r"all posts by|posts by)\s+", re.I)
_WEEKDAY = (r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|(?:mon|diens|donners|frei|sams|"
            r"sonn)tag|mittwoch|понедельник|вторник|среда|четверг|пятница|суббота|воскресенье)")
_MONTH = rf"(?:{'|'.join(sorted(EN_MONTHS, key=len, reverse=True))})\.?"
# A date written after a byline: "Thursday, November 9, 2023", "Nov 9, 2023".
DATE_WORDS = re.compile(rf"\s+(?:{_WEEKDAY},?\s+(?:{_MONTH}|\d)|{_MONTH}\s+\d).*$"
                        rf"|\s+{_WEEKDAY}$", re.I)
ROLE_PREFIX = re.compile(r"^(?:\S+-)?(?:experte|expertin|redakteur(?:in)?|korrespondent(?:in)?|"
                         r"reporter(?:in)?|editor|correspondent|journalist(?:in)?|"
                         r"корреспондент|обозреватель|журналист)\s+(?=\S+\s+\S)", re.I)
BYLINE_SUFFIX = re.compile(r"\s+(?:says|sagt|dit|dice|пишет|alle artikel|all posts|"
                           r"more articles)\s*:?$", re.I)
COMMENTS = re.compile(r"comment|respond|reply|discussion|kommentar", re.I)

# Parts of a headline element that are not the headline: a kicker above it
# ("roofline", "Dachzeile", "topline") or a label for screen readers.
KICKER = re.compile(r"kicker|roofline|dachzeile|topline|overline|eyebrow|visually-?hidden|"
                    r"sr-only|screen-reader|headline--colon", re.I)
HOST_NAME = re.compile(r"^[\w-]+(?:\.[\w-]+)+$")
FEED_TYPES = re.compile(r"rss|atom", re.I)
FEED_WORDS = re.compile(r"\s*\b(?:rss|atom)?\s*(?:[\w-]*feed|лента)\s*$", re.I)
# Section names a site puts beside the headline in <title>: never the title itself.
SECTION_PARTS = re.compile(r"^(?:blog(?: archive?)?|archive?|news|home|startseite|"
                           r"nachrichten|actualités|новости|главная|блог)$", re.I)
MAX_TITLE_CHARS = 300


@dataclass
class PageFacts:
    """What the page's markup and trafilatura's metadata say, gathered once."""

    root: HtmlElement  # the whole page (``page_tree``)
    metas: list  # the page's <meta> tags, read once by ``page_metas``
    ld: dict  # the JSON-LD article object, or {}
    site_names: list[str]
    extracted: object | None  # trafilatura's title, author, date (page_tree.TrafilaturaMetadata)


def clean(text: str) -> str:
    """Text with its runs of white space (no-break spaces too) folded to one space.

    Entities left escaped twice by a site's templates ("&amp;amp;") are undone.
    """
    if "&" in text and ";" in text:
        text = html.unescape(text)
    return re.sub(r"\s+", " ", text).strip()


def page_metas(root: HtmlElement) -> list[tuple[tuple[str, ...], str]]:
    """Each ``<meta>`` tag with a content, as (its property, name and itemprop, its content).

    Read once per page: a page's rules ask for some thirty names.
    """
    metas = []
    for tag in elements(root, "meta"):
        if content := clean(tag.get("content") or ""):
            metas.append((tuple((tag.get(attr) or "").strip().lower()
                                for attr in ("property", "name", "itemprop")), content))
    return metas


def meta_content(metas: list[tuple[tuple[str, ...], str]], *names: str) -> list[str]:
    """The contents of ``<meta>`` tags by name, property or itemprop, in ``names`` order."""
    wanted = {n.lower(): i for i, n in enumerate(names)}
    found: list[tuple[int, str]] = []
    for keys, content in metas:
        for key in keys:
            if key in wanted:
                found.append((wanted[key], content))
                break
    return [content for _, content in sorted(found, key=lambda pair: pair[0])]


def site_names(root: HtmlElement, metas: list, ld: dict, url: str | None) -> list[str]:
    """Names the site goes by: og:site_name, the publisher, the host name."""
    names = meta_content(metas, "og:site_name", "application-name", "publisher")
    for feed in elements(root, "link"):
        if not (has_word(feed, "rel", "alternate") and FEED_TYPES.search(feed.get("type") or "")
                and feed.get("title") is not None):
            continue
        # "Time 4 talks RSS Feed", "Site » Story Comments Feed": the site is the first part.
        name = SITE_SEPARATORS.split(FEED_WORDS.sub("", clean(feed.get("title"))))[0]
        if name and len(name.split()) <= 6:
            names.append(name)
    publisher = ld.get("publisher")
    if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
        names.append(clean(publisher["name"]))
    if url and (host := urlsplit(url).hostname):
        names.append(host.removeprefix("www."))
    return [n for n in dict.fromkeys(names) if n]


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()


def _is_site_name(part: str, sites: list[str], loose: bool = True) -> bool:
    """Whether ``part`` names the site; ``loose`` also counts a part of the name.

    Loose suits a title's affix ("Tom's Hardware" for "tomshardware.com"), not
    an author (Daniel Lemire writes "Daniel Lemire's blog").
    """
    key = _key(part).replace(" ", "")
    if not key or HOST_NAME.match(part.strip()):
        return True
    for site in sites:
        site_key = _key(site.rsplit(".", 1)[0] if "." in site and " " not in site
                        else site).replace(" ", "")
        if site_key and (key == site_key or loose and (key in site_key or site_key in key)):
            return True
    return False


def strip_site_name(title: str, sites: list[str]) -> str:
    """"Story – Site" / "Site | Story" → "Story", when the part cut is the site's name.

    With no site name known, a short last part after " | " is taken for one.
    """
    title = clean(title)
    parts = SITE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    while len(parts) > 1 and (_is_site_name(parts[-1], sites) or SECTION_PARTS.match(parts[-1])):
        parts.pop()
    while len(parts) > 1 and (_is_site_name(parts[0], sites) or SECTION_PARTS.match(parts[0])):
        parts.pop(0)
    if len(parts) > 1 and not sites and re.search(r"\s\|\s[^|]{2,40}$", title):
        parts.pop()
    if len(parts) == len(SITE_SEPARATORS.split(title)):
        return title
    # Rejoin what is left with the separators it had.
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return title[start:end].strip() if start >= 0 and end > start else title


def _h1_strings(h1: HtmlElement) -> list[str]:
    """The strings of a headline, but those of a kicker or a screen reader's label."""
    found = []
    for element in h1.iter():
        if element.text and (element is h1 or not KICKER.search(classes(element))):
            found.append(element.text)
        if element is not h1 and element.tail:
            parent = element.getparent()
            if parent is h1 or not KICKER.search(classes(parent)):
                found.append(element.tail)
    return found


def _headlines(root: HtmlElement) -> list[tuple[str, bool]]:
    """The page's ``<h1>`` texts, each with whether it stands in the article.

    Those inside ``<article>``/``<main>`` come first; a site's banner (a
    ``<header>`` outside the article, menus, footers) holds none.
    """
    found = []
    for h1 in elements(root, "h1"):
        text = clean(" ".join(_h1_strings(h1)))
        if not 0 < len(text) <= MAX_TITLE_CHARS or ancestor(h1, "nav", "footer", "aside") \
                is not None:
            continue
        article = ancestor(h1, "article", "main")
        header = ancestor(h1, "header")
        if header is not None and (article is None or header in article.iterancestors()):
            continue
        found.append((text, article is not None))
    return sorted(found, key=lambda pair: not pair[1])


def page_title(facts: PageFacts) -> tuple[str, str]:
    """The article's title (see the module's precedence), and where it was read."""
    ld, sites = facts.ld, facts.site_names
    page_title_text = only_string(first(facts.root, "title"))
    named: list[tuple[str, str]] = []  # (title, its source)
    headline = ld.get("headline") or ld.get("name")
    if isinstance(headline, str):
        named.append((clean(headline), "JSON-LD headline"))
    for name in ("og:title", "twitter:title", "dc.title"):
        named += [(t, name) for t in meta_content(facts.metas, name)]
    if page_title_text:
        named.append((clean(page_title_text), "<title>"))
    named = [(t, s) for t, s in named if t and len(t) <= MAX_TITLE_CHARS * 2]
    # trafilatura's title is often the <h1> itself: it confirms nothing.
    confirming = [(_key(t), s) for t, s in named]
    placed = [(h, inside) for h, inside in _headlines(facts.root)
              if not _is_site_name(h, sites, loose=False)]
    headlines = [h for h, _ in placed]
    for h1 in headlines:
        key = _key(h1)
        for m, source in confirming:
            if len(key) >= 4 and (key == m or (key in m and len(key) >= len(m) / 3)):
                return h1, f"<h1> confirmed by {source}"
    # Asked only now: trafilatura's metadata is read when a rule needs it.
    if facts.extracted is not None and facts.extracted.title:
        named.insert(len(named) - bool(page_title_text),
                     (clean(facts.extracted.title), "trafilatura's title"))
    stripped = [(strip_site_name(t, sites), s) for t, s in named]
    stripped = [(t, s) for t, s in stripped if not _is_site_name(t, sites, loose=False)] \
        or stripped
    for h1 in headlines:  # a metadata title cut short, confirmed by the headline it begins
        key = _key(h1)
        for title, source in stripped:
            if TRUNCATED.search(title) and key.startswith(_key(TRUNCATED.sub("", title))):
                return h1, f"<h1> completing the truncated {source}"
    # The article's own headline, even where the metadata titles say otherwise
    # (they are often written for search engines and social media).
    for h1, inside in placed:
        if inside and len(h1.split()) >= 2:
            return strip_site_name(h1, sites), "<h1> of the article"
    complete = [(t, s) for t, s in stripped if not TRUNCATED.search(t)]
    if complete or stripped:
        title, source = (complete or stripped)[0]
        return title, source
    return (headlines[0], "<h1>") if headlines else ("", "")


def split_author_names(text: str) -> list[str]:
    """"Jane Doe and John Roe" / "Анна Ли, Олег Ким и Ира Лис" → names."""
    text = BYLINE_SUFFIX.sub("", BYLINE_PREFIX.sub("", clean(text)))
    # "Alex Bozarjian Thursday, November 9": the date after a byline is no name.
    text = DATE_WORDS.split(text)[0]
    # "FOCUS-Online-Experte Robin Tschöpe", "Redakteur Max Muster": a role is no name.
    text = ROLE_PREFIX.sub("", text)
    # "Matthias herrpfleger": a user handle after the name is not part of it.
    text = re.sub(r"^((?:[A-ZÀ-ÞА-ЯЁ][\w'’.-]*\s+)*[A-ZÀ-ÞА-ЯЁ][\w'’.-]*)\s+[a-zа-яё][\w.-]*$",
                  r"\1", text)
    parts = re.split(r"\s*[,;/]\s*|\s+(?:and|und|et|y|и|&)\s+", text, flags=re.I)
    return [p.strip(" :|") for p in parts if p.strip(" .:|")]


def in_comments(element: HtmlElement) -> bool:
    """Whether an element stands in a page's comments, whose names and dates are not the
    article's."""
    return any(COMMENTS.search(class_and_id(parent)) for parent in element.iterancestors()
               if parent.get("class") or parent.get("id"))
