"""The researcher's tools over the sample corpus: the timeline and the concordance,
through the service, the JSON API, the CSVs and the pages; and the Russian
interface's error messages."""

from __future__ import annotations

from collections import Counter

import pytest

from indexer import QueryError
from indexer.search.service import SearchRequest
from webapp import create_app
from webapp.i18n import error_message

from conftest import exported_csv


@pytest.fixture(scope="module")
def corpus_articles():
    """The sample corpus as the readers see it: the oracle for expected counts."""
    from conftest import SAMPLE_CORPUS

    from indexer.ingest.corpus import read_corpus
    from indexer.model import Article

    return [a for a in read_corpus([SAMPLE_CORPUS]) if isinstance(a, Article)]


@pytest.fixture(scope="module")
def client(sample_index):
    app = create_app({"INDEX_DIR": str(sample_index), "TESTING": True})
    return app.test_client()


def years_of(articles, having=lambda a: True, lang=None):
    return Counter(str(a.date.year) for a in articles
                   if a.date and having(a) and (lang is None or a.lang == lang))


def test_a_timeline_counts_each_querys_articles_per_year_with_every_years_total(
        sample_service, corpus_articles):
    data = sample_service.timeline(["Kyrgyzstan", "Georgia"], SearchRequest(cross=False))
    assert data["by"] == "year" and [s["query"] for s in data["series"]] == ["Kyrgyzstan",
                                                                           "Georgia"]
    totals = years_of(corpus_articles)
    first, last = min(totals), max(totals)
    for series in data["series"]:
        periods = [p["period"] for p in series["points"]]
        assert periods == [str(y) for y in range(int(first), int(last) + 1)]  # no gaps
        for point in series["points"]:
            assert point["total"] == totals.get(point["period"], 0)
            assert point["share"] == (round(point["count"] / point["total"], 6)
                                      if point["total"] else None)
    found = sample_service.search(SearchRequest("Kyrgyzstan", cross=False, per_page=100))
    by_year = Counter(h["date"][:4] for h in found["hits"] if h["date"])
    assert {p["period"]: p["count"] for p in data["series"][0]["points"] if p["count"]} == by_year


def test_a_timeline_by_month_and_by_language(sample_service, corpus_articles):
    data = sample_service.timeline(["выборы"], SearchRequest(), by="month", by_language=True)
    assert [(s["query"], s["lang"]) for s in data["series"]] == [("выборы", "en"),
                                                                 ("выборы", "ru")]
    ru_months = Counter(f"{a.date:%Y-%m}" for a in corpus_articles if a.date and a.lang == "ru")
    for point in data["series"][1]["points"]:
        assert len(point["period"]) == 7 and point["total"] == ru_months.get(point["period"], 0)
    assert sum(p["count"] for p in data["series"][1]["points"]) > 0


def test_a_timeline_keeps_the_filters_and_refuses_what_it_cannot_draw(sample_service):
    only_ru = sample_service.timeline(["выборы"], SearchRequest(langs=("ru",), cross=False))
    every = sample_service.timeline(["выборы"], SearchRequest(cross=False))
    assert sum(p["total"] for p in only_ru["series"][0]["points"]) < sum(
        p["total"] for p in every["series"][0]["points"])
    with pytest.raises(QueryError, match="1 to 5"):
        sample_service.timeline(["a1", "b1", "c1", "d1", "e1", "f1"], SearchRequest())
    with pytest.raises(QueryError, match="year or month"):
        sample_service.timeline(["выборы"], SearchRequest(), by="week")
    with pytest.raises(QueryError, match="quotation"):
        sample_service.timeline(['"выборы'], SearchRequest())


def test_the_timeline_api_csv_and_page(client):
    data = client.get("/api/timeline?q=выборы&q=trade&by=year&norm=share").get_json()
    assert data["norm"] == "share" and len(data["series"]) == 2
    assert set(data["series"][0]["points"][0]) == {"period", "count", "total", "share"}
    response = client.get("/export.timeline.csv?q=выборы&q=trade&by=month")
    comments, rows = exported_csv(response.data)
    # Where it came from, inside the file: a browser's download keeps it.
    assert comments[0] == "# kartoteka timeline" and "# query: выборы | trade" in comments
    assert f"# rows: {len(rows)}" in comments and any(c.startswith("# index: built") for c in comments)
    assert rows and set(rows[0]) == {"query", "lang", "period", "count", "total", "share"}
    assert {row["query"] for row in rows} == {"выборы", "trade"}
    page = client.get("/timeline?q=выборы&q=trade&by=year&norm=share").data.decode()
    assert page.count('class="series"') == 4 and "<title>" in page  # a wide and a narrow drawing
    assert client.get("/api/timeline?q=a&by=week").status_code == 400
    assert client.get("/api/timeline").status_code == 400


def test_the_concordance_shows_every_form_as_written_in_its_context(sample_service):
    result = sample_service.concordance(SearchRequest("выборы", cross=False))
    lines = result["lines"]
    assert result["complete"] and result["articles"] > 0 and len(lines) > result["articles"]
    forms = {line["match"].lower() for line in lines}
    assert "выборы" in forms and len(forms) > 2  # выборах, выборов… as written
    for line in lines:
        assert line["match"].lower().startswith("выбор")
        assert set(line) == {"left", "match", "right", "id", "date", "lang", "title", "url"}
    right = sample_service.concordance(SearchRequest("выборы", cross=False), order="right")
    keys = [[w.casefold() for w in line["right"].split()] for line in right["lines"]]
    assert keys == sorted(keys)
    with pytest.raises(QueryError, match="words"):
        sample_service.concordance(SearchRequest(""))
    exact = sample_service.concordance(SearchRequest("=выборы", cross=False))
    assert exact["lines"] and {line["match"].lower() for line in exact["lines"]} == {"выборы"}
    assert len(exact["lines"]) < len(lines)  # that form only


def test_the_concordance_page_and_its_csv(client):
    page = client.get("/kwic?q=выборы&order=left&cross=0").data.decode()
    assert page.count("<mark>") > 3
    response = client.get("/export.kwic.csv?q=выборы&cross=0")
    assert response.data.startswith("\ufeff".encode())
    comments, rows = exported_csv(response.data)
    assert comments[0] == "# kartoteka concordance" and "# query: выборы" in comments
    assert "# other language: not searched" in comments and f"# rows: {len(rows)}" in comments
    assert list(rows[0]) == ["left", "match", "right", "id", "date", "lang", "title", "url"]
    assert len(rows) > 3 and all(row["match"].lower().startswith("выбор") for row in rows)


@pytest.mark.parametrize("args", [
    {"q": '"выборы'}, {"q": "выборы)"}, {"q": "a*"}, {"from": "2019-13"}, {"from": "20x"},
    {"from": "2020", "to": "2019"}, {"region": "Mars"}, {"page": "x"}, {"sort": "x"},
    {"lang": "de"}, {"undated": "yes"}, {"page": "0"}, {"q": "year:2015"},
])
def test_every_message_about_a_bad_search_is_in_russian_too(client, args):
    english = client.get("/api/search", query_string=args)
    assert english.status_code == 400
    message = english.get_json()["error"]
    russian = error_message(message, "ru")
    assert russian != message and any("а" <= ch <= "я" for ch in russian.lower()), message


def test_the_timeline_and_the_concordance_on_the_command_line(sample_index):
    from click.testing import CliRunner

    from indexer.cli.main import cli

    runner = CliRunner()
    table = runner.invoke(cli, ["timeline", "выборы", "trade", "--by", "month", "--index",
                                str(sample_index)])
    assert table.exit_code == 0, table.output
    header, first = table.output.splitlines()[:2]
    assert "выборы" in header and "trade" in header and first[:7].count("-") == 1
    data = runner.invoke(cli, ["timeline", "выборы", "--share", "--by-language", "--csv",
                               "--index", str(sample_index)])
    comments, rows = exported_csv(data.output)
    assert comments[0] == "# kartoteka timeline"
    assert {row["lang"] for row in rows} == {"en", "ru"} and all(
        0 <= float(row["share"]) <= 1 for row in rows if row["share"])
    too_many = runner.invoke(cli, ["timeline", "a1", "b1", "c1", "d1", "e1", "f1", "--index",
                                   str(sample_index)])
    assert too_many.exit_code == 2 and "1 to 5 queries at once, not 6" in too_many.output
    lines = runner.invoke(cli, ["kwic", "выборы", "--no-cross", "--csv", "--index",
                                str(sample_index)])
    comments, rows = exported_csv(lines.output)
    assert comments[0] == "# kartoteka concordance" and "# query: выборы" in comments
    assert list(rows[0]) == ["left", "match", "right", "id", "date", "lang", "title", "url"]
    assert len(rows) > 3 and all(r["match"].lower().startswith("выбор") for r in rows)
    shown = runner.invoke(cli, ["kwic", "выборы", "--order", "left", "--limit", "2",
                                "--index", str(sample_index)])
    assert shown.exit_code == 0 and "occurrences in" in shown.output
    assert len(shown.output.strip().splitlines()) == 4  # the count, what it counted, 2 lines


def test_the_charts_count_ticks_are_whole_and_distinct():
    from webapp.chart import line_chart

    series = [{"query": "q", "points": [{"period": str(2000 + i), "count": c, "total": 5,
                                         "share": c / 5} for i, c in enumerate((0, 2, 1))]}]
    svg = line_chart(series, False, lambda e, p: "/", lambda e, p: "", lambda e: "q", "chart",
                     small=True)
    wide = svg.split('data-layout="narrow"')[0]
    ticks = [part.split(">")[1].split("<")[0] for part in wide.split('class="y-tick"')[1:]]
    assert ticks == ["0", "1", "2"]


@pytest.mark.parametrize("n, en, ru", [(1, "1 article", "1 статья"), (3, "3 articles", "3 статьи"),
                                       (5, "5 articles", "5 статей"), (11, "11 articles", "11 статей"),
                                       (21, "21 articles", "21 статья"), (112, "112 articles", "112 статей")])
def test_counts_on_the_tools_pages_take_the_right_plural(n, en, ru):
    from webapp.i18n import counted

    assert counted(n, "article", "en") == en and counted(n, "article", "ru") == ru


def test_the_tools_pages_explain_a_bad_request_in_the_interface_language(client):
    page = client.get('/kwic?q="выборы&ui=ru').data.decode()
    assert "кавычка не закрыта" in page
    page = client.get("/timeline?q=выборы&by=week&ui=ru").data.decode()
    assert "неизвестный" in page or "может быть" in page
    summary = client.get("/kwic?q=Ферганской&ui=ru&cross=0").data.decode()
    assert "вхождени" in summary and ("1 статья" in summary or "2 статьи" in summary)
