"""Walk corpus sources and read every file into Articles or problems.

This is the one place that knows file formats: a file's format is chosen
once from its name, its reader is called, and what comes back is finished
the same way for every format (stable id, source path, regions, links).
"""

from __future__ import annotations

import codecs
import datetime as dt
import enum
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

from ..model import (
    Article,
    BadRecord,
    CorpusError,
    CorpusWarning,
    NoDate,
    TooLarge,
    UnreadableFile,
    UnsupportedFile,
)
from ..text import regions
from ..text.outlets import outlet_for, outlet_in_text
from .dump_reader import read_page_dump
from .encodings import decode_line, decode_text
from .html_reader import read_html_page
from .jsonl_reader import read_json_line
from .warc_reader import PassedOver, read_warc

SNIFF_BYTES = 8192
DEFAULT_MAX_BYTES = 10_000_000  # a page file, a JSON Lines record, a WARC page (--max-file-size)
FUTURE_SLACK = dt.timedelta(days=1)  # time zones: "today" somewhere is tomorrow here
# Dropped from corpus text: control characters, and the invisible soft
# hyphens and zero-width marks that would split a word in two.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u00ad\u200b-\u200d\u2060\ufeff]")


class FileFormat(enum.Enum):
    HTML = "html"
    TEXT_DUMP = "text dump"
    JSON_LINES = "JSON Lines"
    WARC = "WARC"

    @classmethod
    def of(cls, path: Path) -> "FileFormat | None":
        """The format of a file, from its name; ``None`` for other files."""
        if path.name.lower().endswith((".warc", ".warc.gz")):  # the suffix of x.warc.gz is .gz
            return cls.WARC
        return {
            ".html": cls.HTML, ".htm": cls.HTML, ".xhtml": cls.HTML,
            ".txt": cls.TEXT_DUMP, ".text": cls.TEXT_DUMP,
            ".jsonl": cls.JSON_LINES, ".ndjson": cls.JSON_LINES,
        }.get(path.suffix.lower())


def find_files(sources: Iterable[str | os.PathLike]) -> Iterator[tuple[Path, Path]]:
    """Yield ``(file, corpus root)`` for every file under the sources, sorted.

    Hidden files and folders are passed over. A source that does not exist
    raises ``FileNotFoundError``.
    """
    for source in sources:
        path = Path(source)
        if path.is_file():
            yield path, path.parent
        elif path.is_dir():
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield Path(folder) / name, path
        else:
            raise FileNotFoundError(f"no such file or folder: {source}")


def read_file(path: Path, root: Path, max_bytes: int = DEFAULT_MAX_BYTES
              ) -> Iterator[Article | CorpusError | PassedOver]:
    """Read one corpus file: finished Articles, and a CorpusError per problem.

    What a reader worked around (a legacy encoding, a date it could not use)
    comes as a ``CorpusWarning`` after its article, and an article without a
    date is followed by a ``NoDate``, whatever its format. A page file over
    ``max_bytes`` is skipped, as is a JSON Lines record or a WARC page over it.
    A WARC's records that are no article pages (requests, redirects, images)
    come as ``PassedOver``: counted, not problems.
    """
    source = source_name(path, root)
    try:
        for item in _read_any(path, max_bytes):
            if isinstance(item, PassedOver):
                yield item
                continue
            if isinstance(item, CorpusError):
                item.path = source
                yield item
                continue
            article, article.line = item
            finish_article(article, source)
            yield article
            for note in article.notes:
                yield CorpusWarning(note, source, article.line)
            if article.date is None:
                # The id names it where file and line cannot (an archive of many pages).
                yield NoDate(f"no usable date; indexed as undated (id {article.id})", source,
                             article.line)
    except CorpusError as error:
        error.path = source
        yield error
    except OSError as error:
        yield UnreadableFile(f"cannot read the file ({error.strerror or error})", source)


def source_name(path: Path, root: Path) -> str:
    """How a file is named in articles and reports: its path under the corpus root."""
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def _read_any(path: Path, max_bytes: int
              ) -> Iterator[tuple[Article, int | None] | CorpusError | PassedOver]:
    file_format = FileFormat.of(path)
    if file_format is None:
        raise UnsupportedFile(f"not a corpus file type ({path.suffix or 'no extension'})")
    if file_format is FileFormat.WARC:  # a crawl is big: the size limit is per page
        yield from read_warc(path, max_bytes)
        return
    size = path.stat().st_size
    if file_format is FileFormat.JSON_LINES:
        yield from _read_json_lines_file(path, max_bytes)
        return
    if size > max_bytes:
        raise TooLarge(f"{_megabytes(size)} is over the {_megabytes(max_bytes)} limit "
                       "(--max-file-size)")
    data = path.read_bytes()
    _check_text(data)
    if file_format is FileFormat.HTML:
        yield read_html_page(data), None
        return
    text, notes = decode_text(data)
    article = read_page_dump(text, slug=path.stem)
    article.sources.setdefault("lang", "guessed from the text")
    if not article.outlet and (named := outlet_in_text(text)):
        article.outlet = named
        article.sources.setdefault("outlet", "a masthead or copyright line of the page")
    article.notes[:0] = notes
    yield article, None


def _check_text(data: bytes) -> None:
    if not data.strip():
        raise UnreadableFile("empty file")
    if _looks_binary(data[:SNIFF_BYTES]):
        raise UnreadableFile("binary file, not text")


def _read_json_lines_file(path: Path, max_bytes: int):
    """Records one line at a time, each decoded and size-checked on its own."""
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
        if len(head) < SNIFF_BYTES:  # the whole file
            _check_text(head)
        elif _looks_binary(head):
            raise UnreadableFile("binary file, not text")
        handle.seek(0)
        for number, raw in enumerate(handle, start=1):
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            if len(raw) > max_bytes:
                yield TooLarge(f"record of {_megabytes(len(raw))} is over the "
                               f"{_megabytes(max_bytes)} limit (--max-file-size)", line=number)
                continue
            if not raw.strip():
                continue
            text, legacy = decode_line(raw)
            try:
                article = read_json_line(text)
            except BadRecord as error:
                yield BadRecord(error.reason, line=number)
                continue
            if legacy:
                article.notes.insert(0, f"not UTF-8: read as {legacy}")
            yield article, number


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{size / 1000:.0f} KB"


def _looks_binary(sample: bytes) -> bool:
    """NUL bytes, or more than 5% control characters, mean not text."""
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(sample) * 0.05


def id_from_url(url: str) -> str:
    """The stable id of an article from its URL: its path, without extension."""
    path = urlsplit(url).path.strip("/")
    path = re.sub(r"\.(html?|php|aspx?)$", "", path)
    return path or urlsplit(url).netloc


def id_from_source(source: str) -> str:
    """The stable id of an article known only by its file path."""
    return re.sub(r"\.[^./]+$", "", source)


def finish_article(article: Article, source: str) -> Article:
    """Fill in what every format derives the same way.

    The id comes from the URL when known, else from the file path; the outlet
    is the table's name of the publication the page or its URL names; regions
    given as labels are mapped to slugs; with none given, regions are
    inferred from title and body and marked ``inferred``.
    """
    article.source = source
    article.title, article.body = _printable(article.title), _printable(article.body)
    article.authors = [_printable(a) for a in article.authors]
    article.topics = [_printable(t) for t in article.topics]
    # One value per publication, whichever way the page named it (text/outlets.py).
    named = _printable(article.outlet)
    article.outlet = outlet_for(name=named, url=article.url)
    if article.outlet and "outlet" not in article.sources:
        article.sources["outlet"] = "the page's name for its site" if named else "the URL's host"
    if article.date and article.date > dt.date.today() + FUTURE_SLACK:
        article.notes.append(f"the date {article.date.isoformat()} lies in the future; "
                             "indexed without a date")
        article.date = None
    if not article.id:
        article.id = id_from_url(article.url) if article.url else id_from_source(source)
    if article.translation and "://" in article.translation:
        article.translation = id_from_url(article.translation)
    article.regions = _region_slugs(article.regions)
    if article.regions:
        article.region_source = "page"
    else:
        article.regions = regions.infer_regions(article.title, article.body)
        article.region_source = "inferred"
    return article


def _printable(text: str) -> str:
    """Text without control characters (NUL and the like); tabs and newlines stay."""
    return CONTROL.sub("", text) if CONTROL.search(text) else text


def _region_slugs(values: list[str]) -> list[str]:
    slugs: list[str] = []
    for value in values:
        slug = value if value in regions.REGIONS_BY_SLUG else regions.region_for_label(value)
        if slug and slug not in slugs:
            slugs.append(slug)
    return slugs


def read_corpus(sources: Iterable[str | os.PathLike], max_bytes: int = DEFAULT_MAX_BYTES
                ) -> Iterator[Article | CorpusError | PassedOver]:
    """Every Article and problem (and WARC record passed over) of the sources, file by file."""
    for path, root in find_files(sources):
        yield from read_file(path, root, max_bytes)
