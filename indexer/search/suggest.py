""""Did you mean": a repaired query for a search that found nothing.

Three repairs, tried in order, the first that finds hits kept:

1. the keyboard layout: a query typed with the wrong layout on (``rshuspcnfy``
   for «кыргызстан», ``Лнкпнызефт`` for "Kyrgyzstan") is converted through
   the standard ЙЦУКЕН ↔ QWERTY key map;
2. spelling: each word the index does not know is replaced by a close word of
   the index's own title/body vocabulary (``Generation.similar_words``), in
   the query as typed and in its layout conversion;
3. the other language: each word replaced by its first equivalent in the
   other language (what cross-language search adds: a region's other name,
   the name in the other script, the glossary's word) — a search with
   ``cross=0``, or one filtered to the other language, finds nothing as typed.

Only plain queries are repaired: words, no operators, fields, phrases,
wildcards or parentheses. A replacement word is an index term: the words
close to the word as typed are looked for first among the words as written
(so "peoplle" gives "people", not the stem "peopl"), then among the normal
forms (a Russian lemma, an English stem).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..text.analysis import normal_forms

QWERTY = "`qwertyuiop[]asdfghjkl;'zxcvbnm,."
JCUKEN = "ёйцукенгшщзхъфывапролджэячсмитьбю"
# Shifted punctuation keys give other signs, so only letter keys map upper case.
TO_RUSSIAN = {**dict(zip(QWERTY, JCUKEN)),
              **{q.upper(): r.upper() for q, r in zip(QWERTY, JCUKEN) if q.isalpha()}}
TO_ENGLISH = {**dict(zip(JCUKEN, QWERTY)), **dict(zip(JCUKEN.upper(), QWERTY.upper()))}

OPERATORS = {"AND", "OR", "NOT"}
PLAIN = re.compile(r"[\w\s\-\[\];',.`’]+")  # words, and the keys Russian letters sit on
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
MIN_WORD = 4  # shorter words are not respelled: too many near neighbours
ALTERNATIVES = 3  # close words tried per unknown word
MAX_TRIES = 8  # candidate queries searched at most


def is_plain(query: str) -> bool:
    """Whether a query is plain words (no operators, fields, phrases, patterns)."""
    if not PLAIN.fullmatch(query):
        return False
    return not any(token in OPERATORS or token.startswith(("-", "+"))
                   for token in query.split())


def switch_layout(text: str) -> str | None:
    """The text as the keys typed would give in the other layout; ``None`` when
    it has no letters to switch. Latin turns Cyrillic, Cyrillic turns Latin."""
    latin = sum(1 for c in text if c.isascii() and c.isalpha())
    cyrillic = sum(1 for c in text if c in TO_ENGLISH and c.isalpha())
    if not latin and not cyrillic:
        return None
    table = TO_RUSSIAN if latin >= cyrillic else TO_ENGLISH
    switched = "".join(table.get(c, c) for c in text)
    return switched if switched != text else None


def respell(text: str, similar_words: Callable[[str, int], list[str]]) -> list[str]:
    """Versions of ``text`` with its unknown words replaced by close index words:
    the best match of each, then the second best, …"""
    replacements: list[tuple[re.Match, list[str]]] = []
    for match in WORD.finditer(text):
        word = match.group().lower().replace("’", "'")
        if len(word) < MIN_WORD:
            continue
        forms = dict.fromkeys((word, *normal_forms(word)))  # as typed first: words, not stems
        close: dict[str, None] = {}
        known = False
        for form in forms:
            found = similar_words(form, ALTERNATIVES)
            if found and found[0] == form:
                known = True
                break
            close.update(dict.fromkeys(found))
        if not known and close:
            replacements.append((match, list(close)[:ALTERNATIVES]))
    versions = []
    for rank in range(ALTERNATIVES):
        parts, at, changed = [], 0, False
        for match, words in replacements:
            parts.append(text[at:match.start()])
            parts.append(words[min(rank, len(words) - 1)])
            at = match.end()
            changed = changed or rank < len(words)
        parts.append(text[at:])
        version = "".join(parts)
        if changed and version not in versions:
            versions.append(version)
    return versions


def suggest(query: str, count: Callable[[str], int],
            similar_words: Callable[[str, int], list[str]],
            translate: Callable[[str], list[str]] = lambda text: []) -> dict | None:
    """``{"query": repaired, "total": n}`` for the first repair that finds
    hits (``count`` gives a query's total under the request's filters), or
    ``None``. ``similar_words`` is the generation's; ``translate`` gives the
    query in the other language."""
    query = " ".join(query.split())
    if not query or not is_plain(query):
        return None
    switched = switch_layout(query)
    candidates = [switched] if switched else []
    candidates += respell(query, similar_words)
    if switched:
        candidates += respell(switched, similar_words)
    candidates += translate(query)
    tried = set()
    for candidate in candidates:
        candidate = " ".join(candidate.split())
        if not candidate or candidate.casefold() == query.casefold() or candidate in tried:
            continue
        tried.add(candidate)
        if len(tried) > MAX_TRIES:
            break
        total = count(candidate)
        if total:
            return {"query": candidate, "total": total}
    return None
