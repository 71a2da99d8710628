"""A folder of half-broken downloads: every problem reported by file and line, the rest indexed."""

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from indexer import BuildError, build_index, current_generation
from indexer.cli.main import cli
from indexer.search.service import SearchRequest, SearchService

from conftest import SMALL_CORPUS, write_jsonl

LIMIT = 40_000  # bytes: the size limit these tests set
NEXT_YEAR = dt.date.today().year + 1
PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="{charset}">
<title>{title}</title></head><body><nav>Home | World | Sport</nav>
<article><h1>{title}</h1><p>{body}</p></article><footer>(c) Wire</footer></body></html>"""


def page(title, body, lang="en", charset="utf-8"):
    return PAGE.format(title=title, body=body, lang=lang, charset=charset)


@pytest.fixture
def downloads(tmp_path):
    root = tmp_path / "downloads"
    root.mkdir()
    (root / "good.html").write_text(page("Grain prices in Almaty", "Kazakhstan sold grain."),
                                    encoding="utf-8")
    (root / "picture.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    (root / "empty.txt").write_bytes(b"")
    (root / "blank.html").write_bytes(b"  \n\n ")
    full = page("Ferry to Baku", "The ferry across the Caspian runs again. " * 20)
    (root / "truncated.html").write_text(full[:len(full) // 2], encoding="utf-8")
    (root / "menu-only.html").write_text(
        "<html><body><nav>Home | World</nav><footer>(c)</footer></body></html>",
        encoding="utf-8")
    (root / "klingon.html").write_bytes(page(
        "Паводок в Оше", "Река вышла из берегов в Оше.", "ru", "x-klingon").encode("cp1251"))
    (root / "mixed.txt").write_bytes(
        "Выборы в Оше\n\nБакыт Осмонов 7 апреля 2010\n\n".encode("utf-8")
        + "Избиратели пришли на участки рано.\n".encode("cp1251")
        + "Явка была высокой.\n".encode("utf-8"))
    (root / "huge.html").write_text(page("Too big", "word " * (LIMIT // 4)), encoding="utf-8")
    (root / "notes.docx").write_bytes(b"PK\x03\x04 not really a document")
    good = {"lang": "en", "body": "Text about Armenia and Armenia's roads."}
    lines = [
        json.dumps(dict(good, id="ok-1")),
        "{broken json",
        json.dumps(dict(good, id="wrong-type", authors=5)),
        json.dumps({"id": "no-body", "lang": "en", "title": "Only a title"}),
        json.dumps({"lang": "en", "body": "Neither id nor url."}),
        json.dumps(dict(good, id="bad-date", date="31/02/2015")),
        json.dumps(dict(good, id="future", date=f"{NEXT_YEAR + 60}-01-01")),
        json.dumps(dict(good, id="long", body="x " * LIMIT)),
        json.dumps(dict(good, id="ok-1", title="a second ok-1")),
    ]
    data = "\n".join(lines).encode("utf-8") + b"\n"
    data += json.dumps({"id": "cp1251-line", "lang": "ru", "body": "Граница с Арменией."},
                       ensure_ascii=False).encode("cp1251") + b"\n"
    (root / "records.jsonl").write_bytes(data)
    write_jsonl(root / "zz-duplicates.jsonl", [{"id": "ok-1", "lang": "en", "body": "Copy."}])
    return root


EXPECTED = {  # (file, line): (kind, what the reason says, action)
    ("picture.html", None): ("unreadable", "binary file", "skipped"),
    ("empty.txt", None): ("unreadable", "empty file", "skipped"),
    ("blank.html", None): ("unreadable", "empty file", "skipped"),
    ("truncated.html", None): ("warning", "looks truncated", "indexed"),
    ("menu-only.html", None): ("no-article", "no article text", "skipped"),
    ("klingon.html", None): ("warning", "unknown declared charset 'x-klingon'", "indexed"),
    ("mixed.txt", None): ("warning", "mixed encodings: 1 line not UTF-8", "indexed"),
    ("huge.html", None): ("too-large", "is over the 40 KB limit", "skipped"),
    ("notes.docx", None): ("unsupported", "not a corpus file type (.docx)", "skipped"),
    ("records.jsonl", 2): ("bad-record", "invalid JSON", "skipped"),
    ("records.jsonl", 3): ("bad-record", "field 'authors' must be a list of strings", "skipped"),
    ("records.jsonl", 4): ("bad-record", "no body text", "skipped"),
    ("records.jsonl", 5): ("bad-record", "neither 'id' nor 'url'", "skipped"),
    ("records.jsonl", 6): ("warning", "cannot read the date '31/02/2015'", "indexed"),
    ("records.jsonl", 7): ("warning", "lies in the future; indexed without a date", "indexed"),
    ("records.jsonl", 8): ("too-large", "record of 80 KB is over the 40 KB limit", "skipped"),
    ("records.jsonl", 9): ("duplicate-id", "id 'ok-1' already read from records.jsonl",
                           "kept the first"),
    ("records.jsonl", 10): ("warning", "not UTF-8: read as windows-1251", "indexed"),
    ("zz-duplicates.jsonl", 1): ("duplicate-id", "already read from records.jsonl",
                                 "kept the first"),
}


# Every article read without a date: one no-date problem each, after any warning that
# says why (records 9 and zz-duplicates 1 are undated copies that lose to ok-1).
UNDATED = {("good.html", None): "good", ("truncated.html", None): "truncated",
           ("klingon.html", None): "klingon", ("records.jsonl", 1): "ok-1",
           ("records.jsonl", 6): "bad-date", ("records.jsonl", 7): "future",
           ("records.jsonl", 9): "ok-1", ("records.jsonl", 10): "cp1251-line",
           ("zz-duplicates.jsonl", 1): "ok-1"}


def check_problems(problems):
    found = {}
    for p in problems:
        found.setdefault((p["file"], p["line"]), []).append(p)
    for where, (kind, words, action) in EXPECTED.items():
        matching = [p for p in found.get(where, []) if p["kind"] == kind and words in p["reason"]]
        assert matching, (where, found.get(where))
        assert matching[0]["action"] == action
    no_date = {where: [p for p in here if p["kind"] == "no-date"] for where, here in found.items()}
    assert {where: [p["reason"] for p in here] for where, here in no_date.items() if here} == {
        where: [f"no usable date; indexed as undated (id {article_id})"]
        for where, article_id in UNDATED.items()}
    assert all(p["action"] == "indexed" for here in no_date.values() for p in here)
    # The reason a date was dropped comes first, then that the article is undated.
    assert [p["kind"] for p in found[("records.jsonl", 6)]] == ["warning", "no-date"]
    assert set(found) == set(EXPECTED) | set(UNDATED)


def test_every_bad_input_is_reported_and_the_rest_indexed(downloads, tmp_path):
    summary = build_index([downloads], tmp_path / "ix", workers=1, max_file_bytes=LIMIT)
    check_problems([p.to_dict() for p in summary.problems])
    service = SearchService(tmp_path / "ix")
    everything = service.search(SearchRequest("", per_page=100))
    assert sorted(h["id"] for h in everything["hits"]) == sorted([
        "good", "truncated", "klingon", "mixed", "ok-1", "bad-date", "future", "cp1251-line"])
    # Text read from legacy encodings is searchable in Russian.
    assert [h["id"] for h in service.search(SearchRequest("берегов"))["hits"]] == ["klingon"]
    assert [h["id"] for h in service.search(SearchRequest("избиратели явка"))["hits"]] == ["mixed"]
    armenia = service.search(SearchRequest("Армения", cross=False))  # the Russian word alone
    assert [h["id"] for h in armenia["hits"]] == ["cp1251-line"]
    dates = {h["id"]: h["date"] for h in everything["hits"]}
    assert dates["future"] is None and dates["bad-date"] is None
    # The articles the build called undated are exactly the year facet's "undated" ones.
    undated = {h["id"] for h in everything["hits"] if h["date"] is None}
    assert undated == set(UNDATED.values())
    assert everything["facets"]["year"][-1] == {"value": "undated", "count": len(undated)}


def test_strict_fails_on_any_problem_and_keeps_the_old_index(downloads, tmp_path):
    clean = tmp_path / "clean"
    clean.mkdir()
    dated = [r for r in SMALL_CORPUS if r.get("date")]
    write_jsonl(clean / "a.jsonl", dated)
    build_index([clean], tmp_path / "ix", workers=1, strict=True)
    before = current_generation(tmp_path / "ix")
    with pytest.raises(BuildError, match="--strict: 29 problems"):
        build_index([downloads], tmp_path / "ix", workers=1, strict=True, max_file_bytes=LIMIT)
    # An undated article is a warning like the others, so it fails --strict too.
    write_jsonl(clean / "a.jsonl", SMALL_CORPUS)
    with pytest.raises(BuildError, match="--strict: 1 problem in the corpus"):
        build_index([clean], tmp_path / "ix", workers=1, strict=True)
    assert current_generation(tmp_path / "ix") == before
    assert SearchService(tmp_path / "ix").search(SearchRequest(""))["total"] == len(dated)


def test_cli_summary_and_machine_readable_report(downloads, tmp_path):
    report = tmp_path / "report.json"
    result = CliRunner().invoke(cli, [
        "index", str(downloads), "--index", str(tmp_path / "ix"), "--max-file-size", "0.04",
        "--report", str(report)])
    assert result.exit_code == 0, result.output
    assert "Indexed 8 articles" in result.output
    assert ("Problems: 29 (9 no-date, 7 warning, 4 bad-record, 3 unreadable, 2 too-large, "
            "2 duplicate-id, 1 no-article, 1 unsupported)") in result.output
    assert "records.jsonl:2: invalid JSON" in result.output
    assert "good.html: warning: no usable date; indexed as undated (id good)" in result.output
    # Listed by weight: skipped input, then warnings, then the undated articles.
    listed = result.output.splitlines()[2:]
    weights = [2 if "no usable date" in line else 1 if "warning:" in line else 0
               for line in listed]
    assert weights == sorted(weights) and weights.count(2) == len(UNDATED)
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["status"] == "ok" and data["articles"] == 8 and data["mode"] == "full"
    check_problems(data["problems"])

    strict = CliRunner().invoke(cli, [
        "index", str(downloads), "--index", str(tmp_path / "ix"), "--max-file-size", "0.04",
        "--strict", "--report", str(report)])
    assert strict.exit_code == 1
    assert "--strict: 29 problems in the corpus; the index was left as it was" in strict.output
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["status"] == "failed" and "--strict" in data["error"]
    assert len(data["problems"]) == 29
