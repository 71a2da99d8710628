"""Download names: a file named after what it holds, safe in any browser.

A timeline of "elections" and «выборы» downloads as
``timeline-elections-vs-выборы.csv``: the name says which queries the file
compares, so two downloads are not ``timeline (1).csv`` and ``timeline (2).csv``.
Browsers read the Unicode name from RFC 5987's ``filename*=``; older ones get
the ASCII ``filename=``, Cyrillic transliterated.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

QUERY_CHARS = 30  # of each query in a name
NAME_CHARS = 100  # of the whole name, before the extension
NOT_NAME = re.compile(r"[^\w]+")  # anything but letters, digits and "_" becomes a hyphen


def named_after(kind: str, queries: list[str], extension: str = "csv") -> str:
    """``kind-query1-vs-query2.extension``: each query's words joined by hyphens,
    cut at a word to ``QUERY_CHARS``, the whole name to ``NAME_CHARS``."""
    parts = [part for part in (_words(q, QUERY_CHARS) for q in queries) if part]
    name = _cut(f"{kind}-{'-vs-'.join(parts)}" if parts else kind, NAME_CHARS)
    return f"{name}.{extension}"


def attachment(name: str) -> str:
    """A ``Content-Disposition`` value for ``name``: ``filename=`` in ASCII and,
    when the name is not ASCII, ``filename*=`` with it whole (RFC 5987, RFC 6266)."""
    fallback = _ascii(name)
    if fallback == name:
        return f'attachment; filename="{name}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def _words(text: str, limit: int) -> str:
    words = NOT_NAME.sub("-", unicodedata.normalize("NFC", text)).replace("_", "-")
    return _cut(words.strip("-"), limit)


def _cut(text: str, limit: int) -> str:
    """``text`` at most ``limit`` characters, cut at a hyphen when there is one."""
    if len(text) <= limit:
        return text
    cut = text[:limit + 1]
    return (cut.rsplit("-", 1)[0] if "-" in cut else text[:limit]).strip("-")


def _ascii(name: str) -> str:
    """The name in ASCII: Cyrillic by iuliia's Wikipedia schema, accents dropped."""
    if name.isascii():
        return name
    import iuliia  # it reads its schema files on import: only when a name needs it

    stem, dot, extension = name.rpartition(".")
    latin = unicodedata.normalize("NFKD", iuliia.WIKIPEDIA.translate(stem))
    latin = re.sub(r"[^A-Za-z0-9]+", "-", latin.encode("ascii", "ignore").decode()).strip("-")
    return f"{latin or 'download'}{dot}{extension}"
