"""A generation's dictionary translations: ``translations.json`` (format and reader).

The build reads a bilingual dictionary (``dictionaries.py``, from
``text/dictionary``) and keeps, for every English and Russian index term,
the other language's terms it translates to *that the generation holds*,
each with its weight (the k-th sense's 1/k) and the word to show:
``{"magic", "version", "source", "words": {english headword: [[term, weight,
word], …]}, "en": {english term: […]}, "ru": {russian term: […]}}``. ``source`` names the dictionaries. A generation without the
file was built without a dictionary: cross-language search then uses the
glossary, names and learned pairs alone.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import IndexFormatError

TRANSLATIONS = "translations.json"
TRANSLATIONS_MAGIC = "kartoteka-translations"
TRANSLATIONS_VERSION = 1


def read_translations(folder: Path) -> dict:
    """The generation's ``{"words": …, "en": …, "ru": …, "source": …}``; ``{}`` without."""
    path = Path(folder) / TRANSLATIONS
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise IndexFormatError(f"{path}: cannot be read ({error}); rebuild the index") from None
    if not isinstance(data, dict) or data.get("magic") != TRANSLATIONS_MAGIC \
            or data.get("version") != TRANSLATIONS_VERSION:
        raise IndexFormatError(f"{path}: not translations of version {TRANSLATIONS_VERSION}; "
                               "rebuild the index")
    return {side: data.get(side, {}) for side in ("words", "en", "ru", "source")}
