"""The concordance of phrases, patterns, exact forms and names: one line per
occurrence, the whole matched text as its match; counted against the stored
text of the matching articles, not against numbers written here."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.engine.phrases import Phrase, query_marks
from indexer.search.service import SearchRequest
from indexer.search.snippets import find_spans, is_form
from indexer.text.analysis import WORD_PATTERN
from webapp import create_app

WORD = re.compile(WORD_PATTERN)


@pytest.fixture(scope="module")
def client(sample_index):
    return create_app({"INDEX_DIR": str(sample_index), "TESTING": True}).test_client()


def stored_texts(service, query: str, cross: bool = False) -> list[str]:
    """The title and the body of every article the query matches, as stored."""
    texts, page = [], 1
    while True:
        found = service.search(SearchRequest(query, cross=cross, page=page, per_page=100))
        for hit in found["hits"]:
            article = service.article(hit["id"])
            texts += [article["title"], article["body"]]
        if page * 100 >= found["total"]:
            return texts
        page += 1


def occurrences(texts: list[str], pattern: str) -> list[str]:
    """Every occurrence of a regular expression in the texts, case aside."""
    return [m.group() for text in texts for m in re.finditer(pattern, text, re.IGNORECASE)]


def kwic(service, query: str, cross: bool = False) -> list[dict]:
    result = service.concordance(SearchRequest(query, cross=cross))
    assert result["complete"]
    return result["lines"]


def test_a_phrase_is_one_line_per_occurrence_with_the_whole_phrase_as_match(sample_service):
    query = '"на выборах мэра"'
    lines = kwic(sample_service, query)
    # The phrase's words in any of their forms, punctuation between them aside.
    expected = occurrences(stored_texts(sample_service, query), r"\bна\W+выбор\w*\W+мэр\w*")
    assert expected and sorted(line["match"] for line in lines) == sorted(expected)
    assert not any(line["match"].lower() in ("на", "выборах", "мэра") for line in lines)


def test_a_phrase_and_a_word_never_split_the_phrase(sample_service):
    lines = kwic(sample_service, '"на выборах мэра" мэр')
    texts = stored_texts(sample_service, '"на выборах мэра" мэр')
    phrases = occurrences(texts, r"\bна\W+выбор\w*\W+мэр\w*")
    mayors = occurrences(texts, r"\bмэр\w*")
    whole = [line for line in lines if " " in line["match"]]
    alone = [line for line in lines if " " not in line["match"]]
    assert len(whole) == len(phrases) > 0
    # Each «мэр» is a line of its own, or the last word of a phrase's line.
    assert len(alone) + len(whole) == len(mayors)
    assert all(line["match"].lower().startswith("мэр") for line in alone)


def test_a_phrase_in_a_small_corpus_counts_every_form(small_service):
    lines = small_service.concordance(SearchRequest('"выборах мэра"', cross=False))["lines"]
    texts = stored_texts(small_service, '"выборах мэра"')
    expected = occurrences(texts, r"\bвыбор\w*\W+мэр\w*")
    assert sorted(line["match"] for line in lines) == sorted(expected)
    assert {"выборах мэра", "Выборы мэра"} <= {line["match"] for line in lines}


@pytest.mark.parametrize("query, pattern", [
    ("выбор*", r"\bвыбор\w*"),
    ("=выборах", r"\bвыборах\b"),
    ("elect*", r"\belect\w*"),
])
def test_a_pattern_and_an_exact_form_are_one_line_per_word(sample_service, query, pattern):
    lines = kwic(sample_service, query)
    expected = occurrences(stored_texts(sample_service, query), pattern)
    assert expected and sorted(line["match"] for line in lines) == sorted(expected)


def test_a_name_across_scripts_is_one_line_per_occurrence(sample_service):
    lines = kwic(sample_service, '"Нагорный Карабах"', cross=True)
    texts = stored_texts(sample_service, '"Нагорный Карабах"', cross=True)
    expected = occurrences(texts, r"\bнагорн\w*\W+карабах\w*") + occurrences(
        texts, r"\bnagorno\W+karabakh\w*")
    assert expected and sorted(line["match"] for line in lines) == sorted(expected)
    # The other spelling of one word: its lines too, as written.
    other = kwic(sample_service, "Карабах", cross=True)
    assert {"Karabakh", "Карабаха"} <= {line["match"] for line in other}


def test_each_line_links_to_its_article_with_the_query(client):
    page = BeautifulSoup(client.get('/kwic?q="на выборах мэра"&ui=ru').data, "html.parser")
    links = page.select("table.kwic a.article-link")
    marks = page.select("table.kwic td.match mark")
    assert links and [m.get_text() for m in marks] == ["на выборах мэра"] * len(links)
    for link in links:
        assert link["href"].startswith("/article/") and "q=%22" in link["href"]
        assert "ui=ru" in link["href"] and "order=" not in link["href"]
        article = BeautifulSoup(client.get(link["href"]).data, "html.parser")
        marked = " ".join(m.get_text().lower() for m in article.select("mark"))
        assert all(word in marked for word in ("на", "выборах", "мэра"))


def test_the_command_line_shows_a_phrase_once(sample_index):
    from click.testing import CliRunner

    from indexer.cli.main import cli

    shown = CliRunner().invoke(cli, ["kwic", '"на выборах мэра"', "--no-cross", "--csv",
                                     "--index", str(sample_index)])
    assert shown.exit_code == 0, shown.output
    rows = [line for line in shown.output.strip().splitlines() if not line.startswith("#")][1:]
    assert rows and all("на выборах мэра" in row for row in rows)


# Properties: over texts made of a few words and punctuation, every span is a
# form of the query (a word of it, or a phrase's words in order) and no two overlap.
VOCABULARY = ["на", "выборах", "выборы", "мэра", "мэр", "Оша", "и", "election", "elections",
              "mayor", "of", "the", "выбор"]
SEPARATORS = [" ", ", ", ". ", " – ", "\n"]


@st.composite
def texts_and_queries(draw):
    words = draw(st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=30))
    separators = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(words),
                               max_size=len(words)))
    text = "".join(w + s for w, s in zip(words, separators))
    phrase = draw(st.lists(st.sampled_from(VOCABULARY), min_size=2, max_size=3))
    loose = draw(st.lists(st.sampled_from(VOCABULARY), max_size=2))
    return text, phrase, loose


@settings(max_examples=150, deadline=None)
@given(texts_and_queries())
def test_every_span_is_a_form_of_the_query_and_none_overlap(sample_service, case):
    text, phrase_words, loose = case
    generation = sample_service._current().generation
    query = " ".join([f'"{" ".join(phrase_words)}"', *loose])
    plan = generation.parse(query, cross=False)
    marks = query_marks(plan.query, generation.match_terms(plan, patterns=True))
    spans = find_spans(text, marks.words, phrases=marks.phrases)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))  # in order, apart
    for start, end in spans:
        words = WORD.findall(text[start:end])
        if len(words) == 1 and is_form(words[0], marks.words):
            continue
        # A phrase: its words adjacent, each a form of its position's terms.
        assert any(len(words) == len(p.positions) and all(
            is_form(w, alternatives) for w, alternatives in zip(words, p.positions))
            for p in marks.phrases), (text, query, text[start:end])
    # Every word of a loose query term is found (alone or inside a phrase's span).
    for match in WORD.finditer(text):
        if is_form(match.group(), marks.words):
            assert any(s <= match.start() and match.end() <= e for s, e in spans)


def test_a_phrase_with_slop_allows_words_between_and_a_lone_word_is_no_phrase():
    phrase = Phrase((frozenset(["выборы", "выбор"]), frozenset(["мэр"])), slop=2)
    assert find_spans("о выборах нового мэра", frozenset(), phrases=(phrase,)) == [(2, 21)]
    tight = Phrase(phrase.positions)
    assert find_spans("о выборах нового мэра", frozenset(), phrases=(tight,)) == []
    assert find_spans("выборах. Мэра", frozenset(), phrases=(tight,)) == [(0, 13)]
