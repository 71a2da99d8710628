"""One facet value per person, topic and outlet, whatever the spelling or language.

The Whoosh build keeps each author and topic as written; the docsets then
join the spellings of one person ("Levan Beridze", «Леван Беридзе», "Nadia
Moroz" = «Надежда Мороз») and the names of one topic ("Politics" =
«Политика», through the glossary) into one value with labels by interface
language, so facet counts, filters and ``author:`` agree (``docsets_writer``).
"""

from __future__ import annotations

from pathlib import Path

from ..text.glossary import Glossary, shipped_glossary, topic_key, topic_labels
from ..text.names import first_names_with, full_name_key
from ..text.outlets import OutletTable
from .store import GLOSSARY, OUTLETS


def merge_spellings(reader, fieldname: str, aliases=()):
    """One author under all spellings of their name: ``(values, labels, spellings)``.

    Spellings that transliterate to each other ("Levan Beridze", "Леван
    Беридзе"), whose first names are one name's forms ("Nadia Moroz",
    «Надежда Мороз»: ``text/names``), or that an alias group joins become one facet value, the
    spelling most articles use; its label in each interface language is the
    most used spelling in that script. ``values`` maps each value to its
    spellings' terms, ``spellings`` every spelling (aliases too) to its value.
    """
    counted = [(btext.decode("utf-8"), reader.doc_frequency(fieldname, btext), btext)
               for btext in reader.lexicon(fieldname)]
    parent: dict[str, str] = {}
    first_names = first_names_with(aliases)

    def key_of(name: str) -> str:
        return full_name_key(name, first_names)

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    for group in aliases:
        keys = [key_of(name) for name in group if key_of(name)]
        for key in keys[1:]:
            parent[root(key)] = root(keys[0])
    groups: dict[str, list[tuple[str, int, bytes]]] = {}
    for spelling in counted:
        groups.setdefault(root(key_of(spelling[0]) or spelling[0]), []).append(spelling)
    values, labels, spellings = {}, {}, {}
    for members in groups.values():
        members.sort(key=lambda m: (-m[1], _is_cyrillic(m[0]), m[0]))
        value = members[0][0]
        values[value] = [btext for _, _, btext in members]
        latin = [name for name, _, _ in members if not _is_cyrillic(name)]
        cyrillic = [name for name, _, _ in members if _is_cyrillic(name)]
        labels[value] = {"en": (latin or cyrillic)[0], "ru": (cyrillic or latin)[0]}
        for name, _, _ in members:
            spellings[name] = value
    for group in aliases:
        value = next((spellings[n] for n in group if n in spellings), None)
        if value is None:
            value = next((v for n in group for s, v in spellings.items()
                          if key_of(s) == key_of(n)), None)
        if value is not None:
            for name in group:
                spellings.setdefault(name, value)
    return dict(sorted(values.items())), labels, spellings


def merge_topics(reader, fieldname: str, glossary: Glossary):
    """One topic under its names in both languages ("Politics", «Политика»:
    ``glossary.topic_key``): ``(values, labels, spellings)`` as ``merge_spellings``;
    the label in a language the corpus lacks is the glossary's word."""
    groups: dict[str, list[tuple[str, int, bytes]]] = {}
    for btext in reader.lexicon(fieldname):
        name = btext.decode("utf-8")
        groups.setdefault(topic_key(name, glossary), []).append(
            (name, reader.doc_frequency(fieldname, btext), btext))
    values, labels, spellings = {}, {}, {}
    for members in groups.values():
        members.sort(key=lambda m: (-m[1], _is_cyrillic(m[0]), m[0]))
        value = members[0][0]
        values[value] = [btext for _, _, btext in members]
        labels[value] = topic_labels([name for name, _, _ in members], glossary)
        spellings.update((name, value) for name, _, _ in members)
    return dict(sorted(values.items())), labels, spellings


def merge_outlets(reader, fieldname: str, table: OutletTable):
    """One outlet under all its names and hosts ("Eurasianet", "eurasianet.org":
    ``OutletTable.key``): ``(values, labels, spellings)`` as ``merge_spellings``;
    the value is the table's name, else the most used name; ``spellings`` also
    holds every name and host the table gives it, so a filter takes any of them."""
    groups: dict[str, list[tuple[str, int, bytes]]] = {}
    for btext in reader.lexicon(fieldname):
        name = btext.decode("utf-8")
        groups.setdefault(table.key(name), []).append(
            (name, reader.doc_frequency(fieldname, btext), btext))
    values, labels, spellings = {}, {}, {}
    for members in groups.values():
        members.sort(key=lambda m: (-m[1], m[0]))
        names = [name for name, _, _ in members]
        value = table.value(names)
        values[value] = [btext for _, _, btext in members]
        labels[value] = table.labels(names)
        spellings.update((name, value) for name in [*names, *table.spellings(value)])
    return dict(sorted(values.items())), labels, spellings


def outlets_of(generation: Path) -> OutletTable:
    """The shipped outlet table, and the index's own when it was given one."""
    own = generation / OUTLETS
    return OutletTable.load([own] if own.exists() else [])


def glossary_of(generation: Path) -> Glossary:
    """The shipped glossary, and the index's own when it was given one."""
    own = generation / GLOSSARY
    return Glossary.load([own]) if own.exists() else shipped_glossary()


def _is_cyrillic(text: str) -> bool:
    return any("а" <= ch <= "я" or ch == "ё" for ch in text.lower())
