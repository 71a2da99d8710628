"""Dates in bylines and in filters."""

import datetime as dt

import pytest

from indexer.text.dates import find_byline_date, find_date, parse_date_bound, parse_iso_date


@pytest.mark.parametrize("text, expected", [
    ("Joshua Kucera Mar 12, 2012", dt.date(2012, 3, 12)),
    ("Jane Roe September 3, 2019", dt.date(2019, 9, 3)),
    ("Арам Мартиросян 14 декабря 2022", dt.date(2022, 12, 14)),
    ("Анна Ли 3 мая 2010 года", dt.date(2010, 5, 3)),
    ("Анна Ли 1 марта 2010", dt.date(2010, 3, 1)),
])
def test_byline_dates_in_both_languages(text, expected):
    assert find_byline_date(text)[0] == expected


def test_impossible_byline_dates_are_ignored():
    assert find_byline_date("Feb 30, 2012") is None
    assert find_byline_date("no date here") is None


MARCH_12 = dt.date(2012, 3, 12)


@pytest.mark.parametrize("text", [
    "Mar 12, 2012", "March 12, 2012", "March 12th, 2012", "MARCH 12, 2012", "12 March 2012",
    "12 Mar. 2012", "12th of March, 2012", "March 12, 2012 - 1:12pm", "Posted: Mar 12, 2012 09:30",
    "12 марта 2012", "12 марта 2012 г.", "12 марта 2012 года", "12 мар. 2012", "12 март 2012",
    "12 марта 2012, 14:05", "14:05, 12 марта 2012", "Опубликовано: 12 марта 2012 в 14:05",
    "12.03.2012", "10:42 12.03.2012", "12.03.2012 10:42", "12.03.2012, 10:42",
    "Узбекистан | 22:45 / 12.03.2012", "2012-03-12", "2012-03-12T09:00:00+06:00",
    "12/03/2012 в Бишкеке",
])
def test_date_forms_in_both_languages(text):
    assert find_byline_date(text)[0] == MARCH_12


@pytest.mark.parametrize("text, expected", [
    ("1.2.2020", dt.date(2020, 2, 1)),
    ("3 мая 2010", dt.date(2010, 5, 3)),
    ("31 мая 2010", dt.date(2010, 5, 31)),
    ("1 сентября 2025", dt.date(2025, 9, 1)),
    ("Sept. 3, 2019", dt.date(2019, 9, 3)),
    ("12/25/2012", dt.date(2012, 12, 25)),   # only American order makes sense
    ("25/12/2012", dt.date(2012, 12, 25)),
])
def test_dates_read_by_their_only_possible_reading(text, expected):
    assert find_byline_date(text)[0] == expected


@pytest.mark.parametrize("text", [
    "Version: 0.1.0", "0.1.0", "v1.2.2020.5", "10.0.0.1", "+996 (312) 62-41-40",
    "тел. 0 312 62 41 40", "31.02.2020", "30.02.2024 10:00", "12.2020", "13.13.2013",
    "Feb 30, 2012", "31 апреля 2020", "12.03.1812", "Это 12 марта", "march 2012",
    "03/04/2012",  # English text: March 4 or 3 April, so neither
])
def test_things_that_are_not_dates(text):
    assert find_byline_date(text) is None


@pytest.mark.parametrize("day_first, expected", [
    (True, dt.date(2012, 4, 3)), (False, dt.date(2012, 3, 4)), (None, None),
])
def test_ambiguous_slashed_dates_follow_the_caller(day_first, expected):
    found = find_date("03/04/2012", day_first=day_first)
    assert (found[0] if found else None) == expected


@pytest.mark.parametrize("text, stamp", [
    ("Joshua Kucera Mar 12, 2012", "Mar 12, 2012"),
    ("10:42 12.03.2012 Политика", "10:42 12.03.2012"),
    ("Айгерим Садыкова 12 марта 2012, 14:05", "12 марта 2012, 14:05"),
    ("Обновлено 14:05, 12 марта 2012 г.", "14:05, 12 марта 2012 г."),
])
def test_span_covers_the_date_and_a_time_beside_it(text, stamp):
    date, start, end = find_byline_date(text)
    assert text[start:end] == stamp


def test_the_earliest_date_in_the_text_comes_first_whatever_its_form():
    assert find_byline_date("12.03.2012 (обновлено 13 марта 2012)")[0] == MARCH_12
    assert find_byline_date("12 марта 2012, updated Mar 13, 2012")[0] == MARCH_12


def test_iso_dates_keep_only_the_day():
    assert parse_iso_date("2012-03-12T09:00:00+04:00") == dt.date(2012, 3, 12)
    assert parse_iso_date("yesterday") is None


@pytest.mark.parametrize("value, end, expected", [
    ("2012", False, dt.date(2012, 1, 1)),
    ("2012", True, dt.date(2012, 12, 31)),
    ("2012-02", True, dt.date(2012, 2, 29)),
    ("2012-02", False, dt.date(2012, 2, 1)),
    ("2012-02-03", True, dt.date(2012, 2, 3)),
])
def test_filter_bounds_cover_whole_years_and_months(value, end, expected):
    assert parse_date_bound(value, end=end) == expected


@pytest.mark.parametrize("value", ["12.03.2012", "2012-13", "2012-02-30", "last year"])
def test_unreadable_filter_dates_say_what_to_type(value):
    with pytest.raises(ValueError, match="YYYY|real date"):
        parse_date_bound(value)
