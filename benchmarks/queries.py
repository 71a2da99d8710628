"""The fixed query mix, chosen from the synthetic vocabulary by frequency rank.

Every system answers the same mix; each query is a dict with ``name``,
``kind`` (what sort of search it is, for the per-kind figures: ``KINDS``),
``q`` (query text; words ANDed, ``"…"`` a phrase, ``*`` a pattern), and
optional filters ``regions``, ``date_from``, ``date_to``. A query a baseline
cannot run as written carries what it can run instead (``bylines``,
``prefix``); ``systems`` says which baseline takes which.
"""

from __future__ import annotations

from indexer.text.analysis import STOP_WORDS, morph_analyzer, normal_forms
from indexer.text.glossary import shipped_glossary

from .synthetic import Vocabulary, authors

RARE_RANK = 2500
PATTERN_PREFIX = 4  # letters before a pattern's "*"

# In the order the tables list them.
KINDS = ("term", "AND", "phrase", "phrase of common words", "translations", "author",
         "pattern", "browse")


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


def _multi_reading_ranks(vocab: Vocabulary, n: int) -> list[int]:
    """Ranks of the ``n`` most frequent lower-case forms, stop words aside, that the
    analyzer reads in several ways («это»: это, этот; «лет»: год, лет): each
    position of a phrase of them is an OR of readings, the hard case."""
    ranks = [rank for rank, w in enumerate(vocab.forms)
             if w.isalpha() and w.islower() and w not in STOP_WORDS and len(normal_forms(w)) > 1]
    return ranks[:n]


def _translated(words: list[str]) -> str:
    """The most frequent of ``words`` whose reading the shipped glossary translates
    («границы»: border), so kartoteka is known to search it in both languages."""
    glossary = shipped_glossary()
    return next(w for w in words if glossary.equivalents(normal_forms(w)[0]))


def _pattern(word: str) -> dict:
    """A mid-word pattern on the index term of ``word`` (its stem or normal form,
    which is what patterns match): its first letters, ``*``, its last two."""
    term = normal_forms(word)[0]
    return {"q": f"{term[:PATTERN_PREFIX]}*{term[-2:]}", "prefix": f"{term[:PATTERN_PREFIX]}*"}


def _author() -> dict:
    """The corpus's most frequent author, searched by surname as a researcher types
    it; kartoteka also finds the Russian byline by transliteration."""
    english, russian = authors()[0]
    return {"q": f"author:{english.split()[-1]}", "bylines": [english, russian]}


def query_mix(vocab: dict[str, Vocabulary]) -> list[dict]:
    """The queries every system runs, with the filtered browse query last."""
    en, ru = _content_words(vocab["en"]), _content_words(vocab["ru"])
    return [
        {"name": "en common term", "kind": "term", "q": en[0]},
        {"name": "en rare term", "kind": "term", "q": en[min(RARE_RANK, len(en) - 1)]},
        {"name": "ru common term", "kind": "term", "q": ru[0]},
        {"name": "ru rare term", "kind": "term", "q": ru[min(RARE_RANK, len(ru) - 1)]},
        {"name": "ru inflected form", "kind": "term", "q": _inflected(ru[1:200])},
        {"name": "en two-word AND", "kind": "AND", "q": f"{en[1]} {en[2]}"},
        {"name": "ru two-word AND", "kind": "AND", "q": f"{ru[1]} {ru[2]}"},
        {"name": "en three-word AND", "kind": "AND", "q": f"{en[3]} {en[4]} {en[5]}"},
        {"name": "en phrase", "kind": "phrase", "q": f'"{en[0]} {en[1]}"'},
        # Phrases of words in nearly every article ("and for", «что не»): the
        # candidates are the whole language's articles.
        {"name": "en phrase of common words", "kind": "phrase of common words",
         "q": _common_phrase(vocab["en"], 4, 10)},
        {"name": "ru phrase of common words", "kind": "phrase of common words",
         "q": _common_phrase(vocab["ru"], 4, 3)},
        # "of the people", «в это говорят»: the shapes researchers quote ("the
        # Party of Regions", «в этом году»), the Russian one of several readings.
        {"name": "en three-word phrase of common words", "kind": "phrase of common words",
         "q": f'"{vocab["en"].forms[1]} {vocab["en"].forms[0]} {en[0]}"'},
        {"name": "ru three-word phrase of common words", "kind": "phrase of common words",
         "q": _common_phrase(vocab["ru"], 0, *_multi_reading_ranks(vocab["ru"], 2))},
        {"name": "ru word with translations", "kind": "translations", "q": _translated(ru)},
        # A question's words, each searched with its dictionary translations too.
        {"name": "en 15 words ORed, translated", "kind": "translations",
         "q": " OR ".join(en[10:160:10])},
        {"name": "ru 15 words ORed, translated", "kind": "translations",
         "q": " OR ".join(ru[10:160:10])},
        {"name": "author's surname", "kind": "author", **_author()},
        {"name": "en wildcard", "kind": "pattern", "q": f"{en[6][:4]}*"},
        {"name": "ru wildcard", "kind": "pattern", "q": f"{ru[6][:4]}*"},
        {"name": "ru mid-word wildcard", "kind": "pattern", **_pattern(ru[7])},
        {"name": "empty query, region + dates", "kind": "browse", "q": "",
         "regions": ["central-asia"], "date_from": "2015", "date_to": "2019"},
    ]


def search_params(query: dict) -> list[tuple[str, str]]:
    """A query of the mix as the web app's URL parameters."""
    params = [("q", query["q"])] + [("region", r) for r in query.get("regions", ())]
    return params + [(k.replace("date_", ""), query[k]) for k in ("date_from", "date_to")
                     if query.get(k)]
