"""A name spelled in one script only, found from the other: Tokayev → «Токаев».

``name_groups`` pairs the spellings of a name when the archive holds it in both
scripts. An archive whose only articles on Tokayev are Russian has no Latin
spelling to pair, yet "Tokayev" should find «Токаев»; so should «Токаев» find
"Tokayev" in an English-only archive. ``other_script_spellings`` looks the
typed word up at query time in the index's sorted vocabulary: it derives the
few other-script prefixes the name may start with, letter by letter, from
``name_key`` itself (no second transliteration table), and reads only the
terms under them, keeping those that share a key with the typed word.

How a prefix may read depends on what follows it (Алиев: the и is a glide
before a vowel; Автономов: the в is u before a consonant; Джапаров: д and ж
are one sound), so each prefix is read before a few FOLLOWING letters, and the
readings of all of them are kept. A prefix no term of the vocabulary starts
with ends the search along it (nothing starts with "ьт"), and one shared by
more than BUCKET terms is read a letter further.

On 300,000 terms (pymorphy3's word forms and their transliterations) a lookup
reads 1–600 terms: 0.5–3 ms once its prefixes' readings are cached, which
they stay across generations; tens of ms for the first names a process sees.
"""

from __future__ import annotations

import functools
import itertools
import os
from collections.abc import Callable, Iterable, Iterator

from .analysis import CYRILLIC, STOP_WORDS, fold_yo
from .names import _cyrillic_keys, _may_be_name_term, name_key, word_keys

ALPHABETS = {True: "абвгдежзийклмнопрстуфхцчшщъыьэюя", False: "abcdefghijklmnopqrstuvwxyz"}
# Letters after a prefix that may change how its end reads: a vowel (glides, h
# between vowels), a consonant (v → u), and dzh, tch, sch, ck, tz, ou as one sound.
FOLLOWING = {True: ("а", "е", "у", "т", "ж", "ч", "вт", "ха"),
             False: ("a", "e", "i", "o", "u", "t", "h", "k", "z", "j", "vt", "ha", "zh", "ch")}
PREFIX_LETTERS = 3  # read a letter further where more than BUCKET terms share them
MAX_PREFIX_LETTERS = 6
BUCKET = 128
READINGS_CACHE_SIZE = 100_000


@functools.lru_cache(maxsize=READINGS_CACHE_SIZE)
def _prefix_readings(prefix: str) -> frozenset[str]:
    """How the key of a word starting with ``prefix`` may start ("ав": av, au,
    a; "sc": sk, S): before each following letter, the part of the prefix's key
    left in place, and the whole key but that letter's share (unless the letter
    merged into the prefix's: "аа" is a)."""
    own, readings = name_key(prefix), {name_key(prefix)}
    for following in FOLLOWING[bool(CYRILLIC.search(prefix))]:
        key, share = name_key(prefix + following), len(name_key(following))
        readings.add(key[:len(key) - min(share, max(len(key) - len(own), 0))])
        readings.add(os.path.commonprefix([key, own]))
    return frozenset(readings)


def candidate_terms(keys: Iterable[str], alphabet: str,
                    terms_with_prefix: Callable[[str], Iterable[str]]) -> Iterator[str]:
    """The vocabulary's terms under the prefixes, in ``alphabet``, that a word
    with one of ``keys`` may start with: PREFIX_LETTERS letters, more where
    many terms share them. Only a first letter may read as nothing (д of дж)."""
    keys = tuple(keys)
    prefixes = [""]
    for letters in range(1, MAX_PREFIX_LETTERS + 1):
        prefixes = [p + a for p in prefixes for a in alphabet
                    if next(iter(terms_with_prefix(p + a)), None) is not None
                    and any(key.startswith(r) for key in keys
                            for r in _prefix_readings(p + a) if r or not p)]
        if letters < PREFIX_LETTERS:
            continue
        crowded = []
        for prefix in prefixes:
            head = list(itertools.islice(terms_with_prefix(prefix), BUCKET))
            if len(head) < BUCKET or letters == MAX_PREFIX_LETTERS:
                yield from head if len(head) < BUCKET else terms_with_prefix(prefix)
            else:
                crowded.append(prefix)
                yield from head[:1] if head[0] == prefix else ()  # no longer prefix holds it
        prefixes = crowded


def other_script_spellings(word: str, terms_with_prefix: Callable[[str], Iterable[str]],
                           min_key: int = 4) -> list[str]:
    """The other script's spellings of a typed name in a vocabulary, in any case:
    "Tokayev" → [токаев, токаева, токаевым]; «Токаеву» → [tokaev, tokayev].

    ``terms_with_prefix`` gives the vocabulary's terms that start with a prefix,
    in order. The rules are ``name_groups``': keys of ``min_key`` letters or more
    (sh, ch, zh, kh count as one), and a Cyrillic word, typed or found, only
    when it may be a name ("bank" does not find «банк», nor «банк» "bank").
    """
    word = fold_yo(word.lower())
    cyrillic = bool(CYRILLIC.search(word))
    keys = frozenset(key for key in word_keys(word) if len(key) >= min_key)
    if word in STOP_WORDS or not keys or (cyrillic and not _may_be_name_term(word)):
        return []
    # An inflected name («Токаевым») is its stem, whose key is one of the keys
    # but for a letter or so, and an ending of up to three letters.
    stems = {key[:n] for key in keys for n in range(max(min_key, len(key) - 1) - 1, len(key) + 1)}
    found = []
    for term in candidate_terms(keys, ALPHABETS[not cyrillic], terms_with_prefix):
        if term in STOP_WORDS or bool(CYRILLIC.search(term)) == cyrillic:
            continue
        term_key = name_key(term)
        if cyrillic:
            if term_key in keys:
                found.append(term)
        elif (any(term_key.startswith(stem) and len(term_key) <= len(stem) + 4 for stem in stems)
              and not keys.isdisjoint(_cyrillic_keys(term, stems)) and _may_be_name_term(term)):
            found.append(term)
    return found
