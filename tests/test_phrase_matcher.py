"""The phrase matcher over position keys finds exactly what Whoosh's own does.

A fixture corpus is built here with words in every band: very common ones
(several a document: "the", «в»), common ones (in most documents), rare ones,
and Russian forms with several readings («стали», «том», «этом»). Random
phrases of two or three of its words, some cut from an article so they do
occur, are matched by the evaluator (``Evaluator.matches``: position keys,
vectorized) and by Whoosh's ``Phrase``/``Sequence`` matcher over a plain
Whoosh index of the same articles (``reference.py``), through
``searcher.docs_for_query``: the same documents, always; with a slop too.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import query

from indexer.engine.embedded.build import build_index
from indexer.engine.embedded.docsets import ids_of
from indexer.search.service import SearchService

from conftest import write_jsonl
from reference import reference_index

EN_COMMON = ["the", "of", "and", "for", "in", "to", "a", "is", "party", "regions"]
EN_RARE = ["harvest", "pipeline", "mayor", "border", "winemakers", "railway", "election"]
RU_COMMON = ["в", "и", "на", "том", "числе", "этом", "году", "что", "не", "стали", "так",
             "называемый", "при", "их"]
RU_RARE = ["выборы", "мэра", "граница", "экспорт", "стали", "сталь", "пастбище", "голосования"]
DOCS = 240
QUOTED = ["в том числе", "в этом году", "так называемый", "party of regions", "and for"]


def _text(rng: random.Random, common: list[str], rare: list[str], words: int) -> str:
    # Zipf-like: the first common words come up several times a document.
    weights = [1 / (rank + 1) for rank in range(len(common))]
    picked = [rng.choice(rare) if rng.random() < 0.12 else rng.choices(common, weights)[0]
              for _ in range(words)]
    # Quoted phrases researchers look for, now and then among the random words.
    picked[rng.randrange(words)] = rng.choice(QUOTED)
    return " ".join(picked)


@pytest.fixture(scope="module")
def corpus_texts() -> list[tuple[str, str]]:
    rng = random.Random(21)
    texts = []
    for n in range(DOCS):
        lang = "ru" if n % 2 else "en"
        common, rare = (RU_COMMON, RU_RARE) if lang == "ru" else (EN_COMMON, EN_RARE)
        text = _text(rng, common, rare, rng.randrange(20, 80))
        if n % 40 == 0:  # a word in under 1/32 of the documents
            text += " the harvest of Kakheti"
        texts.append((lang, text))
    return texts


@pytest.fixture(scope="module")
def generation(tmp_path_factory, corpus_texts):
    folder = tmp_path_factory.mktemp("phrases")
    corpus = folder / "corpus"
    corpus.mkdir()
    write_jsonl(corpus / "articles.jsonl", [
        {"id": f"a{n}", "lang": lang, "title": f"Article {n}", "date": "2015-03-01",
         "authors": ["Levan Beridze"], "regions": ["georgia"], "body": body}
        for n, (lang, body) in enumerate(corpus_texts)])
    build_index([corpus], folder / "index", workers=1)
    service = SearchService(folder / "index")
    generation = service._current().generation
    ix = reference_index(generation.key, folder / "oracle")
    with ix.searcher() as searcher:
        generation.oracle = searcher
        yield generation
    service.close()


def _positional_parts(q) -> list:
    found, stack = [], [q]
    while stack:
        part = stack.pop()
        if isinstance(part, (query.Phrase, query.Sequence)):
            found.append(part)
        stack.extend(getattr(part, "subqueries", ()))
    return found


def _same_as_whoosh(generation, text: str, slop: int = 1) -> list:
    """The phrase parts of ``text``'s query, each checked against Whoosh's matcher."""
    q = generation.parse(f'"{text}"' + (f"~{slop}" if slop > 1 else "")).query
    parts = _positional_parts(q) if q is not None else []
    for part in parts:
        expected = sorted(generation.oracle.docs_for_query(part))
        assert ids_of(generation.evaluator.matches(part)) == expected, (text, part)
    return parts


def _keyed(generation, part) -> bool:
    """Whether the evaluator answers ``part`` from position keys."""
    return generation.evaluator._phrase_slots(part) is not None


def _body_parts(parts) -> list:
    return [part for part in parts if {f for f, _ in part.iter_all_terms()} == {"body"}]


VOCABULARY = EN_COMMON + EN_RARE + RU_COMMON + RU_RARE + ["Kakheti"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_phrases_match_what_whooshs_matcher_finds(generation, corpus_texts, data):
    if data.draw(st.booleans(), label="cut from an article"):
        _, body = data.draw(st.sampled_from(corpus_texts), label="article")
        words = body.split()
        length = data.draw(st.integers(2, 3), label="length")
        start = data.draw(st.integers(0, len(words) - length), label="start")
        phrase = words[start:start + length]
    else:
        phrase = data.draw(st.lists(st.sampled_from(VOCABULARY), min_size=2, max_size=3))
    slop = data.draw(st.sampled_from([1, 1, 2, 3]), label="slop")
    _same_as_whoosh(generation, " ".join(phrase), slop)


@pytest.mark.parametrize("text", ["and for", "of the", "the of and", "в том числе", "в этом году",
                                  "так называемый", "party of regions", "стали в", "и в и"])
def test_common_word_phrases_are_answered_from_position_keys(generation, text):
    """The oracle is not vacuous: these phrases occur, and go the vectorized way."""
    parts = _same_as_whoosh(generation, text)
    body = _body_parts(parts)
    assert body and all(_keyed(generation, part) for part in body), text
    assert all(generation.evaluator.docsets.term("body", t).has_positions
               for part in body for _, t in part.iter_all_terms())
    assert any(generation.evaluator.matches(part) for part in body), text


@pytest.mark.parametrize("text", ["of the", "the of and", "в этом году", "и в и"])
def test_a_phrase_of_the_most_frequent_words_is_matched_from_their_pairs(generation, text):
    """Words in every document, several times: the keys of the pair stand for
    the two words (far fewer keys to merge), and the documents stay Whoosh's."""
    parts = _body_parts(_same_as_whoosh(generation, text))
    evaluator = generation.evaluator
    for part in parts:
        forms = evaluator._phrase_forms(part)
        slots = evaluator._phrase_slots(part, forms)
        paired = evaluator.docsets.with_pairs(forms, slots)
        pairs = [keyed for place, keyed in paired if place + 1 < len(forms)
                 and (place, keyed) not in slots]
        assert pairs, text
        words = sum(len(keys) for _, keyed in slots for keys in keyed)
        assert sum(len(keys) for keyed in pairs for keys in keyed) < words / 2


def test_a_rare_word_in_a_phrase_keeps_its_own_keys(generation):
    """A word in under 1/32 of the documents keeps its positions in the docsets too."""
    parts = _body_parts(_same_as_whoosh(generation, "of Kakheti"))
    assert parts and all(_keyed(generation, part) for part in parts)
    assert generation.evaluator.docsets.term("body", "kakheti").has_positions
    assert any(generation.evaluator.matches(part) for part in parts)


@settings(max_examples=500, deadline=None)
@given(docs=st.lists(st.lists(st.integers(0, 2), min_size=0, max_size=8), min_size=1, max_size=8),
       phrase=st.lists(st.integers(0, 2), min_size=2, max_size=4),
       slop=st.sampled_from([1, 1, 2, 3]), room=st.integers(0, 4), wide=st.booleans())
def test_phrase_keys_find_exactly_the_documents_holding_the_phrase(docs, phrase, slop, room, wide):
    """Position keys packed as tightly as a generation may pack them (``room``
    free positions past the longest document) find a phrase of words exactly
    where a plain scan of each document does: never across two documents."""
    from array import array

    from indexer.engine.embedded.postings import phrase_docs

    last = max((len(words) - 1 for words in docs if words), default=0)
    bits = max(1, (last + room).bit_length())
    keys = {w: array("Q" if wide else "I") for w in range(3)}
    for d, words in enumerate(docs):
        for p, w in enumerate(words):
            keys[w].append(d << bits | p)

    def holds(words):
        ends = [p for p, w in enumerate(words) if w == phrase[0]]
        for w in phrase[1:]:
            ends = [p for p, x in enumerate(words) if x == w and any(0 < p - e <= slop for e in ends)]
        return bool(ends)

    expected = sum(1 << d for d, words in enumerate(docs) if holds(words))
    slots = [(place, [keys[w]]) for place, w in enumerate(phrase)]
    assert phrase_docs(slots, len(docs), bits, slop, (1 << bits) - 1 - last) == expected
