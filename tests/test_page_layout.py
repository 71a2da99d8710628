"""The page's layout through Flask's test client: folded facet values, a facet's
"more" view, the topic facet, previous/next on the article page, the article's
links to filtered searches, the order the page says it uses, and snippets cut with "…"."""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import page_of as page
from conftest import write_jsonl
from werkzeug.datastructures import MultiDict

from indexer import SearchRequest, SearchService
from indexer.engine.embedded.build import build_index
from indexer.search.snippets import SNIPPET_CHARS, lead, make_snippet
from webapp import create_app
from webapp.i18n import TEXT
from webapp.params import MULTI_FIELDS, search_request


def args_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def count(link) -> int:
    return int(link.select_one(".count").text)


def folded_away(link) -> bool:
    """Whether a facet value is behind its facet's "show N more"."""
    return link.find_parent("details", class_="more") is not None


# Values with no hits are folded; selected ones never are.

def test_region_values_without_hits_are_folded_and_the_selected_one_stays_in_view(client):
    # Armenia: selected, without hits (a search without any hits shows no facets)
    soup = page(client, "/?q=Кыргызстан&cross=0&region=armenia&region=kyrgyzstan")
    facet = soup.select_one("#facet-region")
    folded = facet.select("details.more a.value")
    in_view = [a for a in facet.select("a.value") if not folded_away(a)]
    assert folded and all(count(a) == 0 for a in folded)
    for a in in_view:  # a group stays in view for its countries in view
        shown_children = a.find_parent("li").select(":scope > ul a.value")
        assert count(a) or "selected" in a["class"] or shown_children, a["data-value"]
    caucasus = facet.select_one('a.value[data-value="caucasus"]')
    assert count(caucasus) == 0 and not folded_away(caucasus)
    armenia = facet.select_one('a.value[data-value="armenia"]')
    assert "selected" in armenia["class"] and not folded_away(armenia)
    assert {a["data-value"] for a in in_view} >= {"kyrgyzstan", "tajikistan", "uzbekistan"}
    summary = facet.select_one("details.more summary").text
    assert summary == f"Show {len(folded)} more with no hits"
    assert not facet.select_one("details.more").has_attr("open")  # folded: closed
    # Every value is still there, once: counts read from the page cover the whole facet.
    assert len(facet.select("a.value")) == len({a["data-value"] for a in facet.select("a.value")}) == 30


def test_a_group_in_view_names_its_folded_countries_without_a_second_link(client):
    soup = page(client, "/?q=Кыргызстан&cross=0")
    folded = soup.select_one("#facet-region details.more")
    assert "Central Asia" in [s.text for s in folded.select(".group-name")]
    assert folded.select_one('a.value[data-value="central-asia"]') is None
    assert folded.select_one('a.value[data-value="kazakhstan"]') is not None


def test_a_language_without_hits_is_folded_unless_selected(client):
    soup = page(client, "/?q=Кыргызстан&cross=0")
    english = soup.select_one('#facet-lang a.value[data-value="en"]')
    assert count(english) == 0 and folded_away(english)
    chosen = page(client, "/?q=Кыргызстан&cross=0&lang=en&lang=ru")
    english = chosen.select_one('#facet-lang a.value[data-value="en"]')
    assert "selected" in english["class"] and not folded_away(english)


def test_each_list_facet_links_to_its_more_view_with_the_search_state(client):
    soup = page(client, "/?q=election&lang=en&page=2")
    for name in ("region", "author", "topic"):
        link = soup.select_one(f"#facet-{name} .all-values a")
        assert urlsplit(link["href"]).path == f"/facet/{name}"
        assert args_of(link["href"]) == {"q": ["election"], "lang": ["en"]}
    assert soup.select_one("#facet-region .all-values a").text == "All regions…"
    assert soup.select_one("#facet-author .all-values a").text == "All authors…"


# The facets' panel: after the facets on a wide screen, a closed panel on a phone (CSS).

def test_the_facets_sit_in_a_closed_panel_before_the_results(client):
    soup = page(client, "/?q=election&region=georgia")
    panel = soup.select_one("main.layout > details.filters")
    assert not panel.has_attr("open") and panel.select_one("aside.facets #facet-author")
    assert panel.select_one("summary").text.strip() == "Filters (1)"
    assert panel.find_next_sibling("section")["class"] == ["results"]
    assert page(client, "/?ui=ru").select_one("details.filters summary").text.strip() == "Фильтры"


# A facet's "more" view.

def test_the_more_view_lists_every_value_with_its_count_and_toggle_links(client):
    api = client.get("/api/search?q=election").get_json()["facets"]["author"]
    soup = page(client, "/facet/author?q=election")
    values = soup.select("ul.values a.value")
    assert [(a["data-value"], count(a)) for a in values] == [(e["value"], e["count"]) for e in api]
    first = values[0]
    assert urlsplit(first["href"]).path == "/"
    assert args_of(first["href"]) == {"q": ["election"], "author": [first["data-value"]]}
    assert soup.select_one(".listing .shown")["data-total"] == str(len(api))
    assert soup.select_one("h1").text.startswith("Authors")


def test_the_more_view_filter_box_ignores_case_and_keeps_the_state(client):
    soup = page(client, "/facet/author?q=election&lang=en&find=OSMON")
    labels = [a.select_one(".label").text for a in soup.select("ul.values a.value")]
    assert labels and all("osmon" in label.casefold() for label in labels)
    form = soup.select_one("form.find-values")
    assert {(i["name"], i["value"]) for i in form.select("input[type=hidden]")} == {
        ("q", "election"), ("lang", "en")}
    assert form.select_one("input[name=find]")["value"] == "OSMON"
    az = soup.select_one('.listing a[data-order="az"]')
    assert args_of(az["href"]) == {"q": ["election"], "lang": ["en"], "find": ["OSMON"],
                                   "order": ["az"]}
    nothing = page(client, "/facet/author?find=zzzz")
    assert not nothing.select("ul.values") and "zzzz" in nothing.select_one(".empty").text


def test_the_more_view_sorts_by_count_or_a_to_z(client):
    by_count = page(client, "/facet/region?q=election")
    counts = [count(a) for a in by_count.select("ul.values a.value")]
    assert len(counts) == 25 and counts == sorted(counts, reverse=True)
    assert by_count.select_one(".listing strong").text == "By number of articles"
    az = page(client, "/facet/region?q=election&order=az&ui=ru")
    labels = [a.select_one(".label").text for a in az.select("ul.values a.value")]
    assert labels == sorted(labels, key=lambda s: s.casefold().replace("ё", "е"))
    assert labels[0] == "Абхазия" and az.select_one(".listing strong").text == "По алфавиту"


def test_the_more_view_marks_selected_values_whose_link_removes_them(client):
    soup = page(client, "/facet/region?region=georgia&order=az")
    georgia = soup.select_one('ul.values a.value[data-value="georgia"]')
    assert "selected" in georgia["class"] and "region" not in args_of(georgia["href"])
    chip = soup.select_one(".chips a.chip")
    assert "Georgia" in chip.text


def test_unknown_facet_and_unreadable_search_in_the_more_view(client):
    assert "No such facet" in page(client, "/facet/year", status=404).text
    assert client.get("/api/facet/nope").status_code == 404
    soup = page(client, '/facet/author?q="unclosed', status=400)
    assert "quotation mark" in soup.select_one(".error-box").text


@pytest.fixture
def names_client(tmp_path):
    """Authors and topics with ё, in both scripts."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    write_jsonl(corpus / "a.jsonl", [
        {"id": "one", "lang": "ru", "title": "Первая", "date": "2015-03-12",
         "authors": ["Пётр Семёнов"], "topics": ["Экология", "Выборы"],
         "regions": ["kazakhstan", "kyrgyzstan"], "body": "Первая статья о степи."},
        {"id": "two", "lang": "en", "title": "Second", "date": "2016-01-02",
         "authors": ["Semyon Petrov"], "topics": ["Elections"],
         "regions": ["georgia"], "body": "Second article about the steppe."},
        {"id": "three", "lang": "ru", "title": "Третья", "date": "2017-05-05",
         "authors": ["Анна Ершова"], "topics": ["Выборы"],
         "body": "Третья статья о степи."},
    ])
    build_index([corpus], tmp_path / "ix", workers=1)
    return create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "ix")}).test_client()


@pytest.mark.parametrize("find", ["семен", "СЕМЁН", "Семён", "ПЁТР СЕМ"])
def test_the_filter_box_folds_yo_and_case(names_client, find):
    soup = page(names_client, f"/facet/author?find={find}")
    assert [a.select_one(".label").text for a in soup.select("ul.values a.value")] == [
        "Пётр Семёнов"]


def test_the_more_view_has_a_json_twin(names_client):
    data = names_client.get("/api/facet/author?find=ершов").get_json()
    assert data == {"facet": "author", "find": "ершов", "order": "count", "total": 3,
                    "values": [{"value": "Анна Ершова", "label": "Анна Ершова", "count": 1,
                                "selected": False}]}


# The topic facet: rendered when the service has it, and no failure without it.

def test_the_topic_facet_lists_topics_with_hits_and_toggles_them(names_client):
    soup = page(names_client, "/")
    topics = {a["data-value"]: count(a) for a in soup.select("#facet-topic a.value")}
    assert topics == {"Выборы": 3, "Экология": 1}  # Elections = Выборы: one topic
    assert soup.select_one("#facet-topic h3").text == "Topic"
    link = soup.select_one('#facet-topic a.value[data-value="Выборы"]')
    chosen = page(names_client, "/" + link["href"])
    assert "Topic: Выборы" in chosen.select_one(".chips").text
    assert {h["data-id"] for h in chosen.select("li.hit")} == {"one", "two", "three"}


def test_the_page_renders_without_a_topic_facet(app, client, monkeypatch):
    service = app.extensions["kartoteka"]
    search = service.search

    def without_topics(request):
        result = search(request)
        result["facets"].pop("topic", None)
        return result

    monkeypatch.setattr(service, "search", without_topics)
    soup = page(client, "/?q=election")
    assert soup.select_one("#facet-topic") is None and soup.select("li.hit")
    assert page(client, "/facet/topic?q=election").select("ul.values") == []


def test_topic_reaches_the_request_only_when_the_service_filters_by_topic():
    fields = {f.name for f in dataclasses.fields(SearchRequest)}
    assert ("topic" in MULTI_FIELDS) == ("topics" in fields)
    request = search_request(MultiDict([("topic", "Выборы"), ("topic", "")]), per_page=20)
    assert getattr(request, "topics", ("Выборы",)) == ("Выборы",)


# The article page: "3 of 7", previous and next, and links to filtered searches.

def test_hits_link_to_their_article_with_the_search_and_their_rank(client):
    soup = page(client, "/?q=election&per_page=2&page=2")
    links = [a["href"] for a in soup.select("li.hit h2 a")]
    assert [args_of(h)["hit"] for h in links] == [["3"], ["4"]]
    assert all(args_of(h)["q"] == ["election"] and "page" not in args_of(h) for h in links)


def test_the_article_says_where_it_stands_and_links_its_neighbours(client):
    ids = [h["id"] for h in client.get("/api/search?q=election&per_page=100").get_json()["hits"]]
    total = len(ids)
    assert total >= 4
    # Per page 2: the third hit's neighbours are on the pages before and after.
    soup = page(client, f"/article/{ids[2]}?q=election&per_page=2&hit=3")
    nav = soup.select_one("nav.hit-nav")
    assert nav.select_one(".position").text == f"3 of {total}"
    prev, next_ = nav.select_one('a[rel="prev"]')["href"], nav.select_one('a[rel="next"]')["href"]
    assert urlsplit(prev).path == f"/article/{ids[1]}" and args_of(prev)["hit"] == ["2"]
    assert urlsplit(next_).path == f"/article/{ids[3]}" and args_of(next_)["hit"] == ["4"]
    assert args_of(next_)["q"] == ["election"] and args_of(next_)["per_page"] == ["2"]
    back = soup.select_one(".back a")["href"]
    assert args_of(back) == {"q": ["election"], "per_page": ["2"], "page": ["2"]}
    following = page(client, next_)
    assert following.select_one("nav.hit-nav .position").text == f"4 of {total}"


def test_the_first_and_last_hits_have_no_link_beyond(client):
    ids = [h["id"] for h in client.get("/api/search?q=election&per_page=100").get_json()["hits"]]
    first = page(client, f"/article/{ids[0]}?q=election&hit=1").select_one("nav.hit-nav")
    assert first.select_one('a[rel="prev"]') is None and first.select_one('a[rel="next"]')
    last = page(client, f"/article/{ids[-1]}?q=election&hit={len(ids)}&ui=ru")
    nav = last.select_one("nav.hit-nav")
    assert nav.select_one('a[rel="next"]') is None
    assert nav.select_one(".position").text == f"{len(ids)} из {len(ids)}"


def test_no_position_when_the_article_is_not_there_in_the_search(client):
    ids = [h["id"] for h in client.get("/api/search?q=election").get_json()["hits"]]
    for url in (f"/article/{ids[1]}?q=election&hit=1", f"/article/{ids[1]}?q=election&hit=999",
                f"/article/{ids[1]}?q=election&hit=x", f"/article/{ids[1]}?q=election",
                f'/article/{ids[1]}?q="unclosed&hit=1', f"/article/{ids[1]}?q=election&hit=²",
                f"/article/{ids[1]}?q=election&hit={'9' * 5000}"):
        assert page(client, url).select_one("nav.hit-nav") is None, url


def test_the_articles_author_regions_topics_and_date_link_to_filtered_searches(names_client):
    soup = page(names_client, "/article/one?q=степь&ui=ru")
    meta = soup.select_one(".article-meta")
    author = meta.select_one("dd.authors a")
    assert author.text == "Пётр Семёнов"
    assert args_of(author["href"]) == {"ui": ["ru"], "author": ["Пётр Семёнов"]}
    regions = {a.text: args_of(a["href"]) for a in meta.select("dd.regions a")}
    assert regions == {"Казахстан": {"ui": ["ru"], "region": ["kazakhstan"]},
                       "Киргизия" if "Киргизия" in regions else "Кыргызстан":
                           {"ui": ["ru"], "region": ["kyrgyzstan"]}}
    day, year = meta.select_one("dd.date a.day"), meta.select_one("dd.date a.year")
    assert day.text == "12 марта 2015" and year.text == "весь 2015 год"
    assert args_of(day["href"]) == {"ui": ["ru"], "from": ["2015-03-12"], "to": ["2015-03-12"]}
    assert args_of(year["href"]) == {"ui": ["ru"], "from": ["2015"], "to": ["2015"]}
    found = page(names_client, day["href"])
    assert [h["data-id"] for h in found.select("li.hit")] == ["one"]
    by_author = page(names_client, author["href"])
    assert [h["data-id"] for h in by_author.select("li.hit")] == ["one"]
    if "topic" in MULTI_FIELDS:
        topic = meta.select_one('dd.topics a[href*="topic="]')
        assert args_of(topic["href"])["topic"] == [topic.text]


# The order the page says it uses is the one it used.

@pytest.mark.parametrize("url, said, offered", [
    ("/", "Newest first", ["newest", "oldest"]),
    ("/?sort=relevance&region=georgia", "Newest first", ["newest", "oldest"]),
    ("/?sort=oldest", "Oldest first", ["newest", "oldest"]),
    ("/?q=election", "Relevance", ["relevance", "newest", "oldest"]),
    ("/?q=election&sort=newest", "Newest first", ["relevance", "newest", "oldest"]),
    ("/?ui=ru", "Сначала новые", ["newest", "oldest"]),
])
def test_the_sort_shown_is_the_order_of_the_hits(client, url, said, offered):
    sort = page(client, url).select_one(".summary .sort")
    assert sort.select_one("strong").text == said
    assert [e["data-sort"] for e in sort.select("[data-sort]")] == offered


def test_a_search_without_words_is_listed_newest_first_as_it_says(client):
    soup = page(client, "/?region=caucasus")
    dates = [h["data-id"] for h in soup.select("li.hit")]
    api = client.get("/api/search?region=caucasus&sort=newest").get_json()
    assert dates == [h["id"] for h in api["hits"]]


# Snippets say where text was left out.

FILLER = "word " * 80


@pytest.mark.parametrize("body, word, before, after", [
    (f"{FILLER}needle {FILLER}end", "needle", True, True),
    (f"needle {FILLER}end", "needle", False, True),
    (f"{FILLER}the needle", "needle", True, False),
    ("A short needle text.", "needle", False, False),
])
def test_a_cut_snippet_ends_with_an_ellipsis(body, word, before, after):
    at = body.index(word)
    snippet = make_snippet(body, [(at, at + len(word))])
    assert snippet.startswith("…") == before and snippet.endswith("…") == after
    assert "<mark>needle</mark>" in snippet


def test_two_fragments_are_joined_by_an_ellipsis_and_the_lead_is_cut_with_one():
    body = f"alpha {FILLER}omega {FILLER}"
    spans = [(0, 5), (body.index("omega"), body.index("omega") + 5)]
    snippet = make_snippet(body, spans)
    assert snippet.startswith("<mark>alpha</mark>") and " … " in snippet
    assert snippet.endswith("\u00a0…")
    assert lead(FILLER).endswith("\u00a0…") and len(lead(FILLER)) <= SNIPPET_CHARS + 2
    assert lead("A short body.") == "A short body."


def test_the_page_shows_cut_snippets_with_an_ellipsis(client):
    snippets = [s.text for s in page(client, "/?q=election").select("li.hit .snippet")]
    assert snippets and all(s.startswith("…") or s.endswith("…") for s in snippets)


def test_the_service_snippets_end_with_an_ellipsis_when_cut(sample_index):
    hits = SearchService(sample_index).search(SearchRequest("election"))["hits"]
    assert all(h["snippet"].endswith("…") or h["snippet"].startswith("…") for h in hits)


# Every interface word in both languages.

def test_both_interface_languages_have_the_same_words():
    assert set(TEXT["en"]) == set(TEXT["ru"])


def test_the_russian_page_has_no_english_interface_words(client):
    soup = page(client, "/?q=Кыргызстан&cross=0&region=georgia&region=kyrgyzstan&ui=ru")
    assert soup.select_one(".ui-switch")["aria-label"] == "Язык интерфейса"
    assert soup.select_one(".chips")["aria-label"] == "Выбранные фильтры"
    assert soup.select_one("#facet-region details.more summary").text.startswith("Показать ещё")
    assert soup.select_one("#facet-region .all-values a").text == "Все регионы…"
    assert soup.select_one('form.dates input[name="from"]')["placeholder"] == "ГГГГ"
    more = page(client, "/facet/author?q=Кыргызстан&ui=ru")
    assert more.select_one("form.find-values button").text == "Отобрать"
    assert more.select_one("form.find-values input[name=find]")["placeholder"] == "Часть названия"
