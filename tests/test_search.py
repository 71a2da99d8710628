"""The search service over a small bilingual index: matches, filters, facets, order."""

import pytest

from indexer.engine.query import QueryError
from indexer.cli.labels import labelled_facets
from indexer.search.service import SearchRequest

from conftest import write_jsonl


def ids(result):
    return [hit["id"] for hit in result["hits"]]


def counts(result, facet):
    return {e["value"]: e["count"] for e in result["facets"][facet]}


def test_any_inflected_russian_form_finds_every_form(small_service):
    for query in ("Кыргызстан", "Кыргызстане", "Кыргызстана"):
        found = ids(small_service.search(SearchRequest(query, cross=False)))  # Russian only
        assert set(found) == {"osh-mayor", "bishkek-vote"}


def test_phrase_in_one_case_finds_it_in_another(small_service):
    assert set(ids(small_service.search(SearchRequest('"выборы мэра"')))) == {
        "osh-mayor", "bishkek-vote"}
    # Small words count in a phrase: only the article that has "на" before it.
    with_na = ids(small_service.search(SearchRequest('"на выборах мэра"')))
    assert with_na and set(with_na) < {"osh-mayor", "bishkek-vote"}


def test_english_stems_and_possessives(small_service):
    assert set(ids(small_service.search(SearchRequest("election", cross=False)))) == {
        "kyrgyz-elections", "yerevan-tbilisi-rail"}
    assert ids(small_service.search(SearchRequest("title:Kyrgyzstan", cross=False))) == [
        "kyrgyz-elections"]


def test_steel_in_any_case_is_found(small_service):
    assert ids(small_service.search(SearchRequest("сталь"))) == ["almaty-steel"]


def test_snippet_marks_the_words_as_written_and_escapes_the_rest(small_service):
    [hit] = small_service.search(SearchRequest('"выборы мэра" Оша'))["hits"]
    assert "<mark>выборах мэра</mark> <mark>Оша</mark>" in hit["snippet"]  # a phrase is one mark


def test_hit_has_exactly_the_documented_fields(small_service):
    [hit] = small_service.search(SearchRequest("wine"))["hits"]
    assert set(hit) == {"id", "url", "lang", "title", "title_html", "authors", "date",
                        "regions", "topics", "outlet", "source", "snippet", "score", "copies"}
    assert hit["date"] == "2011-09-20" and hit["authors"] == ["Levan Beridze"]
    assert hit["score"] > 0


def test_empty_query_lists_everything_newest_first_undated_last(small_service):
    result = small_service.search(SearchRequest(""))
    assert result["total"] == 7
    assert ids(result)[:2] == ["almaty-steel", "kyrgyz-elections"]
    assert ids(result)[-1] == "undated-note"


def test_oldest_first_also_puts_undated_last(small_service):
    result = small_service.search(SearchRequest("", sort="oldest"))
    assert ids(result)[0] == "yerevan-tbilisi-rail" and ids(result)[-1] == "undated-note"


def test_filters_by_region_group_author_language_and_dates(small_service):
    def found(**kw):
        return set(ids(small_service.search(SearchRequest("", **kw))))
    assert found(regions=("caucasus",)) == {"tbilisi-wine", "yerevan-tbilisi-rail", "undated-note"}
    assert found(regions=("armenia", "kazakhstan")) == {"yerevan-tbilisi-rail", "almaty-steel"}
    assert found(authors=("Anahit Petrosyan",)) == {"yerevan-tbilisi-rail"}
    assert found(langs=("ru",)) == {"osh-mayor", "bishkek-vote", "almaty-steel"}
    assert found(date_from="2016", date_to="2016-10-02") == {"bishkek-vote"}
    assert found(date_from="2016-10") == {"bishkek-vote", "kyrgyz-elections", "almaty-steel"}


def test_facets_count_the_whole_result_not_the_page(small_service):
    result = small_service.search(SearchRequest("", per_page=2))
    assert len(result["hits"]) == 2 and result["total"] == 7
    assert counts(result, "lang") == {"ru": 3, "en": 4}
    assert counts(result, "region_group")["caucasus"] == 3
    assert counts(result, "author")["Levan Beridze"] == 3
    assert counts(result, "year") == {"2011": 2, "2013": 1, "2016": 2, "2019": 1, "undated": 1}


def test_a_facets_own_filter_does_not_narrow_its_own_counts(small_service):
    result = small_service.search(SearchRequest("", regions=("georgia",)))
    assert result["total"] == 3
    region = counts(result, "region")
    assert region["georgia"] == 3 and region["kyrgyzstan"] == 3 and region["armenia"] == 1
    # ...but other facets follow the region filter.
    assert counts(result, "lang") == {"en": 3, "ru": 0}
    assert counts(result, "author")["Бакыт Осмонов"] == 0


def test_year_counts_ignore_the_date_range(small_service):
    result = small_service.search(SearchRequest("", date_from="2016", date_to="2016"))
    assert result["total"] == 2
    assert counts(result, "year")["2011"] == 2


def test_year_facet_lists_undated_after_the_years_and_adds_up_to_the_total(small_service):
    for request in (SearchRequest(""), SearchRequest("Georgia"), SearchRequest("", langs=("en",))):
        result = small_service.search(request)
        values = [e["value"] for e in result["facets"]["year"]]
        assert values == sorted(values[:-1]) + ["undated"]  # a machine value: fronts label it
        assert sum(e["count"] for e in result["facets"]["year"]) == result["total"], request
    everything = small_service.search(SearchRequest(""))
    assert counts(everything, "year") == {"2011": 2, "2013": 1, "2016": 2, "2019": 1, "undated": 1}
    # Choosing undated leaves the year counts whole, so a year can be added to it.
    chosen = small_service.search(SearchRequest("", undated=True))
    assert chosen["total"] == 1 and chosen["facets"]["year"] == everything["facets"]["year"]
    assert small_service.articles_per_year() == counts(everything, "year")


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_the_undated_filter_alone_or_or_a_date_range(small_service, sort):
    def found(**kw):
        return ids(small_service.search(SearchRequest("", sort=sort, **kw)))
    assert found(undated=True) == ["undated-note"]
    assert found(undated=True, regions=("kyrgyzstan",)) == []
    # With a range: the range's articles or the undated ones, in date order, undated last.
    assert set(found(date_from="2019", undated=True)) == {"almaty-steel", "undated-note"}
    if sort != "relevance":
        assert found(date_from="2016", undated=True)[-1] == "undated-note"
        assert found(date_to="2011", undated=True) == (
            ["tbilisi-wine", "yerevan-tbilisi-rail", "undated-note"] if sort == "newest"
            else ["yerevan-tbilisi-rail", "tbilisi-wine", "undated-note"])
    # A range alone still leaves undated articles out.
    assert "undated-note" not in found(date_from="2000")
    total, rows = small_service.export(SearchRequest("", sort=sort, undated=True))
    assert total == 1 and [row["id"] for row in rows] == ["undated-note"]


def test_every_region_and_group_is_listed_even_at_zero(small_service):
    result = small_service.search(SearchRequest("wine"))
    assert len(result["facets"]["region"]) == 25 and len(result["facets"]["region_group"]) == 5
    assert result["facets"]["region"][0] == {"value": "georgia", "count": 1}


def test_the_core_returns_values_and_the_interface_labels_them(small_service):
    facets = small_service.search(SearchRequest("wine"))["facets"]
    assert not any("label" in e for entries in facets.values() for e in entries)
    russian = labelled_facets(facets, "ru")
    assert russian["region"][0] == {"value": "georgia", "label": "Грузия", "count": 1}
    assert {e["label"] for e in russian["lang"]} == {"Английский", "Русский"}
    assert labelled_facets(facets)["region"][0]["label"] == "Georgia"


def test_paging(small_service):
    pages = [ids(small_service.search(SearchRequest("", per_page=3, page=p))) for p in (1, 2, 3, 4)]
    assert [len(p) for p in pages] == [3, 3, 1, 0]
    assert len(set(sum(pages, []))) == 7


@pytest.mark.parametrize("request_, message", [
    (SearchRequest('"open'), "quotation"),
    (SearchRequest("", regions=("atlantis",)), "unknown region"),
    (SearchRequest("", date_from="12/03/2012"), "YYYY"),
    (SearchRequest("", date_from="2014", date_to="2012"), "after"),
    (SearchRequest("", sort="popular"), "unknown sort"),
    (SearchRequest("", page=0), "page"),
    (SearchRequest("", per_page=1000), "page size"),
    (SearchRequest("", langs=("de",)), "language"),
])
def test_bad_requests_raise_query_errors_with_a_reason(small_service, request_, message):
    with pytest.raises(QueryError, match=message):
        small_service.search(request_)


def test_article_view_data_marks_query_words_and_links_translation(tmp_path):
    from conftest import write_jsonl
    from indexer.engine.embedded.build import build_index
    from indexer.search.service import SearchService
    corpus = tmp_path / "c"
    corpus.mkdir()
    write_jsonl(corpus / "a.jsonl", [
        {"id": "en-1", "lang": "en", "title": "Steel <script>alert(1)</script>",
         "body": "Exports grew.\n\nKazakhstan's steel mills <b>hummed</b>.", "translation": "ru-1"},
        {"id": "ru-1", "lang": "ru", "title": "Сталь", "body": "Экспорт стали вырос.",
         "translation": "en-1"},
    ])
    build_index([corpus], tmp_path / "ix", workers=1)
    service = SearchService(tmp_path / "ix")
    article = service.article("en-1", "Kazakhstan")
    assert article["paragraphs_html"] == [
        "Exports grew.",
        "<mark>Kazakhstan's</mark> steel mills &lt;b&gt;hummed&lt;/b&gt;."]
    assert article["title_html"] == "Steel &lt;script&gt;alert(1)&lt;/script&gt;"
    assert article["translation"] == {"id": "ru-1", "lang": "ru", "title": "Сталь"}
    assert service.article("missing") is None


def test_snippet_shows_the_two_busiest_fragments_in_text_order_escaped():
    from indexer.search.snippets import SNIPPET_CHARS
    from indexer.search.snippets import make_snippet as _snippet
    filler = "word " * 80
    body = f"Start <b>&amp; {filler}alpha beta {filler}gamma {filler}delta epsilon zeta end"

    def span(word):
        at = body.index(word)
        return (at, at + len(word))

    snippet = _snippet(body, [span(w) for w in ("alpha", "beta", "gamma", "delta", "epsilon")])
    first, second = snippet.split(" … ")
    assert "<mark>alpha</mark> <mark>beta</mark>" in first
    assert "<mark>delta</mark> <mark>epsilon</mark>" in second and "gamma" not in snippet
    assert len(first) <= SNIPPET_CHARS + 60 and not first.startswith("ord")
    assert _snippet(body, [span("Start")]).startswith("<mark>Start</mark> &lt;b&gt;&amp;amp;")


def test_a_hit_that_matches_in_its_title_alone_shows_it_in_the_marked_title(small_service):
    [hit] = small_service.search(SearchRequest("railway"))["hits"]  # in the title only
    assert "railway" not in hit["snippet"].lower()
    assert hit["title_html"] == "A <mark>railway</mark> between two capitals"
    wine = small_service.search(SearchRequest("harvest"))["hits"][0]
    assert wine["title_html"] == "Georgia's wine <mark>harvest</mark>"
    assert wine["title"] == "Georgia's wine harvest"  # plain text stays plain


def test_the_author_filter_ignores_case_yo_and_spacing(small_service, tmp_path):
    exact = small_service.search(SearchRequest("", authors=("Levan Beridze",)))["total"]
    assert exact == 3
    for spelling in ("levan beridze", "LEVAN  BERIDZE", " Levan Beridze "):
        assert small_service.search(SearchRequest("", authors=(spelling,)))["total"] == exact
    corpus = tmp_path / "c"
    corpus.mkdir()
    write_jsonl(corpus / "a.jsonl", [{"id": "yo", "lang": "ru", "authors": ["Пётр Сёмин"],
                                      "body": "Заметка о погоде в Оше."}])
    from indexer import SearchService, build_index

    build_index([corpus], tmp_path / "ix", workers=1)
    service = SearchService(tmp_path / "ix")
    assert service.search(SearchRequest("", authors=("петр семин",)))["total"] == 1
    assert service.search(SearchRequest("", authors=("Пётр",)))["total"] == 0  # whole names


def test_a_region_name_also_finds_its_names_in_the_other_language(small_service):
    both = small_service.search(SearchRequest("Kyrgyzstan"))
    typed = small_service.search(SearchRequest("Kyrgyzstan", cross=False))
    assert {h["lang"] for h in typed["hits"]} == {"en"} and typed["expansions"] == []
    assert {h["lang"] for h in both["hits"]} == {"en", "ru"} and both["total"] > typed["total"]
    assert both["hits"][0]["lang"] == "en"  # the word as typed ranks first
    [expansion] = both["expansions"]
    assert expansion["word"] == "Kyrgyzstan" and expansion["why"] == "region"
    assert {"Кыргызстан", "Киргизия"} <= set(expansion["added"])
    # Inside NOT the other names are excluded too.
    assert small_service.search(SearchRequest("мэр NOT Kyrgyzstan"))["total"] == 0


def test_a_word_searched_in_the_title_is_not_found_in_the_text_alone(small_service):
    """``title:elections`` finds no article that has the word only in its text."""
    def total(text):
        return small_service.search(SearchRequest(query=text, cross=False))["total"]

    assert total("elections") >= 1 and total("title:elections") == 0
    assert total("body:elections") == total("elections")
    with pytest.raises(QueryError, match="'year:' cannot be searched in the query"):
        small_service.search(SearchRequest(query="elections year:2019"))
