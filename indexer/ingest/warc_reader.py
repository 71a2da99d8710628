"""Read the HTML pages of a WARC crawl (``.warc``, ``.warc.gz``) into Articles.

A crawl holds much besides articles: requests, redirects, images, revisits,
the crawler's own records. Those are what a crawl is made of, not something
wrong with it, so they are passed over and counted, not reported. A record
that cannot be read is a problem; as a gzip WARC holds one gzip member per
record (and a plain one starts each record on a ``WARC/1.x`` line), reading
goes on at the next record that opens cleanly.
"""

from __future__ import annotations

import mmap
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import WARCIterator
from warcio.bufferedreaders import BufferedReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from ..model import Article, BadRecord, CorpusError, TooLarge, UnreadableFile
from .html_reader import read_html_page

HTML_TYPES = ("text/html", "application/xhtml+xml")
RECORD_TYPES = {"warcinfo", "request", "revisit", "metadata", "resource", "conversion",
                "continuation"}  # besides "response": the WARC 1.1 record types
# Names warcio's content_stream() does not know for encodings it decodes.
ENCODING_ALIASES = {"x-gzip": "gzip", "x-deflate": "deflate", "identity": ""}
GZIP_MAGIC = b"\x1f\x8b\x08"
CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
HTML_SNIFF = re.compile(rb"<!doctype\s+html|<html[\s>]|<body[\s>]|<head[\s>]", re.I)


@dataclass(frozen=True)
class PassedOver:
    """A record read past on purpose (a request, a redirect, an image): counted, not a problem."""

    reason: str  # the record type, or "redirect", "not-200", "not-html"


WarcItem = tuple[Article, None] | CorpusError | PassedOver


class _Broken(Exception):
    """A record warcio cannot read; reading resumes at the next record start after it."""

    def __init__(self, offset: int, reason: str):
        super().__init__(reason)
        self.offset, self.reason = offset, reason


def read_warc(path: Path, max_bytes: int) -> Iterator[WarcItem]:
    """Articles of a WARC file's HTML pages, its problems, and what was passed over.

    ``max_bytes`` applies to each page, not to the file: a crawl is big, its
    pages are not. A file with no readable record raises ``UnreadableFile``.
    """
    with open(path, "rb") as handle:
        if not os.fstat(handle.fileno()).st_size:
            raise UnreadableFile("empty file")
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as view:
            yield from _read_records(handle, view, max_bytes)


def _read_records(handle: BinaryIO, view: mmap.mmap, max_bytes: int) -> Iterator[WarcItem]:
    """Every record in turn; past a broken one, on from the next record start."""
    gzipped = view[:2] == GZIP_MAGIC[:2]
    start: int | None = 0
    while start is not None:
        try:
            for offset, record in _records(handle, start, len(view)):
                yield from _read_record(record, offset, max_bytes)
            return
        except _Broken as broken:
            at = max(broken.offset, start)  # warcio's offsets can lag in a damaged stretch
            start = _next_record_start(view, at + 1, gzipped)
            if at == 0 and start is None:
                raise UnreadableFile(f"not a WARC file ({broken.reason})") from None
            then = (f"read on from byte {start}" if start is not None
                    else "the rest of the file cannot be read")
            yield BadRecord(f"record at byte {at}: {broken.reason}; {then}")


def _records(handle: BinaryIO, start: int, size: int) -> Iterator[tuple[int, ArcWarcRecord]]:
    """(offset, record) from ``start`` on; ``_Broken`` where warcio cannot go on."""
    handle.seek(start)
    records = WARCIterator(handle)  # WARC only: anything else would pass for an old ARC
    try:
        for record in records:
            yield records.offset, record
    except OSError:
        raise
    except Exception as error:  # warcio raises whatever a broken record trips it on
        raise _Broken(records.offset, _why(error)) from error
    if records.offset < size:  # warcio stops quietly at a gzip member cut short
        raise _Broken(records.offset, "not a whole WARC record")


def _read_record(record: ArcWarcRecord, offset: int, max_bytes: int) -> Iterator[WarcItem]:
    """One record: an Article, a problem naming its URI and offset, or a PassedOver."""
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    if not (record.rec_headers.get_header("Content-Length") or "").strip().isdigit():
        # Without it warcio reads on to the end, swallowing the records after.
        raise _Broken(offset, "no valid Content-Length")
    try:
        skip = _pass_over_reason(record)
        body = b"" if skip else _payload(record, max_bytes)
        missing = _unread_bytes(record)
        if missing:
            raise _Broken(offset, f"cut short ({missing} bytes of {uri or 'it'} missing)")
        media_type, charset = _content_type(record) if skip is None else ("", None)
        if skip is None and not media_type and not HTML_SNIFF.search(body[:2048]):
            skip = "not-html"
        if skip:
            yield PassedOver(skip)
            return
        article = read_html_page(body, url=uri or None, default_charset=charset)
    except CorpusError as problem:
        yield type(problem)(f"{uri or 'a record'} (at byte {offset}): {problem.reason}")
        return
    if article.url is None:
        article.url = uri or None
    # Warnings are listed by file: the URI tells which of its pages.
    article.notes = [f"{uri}: {note}" for note in article.notes]
    yield article, None


def _pass_over_reason(record: ArcWarcRecord) -> str | None:
    """Why a record is no article page (``None`` when it may be one)."""
    if record.rec_type != "response":
        return record.rec_type if record.rec_type in RECORD_TYPES else "other"
    if record.http_headers is None:  # dns:, whois: and the like
        return "not-html"
    status = record.http_headers.get_statuscode() or ""
    if status.startswith("3"):
        return "redirect"
    if status != "200":
        return "not-200"
    media_type = _content_type(record)[0]
    return "not-html" if media_type and media_type not in HTML_TYPES else None


def _content_type(record: ArcWarcRecord) -> tuple[str, str | None]:
    """The HTTP media type (``""`` when none is given), and the charset it names."""
    value = record.http_headers.get_header("Content-Type") or ""
    charset = CHARSET.search(value)
    return value.split(";")[0].strip().lower(), charset.group(1).lower() if charset else None


def _payload(record: ArcWarcRecord, max_bytes: int) -> bytes:
    """The page's bytes, de-chunked and decompressed (warcio: gzip, deflate; br with brotli)."""
    given = (record.http_headers.get_header("Content-Encoding") or "").strip().lower()
    encoding = ENCODING_ALIASES.get(given, given)
    if encoding and encoding not in BufferedReader.get_supported_decompressors():
        raise UnreadableFile(f"content encoding {given!r} is not supported")
    if encoding != given:
        record.http_headers.replace_header("Content-Encoding", encoding)
    body = record.content_stream().read(max_bytes + 1)
    if len(body) > max_bytes:
        raise TooLarge(f"the page is over the {max_bytes / 1_000_000:g} MB limit "
                       "(--max-file-size)")
    return body


def _unread_bytes(record: ArcWarcRecord) -> int:
    """Read to the record's end; how many of its bytes the file did not have."""
    while record.raw_stream.read(1 << 16):
        pass
    return getattr(record.raw_stream, "limit", 0)  # warcio's LimitReader: bytes still due


def _next_record_start(view: mmap.mmap, after: int, gzipped: bool) -> int | None:
    """Where the next record that opens cleanly starts, at or after ``after``."""
    marker = GZIP_MAGIC if gzipped else b"WARC/1."
    found = view.find(marker, after)
    while found != -1:
        if gzipped:
            try:
                head = zlib.decompressobj(31).decompress(view[found:found + 4096], 16)
            except zlib.error:
                head = b""
            if head.startswith(b"WARC/"):
                return found
        elif view[found - 1:found] == b"\n":
            return found
        found = view.find(marker, found + 1)
    return None


def _why(error: Exception) -> str:
    """A warcio error in a few words, without the binary junk it may quote."""
    if not isinstance(error, ArchiveLoadFailed):
        return "unreadable record header"  # e.g. one cut short before its WARC-Target-URI
    line = (str(error).strip().splitlines() or [""])[0].removeprefix("ERROR: ")
    if not line.isprintable():
        line = line.split(":")[0] + ": binary data (a damaged gzip member?)"
    return line[:120]
