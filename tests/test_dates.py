"""Dates in bylines and in filters."""

import datetime as dt

import pytest

from indexer.dates import find_byline_date, parse_date_bound, parse_iso_date


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
