"""The benchmark harness keeps working: a small run produces a complete report."""

import json

from benchmarks.__main__ import main


def test_a_small_run_reports_every_figure_for_every_system(tmp_path, capsys):
    out = tmp_path / "report.json"
    assert main(["run", "--docs", "300", "--work", str(tmp_path / "work"), "--out", str(out),
                 "--repeat", "2"]) == 0
    report = json.loads(out.read_text())
    [run] = report["runs"]
    assert run["docs"] == 300 and len(run["queries"]) == 14
    assert set(run["systems"]) == {"kartoteka", "plain Whoosh", "SQLite FTS5"}
    for figures in run["systems"].values():
        assert figures["index_s"] > 0 and figures["docs_per_s"] > 0
        assert figures["index_peak_mb"] > 0 and figures["index_mb"] > 0
        assert set(figures["search_ms"]) == {"p50", "p95", "p99", "mean", "n"}
        assert figures["search_ms"]["n"] == 2 * len(run["queries"])
        assert set(figures["totals"]) == {q["name"] for q in run["queries"]}
    assert run["systems"]["kartoteka"]["totals"]["ru inflected form"] > 0
    assert run["server"]["first_search_s"] > 0 and run["server"]["peak_mb"] > 0
    assert set(run["ratios"]) == {"plain Whoosh", "SQLite FTS5"}
    printed = capsys.readouterr().out
    assert "300 articles" in printed and "search p95 (ms)" in printed


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
