"""The index format is versioned: a generation written now opens, and one of
another version, an older kartoteka's, or a damaged one is refused with a
message that says to rebuild the index (never a traceback, never read anyway).
The layout is in docs/index-format.md."""

import gc
import json
import os
import pickle
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer import SearchRequest, SearchService, build_index, current_generation, update_index
from indexer.cli.main import cli
from indexer.engine.embedded.docsets import (
    DOCSETS,
    DOCSETS_MAGIC,
    DOCSETS_META,
    DOCSETS_VERSION,
    HEADER,
    META_MAGIC,
    Docsets,
)
from indexer.engine.store import BUILD_INFO, GENERATION_FORMAT, open_whoosh_index, read_build_info
from indexer.errors import IndexFormatError

from conftest import SMALL_CORPUS, write_jsonl

REBUILD = "rebuild the index"


@pytest.fixture
def generation(small_index) -> Path:
    return current_generation(small_index)


def refused(action):
    """The message of the ``IndexFormatError`` that ``action`` raises."""
    with pytest.raises(IndexFormatError) as caught:
        action()
    message = str(caught.value)
    assert REBUILD in message and "kartoteka index" in message
    return message


def search(index_dir) -> dict:
    service = SearchService(index_dir)
    try:
        return service.search(SearchRequest("выборы", cross=False))
    finally:
        service.close()


def rewrite_build_info(generation: Path, **changes) -> None:
    info = json.loads((generation / BUILD_INFO).read_text(encoding="utf-8"))
    info.update(changes)
    info = {k: v for k, v in info.items() if v is not None}
    (generation / BUILD_INFO).write_text(json.dumps(info), encoding="utf-8")


def test_a_generation_written_now_opens_and_says_its_versions(small_index, generation):
    assert read_build_info(generation)["format"] == GENERATION_FORMAT
    head = (generation / DOCSETS).read_bytes()[:HEADER.size]
    assert HEADER.unpack(head) == (DOCSETS_MAGIC, DOCSETS_VERSION, 0)
    directory = json.loads((generation / DOCSETS_META).read_text(encoding="utf-8"))
    assert (directory["magic"], directory["version"]) == (META_MAGIC, DOCSETS_VERSION)
    assert directory["bytes"] == (generation / DOCSETS).stat().st_size
    assert directory["docs"] == 7 and set(directory["terms"]) == {"title", "author", "body", "exact"}
    docsets = Docsets(generation)
    try:
        assert len(docsets.term("body", "выбор").ids) == 2
        assert docsets.term("body", "nothing") is None
    finally:
        docsets.close()
    assert open_whoosh_index(generation).doc_count() == 7
    assert search(small_index)["total"] == 2


def test_docsets_of_another_version_are_refused(small_index, generation):
    data = bytearray((generation / DOCSETS).read_bytes())
    data[8:12] = (DOCSETS_VERSION + 1).to_bytes(4, "little")  # the header's version
    (generation / DOCSETS).write_bytes(bytes(data))
    message = refused(lambda: Docsets(generation))
    assert f"{DOCSETS} is of version {DOCSETS_VERSION + 1}" in message
    refused(lambda: search(small_index))


def test_a_directory_of_another_version_is_refused(small_index, generation):
    directory = json.loads((generation / DOCSETS_META).read_text(encoding="utf-8"))
    directory["version"] = DOCSETS_VERSION + 1
    (generation / DOCSETS_META).write_text(json.dumps(directory), encoding="utf-8")
    assert f"{DOCSETS_META} is of version" in refused(lambda: Docsets(generation))
    refused(lambda: search(small_index))


def test_an_older_kartotekas_pickled_directory_is_refused(generation):
    directory = json.loads((generation / DOCSETS_META).read_text(encoding="utf-8"))
    (generation / DOCSETS_META).write_bytes(pickle.dumps(directory, pickle.HIGHEST_PROTOCOL))
    assert "an older one's" in refused(lambda: Docsets(generation))


@pytest.mark.parametrize("damage", [
    "bin cut in half", "bin cut to 3 bytes", "bin empty", "bin garbage", "meta cut in half",
    "meta garbage", "meta not an object", "meta span outside", "meta term count wrong",
])
def test_damaged_docsets_are_refused_and_leave_nothing_open(small_index, generation, damage):
    bin_path, meta_path = generation / DOCSETS, generation / DOCSETS_META
    data, directory = bin_path.read_bytes(), json.loads(meta_path.read_text(encoding="utf-8"))
    if damage == "bin cut in half":
        bin_path.write_bytes(data[:len(data) // 2])
    elif damage == "bin cut to 3 bytes":
        bin_path.write_bytes(data[:3])
    elif damage == "bin empty":
        bin_path.write_bytes(b"")
    elif damage == "bin garbage":
        bin_path.write_bytes(os.urandom(len(data)))
    elif damage == "meta cut in half":
        meta_path.write_bytes(meta_path.read_bytes()[:len(meta_path.read_bytes()) // 2])
    elif damage == "meta garbage":
        meta_path.write_bytes(os.urandom(200))
    elif damage == "meta not an object":
        meta_path.write_text("[1, 2, 3]", encoding="utf-8")
    else:
        if damage == "meta span outside":
            directory["dates"] = [directory["bytes"] - 4, 400]
        else:
            directory["terms"]["body"]["count"] += 1
        meta_path.write_text(json.dumps(directory), encoding="utf-8")
    gc.collect()
    gc.disable()  # what the refused open leaves open must be closed by it, not the collector
    try:
        refused(lambda: Docsets(generation))
        held = [fd for fd in os.listdir("/proc/self/fd")
                if os.path.realpath(f"/proc/self/fd/{fd}").startswith(str(generation))]
        maps = [line for line in Path("/proc/self/maps").read_text().splitlines()
                if str(generation) in line]
        assert (held, maps) == ([], [])
    finally:
        gc.enable()
    refused(lambda: search(small_index))


@pytest.mark.parametrize("found", [None, 1, GENERATION_FORMAT + 1, "2"])
def test_a_generation_of_another_format_is_refused_naming_its_sources(small_index, generation,
                                                                     found):
    rewrite_build_info(generation, format=found)
    message = refused(lambda: search(small_index))
    assert f"index format {found or 1!r}" in message
    corpus = json.loads((generation / BUILD_INFO).read_text(encoding="utf-8"))["sources"][0]
    assert f"kartoteka index {corpus} --index {small_index}" in message


def test_a_damaged_build_info_is_refused(small_index, generation):
    (generation / BUILD_INFO).write_bytes(b'{"format": 2, "sour')
    message = refused(lambda: search(small_index))
    assert "kartoteka index SOURCE… --index" in message


def moved_module(generation: Path) -> None:
    """Make the Whoosh schema name a module that no longer imports, as the
    schema of an older generation does (it pickled kartoteka's analyzer, since
    moved; today's holds Whoosh's own field classes only)."""
    toc = next(generation.glob("_MAIN_*.toc"))
    data = toc.read_bytes()
    assert b"whoosh.fields" in data
    toc.write_bytes(data.replace(b"whoosh.fields", b"indexer.gones"))


def test_whoosh_schema_naming_a_moved_module_is_refused(generation):
    moved_module(generation)
    message = refused(lambda: open_whoosh_index(generation))
    assert "No module named 'indexer.gones'" in message


def make_old(generation: Path) -> None:
    """A generation as kartoteka wrote it before the format was versioned: no
    format in build.json, a pickled docsets directory, a schema naming a module gone."""
    rewrite_build_info(generation, format=None)
    directory = json.loads((generation / DOCSETS_META).read_text(encoding="utf-8"))
    (generation / DOCSETS_META).write_bytes(pickle.dumps(directory))
    moved_module(generation)


def test_an_index_built_before_the_format_was_versioned_is_refused(small_index, generation):
    make_old(generation)
    message = refused(lambda: search(small_index))
    assert "index format 1" in message


def test_updating_an_old_index_rebuilds_it_from_its_sources(small_index, generation, tmp_path):
    make_old(generation)
    more = tmp_path / "more"
    more.mkdir()
    write_jsonl(more / "b.jsonl", [dict(SMALL_CORPUS[0], id="osh-mayor-again",
                                        body="Итоги выборов в Оше подвели через неделю.")])
    summary = update_index([more], small_index, workers=1)
    assert summary.mode == "full" and summary.total == 8
    assert read_build_info(current_generation(small_index))["format"] == GENERATION_FORMAT
    assert search(small_index)["total"] == 3


def test_kartoteka_search_tells_the_user_to_rebuild(small_index, generation):
    rewrite_build_info(generation, format=GENERATION_FORMAT + 1)
    result = CliRunner().invoke(cli, ["search", "выборы", "--index", str(small_index)])
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit)  # handled: no traceback
    assert REBUILD in result.output and "Traceback" not in result.output


def test_a_fresh_build_over_an_old_index_replaces_it(small_index, generation, tmp_path):
    make_old(generation)
    build_index([tmp_path / "corpus"], small_index, workers=1)
    assert search(small_index)["total"] == 2


def test_the_web_app_answers_503_and_says_to_rebuild(small_index, generation):
    from webapp import create_app

    client = create_app({"TESTING": True, "INDEX_DIR": str(small_index)}).test_client()
    rewrite_build_info(generation, format=GENERATION_FORMAT + 1)
    api = client.get("/api/search?q=wine")
    assert api.status_code == 503 and "rebuild the index" in api.get_json()["error"]
    page = client.get("/?q=wine&ui=ru")
    assert page.status_code == 503 and "постройте его заново" in page.get_data(as_text=True)
    assert str(small_index) not in page.get_data(as_text=True)  # paths stay in the log
