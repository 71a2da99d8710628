"""Searches that lead nowhere, and the way out of each: a date that cannot be
read, and a search without hits.

A person who typed ``from=2020-13-45`` should see the date as typed, in the
box they typed it in, with a link that drops it; one whose search found
nothing should see what was searched and each filter with a link that
removes it, not an empty chart and headings over nothing.
"""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from .i18n import TEXT
from .params import query_string, with_changes

DATE_KEYS = ("from", "to")
DATES_REVERSED = "the 'from' date is after the 'to' date"


def date_trouble(current: MultiDict, message: str, ui: str) -> dict | None:
    """The date form again when ``message`` (the core's, in English) is about a
    date: the values as typed, the state to keep, and links removing the bad
    date (or both, when ``from`` is after ``to``); ``None`` for other errors."""
    typed = {key: current.get(key, "") for key in DATE_KEYS}
    if message.startswith(DATES_REVERSED):
        bad = [key for key in DATE_KEYS if typed[key]]
    else:
        bad = [key for key in DATE_KEYS if typed[key] and repr(typed[key]) in message]
    if not bad:
        return None
    t = TEXT[ui]
    removals = [{"key": key, "label": f"{t['bad_date']}: {t[key]} {typed[key]}",
                 "url": query_string(with_changes(current, **{key + "_": None}))}
                for key in bad]
    if len(bad) == 2:
        removals = [{"key": "dates", "label": t["bad_dates"],
                     "url": query_string(with_changes(current, from_=None, to=None))}]
    return {"from": typed["from"], "to": typed["to"], "bad": bad, "removals": removals,
            "hidden": [(k, v) for k, v in current.items(multi=True)
                       if k not in (*DATE_KEYS, "page")]}


def empty_heading(query: str, ui: str) -> str:
    """"No articles match “q”." (or, with no words, that no article matches)."""
    t = TEXT[ui]
    return t["empty_for"].format(q=t["quoted"].format(q=query)) if query.strip() else t["empty"]
