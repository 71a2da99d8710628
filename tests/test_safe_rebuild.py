"""Safe rebuilds: one build at a time, and a killed build never harms the index."""

import signal
import subprocess
import sys
import time

import pytest

from indexer.build import BuildError, build_index, current_generation, update_index
from indexer.lock import BuildLock
from indexer.search import SearchRequest, SearchService

from conftest import SMALL_CORPUS, write_jsonl

WORDS = ("border", "trade", "election", "граница", "торговля", "выборы", "river", "pipeline",
         "газопровод", "harvest", "урожай", "mayor", "мэр", "railway", "железная", "дорога")


def many_articles(prefix, count):
    records = []
    for n in range(count):
        base = SMALL_CORPUS[n % len(SMALL_CORPUS)]
        words = " ".join(WORDS[(n * 7 + k) % len(WORDS)] for k in range(120))
        records.append(dict(base, id=f"{prefix}-{n}", body=f"{base['body']} {words}"))
    return records


def test_a_second_build_is_refused_while_one_runs(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    write_jsonl(corpus / "a.jsonl", SMALL_CORPUS)
    with BuildLock(tmp_path / "ix"):
        with pytest.raises(BuildError, match=r"another build is running .*pid \d+"):
            build_index([corpus], tmp_path / "ix", workers=1)
        with pytest.raises(BuildError, match="another build is running"):
            update_index([corpus], tmp_path / "ix", workers=1)
    assert build_index([corpus], tmp_path / "ix", workers=1).total == 7  # lock released


def start_build(corpus, index_dir):
    code = "from indexer.cli import cli; cli()"
    return subprocess.Popen(
        [sys.executable, "-c", code, "index", str(corpus), "--index", str(index_dir),
         "--jobs", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_a_build_killed_at_any_point_leaves_the_old_index_complete(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    for part in range(70):  # enough files for the reading pool, enough text to take a while
        write_jsonl(corpus / f"part-{part:02}.jsonl", many_articles(f"p{part}", 6))
    index_dir = tmp_path / "ix"
    started = time.perf_counter()
    build_index([corpus], index_dir, workers=2)
    duration = time.perf_counter() - started
    old = current_generation(index_dir)
    service = SearchService(index_dir)
    before = service.search(SearchRequest("выборы", per_page=100))
    assert before["total"] > 0
    write_jsonl(corpus / "part-99.jsonl", [dict(SMALL_CORPUS[0], id="late-arrival")])
    mid_build = 0
    for fraction in (0.1, 0.4, 0.7, 0.9):
        left_before = set(index_dir.glob("building-*"))
        process = start_build(corpus, index_dir)
        time.sleep(duration * fraction + 0.3)  # + the interpreter's start
        assert process.poll() is None, "the build ended before it could be killed"
        mid_build += bool(set(index_dir.glob("building-*")) - left_before)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert current_generation(index_dir) == old, fraction
        assert service.search(SearchRequest("выборы", per_page=100)) == before
        assert SearchService(index_dir).search(SearchRequest(""))["total"] == 420
    assert mid_build >= 3  # most kills hit a half-written generation
    # No stale lock: the next build runs, lands, and clears what the killed ones left.
    summary = build_index([corpus], index_dir, workers=2)
    assert summary.total == 421
    assert current_generation(index_dir) != old
    assert not list(index_dir.glob("building-*"))
    assert service.search(SearchRequest(""))["total"] == 421
