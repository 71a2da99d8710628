"""The benchmark harness keeps working: a small run produces a complete report."""

import json

from benchmarks.__main__ import main
from benchmarks.queries import KINDS, query_mix
from benchmarks.synthetic import SEED, authors, build_vocabularies
from indexer.text.analysis import STOP_WORDS, normal_forms
from indexer.text.glossary import shipped_glossary


def test_a_small_run_reports_every_figure_for_every_system(tmp_path, capsys):
    out = tmp_path / "report.json"
    assert main(["run", "--docs", "300", "--work", str(tmp_path / "work"), "--out", str(out),
                 "--repeat", "2"]) == 0
    report = json.loads(out.read_text())
    [run] = report["runs"]
    names = {q["name"] for q in run["queries"]}
    kinds = {q["kind"] for q in run["queries"]}
    assert run["docs"] == 300 and len(names) == len(run["queries"])
    assert set(run["systems"]) == {"kartoteka", "plain Whoosh", "SQLite FTS5"}
    for figures in run["systems"].values():
        assert figures["index_s"] > 0 and figures["docs_per_s"] > 0
        assert figures["index_peak_mb"] > 0 and figures["index_mb"] > 0
        assert set(figures["search_ms"]) == {"p50", "p95", "p99", "mean", "n"}
        assert figures["search_ms"]["n"] == 2 * len(run["queries"])
        # Each system answered each query, and its figures cover every query and kind.
        assert set(figures["totals"]) == names
        assert set(figures["per_query_ms"]) == names and set(figures["per_kind_ms"]) == kinds
        for kind, latency in figures["per_kind_ms"].items():
            assert latency["n"] == 2 * sum(q["kind"] == kind for q in run["queries"])
            assert latency["p50"] <= latency["p95"]
    kartoteka = run["systems"]["kartoteka"]
    assert set(kartoteka["per_kind_ms_no_cross"]) == kinds
    assert kartoteka["totals"]["ru inflected form"] > 0
    # The author is found in both scripts, as the baselines find the two bylines.
    assert kartoteka["totals"]["author's surname"] > 0
    assert len({figures["totals"]["author's surname"]
                for figures in run["systems"].values()}) == 1
    assert run["server"]["first_search_s"] > 0 and run["server"]["peak_mb"] > 0
    assert set(run["ratios"]) == {"plain Whoosh", "SQLite FTS5"}
    printed = capsys.readouterr().out
    assert "300 articles" in printed and "search p95 (ms)" in printed
    assert "p50 / p95 (ms) per kind of query" in printed
    assert all(f"| {kind} (" in printed for kind in kinds)  # the README's per-kind table
    assert "| 300 |" in printed and "kartoteka ÷ plain Whoosh" in printed


def test_the_mix_has_every_kind_of_query_chosen_by_rule():
    """Phrases of common words in both languages, a word the glossary translates, an
    author of the corpus and a mid-word pattern, every query with a kind."""
    mix = query_mix(build_vocabularies(SEED))
    assert {q["kind"] for q in mix} == set(KINDS)
    assert len({q["name"] for q in mix}) == len(mix)
    by_name = {q["name"]: q for q in mix}
    phrase = by_name["ru three-word phrase of common words"]["q"].strip('"').split()
    assert len(phrase) == 3 and phrase[0] in STOP_WORDS
    assert all(len(normal_forms(word)) > 1 for word in phrase[1:])
    assert {q["q"].isascii() for q in mix if q["kind"] == "phrase of common words"} == {
        True, False}
    translated = by_name["ru word with translations"]["q"]
    assert shipped_glossary().equivalents(normal_forms(translated)[0])
    author = by_name["author's surname"]
    assert author["bylines"] == list(authors(SEED)[0])
    assert author["q"] == "author:" + author["bylines"][0].split()[-1]
    pattern = by_name["ru mid-word wildcard"]
    assert "*" in pattern["q"][1:-1] and pattern["prefix"].endswith("*")


def test_a_short_load_run_has_no_errors_and_serves_the_update_it_lands(tmp_path, capsys):
    out = tmp_path / "load.json"
    assert main(["load", "--docs", "300", "--clients", "6", "--seconds", "3",
                 "--rebuild-at", "0.5", "--work", str(tmp_path / "work"), "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["errors"] == 0, report["error_kinds"]
    # Counts of answers, not a rate: the run waits for them on a busy machine too.
    assert report["requests"] >= 6 and report["statuses"] == {"200": report["requests"]}
    assert {"page", "api", "article", "marker"} <= set(report["latency_by_kind_ms"])
    assert {"before_update", "after_update"} <= set(report["latency_by_phase_ms"])
    rebuild = report["rebuild"]
    assert rebuild["ok"], rebuild["output"]
    assert rebuild["first_answer_from_new_index_s"] is not None
    assert rebuild["first_answer_from_new_index_s"] >= rebuild["started_at_s"]
    assert rebuild["old_answers_after_landing"] == 0
    assert "throughput" in capsys.readouterr().out
