"""Snippets and marks: where a query's words stand in a text, shown in HTML.

The query's index terms are normal forms (and "=form" for a form searched
exactly); a text's words are matched by their own normal forms, so an
inflected form is marked where the query had another.
"""

from __future__ import annotations

import functools
import heapq
import html
import re

from ..text.analysis import fold_yo, normal_forms

SNIPPET_CHARS = 240
SNIPPET_SURROUND = 60  # characters of context before the first and after the last match
PREFIX_LETTERS = 3  # inflected forms share at least this much with their index term
WORD_TAIL = r"[^\W_]*(?:['’][^\W_]+)*"  # the rest of a word, as the tokenizer sees it


def find_spans(text: str, terms: frozenset[str], limit: int | None = None) -> list[tuple[int, int]]:
    """Where the query's words stand in a text, up to ``limit`` of them
    (``terms`` are normal forms, and "=form" for a form searched exactly).

    Only words that start like one of the query's index terms are looked at
    (a regular expression finds them), then confirmed through the lemma
    cache; snippets stop once there are enough matches for two fragments.
    """
    if not terms or not text:
        return []
    found = []
    for match in _term_prefixes(terms).finditer(text):
        word = match.group().lower()
        if not terms.isdisjoint(normal_forms(word)) or "=" + fold_yo(word) in terms:
            found.append(match.span())
            if limit is not None and len(found) >= limit:
                break
    return found


def marked_all(text: str, terms: frozenset[str]) -> str:
    """The whole text, HTML-escaped, every word of the query in ``<mark>``."""
    spans = find_spans(text, terms)
    if not spans:
        return html.escape(text, quote=False)
    return _marked(text, 0, len(text), spans)


@functools.lru_cache(maxsize=256)
def _term_prefixes(terms: frozenset[str]) -> re.Pattern:
    """Words starting with the first letters of any term (е matching ё)."""
    prefixes = sorted({re.escape(t.lstrip("=")[:PREFIX_LETTERS]).replace("е", "[её]")
                       for t in terms})
    return re.compile(rf"\b(?:{'|'.join(prefixes)}){WORD_TAIL}", re.IGNORECASE)


def make_snippet(body: str, spans) -> str:
    """Up to two fragments of ``body`` around the matched words, HTML-escaped.

    A fragment opens a little before a match and takes in the matches that
    follow while it stays within ``SNIPPET_CHARS``; the two holding the most
    matches are shown in text order, cut at word boundaries. "…" stands
    wherever text was left out: between the fragments, and before the first
    or after the last when the body goes on ("… the mayor of Osh …").
    """
    if not spans:
        return ""
    spans = sorted(set(spans))
    fragments = []
    i = 0
    while i < len(spans):
        start = max(0, spans[i][0] - SNIPPET_SURROUND)
        j = i + 1
        while j < len(spans) and spans[j][1] + SNIPPET_SURROUND - start <= SNIPPET_CHARS:
            j += 1
        end = min(len(body), spans[j - 1][1] + SNIPPET_SURROUND)
        fragments.append((j - i, -i, start, end, spans[i:j]))
        i = j
    best = [(*_word_bounds(body, start, end, marks), marks)
            for _, _, start, end, marks in sorted(heapq.nlargest(2, fragments), key=lambda f: f[2])]
    snippet = " … ".join(_marked(body, start, end, marks) for start, end, marks in best)
    cut_before = bool(body[:best[0][0]].strip())
    cut_after = bool(body[best[-1][1]:].strip())
    # A no-break space keeps "…" on the line of the word it stands by.
    return ("…\u00a0" if cut_before else "") + snippet + ("\u00a0…" if cut_after else "")


def _word_bounds(body: str, start: int, end: int, marks) -> tuple[int, int]:
    """``start`` and ``end`` moved inwards to the nearest spaces, so no word is cut
    (but never past the first or last mark)."""
    if start > 0:
        space = body.find(" ", start, marks[0][0])
        start = space + 1 if space >= 0 else start
    if end < len(body):
        space = body.rfind(" ", marks[-1][1], end)
        end = space if space >= 0 else end
    return start, end


def _marked(body: str, start: int, end: int, marks) -> str:
    """``body[start:end]``, escaped, with ``marks`` in ``<mark>``."""
    parts, at = [], start
    for mark_start, mark_end in marks:
        parts.append(html.escape(body[at:mark_start], quote=False))
        parts.append(f"<mark>{html.escape(body[mark_start:mark_end], quote=False)}</mark>")
        at = mark_end
    parts.append(html.escape(body[at:end], quote=False))
    return " ".join("".join(parts).split())


def lead(body: str) -> str:
    """The start of the body, cut at a word (then "…"), HTML-escaped."""
    text = " ".join(body.split())
    if len(text) > SNIPPET_CHARS:
        text = text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + "\u00a0…"
    return html.escape(text, quote=False)
