"""Read one JSON Lines record: an article with the Article model's fields.

The file is walked line by line in ``corpus.py`` (one loop, with its size
and encoding checks); this module reads what one line says.
"""

from __future__ import annotations

import json

from ..model import Article, BadRecord
from ..text.analysis import guess_language
from ..text.dates import parse_iso_date

LIST_FIELDS = ("authors", "regions", "topics")
TEXT_FIELDS = ("id", "url", "lang", "title", "body", "translation", "date", "outlet",
               "publisher")


def read_json_line(line: str) -> Article:
    """One record as an Article; raises ``BadRecord`` saying what is wrong.

    A record needs ``body`` and one of ``id`` or ``url``; a date that cannot
    be read is dropped with a note rather than losing the article.
    """
    try:
        record = json.loads(line)
    except ValueError as error:
        raise BadRecord(f"invalid JSON ({error})") from None
    return _article_from_record(record)


def _article_from_record(record) -> Article:
    if not isinstance(record, dict):
        raise BadRecord("a record must be a JSON object")
    for name in TEXT_FIELDS:
        if record.get(name) is not None and not isinstance(record[name], str):
            raise BadRecord(f"field {name!r} must be a string")
    for name in LIST_FIELDS:
        value = record.get(name)
        if isinstance(value, str):
            record[name] = [value]
        elif value is not None and not (
                isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise BadRecord(f"field {name!r} must be a list of strings")
    if not (record.get("id") or record.get("url")):
        raise BadRecord("the record has neither 'id' nor 'url'")
    body = (record.get("body") or "").strip()
    if not body:
        raise BadRecord("the record has no body text")
    date, notes = None, []
    if record.get("date"):
        date = parse_iso_date(record["date"])
        if date is None:
            notes.append(f"cannot read the date {record['date'][:40]!r} (use YYYY-MM-DD); "
                         "indexed without a date")
    lang = record.get("lang") or guess_language(body)
    if lang not in ("en", "ru"):
        raise BadRecord(f"unknown language {lang!r} (use en or ru)")
    # What the record gives is taken as given (kartoteka inspect says so).
    sources = {name: "given in the record" for name in (*TEXT_FIELDS, *LIST_FIELDS)
               if record.get(name) and name != "body"}
    if not record.get("lang"):
        sources["lang"] = "guessed from the body"
    if "date" in sources and date is None:
        del sources["date"]
    return Article(
        id=(record.get("id") or "").strip(),
        lang=lang,
        title=(record.get("title") or "").strip(),
        body=body,
        url=record.get("url") or None,
        authors=record.get("authors") or [],
        date=date,
        regions=record.get("regions") or [],
        topics=record.get("topics") or [],
        translation=record.get("translation") or None,
        outlet=record.get("outlet") or record.get("publisher") or "",  # normalized in corpus.py
        notes=notes,
        sources=sources,
    )
