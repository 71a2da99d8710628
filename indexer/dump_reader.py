"""Read a plain-text page dump of the archive into an Article.

A dump is what a browser's "save as text" gives: maybe a navigation menu,
then the title, a byline ("Joshua Kucera Mar 12, 2012" or
"Арам Мартиросян 14 декабря 2022"), perhaps a photo caption, the body, and
a footer (author bio, newsletter line, a "Popular" list, copyright). Dumps
vary, so each part is found by what it looks like, not by line number:

- the menu ends at the site's search hint line, when there is one;
- the body ends at the first footer or paywall marker;
- a closing author bio ("Jane Doe is a freelance writer based in …") is
  dropped;
- the title is the line just above the byline, or, with no byline, a short
  first line without a final full stop.
"""

from __future__ import annotations

import re

from .analysis import guess_language
from .dates import find_byline_date
from .html_reader import split_author_names
from .model import Article, NoArticleFound

MENU_END = re.compile(
    r"^(you can search using keywords to narrow down the list\.?|"
    r"вы можете искать по ключевым словам.*)$", re.I)
FOOTER_START = re.compile(
    r"^(popular|most popular|related|read more|популярное|читайте также|"
    r"to read the full story.*|чтобы прочитать статью полностью.*|"
    r"sign up for .*newsletter.*|подпишитесь на .*рассылку.*|"
    r"support \w+:.*|поддержите .*|"
    r".{0,60}(©|\(c\)|copyright) ?\d{4}.*)$", re.I)
BIO = re.compile(
    r"^([A-ZА-ЯЁ][\w'’.-]+ ){1,3}(is|was) (a|an|the)\b.{0,200}"
    r"(writer|journalist|reporter|editor|correspondent|author|analyst|researcher|"
    r"based in|fellow|contributor)"
    r"|^([А-ЯЁ][\w'’.-]+ ){1,3}[–—-] .{0,200}"
    r"(журналист|корреспондент|редактор|автор|аналитик|исследовател|обозревател)", re.I)
CAPTION = re.compile(r"\b(photo|photograph|image|credit|фото|снимок)\b", re.I)
MAX_TITLE_CHARS = 200
BYLINE_SEARCH_LINES = 4


def read_page_dump(text: str) -> Article:
    """Parse the text of a page dump; ``id`` and ``source`` are left unset."""
    # Dumps carry no-break spaces and other odd blanks: fold them first.
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    lines = _after_menu(lines)
    lines = _before_footer(lines)

    title, authors, date, rest = _head(lines)
    rest = _drop_caption(rest)
    rest = _drop_bio(rest, authors)
    body = "\n\n".join(rest)
    if not body:
        raise NoArticleFound("no article text found in the dump")
    return Article(id="", lang=guess_language(body), title=title, body=body,
                   authors=authors, date=date)


def _after_menu(lines: list[str]) -> list[str]:
    for i, line in enumerate(lines):
        if MENU_END.match(line):
            return lines[i + 1:]
    return lines


def _before_footer(lines: list[str]) -> list[str]:
    for i, line in enumerate(lines):
        if FOOTER_START.match(line):
            return lines[:i]
    return lines


def _parse_byline(line: str):
    found = find_byline_date(line)
    if not found:
        return None
    date, start, end = found
    # A byline is names followed by the date, and nothing much else.
    if end < len(line) - 3 or start > 120:
        return None
    names = line[:start].strip(" ,–—-|·")
    return split_author_names(names) if names else [], date


def _head(lines: list[str]):
    """Title, authors and date from the top of the dump; the rest is body."""
    for i, line in enumerate(lines[:BYLINE_SEARCH_LINES]):
        byline = _parse_byline(line)
        if byline:
            authors, date = byline
            title = lines[i - 1] if i > 0 else ""
            return title, authors, date, lines[i + 1:]
    if len(lines) > 1 and _looks_like_title(lines[0]):
        return lines[0], [], None, lines[1:]
    return "", [], None, lines


def _looks_like_title(line: str) -> bool:
    return len(line) <= MAX_TITLE_CHARS and not line.endswith((".", ":", ";", ","))


def _drop_caption(lines: list[str]) -> list[str]:
    if lines and len(lines[0]) <= 300 and CAPTION.search(lines[0]):
        return lines[1:]
    return lines


def _drop_bio(lines: list[str], authors: list[str]) -> list[str]:
    while lines and (BIO.match(lines[-1]) or any(
            lines[-1].startswith(f"{name} is ") for name in authors)):
        lines = lines[:-1]
    return lines
