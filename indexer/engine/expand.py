"""Both languages at once: query words that name a region also search its other names.

A researcher who types ``Kyrgyzstan`` wants the Russian articles on
«Кыргызстан» and «Киргизия» too. After parsing, every title/body term that is
a one-word region name (``text/regions.name_terms``) becomes an OR of itself
and the region's other names in both scripts, each at half the weight, so an
article with the word as typed ranks above one that only has another name.
Phrases and patterns are left as they are.
"""

from __future__ import annotations

import re

from whoosh import query

from ..text.analysis import normal_forms
from ..text.regions import name_terms, region_names
from .schema import SEARCH_FIELDS

CROSS_WEIGHT = 0.5  # of the typed word's weight, for each added name
WORD = re.compile(r"[^\W_]+")


def expand_regions(q, text: str):
    """``(query, expansions)``: ``q`` with region names widened, and what was
    added as ``[{"word", "added", "why": "region"}]``."""
    terms = name_terms()
    used: dict[str, str] = {}  # slug → the index term the query had

    def widen(node):
        if isinstance(node, query.Term):
            word = node.text.decode("utf-8") if isinstance(node.text, bytes) else node.text
            if node.fieldname in SEARCH_FIELDS and word in terms:
                slug, others = terms[word]
                used.setdefault(slug, word)
                return query.Or([node] + [query.Term(node.fieldname, other,
                                                     boost=node.boost * CROSS_WEIGHT)
                                          for other in sorted(others)])
            return node
        if isinstance(node, (query.Phrase, query.PatternQuery)):
            return node
        if isinstance(node, query.Not):
            node.query = widen(node.query)
        elif hasattr(node, "subqueries"):
            node.subqueries = [widen(child) for child in node.subqueries]
        elif hasattr(node, "a") and hasattr(node, "b"):
            node.a, node.b = widen(node.a), widen(node.b)
        return node

    widened = widen(q)
    expansions = []
    for slug, term in used.items():
        typed = next((w for w in WORD.findall(text)
                      if term in normal_forms(w.lower().replace("ё", "е"))), term)
        added = [name for name in region_names(slug)
                 if name.casefold() != typed.casefold()]
        expansions.append({"word": typed, "added": added, "why": "region"})
    return widened, expansions
