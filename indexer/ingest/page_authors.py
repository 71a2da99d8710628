"""The authors of a web page, by a fixed precedence that prefers people.

A page names its authors in many places, and each fails in its own way:
JSON-LD and ``<meta name="author">`` often give the publisher ("LN",
"Bund der Energieverbraucher e.V.", "L-MAG – Das Magazin für Lesben"), a
byline class holds "Posted on", a comment's author is marked like the
article's. So the sources are asked in order, from the most explicit:

1. JSON-LD ``author`` (people; a ``Person`` or a bare name);
2. ``<meta name="author">``, ``article:author`` and their kin;
3. ``itemprop="author"`` markup, ``rel="author"`` links, a label
   ("Author:") and the name after it, an element whose class says byline
   or author (an hCard ``fn`` inside it first);
4. a byline line in the page's text ("By Jane Doe", "Von Claudia Lindner",
   "04.02.2022 | 13:10 Uhr | Jane Doe");
5. the first schema.org ``Person`` item outside the comments (later ones are
   often people the article speaks of);
6. trafilatura's author, and last a ``<title>`` that names one ("…, par X").

The first source that names a **person** wins: a name of two to six words
that is not the site's name and carries no word of an organization
("GmbH", "e.V.", "Redaktion", "Media", …). Names are split on "and", "und",
"и", commas and semicolons, role words ("Staff writer", "Redakteur") are
dropped and repeats folded. Only when no source names a person does the
first organization or one-word name stand, and last JSON-LD's organization.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml.html import HtmlElement

from .page_metadata import (
    SITE_SEPARATORS,
    PageFacts,
    _is_site_name,
    clean,
    in_comments,
    meta_content,
    split_author_names,
)
from .page_tree import (
    ancestor,
    elements,
    first,
    has_word,
    only_string,
    strings_from,
    text_of,
    visible_sizes,
    with_class,
)

AUTHOR_META = ("author", "article:author", "dc.creator", "dcterms.creator", "byl",
               "parsely-author", "sailthru.author", "citation_author")
NOT_A_NAME = re.compile(r"https?:|www\.|@|_|\d|\*|\(|\b(?:posted|published|admin|"
                        r"administrator|unknown|guest|staff writer|anonymous|name|author|"
                        r"autor|auteur|автор)\b", re.I)
NAME = r"[A-ZÀ-ÞА-ЯЁ][\w'’-]+\.?"
NAME_AFTER_BY = re.compile(rf"(?:^|\s)(?:[Bb]y|von|par|por|Автор:?|Текст:?)\s+({NAME}(?:\s+{NAME}){{1,3}})")
# "Martin Junker All posts by Martin Junker Contact": the name said twice.
REPEATED_NAME = re.compile(rf"^({NAME}(?:\s+{NAME}){{1,2}})\b.*\b\1\b")
# A byline alone on a line of the text: "By Jane Doe", "Von Claudia Lindner", «Автор: Иван Ли»,
# "Von R. R. am 26. Februar 2014" (the date after it is read elsewhere).
_NAMES = rf"(?:[A-ZÀ-ÞА-ЯЁ]\.|{NAME})(?:\s+(?:[A-ZÀ-ÞА-ЯЁ]\.|{NAME}|von|van|de|der|den|del|da|di|и|and|und)){{1,5}}"
BYLINE_LINE = re.compile(rf"^(?:[Bb]y|BY|[Vv]on|[Pp]ar|[Pp]or|[Аа]втор[ыа]?:?|[Тт]екст:?)\s+"
                         rf"({_NAMES})\s*(?:(?:\s(?:am|on|le|el|il)|,|\s[|•·–—-])\s.*)?$")
# A date line that ends with its author: "04.02.2022 | 13:10 Uhr | Jane Doe".
DATE_PART = re.compile(r"\b\d{1,4}[./-]\d{1,2}[./-]\d{2,4}\b")
LINE_PARTS = re.compile(r"\s+[|•·]\s+")
BYLINE_CLASS = re.compile(r"(^|[-_ ])(byline|author(-?name)?|by-?author|post-author)($|[-_ ])",
                          re.I)
# Words of a publisher's or a desk's name, never of a person's.
ORGANIZATION = re.compile(
    r"\b(?:e\.\s?v|gmbh|ag|inc|ltd|llc|plc|corp|co|verlag|verband|verein|stiftung|bund|"
    r"institut[e]?|university|universität|association|agency|agentur|group|gruppe|media|"
    r"news|online|magazine?|zeitung|journal|redaktion|editorial|editors|desk|team|staff|"
    r"newsroom|press|presse|reuters|редакция|агентство|газета|журнал|служба)\b\.?", re.I)
PERSON_TYPE = re.compile(r"schema\.org/Person$", re.I)
OUTSIDE_TEXT = ("nav", "footer", "aside", "form")
LINE_TAGS = ("p", "div", "span", "em", "strong", "small", "h4", "h5", "h6", "address")
AUTHOR_LABEL = re.compile(r"^\s*(?:author|autor|auteur|автор)\s*:?\s*$", re.I)
WORD = re.compile(r"\w")
MAX_NAME_WORDS = 6


def _plausible_name(name: str) -> bool:
    words = name.split()
    return (0 < len(words) <= MAX_NAME_WORDS and not NOT_A_NAME.search(name)
            and any(ch.isalpha() for ch in name))


def _ld_authors(value) -> tuple[list[str], list[str]]:
    """JSON-LD authors as (people, organizations)."""
    people: list[str] = []
    organizations: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            kind = str(item.get("@type") or "Person").lower()
            name = item.get("name")
            if isinstance(name, str):
                (organizations if "organization" in kind else people).extend(
                    split_author_names(name))
        elif isinstance(item, str) and not item.startswith("http"):
            people.extend(split_author_names(item))
    return people, organizations


def _byline_class_names(root: HtmlElement) -> list[str]:
    """The first byline-marked element that holds a name ("Posted on" holds none)."""
    marked = with_class(root, BYLINE_CLASS) + [
        e for attribute in ("data-testid", "id") for e in root.xpath(f"//*[@{attribute}]")
        if BYLINE_CLASS.search(e.get(attribute))]
    for tag in marked:
        if in_comments(tag):
            continue
        # an hCard's formatted name
        card = next((e for e in tag.iterdescendants() if has_word(e, "class", "fn")), None)
        text = clean(text_of(tag if card is None else card))
        if not 0 < len(text) <= 120:
            continue
        found = REPEATED_NAME.match(text) or NAME_AFTER_BY.search(text)
        names = [found.group(1)] if found else [text] if len(text.split()) <= 4 else []
        names = [n for name in names for n in split_author_names(name) if _plausible_name(n)]
        if names:
            return names
    return []


def _label_names(root: HtmlElement) -> list[str]:
    """The name after a label that says "Author:"."""
    for label in elements(root, "h2", "h3", "h4", "h5", "dt", "strong", "span"):
        if not AUTHOR_LABEL.search(only_string(label) or "x"):
            continue
        inside = sum(1 for t in label.itertext() if WORD.search(t))
        following = [t for t in strings_from(label) if WORD.search(t)][inside:4]
        if following and len(clean(following[0])) <= 60:
            return [clean(following[0])]
        break
    return []


def _itemprop_name(item: HtmlElement) -> HtmlElement | None:
    return next(iter(item.xpath('descendant::*[@itemprop="name"]')), None)


def _person_microdata(root: HtmlElement) -> list[str]:
    """Names of schema.org ``Person`` items outside the comments."""
    names = []
    for item in root.xpath("//*[@itemtype]"):
        if not PERSON_TYPE.search(item.get("itemtype")) or in_comments(item) or ancestor(
                item, *OUTSIDE_TEXT) is not None:
            continue
        name = _itemprop_name(item)
        if name is not None:
            names.append(name.get("content") or text_of(name))
    return names


def _byline_lines(root: HtmlElement) -> list[str]:
    """The first line of the page's text that is a byline ("By Jane Doe"), or a date
    line that ends with a name ("04.02.2022 | Jane Doe")."""
    sizes = visible_sizes(root)
    for tag in elements(root, *LINE_TAGS):
        text = _short_text(tag, sizes, 80)
        if text is None:
            continue
        parts = LINE_PARTS.split(text)
        found = BYLINE_LINE.match(text)
        if not found and not (len(parts) > 1 and DATE_PART.search(parts[0]) and re.fullmatch(
                rf"{NAME}(?:\s+{NAME}){{1,2}}", parts[-1])):
            continue
        # Where it stands is asked last: walking up the tree is the costly part.
        if in_comments(tag) or ancestor(tag, *OUTSIDE_TEXT) is not None:
            continue
        return split_author_names(found.group(1)) if found else [parts[-1]]
    return []


def _short_text(tag: HtmlElement, sizes: dict, limit: int) -> str | None:
    """The tag's clean text when it is at most ``limit`` characters, else None (also
    for a tag without text).

    A tag with more than ``limit`` characters that are not white space
    (``page_tree.visible_sizes``) is not read: a page's outer ``<div>``s hold
    all its text, and reading each whole made the byline search the reader's
    slowest rule.
    """
    solid = sizes.get(tag, 0)
    if not solid or solid > limit:
        return None  # nothing to read, or too long to be a line
    text = clean(text_of(tag))
    return text if len(text) <= limit else None


def _itemprop_names(root: HtmlElement) -> list[str]:
    names = []
    for tag in root.xpath('//*[@itemprop="author"]'):
        if not in_comments(tag):
            name = _itemprop_name(tag)
            name = tag if name is None else name
            names.append(name.get("content") or text_of(name))
    return names


def _sources(facts: PageFacts) -> list[tuple[str, Callable[[], list[str]]]]:
    """Each source of author names, in the order of precedence, with its name; a
    source is only read when those before it name no person."""
    root, ld = facts.root, facts.ld
    title = only_string(first(root, "title")) or ""
    return [
        ("JSON-LD author", lambda: _ld_authors(ld["author"])[0] if ld.get("author") else []),
        ("meta author", lambda: [m for m in meta_content(facts.metas, *AUTHOR_META)
                                 if not m.startswith("http")]),
        ("itemprop=author", lambda: _itemprop_names(root)),
        ("rel=author link", lambda: [text_of(a) for a in elements(root, "a")
                                     if has_word(a, "rel", "author") and not in_comments(a)]),
        ("'Author:' label", lambda: _label_names(root)),
        ("byline markup", lambda: _byline_class_names(root)),
        ("byline line", lambda: _byline_lines(root)),
        ("schema.org Person", lambda: _person_microdata(root)[:1]),
        ("trafilatura's author", lambda: ((facts.extracted.author if facts.extracted else None)
                                          or "").split(";")),
        # A title that names its author ("Story, par Didier Roy (Blog, 2018)").
        ("<title> 'by …'", lambda: [found.group(1)] if (
            found := NAME_AFTER_BY.search(title)) else []),
    ]


def _is_organization(name: str, sites: list[str]) -> bool:
    """A publisher, a desk or the site, by its words or by naming the site."""
    parts = SITE_SEPARATORS.split(name)
    return bool(ORGANIZATION.search(name)) or (
        len(parts) > 1 and any(_is_site_name(p, sites, loose=False) for p in parts))


def _is_person(name: str, sites: list[str]) -> bool:
    return len(name.split()) >= 2 and not _is_organization(name, sites)


def page_authors(facts: PageFacts) -> tuple[list[str], str]:
    """The article's authors (see the module's precedence), and where they were read."""
    sites = facts.site_names
    fallback: tuple[list[str], str] = ([], "")
    for source, read in _sources(facts):
        texts = read()
        names = [n for text in texts if isinstance(text, str) for n in split_author_names(text)]
        names = [n for n in _unique(names) if _plausible_name(n)
                 and not _is_site_name(n, sites, loose=False)]
        if any(_is_person(n, sites) for n in names):
            return [n for n in names if not _is_organization(n, sites)], source
        if names and not fallback[0]:
            fallback = (names, source)
    if fallback[0]:
        return fallback
    organizations = _ld_authors(facts.ld.get("author"))[1] if facts.ld.get("author") else []
    organizations = [n for n in organizations if _plausible_name(n)][:1]
    return organizations, "JSON-LD author (an organization)" if organizations else ""


def _unique(names: list[str]) -> list[str]:
    """Names once each, whatever their case and spacing."""
    seen: dict[str, str] = {}
    for name in (clean(n) for n in names):
        seen.setdefault(name.casefold(), name)
    return list(seen.values())

