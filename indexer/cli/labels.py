"""Interface words for the search service's values, in English and Russian.

The search core returns values (``kazakhstan``, ``ru``, ``2019``,
``undated``); the CLI and the web app show them to people through these
tables. Region names come from the region taxonomy (``text/regions.py``),
which lists them for matching too.
"""

from __future__ import annotations

from ..engine.schema import UNDATED
from ..text.regions import region_label

INTERFACE_LANGUAGES = ("en", "ru")
LANGUAGE_NAMES = {"en": {"en": "English", "ru": "Russian"},
                  "ru": {"en": "Английский", "ru": "Русский"}}
UNDATED_LABEL = {"en": "undated", "ru": "без даты"}


def value_label(facet: str, value: str, ui: str = "en") -> str:
    """How a facet value reads in the interface language ``ui``."""
    ui = ui if ui in INTERFACE_LANGUAGES else "en"
    if facet in ("region", "region_group"):
        return region_label(value, ui)
    if facet == "lang":
        return LANGUAGE_NAMES[ui].get(value, value)
    if facet == "year" and value == UNDATED:
        return UNDATED_LABEL[ui]
    return value


def labelled_facets(facets: dict[str, list[dict]], ui: str = "en") -> dict[str, list[dict]]:
    """The service's facets with a ``label`` on each value; values of equal
    count in label order (years stay in year order)."""
    labelled = {}
    for facet, entries in facets.items():
        entries = [dict(e, label=e.get("labels", {}).get(ui) or value_label(facet, e["value"], ui))
                   for e in entries]
        if facet != "year":
            entries.sort(key=lambda e: e["label"].casefold())
            entries.sort(key=lambda e: -e["count"])  # stable: ties keep label order
        labelled[facet] = entries
    return labelled
