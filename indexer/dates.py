"""Dates as the archive writes them, and as researchers type them."""

from __future__ import annotations

import calendar
import datetime as dt
import re

EN_MONTHS = {
    name: i
    for i in range(1, 13)
    for name in (calendar.month_name[i].lower(), calendar.month_abbr[i].lower())
}
EN_MONTHS["sept"] = 9

RU_MONTHS = {
    stem: i
    for i, stem in enumerate(
        ["январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август",
         "сентябр", "октябр", "ноябр", "декабр"], start=1)
}

EN_DATE = re.compile(r"\b([A-Z][a-z]{2,8})\.? (\d{1,2}), (\d{4})\b")
RU_DATE = re.compile(r"\b(\d{1,2}) ([а-яё]{3,9}) (\d{4})(?: г(?:ода|\.)?)?(?!\w)", re.I)
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _make_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _ru_month(word: str) -> int | None:
    word = word.lower()
    for stem, number in RU_MONTHS.items():
        # "ма" must be the whole stem of "мая"/"май", not "март".
        if word.startswith(stem) and (stem != "ма" or word in ("мая", "май")):
            return number
    return None


def find_byline_date(text: str) -> tuple[dt.date, int, int] | None:
    """The first date written as "Mar 12, 2012" or "14 декабря 2022" in text.

    Returns the date with the start and end offsets of the match.
    """
    for match in EN_DATE.finditer(text):
        month = EN_MONTHS.get(match.group(1).lower())
        if month:
            date = _make_date(int(match.group(3)), month, int(match.group(2)))
            if date:
                return date, match.start(), match.end()
    for match in RU_DATE.finditer(text):
        month = _ru_month(match.group(2))
        if month:
            date = _make_date(int(match.group(3)), month, int(match.group(1)))
            if date:
                return date, match.start(), match.end()
    return None


def parse_iso_date(value: str) -> dt.date | None:
    """The date at the start of an ISO 8601 string ("2012-03-12T09:00Z")."""
    match = ISO_DATE.match(value.strip())
    if not match:
        return None
    return _make_date(*(int(g) for g in match.groups()))


def parse_date_bound(value: str, end: bool = False) -> dt.date:
    """A filter bound from ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

    With ``end`` the bound is the last day of the year or month given.
    Raises ``ValueError`` with a message a person can act on.
    """
    text = value.strip()
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text)
    if not match:
        raise ValueError(
            f"cannot read the date {value!r}: use YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else (12 if end else 1)
    if match.group(3):
        day = int(match.group(3))
    elif end and 1 <= month <= 12:
        day = calendar.monthrange(year, month)[1]
    else:
        day = 1
    date = _make_date(year, month, day)
    if date is None:
        raise ValueError(f"{value!r} is not a real date")
    return date
