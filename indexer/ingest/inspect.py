"""What a reader decided for one corpus file, as plain data (``kartoteka inspect``).

The file goes through ``corpus.read_file``, the very code a build runs, so the
body shown here is the body the index holds. For each field: its value and the
source that won (the reader's ``Article.sources``; the id and inferred regions
are derived here from what ``finish_article`` did); the body's paragraphs; and
every paragraph left out of the body, with its rule and that rule's description
(``rules.RULES``). A file of many articles (JSON Lines, WARC) is listed, or one
of them picked by line or record number, or by article id.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from pathlib import Path

from ..model import Article, CorpusError, CorpusWarning
from .corpus import (
    DEFAULT_MAX_BYTES,
    FileFormat,
    id_from_source,
    id_from_url,
    read_file,
    source_name,
)
from .rules import RULES
from .warc_reader import PassedOver

# The fields shown, in this order: what the index stores about an article.
FIELDS = ("id", "lang", "title", "authors", "date", "outlet", "url", "regions", "topics",
          "translation")


class InspectError(Exception):
    """A file, or a part of it, that cannot be inspected as asked."""


class NoSuchRecord(InspectError):
    """A line or record number the file does not have, or a selector its format has not."""


class SourceGone(InspectError):
    """An indexed article's file is no longer where the build read it (``gone``),
    or no longer holds it (``changed``)."""

    def __init__(self, message: str, kind: str = "gone"):
        super().__init__(message)
        self.kind = kind


def inspect_file(path: str | os.PathLike, record: int | None = None, line: int | None = None,
                 *, root: str | os.PathLike | None = None, article_id: str | None = None,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> dict:
    """What the reader makes of ``path``: ``{"file", "path", "format", "selected",
    "article", "problems", "records", "passed_over"}``.

    ``line`` picks a JSON Lines record by its line number, ``record`` a WARC's
    page by its number in the listing (records passed over are not numbered),
    ``article_id`` an article by id. Without them, a file of one article gives
    that article, and a file of many lists them in ``records`` (``article`` is
    ``None``). ``article`` is ``None`` too when the chosen part gave no article:
    ``problems`` says why. Raises ``NoSuchRecord`` for a number the file has
    not, or a selector of another format.
    """
    path = Path(path)
    root = Path(root) if root is not None else path.parent
    file_format = FileFormat.of(path)
    _check_selectors(path, file_format, record, line)
    entries, passed_over = _entries(read_file(path, root, max_bytes), file_format)
    result = {"file": source_name(path, root), "path": str(path),
              "format": file_format.value if file_format else None,
              "selected": None, "article": None, "problems": [], "records": [],
              "passed_over": dict(passed_over)}
    chosen = _choose(entries, file_format, record, line, article_id, path)
    if chosen is None:
        result["records"] = [_listed(entry) for entry in entries]
        return result
    if file_format is FileFormat.JSON_LINES:
        result["selected"] = {"line": chosen["line"]}
    elif file_format is FileFormat.WARC:
        result["selected"] = {"record": chosen["number"]}
    result["problems"] = [p.to_dict() for p in chosen["problems"]]
    if chosen["article"] is not None:
        result["article"] = article_data(chosen["article"])
    return result


def article_data(article: Article) -> dict:
    """An article as read: ``{"fields": [{name, value, source}], "paragraphs",
    "dropped": [{text, rule, description}], "dropped_by_rule"}``."""
    fields = []
    for name in FIELDS:
        value = getattr(article, name)
        if isinstance(value, dt.date):
            value = value.isoformat()
        fields.append({"name": name, "value": value, "source": _field_source(article, name)})
    return {
        "fields": fields,
        "paragraphs": article.body.split("\n\n") if article.body else [],
        "dropped": [{"text": d.text, "rule": d.rule, "description": RULES.get(d.rule)}
                    for d in article.dropped],
        "dropped_by_rule": dict(Counter(d.rule for d in article.dropped)),
    }


def _field_source(article: Article, name: str) -> str | None:
    """The reader's word for where a field came from, else what the corpus walk did."""
    if name == "regions" and article.regions and article.region_source == "inferred":
        return "inferred from the title and body"
    if article.sources.get(name):
        return article.sources[name]
    if name == "id":
        if article.url and article.id == id_from_url(article.url):
            return "the URL's path"
        if article.id == id_from_source(article.source):
            return "the file's name"
    return None


def _check_selectors(path: Path, file_format: FileFormat | None, record, line) -> None:
    if record is not None and line is not None:
        raise NoSuchRecord("give a record number or a line number, not both")
    if line is not None and file_format is not FileFormat.JSON_LINES:
        raise NoSuchRecord(f"{path.name} is not a JSON Lines file: a line number picks a "
                           "record of a .jsonl file only"
                           + (" (a WARC's pages are picked by record number)"
                              if file_format is FileFormat.WARC else ""))
    if record is not None and file_format is not FileFormat.WARC:
        raise NoSuchRecord(f"{path.name} is not a WARC file: a record number picks a page of "
                           "a .warc or .warc.gz file only"
                           + (" (a JSON Lines record is picked by line number)"
                              if file_format is FileFormat.JSON_LINES else ""))


def _entries(items, file_format) -> tuple[list[dict], Counter]:
    """The file's parts, in order: each an article or a problem, with its warnings.

    A warning follows its article (``read_file`` says so); in a JSON Lines file
    every part carries its line.
    """
    entries: list[dict] = []
    passed_over: Counter = Counter()
    for item in items:
        if isinstance(item, PassedOver):
            passed_over[item.reason] += 1
        elif isinstance(item, CorpusWarning) and entries and entries[-1]["article"] is not None:
            entries[-1]["problems"].append(item)
        elif isinstance(item, CorpusError):
            entries.append({"article": None, "problems": [item], "line": item.line})
        else:
            entries.append({"article": item, "problems": [], "line": item.line})
    for number, entry in enumerate(entries, start=1):
        entry["number"] = number
    return entries, passed_over


def _choose(entries: list[dict], file_format, record, line, article_id, path: Path):
    """The entry asked for; ``None`` to list them all."""
    if article_id is not None:
        for entry in entries:
            if entry["article"] is not None and entry["article"].id == article_id:
                return entry
        raise SourceGone(f"{path.name} no longer holds the article {article_id!r}", "changed")
    if line is not None:
        for entry in entries:
            if entry["line"] == line:
                return entry
        lines = _count_lines(path)
        if line > lines:
            raise NoSuchRecord(f"{path.name} has {lines} line{'s' if lines != 1 else ''}: "
                               f"there is no line {line}")
        raise NoSuchRecord(f"line {line} of {path.name} is blank")
    if record is not None:
        if record > len(entries):
            raise NoSuchRecord(f"{path.name} has {len(entries)} page record"
                               f"{'s' if len(entries) != 1 else ''}: there is no record "
                               f"{record}")
        return entries[record - 1]
    if len(entries) == 1 or file_format not in (FileFormat.JSON_LINES, FileFormat.WARC):
        return entries[0] if entries else {"article": None, "problems": [], "line": None,
                                           "number": 1}
    return None


def _listed(entry: dict) -> dict:
    """One part of a many-article file, as the listing shows it."""
    article = entry["article"]
    return {"record": entry["number"], "line": entry["line"],
            "id": article.id if article else None, "title": article.title if article else None,
            "problems": [p.to_dict() for p in entry["problems"]]}


def _count_lines(path: Path) -> int:
    with open(path, "rb") as handle:
        return sum(1 for _ in handle)


def source_files(sources: list[str], source: str) -> list[tuple[Path, Path]]:
    """``(file, corpus root)`` of each place an indexed article's ``source`` (its
    path under the root the build read) may be, given the build's resolved
    ``sources``: those that hold a file of that name now."""
    found = []
    for given in map(Path, sources):
        if given.name == source and given.is_file():  # a file given on its own
            found.append((given, given.parent))
        elif (given / source).is_file():
            found.append((given / source, given))
    return found


def inspect_stored(article_id: str, source: str, build_info: dict) -> dict:
    """How an indexed article's file reads now: ``inspect_file`` of the article
    (by id) in the file the build read, plus ``changed_since_build`` (the file
    is newer than the index). Raises ``SourceGone`` when the file is gone or no
    longer holds the article."""
    sources = build_info.get("sources") or []
    places = source_files(sources, source)
    if not places:
        where = ", ".join(sources) if sources else "folders the index does not name"
        raise SourceGone(f"{source} is no longer in {where}, where the index was built "
                         "from: it was moved or deleted since")
    for path, root in places:
        try:
            result = inspect_file(path, root=root, article_id=article_id)
        except SourceGone:
            continue
        result["changed_since_build"] = _newer_than(path, build_info.get("built_at"))
        return result
    raise SourceGone(f"{source} no longer holds the article {article_id!r}: it was changed "
                     "since the index was built", "changed")


def _newer_than(path: Path, built_at: str | None) -> bool:
    if not built_at:
        return False
    try:
        built = dt.datetime.fromisoformat(built_at)
    except ValueError:
        return False
    if built.tzinfo is None:
        built = built.replace(tzinfo=dt.UTC)
    # built_at is given to the second, and the build starts after its files were written.
    return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC) >= built + dt.timedelta(
        seconds=1)
