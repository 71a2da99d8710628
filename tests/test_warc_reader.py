"""WARC crawls: the HTML pages become articles, the rest is counted, broken records reported."""

import datetime as dt
import gzip
import io
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from indexer.engine.embedded.build import build_index, update_index
from indexer.cli.main import cli
from indexer.ingest.corpus import FileFormat, PassedOver, read_file
from indexer.model import (Article, BadRecord, CorpusError, CorpusWarning, NoArticleFound,
                           NoDate, TooLarge, UnreadableFile)
from indexer.search.service import SearchRequest, SearchService

SITE = "https://news.example.org"


def page(title, paragraphs, *, lang="en", author=None, date=None, canonical=None,
         charset="utf-8"):
    """An article page as a news site serves it: menu, article, footer."""
    head = [f'<meta charset="{charset}">'] if charset else []
    head.append(f"<title>{title} | Example News</title>")
    if canonical:
        head.append(f'<link rel="canonical" href="{canonical}">')
    if author:
        head.append(f'<meta name="author" content="{author}">')
    if date:
        head.append(f'<meta property="article:published_time" content="{date}T08:00:00Z">')
    text = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html><html lang="{lang}"><head>{"".join(head)}</head><body>'
            f'<nav><a href="/">Home</a> <a href="/world">World</a></nav>'
            f"<article><h1>{title}</h1>{text}</article>"
            f"<footer>© Example News</footer></body></html>")


FERRY = page("A ferry returns to Issyk-Kul", [
    "After six quiet summers, a passenger ferry again crosses Lake Issyk-Kul between "
    "Cholpon-Ata and Karakol, and the first trip sold out within a day.",
    "Fishermen on the north shore say the boat brings tourists back to villages that "
    "had almost forgotten them.",
], author="Aida Sultanova", date="2019-06-14", canonical=f"{SITE}/en/issyk-kul-ferry")
ORCHARDS = page("Apricot orchards of Batken", [
    "The apricot harvest in Batken came early this year, and growers are drying most "
    "of the fruit on their roofs before the autumn rain.",
    "Traders from Kazakhstan pay more for dried apricots than for fresh ones.",
], author="Nurlan Abdyrov", date="2020-07-02")  # no canonical URL: the crawl's URI it is
TEA = page("Чайные дома Худжанда", [
    "В старых чайханах Худжанда по утрам собираются пенсионеры: они спорят о футболе "
    "и ценах на хлопок, пока хозяин наливает зелёный чай.",
    "Молодёжь заходит сюда реже, но по праздникам мест за столами не хватает.",
], lang="ru", author="Фарход Каримов", date="2018-03-21", canonical=f"{SITE}/ru/khujand-tea",
   charset=None).encode("windows-1251")  # its charset is only in the HTTP header
MARKET = page("A night market in Tbilisi", [
    "Stalls selling churchkhela and wine now stay open past midnight near the Dry "
    "Bridge, and the city plans to keep the street closed to cars on weekends.",
], author="Levan Beridze", date="2021-09-10", canonical=f"{SITE}/en/tbilisi-night-market")
ROADS = page("New road to the Pamirs", [
    "Engineers finished the last tunnel on the road to Khorog, cutting the drive from "
    "Dushanbe by three hours.",
], author="Farrukh Nazarov", date="2022-05-05", canonical=f"{SITE}/en/pamir-road")
MENU_ONLY = ('<!DOCTYPE html><html lang="en"><head><title>Sections</title></head><body>'
             '<nav><a href="/world">World</a> <a href="/sport">Sport</a></nav>'
             "<footer>© Example News</footer></body></html>")


def http_headers(status="200 OK", content_type="text/html; charset=utf-8", **more):
    headers = [("Content-Type", content_type)] if content_type else []
    headers += [(name.replace("_", "-"), value) for name, value in more.items()]
    return StatusAndHeaders(status, headers, protocol="HTTP/1.1")


class Crawl:
    """Writes a WARC (gzip or plain) record by record and remembers where each starts."""

    def __init__(self, gzip=True):
        self.buffer = io.BytesIO()
        self.writer = WARCWriter(self.buffer, gzip=gzip)
        self.offsets = {}

    def add(self, name, record):
        self.offsets[name] = self.buffer.tell()
        self.writer.write_record(record)
        return self

    def response(self, uri, body, headers=None, name=None):
        return self.add(name or uri, self.writer.create_warc_record(
            uri, "response", payload=io.BytesIO(body), http_headers=headers or http_headers()))

    def bytes(self):
        return self.buffer.getvalue()


def full_crawl(gzipped=True):
    """One of everything a real crawl holds, pages in between."""
    w = Crawl(gzipped)
    w.add("warcinfo", w.writer.create_warcinfo_record("crawl.warc.gz", {"software": "test"}))
    w.add("request", w.writer.create_warc_record(
        f"{SITE}/en/issyk-kul-ferry", "request", payload=io.BytesIO(b""),
        http_headers=StatusAndHeaders("GET /en/issyk-kul-ferry HTTP/1.1",
                                      [("Host", "news.example.org")], is_http_request=True)))
    w.response(f"{SITE}/en/issyk-kul-ferry?utm_source=feed", FERRY.encode())
    w.response(f"{SITE}/en/batken-apricots", ORCHARDS.encode())
    w.response(f"{SITE}/ru/khujand-tea", TEA, http_headers(
        content_type="text/html; charset=windows-1251"))
    w.response(f"{SITE}/en/tbilisi-night-market", gzip.compress(MARKET.encode()),
               http_headers(Content_Encoding="gzip"))
    w.response(f"{SITE}/old-ferry-link", b"", http_headers(
        "301 Moved Permanently", None, Location=f"{SITE}/en/issyk-kul-ferry"))
    w.response(f"{SITE}/en/missing", b"<html><body><p>Not found</p></body></html>",
               http_headers("404 Not Found"))
    w.response(f"{SITE}/report.pdf", b"%PDF-1.4 not really a pdf",
               http_headers(content_type="application/pdf"))
    w.response(f"{SITE}/logo.png", b"\x89PNG\r\n\x1a\n....",
               http_headers(content_type="image/png"))
    w.response(f"{SITE}/robots.txt", b"User-agent: *\nDisallow:\n",
               http_headers(content_type=None))  # no type, and not HTML by its looks
    w.response(f"{SITE}/sections", MENU_ONLY.encode())
    w.add("revisit", w.writer.create_revisit_record(
        f"{SITE}/en/batken-apricots", "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        f"{SITE}/en/batken-apricots", "2024-01-01T00:00:00Z"))
    w.add("metadata", w.writer.create_warc_record(
        f"{SITE}/en/batken-apricots", "metadata", payload=io.BytesIO(b"outlinks: 3\n"),
        warc_content_type="application/warc-fields"))
    w.response(f"{SITE}/en/pamir-road", ROADS.encode(), http_headers(content_type=None))
    return w


PASSED_OVER = {"warcinfo": 1, "request": 1, "redirect": 1, "not-200": 1, "not-html": 3,
               "revisit": 1, "metadata": 1}


def read(path, max_bytes=10_000_000):
    """(articles by id, problems, passed-over counts) as the build sees a file."""
    items = list(read_file(path, path.parent, max_bytes))
    articles = {i.id: i for i in items if isinstance(i, Article)}
    problems = [i for i in items if isinstance(i, CorpusError) and not isinstance(i, NoDate)]
    return articles, problems, Counter(i.reason for i in items if isinstance(i, PassedOver))


def write(tmp_path, data, name="crawl.warc.gz"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_warc_files_are_chosen_by_name_gzipped_or_not():
    assert FileFormat.of(Path("crawl.warc.gz")) is FileFormat.WARC
    assert FileFormat.of(Path("CRAWL.WARC")) is FileFormat.WARC
    assert FileFormat.of(Path("notes.txt.gz")) is None


@pytest.mark.parametrize("gzipped", [True, False], ids=["warc.gz", "warc"])
def test_html_pages_become_articles_and_the_rest_is_counted(tmp_path, gzipped):
    path = write(tmp_path, full_crawl(gzipped).bytes(),
                 "crawl.warc.gz" if gzipped else "crawl.warc")
    articles, problems, passed = read(path)
    assert set(articles) == {"en/issyk-kul-ferry", "en/batken-apricots", "ru/khujand-tea",
                             "en/tbilisi-night-market", "en/pamir-road"}
    ferry = articles["en/issyk-kul-ferry"]
    assert (ferry.title, ferry.authors, ferry.date, ferry.lang) == (
        "A ferry returns to Issyk-Kul", ["Aida Sultanova"], dt.date(2019, 6, 14), "en")
    assert ferry.url == f"{SITE}/en/issyk-kul-ferry"  # the canonical URL, not the crawled one
    assert ferry.source == path.name and "Cholpon-Ata" in ferry.body
    orchards = articles["en/batken-apricots"]
    assert orchards.url == f"{SITE}/en/batken-apricots"  # no canonical URL: the record's URI
    assert (orchards.title, orchards.date) == ("Apricot orchards of Batken", dt.date(2020, 7, 2))
    assert dict(passed) == PASSED_OVER
    [no_article] = problems
    assert isinstance(no_article, NoArticleFound)
    assert no_article.reason.startswith(f"{SITE}/sections (at byte ")
    assert no_article.path == path.name


def test_a_russian_page_is_decoded_with_the_charset_of_its_http_header(tmp_path):
    articles, problems, _ = read(write(tmp_path, full_crawl().bytes()))
    tea = articles["ru/khujand-tea"]
    assert (tea.title, tea.authors, tea.lang, tea.date) == (
        "Чайные дома Худжанда", ["Фарход Каримов"], "ru", dt.date(2018, 3, 21))
    assert "зелёный чай" in tea.body
    assert not [p for p in problems if isinstance(p, CorpusWarning)]  # no guessing needed


def test_compressed_bodies_are_decoded(tmp_path):
    w = Crawl()
    w.response(f"{SITE}/en/tbilisi-night-market", gzip.compress(MARKET.encode()),
               http_headers(Content_Encoding="x-gzip"))
    w.response(f"{SITE}/en/pamir-road", ROADS.encode(), http_headers(Content_Encoding="compress"))
    articles, problems, _ = read(write(tmp_path, w.bytes()))
    assert articles["en/tbilisi-night-market"].title == "A night market in Tbilisi"
    assert "churchkhela" in articles["en/tbilisi-night-market"].body
    [unsupported] = problems
    assert isinstance(unsupported, UnreadableFile)
    offset = w.offsets[f"{SITE}/en/pamir-road"]
    assert unsupported.reason == (f"{SITE}/en/pamir-road (at byte {offset}): "
                                  "content encoding 'compress' is not supported")


def test_a_broken_gzip_member_is_reported_and_the_records_after_it_read(tmp_path):
    w = full_crawl()
    data = bytearray(w.bytes())
    broken = w.offsets[f"{SITE}/en/batken-apricots"]
    after = w.offsets[f"{SITE}/ru/khujand-tea"]
    data[broken + 40:broken + 90] = b"\x00" * 50  # inside the member's deflate data
    articles, problems, passed = read(write(tmp_path, bytes(data)))
    assert "en/batken-apricots" not in articles
    assert {"en/issyk-kul-ferry", "ru/khujand-tea", "en/tbilisi-night-market",
            "en/pamir-road"} <= set(articles)
    [bad] = [p for p in problems if isinstance(p, BadRecord)]
    assert bad.reason.startswith(f"record at byte {broken}: ")
    assert bad.reason.endswith(f"read on from byte {after}")
    assert dict(passed) == PASSED_OVER


def test_a_bad_header_in_a_plain_warc_is_skipped_to_the_next_record(tmp_path):
    w = full_crawl(gzipped=False)
    data = w.bytes()
    broken = w.offsets[f"{SITE}/en/batken-apricots"]
    data = data[:broken] + b"WORC" + data[broken + 4:]  # its first line: WORC/1.0
    articles, problems, _ = read(write(tmp_path, data, "crawl.warc"))
    assert "en/batken-apricots" not in articles and "ru/khujand-tea" in articles
    [bad] = [p for p in problems if isinstance(p, BadRecord)]
    assert bad.reason.startswith(f"record at byte {broken}: ")


def test_a_crawl_cut_short_keeps_what_came_before(tmp_path):
    w = full_crawl()
    last = w.offsets[f"{SITE}/en/pamir-road"]
    data = w.bytes()[:last + 60]
    articles, problems, _ = read(write(tmp_path, data))
    assert "en/pamir-road" not in articles and len(articles) == 4
    [bad] = [p for p in problems if isinstance(p, BadRecord)]
    assert bad.reason.startswith(f"record at byte {last}: ")
    assert bad.reason.endswith("the rest of the file cannot be read")


def test_a_file_that_is_no_warc_is_unreadable(tmp_path):
    _, problems, _ = read(write(tmp_path, b"These are my notes, not a crawl.\n", "notes.warc"))
    [problem] = problems
    assert isinstance(problem, UnreadableFile) and problem.reason.startswith("not a WARC file")
    _, [empty], _ = read(write(tmp_path, b"", "empty.warc.gz"))
    assert empty.reason == "empty file"


def test_the_size_limit_applies_to_each_page_not_to_the_file(tmp_path):
    w = Crawl(gzip=False)
    for number in range(6):
        w.response(f"{SITE}/en/story-{number}", page(f"Story {number}", [
            f"Reporters in Osh wrote story number {number} about the new bazaar roof."]).encode())
    big = page("A very long report", ["The longest report of the year. " * 400])
    w.response(f"{SITE}/en/long-report", big.encode())
    path = write(tmp_path, w.bytes(), "crawl.warc")
    limit = 4000
    assert path.stat().st_size > limit
    articles, problems, _ = read(path, max_bytes=limit)
    assert len(articles) == 6
    [too_large] = problems
    assert isinstance(too_large, TooLarge)
    assert too_large.reason.startswith(f"{SITE}/en/long-report (at byte ")


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_index_command_reads_a_crawl_and_its_articles_are_found(tmp_path):
    path = write(tmp_path, full_crawl().bytes())
    result = run("index", path, "--index", tmp_path / "ix", "--report", tmp_path / "r.json")
    assert result.exit_code == 0, result.output
    assert "Indexed 5 articles (4 en, 1 ru) from 1 file" in result.output
    assert ("Passed over 9 WARC records: 3 not HTML, 1 warcinfo, 1 request, 1 redirect, "
            "1 not 200 OK, 1 revisit, 1 metadata") in result.output
    assert re.search(r"crawl\.warc\.gz: https://news\.example\.org/sections \(at byte \d+\): "
                     "no article text", result.output)
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["passed_over"] == PASSED_OVER
    assert [p["kind"] for p in report["problems"]] == ["no-article"]
    service = SearchService(tmp_path / "ix")
    hits = service.search(SearchRequest("чайхана"))["hits"]  # any form of the word
    assert [(h["id"], h["title"]) for h in hits] == [("ru/khujand-tea", "Чайные дома Худжанда")]
    hits = service.search(SearchRequest("apricots"))["hits"]
    assert [h["id"] for h in hits] == ["en/batken-apricots"]


def grown_crawl(stalls):
    """The full crawl, and the records a later visit appended to it."""
    w = full_crawl()
    w.response(f"{SITE}/en/tbilisi-night-market-2", page("Night market, one year on", [
        f"A year after it opened, the Tbilisi night market has {stalls} its stalls."],
        date="2022-09-10").encode())
    w.response(f"{SITE}/favicon.ico", b"\x00\x00\x01\x00", http_headers(
        content_type="image/x-icon"))
    return w


def test_update_reads_a_crawl_again_when_it_grows_or_changes(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    crawl = grown_crawl("doubled")
    path = write(corpus, crawl.bytes()[:crawl.offsets[f"{SITE}/en/tbilisi-night-market-2"]])
    note = corpus / "note.txt"
    note.write_text("Border talks in Osh\n\nKyrgyz and Tajik officials met in Osh to talk "
                    "about the border.\n", encoding="utf-8")
    index = tmp_path / "ix"
    build_index([corpus], index, workers=1)
    passed_over = Counter(PASSED_OVER) + Counter({"not-html": 1})

    path.write_bytes(crawl.bytes())  # the next visit's records appended
    summary = update_index([corpus], index, workers=1)
    assert (summary.added, summary.changed, summary.removed, summary.unchanged,
            summary.files_read) == (1, 0, 0, 6, 1)
    assert summary.passed_over == passed_over

    note.write_text("Border talks in Osh\n\nThey met again a month later.\n", encoding="utf-8")
    summary = update_index([corpus], index, workers=1)  # the crawl is not read again
    assert (summary.added, summary.changed, summary.files_read) == (0, 1, 1)
    assert summary.passed_over == passed_over  # its counts come from the manifest

    path.write_bytes(grown_crawl("tripled").bytes())
    summary = update_index([corpus], index, workers=1)
    assert (summary.added, summary.changed, summary.removed, summary.unchanged) == (0, 1, 0, 6)
    hits = SearchService(index).search(SearchRequest("tripled"))["hits"]
    assert [h["id"] for h in hits] == ["en/tbilisi-night-market-2"]
