"""Dates as the archive's pages write them, and as researchers type them.

Pages of the region write a publication date in a handful of ways:
"Mar 12, 2012", "12 March 2012", "12 марта 2012 г.", "12.03.2012",
"12/03/2012", "2012-03-12", often with a time of day beside it
("10:42 12.03.2012", "12 марта 2012, 14:05"). ``find_date`` reads them all
and returns the earliest one in the text, its span covering an adjacent time
so a caller can cut the whole stamp out of a byline.

Numbers are where false dates come from, so numeric forms are strict: a day
and month that exist, a year from 1900 to 2099, and nothing dotted or
slashed around them (a version "0.1.0", an address "10.0.0.1" and a phone
number are not dates). "03/04/2012" is ambiguous: day first in Russian text
or when the caller knows its source is day-first, and otherwise not read.
"""

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
# The one table of Russian month names, as a date writes them ("12 марта").
RU_MONTH_GENITIVE = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля",
                     "августа", "сентября", "октября", "ноября", "декабря")
# Russian month words by their first three letters ("мая"/"май" → 5); the
# pattern below admits only real month words and their abbreviations.
RU_MONTHS = {name[:3]: i for i, name in enumerate(RU_MONTH_GENITIVE, start=1)}
RU_MONTHS.update({"май": 5, "мае": 5})
RU_MONTH_WORD = (r"(?:январ[ьяе]|феврал[ьяе]|март[ае]?|апрел[ьяе]|ма[йяе]|июн[ьяе]|"
                 r"июл[ьяе]|август[ае]?|сентябр[ьяе]|октябр[ьяе]|ноябр[ьяе]|декабр[ьяе]|"
                 r"янв|фев|мар|апр|июн|июл|авг|сент|сен|окт|нояб|ноя|дек)\.?")

DATE_FORMS = [re.compile(p, re.I) for p in (
    r"\b(?P<month>[a-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})\b",
    r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>[a-z]{3,9})\.?,?\s+"
    r"(?P<year>\d{4})\b",
    rf"(?<!\d)(?P<day>\d{{1,2}})\s+(?P<month>{RU_MONTH_WORD})\s*,?\s+(?P<year>\d{{4}})"
    r"(?:\s*(?:года|год|г\.|г)(?!\w))?",
    r"(?<![\d.])(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})(?!\d|\.\d)",
    r"(?<![\d/])(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})(?![\d/])",
    r"(?<![\d-])(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?!\d)",
)]
NUMERIC_YEARS = range(1900, 2100)
TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?(?!\w))?"
TIME_AFTER = re.compile(rf"\s*(?:[,/|–—-]|\bв\b|\bat\b)?\s*{TIME}(?!\d)", re.I)
TIME_BEFORE = re.compile(rf"(?<![\d:]){TIME}\s*[,/|–—-]?\s*$")
CYRILLIC = re.compile(r"[а-яё]", re.I)
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _make_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _resolve(match: re.Match, day_first: bool | None) -> dt.date | None:
    day, year, month_text = int(match["day"]), int(match["year"]), match["month"]
    if month_text.isdigit():
        month = int(month_text)
        if year not in NUMERIC_YEARS:
            return None
        if "/" in match.group(0) and day <= 12 and month <= 12 and day != month:
            if day_first is None:
                return None  # "03/04/2012" could be either: better no date than a wrong one
            if not day_first:
                day, month = month, day
        elif "/" in match.group(0) and month > 12 >= day:
            day, month = month, day  # American order, unambiguous
    elif CYRILLIC.match(month_text):
        month = RU_MONTHS.get(month_text[:3].lower())
    else:
        month = EN_MONTHS.get(month_text.lower().rstrip("."))
    return _make_date(year, month, day) if month else None


def find_date(text: str, day_first: bool | None = None) -> tuple[dt.date, int, int] | None:
    """The earliest date in ``text``, with the span of it and any time beside it.

    ``day_first`` settles "03/04/2012": True for day-first sources, False for
    American ones, None to decide by script (Russian text is day-first; other
    text leaves an ambiguous slashed date unread).
    """
    if day_first is None and CYRILLIC.search(text):
        day_first = True
    found = []
    for form in DATE_FORMS:
        for match in form.finditer(text):
            date = _resolve(match, day_first)
            if date:
                found.append((match.start(), match.end(), date))
                break
    if not found:
        return None
    start, end, date = min(found, key=lambda f: f[0])
    if after := TIME_AFTER.match(text, end):
        end = after.end()
    if before := TIME_BEFORE.search(text[:start]):
        start = before.start()
    return date, start, end


def find_byline_date(text: str) -> tuple[dt.date, int, int] | None:
    """The first date in a byline or page text, in any form ``find_date`` reads.

    Returns the date with the start and end offsets of the match (a time
    written next to the date is inside them).
    """
    return find_date(text)


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
