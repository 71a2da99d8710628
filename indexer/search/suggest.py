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

A replacement is offered only when it is likely right:

- it is within ``spelling.allowed_edits`` of the word as typed (lower-cased,
  ё as е, a possessive 's dropped): one edit for 3–5 letters, two from 6 on,
  so "Putin" never becomes "put"; a repaired query whose furthest word is two
  edits away must find ``spelling.TWO_EDIT_ARTICLES`` articles;
- a word that looks like a name (``looks_like_name``: capitalised after the
  query's first word, or a proper name in pymorphy3's dictionary) and is
  absent from the archive is replaced only by another spelling of the same
  name (``is_spelling_variant``: one edit in letters or in transliteration
  key, and not a common word): a name the archive lacks is a fact to report,
  not a typo of the common word next to it (Путин is not «пути»).

So on the sample corpus Токаев, Путин and Putin, which it lacks, get no
suggestion (they got «той», «пути», "put"), while ``Kyrgystan`` still gets
"kyrgyzstan" and ``rshuspcnfy`` «кыргызстан».
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from ..engine.spelling import allowed_edits, articles_needed, edits
from ..text.analysis import CYRILLIC, fold_yo, morph_analyzer, normal_forms
from ..text.names import NAME_GRAMMEMES, POSSESSIVE, is_name_like, word_keys

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


class Repair(NamedTuple):
    """A candidate query and the edits its furthest replaced word needed
    (0 for a layout switch or a translation: nothing was guessed letter by letter)."""

    query: str
    edits: int


def looks_like_name(word: str, first: bool = False) -> bool:
    """Whether a typed word looks like a name (``first``: it starts the query).

    Two signs, either enough. A capital letter, except on the query's first
    word: there it says as little as at the start of a sentence ("Vladimir
    Putin", "выборы Токаев" yes; "Putin" alone no). Or pymorphy3's dictionary
    knows the word as a proper name (first name, surname, patronymic, place,
    organization, trade mark) in some reading, in any case: "путин", "Путин",
    "атлантида". Guessed readings of unknown words do not count: the guesser
    calls the typo «выборв» an organization. A Latin word has no dictionary
    here, so only its capital can tell.
    """
    if word[:1].isupper() and not first:
        return True
    lowered = fold_yo(word.lower())
    if not CYRILLIC.search(lowered):
        return False
    try:
        parses = morph_analyzer().parse(lowered)
    except ValueError:
        return False  # a letter unicodedata cannot name: no reading to trust
    return any(p.is_known and not NAME_GRAMMEMES.isdisjoint(p.tag.grammemes) for p in parses)


def is_spelling_variant(name: str, word: str) -> bool:
    """Whether index word ``word`` may be another spelling of the typed ``name``.

    It is one edit away in its letters (Kyrgystan → kyrgyzstan, Кыргызтан →
    кыргызстан) or in its transliteration key (``names.word_keys``: Tokayev =
    Tokaev, Pashinian = Pashinyan, a Russian name's cases too), and it may
    itself be a name: a Cyrillic word the dictionary knows only as a common
    word is not ("пути" is a form of путь, so it is no spelling of Путин). A
    Latin word has no dictionary here: its spelling alone decides, and "put"
    is two edits from "putin" in letters and in key.
    """
    if CYRILLIC.search(word.lower()) and not is_name_like(word):
        return False
    if edits(name, word) <= 1:
        return True
    return any(edits(typed, offered) <= 1
               for typed in word_keys(name) for offered in word_keys(word))


def respell(text: str, similar_words: Callable[[str, int], list[str]]) -> list[Repair]:
    """Versions of ``text`` with its unknown words replaced by close index words
    that are likely right (see the module's docstring): the best match of
    each, then the second best, …"""
    replacements: list[tuple[re.Match, list[tuple[str, int]]]] = []
    for number, match in enumerate(WORD.finditer(text)):
        word = fold_yo(match.group().lower().replace("’", "'"))
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
        if known:
            continue
        typed = POSSESSIVE.sub("", word)
        name = looks_like_name(match.group(), first=number == 0)
        fitting = [(offered, edits(typed, offered)) for offered in close
                   if edits(typed, offered) <= allowed_edits(typed)
                   and (not name or is_spelling_variant(typed, offered))]
        if fitting:
            replacements.append((match, fitting[:ALTERNATIVES]))
    versions: list[Repair] = []
    for rank in range(ALTERNATIVES):
        parts, at, most = [], 0, 0
        for match, words in replacements:
            offered, needed = words[min(rank, len(words) - 1)]
            parts += [text[at:match.start()], offered]
            at = match.end()
            most = max(most, needed)
        parts.append(text[at:])
        version = "".join(parts)
        changed = any(rank < len(words) for _, words in replacements)
        if changed and version not in (v.query for v in versions):
            versions.append(Repair(version, most))
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
    candidates = [Repair(switched, 0)] if switched else []
    candidates += respell(query, similar_words)
    if switched:
        candidates += respell(switched, similar_words)
    candidates += [Repair(text, 0) for text in translate(query)]
    tried = set()
    for candidate, needed in candidates:
        candidate = " ".join(candidate.split())
        if not candidate or candidate.casefold() == query.casefold() or candidate in tried:
            continue
        tried.add(candidate)
        if len(tried) > MAX_TRIES:
            break
        total = count(candidate)
        if total >= articles_needed(needed):
            return {"query": candidate, "total": total}
    return None
