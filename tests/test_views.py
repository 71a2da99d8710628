"""The web app through Flask's test client: pages, API, exports, escaping, errors."""

import json

import pytest
from conftest import page_of as page
from conftest import exported_csv, write_jsonl

from indexer.engine.embedded.build import build_index
from webapp import create_app


def facet_counts(soup, facet):
    return {a["data-value"]: int(a.select_one(".count").text)
            for a in soup.select(f"#facet-{facet} a.value")}


def test_search_page_shows_total_hits_and_marked_snippets(client):
    soup = page(client, "/?q=Кыргызстан&cross=0")
    hits = soup.select("li.hit")
    total = int(soup.select_one(".summary .total")["data-total"])
    assert total == len(hits) > 0
    marks = {m.text for m in soup.select("li.hit .snippet mark")}
    assert {"Кыргызстана", "Кыргызстане"} & marks
    assert all(h.select_one(".badge").text == "RU" for h in hits)


def test_region_names_are_searched_in_both_languages_and_can_be_switched_off(client):
    both = page(client, "/?q=Кыргызстан")
    langs = [h.select_one(".badge").text for h in both.select("li.hit")]
    assert {"RU", "EN"} <= set(langs) and langs[0] == "RU"  # the word as typed first
    also = both.select_one(".expansions")
    assert "Kyrgyzstan" in also.text and "Киргизия" in also.text
    typed_only = page(client, "/" + also.select_one("a.cross-off")["href"])
    assert {h.select_one(".badge").text for h in typed_only.select("li.hit")} == {"RU"}
    assert typed_only.select_one("a.cross-on") is not None
    api = client.get("/api/search?q=Kyrgyzstan&cross=0").get_json()
    assert api["expansions"] == [] and api["total"] < len(langs)
    assert client.get("/api/search?q=x&cross=yes").status_code == 400


def test_the_page_and_the_api_agree(client):
    soup = page(client, "/?q=election&lang=en")
    api = client.get("/api/search?q=election&lang=en").get_json()
    assert [h["data-id"] for h in soup.select("li.hit")] == [h["id"] for h in api["hits"]]
    assert facet_counts(soup, "lang") == {e["value"]: e["count"] for e in api["facets"]["lang"]}


def test_api_has_exactly_the_cli_json_shape(client):
    data = client.get("/api/search?q=border&per_page=3").get_json()
    assert set(data) == {"query", "total", "page", "per_page", "hits", "facets", "suggestion",
                         "expansions", "readings", "match", "counted"}
    assert data["per_page"] == 3 and len(data["hits"]) == 3
    assert set(data["hits"][0]) == {"id", "url", "lang", "title", "title_html", "authors",
                                    "date", "regions", "topics", "outlet", "source", "snippet", "score",
                                    "copies"}
    assert set(data["facets"]) == {"region", "region_group", "author", "lang", "year", "topic", "outlet"}


def test_region_tree_group_counts_cover_their_countries(client):
    soup = page(client, "/")
    counts = facet_counts(soup, "region")
    assert counts["central-asia"] >= max(counts[c] for c in (
        "kazakhstan", "kyrgyzstan", "tajikistan", "turkmenistan", "uzbekistan"))
    group = soup.select_one('#facet-region li.group a[data-value="central-asia"]').find_parent("li")
    assert {a["data-value"] for a in group.select(":scope > ul a.value")} == {
        "kazakhstan", "kyrgyzstan", "tajikistan", "turkmenistan", "uzbekistan"}


def test_a_region_given_by_name_is_the_region_selected(client):
    by_slug = page(client, "/?region=kyrgyzstan")
    by_name = page(client, "/?region=%D0%9A%D0%B8%D1%80%D0%B3%D0%B8%D0%B7%D0%B8%D1%8F")  # Киргизия
    links = [a["href"] for a in by_slug.select(".hits a")]
    assert links and [a["href"] for a in by_name.select(".hits a")] == links
    selected = by_name.select_one('#facet-region a.selected[data-value="kyrgyzstan"]')
    assert selected is not None
    assert [c.text for c in by_name.select(".chips a.chip")] == [
        c.text for c in by_slug.select(".chips a.chip")]


def test_filters_show_as_chips_and_zero_counts_stay_visible(client):
    soup = page(client, "/?region=georgia&lang=ru")
    chips = [c.text for c in soup.select(".chips a.chip")]
    assert any("Georgia" in c for c in chips) and any("Russian" in c for c in chips)
    langs = facet_counts(soup, "lang")
    assert langs["en"] > 0  # multi-select: English still shows what it would add
    zero = soup.select("#facet-region a.value.zero")
    assert zero and all(int(a.select_one(".count").text) == 0 for a in zero)
    # Removing the Georgia chip keeps the language filter.
    georgia_chip = next(c for c in soup.select(".chips a.chip") if "Georgia" in c.text)
    assert georgia_chip["href"] == "?lang=ru"


def test_year_chart_links_filter_to_a_year_and_share_mode_exists(client):
    soup = page(client, "/?q=Кыргызстан")
    bars = soup.select("#facet-year svg a.bar")
    assert bars and bars[0]["href"].endswith(f"from={bars[0]['data-year']}&to={bars[0]['data-year']}")
    share = page(client, "/?q=Кыргызстан&chart=share")
    assert share.select_one("#facet-year .chart-mode strong").text == "Share of year"


def test_empty_query_browses_with_filters_newest_first(client):
    data = client.get("/api/search?region=caucasus&sort=newest&per_page=100").get_json()
    dates = [h["date"] for h in data["hits"] if h["date"]]
    assert data["total"] > 0 and dates == sorted(dates, reverse=True)
    soup = page(client, "/?region=caucasus")
    assert len(soup.select("li.hit")) == min(20, data["total"])


def test_pagination_links_keep_the_state(client):
    soup = page(client, "/?lang=en&per_page=5")
    next_link = soup.select_one('.pagination a[rel="next"]')
    assert next_link["href"] == "?lang=en&per_page=5&page=2"


def test_friendly_empty_state(client):
    soup = page(client, "/?q=zzzyxq")
    assert "No articles match" in soup.select_one(".empty").text


def test_bad_query_shows_a_message_not_a_500(client):
    soup = page(client, '/?q="unclosed', status=400)
    assert "quotation mark" in soup.select_one(".error-box").text
    response = client.get('/api/search?q="unclosed')
    assert response.status_code == 400 and "quotation mark" in response.get_json()["error"]
    assert client.get("/api/search?page=x").status_code == 400
    assert client.get("/api/search?region=atlantis").status_code == 400


def test_page_size_is_capped(client):
    response = client.get("/api/search?per_page=5000")
    assert response.status_code == 400 and "page size" in response.get_json()["error"]


def test_article_view_marks_the_query_and_links_the_translation(client):
    api = client.get("/api/search?q=Issyk-Kul&lang=en").get_json()
    article_id = api["hits"][0]["id"]
    soup = page(client, f"/article/{article_id}?q=Issyk-Kul")
    assert soup.select(".body mark")
    translation = soup.select_one(".translation a")
    assert translation["hreflang"] == "ru"
    other = page(client, translation["href"])
    assert other.select_one("article")["lang"] == "ru"
    assert soup.select_one("a.original")["href"].startswith("https://")


def test_unknown_article_is_a_404_page_and_json(client):
    soup = page(client, "/article/no/such/thing", status=404)
    assert "No article" in soup.text
    assert client.get("/api/article/no-such").status_code == 404


def test_api_article_returns_the_whole_text(client):
    first = client.get("/api/search?per_page=1").get_json()["hits"][0]
    data = client.get(f"/api/article/{first['id']}").get_json()
    assert data["id"] == first["id"] and len(data["body"]) > 500


def test_csv_export_has_every_hit_and_provenance(client):
    total = client.get("/api/search?q=Iran").get_json()["total"]
    response = client.get("/export.csv?q=Iran&per_page=1")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="kartoteka-Iran-' in response.headers["Content-Disposition"]
    provenance = json.loads(response.headers["X-Kartoteka-Provenance"])
    assert provenance["query"] == "Iran" and provenance["total"] == total
    assert provenance["index_built_at"] and provenance["kartoteka_version"]
    comments, rows = exported_csv(response.data)
    assert f"# rows: {total}" in comments and "# query: Iran" in comments
    assert len(rows) == total > 1
    assert set(rows[0]) == {"id", "title", "authors", "date", "lang", "regions", "topics", "outlet",
                            "url", "source"}


def test_jsonl_export_starts_with_a_provenance_record(client):
    response = client.get("/export.jsonl?region=kyrgyzstan&lang=ru")
    lines = [json.loads(line) for line in response.data.decode().splitlines()]
    provenance = lines[0]["provenance"]
    assert provenance["filters"]["region"] == ["kyrgyzstan"]
    assert len(lines) - 1 == provenance["total"] > 0
    assert all(line["lang"] == "ru" for line in lines[1:])


def test_russian_interface_labels_and_dates(client):
    soup = page(client, "/?q=Iran&ui=ru")
    assert soup.html["lang"] == "ru"
    labels = {a["data-value"]: a.select_one(".label").text for a in soup.select("#facet-region a.value")}
    assert labels["iran"] == "Иран" and labels["caucasus"] == "Кавказ"
    assert any(month in soup.select_one("li.hit .date").text for month in (
        "января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
        "сентября", "октября", "ноября", "декабря"))
    switch = soup.select_one(".ui-switch a")
    assert switch["href"] == "?q=Iran&ui=en"


def test_security_headers(client):
    response = client.get("/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.fixture
def hostile_client(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    write_jsonl(corpus / "a.jsonl", [{
        "id": "evil", "lang": "en", "title": "Kazakhstan <script>alert('t')</script>",
        "authors": ["<b>Mallory</b>"], "topics": ["<i>x</i>"],
        "body": "Kazakhstan <img src=x onerror=alert(1)> grain harvest and <script>alert(2)</script>."}])
    build_index([corpus], tmp_path / "ix", workers=1)
    return create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "ix")}).test_client()


def test_corpus_text_is_escaped_everywhere_but_highlighting_works(hostile_client):
    for url in ("/?q=Kazakhstan", "/article/evil?q=Kazakhstan", "/?q=<script>"):
        soup = page(hostile_client, url, status=200)
        assert not soup.select("main script, main img, main b, main i"), url
    soup = page(hostile_client, "/?q=Kazakhstan")
    assert "<script>alert('t')</script>" in soup.select_one("li.hit h2").text
    assert soup.select_one("li.hit .snippet mark").text == "Kazakhstan"
    assert "<b>Mallory</b>" in soup.select_one("#facet-author").text


def test_a_rebuild_is_served_without_restart(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    write_jsonl(corpus / "a.jsonl", [{"id": "one", "lang": "en", "body": "First article."}])
    build_index([corpus], tmp_path / "ix", workers=1)
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "ix")}).test_client()
    assert client.get("/api/search").get_json()["total"] == 1
    write_jsonl(corpus / "b.jsonl", [{"id": "two", "lang": "en", "body": "Second article."}])
    build_index([corpus], tmp_path / "ix", workers=1)
    assert client.get("/api/search").get_json()["total"] == 2


def test_no_index_yet_is_a_clear_503(tmp_path):
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "none")}).test_client()
    response = client.get("/")
    assert response.status_code == 503 and b"kartoteka index" in response.data
    assert client.get("/api/search").status_code == 503


def test_author_facet_lists_only_authors_with_hits_and_says_how_many_are_left(
        sample_index, monkeypatch):
    monkeypatch.setattr("webapp.pages.AUTHORS_LISTED", 2)
    client = create_app({"TESTING": True, "INDEX_DIR": str(sample_index),
                         "AUTHORS_SHOWN": 3}).test_client()
    everything = client.get("/api/search").get_json()["facets"]["author"]
    soup = page(client, "/")
    listed = soup.select("#facet-author a.value")
    assert len(listed) == 5  # 3 on top, 2 behind "Show all"
    assert [a["data-value"] for a in listed] == [e["value"] for e in everything[:5]]
    with_hits = sum(1 for e in everything if e["count"])
    assert soup.select_one("#facet-author summary").text == f"Show 2 more of {with_hits}"
    assert f"and {with_hits - 5} more with fewer hits" in soup.select_one("#facet-author .hint").text
    narrow = page(client, "/?q=Кыргызстан")
    counts = [int(a.select_one(".count").text) for a in narrow.select("#facet-author a.value")]
    assert counts and all(counts)


@pytest.fixture
def small_client(small_index):
    return create_app({"TESTING": True, "INDEX_DIR": str(small_index)}).test_client()


def test_undated_articles_are_a_year_facet_value_that_toggles(small_client):
    soup = page(small_client, "/")
    undated = soup.select_one('#facet-year a.value[data-value="undated"]')
    assert undated.select_one(".label").text == "undated"
    assert int(undated.select_one(".count").text) == 1 and "selected" not in undated["class"]
    bars = {bar["data-year"]: int(bar.title.text.split(":")[1].split("/")[0])
            for bar in soup.select("#facet-year svg a.bar")}
    assert sum(bars.values()) + 1 == int(soup.select_one(".summary .total")["data-total"]) == 7

    chosen = page(small_client, "/" + undated["href"])
    assert [h["data-id"] for h in chosen.select("li.hit")] == ["undated-note"]
    link = chosen.select_one('#facet-year a.value[data-value="undated"]')
    assert "selected" in link["class"]
    chip = next(c for c in chosen.select(".chips a.chip") if "undated" in c.text)
    assert chip.text.split("×")[0].strip() == "Year: undated"
    assert page(small_client, "/" + link["href"]).select_one(".summary .total")["data-total"] == "7"
    assert page(small_client, "/" + chip["href"]).select_one(".summary .total")["data-total"] == "7"


def test_undated_with_a_year_means_that_year_or_undated(small_client):
    year = page(small_client, "/?from=2019&to=2019")
    assert [h["data-id"] for h in year.select("li.hit")] == ["almaty-steel"]
    both = page(small_client, "/" + year.select_one(
        '#facet-year a.value[data-value="undated"]')["href"])
    assert [h["data-id"] for h in both.select("li.hit")] == ["almaty-steel", "undated-note"]
    chips = [c.text.split("×")[0].strip() for c in both.select(".chips a.chip")]
    assert chips == ["Year: 2019", "Year: undated"]


def test_undated_label_in_the_russian_interface(small_client):
    soup = page(small_client, "/?ui=ru&undated=1")
    link = soup.select_one('#facet-year a.value[data-value="undated"]')
    assert link.select_one(".label").text == "без даты"
    assert [c.text.split("×")[0].strip() for c in soup.select(".chips a.chip")] == [
        "Год: без даты"]


def test_undated_filter_in_the_api_and_the_exports(small_client):
    data = small_client.get("/api/search?undated=1").get_json()
    assert [h["id"] for h in data["hits"]] == ["undated-note"] and data["total"] == 1
    assert data["facets"]["year"][-1] == {"value": "undated", "label": "undated", "count": 1}
    everything = small_client.get("/api/search").get_json()
    assert sum(e["count"] for e in everything["facets"]["year"]) == everything["total"] == 7
    with_2011 = small_client.get("/api/search?undated=1&from=2011&to=2011").get_json()
    assert {h["id"] for h in with_2011["hits"]} == {"tbilisi-wine", "yerevan-tbilisi-rail",
                                                    "undated-note"}
    lines = small_client.get("/export.jsonl?undated=1").data.decode().splitlines()
    assert json.loads(lines[0])["provenance"]["filters"]["undated"] is True
    assert [json.loads(line)["id"] for line in lines[1:]] == ["undated-note"]
    rows = exported_csv(small_client.get("/export.csv?undated=1").data)[1]
    assert [(r["id"], r["date"]) for r in rows] == [("undated-note", "")]
    response = small_client.get("/api/search?undated=yes")
    assert response.status_code == 400 and "'undated' must be 1" in response.get_json()["error"]
