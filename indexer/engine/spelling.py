"""Words of an index close to a typed one: what "did you mean" offers.

Both engines keep their vocabulary (every indexed term: normal forms and stems,
words as written, author names) grouped by first letter; a word's candidates share its first letter,
are about its length, and are close by rapidfuzz's ratio. They are ranked by
closeness, then by how many documents hold them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rapidfuzz import fuzz, process

SIMILAR_RATIO = 0.75  # how close (rapidfuzz's ratio, 0–1) a term must be to count as similar


def by_first_letter(terms: Iterable[str]) -> dict[str, list[str]]:
    """The vocabulary grouped by first letter, each group sorted."""
    grouped: dict[str, set[str]] = {}
    for term in terms:
        if term:
            grouped.setdefault(term[0], set()).add(term)
    return {letter: sorted(group) for letter, group in grouped.items()}


def similar_terms(word: str, vocabulary: dict[str, list[str]], limit: int,
                  document_frequencies: Callable[[list[str]], dict[str, int]]) -> list[str]:
    """Up to ``limit`` terms of ``vocabulary`` (``by_first_letter``) close to
    ``word``, closest first, then the more frequent."""
    if not word or limit < 1:
        return []
    slack = max(2, len(word) // 4)
    candidates = [t for t in vocabulary.get(word[0], ()) if abs(len(t) - len(word)) <= slack]
    found = process.extract(word, candidates, scorer=fuzz.ratio,
                            score_cutoff=SIMILAR_RATIO * 100, limit=None)
    frequency = document_frequencies([term for term, _, _ in found])
    scored = sorted((-(101 if term == word else score), -frequency[term], term)
                    for term, score, _ in found)
    return [term for _, _, term in scored[:limit]]
