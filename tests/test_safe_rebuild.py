"""Safe rebuilds: one build at a time, and a killed build never harms the index."""

import contextlib
import os
import random
import signal
import subprocess
import sys

import pytest

from indexer import BuildError, build_index, current_generation, update_index
from indexer.engine.publish import CRASH_AT
from indexer.engine.lock import BuildLock
from indexer.search.service import SearchRequest, SearchService

from conftest import SMALL_CORPUS, write_jsonl

WORDS = ("border", "trade", "election", "граница", "торговля", "выборы", "river", "pipeline",
         "газопровод", "harvest", "урожай", "mayor", "мэр", "railway", "железная", "дорога")


def many_articles(prefix, count):
    records = []
    for n in range(count):
        base = SMALL_CORPUS[n % len(SMALL_CORPUS)]
        rng = random.Random(f"{prefix}-{n}")  # each article its own text: no copies
        words = " ".join(rng.choice(WORDS) + str(rng.randrange(50)) for _ in range(120))
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


def crashing_build(corpus, index_dir, stage):
    """Run ``kartoteka index`` until it kills itself (as ``kill -9``) at ``stage``."""
    code = "from indexer.cli import cli; cli()"
    process = subprocess.Popen(
        [sys.executable, "-c", code, "index", str(corpus), "--index", str(index_dir),
         "--jobs", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        env={**os.environ, CRASH_AT: stage})
    try:
        return process.wait(timeout=600)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # its reading workers, orphaned


@pytest.mark.parametrize("stage", ["reading", "committed", "docsets", "renamed"])
def test_a_build_killed_at_any_stage_leaves_the_old_index_complete(tmp_path, stage):
    corpus = tmp_path / "c"
    corpus.mkdir()
    for part in range(70):  # enough files for the reading pool
        write_jsonl(corpus / f"part-{part:02}.jsonl", many_articles(f"p{part}", 2))
    index_dir = tmp_path / "ix"
    build_index([corpus], index_dir, workers=2)
    old = current_generation(index_dir)
    service = SearchService(index_dir)
    before = service.search(SearchRequest("выборы", per_page=100))
    assert before["total"] > 0
    write_jsonl(corpus / "part-99.jsonl", [dict(SMALL_CORPUS[0], id="late-arrival")])

    assert crashing_build(corpus, index_dir, stage) == -signal.SIGKILL
    left_behind = list(index_dir.glob("building-*")) + [
        g for g in index_dir.glob("gen-*") if g != old]
    assert left_behind  # the kill hit a half-written generation
    assert current_generation(index_dir) == old
    assert service.search(SearchRequest("выборы", per_page=100)) == before
    assert SearchService(index_dir).search(SearchRequest(""))["total"] == 140

    # No stale lock: the next build runs, lands, and clears what the killed one left.
    summary = build_index([corpus], index_dir, workers=2)
    assert summary.total == 141
    assert current_generation(index_dir) != old
    assert set(index_dir.glob("building-*")) | set(index_dir.glob("gen-*")) == {
        current_generation(index_dir), old}  # the new one, and the one it replaced
    assert service.search(SearchRequest(""))["total"] == 141
