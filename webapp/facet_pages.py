"""The "more" view of one facet: every value with its count in the current
search, a filter box (case and ё aside) and two orders."""

from __future__ import annotations

import dataclasses

from werkzeug.datastructures import MultiDict

from indexer import QueryError, SearchService, labelled_facets

from .i18n import TEXT, error_message, ui_language
from .pages import FACET_VIEWS, _chips, _clear_url, _entry, _switch_ui
from .params import query_string, search_request, state, without

FACET_ORDERS = ("count", "az")
MAX_FIND_CHARS = 100


def facet_page(service: SearchService, name: str, args: MultiDict, per_page: int) -> dict | None:
    """A facet's "more" view: every value with its count in the current search;
    ``None`` for a facet without one.

    ``find`` keeps the values whose label (or value) holds it, ignoring case
    and ё/е; ``order`` is ``count`` (most hits first, the default) or ``az``.
    Each value links to the search with it toggled.
    """
    if name not in FACET_VIEWS:
        return None
    ui = ui_language(args.get("ui"))
    current = state(args)
    find = args.get("find", "").strip()[:MAX_FIND_CHARS]
    order = args.get("order") if args.get("order") in FACET_ORDERS else "count"
    view = MultiDict(without(current, "page"))
    page = {"ui": ui, "t": TEXT[ui], "name": name, "heading": TEXT[ui][FACET_VIEWS[name]],
            "q": current.get("q", ""), "find": find, "order": order, "error": None,
            "values": [], "total_values": 0,
            "hidden": list(view.items(multi=True)),
            "back_url": query_string(view),
            "chips": _chips(current, ui), "clear_url": _clear_url(current),
            "order_urls": {o: query_string(_view_args(view, find, o)) for o in FACET_ORDERS},
            "api_args": query_string(_view_args(view, find, order)),
            "other_ui_url": query_string(_switch_ui(_view_args(view, find, order), ui))}
    try:
        request = dataclasses.replace(search_request(current, per_page), page=1, per_page=1)
        entries = labelled_facets(service.search(request)["facets"], ui).get(name, [])
    except QueryError as error:
        page["error"] = error_message(str(error), ui)
        return page
    values = [_entry(e, current, name) for e in entries]
    if find:
        wanted = _comparable(find)
        values = [v for v in values
                  if wanted in _comparable(v["label"]) or wanted in _comparable(v["value"])]
    if order == "az":
        values.sort(key=lambda v: _comparable(v["label"]))
    page.update(values=values, total_values=len(entries))
    return page


def _view_args(view: MultiDict, find: str, order: str) -> MultiDict:
    """A facet view's URL state: the search's, then the filter box and the order."""
    args = MultiDict(view)
    if find:
        args.add("find", find)
    if order != "count":
        args.add("order", order)
    return args


def _comparable(text: str) -> str:
    """Text compared as a reader would: case and ё/е ignored."""
    return text.casefold().replace("ё", "е")
