"""Building: generations swapped in only when whole, problems reported, both cores."""

import pytest

from indexer import BuildError, build_index, current_generation
from indexer.engine.store import read_build_info
from indexer.search.service import SearchRequest, SearchService

from conftest import SMALL_CORPUS, write_jsonl


@pytest.fixture
def corpus(tmp_path):
    root = tmp_path / "corpus"
    root.mkdir()
    write_jsonl(root / "a.jsonl", SMALL_CORPUS)
    return root


def total(index_dir):
    return SearchService(index_dir).search(SearchRequest(""))["total"]


def test_build_reports_counts_per_language_and_writes_build_info(corpus, tmp_path):
    summary = build_index([corpus], tmp_path / "ix", workers=1)
    assert dict(summary.indexed) == {"ru": 3, "en": 4}
    assert summary.files == 1
    assert [str(p) for p in summary.problems] == [
        "a.jsonl:7: warning: no usable date; indexed as undated (id undated-note)"]
    info = read_build_info(current_generation(tmp_path / "ix"))
    assert info["articles"] == 7 and info["by_language"] == {"ru": 3, "en": 4}


def test_duplicate_ids_keep_the_first_and_say_so(corpus, tmp_path):
    write_jsonl(corpus / "b.jsonl", [dict(SMALL_CORPUS[0], title="A later copy")])
    summary = build_index([corpus], tmp_path / "ix", workers=1)
    assert summary.total == 7
    assert [str(d) for d in summary.duplicates] == [
        "b.jsonl:1: id 'osh-mayor' already read from a.jsonl (kept the first)"]
    hits = SearchService(tmp_path / "ix").search(SearchRequest("Оша"))["hits"]
    assert [h["title"] for h in hits] == ["Новый мэр Оша"]


def test_a_build_with_no_articles_fails_and_keeps_the_old_index(corpus, tmp_path):
    build_index([corpus], tmp_path / "ix", workers=1)
    before = current_generation(tmp_path / "ix")
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "broken.html").write_bytes(b"")
    with pytest.raises(BuildError, match="no articles"):
        build_index([empty], tmp_path / "ix", workers=1)
    assert current_generation(tmp_path / "ix") == before
    assert total(tmp_path / "ix") == 7
    assert not list((tmp_path / "ix").glob("building-*"))


def test_an_interrupted_build_leaves_the_old_index_serving(corpus, tmp_path):
    build_index([corpus], tmp_path / "ix", workers=1)
    service = SearchService(tmp_path / "ix")
    assert service.search(SearchRequest(""))["total"] == 7
    bigger = tmp_path / "bigger"
    bigger.mkdir()
    write_jsonl(bigger / "a.jsonl", SMALL_CORPUS)
    write_jsonl(bigger / "b.jsonl", [dict(r, id=r["id"] + "-2") for r in SMALL_CORPUS])

    def interrupt(summary):
        if summary.files == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_index([bigger], tmp_path / "ix", workers=1, on_file=interrupt)
    assert service.search(SearchRequest(""))["total"] == 7
    assert not list((tmp_path / "ix").glob("building-*"))


def test_a_running_service_answers_from_the_new_index_after_a_rebuild(corpus, tmp_path):
    build_index([corpus], tmp_path / "ix", workers=1)
    service = SearchService(tmp_path / "ix")
    assert service.search(SearchRequest(""))["total"] == 7
    write_jsonl(corpus / "b.jsonl", [dict(SMALL_CORPUS[0], id="osh-council",
                                          body="Городской совет Оша обсудил новый бюджет.")])
    build_index([corpus], tmp_path / "ix", workers=1)
    assert service.search(SearchRequest(""))["total"] == 8


def test_old_generations_are_pruned_to_the_previous_one(corpus, tmp_path):
    for _ in range(4):
        build_index([corpus], tmp_path / "ix", workers=1)
    assert len(list((tmp_path / "ix").glob("gen-*"))) == 2


def test_parallel_reading_gives_the_same_index_as_one_process(tmp_path):
    root = tmp_path / "many"
    root.mkdir()
    for i in range(80):
        record = dict(SMALL_CORPUS[i % len(SMALL_CORPUS)], id=f"doc-{i}")
        write_jsonl(root / f"f{i:03}.jsonl", [record])
    serial = build_index([root], tmp_path / "one", workers=1)
    parallel = build_index([root], tmp_path / "two", workers=2)
    assert serial.indexed == parallel.indexed
    one = SearchService(tmp_path / "one").search(SearchRequest("Кыргызстан", per_page=100))
    two = SearchService(tmp_path / "two").search(SearchRequest("Кыргызстан", per_page=100))
    assert one["total"] == two["total"] > 0
    assert one["facets"] == two["facets"]


def test_an_index_folder_given_as_a_relative_path_keeps_its_new_generation(
        corpus, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for _ in range(3):  # a first build, then rebuilds that prune older generations
        build_index([corpus], "ix", workers=1)
        assert SearchService("ix").search(SearchRequest(""))["total"] == 7
    assert len(list((tmp_path / "ix").glob("gen-*"))) == 2  # the current one and the last
