"""Words of an index close to a typed one: what "did you mean" offers.

Both engines keep their vocabulary (every indexed term: normal forms and stems,
words as written, author names) grouped by first letter; a word's candidates
share its first letter and are within ``allowed_edits`` of it. They are ranked
by edits, then by how many documents hold them.

The distance rule (one place for it: ``search.suggest`` applies it again to
the word as typed). Edits are counted as rapidfuzz's optimal string alignment
distance: an insertion, a deletion, a substitution or two neighbouring letters
swapped is one edit ("harvets" → "harvest" is one). How many a word may need
grows with its length, as in Elasticsearch's ``fuzziness: AUTO``:

- up to 2 letters: none (every short word is close to many others);
- 3 to 5 letters: one ("putin" is two edits from "put": not offered);
- 6 letters and more: two ("parlamint" → "parliament").

A repair that needs two edits must also find ``TWO_EDIT_ARTICLES`` articles
(``articles_needed``): the typed word is in none, and a word two edits away
that one or two articles hold is likelier a chance neighbour of a word the
archive lacks (a name, a rare word) than the word meant.
"""

from __future__ import annotations

import bisect

from collections.abc import Callable, Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA

ONE_EDIT_LENGTH = 3  # words this long may be repaired by one edit
TWO_EDIT_LENGTH = 6  # and this long by two
TWO_EDIT_ARTICLES = 3  # articles a repair of two edits must find


def allowed_edits(word: str) -> int:
    """How many edits may separate ``word`` from a word offered for it: 0, 1 or 2
    by its length (see the module's docstring)."""
    if len(word) >= TWO_EDIT_LENGTH:
        return 2
    return 1 if len(word) >= ONE_EDIT_LENGTH else 0


def edits(word: str, other: str) -> int:
    """Edits between two words: insertions, deletions, substitutions and swaps
    of neighbouring letters, one each."""
    return OSA.distance(word, other)


def articles_needed(most_edits: int) -> int:
    """How many articles a repaired query must find when its furthest word is
    ``most_edits`` edits from the word typed."""
    return TWO_EDIT_ARTICLES if most_edits >= 2 else 1


def prefixed(terms: list[str], prefix: str) -> list[str]:
    """The terms of a sorted list that start with ``prefix``."""
    start = bisect.bisect_left(terms, prefix)
    end = start
    while end < len(terms) and terms[end].startswith(prefix):
        end += 1
    return terms[start:end]


def by_first_letter(terms: Iterable[str]) -> dict[str, list[str]]:
    """The vocabulary grouped by first letter, each group sorted."""
    grouped: dict[str, set[str]] = {}
    for term in terms:
        if term:
            grouped.setdefault(term[0], set()).add(term)
    return {letter: sorted(group) for letter, group in grouped.items()}


def similar_terms(word: str, vocabulary: dict[str, list[str]], limit: int,
                  document_frequencies: Callable[[list[str]], dict[str, int]]) -> list[str]:
    """Up to ``limit`` terms of ``vocabulary`` (``by_first_letter``) within
    ``allowed_edits`` of ``word``: the fewest edits first, then the more frequent."""
    if not word or limit < 1:
        return []
    most = allowed_edits(word)
    # The difference in length is a lower bound of the edits: a cheap first sieve.
    candidates = [t for t in vocabulary.get(word[0], ()) if abs(len(t) - len(word)) <= most]
    found = process.extract(word, candidates, scorer=OSA.distance, score_cutoff=most,
                            limit=None)
    frequency = document_frequencies([term for term, _, _ in found])
    ranked = sorted((distance, -frequency[term], term) for term, distance, _ in found)
    return [term for _, _, term in ranked[:limit]]
