"""The fixed query mix, chosen from the synthetic vocabulary by frequency rank.

Every system answers the same mix; each query is a dict with ``name``,
``q`` (query text; words ANDed, ``"…"`` a phrase, ``*`` a prefix), and
optional filters ``regions``, ``date_from``, ``date_to``.
"""

from __future__ import annotations

from indexer.text.analysis import STOP_WORDS, morph_analyzer

from .synthetic import Vocabulary

RARE_RANK = 2500


def _content_words(vocab: Vocabulary, min_len: int = 5) -> list[str]:
    return [w for w in vocab.forms
            if len(w) >= min_len and w.isalpha() and w.lower() not in STOP_WORDS
            and w.islower()]


def _inflected(words: list[str]) -> str:
    """A frequent Russian form whose dictionary form differs from it."""
    morph = morph_analyzer()
    for word in words:
        parse = morph.parse(word)[0]
        if parse.is_known and parse.normal_form != word and "nomn" not in str(parse.tag):
            return word
    return words[0]


def _common_phrase(vocab: Vocabulary, *ranks: int) -> str:
    """A quoted phrase of the vocabulary's most frequent forms (stop words included)."""
    return '"' + " ".join(vocab.forms[rank] for rank in ranks) + '"'


def query_mix(vocab: dict[str, Vocabulary]) -> list[dict]:
    """The queries every system runs, with the filtered browse query last."""
    en, ru = _content_words(vocab["en"]), _content_words(vocab["ru"])
    return [
        {"name": "en common term", "q": en[0]},
        {"name": "en rare term", "q": en[min(RARE_RANK, len(en) - 1)]},
        {"name": "ru common term", "q": ru[0]},
        {"name": "ru rare term", "q": ru[min(RARE_RANK, len(ru) - 1)]},
        {"name": "ru inflected form", "q": _inflected(ru[1:200])},
        {"name": "en two-word AND", "q": f"{en[1]} {en[2]}"},
        {"name": "ru two-word AND", "q": f"{ru[1]} {ru[2]}"},
        {"name": "en three-word AND", "q": f"{en[3]} {en[4]} {en[5]}"},
        {"name": "en phrase", "q": f'"{en[0]} {en[1]}"'},
        # Phrases of words in nearly every article ("and for", «что не»): the
        # candidates are the whole language's articles.
        {"name": "en phrase of common words", "q": _common_phrase(vocab["en"], 4, 10)},
        {"name": "ru phrase of common words", "q": _common_phrase(vocab["ru"], 4, 3)},
        {"name": "en wildcard", "q": f"{en[6][:4]}*"},
        {"name": "ru wildcard", "q": f"{ru[6][:4]}*"},
        {"name": "empty query, region + dates", "q": "", "regions": ["central-asia"],
         "date_from": "2015", "date_to": "2019"},
    ]


def search_params(query: dict) -> list[tuple[str, str]]:
    """A query of the mix as the web app's URL parameters."""
    params = [("q", query["q"])] + [("region", r) for r in query.get("regions", ())]
    return params + [(k.replace("date_", ""), query[k]) for k in ("date_from", "date_to")
                     if query.get(k)]
