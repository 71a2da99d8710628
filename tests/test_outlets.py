"""The outlet: one value per publication, a facet, a filter, an export column, on each hit."""

from __future__ import annotations

import csv
import io

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from conftest import write_jsonl

from indexer.cli.main import cli
from indexer.engine.embedded.build import build_index
from indexer.search.service import SearchRequest, SearchService
from indexer.text.outlets import (
    OUTLETS_HEADER,
    OutletTable,
    outlet_for,
    outlet_in_text,
    read_outlets,
    shipped_outlets,
)


@pytest.mark.parametrize("name, url, expected", [
    ("Eurasianet", None, "Eurasianet"),
    ("eurasianet.org", None, "Eurasianet"),
    ("www.eurasianet.org", None, "Eurasianet"),
    (None, "https://www.eurasianet.org/kyrgyzstan-x", "Eurasianet"),
    ("EurasiaNet", None, "Eurasianet"),
    ("Азаттык", None, "Azattyk"),
    ("Azattyk", None, "Azattyk"),
    (None, "https://rus.azattyk.org/a/1.html", "Azattyk"),  # a subdomain of its host
    (None, "https://rus.azattyq.org/a/1.html", "Radio Azattyq"),  # the Kazakh service
    ("Коммерсантъ", None, "Kommersant"),
    ("Коммерсант", "https://www.kommersant.ru/doc/1", "Kommersant"),
    ("Эхо Кавказа", None, "Ekho Kavkaza"),
    (None, "https://www.bbc.com/russian/news-1", "BBC Russian"),  # a section of a site
    (None, "https://www.bbc.com/news/world-1", "BBC"),
    ("Новая газета", None, "Novaya Gazeta"),
    ("  Foo   Times ", None, "Foo Times"),  # unknown: as written, spacing cleaned
    (None, "https://www.footimes.example/a", "footimes.example"),  # unknown: the host
    (None, None, ""),
])
def test_every_spelling_of_an_outlet_is_one_value(name, url, expected):
    assert outlet_for(name=name, url=url) == expected


def test_names_in_both_scripts_are_one_outlet_with_a_label_in_each():
    table = shipped_outlets()
    assert table.key("Азаттык") == table.key("Azattyk") == table.key("azattyk.org")
    assert table.labels(["Azattyk"]) == {"en": "Azattyk", "ru": "Азаттык"}
    # Not in the table: a name and its host still meet ("Kloop" as "kloop.kg" would).
    assert table.key("Foo Times") == table.key("www.footimes.com")


def test_a_saved_page_names_its_outlet_by_masthead_or_copyright_line():
    assert outlet_in_text("Азаттык\nМеню\nЗаголовок статьи\nТекст.") == "Azattyk"
    assert outlet_in_text("Title\nBody text.\nHighland & Steppe Review © 2021") == \
        "Highland & Steppe Review"
    assert outlet_in_text("Title\nBody.\n© 2008–2024 Foo Times. All rights reserved.") == \
        "Foo Times"
    assert outlet_in_text("Title\nBody.\n© 2024 Все права защищены") is None


def test_the_shipped_table_is_versioned_and_readable(tmp_path):
    assert read_outlets()  # the header is checked
    bad = tmp_path / "bad.tsv"
    bad.write_text("Foo\tfoo.example\n", encoding="utf-8")
    with pytest.raises(ValueError, match="expected"):
        read_outlets(bad)


RECORDS = [
    {"id": "a1", "lang": "en", "outlet": "Eurasianet", "title": "Border talks",
     "body": "Kyrgyzstan and Tajikistan talk about the border.", "date": "2021-01-05"},
    {"id": "a2", "lang": "en", "url": "https://www.eurasianet.org/border-deal",
     "title": "Border deal", "body": "A border deal is signed in Bishkek.", "date": "2021-03-01"},
    {"id": "a3", "lang": "ru", "outlet": "Азаттык", "title": "Граница",
     "body": "Переговоры о границе продолжаются в Бишкеке.", "date": "2021-02-01"},
    {"id": "a4", "lang": "ru", "url": "https://rus.azattyk.org/a/1.html", "title": "Граница 2",
     "body": "На границе открыли новый пункт пропуска.", "date": "2021-02-11"},
    {"id": "a5", "lang": "en", "url": "https://highland.example/border",
     "title": "Border towns", "body": "Border towns wait for trade.", "date": "2021-04-01"},
    {"id": "a6", "lang": "en", "outlet": "Highland Post", "title": "Border posts",
     "body": "The border posts are staffed again.", "date": "2021-05-01"},
]


@pytest.fixture
def outlet_index(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_jsonl(corpus / "records.jsonl", RECORDS)
    own = tmp_path / "my-outlets.tsv"
    own.write_text(f"{OUTLETS_HEADER}\nHighland Post\tХайленд Пост\thighland.example\n",
                   encoding="utf-8")
    index_dir = tmp_path / "index"
    build_index([corpus], index_dir, workers=1, outlets=own)
    return index_dir


def test_the_facet_counts_each_outlet_once_and_the_filter_agrees(outlet_index):
    service = SearchService(outlet_index)
    try:
        result = service.search(SearchRequest("border", cross=False))
        counts = {e["value"]: e["count"] for e in result["facets"]["outlet"] if e["count"]}
        assert counts == {"Eurasianet": 2, "Highland Post": 2}
        everything = {e["value"]: e for e in service.search(SearchRequest())["facets"]["outlet"]}
        assert {v: e["count"] for v, e in everything.items()} == {
            "Eurasianet": 2, "Azattyk": 2, "Highland Post": 2}
        assert everything["Azattyk"]["labels"] == {"en": "Azattyk", "ru": "Азаттык"}
        # The researcher's table joins a host and a name the shipped one does not know.
        assert everything["Highland Post"]["labels"]["ru"] == "Хайленд Пост"
        for value, entry in everything.items():
            assert service.search(SearchRequest(outlets=(value,)))["total"] == entry["count"]
        for spelling in ("eurasianet.org", "www.eurasianet.org", "EURASIANET"):
            assert service.search(SearchRequest(outlets=(spelling,)))["total"] == 2
        assert service.search(SearchRequest(outlets=("Азаттык",)))["total"] == 2
        assert service.search(SearchRequest(outlets=("highland.example",)))["total"] == 2
    finally:
        service.close()


def test_the_cli_filters_by_outlet_shows_it_on_hits_and_exports_it(outlet_index):
    runner = CliRunner()
    found = runner.invoke(cli, ["search", "--index", str(outlet_index), "--outlet", "Азаттык",
                                "--lang", "ru"])
    assert found.exit_code == 0, found.output
    assert found.output.startswith("2 articles")
    assert "Azattyk" in found.output
    exported = runner.invoke(cli, ["export", "--index", str(outlet_index), "--outlet",
                                   "eurasianet.org", "--format", "csv"])
    assert exported.exit_code == 0, exported.output
    rows = list(csv.DictReader(io.StringIO(exported.output[exported.output.index("id,"):])))
    assert sorted((r["id"], r["outlet"]) for r in rows if r["outlet"]) == [
        ("a1", "Eurasianet"), ("a2", "Eurasianet")]


def test_the_search_page_and_the_api_show_the_outlet_facet(client):
    soup = BeautifulSoup(client.get("/?q=выборы").data, "html.parser")
    facet = soup.find(id="facet-outlet")
    assert facet is not None and facet.find("h3").get_text() == "Outlet"
    link = facet.find("a", class_="value")
    label, count = link.find(class_="label").get_text(), int(link.find(class_="count").get_text())
    assert label == "Highland & Steppe Review"
    href = link["href"]
    narrowed = BeautifulSoup(client.get(href if href.startswith("/") else "/" + href).data,
                             "html.parser")
    assert narrowed.select_one("#facet-outlet a.value.selected") is not None
    assert len(narrowed.select(".hit")) == min(count, client.application.config["PER_PAGE"])
    api = client.get("/api/search?q=выборы").get_json()
    entry = next(e for e in api["facets"]["outlet"] if e["value"] == label)
    assert entry["count"] == count
    filtered = client.get("/api/search", query_string={"q": "выборы", "outlet": label}).get_json()
    assert filtered["total"] == count
    assert {hit["outlet"] for hit in filtered["hits"]} == {label}
    russian = BeautifulSoup(client.get("/?q=выборы&ui=ru").data, "html.parser")
    assert russian.find(id="facet-outlet").find("h3").get_text() == "Издание"
    assert soup.select_one(".hit .outlet").get_text() == label


def test_an_unreadable_outlets_file_stops_the_build_with_its_line(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_jsonl(corpus / "r.jsonl", RECORDS[:1])
    own = tmp_path / "mine.tsv"
    own.write_text(f"{OUTLETS_HEADER}\nonly-one-form\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["index", str(corpus), "--index", str(tmp_path / "i"),
                                      "--outlets", str(own)])
    assert result.exit_code != 0
    assert "mine.tsv:2" in result.output


def test_a_table_row_of_the_researcher_wins_over_the_shipped_one():
    table = OutletTable([["Eurasianet", "eurasianet.org"], ["EurasiaNet Archive", "eurasianet.org"]])
    assert table.find("https://eurasianet.org/x") == "EurasiaNet Archive"
