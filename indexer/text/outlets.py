"""The outlet an article comes from: one value per publication, however it is spelled.

Pages name their publication many ways: og:site_name "Eurasianet", a JSON-LD
publisher "Eurasianet.org", the host www.eurasianet.org, a masthead or
copyright line, and in the other script («Азаттык» for "Azattyk"). The outlet
table (``indexer/data/outlets.tsv``; a researcher's own with ``kartoteka index
--outlets FILE``) lists the region's outlets with their names in both scripts
and their hosts.

- ``outlet_for`` is what every reader calls: the table's name of the outlet when
  a name or the URL's host is in it, else the name as written (spacing
  cleaned), else the host without "www.";
- ``OutletTable.key`` is what the outlet facet merges by at build time, with the
  researcher's table too: two spellings with one key are one outlet, "Kloop"
  and "kloop.kg" even when no table lists them (a host's key is its name part,
  "kloop"; a name's is its letters and digits, "kloop").
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

OUTLETS = Path(__file__).resolve().parent.parent / "data" / "outlets.tsv"
OUTLETS_HEADER = "# kartoteka outlets, format 1"
HOST = re.compile(r"(?:[a-z0-9-]+\.)+[a-z]{2,}(?:/[\w.-]+)?", re.I)
URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)
# "Highland & Steppe Review © 2021", "© 2008–2024 Eurasianet", "Copyright 2019 Kloop."
COPYRIGHT = re.compile(r"^(?:(?:©|\(c\)|copyright)\s*(?:\d{4}(?:\s*[-–—]\s*\d{4})?)?[\s,.]*"
                       r"(?P<after>[^©]{2,60}?)|(?P<before>[^©]{2,60}?)\s*©\s*\d{4}.*?)"
                       r"[\s.]*(?:all rights reserved\.?|все права защищены\.?)?$", re.I)
RIGHTS = re.compile(r"all rights reserved|все права защищены", re.I)
MASTHEAD_LINES = 12  # a masthead stands among a page's first lines
MAX_NAME = 80


class OutletTableError(ValueError):
    """An outlet table that cannot be read: the file and line say where."""


def read_outlets(path: str | os.PathLike = OUTLETS) -> list[list[str]]:
    """The rows of an outlet table: each outlet's forms, its English name first.

    The first line is the format header (``OUTLETS_HEADER``); lines starting
    with "#" and blank lines are skipped.
    """
    with open(path, encoding="utf-8") as lines:
        if lines.readline().strip() != OUTLETS_HEADER:
            raise OutletTableError(f"{os.fspath(path)}:1: expected {OUTLETS_HEADER!r}")
        rows = []
        for number, line in enumerate(lines, start=2):
            if not line.strip() or line.startswith("#"):
                continue
            forms = [form.strip() for form in line.split("\t") if form.strip()]
            if len(forms) < 2:
                raise OutletTableError(f"{os.fspath(path)}:{number}: a name and at least "
                                       "one host or other name are needed, tab-separated")
            rows.append(forms)
    return rows


def squash(text: str) -> str:
    """A name as the table compares it: letters and digits only, lower case, ё as е."""
    return re.sub(r"[\W_]+", "", text.casefold().replace("ё", "е"))


def host_of(text: str | None) -> str | None:
    """The host a URL or a host-like name names, lower case, without "www."
    ("https://www.Eurasianet.org/x" → "eurasianet.org"; "bbc.com/russian" as
    it is); ``None`` for a name."""
    text = (text or "").strip()
    if URL.match(text):
        host = urlsplit(text).hostname or ""
    elif HOST.fullmatch(text):
        host = text.lower()  # "bbc.com/russian": a section of a site
    else:
        return None
    host = host.rstrip(".").removeprefix("www.")
    return host or None


def _section(url: str | None) -> str | None:
    """"host/first-path-part" of a URL, for an outlet that is one section of a site."""
    if not url or not URL.match(url.strip()):
        return None
    parts = urlsplit(url.strip())
    first = parts.path.strip("/").split("/")[0].lower()
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}/{first}" if first and host else None


def _is_cyrillic(text: str) -> bool:
    return bool(re.search(r"[а-яё]", text, re.I))


class OutletTable:
    """The outlets a table lists, looked up by any of their names or hosts."""

    def __init__(self, rows: Iterable[list[str]] = ()):
        self.by_name: dict[str, str] = {}
        self.by_host: dict[str, str] = {}
        self.forms: dict[str, list[str]] = {}
        for forms in rows:  # a later row's form wins: a researcher's table comes last
            name = forms[0]
            self.forms[name] = list(dict.fromkeys(self.forms.get(name, []) + forms))
            for form in forms:
                host = host_of(form)
                if host and not _is_cyrillic(form):
                    self.by_host[host] = name
                self.by_name[squash(form)] = name

    @classmethod
    def load(cls, extra: Iterable[str | os.PathLike] = ()) -> OutletTable:
        """The shipped table, then the researcher's tables in ``extra``."""
        rows = list(read_outlets(OUTLETS))
        for path in extra:
            rows += read_outlets(path)
        return cls(rows)

    def find(self, text: str | None, url: str | None = None) -> str | None:
        """The table's name of the outlet ``text`` (a name, a host or a URL) names."""
        host = host_of(text)
        if host is None and text:
            name = self.by_name.get(squash(text))
            if name:
                return name
        for candidate in (_section(text), _section(url)):
            if candidate in self.by_host:
                return self.by_host[candidate]
        host = host or host_of(url)
        while host and "." in host:
            if host in self.by_host:
                return self.by_host[host]
            host = host.split(".", 1)[1]  # rus.azattyk.org → azattyk.org
        return None

    def key(self, value: str) -> str:
        """What the outlet facet merges by: the table's name, else a host's name part
        ("kloop.kg" → "kloop", as "Kloop" → "kloop"), else the squashed name."""
        found = self.find(value)
        if found:
            return found
        host = host_of(value)
        if host:
            labels = host.split("/")[0].split(".")
            return squash("".join(labels[:-1] if len(labels) > 1 else labels))
        return squash(value) or value

    def labels(self, members: list[str]) -> dict[str, str]:
        """An outlet's label per interface language: the table's English name and its
        first Cyrillic form; else the first name (not host) of ``members``, most
        used first, in each script."""
        name = self.find(members[0]) if members else None
        if name:
            cyrillic = [f for f in self.forms[name] if _is_cyrillic(f)]
            return {"en": name, "ru": (cyrillic or [name])[0]}
        names = [m for m in members if host_of(m) is None] or members
        latin = [m for m in names if not _is_cyrillic(m)]
        cyrillic = [m for m in names if _is_cyrillic(m)]
        return {"en": (latin or cyrillic)[0], "ru": (cyrillic or latin)[0]}

    def value(self, members: list[str]) -> str:
        """The facet value of an outlet spelled as ``members`` (most used first):
        the table's name, else the first spelling that is a name, not a host."""
        name = self.find(members[0])
        return name or next((m for m in members if host_of(m) is None), members[0])

    def spellings(self, value: str) -> list[str]:
        """Every name and host the table gives the outlet ``value`` (for filters)."""
        return self.forms.get(value, [])


@functools.cache
def shipped_outlets() -> OutletTable:
    """The table kartoteka ships (``indexer/data/outlets.tsv``), read once."""
    return OutletTable.load()


def clean_name(name: str) -> str:
    """A publication's name as written, spacing collapsed; a host-like name as its host."""
    name = " ".join(name.split())[:MAX_NAME]
    return host_of(name) or name


def outlet_for(name: str | None = None, url: str | None = None, host: str | None = None,
               table: OutletTable | None = None) -> str:
    """The outlet of an article from what its page says: a publication's ``name``
    (og:site_name, JSON-LD publisher, a masthead, a record's ``outlet``), the
    page's ``url``, or a bare ``host``. The table's name when it knows the outlet
    ("www.eurasianet.org", "EurasiaNet" → "Eurasianet"; «Азаттык» → "Azattyk"),
    else the name as written, else the host without "www."; "" when nothing is known.
    """
    table = table or shipped_outlets()
    name = clean_name(name) if name and name.strip() else None
    found = table.find(name, url) if name else None
    found = found or table.find(url or host)
    if found:
        return found
    return name or host_of(url) or host_of(host) or ""


def outlet_in_text(text: str, table: OutletTable | None = None) -> str | None:
    """The outlet a saved-text page names: a masthead among its first lines that the
    table knows ("Eurasianet", «Азаттык»), else its copyright line ("Highland &
    Steppe Review © 2021", "© 2008–2024 Kloop"), else ``None``."""
    table = table or shipped_outlets()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines[:MASTHEAD_LINES]:
        if len(line) <= MAX_NAME and table.by_name.get(squash(line)) and host_of(line) is None:
            return table.by_name[squash(line)]
    for line in reversed(lines):
        found = COPYRIGHT.match(line) if len(line) <= 2 * MAX_NAME else None
        if found:
            name = (found.group("after") or found.group("before") or "").strip(" .,«»\"")
            if name and not name[0].isdigit() and not RIGHTS.fullmatch(name):
                return name
    return None


def outlet_filter_key(text: str) -> str:
    """How a filter value meets the outlet facet's spellings: a host or URL as its
    host ("www.eurasianet.org" = "eurasianet.org"), a name squashed (case, spacing,
    punctuation and ё aside)."""
    return host_of(text) or squash(text)
