"""Hostile queries: any text and any parameters give results or a clear 400, never a crash."""

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from indexer.engine.query import MAX_QUERY_CHARS, QueryError
from indexer.engine.embedded.settings import EngineSettings
from indexer.engine.embedded.generation import WhooshDocsetsEngine
from indexer.search.service import SearchRequest, SearchService
from webapp import create_app

TOKENS = ["Кыргызстан", "выборы", "мэра", "election", "border", "Georgia", "газ", "oil",
          "AND", "OR", "NOT", "-", "+", '"', "(", ")", "*", "?", ":", "title:", "author:",
          "заголовок:", "автор:", "Kyrgyz*", "вы*", "a*", "*", "**", "~", "^2", "[", "]", "{", "}",
          "\\", "'", "/", "the", "и", "ё", "\u0000", "\u200b", "<script>", "&amp;", "%", "\t"]
query_text = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(TOKENS), max_size=40).map(" ".join),
    st.lists(st.sampled_from(TOKENS), max_size=40).map("".join),
)
parameter = st.one_of(st.text(max_size=30), st.sampled_from([
    "", "0", "-1", "1", "2", "100", "101", "99999999999999999999", "1e9", "NaN", "caucasus",
    "kyrgyzstan", "central-asia", "nowhere", "en", "ru", "xx", "2010", "2010-13", "2010-02-30",
    "2099-01-01", "1999-12-31", "newest", "oldest", "relevance", "share", "count"]))
settings.register_profile("hostile", max_examples=150, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])


def assert_one_line_error(error: QueryError):
    message = str(error)
    assert message and "\n" not in message and "Traceback" not in message


SAMPLE_ARTICLES = 64


@pytest.fixture(scope="module")
def service(sample_index):
    return SearchService(sample_index)


@pytest.fixture(scope="module")
def client(sample_index):
    return create_app({"TESTING": True, "INDEX_DIR": str(sample_index)}).test_client()


@settings(settings.get_profile("hostile"))
@given(text=query_text, page=st.integers(-5, 10**12), per_page=st.integers(-5, 500),
       regions=st.lists(parameter, max_size=3), langs=st.lists(parameter, max_size=2),
       date_from=parameter, date_to=parameter, sort=parameter)
def test_any_request_gives_results_or_a_one_line_error(service, text, page, per_page, regions,
                                                       langs, date_from, date_to, sort):
    request = SearchRequest(text, regions=tuple(regions), langs=tuple(langs),
                            date_from=date_from or None, date_to=date_to or None, sort=sort,
                            page=page, per_page=per_page)
    try:
        result = service.search(request)
    except QueryError as error:
        assert_one_line_error(error)
        return
    assert result["total"] <= SAMPLE_ARTICLES
    assert len(result["hits"]) == max(0, min(per_page, result["total"] - (page - 1) * per_page))
    assert set(result["facets"]) == {"region", "region_group", "author", "lang", "year", "topic", "outlet"}
    if not langs:  # the language facet then counts exactly the hits
        assert sum(e["count"] for e in result["facets"]["lang"]) == result["total"]


@settings(settings.get_profile("hostile"), max_examples=100)
@given(params=st.dictionaries(st.sampled_from(
    ["q", "region", "author", "lang", "from", "to", "undated", "sort", "page", "per_page", "ui",
     "chart"]),
    st.one_of(parameter, query_text), max_size=6))
def test_any_url_parameters_give_200_or_a_json_400(client, params):
    api = client.get("/api/search", query_string=params)
    assert api.status_code in (200, 400), (params, api.data[:300])
    if api.status_code == 400:
        assert api.get_json()["error"]
    page = client.get("/", query_string=params)
    assert page.status_code in (200, 400)
    assert (page.status_code == 400) == (b"error-box" in page.data)
    export = client.get("/export.csv", query_string=params)
    assert export.status_code in (200, 400)


@pytest.mark.parametrize("text,message", [
    ("x" * (MAX_QUERY_CHARS + 1), "longer than"),
    ("(" * 30 + "border" + ")" * 30, "nested more than 10 deep"),
    ("a*", "at least 2 letters"),
    ("*", "at least 2 letters"),
    ('"unclosed', "quotation mark"),
    ("(border", "not closed"),
    ("()", "no words"),
])
def test_queries_that_cannot_run_are_refused_with_a_reason(service, text, message):
    with pytest.raises(QueryError, match=message):
        service.search(SearchRequest(text))


def test_a_pattern_matching_too_many_words_is_refused(sample_index):
    engine = WhooshDocsetsEngine(EngineSettings(max_expansion=3))
    service = SearchService(sample_index, engine=engine)
    with pytest.raises(QueryError, match="matches more than 3 words; add letters before"):
        service.search(SearchRequest("по*"))
    service.close()


def test_huge_page_numbers_are_empty_pages_not_errors(service):
    result = service.search(SearchRequest("Кыргызстан", page=10**12))
    assert result["total"] > 0 and result["hits"] == []
