"""One analyzer for English and Russian text.

The chain is ``RegexTokenizer | LowercaseFilter | MorphFilter``: words in
Latin and Cyrillic are split at hyphens (so "Nagorno-Karabakh" is two
positions, like "Nagorno Karabakh"), lower-cased, and then each word is
normalized by its script: Cyrillic
words to their pymorphy3 normal forms, Latin words to their Snowball
(Porter2) English stem. ё is folded to е in the normal forms, after
pymorphy3 has seen it: "объём" is unambiguous, "объем" is not. Every word is
indexed, small ones too: BM25 gives "the" and "и" next to no weight, and a
phrase like "Party of Regions" must keep its "of".

Ambiguity rule: a Cyrillic word that the dictionary knows is indexed under
*every distinct* normal form of its dictionary parses, all at the same
position ("выборы" → выборы + выбор, "стали" → стать + сталь), because a
researcher would rather see an extra hit than miss an article. A word the
dictionary does not know (most surnames, new place names) gets only the
normal form of pymorphy's best guess. Queries go through the same chain, and
the query parser ORs the alternatives of one position.
"""

from __future__ import annotations

import functools
import re

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer
from whoosh.lang.stopwords import stoplists

# A word: letters/digits, optionally joined by apostrophes (Azerbaijan's,
# O'Brien). Hyphens separate words.
WORD_PATTERN = r"[^\W_]+(?:['’][^\W_]+)*"

WORD = re.compile(WORD_PATTERN)
CYRILLIC = re.compile(r"[а-яё]")
LATIN = re.compile(r"[a-z]")



def _with_yo_spellings(words):
    """Each word, and each spelling of it with one е written as ё ("все", "всё")."""
    for word in words:
        yield word
        for i, ch in enumerate(word):
            if ch == "е":
                yield word[:i] + "ё" + word[i + 1:]


# The very common words of both languages: indexed like any other, but not
# what a benchmark's sample queries or a suggestion are made of.
STOP_WORDS = frozenset(_with_yo_spellings((stoplists["en"] | stoplists["ru"]) - {"us"}))

LEMMA_CACHE_SIZE = 500_000


@functools.cache
def morph_analyzer():
    """The process-wide pymorphy3 analyzer, built on first use (it is slow)."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@functools.cache
def english_stemmer():
    """The process-wide Snowball English stemmer."""
    import Stemmer

    return Stemmer.Stemmer("english")


def fold_yo(text: str) -> str:
    """Fold ё to е, as Russian readers and writers freely mix them."""
    return text.replace("ё", "е").replace("Ё", "Е")


@functools.lru_cache(maxsize=LEMMA_CACHE_SIZE)
def russian_normal_forms(word: str) -> tuple[str, ...]:
    """Distinct normal forms of a lower-case Russian word, ё folded, most likely first."""
    try:
        parses = morph_analyzer().parse(word)
    except ValueError:
        # pymorphy3 asks unicodedata for each letter's name, and some letters
        # (e.g. Tangut ideographs) have none: keep such a word as it is.
        return (fold_yo(word),)
    known = [p for p in parses if p.is_known]
    chosen = known or parses[:1]
    forms: list[str] = []
    for parse in chosen:
        form = fold_yo(parse.normal_form)
        if form not in forms:
            forms.append(form)
    return tuple(forms) or (fold_yo(word),)


@functools.lru_cache(maxsize=LEMMA_CACHE_SIZE // 100)
def russian_forms(normal_form: str) -> tuple[str, ...]:
    """Every form of the Russian words with this normal form (their lexemes), ё
    folded: how a text word read as ``normal_form`` may be written."""
    forms: dict[str, None] = {}
    for parse in morph_analyzer().parse(normal_form):
        if fold_yo(parse.normal_form) == normal_form:
            forms.update(dict.fromkeys(fold_yo(f.word) for f in parse.lexeme))
    return tuple(forms)


@functools.lru_cache(maxsize=LEMMA_CACHE_SIZE)
def english_stem(word: str) -> str:
    """The Porter2 stem of a lower-case English word, without possessive ’s."""
    return english_stemmer().stemWord(word.replace("’", "'"))


def normal_forms(word: str) -> tuple[str, ...]:
    """The index terms of one lower-case word, chosen by its script."""
    if CYRILLIC.search(word):
        return russian_normal_forms(word)
    if LATIN.search(word):
        return (english_stem(word),)
    return (word,)


class YoFilter(Filter):
    """Folds ё to е in token text."""

    def __call__(self, tokens):
        for t in tokens:
            if "ё" in t.text:
                t.text = t.text.replace("ё", "е")
            yield t


class MorphFilter(Filter):
    """Replaces each word by its normal forms, alternatives at one position."""

    is_morph = True

    def __call__(self, tokens):
        for t in tokens:
            forms = normal_forms(t.text)
            t.text = forms[0]
            if len(forms) == 1:
                yield t
                continue
            extra = [t.copy() for _ in forms[1:]]
            yield t
            for alt, form in zip(extra, forms[1:]):
                alt.text = form
                yield alt


def bilingual_analyzer():
    """The analyzer used for titles, bodies and queries in both languages."""
    return (
        RegexTokenizer(WORD_PATTERN)
        | LowercaseFilter()
        | MorphFilter()
    )


def surface_analyzer():
    """Words as written: lower-cased, ё folded, no stems. For author names, and
    for the exact forms that ``=word`` searches and that rank a word's own form first."""
    return RegexTokenizer(WORD_PATTERN) | LowercaseFilter() | YoFilter()


# Marks a person-key term in the author field: no word as written holds it.
PERSON_KEY_MARK = "~"


class PersonKeyFilter(Filter):
    """Adds to each author word its person key (``PERSON_KEY_MARK`` + key) at the
    same position, so ``author:Osmonov`` finds «Осмонов» and ``author:Nadia``
    «Надежда», at index and query time alike. Stores nothing: picklable."""

    def __call__(self, tokens):
        from .names import person_word_key  # names reads this module's analyzer

        for t in tokens:
            key = person_word_key(t.text)
            if not key:
                yield t
                continue
            extra = t.copy()
            yield t
            extra.text = PERSON_KEY_MARK + key
            yield extra


def author_analyzer():
    """Author names: words as written (``surface_analyzer``) and their person keys."""
    return surface_analyzer() | PersonKeyFilter()


def index_words(text: str) -> list[str]:
    """The words of ``text`` as the analyzers' tokenizer and lowercase filter give
    them, in position order: what an index build analyzes further, each word once
    (``morph_terms``, ``fold_yo``) instead of through a chain of filters per field."""
    return [word.lower() for word in WORD.findall(text)]


def morph_terms(word: str) -> tuple[str, ...]:
    """``bilingual_analyzer``'s terms at one position, from ``index_words``' word."""
    return normal_forms(word)


def analyze(text: str) -> list[set[str]]:
    """Index terms of ``text`` grouped by position: one set per word kept."""
    positions: dict[int, set[str]] = {}
    for t in ANALYZER(text, positions=True):
        positions.setdefault(t.pos, set()).add(t.text)
    return [positions[p] for p in sorted(positions)]


ANALYZER = bilingual_analyzer()


def guess_language(text: str) -> str:
    """``ru`` when Cyrillic letters outnumber Latin ones in ``text``, else ``en``."""
    sample = text[:5000].lower()
    cyrillic = len(re.findall(r"[а-яё]", sample))
    latin = len(re.findall(r"[a-z]", sample))
    return "ru" if cyrillic > latin else "en"
