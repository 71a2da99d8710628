"""Cross-language search through a bilingual dictionary, with structured translation.

A dictionary of our own in Mueller's dictd layout and a small corpus: an
English word finds the Russian articles that use its translations, a
Russian word the English ones; the typed word still ranks first; all
translations of one word count as one term; a build without a dictionary
says so once and searches as before.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer import build_index
from indexer.cli.main import cli
from indexer.engine.dictionaries import NO_DICTIONARY
from indexer.engine.embedded.synonyms import group_postings
from indexer.engine.embedded.generation import WhooshDocsetsGeneration
from indexer.engine.store import current_generation
from indexer.search.service import SearchRequest, SearchService
from indexer.text.dictionary import write_dictionary

ENTRIES = [
    ("harvest", """harvest
   [↗hɑ:vɪst]
   1. _n.
      1) урожай, жатва; a rich harvest богатый урожай
      2) _перен. плоды
   2. _v. собирать урожай
"""),
    ("wheat", "wheat\n   [wi:t] _n. пшеница\n"),
    ("valley", "valley\n   [↗vælɪ] _n. долина; the valley of a river долина реки\n"),
    ("drought", "drought\n   [draʊt] _n. засуха\n"),
]

ARTICLES = [
    {"id": "en-harvest", "lang": "en", "title": "Harvest time in the valley",
     "body": "Farmers in the valley say the harvest of wheat came early this year."},
    {"id": "ru-urozhai", "lang": "ru", "title": "Урожай в долине",
     "body": "Фермеры долины говорят, что урожай пшеницы в этом году собрали рано."},
    {"id": "ru-twice", "lang": "ru", "title": "Отчёт хозяйства",
     "body": "Урожай был хорошим. Урожай продали на рынке соседнего города."},
    {"id": "ru-both", "lang": "ru", "title": "Отчёт хозяйства",
     "body": "Урожай был хорошим. Жатва продали на рынке соседнего города."},
    {"id": "ru-drought", "lang": "ru", "title": "Засуха",
     "body": "Засуха в горах длилась всё лето, и реки обмелели к осени 2024 года."},
    {"id": "ru-other", "lang": "ru", "title": "Новый мост",
     "body": "В городе открыли новый мост через реку после долгого ремонта."},
]


def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "articles.jsonl", "w", encoding="utf-8") as out:
        for record in ARTICLES:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("translated")
    dictionary = root / "farm.index"
    write_dictionary(dictionary, ENTRIES)
    summary = build_index([write_corpus(root / "corpus")], root / "ix", workers=1,
                          dictionary=[dictionary])
    return root, summary


@pytest.fixture(scope="module")
def service(built):
    service = SearchService(built[0] / "ix")
    yield service
    service.close()


def search(service, text, **options):
    return service.search(SearchRequest(text, per_page=50, **options))


def ids(result):
    return [hit["id"] for hit in result["hits"]]


def test_an_english_word_finds_russian_articles_by_its_translations(service):
    result = search(service, "harvest")
    found = ids(result)
    assert {"ru-urozhai", "ru-twice", "ru-both"} <= set(found)
    assert "ru-other" not in found and "ru-drought" not in found
    added = [e for e in result["expansions"] if e["why"] == "dictionary"]
    assert added and added[0]["word"] == "harvest"
    assert added[0]["added"][:2] == ["урожай", "жатва"]
    assert result["counted"]["translations"] == 3
    # Without cross-language search only the English article.
    assert ids(search(service, "harvest", cross=False)) == ["en-harvest"]


def test_the_typed_word_ranks_above_articles_found_by_translation(service):
    assert ids(search(service, "harvest"))[0] == "en-harvest"
    assert ids(search(service, "урожай"))[-1] == "en-harvest"


def test_a_russian_word_finds_english_articles_shown_by_their_headword(service):
    result = search(service, "засуха OR пшеница")
    assert "en-harvest" in ids(result)
    shown = {e["word"]: e["added"] for e in result["expansions"] if e["why"] == "dictionary"}
    assert shown["пшеница"] == ["wheat"]


def test_the_dictionary_adds_what_the_glossary_lacks(service):
    assert ids(search(service, "valley")) == ["en-harvest", "ru-urozhai"]


def test_a_word_without_translation_is_still_searched_as_typed(service):
    found = ids(search(service, "drought OR 2024"))
    assert found[0] == "ru-drought"  # the number as typed and the translation both
    assert "ru-drought" in ids(search(service, "2024", langs=("ru",)))


def test_translations_of_one_word_count_as_one_term(built):
    """«урожай урожай» and «урожай жатва» (both first-sense translations) score alike:
    one term twice. Apart, «жатва» (in one article) would outweigh a second «урожай»."""
    root, _ = built
    generation = WhooshDocsetsGeneration(current_generation(root / "ix"))
    try:
        docsets = generation.docsets
        group = group_postings(docsets, "body", ["урожай", "жатва"], [1.0, 1.0])
        docnum = {generation.searcher.stored_fields(d)["id"]: d
                  for d in range(docsets.total)}
        assert group.impact(docnum["ru-twice"]) == group.impact(docnum["ru-both"]) > 0
        assert group.impact(docnum["ru-urozhai"]) < group.impact(docnum["ru-twice"])
    finally:
        generation.close()


@pytest.fixture(scope="module")
def generation(built):
    generation = WhooshDocsetsGeneration(current_generation(built[0] / "ix"))
    yield generation
    generation.close()


BODY_WORDS = ["урожай", "жатва", "пшеница", "долина", "засуха", "город", "мост", "река",
              "harvest", "valley", "wheat", "нет-такого"]


@settings(max_examples=60, deadline=None)
@given(words=st.lists(st.sampled_from(BODY_WORDS), min_size=1, max_size=5, unique=True),
       weights=st.lists(st.floats(0.05, 1.0), min_size=5, max_size=5))
def test_a_group_matches_its_members_union_and_one_word_scores_as_itself(generation, words,
                                                                         weights):
    docsets = generation.docsets
    members = [w for w in words if docsets.term("body", w) is not None]
    group = group_postings(docsets, "body", words, weights[:len(words)])
    if not members:
        assert group is None
        return
    union = set()
    for word in members:
        union |= set(docsets.term("body", word).ids)
    assert list(group.ids) == sorted(union)
    assert list(group.by_impact) == sorted(union, key=lambda d: (-group.impact(d), d))
    alone = group_postings(docsets, "body", members[:1], [1.0])
    term = docsets.term("body", members[0])
    for docnum in term.ids:
        # Quantized to a byte each: equal within one step of either scale.
        assert abs(alone.impact(docnum) - term.impact(docnum)) <= max(alone.scale, term.scale)


def test_a_build_without_a_dictionary_says_so_once_and_searches_as_before(tmp_path):
    summary = build_index([write_corpus(tmp_path / "corpus")], tmp_path / "ix", workers=1,
                          dictionary=False)
    assert summary.notes.count(NO_DICTIONARY) == 1
    service = SearchService(tmp_path / "ix")
    try:
        result = search(service, "valley")  # a word the shipped glossary lacks
    finally:
        service.close()
    assert ids(result) == ["en-harvest"]
    assert not [e for e in result["expansions"] if e["why"] == "dictionary"]


def test_a_dictionary_that_cannot_be_read_is_noted_and_the_rest_indexed(tmp_path):
    broken = tmp_path / "broken.index"
    broken.write_text("this is not a dictionary\n", encoding="utf-8")
    (tmp_path / "broken.dict").write_text("", encoding="utf-8")
    summary = build_index([write_corpus(tmp_path / "corpus")], tmp_path / "ix", workers=1,
                          dictionary=[broken])
    assert summary.total == len(ARTICLES)
    assert any("broken.index" in note and "cannot be read" in note for note in summary.notes)


def test_the_cli_takes_a_dictionary_or_none(tmp_path):
    dictionary = tmp_path / "farm.index"
    write_dictionary(dictionary, ENTRIES)
    corpus = write_corpus(tmp_path / "corpus")
    runner = CliRunner()
    done = runner.invoke(cli, ["index", str(corpus), "--index", str(tmp_path / "a"),
                               "--dictionary", str(dictionary), "--jobs", "1"])
    assert done.exit_code == 0, done.output
    assert NO_DICTIONARY not in done.output
    found = runner.invoke(cli, ["search", "harvest", "--index", str(tmp_path / "a"), "--json"])
    assert "ru-urozhai" in found.output
    done = runner.invoke(cli, ["index", str(corpus), "--index", str(tmp_path / "b"),
                               "--no-dictionary", "--jobs", "1"])
    assert done.exit_code == 0 and done.output.count(NO_DICTIONARY) == 1
    assert "skipped a line" not in done.output  # a note of its own, not a bad line
    missing = runner.invoke(cli, ["index", str(corpus), "--index", str(tmp_path / "c"),
                                  "--dictionary", str(tmp_path / "none.index")])
    assert missing.exit_code != 0 and "none.index" in missing.output


def test_a_query_of_thirty_words_is_answered(service):
    words = ["harvest", "valley", "wheat", "drought", "farmers", "early", "year", "market",
             "bridge", "river", "town", "repair", "summer", "mountains", "autumn"] * 2
    result = search(service, " OR ".join(words))
    assert result["total"] >= 5 and "error" not in result
