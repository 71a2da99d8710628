"""kartoteka inspect: what the reader decided for one file, as a user runs it, and the
index report's count of paragraphs left out by each rule."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLE_CORPUS, SMALL_CORPUS, write_jsonl
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from indexer import SearchService, build_index
from indexer.cli.main import cli
from indexer.ingest import corpus
from indexer.ingest.inspect import FIELDS
from indexer.ingest.rules import RULES
from indexer.model import Article, Dropped

DUMP = SAMPLE_CORPUS / "dumps" / "georgia-kutaisi-electoral-reform-debate.txt"
HTML = SAMPLE_CORPUS / "html" / "en" / "kyrgyzstan-local-council-elections-turnout.html"
PAGES = [SAMPLE_CORPUS / "html" / "en" / name for name in (
    "azerbaijan-quba-young-carpet-weavers.html", "issyk-kul-resorts-pollution-lake.html")]
# What a reader might leave out, by rules of the registry: the tests below make a
# reader report these, so they hold whatever the readers drop from the sample pages.
LEFT_OUT = [Dropped("Share: Facebook Twitter Telegram", "share"),
            Dropped("Read also: more from the region", "read-more"),
            Dropped("Photo: press service", "credit")]


def run(*args):
    return CliRunner().invoke(cli, ["inspect", *map(str, args)])


def inspected(*args) -> dict:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def read_as_the_build_does(path: Path, root: Path) -> list[Article]:
    return [item for item in corpus.read_file(path, root) if isinstance(item, Article)]


@pytest.fixture
def readers_that_leave_out(monkeypatch):
    """The saved-text, HTML and JSON Lines readers, each also reporting LEFT_OUT
    (and an outlet, so the report's counts by outlet have one)."""
    def leaving_out(read):
        def reader(*args, **kwargs):
            article = read(*args, **kwargs)
            article.dropped = list(LEFT_OUT)
            article.outlet = article.outlet or "Example News"
            return article
        return reader

    for name in ("read_page_dump", "read_html_page", "read_json_line"):
        monkeypatch.setattr(corpus, name, leaving_out(getattr(corpus, name)))


def write_warc(path: Path, pages: list[Path]) -> Path:
    """A crawl of the pages, a request record before each (passed over, not numbered)."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for page in pages:
        uri = f"https://news.example.org/en/{page.stem}"
        writer.write_record(writer.create_warc_record(
            uri, "request", payload=io.BytesIO(b""), http_headers=StatusAndHeaders(
                f"GET /en/{page.stem} HTTP/1.1", [("Host", "news.example.org")],
                is_http_request=True)))
        writer.write_record(writer.create_warc_record(
            uri, "response", payload=io.BytesIO(page.read_bytes()),
            http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")],
                                          protocol="HTTP/1.1")))
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.parametrize("page", [DUMP, HTML], ids=["saved text", "html"])
def test_inspect_shows_every_field_with_its_source_and_the_numbered_body(page):
    result = run(page)
    assert result.exit_code == 0, result.output
    article = read_as_the_build_does(page, page.parent)[0]
    assert result.output.startswith(f"{page} (")
    fields = result.output.split("Fields")[1].split("\nBody")[0]
    for name in FIELDS:
        assert f"\n  {name} " in fields
    assert article.title in fields and f"← {article.sources.get('title', '—')}" in fields
    paragraphs = article.body.split("\n\n")
    assert f"Body: {len(paragraphs)} paragraphs" in result.output
    assert f"\n  {len(paragraphs)}. " in result.output
    data = inspected(page)
    assert data["article"]["paragraphs"] == paragraphs
    assert {f["name"]: f["value"] for f in data["article"]["fields"]}["title"] == article.title
    # Whatever the reader left out is listed, each with a rule of the registry.
    assert len(data["article"]["dropped"]) == len(article.dropped)
    for item in data["article"]["dropped"]:
        assert item["rule"] in RULES and item["description"] == RULES[item["rule"]]
        assert item["text"].split()[0] in result.output


def test_every_paragraph_left_out_is_shown_with_its_rule_and_what_the_rule_is(
        readers_that_leave_out):
    result = run(DUMP)
    assert result.exit_code == 0, result.output
    assert "Left out of the body: 3 paragraphs" in result.output
    for item in LEFT_OUT:
        assert f"- {item.text}" in result.output
        assert f"by rule {item.rule}: {RULES[item.rule][:40]}" in result.output
    data = inspected(DUMP)["article"]
    assert data["dropped"] == [{"text": d.text, "rule": d.rule, "description": RULES[d.rule]}
                               for d in LEFT_OUT]
    assert data["dropped_by_rule"] == {"share": 1, "read-more": 1, "credit": 1}


def test_json_shape():
    data = inspected(HTML)
    assert set(data) == {"file", "path", "format", "selected", "article", "problems",
                         "records", "passed_over"}
    assert data["format"] == "html" and data["file"] == HTML.name and data["records"] == []
    assert [f["name"] for f in data["article"]["fields"]] == list(FIELDS)
    assert all(set(f) == {"name", "value", "source"} for f in data["article"]["fields"])
    assert set(data["article"]) == {"fields", "paragraphs", "dropped", "dropped_by_rule"}


def test_a_json_lines_file_is_listed_and_a_line_picked(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", SMALL_CORPUS[:3])
    listing = run(path)
    assert listing.exit_code == 0, listing.output
    assert "3 records:" in listing.output
    assert "line 2: bishkek-vote  Бишкек выбирает" in listing.output
    assert f"--line N, e.g. kartoteka inspect {path} --line 1" in listing.output
    data = inspected(path, "--line", 2)
    assert data["selected"] == {"line": 2}
    fields = {f["name"]: f for f in data["article"]["fields"]}
    assert fields["id"]["value"] == "bishkek-vote"
    assert fields["title"]["source"] == "given in the record"
    assert data["article"]["paragraphs"] == [SMALL_CORPUS[1]["body"]]


@pytest.mark.parametrize("args, message", [
    (("--line", 9), "a.jsonl has 3 lines: there is no line 9"),
    (("--record", 1), "a.jsonl is not a WARC file"),
    (("--line", 0), "0 is not in the range x>=1"),
])
def test_a_bad_line_number_is_a_clear_usage_error(tmp_path, args, message):
    path = write_jsonl(tmp_path / "a.jsonl", SMALL_CORPUS[:3])
    result = run(path, *args)
    assert result.exit_code == 2 and message in result.output


def test_a_warc_is_listed_and_a_record_picked(tmp_path):
    path = write_warc(tmp_path / "crawl.warc.gz", PAGES)
    listing = run(path)
    assert listing.exit_code == 0, listing.output
    assert "2 page records:" in listing.output and "Passed over 2 other records" in listing.output
    second = read_as_the_build_does(PAGES[1], PAGES[1].parent)[0]
    assert f"record 2: {PAGES[1].stem}  {second.title}" in listing.output
    data = inspected(path, "--record", 2)
    assert data["selected"] == {"record": 2} and data["passed_over"] == {"request": 2}
    assert data["article"]["paragraphs"] == second.body.split("\n\n")
    for args, message in [(("--record", 3), "crawl.warc.gz has 2 page records: there is no "
                                            "record 3"),
                          (("--line", 1), "a WARC's pages are picked by record number")]:
        result = run(path, *args)
        assert result.exit_code == 2 and message in result.output
    assert run(PAGES[0], "--record", 1).exit_code == 2


def test_a_file_with_no_article_says_why_and_exits_with_1(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    result = run(empty)
    assert result.exit_code == 1
    assert "Problems:\n  unreadable: empty file (skipped)" in result.output
    as_json = run(empty, "--json")
    assert as_json.exit_code == 1 and json.loads(as_json.output)["article"] is None


@pytest.mark.parametrize("page, article_id", [
    (DUMP, "dumps/georgia-kutaisi-electoral-reform-debate"),
    (HTML, None),
    (SAMPLE_CORPUS / "records.jsonl", None),
], ids=["saved text", "html", "json lines"])
def test_the_body_inspect_shows_is_the_body_the_index_holds(sample_index, page, article_id):
    args = (page, "--line", 4) if page.suffix == ".jsonl" else (page,)
    data = inspected(*args)
    article_id = article_id or {f["name"]: f["value"] for f in data["article"]["fields"]}["id"]
    stored = SearchService(sample_index).article(article_id)
    assert stored is not None
    assert "\n\n".join(data["article"]["paragraphs"]) == stored["body"]


def test_the_report_counts_paragraphs_left_out_by_rule_and_outlet(tmp_path,
                                                                 readers_that_leave_out):
    # Enough files for the build to read them in worker processes: the counts
    # must come back from there.
    sources = tmp_path / "c"
    sources.mkdir()
    for n in range(64):
        write_jsonl(sources / f"{n:02}.jsonl", [dict(
            SMALL_CORPUS[n % 7], id=f"a{n}",
            outlet="Azattyk" if n % 2 else "")])  # the rest: the readers' "Example News"
    write_jsonl(sources / "zz-copy.jsonl", [dict(SMALL_CORPUS[0], id="a0")])  # not written
    report = tmp_path / "report.json"
    result = CliRunner().invoke(cli, ["index", str(sources), "--index", str(tmp_path / "ix"),
                                      "--jobs", "2", "--report", str(report)])
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text(encoding="utf-8"))
    written = [a for a in corpus.read_corpus([sources]) if isinstance(a, Article)][:64]
    assert data["dropped"] == dict(Counter(d.rule for a in written for d in a.dropped))
    assert data["dropped"] == {"share": 64, "read-more": 64, "credit": 64}
    by_outlet: dict[str, Counter] = {}
    for article in written:
        by_outlet.setdefault(article.outlet, Counter()).update(d.rule for d in article.dropped)
    assert data["dropped_by_outlet"] == {outlet: dict(counts)
                                         for outlet, counts in by_outlet.items()}
    assert sum(sum(c.values()) for c in data["dropped_by_outlet"].values()) == 3 * 64

    write_jsonl(sources / "03.jsonl", [dict(SMALL_CORPUS[3], id="a3", body="Новый текст.")])
    result = CliRunner().invoke(cli, ["index", str(sources), "--index", str(tmp_path / "ix"),
                                      "--update", "--report", str(report)])
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["changed"] == 1 and data["dropped"] == {"share": 1, "read-more": 1, "credit": 1}
    assert list(data["dropped_by_outlet"].values()) == [data["dropped"]]
