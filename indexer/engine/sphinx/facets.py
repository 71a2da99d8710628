"""A cluster build's facet values: the ids its attributes hold.

Filters arrive as values (``contract.Filters``) and are sent as the ids the
build numbered them with (``dictionary.json``); facet counts come back by id
and are named again. An author is found under any spelling of their name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ...text.analysis import fold_yo
from ...text.names import full_name_key
from ...text.outlets import outlet_filter_key
from ..contract import Filters
from ..schema import UNDATED
from .terms import FACET_ATTRS


class FacetValues:
    """The values of each facet of one build, and their ids."""

    def __init__(self, dictionary: dict):
        self.values: dict[str, dict[str, int]] = dictionary["facets"]
        self.names = {facet: {i: v for v, i in ids.items()} for facet, ids in self.values.items()}
        self.spellings = dictionary.get("spellings", {}).get("author", {})
        # A topic under its name in either language, in any case.
        self.topics = {_name_key(s): v for s, v in
                       dictionary.get("spellings", {}).get("topic", {}).items()}
        # An outlet under any of its names or hosts.
        self.outlets = {outlet_filter_key(s): v for s, v in
                        dictionary.get("spellings", {}).get("outlet", {}).items()}

    def count(self, facet: str) -> int:
        """How many values the facet has."""
        return len(self.values.get(facet, ()))

    def counts(self, facet: str, counted: list[tuple[int, int]],
               years: Iterable[int] = ()) -> dict[str, int]:
        """Counts by value, every value of the facet listed, in label order (for
        years, every one of ``years``, the build's, 0 for undated)."""
        if facet == "year":
            found = {(str(v) if v else UNDATED): 0 for v in years}
            found.update({(str(v) if v else UNDATED): n for v, n in counted})
            return dict(sorted(found.items(), key=lambda kv: kv[0].casefold()))
        names = self.names[facet]
        counts = {names[v]: n for v, n in counted if v in names}
        return {value: counts.get(value, 0)
                for value in sorted(self.values[facet], key=str.casefold)}

    def conditions(self, filters: Filters) -> dict[str, tuple[list, list, list]]:
        """Each filtered dimension as (select expressions, WHERE parts, arguments)."""
        found = {}
        for dimension, values in (("region", filters.regions), ("author", filters.authors),
                                  ("lang", filters.langs), ("topic", filters.topics),
                                  ("outlet", filters.outlets)):
            if values:
                ids = [self.value_id(dimension, v) for v in values]
                found[dimension] = ([], [f"{FACET_ATTRS[dimension]} IN ({', '.join(map(str, ids))})"], [])
        if filters.dated or filters.undated:
            start = int(filters.date_start or 1)
            end = int(filters.date_end or dt.date.max.toordinal())
            in_range = f"IF(day >= {start}, IF(day <= {end}, 1, 0), 0)"
            if filters.dated and filters.undated:
                found["date"] = ([f"IF(undated = 1, 1, {in_range}) AS datefit"],
                                 ["datefit = 1"], [])
            elif filters.dated:
                found["date"] = ([], ["undated = 0", f"day >= {start}", f"day <= {end}"], [])
            else:
                found["date"] = ([], ["undated = 1"], [])
        return found

    def value_id(self, dimension: str, value: str) -> int:
        """A filter value's id (0, which no document holds, when the index has none);
        an author under any spelling of their name."""
        if dimension == "author":
            by_key = {full_name_key(s) or _name_key(s): v for s, v in self.spellings.items()}
            value = by_key.get(full_name_key(value) or _name_key(value), value)
        if dimension == "topic":
            value = self.topics.get(_name_key(value), value)
        if dimension == "outlet":
            value = self.outlets.get(outlet_filter_key(value), value)
        return self.values[dimension].get(value, 0)


def _name_key(name: str) -> str:
    return " ".join(fold_yo(name).casefold().split())
