"""The cluster benchmark runs both engines and leaves no searchd behind."""

import json

import pytest
from sphinx_cluster import require_searchd

from benchmarks import cluster
from benchmarks.__main__ import main


@pytest.fixture
def started(monkeypatch) -> list[int]:
    """The pids of every searchd the harness starts (recorded even if starting fails)."""
    require_searchd()
    pids = []
    original = cluster.Searchds.start_all

    def recording_start(self):
        try:
            original(self)
        finally:
            pids.extend(self.pids.values())

    monkeypatch.setattr(cluster.Searchds, "start_all", recording_start)
    return pids


def test_a_small_cluster_run_reports_both_engines_and_stops_its_searchd(tmp_path, started,
                                                                      capsys):
    out = tmp_path / "cluster.json"
    assert main(["cluster", "--docs", "200", "--repeat", "1", "--work", str(tmp_path / "work"),
                 "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["docs"] == 200 and set(report["engines"]) == {"whoosh", "sphinx"}
    for figures in report["engines"].values():
        assert figures["index_s"] > 0 and figures["docs_per_s"] > 0 and figures["index_mb"] > 0
        for key in ("search_ms", "search_ms_no_cross"):
            assert figures[key]["n"] == len(report["queries"])
            assert 0 < figures[key]["p50"] <= figures[key]["p95"] <= figures[key]["p99"]
    sphinx = report["engines"]["sphinx"]
    assert sphinx["shards"] == 3 and set(sphinx["searchd_rss_mb"]) == {
        "shard-0", "shard-1", "shard-2", "front"}
    assert all(mb > 0 for mb in sphinx["searchd_rss_mb"].values())
    assert len(started) == 4 and not any(cluster.alive(pid) for pid in started)
    assert "search p95 (ms)" in capsys.readouterr().out


def test_the_load_run_on_a_cluster_answers_everything_and_stops_its_searchd(tmp_path, started):
    """``benchmarks load --shards 3``: researchers' requests against a served cluster
    while an update lands, no error, and every searchd it started stopped again."""
    out = tmp_path / "load.json"
    code = main(["load", "--docs", "150", "--clients", "4", "--seconds", "3", "--rebuild-at",
                 "1", "--shards", "3", "--work", str(tmp_path / "work"), "--out", str(out)])
    report = json.loads(out.read_text())
    assert code == 0 and report["errors"] == 0 and report["rebuild"]["ok"], report
    assert report["engine"] == "sphinx, 3 shards" and report["requests"] > 0
    assert set(report["searchd_rss_mb"]) == {"shard-0", "shard-1", "shard-2", "front"}
    assert len(started) == 4 and not any(cluster.alive(pid) for pid in started)


def test_the_differential_run_finds_no_difference_and_stops_its_searchd(tmp_path, started):
    """``benchmarks differential`` after ``cluster``: the same random searches on both
    engines of that run answer alike, and its searchd are stopped again."""
    work = str(tmp_path / "work")
    assert main(["cluster", "--docs", "150", "--repeat", "1", "--work", work,
                 "--out", str(tmp_path / "cluster.json")]) == 0
    out = tmp_path / "differential.json"
    code = main(["differential", "--docs", "150", "--searches", "60", "--work", work,
                 "--out", str(out)])
    report = json.loads(out.read_text())
    assert report["searches"] == 60 and report["differences"] == [] and code == 0
    assert len(started) == 8 and not any(cluster.alive(pid) for pid in started)
    with pytest.raises(RuntimeError, match="run `python -m benchmarks cluster --docs 99`"):
        main(["differential", "--docs", "99", "--work", work])
