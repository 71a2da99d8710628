"""Both languages at once: each query word also searches its equivalents.

A researcher who types ``Kyrgyzstan`` wants the Russian articles on
«Кыргызстан» and «Киргизия» too, ``Tokayev`` the ones on «Токаев», and
``election`` the ones on «выборы». After parsing, every typed word (a
``Tiered`` query) gains one more tier, searched at ``CROSS_WEIGHT`` of the
word's own weight, holding:

- ``region``: the other names of a region the word names, in both scripts
  (``text/regions``);
- ``name``: words of the other script (and the same script's other
  romanizations) that transliterate to the same name, in any case («Токаева»
  for Tokayev): ``text/names``, matched against the index's own words as
  written, in authors and texts, when it was built;
- ``glossary``: the other language's words for it in the glossary
  (``text/glossary``: the shipped file and the index's own);
- ``dictionary``: its translations in a bilingual dictionary (Mueller's
  English–Russian, read when the index was built: ``text/dictionary``), the
  k-th sense weighted 1/k, both ways;
- ``learned``: words the archive's own translation pairs align with it.

A word's single-word equivalents in one field rank as one term
(``synonyms.Synonyms``): a word with twelve translations weighs no more than
one with one. Very common words (``STOP_WORDS``) get no translations: "the"
and «и» would find everything. Being a later tier, an expansion never ranks
a document above one that has the word as typed (``evaluate.py``). Phrases,
patterns and ``=word`` are left as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import query

from ..text.analysis import CYRILLIC, STOP_WORDS, english_stem, normal_forms
from ..text.name_lookup import other_script_spellings
from ..text.names import word_keys
from ..text.regions import name_terms, region_names
from .query import MORPH_FIELDS, Synonyms, Tiered
from .schema import EXACT_FIELD, FIELD_BOOSTS
from .store import GLOSSARY
from .translations import read_translations

CROSS_WEIGHT = 0.5  # of the typed word's weight, for each added word
# A dictionary translation weighing less (a sense past the fourth: "dry" for
# «засуха», the noun's first sense after the adjective's fifteen) is left out:
# it would find more by chance than it ranks.
MIN_TRANSLATION_WEIGHT = 0.25
REASONS = ("region", "name", "glossary", "dictionary", "learned")


@dataclass
class CrossSources:
    """What a generation knows of equivalents: names of its vocabulary across
    scripts (field → term → terms), a glossary, a dictionary's translations
    (``{"en": {term: [[term, weight, word], …]}, "ru": …}``) and pairs learned
    from its translations (term → [[term, probability], …])."""

    names: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    glossary: object | None = None  # text.glossary.Glossary
    learned: dict[str, list] = field(default_factory=dict)
    dictionary: dict[str, dict[str, list]] = field(default_factory=dict)
    # (field, prefix) → the field's terms with that prefix, sorted: for names
    # spelled in one script only, which ``names`` cannot hold. None: not looked up.
    vocabulary: Callable[[str, str], Iterable[str]] | None = None
    spellings: dict = field(default_factory=dict, repr=False)  # their lookups, cached


def load_cross_sources(folder: Path, names: dict, learned: dict,
                       vocabulary: Callable[[str, str], Iterable[str]] | None = None
                       ) -> CrossSources:
    """A generation's equivalents: the names and pairs found when it was built
    (``names``, ``learned``), its own glossary (else the shipped one), its
    dictionary translations, and its ``vocabulary`` for names spelled in one script."""
    from ..text.glossary import Glossary, shipped_glossary

    own = Path(folder) / GLOSSARY
    return CrossSources(names=names, learned=learned, dictionary=read_translations(folder),
                        glossary=Glossary.load([own]) if own.exists() else shipped_glossary(),
                        vocabulary=vocabulary)


def expand(q, sources: CrossSources):
    """``(query, expansions)``: ``q`` with a cross-language tier added to each
    typed word that has equivalents, and ``[{"word", "added", "why"}]``."""
    expansions: dict[tuple[str, str], list[str]] = {}
    for node in _typed_words(q):
        if node.word.startswith("="):
            continue
        added = _Additions(node)
        _regions(node, added)
        if "region" not in added.shown:  # a region's names are in the taxonomy
            _names(node, added, sources)
        if node.word.casefold() not in STOP_WORDS:
            _glossary(node, added, sources.glossary)
            _dictionary(node, added, sources.dictionary)
            _learned(node, added, sources.learned)
        tier = added.tier()
        if tier is not None:
            node.add_tier(tier, "translations")
            for why, shown in added.shown.items():
                expansions.setdefault((node.word, why), [])
                for text in shown:
                    if text not in expansions[node.word, why]:
                        expansions[node.word, why].append(text)
    listed = [{"word": word, "added": added, "why": why}
              for (word, why), added in expansions.items() if added]
    return q, listed


class _Additions:
    """The terms added to one typed word, each once, and what to show for them."""

    def __init__(self, node: Tiered):
        self.node = node
        self.fields = []
        self.typed: set[tuple[str, str]] = set()
        for fieldname, text in node.iter_all_terms():
            text = text.decode("utf-8") if isinstance(text, bytes) else text
            self.typed.add((fieldname, text))
            if fieldname not in self.fields:
                self.fields.append(fieldname)
        self.morph_fields = [f for f in self.fields if f in MORPH_FIELDS]
        self.queries: list = []  # phrases
        self.singles: dict[str, dict[str, float]] = {}  # field → word → weight
        self.shown: dict[str, list[str]] = {}

    def terms_of(self, fieldname: str) -> list[str]:
        return [t for f, t in sorted(self.typed) if f == fieldname]

    def add(self, why: str, shown: str | None, fieldname: str, words: list[str],
            weight: float = 1.0) -> None:
        """Search ``words`` (index terms in sequence) in a field; show ``shown``.
        A single word joins the field's group at ``weight`` (its best, if met twice)."""
        if len(words) == 1:
            if (fieldname, words[0]) in self.typed:
                return
            group = self.singles.setdefault(fieldname, {})
            group[words[0]] = max(weight, group.get(words[0], 0.0))
        else:
            boost = FIELD_BOOSTS.get(fieldname, 1.0) * CROSS_WEIGHT * self.node.boost
            phrase = query.Phrase(fieldname, words, boost=boost)
            if phrase not in self.queries:
                self.queries.append(phrase)
        if shown is not None:
            self.show(why, [shown])

    def tier(self):
        """The translations tier: per field one group of the single words, and the phrases."""
        groups = [Synonyms(fieldname, list(group), list(group.values()),
                           boost=FIELD_BOOSTS.get(fieldname, 1.0) * CROSS_WEIGHT * self.node.boost)
                  for fieldname, group in self.singles.items()]
        parts = groups + self.queries
        return query.Or(parts) if parts else None

    def show(self, why: str, texts: list[str]) -> None:
        listed = self.shown.setdefault(why, [])
        listed += [text for text in texts if text not in listed]


def _typed_words(q):
    if isinstance(q, Tiered):
        yield q
        return
    for child in getattr(q, "subqueries", ()):
        yield from _typed_words(child)
    for name in ("a", "b", "query"):
        child = getattr(q, name, None)
        if isinstance(child, query.Query):
            yield from _typed_words(child)


def _first_forms(text: str) -> list[str]:
    """A phrase's words as their most probable normal forms."""
    return [normal_forms(word)[0] for word in text.lower().replace("ё", "е").split()]


def _regions(node: Tiered, added: _Additions) -> None:
    terms = name_terms()
    for reading in node.readings:
        if reading not in terms:
            continue
        slug, others = terms[reading]
        for other in sorted(others):
            for fieldname in added.morph_fields:
                added.add("region", None, fieldname, [other])
        typed = node.word.casefold()
        added.show("region", [name for name in region_names(slug) if name.casefold() != typed])


SPELLINGS_CACHED = 4096  # typed words whose other-script spellings a generation keeps


def _names(node: Tiered, added: _Additions, sources: CrossSources) -> None:
    """Other spellings of a name, looked up by its key: the typed spelling need
    not be in the index ("Mirziyoyev" when the archive writes "Mirziyoev").
    A name the archive spells in one script only is in no group: its other
    script's spellings are looked up in the field's vocabulary instead."""
    keys = word_keys(node.word)
    for fieldname in added.fields:
        groups = sources.names.get(fieldname, {})
        typed = set(added.terms_of(fieldname))
        others = [other for key in sorted(keys) for other in groups.get(key, ())]
        if not others and sources.vocabulary is not None and fieldname in sources.names:
            others = _looked_up(sources, fieldname, node.word)
        for other in others:
            if other in typed:
                continue
            added.add("name", other.title(), fieldname, [other])
            if fieldname == "author" and EXACT_FIELD in added.fields:
                added.add("name", other.title(), EXACT_FIELD, [other])  # and in the text


def _looked_up(sources: CrossSources, fieldname: str, word: str) -> list[str]:
    """``other_script_spellings`` in a field, the oldest lookup forgotten past
    SPELLINGS_CACHED (the same words come back often)."""
    cache = sources.spellings
    if (fieldname, word) not in cache:
        vocabulary = sources.vocabulary
        cache[fieldname, word] = other_script_spellings(
            word, lambda prefix: vocabulary(fieldname, prefix))
        while len(cache) > SPELLINGS_CACHED:
            cache.pop(next(iter(cache)), None)
    return cache.get((fieldname, word), [])


def _glossary(node: Tiered, added: _Additions, glossary) -> None:
    if glossary is None or not node.readings:
        return
    for equivalent in glossary.equivalents(node.readings[0]):
        words = _first_forms(equivalent.text)
        for fieldname in added.morph_fields:
            added.add("glossary", equivalent.text, fieldname, words)


def _dictionary(node: Tiered, added: _Additions, table: dict[str, dict[str, list]]) -> None:
    """A dictionary's translations of the word: an English word's own headword's
    (its form without an ending), else its stem's; a Russian word's readings',
    the likeliest first."""
    if not table or not node.readings:
        return
    if CYRILLIC.search(node.word.lower()):
        found = [(table["ru"].get(reading, ()), rank)
                 for rank, reading in enumerate(node.readings, start=1)]
    else:
        headword = next((w for w in english_headwords(node.word) if w in table["words"]), None)
        found = [(table["words"][headword] if headword else
                  table["en"].get(node.readings[0], ()), 1)]
    for translations, rank in found:
        for other, weight, word in translations:
            if weight / rank < MIN_TRANSLATION_WEIGHT:
                continue
            for fieldname in added.morph_fields:
                added.add("dictionary", word, fieldname, [other], weight / rank)


def english_headwords(word: str) -> list[str]:
    """The forms a dictionary may list an English word under, the word itself
    first: without a plural, past or -ing ending, when the stem stays the same."""
    word = word.lower().replace("’", "'").removesuffix("'s")
    endings = (("ies", "y"), ("es", ""), ("s", ""), ("ied", "y"), ("ed", ""), ("ed", "e"),
               ("ing", ""), ("ing", "e"))
    forms = [word] + [word[:-len(end)] + base for end, base in endings
                      if word.endswith(end) and len(word) > len(end) + 2]
    stem = english_stem(word)
    return [form for form in dict.fromkeys(forms) if english_stem(form) == stem]


def _learned(node: Tiered, added: _Additions, learned: dict[str, list]) -> None:
    if not node.readings:
        return
    for item in learned.get(node.readings[0], ()):
        other, probability = (item, 1.0) if isinstance(item, str) else item
        for fieldname in added.morph_fields:
            added.add("learned", other, fieldname, [other], probability)
