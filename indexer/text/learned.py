"""English↔Russian word pairs learned from the archive's own translations.

Many archives publish an article in both languages (the ``translation``
field links the two). A word and its translation then turn up in the same
translation pairs again and again: "pasture" in the English text whenever
«пастбище» is in the Russian one. Across the pairs, two words are taken for
each other's equivalent when

- they occur together in at least ``MIN_TOGETHER`` translation pairs,
- their Dice coefficient, 2·together / (pairs with one + pairs with the
  other), is at least ``MIN_DICE``,
- and each is the other's best match (mutual best, so a topic word does not
  pair with every word of its articles).

Nothing is learned from fewer than ``MIN_PAIRS`` translation pairs, and
words in more than ``MAX_SHARE`` of them (small words, the archive's own
name) are left out. This finds what the glossary lacks: names, places,
the archive's recurring subjects.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from .analysis import STOP_WORDS, analyze

MAX_LEARNING_PAIRS = 2000  # translation pairs a build learns from, at most
MIN_PAIRS = 40
MIN_TOGETHER = 5
MIN_DICE = 0.7
MAX_SHARE = 0.5
MIN_LETTERS = 3


def text_terms(text: str) -> set[str]:
    """Every index term of a text (all readings of each word)."""
    return set().union(*analyze(text)) if text else set()


def learn_pairs(pairs: Iterable[tuple[set[str], set[str]]]) -> dict[str, list[str]]:
    """Each learned term → its equivalents, from (English terms, Russian terms)
    of each translation pair."""
    pairs = list(pairs)
    if len(pairs) < MIN_PAIRS:
        return {}
    english = Counter(t for terms, _ in pairs for t in terms)
    russian = Counter(t for _, terms in pairs for t in terms)
    limit = MAX_SHARE * len(pairs)

    def usable(counts: Counter) -> set[str]:
        return {t for t, n in counts.items()
                if MIN_TOGETHER <= n <= limit and len(t) >= MIN_LETTERS and t not in STOP_WORDS}

    usable_en, usable_ru = usable(english), usable(russian)
    together: Counter = Counter()
    for en_terms, ru_terms in pairs:
        ru_kept = ru_terms & usable_ru
        for a in en_terms & usable_en:
            together.update((a, b) for b in ru_kept)
    dice = {(a, b): 2 * n / (english[a] + russian[b])
            for (a, b), n in together.items() if n >= MIN_TOGETHER}
    best_en: dict[str, tuple[float, str]] = {}
    best_ru: dict[str, tuple[float, str]] = {}
    for (a, b), score in sorted(dice.items()):
        if score > best_en.get(a, (0.0, ""))[0]:
            best_en[a] = (score, b)
        if score > best_ru.get(b, (0.0, ""))[0]:
            best_ru[b] = (score, a)
    learned: dict[str, list[str]] = {}
    for (a, b), score in dice.items():
        if score >= MIN_DICE and best_en[a][1] == b and best_ru[b][1] == a:
            learned[a], learned[b] = [b], [a]
    return dict(sorted(learned.items()))
