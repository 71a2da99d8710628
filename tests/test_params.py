"""URL state helpers: every filter is a query parameter, links toggle them."""

import pytest
from werkzeug.datastructures import MultiDict

from indexer.engine.query import QueryError
from webapp.params import query_string, search_request, state, toggled, with_changes, without

ARGS = MultiDict([("q", "выборы"), ("region", "georgia"), ("region", "kyrgyzstan"),
                  ("page", "3"), ("junk", "x"), ("lang", "")])


def test_request_reads_every_parameter():
    request = search_request(MultiDict([("q", "gas"), ("region", "iran"), ("author", "A B"),
                                        ("lang", "en"), ("from", "2010"), ("to", "2012"),
                                        ("sort", "newest"), ("page", "2"), ("per_page", "5")]),
                             per_page=20)
    assert (request.query, request.regions, request.authors, request.langs) == (
        "gas", ("iran",), ("A B",), ("en",))
    assert (request.date_from, request.date_to, request.sort, request.page,
            request.per_page) == ("2010", "2012", "newest", 2, 5)


def test_non_numeric_page_is_a_query_error():
    with pytest.raises(QueryError, match="whole number"):
        search_request(MultiDict([("page", "two")]), per_page=20)


def test_state_keeps_only_known_non_empty_parameters():
    assert list(state(ARGS).items(multi=True)) == [
        ("q", "выборы"), ("region", "georgia"), ("region", "kyrgyzstan"), ("page", "3")]


def test_toggling_adds_or_removes_a_value_and_resets_the_page():
    current = state(ARGS)
    assert toggled(current, "region", "armenia").getlist("region") == [
        "georgia", "kyrgyzstan", "armenia"]
    assert toggled(current, "region", "georgia").getlist("region") == ["kyrgyzstan"]
    assert "page" not in toggled(current, "region", "armenia")


def test_removing_one_value_or_a_whole_filter():
    current = state(ARGS)
    assert without(current, "region", "kyrgyzstan").getlist("region") == ["georgia"]
    assert "region" not in without(current, "region")
    assert with_changes(current, from_="2012", to="2012").get("from") == "2012"


def test_query_string_encodes_cyrillic_and_repeats_keys():
    assert query_string(MultiDict([("q", "мэр"), ("region", "a"), ("region", "b")])) == (
        "?q=%D0%BC%D1%8D%D1%80&region=a&region=b")
