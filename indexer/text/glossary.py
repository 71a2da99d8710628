"""The bilingual glossary: English↔Russian subject words for query expansion.

A researcher who types "elections" also wants the Russian articles on
«выборы», and one who types «беженцев» the English ones on refugees. The
glossary is a plain text file of English↔Russian pairs
(``indexer/data/glossary.tsv``, format described in its header); users may
add files of the same format, read after the shipped one.

Lookups speak the index's language, not the glossary's spelling: each side is
run once, at load, through the same analyzer as the text, so a query word
reduced to its index terms finds a pair by any of its forms. A one-word side
is filed under *every* normal form of its word («выборы» under выборы and
выбор, as the index files «выборах» under both). A side of several words
("gas pipeline") is never looked up itself: a query word matching only one of
its words is not asking for it. It is still handed out as an equivalent,
already split into index positions, ready to become a phrase query.

Topics are one value in both languages through it (``topic_key``): "Politics"
and «Политика» are one topic, labelled in each interface language.

Bad lines are data, not errors: a user's typo should not stop a search
service from starting, so each one is skipped and reported with its file and
line in ``Glossary.problems``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .analysis import CYRILLIC, LATIN, analyze

GLOSSARY_FILE = Path(__file__).resolve().parent.parent / "data" / "glossary.tsv"


@dataclass(frozen=True)
class Equivalent:
    """One side of a pair, offered for a query word of the other language.

    ``positions`` holds the side's index terms per word position, each sorted:
    "gas pipeline" is ``(("gas",), ("pipelin",))``.
    """

    text: str
    lang: str
    positions: tuple[tuple[str, ...], ...]


class GlossaryLineError(ValueError):
    """Why one line of a glossary file cannot be a pair."""


def _script(side: str) -> str | None:
    """``en`` for Latin letters only, ``ru`` for Cyrillic only, else None.

    Mixed scripts usually mean a look-alike letter typed in the wrong layout
    ("electiоn" with a Cyrillic о), which would never match a query.
    """
    lower = side.lower()
    latin, cyrillic = bool(LATIN.search(lower)), bool(CYRILLIC.search(lower))
    if latin == cyrillic:
        return None
    return "en" if latin else "ru"


def _analyzed_side(text: str, lang: str) -> Equivalent:
    """The side with its index positions, as a query for it would see them."""
    positions = tuple(tuple(sorted(terms)) for terms in analyze(text))
    if not positions:
        raise GlossaryLineError(f"{text!r} has no index terms")
    return Equivalent(text, lang, positions)


def parse_pair(line: str) -> tuple[Equivalent, Equivalent]:
    """The (English, Russian) sides of one ``english<TAB>russian`` line."""
    sides = line.split("\t")
    if len(sides) == 1:
        raise GlossaryLineError("no tab between the English and the Russian side")
    if len(sides) > 2:
        raise GlossaryLineError("more than one tab: expected english<TAB>russian")
    english, russian = (" ".join(side.split()) for side in sides)
    if not english:
        raise GlossaryLineError("empty English side")
    if not russian:
        raise GlossaryLineError("empty Russian side")
    scripts = (_script(english), _script(russian))
    if scripts == ("en", "en"):
        raise GlossaryLineError("both sides are English")
    if scripts == ("ru", "ru"):
        raise GlossaryLineError("both sides are Russian")
    if scripts == ("ru", "en"):
        raise GlossaryLineError("sides swapped: expected english<TAB>russian")
    if scripts[0] != "en":
        raise GlossaryLineError(f"English side {english!r} is not in Latin script")
    if scripts[1] != "ru":
        raise GlossaryLineError(f"Russian side {russian!r} is not in Cyrillic script")
    return _analyzed_side(english, "en"), _analyzed_side(russian, "ru")


def read_pairs(path: Path, problems: list[str]) -> list[tuple[Equivalent, Equivalent]]:
    """The pairs of one glossary file; bad lines go to ``problems`` instead.

    Lines are decoded one by one, so a single line saved in another encoding
    costs that line only. A byte-order mark (Windows editors) is ignored.
    """
    pairs = []
    for number, raw in enumerate(path.read_bytes().splitlines(), start=1):
        try:
            line = raw.decode("utf-8")
            if number == 1:
                line = line.removeprefix("\ufeff")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            pairs.append(parse_pair(line))
        except UnicodeDecodeError:
            problems.append(f"{path}:{number}: not valid UTF-8")
        except GlossaryLineError as error:
            problems.append(f"{path}:{number}: {error}")
    return pairs


class Glossary:
    """English↔Russian pairs, filed under the index terms of their one-word sides."""

    def __init__(self, pairs: Iterable[tuple[Equivalent, Equivalent]],
                 problems: Iterable[str] = ()):
        # A pair listed twice (a user file repeating a shipped one) counts once.
        self.pairs = list(dict.fromkeys(pairs))
        self.problems = list(problems)
        by_term: dict[str, list[Equivalent]] = {}
        for english, russian in self.pairs:
            for own, other in ((english, russian), (russian, english)):
                if len(own.positions) != 1:
                    continue
                for term in own.positions[0]:
                    found = by_term.setdefault(term, [])
                    if other not in found:
                        found.append(other)
        self._by_term = {term: tuple(found) for term, found in by_term.items()}
        # Whole sides by their positions, for topics of several words ("human rights").
        self._by_side: dict[tuple, list[Equivalent]] = {}
        # Whole sides as written (case aside), for a topic named by one.
        self._by_spelling: dict[str, list[Equivalent]] = {}
        for english, russian in self.pairs:
            for own, other in ((english, russian), (russian, english)):
                found = self._by_side.setdefault(own.positions, [])
                if other not in found:
                    found.append(other)
                self._by_spelling.setdefault(own.text.casefold(), []).append(other)

    @classmethod
    def load(cls, extra: Iterable[Path] = ()) -> Glossary:
        """The shipped glossary, then each file of ``extra``, in that order.

        Malformed lines land in ``problems``; a missing file raises
        ``FileNotFoundError``, as a whole file the user asked for should not
        quietly be left out.
        """
        problems: list[str] = []
        pairs = read_pairs(GLOSSARY_FILE, problems)
        for path in extra:
            pairs += read_pairs(Path(path), problems)
        return cls(pairs, problems)

    def __len__(self) -> int:
        return len(self.pairs)

    def equivalents(self, term: str) -> list[Equivalent]:
        """The other-language sides for ``term``, one index term of one query
        word (an English stem such as "elect", a Russian normal form such as
        "выбор"), without repeats, in file order."""
        return list(self._by_term.get(term, ()))


@functools.cache
def shipped_glossary() -> Glossary:
    """The shipped glossary, loaded once per process."""
    return Glossary.load()


def _positions(text: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(sorted(terms)) for terms in analyze(text))


def _translations(topic: str, glossary: Glossary) -> list[Equivalent]:
    """The other language's sides for a whole topic name: those of its own
    spelling first («Политика» is "politics", though «политик» has its index
    terms too), then of any side with its index terms, in file order."""
    positions = _positions(topic)
    spelled = " ".join(topic.casefold().split())
    found = list(glossary._by_spelling.get(spelled, ()))
    found += [e for e in glossary._by_side.get(positions, ()) if e not in found]
    if len(positions) == 1:
        for term in positions[0]:
            found += [e for e in glossary.equivalents(term) if e not in found]
    return found


def topic_key(topic: str, glossary: Glossary) -> str:
    """One key for a topic's names in both languages: "Politics", "politics" and
    «Политика» → "polit"; "Arts and Culture" and «Культура» → "cultur".

    A Russian topic is keyed by the index terms of its first English equivalent
    in the glossary (file order: «Политика» is "politics" before "policy"); an
    English one goes there through its first Russian equivalent, so that
    English names of one Russian section meet ("Arts and Culture", "Culture");
    a topic the glossary lacks keeps its own terms.
    """
    russian = ([topic] if _script(topic) == "ru" else
               [e.text for e in _translations(topic, glossary) if e.lang == "ru"][:1])
    english = [e for r in russian for e in _translations(r, glossary) if e.lang == "en"]
    positions = english[0].positions if english else _positions(topic)
    return " ".join("|".join(p) for p in positions) or topic.casefold()


def topic_labels(spellings: list[str], glossary: Glossary) -> dict[str, str]:
    """A merged topic's label in each interface language: its most used spelling
    in that language (``spellings`` most used first), else the glossary's
    word for it, capitalized as topics are ("Security" → «Безопасность»)."""
    labels = {}
    for lang in ("en", "ru"):
        own = [s for s in spellings if _script(s) == lang]
        if own:
            labels[lang] = own[0]
            continue
        other = next((e.text for s in spellings for e in _translations(s, glossary)
                      if e.lang == lang), None)
        labels[lang] = other[:1].upper() + other[1:] if other else spellings[0]
    return labels
