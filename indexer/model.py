"""The article model and the problems a reader can report."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

LANGUAGES = {"en": "English", "ru": "Русский"}


@dataclass
class Article:
    """One article of the archive, in one language."""

    id: str
    lang: str
    title: str = ""
    body: str = ""
    url: str | None = None
    authors: list[str] = field(default_factory=list)
    date: dt.date | None = None
    regions: list[str] = field(default_factory=list)
    region_source: str = "page"  # "page" or "inferred"
    topics: list[str] = field(default_factory=list)
    source: str = ""
    translation: str | None = None

    def to_dict(self) -> dict:
        """The article as JSON-ready plain data."""
        data = asdict(self)
        data["date"] = self.date.isoformat() if self.date else None
        return data


class CorpusError(Exception):
    """A file, or a line of it, that cannot be read as an article."""

    def __init__(self, reason: str, path: str = "", line: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.reason}" if where else self.reason


class UnreadableFile(CorpusError):
    """Binary, empty or undecodable input."""


class NoArticleFound(CorpusError):
    """A readable page in which no article text was found."""


class BadRecord(CorpusError):
    """A JSON Lines record that is broken or lacks required fields."""


class UnsupportedFile(CorpusError):
    """A file whose type kartoteka does not read."""
