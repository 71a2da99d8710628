"""Turn a file's bytes into text, saying so when they were not clean UTF-8.

Corpus text is UTF-8 as a rule. The archives this tool reads also hold
pages in the region's legacy Cyrillic encodings (windows-1251, KOI8-R) and
files stitched together from both, so: a declared charset Python knows is
used; else UTF-8; else each line that is not UTF-8 is read in the legacy
encoding (windows-1251, KOI8-R or windows-1252) whose words look most like
words — and a note says so.
"""

from __future__ import annotations

import codecs
import re

LEGACY = ("windows-1251", "koi8-r", "windows-1252")
WORD = re.compile(r"[^\W\d_]+")
CYRILLIC_WORD = re.compile(r"[а-яёА-ЯЁ]+")
LATIN_WORD = re.compile(r"[a-zA-Z\u00c0-\u024f]+")
DECLARED = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first 4 KB, as written."""
    match = DECLARED.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def decode_page(data: bytes, default_charset: str | None = None) -> tuple[str, list[str]]:
    """Text of an HTML page and notes on how it was decoded.

    ``default_charset`` is one declared outside the page (a crawl's HTTP
    ``Content-Type`` header): used when the page itself declares none.
    """
    notes = []
    declared = declared_charset(data) or default_charset
    if declared:
        try:
            codecs.lookup(declared)
        except LookupError:
            notes.append(f"unknown declared charset {declared!r}")
        else:
            try:
                return data.decode(declared), notes
            except UnicodeDecodeError:
                notes.append(f"the page is not valid {declared}")
    text, more = decode_text(data)
    return text, notes + more


def decode_text(data: bytes) -> tuple[str, list[str]]:
    """Text of a plain-text file and notes; mixed encodings decoded line by line."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    decoded, legacy, utf8 = [], 0, 0
    for line in lines:
        text, encoding = decode_line(line)
        decoded.append(text)
        legacy += encoding is not None
        utf8 += encoding is None and not line.isascii()
    if not utf8:
        note = f"not UTF-8: read as {_best_legacy(data)[1]}"
    else:
        note = (f"mixed encodings: {legacy} line{'s' if legacy != 1 else ''} not UTF-8, "
                "read as a legacy encoding")
    return "\n".join(decoded).lstrip("\ufeff"), [note]


def decode_line(line: bytes) -> tuple[str, str | None]:
    """One line as text, and the legacy encoding it needed (None for UTF-8)."""
    try:
        return line.decode("utf-8"), None
    except UnicodeDecodeError:
        return _best_legacy(line)


def _best_legacy(data: bytes) -> tuple[str, str]:
    """(text, encoding): the legacy encoding whose words look most like real words."""
    best = None
    for encoding in LEGACY:
        text = data.decode(encoding, errors="replace")
        score = sum(_word_score(word) for word in WORD.findall(text) if not word.isascii())
        if best is None or score > best[0]:
            best = (score, text, encoding)
    return best[1], best[2]


def _word_score(word: str) -> int:
    """+letters for a plausible word, -letters for one that looks misread.

    Text read in the wrong encoding mixes scripts inside words ("Cafй"), puts
    capitals in their middle ("бЫБНПШ"), or makes Latin words mostly of
    accented letters ("ïðèøëè").
    """
    cased = len(word) < 2 or word[1:].islower() or word.isupper()
    if CYRILLIC_WORD.fullmatch(word):
        plausible = cased
    elif LATIN_WORD.fullmatch(word):
        accented = sum(not c.isascii() for c in word)
        plausible = cased and accented * 2 <= len(word)
    else:
        plausible = False
    return len(word) if plausible else -len(word)
