"""Word pairs learned from an archive's translation pairs (``text/learned.py``).

The parallel texts are made here from a small word list: each sentence names
a few things, in the same order in both languages, among words that appear
on one side only (the noise every real translation has).
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.text.learned import (MAX_EQUIVALENTS, MIN_PAIRS, MIN_PROBABILITY,
                                  align_by_length, learn_pairs)

# (English word, its index term, Russian word, its index term)
THINGS = [("river", "river", "река", "река"), ("bridge", "bridg", "мост", "мост"),
          ("village", "villag", "деревня", "деревня"),
          ("harvest", "harvest", "урожай", "урожай"),
          ("teacher", "teacher", "учитель", "учитель"),
          ("tractor", "tractor", "трактор", "трактор"),
          ("museum", "museum", "музей", "музей"), ("winter", "winter", "зима", "зима"),
          ("mayor", "mayor", "мэр", "мэр"), ("school", "school", "школа", "школа"),
          ("orchard", "orchard", "сад", "сад"), ("glacier", "glacier", "ледник", "ледник")]
NOISE_EN = [f"blorp{n}" for n in range(40)]
NOISE_RU = [f"шмяк{n}" for n in range(40)]


def parallel_pair(rng: random.Random) -> tuple[str, str]:
    """One article and its translation: three to five sentences, each naming
    two or three things, with a noise word or two on each side."""
    english, russian = [], []
    for _ in range(rng.randint(3, 5)):
        named = rng.sample(THINGS, rng.randint(2, 3))
        words_en = [t[0] for t in named] + rng.sample(NOISE_EN, rng.randint(1, 2))
        words_ru = [t[2] for t in named] + rng.sample(NOISE_RU, rng.randint(1, 2))
        english.append(" ".join(words_en).capitalize() + ".")
        russian.append(" ".join(words_ru).capitalize() + ".")
    return " ".join(english), " ".join(russian)


def corpus(count: int, seed: int = 7) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    return [parallel_pair(rng) for _ in range(count)]


@pytest.fixture(scope="module")
def learned():
    pairs = corpus(40)
    # A word pair seen in one translation only proves nothing.
    pairs.append(("The lighthouse keeper waved.", "Смотритель маяка помахал."))
    return learn_pairs(pairs)


@pytest.mark.parametrize("english, stem, russian, lemma", THINGS)
def test_words_translated_consistently_are_learned_both_ways(learned, english, stem,
                                                             russian, lemma):
    forward, backward = dict(learned[stem]), dict(learned[lemma])
    assert forward[lemma] > MIN_PROBABILITY and backward[stem] > MIN_PROBABILITY
    assert learned[stem][0][0] == lemma and learned[lemma][0][0] == stem


def test_a_pair_seen_once_and_chance_neighbours_are_not_learned(learned):
    assert not {"lighthous", "keeper", "маяк", "смотритель"} & set(learned)
    assert not any(term.startswith(("blorp", "шмяк")) for term in learned)


def test_too_few_translations_teach_nothing():
    assert learn_pairs(corpus(MIN_PAIRS - 1)) == {}
    assert learn_pairs([]) == {}


def test_a_small_archive_is_enough():
    found = learn_pairs(corpus(30, seed=3))
    assert sum(stem in found for _, stem, _, _ in THINGS) >= len(THINGS) - 2


def test_a_sentence_split_in_two_is_aligned_with_both_halves():
    english = ["The old bridge over the river was closed for repairs all winter long.",
               "Teachers came.", "The mayor opened the new museum in spring."]
    russian = ["Старый мост через реку закрыли на ремонт.", "Он был закрыт всю зиму.",
               "Учителя пришли.", "Мэр открыл новый музей весной."]
    groups = align_by_length(english, russian)
    assert groups == [(english[0], " ".join(russian[:2])), (english[1], russian[2]),
                      (english[2], russian[3])]


@pytest.mark.parametrize("english, russian", [
    ([], ["Один."]), (["One."], []), (["One two three."], [f"Слово {n}." for n in range(20)]),
    ([f"Word {n}." for n in range(20)], ["Одно длинное предложение обо всём сразу."])])
def test_lopsided_pieces_align_without_failing(english, russian):
    groups = align_by_length(english, russian)
    assert all(en in english or en in " ".join(english) for en, _ in groups)
    assert len(groups) <= 1


@settings(max_examples=15, deadline=None)
@given(count=st.integers(MIN_PAIRS, 45), seed=st.integers(0, 10_000))
def test_learned_equivalents_are_probable_sorted_and_go_both_ways(count, seed):
    found = learn_pairs(corpus(count, seed))
    for term, equivalents in found.items():
        assert 0 < len(equivalents) <= MAX_EQUIVALENTS
        probabilities = [p for _, p in equivalents]
        assert all(MIN_PROBABILITY <= p <= 1 for p in probabilities)
        assert probabilities == sorted(probabilities, reverse=True)
        assert all(other in found for other, _ in equivalents)
