""""Did you mean": layout and spelling repairs of queries that find nothing."""

from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from indexer.cli import cli
from indexer.engine.build import build_index
from indexer.search.service import SearchRequest, SearchService
from indexer.search.suggest import is_plain, suggest, switch_layout
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
    assert search(small_service, "harvets")["suggestion"] == {"query": "harvest", "total": 1}
    assert search(small_service, "capitels")["suggestion"] == {"query": "capitals", "total": 1}


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
