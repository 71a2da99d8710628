"""The article model and the problems a reader can report."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field

LANGUAGES = {"en": "English", "ru": "Русский"}


@dataclass
class Dropped:
    """Text a reader left out of an article's body, and the named rule that left it
    out (``ingest/rules.py``): what ``kartoteka inspect`` shows."""

    text: str
    rule: str


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
    outlet: str = ""  # the publication, one value per outlet whatever its spelling
    # What the reader noticed but could work around (e.g. a date it dropped).
    notes: list[str] = field(default_factory=list, compare=False, repr=False)
    line: int | None = field(default=None, compare=False, repr=False)  # in a JSON Lines file
    # Its copy fingerprint (engine/copies), made where the file is read.
    fingerprint: bytes = field(default=b"", compare=False, repr=False)
    # How the reader read it, for ``kartoteka inspect``: each field's source ("title":
    # "<h1> confirmed by og:title") and every paragraph it left out, with its rule.
    sources: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    dropped: list[Dropped] = field(default_factory=list, compare=False, repr=False)

    def to_dict(self) -> dict:
        """The article as JSON-ready plain data."""
        data = asdict(self)
        del data["notes"], data["line"], data["fingerprint"], data["sources"], data["dropped"]
        data["date"] = self.date.isoformat() if self.date else None
        return data

    def content_hash(self) -> str:
        """A digest of everything indexed about the article, to tell a changed one."""
        text = json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class CorpusError(Exception):
    """A file, or a line of it, that cannot be read as an article.

    ``kind`` names the problem for reports; ``action`` says what the build
    did about it.
    """

    kind = "problem"
    action = "skipped"
    label = ""  # put before the reason when printed
    tells_action = False  # print the action after the reason (when it is not obvious)

    def __init__(self, reason: str, path: str = "", line: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        reason = self.label + self.reason
        text = f"{where}: {reason}" if where else reason
        return f"{text} ({self.action})" if self.tells_action else text

    def to_dict(self) -> dict:
        """The problem as plain data, for reports and the index's manifest."""
        return {"file": self.path, "line": self.line, "kind": self.kind,
                "reason": self.reason, "action": self.action}

    @staticmethod
    def from_dict(data: dict) -> "CorpusError":
        cls = PROBLEM_KINDS.get(data.get("kind"), CorpusError)
        problem = cls(data["reason"], data.get("file") or "", data.get("line"))
        problem.action = data.get("action", cls.action)
        return problem


class UnreadableFile(CorpusError):
    """Binary, empty or undecodable input."""

    kind = "unreadable"


class TooLarge(CorpusError):
    """A file (or JSON Lines record) over the configured size limit."""

    kind = "too-large"


class NoArticleFound(CorpusError):
    """A readable page in which no article text was found."""

    kind = "no-article"


class BadRecord(CorpusError):
    """A JSON Lines record that is broken or lacks required fields."""

    kind = "bad-record"


class UnsupportedFile(CorpusError):
    """A file whose type kartoteka does not read."""

    kind = "unsupported"


class DuplicateId(CorpusError):
    """An article whose id an earlier file (or line) already gave."""

    kind = "duplicate-id"
    action = "kept the first"
    tells_action = True


class CorpusWarning(CorpusError):
    """Something the reader worked around: the article is indexed."""

    kind = "warning"
    action = "indexed"
    label = "warning: "


class NoDate(CorpusWarning):
    """An article indexed without a date: the year facet counts it as undated.

    Said once per undated article, whatever the format, after any warning
    that tells why a date it had was dropped.
    """

    kind = "no-date"


PROBLEM_KINDS = {cls.kind: cls for cls in (CorpusError, UnreadableFile, TooLarge, NoArticleFound,
                                           BadRecord, UnsupportedFile, DuplicateId,
                                           CorpusWarning, NoDate)}
