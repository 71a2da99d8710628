"""A concordance (keyword in context): every occurrence of a query's words.

For each matching article, in the search's order, every word of its text
that is a form of a query word (inflected forms too, shown as written) is a
line: the context before it, the word, the context after it, and the
article's id, date, language, title and link. A phrase's occurrence is one
line with the whole phrase as its match (``phrases``), never a line per word;
so is a word the analyzer splits ("Nagorno-Karabakh"). Lines never overlap. Lines can be sorted by the
words just before or just after the match, as concordancers do, to see a
word's company at a glance.
"""

from __future__ import annotations

from ..engine.phrases import QueryMarks
from .snippets import find_spans

CONTEXT_CHARS = 70  # characters of context on each side, cut at a word
SORTS = ("text", "left", "right")
WORD_CHARS = str.isalnum


def _left(text: str, start: int) -> str:
    begin = max(0, start - CONTEXT_CHARS)
    left = text[begin:start]
    if begin > 0:
        space = left.find(" ")
        left = left[space + 1:] if space >= 0 else left
    return " ".join(left.split())


def _right(text: str, end: int) -> str:
    stop = min(len(text), end + CONTEXT_CHARS)
    right = text[end:stop]
    if stop < len(text):
        space = right.rfind(" ")
        right = right[:space] if space >= 0 else right
    return " ".join(right.split())


def lines_of(fields: dict, marks: QueryMarks) -> list[dict]:
    """One article's concordance lines (its title, then its body): a line per
    occurrence of a query word or phrase (``phrases.query_marks``)."""
    found = []
    for text in (fields.get("title", ""), fields.get("body", "")):
        for start, end in find_spans(text, marks.words, phrases=marks.phrases):
            found.append({"left": _left(text, start), "match": text[start:end],
                          "right": _right(text, end), "id": fields["id"],
                          "date": fields.get("published"), "lang": fields.get("lang"),
                          "title": fields.get("title", ""), "url": fields.get("url")})
    return found


def sort_key(order: str):
    """How lines are sorted: by the words just before the match (read backwards),
    or just after it, case aside; ``text`` keeps the search's order."""
    if order == "left":
        return lambda line: [w.casefold() for w in reversed(line["left"].split())]
    if order == "right":
        return lambda line: [w.casefold() for w in line["right"].split()]
    return None
