"""Snippets and marks: where a query's words stand in a text, shown in HTML.

The query's index terms are normal forms (and "=form" for a form searched
exactly); a text's words are matched by their own normal forms, so an
inflected form is marked where the query had another.
"""

from __future__ import annotations

import functools
import heapq
import html
import itertools
import re

from ..text.analysis import WORD_PATTERN, fold_yo, normal_forms
from ..engine.phrases import Phrase

SNIPPET_CHARS = 240
SNIPPET_SURROUND = 60  # characters of context before the first and after the last match
PREFIX_LETTERS = 3  # inflected forms share at least this much with their index term
WORD_TAIL = r"[^\W_]*(?:['’][^\W_]+)*"  # the rest of a word, as the tokenizer sees it
_WORD = re.compile(WORD_PATTERN)


def find_spans(text: str, terms: frozenset[str], limit: int | None = None,
               phrases: tuple[Phrase, ...] = ()) -> list[tuple[int, int]]:
    """Where the query's words stand in a text, in text order, up to ``limit`` of
    them (``terms`` are normal forms, and "=form" for a form searched exactly).
    Each occurrence of one of ``phrases`` is one span, from its first word to
    its last; spans never overlap (a phrase's own words are not found again).

    Only words that start like one of the query's index terms are looked at
    (a regular expression finds them), then confirmed through the lemma
    cache; snippets stop once there are enough matches for two fragments.
    """
    if not text or not (terms or phrases):
        return []
    found = []
    if terms:
        for match in _term_prefixes(terms).finditer(text):
            if _is_form(match.group(), terms):
                found.append(match.span())
                if limit is not None and len(found) >= limit and not phrases:
                    break
    if phrases:
        found = _apart(found + _phrase_spans(text, phrases))
    return found[:limit] if limit is not None else found


def is_form(word: str, terms: frozenset[str]) -> bool:
    """Whether ``word`` (as written) is a form of one of ``terms``: it starts
    like one of them, and one of its normal forms is one (or it is a form
    searched exactly, "=form")."""
    return bool(terms) and _term_prefixes(terms).match(word) is not None and _is_form(word, terms)


def _is_form(word: str, terms: frozenset[str]) -> bool:
    word = word.lower()
    return not terms.isdisjoint(normal_forms(word)) or "=" + fold_yo(word) in terms


def _phrase_spans(text: str, phrases: tuple[Phrase, ...]) -> list[tuple[int, int]]:
    """Every occurrence of each phrase: its words in order, each a form of its
    position's terms, each within ``slop`` words of the one before.

    Only the words that start like a form of the phrase's first word are
    looked at (as ``find_spans`` does for single words), and the text is split
    into words only just after them: a snippet of a hit costs a few checks,
    not one per word of the article."""
    found = []
    for phrase in phrases:
        if phrase.slop == 1:
            found += _adjacent_spans(text, phrase)
            continue
        first = phrase.positions[0]
        reach = 1 + phrase.slop * (len(phrase.positions) - 1)
        for match in _term_prefixes(first).finditer(text):
            if not _is_form(match.group(), first):
                continue
            words = [(m.start(), m.end(), m.group())
                     for m in itertools.islice(_WORD.finditer(text, match.start()), reach)]
            if not words or words[0][0] != match.start():
                continue
            last = _rest_of(phrase, words, 0, 1)
            if last is not None:
                found.append((match.start(), words[last][1]))
    return found


def _adjacent_spans(text: str, phrase: Phrase) -> list[tuple[int, int]]:
    """A phrase of adjacent words: one regular expression finds the runs of words
    that start like each position's terms (in C, however common the first
    word), and each run's words are then confirmed through the lemma cache."""
    pattern, found, at = _run_pattern(phrase), [], 0
    while (match := pattern.search(text, at)) is not None:
        words = _WORD.findall(match.group())
        if len(words) == len(phrase.positions) and all(
                _is_form(word, terms) for word, terms in zip(words, phrase.positions)):
            found.append(match.span())
            at = match.end()
        else:
            at = match.start() + 1
    return found


@functools.lru_cache(maxsize=256)
def _run_pattern(phrase: Phrase) -> re.Pattern:
    """Words in a row, each starting like one of its position's terms."""
    return re.compile(r"\b" + r"[\W_]+".join(f"(?:{_prefix_choice(terms)}){WORD_TAIL}"
                                             for terms in phrase.positions), re.IGNORECASE)


def _prefix_choice(terms: frozenset[str]) -> str:
    return "|".join(sorted({re.escape(t.lstrip("=")[:PREFIX_LETTERS]).replace("е", "[её]")
                            for t in terms}))


def _rest_of(phrase: Phrase, words: list, at: int, position: int) -> int | None:
    """The index of the last word of ``phrase`` matched from ``words[at]`` on
    (its ``position``-th word next), or ``None``."""
    if position == len(phrase.positions):
        return at
    for j in range(at + 1, min(at + phrase.slop, len(words) - 1) + 1):
        if is_form(words[j][2], phrase.positions[position]):
            last = _rest_of(phrase, words, j, position + 1)
            if last is not None:
                return last
    return None


def _apart(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans in text order without overlaps: the first (longest) one wins."""
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda span: (span[0], -span[1])):
        if not kept or start >= kept[-1][1]:
            kept.append((start, end))
    return kept


def marked_all(text: str, terms: frozenset[str], phrases: tuple[Phrase, ...] = ()) -> str:
    """The whole text, HTML-escaped, every word (and phrase) of the query in ``<mark>``."""
    spans = find_spans(text, terms, phrases=phrases)
    if not spans:
        return html.escape(text, quote=False)
    return _marked(text, 0, len(text), spans)


@functools.lru_cache(maxsize=256)
def _term_prefixes(terms: frozenset[str]) -> re.Pattern:
    """Words starting with the first letters of any term (е matching ё)."""
    return re.compile(rf"\b(?:{_prefix_choice(terms)}){WORD_TAIL}", re.IGNORECASE)


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
