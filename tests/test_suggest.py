""""Did you mean": layout and spelling repairs of queries that find nothing."""

from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.cli.main import cli
from indexer.engine.embedded.build import build_index
from indexer.engine.spelling import TWO_EDIT_ARTICLES, allowed_edits, edits
from indexer.search.service import SearchRequest, SearchService
from indexer.search.suggest import (WORD, is_plain, is_spelling_variant, looks_like_name,
                                    respell, suggest, switch_layout)
from indexer.text.analysis import fold_yo
from webapp import create_app

from conftest import write_jsonl


def search(service, query, **filters):
    return service.search(SearchRequest(query=query, **filters))


def test_the_layout_switches_both_ways_keeping_case():
    assert switch_layout("rshuspcnfy") == "кыргызстан"
    assert switch_layout("Rshuspcnfy") == "Кыргызстан"
    assert switch_layout("cj,frf") == "собака"  # letters on punctuation keys too
    assert switch_layout("Лнкпняыефт") == "Kyrgyzstan"
    assert switch_layout("ЛНКПНЯЫЕФТ") == "KYRGYZSTAN"
    assert switch_layout("2016") is None


def test_only_plain_queries_are_repaired():
    assert is_plain("выборв мэра") and is_plain("Kyrgystan's autumn")
    for query in ('"Kyrgystan autumn"', "title:Kyrgystan", "Kyrgystan OR Osh", "Kyrg*",
                  "-Kyrgystan", "(Kyrgystan)", "NOT Kyrgystan"):
        assert not is_plain(query), query
    assert suggest("Kyrgystan OR Osh", lambda q: 1, lambda w, n: ["kyrgyzstan"]) is None


def test_wrong_layout_is_repaired_both_ways(small_service):
    ru = search(small_service, "rshuspcnfy")  # «кыргызстан» typed on the English layout
    assert ru["total"] == 0
    # Found in both languages: the region's names are searched across scripts.
    assert ru["suggestion"] == {"query": "кыргызстан", "total": 3}
    assert search(small_service, "кыргызстан")["total"] == 3
    en = search(small_service, "Лнкпняыефт")  # "Kyrgyzstan" typed on the Russian layout
    assert en["suggestion"] == {"query": "Kyrgyzstan", "total": 3}


def test_a_layout_slip_with_a_typo_is_repaired_by_spelling_after_switching(small_service):
    # Лнкпнякефт is "Kyrgyzrtan" in the other layout: switched, then respelled.
    assert search(small_service, "Лнкпнякефт")["suggestion"] == {"query": "kyrgyzstan",
                                                                   "total": 3}


def test_misspellings_are_repaired_from_the_index_vocabulary(small_service):
    assert search(small_service, "Kyrgystan")["suggestion"] == {"query": "kyrgyzstan",
                                                                  "total": 3}
    assert search(small_service, "Кыргызтан")["suggestion"] == {"query": "кыргызстан",
                                                                  "total": 3}
    # Only the unknown word is replaced; the known one stays as typed.
    assert search(small_service, "выборв мэра")["suggestion"] == {"query": "выбор мэра",
                                                                    "total": 2}
    # An English word is offered as written, not as its stem ("harvest", "capitals").
    # Its total is the suggested query's own (with its translations: «столица» too).
    for typed, meant in (("harvets", "harvest"), ("capitels", "capitals")):
        total = search(small_service, meant)["total"]
        assert search(small_service, typed)["suggestion"] == {"query": meant, "total": total}
        assert total >= 1


def test_the_suggestion_respects_the_filters(small_service):
    assert search(small_service, "rshuspcnfy", langs=("ru",))["suggestion"]["total"] == 2
    # The English article is found through the name's other spelling.
    assert search(small_service, "rshuspcnfy", langs=("en",))["suggestion"]["total"] == 1
    assert search(small_service, "rshuspcnfy", langs=("en",), cross=False)["suggestion"] is None


def test_no_suggestion_when_nothing_close_exists(small_service):
    for query in ("zzzzqqq", "Atlantis", "Атлантида", "qwq"):
        result = search(small_service, query)
        assert result["total"] == 0 and result["suggestion"] is None, query


def test_a_query_with_hits_or_no_query_has_a_null_suggestion(small_service):
    for query in ("Kyrgyzstan", "кыргызстан", ""):
        result = search(small_service, query)
        assert result["total"] > 0
        assert "suggestion" in result and result["suggestion"] is None


def test_similar_words_ranks_by_closeness_then_document_frequency(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_jsonl(corpus / "a.jsonl", [
        {"id": f"d{i}", "lang": "en", "title": f"Note {i}", "body": body}
        for i, body in enumerate(["parliament quorum", "parliament quorum", "parlament quota",
                                  "quorum zebra"])])
    build_index([corpus], tmp_path / "index", workers=1)
    service = SearchService(tmp_path / "index")
    generation = service._current().generation
    assert generation.similar_words("parliament", 3)[0] == "parliament"  # itself first
    assert generation.similar_words("parliment", 2) == ["parliament", "parlament"]
    assert generation.similar_words("quorom", 5) == ["quorum"]
    assert generation.similar_words("xylophone", 5) == []
    assert generation.similar_words("quorum", 0) == []
    assert search(service, "parliment")["suggestion"] == {"query": "parliament", "total": 2}
    service.close()


def test_the_cli_prints_did_you_mean_after_the_zero_line(small_index):
    result = CliRunner().invoke(cli, ["search", "rshuspcnfy", "--index", str(small_index)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith('0 articles for "rshuspcnfy"')
    assert lines[1] == "Did you mean: кыргызстан (3 articles)"
    nothing = CliRunner().invoke(cli, ["search", "zzzzqqq", "--index", str(small_index)])
    assert "Did you mean" not in nothing.output


@pytest.mark.parametrize("query", ["Токаев", "Путин", "Putin", "путин", "Vladimir Putin",
                                   "Atlantis"])
def test_a_name_the_archive_lacks_gets_no_unrelated_word(sample_service, query):
    # They were offered «той», «пути», "put" and "almati": common words a
    # letter or two from a name the sample corpus does not hold.
    result = search(sample_service, query)
    assert result["total"] == 0 and result["suggestion"] is None, result["suggestion"]


@pytest.mark.parametrize("query, offered", [
    ("rshuspcnfy", "кыргызстан"),  # the layout
    ("Kyrgystan", "kyrgyzstan"),  # a name, and one letter from the archive's spelling
    ("Кыргызтан", "кыргызстан"),
    ("Kazakstan", "kazakhstan"),
    ("Масква", "москва"),
    ("Moskow", "moscow"),
    ("harvets", "harvest"),  # two letters swapped are one edit
    ("elektion", "election"),
    ("выборв мэра", "выбор мэра"),
    ("Levan Berize", "Levan beridze"),  # a capitalised name, its own spelling
])
def test_likely_repairs_are_still_offered_on_the_sample_corpus(sample_service, query, offered):
    suggestion = search(sample_service, query)["suggestion"]
    assert suggestion is not None and suggestion["query"] == offered
    assert search(sample_service, offered)["total"] == suggestion["total"] > 0


def test_the_cli_offers_nothing_for_a_name_the_archive_lacks(sample_index):
    result = CliRunner().invoke(cli, ["search", "Putin", "--index", str(sample_index)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith('0 articles for "Putin"')
    assert "Did you mean" not in result.output


@pytest.mark.parametrize("word, allowed", [("in", 0), ("put", 1), ("putin", 1),
                                           ("tokaev", 2), ("kyrgystan", 2), ("кыргызтан", 2)])
def test_the_edits_allowed_grow_with_the_words_length(word, allowed):
    assert allowed_edits(word) == allowed


@pytest.mark.parametrize("word, first, name", [
    ("Путин", True, True), ("путин", True, True),  # the dictionary knows the surname
    ("Атлантида", True, True),  # and the place
    ("Putin", True, False), ("Putin", False, True),  # a capital counts after the start
    ("Токаев", True, False), ("Токаев", False, True),
    ("выборв", False, False),  # a typo the guesser calls an organization
    ("harvets", False, False), ("мэра", False, False),
])
def test_what_looks_like_a_name(word, first, name):
    assert looks_like_name(word, first=first) is name


@pytest.mark.parametrize("name, word, variant", [
    ("kyrgystan", "kyrgyzstan", True), ("кыргызтан", "кыргызстан", True),
    ("tokaev", "tokayev", True), ("pashinian", "pashinyan", True),
    ("yerevn", "yerevan", True),  # one letter, though the keys are two apart
    ("путин", "пути", False),  # a form of путь, a common word
    ("путин", "путина", True),  # the dictionary reads it as the surname's genitive too
    ("putin", "put", False), ("токаев", "той", False),
])
def test_what_counts_as_a_spelling_of_the_same_name(name, word, variant):
    assert is_spelling_variant(name, word) is variant


def test_a_name_is_not_replaced_by_a_common_word_one_letter_away():
    def offer(query, word):
        return suggest(query, lambda q: 5 if q == word else 0, lambda w, n: [word])

    assert offer("Путин", "пути") is None
    # Letters the dictionary does not know as a name are repaired.
    assert offer("выборв", "выбор") == {"query": "выбор", "total": 5}


def test_a_repair_of_two_edits_needs_more_articles():
    def offer(total):
        return suggest("parlamint", lambda q: total if q == "parliament" else 0,
                       lambda w, n: ["parliament"])

    assert offer(TWO_EDIT_ARTICLES - 1) is None
    assert offer(TWO_EDIT_ARTICLES) == {"query": "parliament", "total": TWO_EDIT_ARTICLES}
    # One edit needs one article.
    assert suggest("parliment", lambda q: 1 if q == "parliament" else 0,
                   lambda w, n: ["parliament"]) == {"query": "parliament", "total": 1}


LETTERS = "abcdefghiklmnoprstuvyzабвгдеёжзиклмнопрстуыэюя"
lower_words = st.text(LETTERS, min_size=1, max_size=12)
typed_words = st.builds(lambda word, capital: word.capitalize() if capital else word,
                        lower_words, st.booleans())


@st.composite
def misspelt(draw, words):
    """Index-like words (lower case, е for ё) a few random edits from ``words``."""
    found = []
    for _ in range(draw(st.integers(0, 6))):
        word = list(fold_yo(draw(st.sampled_from(words)).lower()))
        for _ in range(draw(st.integers(0, 3))):
            at = draw(st.integers(0, len(word)))
            letter = draw(st.sampled_from(LETTERS.replace("ё", "")))
            if draw(st.booleans()) or at == len(word):
                word.insert(at, letter)
            else:
                word[at] = letter
        found.append("".join(word))
    return found


@st.composite
def queries_and_vocabularies(draw):
    words = draw(st.lists(typed_words, min_size=1, max_size=3))
    return " ".join(words), draw(misspelt(words))


@settings(deadline=None, max_examples=200)
@given(queries_and_vocabularies())
def test_a_replacement_is_never_further_than_the_rule_allows(query_and_vocabulary):
    """Whatever the vocabulary offers, a respelled word is within the edits its
    length allows of the word typed, a name only by its own spelling, and a
    repair knows its furthest word's edits."""
    text, offered = query_and_vocabulary
    for repair in respell(text, lambda word, limit: offered[:limit]):
        typed, changed = WORD.findall(text), WORD.findall(repair.query)
        assert len(typed) == len(changed)
        furthest = 0
        for number, (before, after) in enumerate(zip(typed, changed)):
            if before == after:
                continue
            word = fold_yo(before.lower())
            assert after in offered
            assert edits(word, after) <= allowed_edits(word)
            if looks_like_name(before, first=number == 0):
                assert is_spelling_variant(word, after)
            furthest = max(furthest, edits(word, after))
        assert repair.edits == furthest


@pytest.fixture
def client(small_index):
    return create_app({"TESTING": True, "INDEX_DIR": str(small_index)}).test_client()


@pytest.mark.parametrize("ui, words", [("en", "Did you mean"),
                                       ("ru", "Возможно, вы имели в виду")])
def test_the_page_links_to_the_suggested_search(client, ui, words):
    response = client.get(f"/?q=Kyrgystan&lang=en&ui={ui}")
    soup = BeautifulSoup(response.data, "lxml")
    line = soup.select_one(".empty .suggestion")
    assert line is not None and line.text.startswith(words)
    link = line.select_one("a")
    assert link.text == "kyrgyzstan"
    params = parse_qs(urlsplit(link["href"]).query)
    assert params == {"q": ["kyrgyzstan"], "lang": ["en"], "ui": [ui]}
    followed = BeautifulSoup(client.get("/" + link["href"]).data, "lxml")
    assert int(followed.select_one(".summary .total")["data-total"]) == 1
    assert BeautifulSoup(client.get("/?q=Kyrgyzstan").data, "lxml").select_one(
        ".suggestion") is None
