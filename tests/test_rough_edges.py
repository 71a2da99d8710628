"""The app's rough edges, as a user meets them (issue 23, items 4 and 5): an
address that leads nowhere, a JSON twin for every page, a CSV that says where
it came from, a search without hits and a date that cannot be read."""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from conftest import exported_csv, write_jsonl
from conftest import page_of as page

from indexer import build_index
from webapp import create_app

# Values a CSV reader that takes "#" for a comment could cut or drop.
HASH_CORPUS = [
    {"id": "#first-id", "lang": "en", "title": "#1 in the charts", "date": "2019-05-01",
     "authors": ["#hashtag"], "regions": ["georgia"], "url": "https://example.org/a#part",
     "body": "The opening line.\n\n# Not a heading\n\nC# and F# are languages."},
    {"id": "plain", "lang": "en", "title": "A plain title", "date": "2019-05-02",
     "regions": ["georgia"], "body": "Nothing special in the charts today."},
]


@pytest.fixture(scope="module")
def hash_client(tmp_path_factory):
    root = tmp_path_factory.mktemp("hash")
    (root / "corpus").mkdir()
    write_jsonl(root / "corpus" / "articles.jsonl", HASH_CORPUS)
    build_index([root / "corpus"], root / "index", workers=1)
    return create_app({"TESTING": True, "INDEX_DIR": str(root / "index")}).test_client()


def read_with_comment_char(text: str) -> list[dict]:
    """The CSV as pandas' ``read_csv(comment="#")`` reads it: outside a quoted
    cell, a ``#`` ends the line's data, and a line that starts with one is no
    line at all."""
    kept, quoted, i = [], False, 0
    while i < len(text):
        char = text[i]
        if char == '"':
            quoted = not quoted
        elif char == "#" and not quoted:
            at_line_start = i == 0 or text[i - 1] == "\n"
            end = text.find("\n", i)
            end = len(text) if end < 0 else end
            i = end + 1 if at_line_start else end
            continue
        kept.append(char)
        i += 1
    return list(csv.DictReader(io.StringIO("".join(kept), newline="")))


# --- 404 ---------------------------------------------------------------------

def test_an_unknown_address_is_the_apps_own_page_in_the_interface_language(client):
    soup = page(client, "/no/such/page?ui=ru", status=404)
    assert soup.html["lang"] == "ru"
    assert "По этому адресу страницы нет." in soup.select_one(".error-box").text
    assert soup.select_one("header.site a.brand")["href"] == "/?ui=ru"
    back = soup.select_one("a.to-search")
    assert back["href"] == "/?ui=ru" and "Назад к поиску" in back.text
    assert soup.select_one("form.search input[name=ui]")["value"] == "ru"
    assert soup.select_one(".ui-switch a")["href"] == "?ui=en"  # this address, in English
    english = page(client, "/no/such/page", status=404)
    assert "There is no page at this address." in english.text
    assert english.select_one("a.to-search")["href"] == "/"


def test_a_404_never_links_off_the_site(client):
    soup = page(client, "//elsewhere.example/page?ui=ru", status=404)
    assert all(not a["href"].startswith("//") and "elsewhere" not in a["href"]
               for a in soup.select("a[href]"))


def test_an_unknown_article_is_a_404_page_with_the_way_back(client):
    soup = page(client, "/article/no-such-article?ui=ru", status=404)
    assert "Статьи с таким идентификатором нет." in soup.select_one(".error-box").text
    assert "no-such-article" in soup.select_one(".error-box code").text
    assert soup.select_one("a.to-search")["href"] == "/?ui=ru"
    assert page(client, "/read/no-such-article", status=404).select_one("a.to-search")


def test_the_api_answers_an_unknown_path_in_json(client):
    for path in ("/api/nothing", "/api/article/no-such-article", "/api/read/no-such-article"):
        response = client.get(path)
        assert response.status_code == 404 and response.is_json, path
        assert response.get_json()["error"]
    assert "/api lists them" in client.get("/api/nothing").get_json()["error"]


def test_the_api_listing_names_every_endpoint_and_what_it_returns(client):
    endpoints = {e["path"]: e["about"] for e in client.get("/api").get_json()["endpoints"]}
    assert {"/api/search", "/api/kwic", "/api/timeline", "/api/article/<path:article_id>",
            "/export.csv", "/export.timeline.csv"} <= set(endpoints)
    assert "concordance" in endpoints["/api/kwic"]


# --- JSON twins ----------------------------------------------------------------

def test_the_concordance_json_has_the_pages_lines_and_numbers(client):
    for order in ("text", "left", "right"):
        soup = page(client, f"/kwic?q=выборы&region=kyrgyzstan&order={order}")
        link = soup.select_one("a.json")["href"]
        assert urlsplit(link).path == "/api/kwic"
        data = client.get(link).get_json()
        assert parse_qs(urlsplit(link).query)["order"] == [order] or order == "text"
        assert data["order"] == order and data["query"] == "выборы"
        assert int(soup.select_one(".kwic-total")["data-lines"]) == len(data["lines"]) > 0
        shown = [(row.select_one("td.left").text.strip(), row.select_one("mark").text,
                  row.select_one("td.right").text.strip()) for row in soup.select("table.kwic tbody tr")]
        assert shown == [(line["left"], line["match"], line["right"]) for line in data["lines"]]
        assert str(data["articles"]) in soup.select_one(".kwic-total").text
    assert client.get("/api/kwic").status_code == 400
    assert "order" in client.get("/api/kwic?q=x&order=sideways").get_json()["error"]


@pytest.mark.parametrize("url, selector", [
    ("/?q=Kyrgyzstan", ".export a[href^='/api/search']"),
    ("/kwic?q=Kyrgyzstan", "a.json"),
    ("/timeline?q=Kyrgyzstan", ".downloads a[href^='/api/timeline']"),
    ("/facet/author?q=Kyrgyzstan", "a.json"),
])
def test_every_page_links_its_json(client, url, selector):
    link = page(client, url).select_one(selector)["href"]
    response = client.get(link)
    assert response.status_code == 200 and response.is_json


def test_the_article_and_its_reading_link_their_json(client):
    first = client.get("/api/search?q=Kyrgyzstan&per_page=1").get_json()["hits"][0]
    soup = page(client, f"/article/{first['id']}?q=Kyrgyzstan")
    link = soup.select_one("a.json")["href"]
    assert unquote(urlsplit(link).path) == f"/api/article/{first['id']}"
    data = client.get(link).get_json()
    assert data["id"] == first["id"] and "<mark>" in data["title_html"] + "".join(
        data["paragraphs_html"])
    reading = page(client, f"/read/{first['id']}").select_one("a.json")["href"]
    assert client.get(reading).get_json()["id"] == first["id"]


# --- CSV provenance --------------------------------------------------------------

def test_the_csv_says_where_its_rows_came_from_and_reads_unchanged(client):
    response = client.get("/export.csv?q=выборы&region=kyrgyzstan&from=2010&to=2020")
    found = client.get("/api/search?q=выборы&region=kyrgyzstan&from=2010&to=2020").get_json()
    comments, rows = exported_csv(response.data)
    assert comments[0] == "# kartoteka export"
    fields = dict(line[2:].split(": ", 1) for line in comments[1:])
    assert fields["query"] == "выборы"
    assert fields["filters"] == "region=kyrgyzstan; from=2010; to=2020"
    assert fields["index"].startswith("built 20") and fields["exported"].startswith("20")
    assert fields["rows"] == str(found["total"]) == str(len(rows))
    assert [r["id"] for r in rows] == [h["id"] for h in found["hits"]]
    header = json.loads(response.headers["X-Kartoteka-Provenance"])  # kept for scripts
    assert header["total"] == found["total"] and header["query"] == "выборы"
    assert read_with_comment_char(response.data.decode("utf-8-sig")) == rows


def test_a_cell_with_a_hash_is_never_read_as_a_comment(hash_client):
    text = hash_client.get("/export.csv?columns=body").data.decode("utf-8-sig")
    comments, rows = exported_csv(text)
    assert read_with_comment_char(text) == rows  # nothing cut, nothing dropped
    first = next(r for r in rows if r["id"] == "#first-id")
    assert first["title"] == "#1 in the charts" and first["authors"] == "#hashtag"
    assert first["url"] == "https://example.org/a#part" and "C# and F#" in first["body"]
    assert "\n# Not a heading" in first["body"]
    data_lines = text.split("\r\n")[len(comments):]
    assert not [line for line in data_lines if line.startswith("#")]


def test_a_query_cannot_end_its_comment_and_start_a_row(hash_client):
    text = hash_client.get("/export.csv", query_string={"q": "charts\nid,title\r\n# x"}).data
    comments, rows = exported_csv(text)
    assert "# query: charts id,title  # x" in comments
    assert [r["id"] for r in rows] == [h["id"] for h in hash_client.get(
        "/api/search", query_string={"q": "charts\nid,title\r\n# x"}).get_json()["hits"]]


def test_the_timeline_csv_is_named_after_its_queries(client):
    response = client.get("/export.timeline.csv?q=elections&q=выборы&split=lang")
    disposition = response.headers["Content-Disposition"]
    assert 'filename="timeline-elections-vs-vybory.csv"' in disposition
    assert "filename*=UTF-8''timeline-elections-vs-%D0%B2%D1%8B%D0%B1%D0%BE%D1%80%D1%8B.csv" \
        in disposition
    odd = client.get("/export.timeline.csv", query_string={"q": ['../"etc"/passwd', "a" * 200]})
    name = odd.headers["Content-Disposition"].split('filename="')[1].split('"')[0]
    assert name.startswith("timeline-etc-passwd-vs-aaa") and len(name) <= 104
    assert "/" not in name and ".." not in name
    kwic = client.get("/export.kwic.csv?q=Kyrgyzstan").headers["Content-Disposition"]
    assert kwic == 'attachment; filename="kwic-Kyrgyzstan.csv"'


# --- a search without hits ---------------------------------------------------------

def test_a_search_without_hits_shows_the_query_each_filter_and_did_you_mean(client):
    url = "/?q=electons&region=kyrgyzstan&lang=ru&from=2012"
    soup = page(client, url)
    assert soup.select_one(".empty-heading").text == "No articles match “electons”."
    assert not soup.select(".facet, .facets, svg, .export, .timeline-box, .summary")
    assert not soup.select("a[href*='export'], a[href^='/api']")
    suggestion = soup.select_one(".empty .suggestion a")
    assert suggestion.text == "elections"
    assert page(client, "/" + suggestion["href"]).select_one(".total")["data-total"] != "0"
    removals = {li.text.split(" · ")[0]: parse_qs(urlsplit(li.a["href"]).query)
                for li in soup.select("ul.filters-in-force li")}
    assert removals == {
        "Region: Kyrgyzstan": {"q": ["electons"], "lang": ["ru"], "from": ["2012"]},
        "Language: Russian": {"q": ["electons"], "region": ["kyrgyzstan"], "from": ["2012"]},
        "Year: 2012 – …": {"q": ["electons"], "region": ["kyrgyzstan"], "lang": ["ru"]},
    }


def test_a_search_without_hits_in_russian(client):
    soup = page(client, "/?q=zzzyxq&region=georgia&ui=ru")
    assert soup.select_one(".empty-heading").text == "По запросу «zzzyxq» ничего не найдено."
    item = soup.select_one("ul.filters-in-force li")
    assert item.text.startswith("Регион: Грузия") and item.a.text == "убрать"
    assert parse_qs(urlsplit(item.a["href"]).query) == {"q": ["zzzyxq"], "ui": ["ru"]}
    assert not soup.select(".facet, svg, .export")


# --- a date that cannot be read -------------------------------------------------------

@pytest.mark.parametrize("typed", ["2020-13-45", "2020-02-30", "abcd", "20201", "2020-1-1-1",
                                   "2020-00", "0000"])
def test_a_bad_date_keeps_what_was_typed_and_offers_to_remove_it(client, typed):
    response = client.get("/", query_string={"q": "elections", "from": typed, "to": "2021",
                                             "lang": "en"})
    assert response.status_code == 400
    soup = page(client, response.request.url.split("localhost", 1)[1], status=400)
    assert typed in soup.select_one(".error-box").text
    form = soup.select_one("form.bad-dates")
    assert form.select_one("input[name=from]")["value"] == typed
    assert form.select_one("input[name=from]")["aria-invalid"] == "true"
    assert form.select_one("input[name=to]")["value"] == "2021"
    assert {i["name"]: i["value"] for i in form.select("input[type=hidden]")} == {
        "q": "elections", "lang": "en"}
    remove = soup.select_one("a.remove-date")
    assert remove["data-key"] == "from"
    assert parse_qs(urlsplit(remove["href"]).query) == {"q": ["elections"], "to": ["2021"],
                                                        "lang": ["en"]}
    assert page(client, "/" + remove["href"]).select_one(".total")


def test_dates_the_wrong_way_round_offer_to_remove_both_in_russian(client):
    soup = page(client, "/?q=выборы&from=2021&to=2019&ui=ru", status=400)
    assert "дата «с» позже даты «по»" in soup.select_one(".error-box").text
    remove = soup.select_one("a.remove-date")
    assert remove.text == "Убрать даты" and remove["data-key"] == "dates"
    assert parse_qs(urlsplit(remove["href"]).query) == {"q": ["выборы"], "ui": ["ru"]}
    assert soup.select_one("form.bad-dates input[name=to]")["value"] == "2019"


def test_an_error_that_is_not_about_dates_offers_no_date_form(client):
    soup = page(client, '/?q="unclosed&from=2019', status=400)
    assert not soup.select("form.bad-dates, a.remove-date")


def test_a_search_without_hits_in_one_language_offers_the_other(client):
    soup = page(client, "/?q=Kirghizia&cross=0")
    assert soup.select_one(".empty-heading") and not soup.select(".facet")
    cross_on = soup.select_one(".empty a.cross-on")
    assert parse_qs(urlsplit(cross_on["href"]).query) == {"q": ["Kirghizia"]}
