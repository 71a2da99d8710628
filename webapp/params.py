"""The page's state in its URL: reading it into a SearchRequest, and link helpers.

Every bit of state is a query parameter, so a search is a permalink:
``q``, repeated ``region``/``author``/``lang``/``topic``/``outlet``, ``from``, ``to``,
``undated=1`` (articles without a date; with ``from``/``to``, "or undated"),
``sort``, ``page``, ``per_page``, ``chart`` (count or share), ``match`` (which
articles count: ``all``, ``typed``, ``readings``, ``translations``) and ``ui``.
Beside a search's state, an article's link carries ``hit`` (its rank in that
search, for previous/next), and a facet's "more" view reads ``find`` (its
filter box) and ``order`` (``count`` or ``az``); neither is search state.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from indexer import QueryError, SearchRequest, region_slug

MULTI = ("region", "author", "lang", "topic", "outlet")
STATE_KEYS = ("q", "region", "author", "lang", "topic", "outlet", "from", "to", "undated", "sort",
              "page", "per_page", "chart", "ui", "cross", "match")
# Each repeated parameter and the SearchRequest field it fills; ``topic`` only
# once the service can filter by topic.
_REQUEST_FIELDS = {f.name for f in dataclasses.fields(SearchRequest)}
MULTI_FIELDS = {key: key + "s" for key in MULTI if key + "s" in _REQUEST_FIELDS}


def _int(args: MultiDict, key: str, default: int) -> int:
    value = args.get(key, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise QueryError(f"'{key}' must be a whole number, not {value!r}") from None


def _flag(args: MultiDict, key: str) -> bool:
    value = args.get(key, "").strip()
    if value not in ("", "0", "1"):
        raise QueryError(f"'{key}' must be 1 (or 0), not {value!r}")
    return value == "1"


def search_request(args: MultiDict, per_page: int, default_match: str = "all") -> SearchRequest:
    """The SearchRequest that URL parameters describe; ``QueryError`` if unreadable.
    ``match`` (which articles count) is ``default_match`` unless the URL says."""
    return SearchRequest(
        query=args.get("q", ""),
        **{field: tuple(v for v in args.getlist(key) if v) for key, field in MULTI_FIELDS.items()},
        date_from=args.get("from") or None,
        date_to=args.get("to") or None,
        undated=_flag(args, "undated"),
        cross=_flag(args, "cross") or args.get("cross", "").strip() != "0",  # on unless 0
        sort=args.get("sort") or "relevance",
        match=args.get("match", "").strip() or default_match,
        page=_int(args, "page", 1),
        per_page=_int(args, "per_page", per_page),
    )


def state(args: MultiDict) -> MultiDict:
    """Only the parameters that make up the page's state, empty ones dropped;
    a region given by name ("Киргизия") is kept as its slug."""
    return MultiDict([(k, region_slug(v) or v if k == "region" else v)
                      for k, v in args.items(multi=True) if k in STATE_KEYS and v])


def query_string(args: MultiDict) -> str:
    """``?a=1&b=2`` for non-empty args, or ``?`` alone."""
    return "?" + urlencode(list(args.items(multi=True)))


def with_changes(args: MultiDict, **changes) -> MultiDict:
    """A copy with keys replaced (``None`` removes); filters reset the page."""
    new = MultiDict(args)
    for key, value in changes.items():
        key = key.rstrip("_")
        new.poplist(key)
        if value is not None:
            new.setlist(key, value if isinstance(value, list) else [value])
    if any(k.rstrip("_") != "page" for k in changes):
        new.poplist("page")
    return new


def toggled(args: MultiDict, key: str, value: str) -> MultiDict:
    """Add ``value`` to a multi-valued filter, or take it away if present."""
    values = args.getlist(key)
    values = [v for v in values if v != value] if value in values else values + [value]
    return with_changes(args, **{key: values or None})


def without(args: MultiDict, key: str, value: str | None = None) -> MultiDict:
    """Remove one value of a filter, or the whole filter."""
    if value is None:
        return with_changes(args, **{key: None})
    return with_changes(args, **{key: [v for v in args.getlist(key) if v != value] or None})
