"""Walk corpus sources and read every file into Articles or problems.

This is the one place that knows file formats: a file's format is chosen
once from its name, its reader is called, and what comes back is finished
the same way for every format (stable id, source path, regions, links).
"""

from __future__ import annotations

import enum
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

from . import regions
from .dump_reader import read_page_dump
from .html_reader import read_html_page
from .jsonl_reader import read_json_lines
from .model import Article, CorpusError, UnreadableFile, UnsupportedFile

SNIFF_BYTES = 8192


class FileFormat(enum.Enum):
    HTML = "html"
    TEXT_DUMP = "text dump"
    JSON_LINES = "JSON Lines"

    @classmethod
    def of(cls, path: Path) -> "FileFormat | None":
        """The format of a file, from its name; ``None`` for other files."""
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


def read_file(path: Path, root: Path) -> Iterator[Article | CorpusError]:
    """Read one corpus file: finished Articles, and a CorpusError per problem."""
    source = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    try:
        for item in _read_any(path):
            if isinstance(item, CorpusError):
                item.path = source
                yield item
            else:
                yield finish_article(item, source)
    except CorpusError as error:
        error.path = source
        yield error
    except OSError as error:
        yield UnreadableFile(f"cannot read the file ({error.strerror or error})", source)


def _read_any(path: Path) -> Iterator[Article | CorpusError]:
    file_format = FileFormat.of(path)
    if file_format is None:
        raise UnsupportedFile(f"not a corpus file type ({path.suffix or 'no extension'})")
    data = path.read_bytes()
    if not data.strip():
        raise UnreadableFile("empty file")
    if _looks_binary(data[:SNIFF_BYTES]):
        raise UnreadableFile("binary file, not text")
    if file_format is FileFormat.HTML:
        yield read_html_page(data)
        return
    text = _decode_text(data)
    if file_format is FileFormat.TEXT_DUMP:
        yield read_page_dump(text)
    else:
        yield from read_json_lines(text)


def _looks_binary(sample: bytes) -> bool:
    """NUL bytes, or more than 5% control characters, mean not text."""
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(sample) * 0.05


def _decode_text(data: bytes) -> str:
    """Plain text is UTF-8 (with or without BOM); else it is reported."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            f"not UTF-8 text (bad byte at offset {error.start}); save it as UTF-8") from None


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

    The id comes from the URL when known, else from the file path; regions
    given as labels are mapped to slugs; with none given, regions are
    inferred from title and body and marked ``inferred``.
    """
    article.source = source
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


def _region_slugs(values: list[str]) -> list[str]:
    slugs: list[str] = []
    for value in values:
        slug = value if value in regions.REGIONS_BY_SLUG else regions.region_for_label(value)
        if slug and slug not in slugs:
            slugs.append(slug)
    return slugs


def read_corpus(sources: Iterable[str | os.PathLike]) -> Iterator[Article | CorpusError]:
    """Every Article and problem of the sources, one file after another."""
    for path, root in find_files(sources):
        yield from read_file(path, root)
