"""One key for a name however it is spelled: Tokayev = Tokaev = Токаев.

The region's names reach the archive in Cyrillic and in several romanizations
(English press, passports, Uzbek and Kazakh Latin, Czech and Polish letters).
``name_key`` reduces a word of either script to a tolerant Latin key, so the
spellings of one name meet and a search can offer the other script's term.

Cyrillic → Latin: ``iuliia`` (Wikipedia schema). Of the three compared on
Russian names it alone writes them as the English press does (Yerevan,
Tokayev, Yeltsin, Zelensky); cyrtranslit writes Erevan, El'czin, SHavkat and
transliterate Pashinjan, Zelenskij (its last release is from 2018). iuliia:
20+ schemas, no dependencies, MIT. Speed does not matter once keys are cached
(3 µs a word; cyrtranslit 1, transliterate 12).

Key rules (``name_key``): ё → е; other Cyrillic and Latin letters of the region
mapped (қ → к, ў → в, č → ch, ž → zh, ə → a); sh, ch, zh, kh one letter each,
with zh = dzh = dj = j (Zhaparov/Japarov), h = kh (Ilham/Ильхам), c = ch
before e/i (Kucera) else k (Clinton); glides dropped between vowels, at the
start and after sh/ch/zh (Aliyev/Aliev, Yerevan/Erevan, Gorbachyov); yo = ye
(Mirziyoyev/Мирзиёев), and after a consonant yo = ye = e (Korolyov/Королёв,
Vorobyev/Воробьев); y = i (Zelenskyy/Zelenskiy); v between a vowel and a
consonant = u, ou = u (Tsikhanouskaya/Tsikhanovskaya); h and kh between vowels
dropped, as Russian drops the Armenian h (Anahit/Анаит) and keeps the Uzbek one
as х (Bahodir/Баходир: both sides lose it alike); doubled letters single.

A person's name (``full_name_key``) also joins the forms of a Russian first
name (Надежда = Nadezhda = Nadia = Надя): ``indexer/data/first_names.tsv``,
extended by the single-word lines of an alias file ("Sasha = Alexandra").

Decisions: b and p stay apart (Jabarov is another surname than Japarov), and
so do endings (Ivanova is another person than Ivanov). Belarusian Ці- and
Russian Ти- are two languages, not two romanizations: Tsikhanouskaya and
Тихановская meet only through an alias file (``read_aliases``).
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

from indexer.text.analysis import (
    CYRILLIC,
    PERSON_KEY_MARK,
    WORD_PATTERN,
    fold_yo,
    morph_analyzer,
)

KEY_CACHE_SIZE = 500_000

# pymorphy3 grammemes of proper names: first names, surnames, patronymics,
# places, organizations, trade marks.
NAME_GRAMMEMES = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"})

# Letters of the region's other Cyrillic alphabets, as the Russian letter a
# Russian text would use (Kazakh Тоқаев is Russian Токаев).
CYRILLIC_TO_RUSSIAN = str.maketrans({
    "ё": "е", "є": "е", "і": "и", "ї": "йи", "ґ": "г", "ў": "в",
    "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у",
    "һ": "х", "ҳ": "х", "ҷ": "дж", "ӣ": "и", "ӯ": "у",
})

# Latin letters whose diacritics change the sound, as English romanization
# writes them; the rest lose their diacritics (é → e).
LATIN_LETTERS = str.maketrans({
    "č": "ch", "ć": "ch", "ç": "ch", "š": "sh", "ś": "sh", "ş": "sh",
    "ž": "zh", "ż": "zh", "ź": "zh", "ə": "a", "ı": "i", "ł": "l", "ß": "ss",
    "x": "ks", "w": "v", "q": "k",
})

POSSESSIVE = re.compile(r"['’ʼ]s$")
NOT_A_LETTER = re.compile(r"[^a-z]")
# A j that is not followed by a vowel is й (Zelenskij, Ajtmatov); before a
# vowel it is дж (Japarov, Joshua), as the English press writes it.
SHORT_J = re.compile(r"j(?![aeiouy])")
# Longest first: the regex tries alternatives in order at each position.
CONSONANTS = re.compile(r"shch|sch|dzh|tch|ck|kh|zh|sh|ch|dj|tz|c|j|h")
CONSONANT_SYMBOLS = {
    "shch": "S", "sch": "S", "sh": "S", "dzh": "J", "dj": "J", "zh": "J", "j": "J",
    "tch": "C", "ch": "C", "kh": "X", "h": "X", "ck": "k", "tz": "ts",
}
# A y or i between vowels or starting a word is a glide some spellings omit
# (Aliyev/Aliev, Yerevan/Erevan); after sh, ch, zh a y marks nothing, as
# Russian has no soft and hard pairs there (Gorbachyov/Gorbachev).
GLIDE = re.compile(r"(?<=[aeiouy])[yi](?=[aeiou])|^[yi](?=[aeiou])|(?<=[SCJ])y(?=[aeiou])")
V_BEFORE_CONSONANT = re.compile(r"(?<=[aeiou])v(?=[^aeiou])")
H_BETWEEN_VOWELS = re.compile(r"(?<=[aeiou])X(?=[aeiou])")
# ё is е in most Russian texts, yo or ye in romanizations, ье ye or e:
# Korolyov = Королёв = Королев, Vorobyov = Vorobev = Воробьёв.
Y_AFTER_CONSONANT = re.compile(r"(?<=[^aeiouy])y(?=e)")
DOUBLED = re.compile(r"(.)\1+")
NAME_WORD = re.compile(WORD_PATTERN)
ALIAS_SEPARATOR = re.compile(r"\s*=\s*")


def _consonant_symbol(match: re.Match) -> str:
    """One letter for each consonant however romanized; c by what follows."""
    found = match.group()
    if found != "c":
        return CONSONANT_SYMBOLS[found]
    following = match.string[match.end():match.end() + 1]
    return "C" if following in ("e", "i", "y") else "k"


def _latin_spelling(word: str) -> str:
    """The word in plain Latin letters: Cyrillic transliterated, marks dropped."""
    import iuliia  # it reads its 28 schema files on import: only when a key is needed

    # NFC first, so that a č typed as c + caron is mapped like a single č.
    word = POSSESSIVE.sub("", unicodedata.normalize("NFC", word).lower())
    if CYRILLIC.search(word):
        word = iuliia.WIKIPEDIA.translate(word.translate(CYRILLIC_TO_RUSSIAN)).lower()
    word = word.translate(LATIN_LETTERS)
    if not word.isascii():
        decomposed = unicodedata.normalize("NFKD", word)
        word = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return NOT_A_LETTER.sub("", word)


@functools.lru_cache(maxsize=KEY_CACHE_SIZE)
def name_key(word: str) -> str:
    """A key shared by one word's spellings in both scripts and romanizations.

    "Tokayev", "Tokaev", "Токаев" → "tokaev"; "Zelensky", "Zelenskyy",
    "Зеленский", and the stem "zelenski" → "zelenski". Upper-case S, C, J, X
    stand for sh, ch, dzh/zh/j and kh/h. Not for display: only compare keys.
    """
    key = _latin_spelling(word)
    key = SHORT_J.sub("y", key)
    key = CONSONANTS.sub(_consonant_symbol, key)
    key = Y_AFTER_CONSONANT.sub("", key.replace("yo", "ye"))
    key = GLIDE.sub("", key).replace("y", "i")
    key = V_BEFORE_CONSONANT.sub("u", key).replace("ou", "u")
    key = H_BETWEEN_VOWELS.sub("", key)
    return DOUBLED.sub(r"\1", key)


FIRST_NAMES = Path(__file__).resolve().parent.parent / "data" / "first_names.tsv"
FIRST_NAMES_HEADER = "# kartoteka first names, format 1"


class NameTableError(ValueError):
    """A first-name table that cannot be read: the file and line say where."""


def read_first_names(path: str | os.PathLike = FIRST_NAMES) -> list[list[str]]:
    """The first-name table: one name a line, its forms tab-separated, the
    Russian full form first ("Надежда\tNadezhda\tNadia\tНадя").

    The first line is the format header (``FIRST_NAMES_HEADER``); lines
    starting with "#" and blank lines are skipped.
    """
    with open(path, encoding="utf-8") as lines:
        header = lines.readline().strip()
        if header != FIRST_NAMES_HEADER:
            raise NameTableError(f"{os.fspath(path)}:1: expected {FIRST_NAMES_HEADER!r}")
        groups = []
        for number, line in enumerate(lines, start=2):
            if not line.strip() or line.startswith("#"):
                continue
            forms = [form.strip() for form in line.split("\t") if form.strip()]
            if len(forms) < 2:
                raise NameTableError(f"{os.fspath(path)}:{number}: one form only")
            groups.append(forms)
    return groups


def first_name_keys(groups: Iterable[list[str]]) -> dict[str, str]:
    """Each form's name key → its group's first form's key. A key two groups
    claim is left out: a name that may be either cannot join one."""
    joined: dict[str, str] = {}
    claimed: dict[str, set[str]] = defaultdict(set)
    for group in groups:
        canonical = name_key(group[0])
        for form in group:
            claimed[name_key(form)].add(canonical)
    for key, canonicals in claimed.items():
        if len(canonicals) == 1:
            joined[key] = next(iter(canonicals))
    return joined


@functools.lru_cache(maxsize=1)
def shipped_first_names() -> dict[str, str]:
    """``first_name_keys`` of the table kartoteka ships."""
    return first_name_keys(read_first_names())


def first_names_with(aliases: Iterable[list[str]] = ()) -> dict[str, str]:
    """The shipped first names, joined by an alias file's single-word groups
    too ("Sasha = Alexandra"): these extend the table for one index."""
    table = dict(shipped_first_names())
    for group in aliases:
        if all(len(NAME_WORD.findall(name)) == 1 for name in group):
            keys = [table.get(name_key(name), name_key(name)) for name in group]
            for key in keys[1:]:
                for form, canonical in list(table.items()):
                    if canonical == key:
                        table[form] = keys[0]
                table[key] = keys[0]
    return table


def person_word_key(word: str, first_names: Mapping[str, str] | None = None) -> str:
    """A name word's key, a first name's forms sharing one: "Nadia", "Надя" and
    "Nadezhda" → the key of «Надежда»; other words → ``name_key``."""
    key = name_key(word)
    table = shipped_first_names() if first_names is None else first_names
    return table.get(key, key)


def full_name_key(name: str, first_names: Mapping[str, str] | None = None) -> str:
    """A person's whole name as one key: each word's key, in order, one space apart.

    "Joshua Kucera", "Джошуа Кучера" and "JOSHUA  KUČERA" share a key, so the
    author facet can merge them; so do "Nadia Moroz" and «Надежда Мороз»
    (``first_names``: the shipped table unless given); "Kucera, Joshua" does
    not (order is kept).
    """
    keys = (person_word_key(word, first_names) for word in NAME_WORD.findall(name))
    return " ".join(key for key in keys if key)


def is_person_key(term: str) -> bool:
    """Whether an author-field term is a person key, not a word as written."""
    return term.startswith(PERSON_KEY_MARK)


@functools.lru_cache(maxsize=KEY_CACHE_SIZE)
def is_name_like(word: str) -> bool:
    """Whether a word may be a name, so that common words stay out of name matching.

    A Cyrillic word is name-like when pymorphy3 reads it as a proper name in
    some parse, or does not know it at all (most surnames): "Алиев", "Ереван"
    yes, "мир", "банк", "он" no. A Latin word has no dictionary here: True.
    """
    lowered = word.lower()
    if not CYRILLIC.search(lowered):
        return any(ch.isalpha() for ch in lowered)
    try:
        parses = morph_analyzer().parse(lowered)
    except ValueError:
        return True  # a letter unicodedata cannot name: pymorphy3 cannot read it
    if any(not NAME_GRAMMEMES.isdisjoint(p.tag.grammemes) for p in parses):
        return True
    return not any(p.is_known for p in parses)


def _may_be_name_term(term: str) -> bool:
    """Whether a Cyrillic index term may stand for a name.

    Beyond ``is_name_like``: an index term is a normal form, so a term that
    pymorphy3 knows only as an inflected form of another word came from a
    guessed surname, not from that word. "токаев" is read as the plural
    genitive of "токай" (a wine), yet in the index it is Токаевым's normal form.
    """
    if is_name_like(term):
        return True
    lowered = term.lower()
    parses = morph_analyzer().parse(lowered)
    return all(fold_yo(p.normal_form) != lowered for p in parses if p.is_known)


# Case endings of Russian surnames and first names (Токаева, Токаеву,
# Токаевым, Токаеве): a cheap first look before pymorphy3 is asked.
NAME_ENDINGS = ("ого", "его", "ому", "ему", "ыми", "ими", "ым", "им", "ом", "ем", "ой",
                "ей", "ых", "их", "ую", "ая", "а", "у", "е", "ы", "и", "я", "ю")


def _cyrillic_keys(term: str, latin_prefixes: set[str]) -> set[str]:
    """The name keys a Cyrillic word may stand for: its own, and for an inflected
    name ("токаевым") the key of its nominative, as pymorphy3 reads it."""
    keys = {name_key(term)}
    stems = [term[:-len(e)] for e in NAME_ENDINGS if term.endswith(e) and len(term) > len(e) + 2]
    if not any(name_key(stem) in latin_prefixes for stem in stems):
        return keys
    for parse in morph_analyzer().parse(term):
        if not NAME_GRAMMEMES.isdisjoint(parse.tag.grammemes):
            keys.add(name_key(fold_yo(parse.normal_form)))
    return keys


def name_groups(terms: Iterable[str], min_key: int = 4) -> dict[str, list[str]]:
    """Words of a vocabulary grouped by name key, for keys that are a name in
    both scripts: "tokaev" → [tokaev, tokayev, токаев, токаева, токаевым].

    Keys shorter than ``min_key`` letters (sh, ch, zh, kh count as one) are
    skipped, as too many short words meet by chance; a Cyrillic word counts
    only when it may be a name, so "bank" does not meet "банк". Words as
    written (not normal forms) are matched in all their cases: "Tokayev"
    meets «Токаев», «Токаева», «Токаевым». Only Cyrillic words whose key, or
    whose stem's, some Latin word shares are looked up in the dictionary.
    """
    cyrillic_terms, latin = [], defaultdict(set)
    for term in terms:
        if CYRILLIC.search(term.lower()):
            cyrillic_terms.append(term)
        else:
            key = name_key(term)
            if len(key) >= min_key:
                latin[key].add(term)
    latin_prefixes = {key[:n] for key in latin for n in range(min_key - 1, len(key) + 1)}
    cyrillic: dict[str, set[str]] = defaultdict(set)
    for term in cyrillic_terms:
        for key in _cyrillic_keys(term, latin_prefixes):
            if len(key) >= min_key and key in latin:
                cyrillic[key].add(term)
    groups = {}
    for key in sorted(cyrillic):
        names = sorted(term for term in cyrillic[key] if _may_be_name_term(term))
        if names:
            groups[key] = sorted(latin[key]) + names
    return groups


def word_keys(word: str) -> set[str]:
    """The name keys a typed word may stand for (an inflected Russian name: its
    nominative's too), to look it up in ``name_groups``."""
    word = fold_yo(word.lower())
    if not CYRILLIC.search(word):
        return {name_key(word)}
    keys = {name_key(word)}
    try:
        parses = morph_analyzer().parse(word)
    except ValueError:
        return keys
    keys.update(name_key(fold_yo(p.normal_form)) for p in parses
                if not NAME_GRAMMEMES.isdisjoint(p.tag.grammemes))
    return keys


def cross_script_pairs(terms: Iterable[str], min_key: int = 4) -> dict[str, list[str]]:
    """Each word mapped to the other script's spellings of its name, then to
    its own script's other spellings (Tokayev: токаев, then tokaev); words
    without a match are absent (see ``name_groups``)."""
    pairs: dict[str, list[str]] = {}
    for group in name_groups(terms, min_key).values():
        for term in group:
            own = bool(CYRILLIC.search(term))
            other = [t for t in group if bool(CYRILLIC.search(t)) != own]
            same = [t for t in group if bool(CYRILLIC.search(t)) == own and t != term]
            pairs.setdefault(term, [])
            pairs[term] += [t for t in other + same if t not in pairs[term]]
    return pairs


def read_aliases(path: str | os.PathLike) -> tuple[list[list[str]], list[str]]:
    """Read an alias file: one person a line, spellings separated by " = ".

    For names transliteration cannot join: "Bob Smith = Robert Smith = Роберт
    Смит". Text after "#" and blank lines are skipped. Returns the groups and
    the problems, "<file>:<line>: <reason>" for each line skipped because it
    has fewer than two spellings. A missing file raises FileNotFoundError.
    """
    groups: list[list[str]] = []
    problems: list[str] = []
    with open(path, encoding="utf-8-sig") as lines:
        for number, line in enumerate(lines, start=1):
            text = line.split("#", 1)[0].strip()
            if not text:
                continue
            spellings: list[str] = []
            for part in ALIAS_SEPARATOR.split(text):
                spelling = " ".join(part.split())
                if spelling and spelling not in spellings:
                    spellings.append(spelling)
            if len(spellings) < 2:
                problems.append(f"{os.fspath(path)}:{number}: only one spelling; "
                                "separate two or more spellings of a name with ' = '")
                continue
            groups.append(spellings)
    return groups, problems
