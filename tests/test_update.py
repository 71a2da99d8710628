"""``--update``: new, changed and gone articles, and the same index a rebuild gives."""

import gzip
import json
import os

import pytest

from indexer import build_index, current_generation, update_index
from indexer.engine.manifest import MANIFEST
from indexer.search.service import SearchRequest, SearchService

from conftest import SMALL_CORPUS, write_jsonl

QUERIES = ["", "Кыргызстан", "выборы мэра", "election", "Georgia OR Казахстан",
           '"выборы мэра"', "Kyrgyz*", "author:Beridze", "harvest -wine"]


def snapshot(index_dir):
    """What a researcher sees: per query the total, every hit with its score, all facets."""
    service = SearchService(index_dir)
    seen = {}
    for text in QUERIES:
        for sort, undated in (("relevance", False), ("newest", False), ("oldest", True)):
            result = service.search(SearchRequest(text, sort=sort, undated=undated, per_page=100))
            hits = [(h["id"], h["title"], h["date"], h["score"] and round(h["score"], 3))
                    for h in result["hits"]]
            seen[text, sort, undated] = (result["total"],
                                         sorted(hits) if sort == "relevance" else hits,
                                         result["facets"])
    return seen


def ids(index_dir):
    result = SearchService(index_dir).search(SearchRequest("", per_page=100))
    return sorted(h["id"] for h in result["hits"])


@pytest.fixture
def corpus(tmp_path):
    root = tmp_path / "corpus"
    (root / "older").mkdir(parents=True)
    write_jsonl(root / "older" / "a.jsonl", SMALL_CORPUS[:4])
    write_jsonl(root / "older" / "b.jsonl", SMALL_CORPUS[4:])
    (root / "note.txt").write_text(
        "Border talks in Osh\n\nTajikistan and Kyrgyzstan met in Osh to talk about the "
        "border.\n", encoding="utf-8")
    return root


def change_corpus(root):
    """A month of changes: one article added, one edited, one file gone, one duplicate."""
    edited = [dict(r) for r in SMALL_CORPUS[:4]]
    edited[1]["title"] = "Бишкек выбирает мэра"
    edited[1]["body"] += " Кандидатов пятеро."
    write_jsonl(root / "older" / "a.jsonl", edited)
    os.remove(root / "note.txt")
    write_jsonl(root / "older" / "c.jsonl", [
        {"id": "dushanbe-rail", "lang": "en", "title": "A railway for Tajikistan",
         "date": "2020-02-02", "authors": ["Farrukh Nazarov"], "regions": ["tajikistan"],
         "body": "Tajikistan opened a rail link to Uzbekistan; the election of a new board "
                 "followed."},
        dict(SMALL_CORPUS[4], title="A later copy of the wine story"),  # duplicate id
    ])


def test_update_gives_the_index_a_full_rebuild_gives(corpus, tmp_path):
    build_index([corpus], tmp_path / "updated", workers=1)
    change_corpus(corpus)
    summary = update_index([corpus], tmp_path / "updated", workers=1)
    assert (summary.added, summary.changed, summary.removed) == (1, 1, 1)
    assert summary.unchanged == 6
    assert [str(d) for d in summary.duplicates] == [
        "older/c.jsonl:2: id 'tbilisi-wine' already read from older/b.jsonl (kept the first)"]
    rebuilt = build_index([corpus], tmp_path / "rebuilt", workers=1)
    assert ids(tmp_path / "updated") == ids(tmp_path / "rebuilt")
    # The same problems, undated articles of files not read again included.
    assert [p.to_dict() for p in summary.problems] == [p.to_dict() for p in rebuilt.problems]
    assert {p.kind for p in summary.problems} == {"no-date", "duplicate-id"}
    assert "dushanbe-rail" in ids(tmp_path / "updated")
    assert "note" not in ids(tmp_path / "updated")
    assert snapshot(tmp_path / "updated") == snapshot(tmp_path / "rebuilt")
    edited = SearchService(tmp_path / "updated").search(SearchRequest("пятеро"))["hits"]
    assert [h["title"] for h in edited] == ["Бишкек выбирает мэра"]


def test_update_reads_only_files_that_changed(corpus, tmp_path):
    build_index([corpus], tmp_path / "ix", workers=1)
    write_jsonl(corpus / "new.jsonl", [{"id": "extra", "lang": "en", "body": "Grain prices."}])
    summary = update_index([corpus], tmp_path / "ix", workers=1)
    assert summary.files_read == 1 and summary.files == 4
    assert (summary.added, summary.changed, summary.removed) == (1, 0, 0)
    # Touched but identical: read for its digest, nothing changes in the index.
    os.utime(corpus / "older" / "a.jsonl", ns=(1, 1))
    before = current_generation(tmp_path / "ix")
    summary = update_index([corpus], tmp_path / "ix", workers=1)
    assert (summary.added, summary.changed, summary.removed, summary.files_read) == (0, 0, 0, 0)
    assert current_generation(tmp_path / "ix") == before


def test_removing_the_first_copy_of_a_duplicate_promotes_the_next(corpus, tmp_path):
    write_jsonl(corpus / "older" / "z-copy.jsonl", [dict(SMALL_CORPUS[0], title="Second copy")])
    build_index([corpus], tmp_path / "ix", workers=1)
    write_jsonl(corpus / "older" / "a.jsonl", SMALL_CORPUS[1:4])
    summary = update_index([corpus], tmp_path / "ix", workers=1)
    assert summary.changed == 1 and not summary.duplicates
    build_index([corpus], tmp_path / "rebuilt", workers=1)
    assert snapshot(tmp_path / "ix") == snapshot(tmp_path / "rebuilt")
    hits = SearchService(tmp_path / "ix").search(SearchRequest("Оша"))["hits"]
    assert [h["title"] for h in hits] == ["Second copy"]


def test_an_index_from_an_older_manifest_version_is_rebuilt_with_its_sources(corpus, tmp_path):
    build_index([corpus], tmp_path / "ix", workers=1)
    manifest = current_generation(tmp_path / "ix") / MANIFEST
    with gzip.open(manifest, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    data["version"] = 1  # as written before no-date problems were recorded
    for entry in data["files"].values():
        entry["problems"] = [p for p in entry["problems"] if p["kind"] != "no-date"]
    with gzip.open(manifest, "wt", encoding="utf-8") as handle:
        json.dump(data, handle)
    month = tmp_path / "new-month"
    month.mkdir()
    write_jsonl(month / "m.jsonl", [{"id": "month-1", "lang": "en", "body": "Grain."}])
    summary = update_index([month], tmp_path / "ix", workers=1)
    assert summary.mode == "full" and summary.total == 9  # the old sources kept
    assert [str(p) for p in summary.problems if p.kind == "no-date"] == [
        "note.txt: warning: no usable date; indexed as undated (id note)",
        "older/b.jsonl:3: warning: no usable date; indexed as undated (id undated-note)",
        "m.jsonl:1: warning: no usable date; indexed as undated (id month-1)"]


def test_update_without_an_index_builds_one(corpus, tmp_path):
    summary = update_index([corpus], tmp_path / "ix", workers=1)
    assert summary.mode == "full" and summary.total == 8


def test_update_keeps_serving_the_old_generation_until_it_lands(corpus, tmp_path):
    build_index([corpus], tmp_path / "ix", workers=1)
    service = SearchService(tmp_path / "ix")
    assert service.search(SearchRequest(""))["total"] == 8
    old = current_generation(tmp_path / "ix")
    change_corpus(corpus)
    update_index([corpus], tmp_path / "ix", workers=1)
    assert current_generation(tmp_path / "ix") != old and old.exists()
    assert service.search(SearchRequest(""))["total"] == 8  # 8 - 1 gone + 1 new
    assert service.search(SearchRequest("Dushanbe OR Uzbekistan"))["total"] == 1


def test_updating_with_a_new_folder_adds_it_to_the_index_sources(corpus, tmp_path):
    build_index([corpus], tmp_path / "ix", workers=1)
    month = tmp_path / "new-month"
    month.mkdir()
    write_jsonl(month / "m.jsonl", [{"id": "month-1", "lang": "en", "title": "Grain",
                                     "body": "Kazakhstan grain exports grew again."}])
    summary = update_index([month], tmp_path / "ix", workers=1)
    assert (summary.added, summary.removed) == (1, 0)
    assert summary.sources == [str(corpus.resolve()), str(month.resolve())]
    build_index([corpus, month], tmp_path / "rebuilt", workers=1)
    assert snapshot(tmp_path / "ix") == snapshot(tmp_path / "rebuilt")
    # A file gone from an earlier source is gone from the index, whatever is given.
    os.remove(corpus / "older" / "b.jsonl")
    summary = update_index([month], tmp_path / "ix", workers=1)
    assert (summary.added, summary.changed, summary.removed) == (0, 0, 3)
    assert "tbilisi-wine" not in ids(tmp_path / "ix") and "month-1" in ids(tmp_path / "ix")
