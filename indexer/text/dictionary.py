"""English↔Russian equivalents read from installed dictd dictionaries.

Cross-language search needs to know that "election" is "выборы". Debian ships
two English–Russian dictionaries in dictd format: Mueller's (``mueller7-dict``,
~46k headwords) and FreeDict's small one (``dict-freedict-eng-rus``, which has
place names such as Azerbaijan → Азербайджан). A dictd dictionary is an
``.index`` of ``headword\\tOFFSET\\tLENGTH`` lines (numbers in dictd's base64)
and a ``.dict`` (or gzip-readable ``.dict.dz``) of entries at those offsets.

An entry's text is reduced to its senses, in dictionary order, each a list of
short Russian translations. Everything that is not a translation is dropped:
transcriptions, labels (``_n.``, ``_книж.``), parentheses and braces, examples
and phrases (a segment with Latin letters, and the Russian that follows it in
the same sense), cross references (``= abandon 2``, ``_p-p. от abandon 1``),
and explanations longer than two words. The translation table weighs the k-th
sense's words 1/k, as a dictionary lists the usual meaning first.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from indexer.text.analysis import STOP_WORDS, WORD, english_stem, russian_normal_forms

DICTD_DIR = Path("/usr/share/dictd")
# Preference order: Mueller is large and careful, FreeDict adds place names.
DICTIONARY_NAMES = ("mueller7", "freedict-eng-rus")
# Bump when the table's content or shape changes, so cached tables are rebuilt.
TABLE_VERSION = 4
MAX_PER_WORD = 12
# A headword that is not its stem's shortest ("warring" beside "war"): its senses weigh this much.
DERIVED_WEIGHT = 0.5
MAX_TRANSLATION_WORDS = 2

BASE64_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
BASE64_VALUE = {digit: value for value, digit in enumerate(BASE64_DIGITS)}
INDEX_LINE = re.compile(r"([^\t]+)\t([A-Za-z0-9+/]+)\t([A-Za-z0-9+/]+)")
META_HEADWORD = re.compile(r"00-?database")

# Where a new sense starts: a homonym "_I", a part "1.", a sense "1)" ("10)text"
# too). Subsenses "а)" are not boundaries: they refine the sense they are in,
# or (more often) give the meanings of a phrase, which is dropped anyway.
SENSE_START = re.compile(r"(?<!\S)(?:_[IVX]+(?!\S)|\d+\.(?!\S)|\d+\))")
SUBSENSE = re.compile(r"(?<!\S)[а-я]\)")
TRANSCRIPTION = re.compile(r"\[[^\]]*\]")
BRACES = re.compile(r"\{[^{}]*\}")
INNERMOST_PARENTHESES = re.compile(r"\([^()]*\)")
LABEL = re.compile(r"(?<!\S)_[^\s.]+\.?")
LATIN = re.compile(r"[A-Za-z]")
# "человек, который ...", "то, что ...", "человек, живущий на берегу": a comma
# before a relative or participle clause is not between two translations; the
# word before it heads an explanation, and is dropped with it.
RELATIVE_WORD = re.compile(r"котор\w*|чей|чья|чь[её]|кто|что|где|куда|откуда|когда|чтобы", re.I)
PARTICIPLE_CLAUSE = re.compile(
    r"(?:не )?[а-яё]+(?:щ|вш|нн|т)(?:ий|ая|ее|ие|ый|ое|ые|его|ого|ей|ую|юю|им|ым) \S+ \S", re.I
)
RUSSIAN_TRANSLATION = re.compile(r"[А-ЯЁа-яё]+(?:-[А-ЯЁа-яё]+)*(?: [А-ЯЁа-яё]+(?:-[А-ЯЁа-яё]+)*)?")


class NotDictdError(ValueError):
    """A file given as a dictd dictionary is not one."""


def decode_number(digits: str) -> int:
    """A dictd base64 number (most significant digit first) as an int."""
    value = 0
    for digit in digits:
        value = value * 64 + BASE64_VALUE[digit]
    return value


def encode_number(value: int) -> str:
    """An int as a dictd base64 number; the inverse of ``decode_number``."""
    digits = BASE64_DIGITS[value % 64]
    while value >= 64:
        value //= 64
        digits = BASE64_DIGITS[value % 64] + digits
    return digits


def write_dictionary(index_path: Path, entries: Iterable[tuple[str, str]]) -> None:
    """Write (headword, entry text) pairs as a dictd ``.index`` and plain ``.dict``."""
    data = bytearray()
    lines = []
    for headword, text in entries:
        raw = text.encode()
        lines.append(f"{headword}\t{encode_number(len(data))}\t{encode_number(len(raw))}\n")
        data += raw
    Path(index_path).write_text("".join(lines), encoding="utf-8")
    data_path(Path(index_path), must_exist=False).write_bytes(bytes(data))


def data_path(index_path: Path, must_exist: bool = True) -> Path:
    """The entries file beside an ``.index``: ``.dict.dz`` if present, else ``.dict``."""
    stem = index_path.with_suffix("")
    compressed = stem.with_name(stem.name + ".dict.dz")
    if compressed.exists():
        return compressed
    plain = stem.with_name(stem.name + ".dict")
    if must_exist and not plain.exists():
        raise NotDictdError(f"{index_path}: no {compressed.name} or {plain.name} beside it")
    return plain


def find_dictionaries(directory: Path | None = None) -> list[Path]:
    """The installed dictionaries this module reads, preferred first, as ``.index`` paths."""
    directory = DICTD_DIR if directory is None else Path(directory)
    found = []
    for name in DICTIONARY_NAMES:
        index_path = directory / f"{name}.index"
        if index_path.is_file() and any(
            (directory / f"{name}{suffix}").is_file() for suffix in (".dict.dz", ".dict")
        ):
            found.append(index_path)
    return found


def read_data(index_path: Path) -> bytes:
    """The whole entries file, uncompressed (dictzip is gzip-readable)."""
    path = data_path(index_path)
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError) as error:
            raise NotDictdError(f"{path}: not a readable dictzip file ({error})") from None
    return raw


def read_index(index_path: Path) -> list[tuple[str, int, int] | None]:
    """The index's (headword, offset, length) rows; None for a malformed line."""
    try:
        text = Path(index_path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise NotDictdError(f"{index_path}: not a dictd index (not UTF-8 text)") from None
    rows: list[tuple[str, int, int] | None] = []
    for line in text.splitlines():
        match = INDEX_LINE.fullmatch(line)
        rows.append(
            (match[1], decode_number(match[2]), decode_number(match[3])) if match else None
        )
    if not any(rows):
        raise NotDictdError(
            f"{index_path}: not a dictd index (no 'headword<TAB>offset<TAB>length' lines)"
        )
    return rows


def read_entries(
    index_path: Path, skipped: list[tuple[str, str]] | None = None
) -> Iterator[tuple[str, list[list[str]]]]:
    """Each headword with its senses' Russian translations, in dictionary order.

    Raises ``NotDictdError`` (a ``ValueError``) naming the file if it is not a
    dictd dictionary. A malformed entry is skipped; pass ``skipped`` to learn
    which and why (nothing is dropped silently).
    """
    index_path = Path(index_path)
    rows = read_index(index_path)
    data = read_data(index_path)
    for number, row in enumerate(rows, 1):
        if row is None:
            _note(skipped, f"{index_path.name} line {number}", "malformed index line")
            continue
        headword, offset, length = row
        if META_HEADWORD.match(headword):
            continue
        if offset + length > len(data):
            _note(skipped, headword, "offset past the end of the entries file")
            continue
        try:
            text = data[offset:offset + length].decode("utf-8")
        except UnicodeDecodeError:
            _note(skipped, headword, "entry is not UTF-8")
            continue
        senses = parse_entry(text)
        if senses:
            yield headword, senses


def _note(skipped: list[tuple[str, str]] | None, where: str, reason: str) -> None:
    if skipped is not None:
        skipped.append((where, reason))


def parse_entry(text: str) -> list[list[str]]:
    """The senses of one entry's text (its first line is the headword), each a
    list of its short Russian translations; senses without any are left out."""
    body = unwrap_lines(text.split("\n")[1:])
    body = TRANSCRIPTION.sub(" ", body)
    body = remove_brackets(body)
    senses = []
    for chunk in SENSE_START.split(body):
        translations = sense_translations(chunk)
        if translations:
            senses.append(translations)
    return senses


def unwrap_lines(lines: list[str]) -> str:
    """One line of text; a word hyphenated at a line's end is joined again."""
    text = ""
    for line in lines:
        line = line.strip()
        if len(text) > 1 and text[-1] == "-" and text[-2].isalpha():
            text = text[:-1] + line
        else:
            text = f"{text} {line}" if text else line
    return text


def remove_brackets(text: str) -> str:
    """The text without ``{...}`` and ``(...)`` notes, nested ones included."""
    text = BRACES.sub(" ", text)
    while True:
        shorter = INNERMOST_PARENTHESES.sub(" ", text)
        if shorter == text:
            return shorter
        text = shorter


def sense_translations(chunk: str) -> list[str]:
    """The translations at the start of one sense: its segments up to the first
    with Latin letters (an example or a cross reference; what follows in the
    sense translates examples, not the headword)."""
    translations: list[str] = []
    chunk = LABEL.sub(" ", SUBSENSE.sub(";", chunk))
    for segment in chunk.split(";"):
        if LATIN.search(segment):
            break
        pieces = [" ".join(piece.split()) for piece in segment.split(",")]
        for piece, following in zip(pieces, pieces[1:] + [""]):
            if (
                RUSSIAN_TRANSLATION.fullmatch(piece)
                and len(piece.split()) <= MAX_TRANSLATION_WORDS
                and not starts_clause(following)
                and piece not in translations
            ):
                translations.append(piece)
    return translations


def starts_clause(piece: str) -> bool:
    """Whether a comma-separated piece continues the one before it as a clause."""
    return bool(RELATIVE_WORD.fullmatch(piece.partition(" ")[0]) or PARTICIPLE_CLAUSE.match(piece))


def english_term(headword: str) -> str | None:
    """The index term of a one-word headword, or None for phrases, numbers, stop words."""
    word = headword.lower()
    if not WORD.fullmatch(word) or any(ch.isdigit() for ch in word) or word in STOP_WORDS:
        return None
    if not all("a" <= ch <= "z" or ch in "'’" for ch in word):
        return None
    return english_stem(word)


def russian_term(translation: str) -> str | None:
    """The index term of a one-word translation, or None (two words, hyphenated, stop word)."""
    word = translation.lower()
    if not WORD.fullmatch(word) or word in STOP_WORDS:
        return None
    term = russian_normal_forms(word)[0]
    return None if term in STOP_WORDS else term


def translation_table(
    entries: Iterable[tuple[str, list[list[str]]]], max_per_word: int = MAX_PER_WORD
) -> dict:
    """``{"words": {headword: [[ru_term, weight, word], ...]}, "en": {stem: [...]},
    "ru": {ru_term: [[stem, weight, headword], ...]}}``, ``word`` the translation as
    the dictionary writes it.

    The k-th sense's translations weigh 1/k; a pair seen again (another sense,
    headword, or dictionary) keeps its best weight. "words" holds each one-word
    headword's own translations; "en" merges the headwords of one stem, for a
    typed form no headword is: the shortest ("war") is the stem's own, the
    others' senses ("warring": противоречивый) weigh ``DERIVED_WEIGHT`` as much.
    "ru" inverts "words". Lists run by weight, then first appearance, and hold
    at most ``max_per_word``. Only one-word translations are used.
    """
    by_headword: dict[str, dict[str, float]] = {}
    written: dict[tuple[str, str], str] = {}  # (headword, term) → the translation as written
    stems: dict[str, str] = {}
    for headword, senses in entries:
        stem = english_term(headword)
        if stem is None:
            continue
        headword = headword.lower()
        stems[headword] = stem
        pairs = by_headword.setdefault(headword, {})
        for rank, translations in enumerate(senses, 1):
            for translation in translations:
                term = russian_term(translation)
                if term is not None and pairs.get(term, 0.0) < 1 / rank:
                    pairs[term] = 1 / rank
                    written.setdefault((headword, term), translation)
    shortest: dict[str, int] = {}
    for headword, stem in stems.items():
        shortest[stem] = min(shortest.get(stem, len(headword)), len(headword))
    by_stem: dict[str, dict[str, float]] = {}
    shown_as: dict[tuple[str, str], str] = {}  # (stem, term) → as its best headword writes it
    russian: dict[str, dict[str, float]] = {}
    shown: dict[tuple[str, str], str] = {}  # (russian term, stem) → the headword to show
    for headword, pairs in by_headword.items():
        stem = stems[headword]
        factor = 1.0 if len(headword) == shortest[stem] else DERIVED_WEIGHT
        merged = by_stem.setdefault(stem, {})
        for term, weight in best_first(pairs, max_per_word):
            if weight * factor > merged.get(term, 0.0):
                merged[term] = weight * factor
                shown_as[stem, term] = written[headword, term]
            if weight > russian.setdefault(term, {}).get(stem, 0.0):
                russian[term][stem] = weight
                shown[term, stem] = headword

    def listed(pairs: dict[str, float], writing) -> list[list]:
        return [[term, weight, writing(term)] for term, weight in best_first(pairs, max_per_word)]

    return {"words": {headword: listed(pairs, lambda term: written[headword, term])
                      for headword, pairs in by_headword.items() if pairs},
            "en": {stem: listed(pairs, lambda term: shown_as[stem, term])
                   for stem, pairs in by_stem.items() if pairs},
            "ru": {term: [[stem, weight, shown[term, stem]]
                          for stem, weight in best_first(pairs, max_per_word)]
                   for term, pairs in russian.items()}}


def best_first(pairs: dict[str, float], limit: int) -> list[list]:
    """The pairs by weight, ties in first-seen order (``sorted`` is stable), at most ``limit``."""
    ranked = sorted(pairs.items(), key=lambda pair: -pair[1])
    return [[term, weight] for term, weight in ranked[:limit]]


def dictionary_source(paths: Iterable[Path]) -> dict:
    """What a table was built from: each file's name, size and mtime, and the table version."""
    files = []
    for index_path in map(Path, paths):
        for path in (index_path, data_path(index_path)):
            stat = path.stat()
            files.append({"name": path.name, "size": stat.st_size, "mtime": stat.st_mtime})
    return {"version": TABLE_VERSION, "files": files}


def load_table(paths: Iterable[Path], max_per_word: int = MAX_PER_WORD) -> tuple[dict, dict]:
    """The translation table of these dictionaries (merged, in the given order)
    and its ``source``, which a cached table must match to still be current."""
    paths = [Path(p) for p in paths]
    source = dictionary_source(paths)
    entries = (entry for path in paths for entry in read_entries(path))
    return translation_table(entries, max_per_word), source
