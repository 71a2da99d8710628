"""One web page parsed once: the lxml tree that the page rules read and trafilatura is given.

trafilatura parses a page with its own lxml parser (comments and processing
instructions left out, a few repairs first) and, handed a tree instead of
text, works on a copy of it. So the reader parses each page once, with
``trafilatura.utils.load_html``, gives that tree to trafilatura, and reads
the same tree with the rules of ``page_metadata``, ``page_authors``,
``page_dates`` and ``html_reader``; only the last of them, reading the
article's container, changes it.

The helpers below read an element the way a person sees the page: its
text leaves out what a browser never shows (``<script>``, ``<style>``,
``<template>`` and ruby annotations), and its classes are its class words
joined by single spaces, so a pattern may look for a word in any of them.
"""

from __future__ import annotations

import html
from collections.abc import Iterator

from lxml import etree
from lxml.html import HtmlElement, document_fromstring

SILENT = frozenset(("script", "style", "template", "rt", "rp"))
_TEXTS = etree.XPath("descendant-or-self::text()[not(ancestor::script or ancestor::style or "
                     "ancestor::template or ancestor::rt or ancestor::rp)]", smart_strings=False)
_CLASSED = etree.XPath("descendant-or-self::*[@class]")
_classed: tuple = (None, [])  # (the page's root, its elements with a class and their words)
_ALL_TEXTS = etree.XPath("descendant::text() | following::text()", smart_strings=False)


def parse_page(text: str) -> tuple[HtmlElement | None, HtmlElement]:
    """The page's tree as trafilatura reads it (None when it takes the text for no
    HTML), and the root of the whole document, which the page rules read."""
    from trafilatura.utils import HTML_PARSER, load_html

    tree = load_html(text)
    if tree is not None:
        return tree, tree.getroottree().getroot()
    try:
        return None, document_fromstring(text, parser=HTML_PARSER)
    except (etree.ParserError, ValueError):  # an empty page
        return None, document_fromstring("<html><body></body></html>")


def elements(root: HtmlElement, *tags: str) -> Iterator[HtmlElement]:
    """The elements of ``root`` (itself included) in document order, of ``tags`` if given."""
    return root.iter(*tags) if tags else root.iter(etree.Element)


def text_of(element: HtmlElement, separator: str = " ") -> str:
    """The element's visible text, its strings joined by ``separator``."""
    return separator.join(_TEXTS(element))


def visible_sizes(root: HtmlElement) -> dict[HtmlElement, int]:
    """Each element's count of visible characters that are not white space, in one
    walk of the page, entities (``&amp;amp;``) counted as their text.

    Lets a rule that wants short elements pass over the long ones without
    reading them: a page's outer ``<div>``s hold all its text. The count is
    never more than the cleaned text's (``page_metadata.clean`` undoes
    entities left escaped and folds white space), so an element counted
    longer than a limit is longer once cleaned.
    """
    sizes = {}
    open_elements: list[list] = []  # each: [solid characters, silent]
    for event, node in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            silent = bool(open_elements and open_elements[-1][1]) or not isinstance(
                node.tag, str) or node.tag in SILENT
            entry = [0 if silent or not node.text else _solid(node.text), silent]
            open_elements.append(entry)
            continue
        solid = open_elements.pop()[0]
        sizes[node] = solid
        if open_elements and not (parent := open_elements[-1])[1]:
            parent[0] += solid + (_solid(node.tail) if node.tail else 0)
    return sizes


def _solid(string: str) -> int:
    if "&" in string:
        string = html.unescape(string)
    return len("".join(string.split()))


def strings_from(element: HtmlElement) -> Iterator[str]:
    """Every string from the element's start to the page's end, in document order."""
    return iter(_ALL_TEXTS(element))


def classes(element: HtmlElement) -> str:
    """The element's class words, joined by single spaces."""
    value = element.get("class")
    return " ".join(value.split()) if value else ""


def class_and_id(element: HtmlElement) -> str:
    """The element's class words and its id, as one string to search."""
    return f"{classes(element)} {element.get('id') or ''}"


def with_class(root: HtmlElement, pattern) -> list[HtmlElement]:
    """The elements whose class words ``pattern`` finds, in document order.

    A page's rules ask this a few times each: the elements with a class are
    listed once per page (the last page's list is kept), as the page stood
    when first asked, so a rule that cuts the tree asks first.
    """
    global _classed
    last = _classed  # one read: another thread may read another page meanwhile
    if last[0] is not root:
        last = _classed = (root, [(e, classes(e)) for e in _CLASSED(root)])
    return [element for element, words in last[1] if pattern.search(words)]


def has_word(element: HtmlElement, attribute: str, word: str) -> bool:
    """Whether a space-separated attribute (``rel``, ``class``) holds ``word``."""
    return word in (element.get(attribute) or "").split()


def ancestor(element: HtmlElement, *tags: str) -> HtmlElement | None:
    """The nearest enclosing element of one of ``tags``, or None."""
    return next(element.iterancestors(*tags), None)


def only_string(element: HtmlElement | None) -> str | None:
    """The element's text when it holds one string and nothing else (through single
    children: ``<title><b>X</b></title>`` holds "X"), else None."""
    while element is not None:
        if len(element) == 0:
            return element.text or None
        if len(element) > 1 or element.text or element[0].tail:
            return None
        element = element[0]
    return None


def first(root: HtmlElement, tag: str) -> HtmlElement | None:
    """The first ``tag`` element of ``root``, itself included."""
    return next(root.iter(tag), None)


class TrafilaturaMetadata:
    """trafilatura's title, author and date of a page, read the first time a rule asks.

    trafilatura's metadata (htmldate's date above all) costs about a third
    of its time on a page, and the page's own markup decides these fields
    on most pages before trafilatura's turn in the precedence comes: so the
    body is extracted without it, and it is read here from the same tree,
    which trafilatura's metadata reader leaves as it was. Ask before a rule
    cuts the tree (the article's container is read last).
    """

    def __init__(self, tree: HtmlElement, url: str | None):
        self._tree, self._url, self._document = tree, url, None

    def _read(self):
        if self._document is None:
            from trafilatura.metadata import extract_metadata
            from trafilatura.settings import Extractor

            options = Extractor(url=self._url, with_metadata=True, comments=False)
            self._document = extract_metadata(self._tree, options.url, options.date_params,
                                              options.fast, options.author_blacklist)
        return self._document

    @property
    def title(self) -> str | None:
        """trafilatura's title of the page."""
        return self._read().title

    @property
    def author(self) -> str | None:
        """trafilatura's authors of the page, separated by ';'."""
        return self._read().author

    @property
    def date(self) -> str | None:
        """htmldate's publication date of the page (YYYY-MM-DD), as trafilatura reads it."""
        return self._read().date
