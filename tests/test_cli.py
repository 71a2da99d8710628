"""End to end through the ``kartoteka`` command on the shipped sample corpus."""

import json
import os
import pty
import re
import select
import socket
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import ROOT, SAMPLE_CORPUS, exported_csv, write_jsonl

from indexer import build_index
from indexer.cli.main import cli
from indexer.ingest.corpus import find_files, read_corpus
from indexer.model import Article


@pytest.fixture(scope="session")
def corpus_articles():
    """The sample corpus as the readers see it: the oracle for expected hits."""
    return [a for a in read_corpus([SAMPLE_CORPUS]) if isinstance(a, Article)]


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def search_json(index, *args):
    result = run("search", *args, "--json", "--limit", "100", "--index", str(index))
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def found(index, query, *args):
    return {hit["id"] for hit in search_json(index, query, *args)["hits"]}


def having(articles, pattern, lang=None):
    regex = re.compile(pattern)
    return {a.id for a in articles
            if (lang is None or a.lang == lang) and regex.search(a.title + "\n" + a.body)}


def test_index_command_reports_every_file_and_the_languages(tmp_path, corpus_articles):
    result = run("index", str(SAMPLE_CORPUS), "--index", str(tmp_path / "ix"))
    assert result.exit_code == 0, result.output
    files = len(list(find_files([SAMPLE_CORPUS])))
    match = re.search(r"Indexed (\d+) articles \((\d+) en, (\d+) ru\) from (\d+) files", result.output)
    assert match, result.output
    total, en, ru, reported_files = map(int, match.groups())
    assert reported_files == files
    assert total == en + ru and en >= 30 and ru >= 30
    # The sample's only problems are its undated articles, each named.
    undated = [a for a in corpus_articles if a.date is None]
    assert undated
    assert f"Problems: {len(undated)} ({len(undated)} no-date)\n" in result.output
    for article in undated:
        assert (f"  {article.source}: warning: no usable date; indexed as undated "
                f"(id {article.id})\n") in result.output


def test_index_command_reports_broken_files_and_indexes_the_rest(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "good.txt").write_text("Border talks in Osh\n\nTajikistan and Kyrgyzstan met.\n",
                                     encoding="utf-8")
    (corpus / "empty.html").write_bytes(b"")
    (corpus / "r.jsonl").write_text('{"id": "x", "body": "Text."}\n{oops\n', encoding="utf-8")
    result = run("index", str(corpus), "--index", str(tmp_path / "ix"))
    assert result.exit_code == 0
    assert "Indexed 2 articles" in result.output
    assert "empty.html: empty file" in result.output
    assert "r.jsonl:2: invalid JSON" in result.output


def test_undated_articles_are_reported_in_the_summary_and_the_report(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "page.html").write_text(
        "<html lang='en'><head><title>Grain in Almaty</title></head><body><article>"
        "<h1>Grain in Almaty</h1><p>Kazakhstan sold more grain this autumn.</p></article>"
        "</body></html>", encoding="utf-8")
    write_jsonl(corpus / "r.jsonl", [
        {"id": "dated", "lang": "en", "date": "2012-03-12", "body": "Tajikistan built a road."},
        {"id": "no-date", "lang": "en", "body": "Uzbekistan opened a market."}])
    report = tmp_path / "report.json"
    result = run("index", str(corpus), "--index", str(tmp_path / "ix"), "--report", str(report))
    assert result.exit_code == 0, result.output
    assert "Indexed 3 articles" in result.output
    assert "Problems: 2 (2 no-date)\n" in result.output
    assert "  page.html: warning: no usable date; indexed as undated (id page)\n" in result.output
    assert "  r.jsonl:2: warning: no usable date; indexed as undated (id no-date)\n" in result.output
    problems = json.loads(report.read_text(encoding="utf-8"))["problems"]
    assert problems == [
        {"file": "page.html", "line": None, "kind": "no-date", "action": "indexed",
         "reason": "no usable date; indexed as undated (id page)"},
        {"file": "r.jsonl", "line": 2, "kind": "no-date", "action": "indexed",
         "reason": "no usable date; indexed as undated (id no-date)"}]


def test_many_undated_articles_do_not_push_skipped_files_out_of_the_summary(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    write_jsonl(corpus / "a.jsonl", [{"id": f"n{i}", "lang": "en", "body": "Grain."}
                                     for i in range(60)])
    (corpus / "zz-empty.html").write_bytes(b"")
    result = run("index", str(corpus), "--index", str(tmp_path / "ix"))
    assert "Problems: 61 (60 no-date, 1 unreadable)" in result.output
    listed = [line for line in result.output.splitlines() if line.startswith("  ")]
    assert listed[0] == "  zz-empty.html: empty file"
    assert listed[-1] == "  … and 11 more: see them all with --report FILE"


def test_index_command_with_nothing_to_index_fails_clearly(tmp_path):
    (tmp_path / "c").mkdir()
    result = run("index", str(tmp_path / "c"), "--index", str(tmp_path / "ix"))
    assert result.exit_code == 1
    assert "no articles found" in result.output


def test_kyrgyzstan_finds_every_case_of_the_name(sample_index, corpus_articles):
    hits = found(sample_index, "Кыргызстан")
    assert having(corpus_articles, r"Кыргызстан(а|е|у|ом)?\b") <= hits
    assert having(corpus_articles, r"в Кыргызстане\b") & hits
    assert having(corpus_articles, r"Кыргызстана\b") & hits


def test_the_old_name_kirghizia_is_found_in_any_case(sample_index, corpus_articles):
    expected = having(corpus_articles, r"Кирги(зия|зии|зию|зией)\b")
    assert expected and expected <= found(sample_index, "Киргизия")


def test_election_finds_elections(sample_index, corpus_articles):
    plural_only = {a.id for a in corpus_articles if a.lang == "en"
                   and re.search(r"\belections\b", a.body, re.IGNORECASE)
                   and not re.search(r"\belection\b", a.body, re.IGNORECASE)}
    assert plural_only and plural_only <= found(sample_index, "election")


def test_mayor_election_phrase_in_another_case(sample_index, corpus_articles):
    expected = having(corpus_articles, r"на выборах мэра") - having(corpus_articles, r"выборы мэра")
    assert expected and expected <= found(sample_index, "выборы мэра")
    assert expected <= found(sample_index, '"выборы мэра"')


def test_hyphenated_and_multiword_place_names(sample_index, corpus_articles):
    assert having(corpus_articles, r"Nagorno-Karabakh") <= found(sample_index, "Nagorno-Karabakh")
    assert having(corpus_articles, r"Нагорн\w+ Карабах") <= found(sample_index, '"Нагорный Карабах"')


def test_possessives_match_the_plain_name(sample_index, corpus_articles):
    assert having(corpus_articles, r"Azerbaijan['’]s") <= found(sample_index, "Azerbaijan")


def test_yo_and_ye_spellings_find_each_other(sample_index, corpus_articles):
    with_yo = having(corpus_articles, r"объём")
    assert with_yo and with_yo <= found(sample_index, "объем")


def test_language_filter_and_facet_counts_match_the_corpus(sample_index, corpus_articles):
    result = search_json(sample_index, "", "--lang", "ru")
    assert result["total"] == sum(a.lang == "ru" for a in corpus_articles)
    langs = {e["value"]: e["count"] for e in result["facets"]["lang"]}
    assert langs == {"ru": sum(a.lang == "ru" for a in corpus_articles),
                     "en": sum(a.lang == "en" for a in corpus_articles)}


def test_region_group_filter_and_region_counts(sample_index, corpus_articles):
    caucasus = {"armenia", "azerbaijan", "georgia"}
    result = search_json(sample_index, "", "--region", "caucasus")
    assert result["total"] == sum(bool(caucasus & set(a.regions)) for a in corpus_articles)
    regions = {e["value"]: e["count"] for e in result["facets"]["region"]}
    assert regions["kyrgyzstan"] == sum("kyrgyzstan" in a.regions for a in corpus_articles)


def test_author_and_date_filters(sample_index, corpus_articles):
    result = search_json(sample_index, "", "--author", "Бакыт Осмонов", "--from", "2010",
                         "--to", "2016-06")
    # One author under both spellings of the name: the English bylines count too.
    spellings = {"Бакыт Осмонов", "Bakyt Osmonov"}
    expected = {a.id for a in corpus_articles if spellings & set(a.authors) and a.date
                and "2010-01-01" <= a.date.isoformat() <= "2016-06-30"}
    assert {h["lang"] for h in result["hits"]} == {"en", "ru"}
    assert {h["id"] for h in result["hits"]} == expected


def test_sorting_newest_and_oldest(sample_index):
    newest = [h["date"] for h in search_json(sample_index, "", "--sort", "newest")["hits"]]
    oldest = [h["date"] for h in search_json(sample_index, "", "--sort", "oldest")["hits"]]
    dated_newest = [d for d in newest if d]
    assert dated_newest == sorted(dated_newest, reverse=True)
    assert [d for d in oldest if d] == sorted(d for d in oldest if d)
    assert newest[-1] is None  # the undated article comes last


def test_undated_filter_alone_and_with_a_date_range(small_index):
    assert found(small_index, "", "--undated") == {"undated-note"}
    assert found(small_index, "", "--undated", "--from", "2019") == {"almaty-steel", "undated-note"}
    assert "undated-note" not in found(small_index, "", "--from", "2000")
    years = search_json(small_index, "")["facets"]["year"]
    assert years[-1] == {"value": "undated", "label": "undated", "count": 1}
    assert sum(e["count"] for e in years) == 7
    human = run("search", "--undated", "--index", str(small_index))
    assert human.output.startswith("1 article — page 1 of 1")
    assert "year: 2011 2, 2013 1, 2016 2, 2019 1, undated 1" in human.output


def test_json_output_has_exactly_the_documented_shape(sample_index):
    result = search_json(sample_index, "Iran")
    assert set(result) == {"query", "total", "page", "per_page", "hits", "facets", "suggestion",
                           "expansions", "readings", "match", "counted"}
    assert result["suggestion"] is None
    assert set(result["facets"]) == {"region", "region_group", "author", "lang", "year", "topic", "outlet"}
    # "labels": an author's name in each script, where the index spells it in both.
    assert {"value", "label", "count"} <= set(result["facets"]["author"][0]) <= {
        "value", "label", "count", "labels"}
    assert result["query"] == "Iran" and result["total"] == len(result["hits"]) > 0


def test_human_output_lists_hits_and_facets(sample_index):
    result = run("search", "Кыргызстан", "--limit", "2", "--index", str(sample_index))
    assert result.exit_code == 0
    assert re.match(r"\d+ articles for \"Кыргызстан\" — page 1 of \d+", result.output)
    assert "region: Kyrgyzstan" in result.output and "id: " in result.output


@pytest.mark.parametrize("args, message", [
    (['"unclosed'], "quotation mark"),
    (["Iran", "--region", "atlantis"], "unknown region"),
    (["Iran", "--from", "March"], "YYYY"),
])
def test_unreadable_queries_exit_2_with_one_line(sample_index, args, message):
    result = run("search", *args, "--index", str(sample_index))
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_search_without_an_index_says_how_to_build_one(tmp_path):
    result = run("search", "Iran", "--index", str(tmp_path / "none"))
    assert result.exit_code == 1 and "kartoteka index" in result.output


def test_index_update_says_what_changed_and_a_running_build_blocks_another(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Border talks in Osh\n\nTajikistan and Kyrgyzstan met.\n",
                                  encoding="utf-8")
    assert run("index", str(corpus), "--index", str(tmp_path / "ix")).exit_code == 0
    (corpus / "b.txt").write_text("Grain in Almaty\n\nKazakhstan sold grain.\n", encoding="utf-8")
    result = run("index", str(corpus), "--index", str(tmp_path / "ix"), "--update")
    assert result.exit_code == 0, result.output
    assert "1 added, 0 changed, 0 removed, 1 unchanged (read 1 of 2 files)" in result.output
    assert "it holds 2 articles (2 en)" in result.output
    from indexer.engine.lock import BuildLock

    with BuildLock(tmp_path / "ix"):
        blocked = run("index", str(corpus), "--index", str(tmp_path / "ix"))
    assert blocked.exit_code == 1
    assert "another build is running" in blocked.output and "pid" in blocked.output


def test_regions_are_listed_and_taken_by_any_name(sample_index):
    listed = CliRunner().invoke(cli, ["regions"])
    assert listed.exit_code == 0
    assert "kyrgyzstan" in listed.output and "Кыргызстан" in listed.output
    assert "Киргизия" in listed.output and "central-asia" in listed.output
    by_slug = search_json(sample_index, "", "--region", "kyrgyzstan")["total"]
    assert by_slug > 0
    for name in ("Киргизия", "Kirghizia", "Кыргызстан", "KYRGYZSTAN"):
        assert search_json(sample_index, "", "--region", name)["total"] == by_slug, name
    group = search_json(sample_index, "", "--region", "caucasus")["total"]
    assert search_json(sample_index, "", "--region", "Кавказ")["total"] == group
    unknown = CliRunner().invoke(cli, ["search", "", "--region", "Атлантида", "--index",
                                       str(sample_index)])
    assert unknown.exit_code == 2 and "kartoteka regions" in unknown.output


def test_no_cross_searches_the_words_as_typed(sample_index):
    both = CliRunner().invoke(cli, ["search", "Kyrgyzstan", "--index", str(sample_index)])
    assert "also searched Kyrgyzstan as (region): Кыргызстан" in both.output
    typed = search_json(sample_index, "Kyrgyzstan", "--no-cross")
    assert typed["expansions"] == [] and {h["lang"] for h in typed["hits"]} == {"en"}
    assert search_json(sample_index, "Kyrgyzstan")["total"] > typed["total"]


GRAIN_ARTICLES = 150
GRAIN_IN = 120  # articles that mention grain; the rest mention wheat only


def grain_records(first: int, count: int) -> list[dict]:
    """Short articles (too short to count as copies of each other), each its own title."""
    return [{"id": f"report-{i}", "lang": "en", "date": f"{2000 + i % 20}-{1 + i % 12:02}-15",
             "title": f"Harvest report number {i}", "regions": ["kazakhstan"],
             "body": f"Farm {i} sold {i * 7} tonnes of "
                     + ("wheat." if i % 5 == 0 else "grain and wheat.")}
            for i in range(first, first + count)]


@pytest.fixture(scope="module")
def grain_index(tmp_path_factory):
    """An index of ``GRAIN_ARTICLES`` small articles: more than a page of 100."""
    root = tmp_path_factory.mktemp("grain")
    (root / "c").mkdir()
    write_jsonl(root / "c" / "reports.jsonl", grain_records(0, GRAIN_ARTICLES))
    build_index([root / "c"], root / "ix", workers=1)
    return root / "ix"


@pytest.mark.parametrize("query, expected", [("", GRAIN_ARTICLES), ("grain", GRAIN_IN)])
def test_export_writes_every_hit_as_csv(grain_index, query, expected):
    result = CliRunner().invoke(cli, ["export", query, "--format", "csv", "--index",
                                      str(grain_index)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rows = exported_csv(result.stdout_bytes)[1]
    assert len(rows) == len({r["id"] for r in rows}) == expected
    assert result.stderr.startswith(f"Exported {expected} articles (")


def test_export_writes_every_hit_as_json_lines_to_a_file(grain_index, tmp_path):
    out = tmp_path / "grain.jsonl"
    result = run("export", "grain", "--sort", "oldest", "--format", "jsonl", "--columns",
                 "body", "--out", str(out), "--index", str(grain_index))
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr == f"Exported {GRAIN_IN} articles (oldest first) to {out}\n"
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    provenance, records = lines[0]["provenance"], lines[1:]
    assert provenance["total"] == len(records) == GRAIN_IN
    assert provenance["sort"] == "oldest" and provenance["query"] == "grain"
    assert all("grain" in r["body"] for r in records)
    assert [r["date"] for r in records] == sorted(r["date"] for r in records)


def test_export_into_a_pipe_its_reader_closed_ends_quietly(small_index):
    process = subprocess.Popen(
        [sys.executable, "-c", "from indexer.cli import cli; cli()", "export", "--format", "csv",
         "--index", str(small_index)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    process.stdout.close()  # as `| head` does once it has its lines
    assert process.stderr.read() == b""
    assert process.wait(timeout=120) == 1


def test_export_to_a_file_that_cannot_be_written_says_why(small_index, tmp_path):
    result = run("export", "--format", "csv", "--out", str(tmp_path / "no" / "such.csv"),
                 "--index", str(small_index))
    assert result.exit_code == 1
    assert result.output == f"Error: cannot write {tmp_path / 'no' / 'such.csv'}: " \
                            "No such file or directory\n"


def test_every_command_answers_dash_h():
    group = run("-h")
    assert group.exit_code == 0 and group.output == run("--help").output
    assert set(cli.commands) >= {"index", "search", "export", "regions", "serve"}
    for name in cli.commands:
        result = run(name, "-h")
        assert result.exit_code == 0, name
        assert re.match(rf"Usage: \S+ {name} ", result.output), result.output
        assert result.output == run(name, "--help").output
    # The search's page limit points to the command without one.
    assert "'kartoteka export' writes them all" in " ".join(run("search", "-h").output.split())


def test_serve_on_a_busy_port_says_so_in_one_line(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--port", str(port), "--index",
                                          str(tmp_path / "ix")])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"Error: port {port} is in use: choose another with --port"]


def on_a_terminal(*args: str) -> str:
    """What ``kartoteka ARGS`` shows a person at a terminal (stderr a tty)."""
    main, child = pty.openpty()
    process = subprocess.Popen([sys.executable, "-c", "from indexer.cli import cli; cli()", *args],
                               stdin=child, stdout=child, stderr=child, cwd=ROOT)
    os.close(child)
    shown = b""
    try:
        while select.select([main], [], [], 120)[0]:
            try:
                data = os.read(main, 4096)
            except OSError:  # EIO: the command ended and closed the terminal
                break
            if not data:
                break
            shown += data
    finally:
        os.close(main)
        assert process.wait(timeout=120) == 0, shown
    return shown.decode("utf-8")


def test_progress_counts_the_articles_of_a_small_build_and_an_update(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    for n in range(3):
        write_jsonl(corpus / f"part-{n}.jsonl", grain_records(n * 10, 10))
    shown = on_a_terminal("index", str(corpus), "--index", str(tmp_path / "ix"), "--jobs", "1")
    assert "3/3 files, 30 articles, " in shown
    assert " 0 articles" not in shown
    assert "Indexed 30 articles (30 en) from 3 files in " in shown
    write_jsonl(corpus / "part-3.jsonl", grain_records(30, 1))
    shown = on_a_terminal("index", str(corpus), "--index", str(tmp_path / "ix"), "--update")
    assert "read 1 new or changed file …" in shown and " 0 articles" not in shown
    assert "1 added, 0 changed, 0 removed, 30 unchanged (read 1 of 4 files)" in shown
    assert "it holds 31 articles (31 en)" in shown


def test_counts_of_one_are_singular(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    write_jsonl(corpus / "one.jsonl", grain_records(0, 1))
    result = run("index", str(corpus), "--index", str(tmp_path / "ix"))
    assert "Indexed 1 article (1 en) from 1 file in " in result.output
    write_jsonl(corpus / "one.jsonl", grain_records(1, 1))
    result = run("index", str(corpus), "--index", str(tmp_path / "ix"), "--update")
    assert "(read 1 of 1 file)" in result.output and "it holds 1 article (1 en)" in result.output
    found = run("search", "wheat", "--index", str(tmp_path / "ix"))
    assert found.output.startswith('1 article for "wheat"')
    exported = run("export", "--format", "csv", "--out", str(tmp_path / "one.csv"), "--index",
                   str(tmp_path / "ix"))
    assert exported.stderr.startswith("Exported 1 article (newest first)")
    shown = on_a_terminal("index", str(corpus), "--index", str(tmp_path / "ix2"))
    assert "1/1 file, 1 article, " in shown
