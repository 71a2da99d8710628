"""Walking a corpus: formats by file name, ids, problems reported, never fatal."""

import pytest

from indexer.engine.embedded.build import build_index
from indexer.ingest.corpus import FileFormat, find_files, id_from_url, read_corpus
from indexer.model import Article, CorpusError
from indexer.search.service import SearchRequest, SearchService

from conftest import write_jsonl

PAGE = ("<html lang='en'><head><title>Talks in Tbilisi | Wire</title>"
        "<link rel='canonical' href='https://wire.example/news/talks-in-tbilisi.html'></head>"
        "<body><article><h1>Talks in Tbilisi</h1><p>Diplomats from Armenia and Azerbaijan met "
        "in Tbilisi. Armenia proposed a new border commission.</p></article></body></html>")


@pytest.fixture
def corpus(tmp_path):
    root = tmp_path / "corpus"
    (root / "html").mkdir(parents=True)
    (root / "html" / "talks.html").write_text(PAGE, encoding="utf-8")
    (root / "html" / "empty.html").write_bytes(b"")
    (root / "html" / "picture.html").write_bytes(bytes(range(256)) * 4)
    (root / "html" / "menu-only.html").write_text(
        "<html><body><nav><a href='/'>Home</a></nav></body></html>", encoding="utf-8")
    (root / "notes.docx").write_bytes(b"PK\x03\x04")
    (root / ".hidden.html").write_text(PAGE, encoding="utf-8")
    (root / "dumps").mkdir()
    (root / "dumps" / "kyrgyz.txt").write_text(
        "Протесты в Киргизии\n\nБакыт Осмонов 7 апреля 2010\n\nЛюди вышли на площадь.\n",
        encoding="utf-8")
    (root / "dumps" / "latin1.txt").write_bytes("Caf\xe9 society".encode("latin-1"))
    write_jsonl(root / "records.jsonl", [
        {"id": "r1", "lang": "en", "body": "Tajikistan and Tajikistan's neighbours.",
         "regions": ["Таджикистан", "Central Asia"]},
        {"id": "r1", "lang": "en", "body": "A duplicate id in the same corpus."},
    ])
    with open(root / "records.jsonl", "a", encoding="utf-8") as f:
        f.write("{broken\n")
    return root


def test_formats_are_chosen_by_file_name():
    from pathlib import Path
    assert FileFormat.of(Path("a.HTML")) is FileFormat.HTML
    assert FileFormat.of(Path("a.txt")) is FileFormat.TEXT_DUMP
    assert FileFormat.of(Path("a.jsonl")) is FileFormat.JSON_LINES
    assert FileFormat.of(Path("a.pdf")) is None


def test_hidden_files_are_passed_over_and_order_is_stable(corpus):
    names = [p.relative_to(corpus).as_posix() for p, _ in find_files([corpus])]
    assert names == [p.relative_to(corpus).as_posix() for p, _ in find_files([corpus])]
    assert ".hidden.html" not in names and "html/talks.html" in names


def test_every_file_gives_an_article_or_a_reason(corpus):
    items = list(read_corpus([corpus]))
    articles = {a.id: a for a in items if isinstance(a, Article)}
    problems = {}
    for p in items:
        if isinstance(p, CorpusError):
            problems.setdefault((p.path, p.line), []).append((p.kind, p.reason))
    assert set(articles) == {"news/talks-in-tbilisi", "dumps/kyrgyz", "dumps/latin1", "r1"}
    assert articles["dumps/latin1"].body == "Café society"

    def undated(article_id):
        return ("no-date", f"no usable date; indexed as undated (id {article_id})")

    assert problems == {
        ("html/empty.html", None): [("unreadable", "empty file")],
        ("html/menu-only.html", None): [("no-article", "no article text found in the page")],
        ("html/picture.html", None): [("unreadable", "binary file, not text")],
        ("html/talks.html", None): [undated("news/talks-in-tbilisi")],
        ("dumps/latin1.txt", None): [("warning", "not UTF-8: read as windows-1252"),
                                     undated("dumps/latin1")],
        ("notes.docx", None): [("unsupported", "not a corpus file type (.docx)")],
        ("records.jsonl", 1): [undated("r1")],
        ("records.jsonl", 2): [undated("r1")],  # the duplicate is the build's to drop
        ("records.jsonl", 3): problems[("records.jsonl", 3)],
    }
    assert problems[("records.jsonl", 3)][0][0] == "bad-record"
    assert "invalid JSON" in problems[("records.jsonl", 3)][0][1]


def test_ids_come_from_the_url_else_from_the_path(corpus):
    articles = {a.source: a for a in read_corpus([corpus]) if isinstance(a, Article)}
    assert articles["html/talks.html"].id == "news/talks-in-tbilisi"
    assert articles["dumps/kyrgyz.txt"].id == "dumps/kyrgyz"
    assert id_from_url("https://wire.example/ru/some-story/") == "ru/some-story"


def test_regions_from_the_page_are_kept_and_missing_ones_inferred(corpus):
    articles = {}
    for item in read_corpus([corpus]):
        if isinstance(item, Article):
            articles.setdefault(item.id, item)
    assert articles["r1"].regions == ["tajikistan"]
    assert articles["r1"].region_source == "page"
    # The dump says "в Киргизии" in its title only; the page names Armenia twice.
    assert articles["dumps/kyrgyz"].regions == ["kyrgyzstan"]
    assert articles["dumps/kyrgyz"].region_source == "inferred"
    assert articles["news/talks-in-tbilisi"].regions == ["armenia"]


def test_a_missing_source_is_an_error_not_a_silent_skip(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere"):
        list(read_corpus([tmp_path / "nowhere"]))


def test_a_word_split_by_a_soft_hyphen_is_found_whole(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    write_jsonl(corpus / "a.jsonl", [
        {"id": "aral", "lang": "en", "title": "Fishing returns to Aral\u00adsk",
         "body": "Boats in Karakal\u00adpakstan went out again this\u200bspring."}])
    build_index([corpus], tmp_path / "ix", workers=1)
    service = SearchService(tmp_path / "ix")
    for query in ("Karakalpakstan", "Aralsk", "thisspring"):
        assert service.search(SearchRequest(query))["total"] == 1, query
