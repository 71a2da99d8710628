"""Reading query strings: operators, fields, phrases, patterns, and clear errors."""

import pytest

from indexer.engine.query import QueryError, parse_query
from indexer.engine.schema import query_schema

SCHEMA = query_schema()


def terms(text):
    """The normal forms a query searches in titles and bodies."""
    return {t for f, t in parse_query(SCHEMA, text).iter_all_terms() if f in ("title", "body")}


def fields_and_terms(text):
    return {(f, t) for f, t in parse_query(SCHEMA, text).iter_all_terms()}


def test_words_are_normalized_like_the_index():
    assert terms("Кыргызстане") == {"кыргызстан"}
    assert terms("elections") == {"elect"}


def test_ambiguous_words_search_every_lemma():
    assert terms("стали") == {"стать", "сталь"}


def test_a_word_is_searched_in_title_authors_and_body_and_as_written():
    assert fields_and_terms("Бишкеке") >= {("title", "бишкек"), ("author", "бишкеке"),
                                           ("body", "бишкек"), ("exact", "бишкеке")}
    assert fields_and_terms("выборах") >= {("exact", "выборах"), ("body", "выборы")}


def test_equals_sign_searches_the_form_as_written_only():
    assert fields_and_terms("=выборы") == {("exact", "выборы")}
    assert fields_and_terms("=Выборах") == {("exact", "выборах")}
    assert fields_and_terms("=всё") == {("exact", "все")}


def test_small_words_are_searched_like_any_other():
    assert terms("the and of") == {"the", "and", "of"}
    assert terms("не") >= {"не"}


def test_words_are_anded_and_operators_work():
    assert str(parse_query(SCHEMA, "Iran Turkey")).count(" AND ") == 1
    assert " OR " in str(parse_query(SCHEMA, "Iran OR Turkey"))
    assert "ANDNOT" in str(parse_query(SCHEMA, "Iran -Turkey"))
    assert "NOT" in str(parse_query(SCHEMA, "Iran NOT Turkey"))


def test_a_hyphenated_name_is_not_an_exclusion():
    q = str(parse_query(SCHEMA, "Nagorno-Karabakh"))
    assert "NOT" not in q and '"nagorno karabakh"' in q


def test_fields_in_english_and_russian():
    assert {t for f, t in parse_query(SCHEMA, "title:выборы").iter_all_terms()
            if f == "title"} == {"выборы", "выбор"}
    # The form as written is not added: the exact field holds the body too.
    assert {f for f, _ in parse_query(SCHEMA, "title:выборы").iter_all_terms()} == {"title"}
    assert fields_and_terms("заголовок:Iran") == {("title", "iran")}
    assert ("exact", "iran") in fields_and_terms("Iran")
    # An author word also searches its person key: Осмонов and Osmonov share it.
    assert fields_and_terms("author:Осмонов") == {("author", "осмонов"), ("author", "~osmonov")}
    assert fields_and_terms("автор:Osmonov") == {("author", "osmonov"), ("author", "~osmonov")}


def test_prefix_also_tries_the_normal_form_of_the_prefix():
    q = str(parse_query(SCHEMA, "elections*"))
    assert "body:elections*" in q and "body:elect*" in q


def test_question_mark_is_not_a_wildcard():
    assert terms("Кыргызстан?") == {"кыргызстан"}


def test_empty_query_means_no_text_condition():
    assert parse_query(SCHEMA, "   ") is None


@pytest.mark.parametrize("text, message", [
    ('"на выборах мэра', "quotation mark"),
    ("(Iran OR Turkey", "not closed"),
    ("Iran)", "no matching"),
    ("a*", "2 letters"),
    ("*stan", "2 letters"),
    ("()", "no words"),
    ("x" * 1001, "longer than"),
    ("Iran (-Turkey Georgia)", "NOT"),
])
def test_unreadable_queries_get_a_one_line_explanation(text, message):
    with pytest.raises(QueryError, match=message) as error:
        parse_query(SCHEMA, text)
    assert "\n" not in str(error.value)
