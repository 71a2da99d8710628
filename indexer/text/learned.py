"""English↔Russian word pairs learned from the archive's own translations.

Many archives publish an article in both languages (the ``translation``
field links the two). Each such pair is a small parallel text, and the
words of one side translate the words of the other. Learning goes in three
steps, from the corpus being indexed only:

1. **Sentences.** Both texts are split into paragraphs (lines). When the
   two sides have as many, paragraph *i* goes with paragraph *i*; otherwise
   the paragraphs are aligned by length first. Within each group the
   sentences are aligned by length (Gale & Church 1993: a translated
   sentence is about as long as its original, relative to the two texts'
   lengths), allowing 1:1, 1:2, 2:1 and 2:2 groups and skipped sentences.
2. **Words.** IBM Model 1 (expectation maximization, ``ITERATIONS``
   rounds, with an empty word for words without counterpart) estimates
   t(russian | english) and, separately, t(english | russian) over the
   aligned sentences. Words are index terms: the first normal form of each
   word (an English stem, a Russian lemma), stop words dropped.
3. **Pairs.** A pair is kept when both directions agree on it: each gives
   it at least ``MIN_PROBABILITY`` and aligns the two at least
   ``MIN_ALIGNED`` times (expected count); when it was seen together in at
   least ``MIN_TOGETHER`` translation pairs (a pair seen once proves
   nothing); and when the two words keep company consistently (Dice over
   translation pairs at least ``MIN_CONSISTENCY``, so two rare words that
   met twice by chance but also turn up apart are not taken for each
   other). Each term keeps its ``MAX_EQUIVALENTS`` most likely equivalents.

Why Model 1 and not eflomal: eflomal ships as source only (Cython and a C
compiler at install, Cython again at run time) and runs a separate binary
over temporary files, and it gives links, not the probabilities wanted
here. At an archive's scale (tens to a few thousand pairs) Model 1 over
aligned sentences, the simple baseline, runs in numpy in a second or two
with nothing to build.

The result maps each term to ``[[equivalent, probability], ...]``, most
likely first, in both directions: "glacier" → [["ледник", 0.98]] and
«ледник» → [["glacier", 0.97]]. The probability is the translation
probability of that direction, t(equivalent | term).
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Iterable

import numpy as np

from .analysis import (CYRILLIC, LATIN, LEMMA_CACHE_SIZE, STOP_WORDS, index_words,
                       normal_forms)

MAX_LEARNING_PAIRS = 2000  # translation pairs a build learns from, at most
MIN_PAIRS = 20  # fewer translation pairs than this: nothing is learned
MIN_TOGETHER = 2  # translation pairs a word pair must be seen together in
MIN_PROBABILITY = 0.2  # in each direction
MIN_ALIGNED = 1.5  # expected times the two words were aligned, in each direction
MIN_CONSISTENCY = 0.6  # Dice: 2 · pairs with both / (pairs with one + pairs with the other)
MAX_EQUIVALENTS = 3
MIN_LETTERS = 3
ITERATIONS = 6
MAX_UNIT_WORDS = 80  # words of one side of an aligned group, at most

PARAGRAPHS = re.compile(r"\s*\n\s*")
# A sentence ends at . ! ? or … (closing quotes and brackets may follow) when
# the next one starts with a capital letter, a digit or an opening quote.
SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'»”)\]]*\s+(?=[\"'«“(\[]?[A-ZА-ЯЁ0-9])")

# Gale & Church's group kinds (English sentences, Russian sentences) and
# their prior costs, -log of how often each kind occurs in real translations.
GROUPS = {(1, 1): -math.log(0.89), (1, 2): -math.log(0.0445), (2, 1): -math.log(0.0445),
          (2, 2): -math.log(0.011), (1, 0): -math.log(0.005), (0, 1): -math.log(0.005)}
BAND = 8  # sentences a translation may drift from the proportional place
LENGTH_VARIANCE = 6.8  # of a translation's length per character of the original
EVIDENT_MATCH = -math.log(0.1)  # a 1:1 length cost trusted without the search


def paragraphs(text: str) -> list[str]:
    """The text's paragraphs: its non-empty lines."""
    return [p for p in PARAGRAPHS.split(text.strip()) if p]


def sentences(paragraph: str) -> list[str]:
    """The sentences of a paragraph (or of paragraphs joined)."""
    return [s for s in SENTENCE_END.split(paragraph) if s.strip()]


def align_by_length(english: list[str], russian: list[str]) -> list[tuple[str, str]]:
    """Groups of English and Russian pieces (sentences or paragraphs) that
    translate each other, as (English text, Russian text), by a dynamic
    programme on character lengths (Gale & Church). Pieces left without a
    counterpart are dropped; so is everything when no alignment is found."""
    len_en, len_ru = [len(s) for s in english], [len(s) for s in russian]
    n, m = len(english), len(russian)
    if not n or not m:
        return []
    ratio = (sum(len_ru) or 1) / (sum(len_en) or 1)
    # As many pieces, each as long as its counterpart: the usual case, 1:1.
    if n == m and all(_length_cost(a, b, ratio) < EVIDENT_MATCH
                      for a, b in zip(len_en, len_ru)):
        return list(zip(english, russian))
    upto_en = list(itertools.accumulate(len_en, initial=0))
    upto_ru = list(itertools.accumulate(len_ru, initial=0))
    cost = [[math.inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    # Translations keep their order: only a band along the diagonal is searched,
    # wide enough for the steps between rows when one side has many more pieces.
    band = BAND + max(m // n, n // m)
    for i in range(n + 1):
        middle = i * m // n
        for j in range(max(0, middle - band), min(m, middle + band) + 1):
            if cost[i][j] == math.inf:
                continue
            for (a, b), prior in GROUPS.items():
                if i + a > n or j + b > m:
                    continue
                step = cost[i][j] + prior + _length_cost(upto_en[i + a] - upto_en[i],
                                                         upto_ru[j + b] - upto_ru[j], ratio)
                if step < cost[i + a][j + b]:
                    cost[i + a][j + b], back[i + a][j + b] = step, (a, b)
    if back[n][m] is None:
        return []
    groups = []
    i, j = n, m
    while i or j:
        a, b = back[i][j]
        if a and b:
            groups.append((" ".join(english[i - a:i]), " ".join(russian[j - b:j])))
        i, j = i - a, j - b
    return groups[::-1]


def _length_cost(chars_en: int, chars_ru: int, ratio: float) -> float:
    """-log of how likely texts of these lengths translate each other."""
    mean = (chars_en + chars_ru / ratio) / 2 or 1
    delta = (chars_ru - chars_en * ratio) / math.sqrt(mean * LENGTH_VARIANCE)
    return -math.log(max(math.erfc(abs(delta) / math.sqrt(2)), 1e-12))


def aligned_units(english: str, russian: str) -> list[tuple[str, str]]:
    """The (English, Russian) sentence groups of one translation pair:
    paragraphs aligned first (one to one when both sides have as many), then
    the sentences within each group of paragraphs."""
    paras_en, paras_ru = paragraphs(english), paragraphs(russian)
    if len(paras_en) == len(paras_ru):
        paired = list(zip(paras_en, paras_ru))
    else:
        paired = align_by_length(paras_en, paras_ru)
    return [group for para_en, para_ru in paired
            for group in align_by_length(sentences(para_en), sentences(para_ru))]


def unit_terms(text: str, script: re.Pattern) -> list[str]:
    """The words of one side as index terms (first normal form), in order,
    without stop words, short words and words in the other script."""
    terms = [_term(word, script) for word in index_words(text)]
    return [t for t in terms if t][:MAX_UNIT_WORDS]


@functools.lru_cache(maxsize=LEMMA_CACHE_SIZE)
def _term(word: str, script: re.Pattern) -> str:
    """``unit_terms``' term for one word, or "" when the word is left out."""
    if word in STOP_WORDS or not script.search(word):
        return ""
    term = normal_forms(word)[0]
    return term if len(term) >= MIN_LETTERS and term not in STOP_WORDS else ""


def learn_pairs(pairs: Iterable[tuple[str, str]]) -> dict[str, list[list]]:
    """Each learned term → [[equivalent term, probability], ...], most likely
    first, from the (English text, Russian text) of each translation pair."""
    pairs = list(pairs)
    if len(pairs) < MIN_PAIRS:
        return {}
    links = _Links()
    for number, (english, russian) in enumerate(pairs):
        for unit_en, unit_ru in aligned_units(english, russian):
            links.add(number, unit_terms(unit_en, LATIN), unit_terms(unit_ru, CYRILLIC))
    if not links.pieces:
        return {}
    return _equivalents(links.finish())


class _Links:
    """Every (English word, Russian word) meeting inside an aligned group, as
    numpy arrays of occurrence numbers and word-pair numbers."""

    def __init__(self):
        self.words: tuple[dict[str, int], dict[str, int]] = ({}, {})
        self.occurrences = [[], []]  # word number of each occurrence, per side
        self.pieces = []  # (first English occurrence, count, first Russian, count, pair)
        self.last_pair: tuple[dict[int, int], dict[int, int]] = ({}, {})  # per word
        self.pairs_with = [[], []]  # translation pairs each word is in, per side

    def add(self, number: int, terms_en: list[str], terms_ru: list[str]) -> None:
        if not terms_en or not terms_ru:
            return
        piece = []
        for side, terms in enumerate((terms_en, terms_ru)):
            words, seen = self.words[side], self.occurrences[side]
            piece += [len(seen), len(terms)]
            seen.extend(words.setdefault(t, len(words)) for t in terms)
            last, pairs_with = self.last_pair[side], self.pairs_with[side]
            pairs_with.extend([0] * (len(words) - len(pairs_with)))
            for word in seen[-len(terms):]:
                if last.get(word) != number:
                    last[word] = number
                    pairs_with[word] += 1
        self.pieces.append((*piece, number))

    def finish(self) -> dict:
        first_en, count_en, first_ru, count_ru, number = np.array(self.pieces, np.int32).T
        sizes = count_en * count_ru
        piece = np.repeat(np.arange(len(sizes), dtype=np.int32), sizes)
        offset = np.arange(int(sizes.sum()), dtype=np.int32) - (np.cumsum(sizes) - sizes)[piece]
        occ_en = first_en[piece] + offset // count_ru[piece]
        occ_ru = first_ru[piece] + offset % count_ru[piece]
        pair = number[piece]
        del piece, offset
        occurrences = [np.array(o, dtype=np.int32) for o in self.occurrences]
        size_ru, pairs = len(self.words[1]), int(number.max()) + 1
        keys = occurrences[0][occ_en].astype(np.int64) * size_ru + occurrences[1][occ_ru]
        # Sorted by word pair, then by translation pair: a change of either
        # starts a new translation pair of the same word pair.
        order = np.argsort(keys * pairs + pair)
        sorted_keys, sorted_pairs = keys[order], pair[order]
        del keys, pair
        starts = np.ones(len(order), dtype=bool)
        starts[1:] = sorted_keys[1:] != sorted_keys[:-1]
        key_number = (np.cumsum(starts) - 1).astype(np.int32)
        link_key = np.empty(len(order), dtype=np.int32)
        link_key[order] = key_number
        new_pair = starts.copy()
        new_pair[1:] |= sorted_pairs[1:] != sorted_pairs[:-1]
        unique_keys = sorted_keys[starts]
        return {"words": [list(w) for w in self.words], "occurrences": occurrences,
                "occ": (occ_en, occ_ru), "link": link_key,
                "key_words": (unique_keys // size_ru, unique_keys % size_ru),
                "together": np.bincount(key_number[new_pair], minlength=len(unique_keys)),
                "pairs_with": [np.array(p) for p in self.pairs_with]}


def _model_one(links: dict, source: int) -> tuple[np.ndarray, np.ndarray]:
    """t(target word | source word) for each (English, Russian) key, and how
    many times the two were aligned (expected count, last round), by IBM
    Model 1 with an empty source word, words of side ``source`` generating
    those of the other side."""
    target = 1 - source
    occ_target, link = links["occ"][target], links["link"]
    target_words = links["occurrences"][target]
    key_source = links["key_words"][source]
    t = np.ones(len(key_source))
    t_empty = np.ones(len(links["words"][target]))
    for _ in range(ITERATIONS):
        on_link, on_empty = t[link], t_empty[target_words]
        total = np.bincount(occ_target, on_link, len(target_words)) + on_empty
        counts = np.bincount(link, on_link / total[occ_target], len(t))
        empty = np.bincount(target_words, on_empty / total, len(t_empty))
        per_source = np.bincount(key_source, counts)
        t = counts / per_source[key_source]
        t_empty = empty / (empty.sum() or 1)
    return t, counts


def _equivalents(links: dict) -> dict[str, list[list]]:
    """The pairs both directions agree on, per term, most likely first."""
    ru_given_en, aligned_en = _model_one(links, 0)
    en_given_ru, aligned_ru = _model_one(links, 1)
    together, (key_en, key_ru) = links["together"], links["key_words"]
    seen = links["pairs_with"][0][key_en] + links["pairs_with"][1][key_ru]
    keep = ((ru_given_en >= MIN_PROBABILITY) & (en_given_ru >= MIN_PROBABILITY)
            & (together >= MIN_TOGETHER) & (2 * together >= MIN_CONSISTENCY * seen)
            & (np.minimum(aligned_en, aligned_ru) >= MIN_ALIGNED))
    words_en, words_ru = links["words"]
    learned: dict[str, list[list]] = {}
    for k in np.flatnonzero(keep):
        en, ru = words_en[key_en[k]], words_ru[key_ru[k]]
        learned.setdefault(en, []).append([ru, round(float(ru_given_en[k]), 3)])
        learned.setdefault(ru, []).append([en, round(float(en_given_ru[k]), 3)])
    return {term: sorted(found, key=lambda e: (-e[1], e[0]))[:MAX_EQUIVALENTS]
            for term, found in sorted(learned.items())}
