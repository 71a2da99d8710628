"""The engine boundary: Whoosh stays inside the engine, the read path never
loads the write path, an open generation keeps the contract, and a long-running
service does not leak what the generations it replaced held open."""

import ast
import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

from indexer import SearchRequest, SearchService, build_index
from indexer.engine.contract import Engine, Generation
from indexer.engine.embedded.generation import WhooshDocsetsEngine

from conftest import SMALL_CORPUS, write_jsonl

ROOT = Path(__file__).resolve().parent.parent
# The analyzer chain is built from Whoosh's analysis primitives (tokenizer and
# filters), which Whoosh pickles into each generation's schema.
WHOOSH_ALLOWED = ("indexer/engine/", "indexer/text/analysis.py")
MAX_MODULE_LINES = 420


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_whoosh_is_imported_only_inside_the_engine():
    offenders = []
    for path in sorted([*ROOT.glob("indexer/**/*.py"), *ROOT.glob("webapp/**/*.py")]):
        relative = path.relative_to(ROOT).as_posix()
        uses_whoosh = any(m.split(".")[0] == "whoosh" for m in imported_modules(path))
        if uses_whoosh and not relative.startswith(WHOOSH_ALLOWED):
            offenders.append(relative)
    assert offenders == []


def test_the_web_app_uses_only_the_librarys_public_face():
    inner = {path.relative_to(ROOT).as_posix(): sorted(m for m in imported_modules(path)
                                                       if m.startswith("indexer."))
             for path in ROOT.glob("webapp/**/*.py")}
    assert {name: modules for name, modules in inner.items() if modules} == {}


def test_neither_engine_package_reaches_into_the_other():
    """Each engine lives in its own package; what both need is in indexer/engine."""
    reaching = {}
    for package, other in (("embedded", "sphinx"), ("sphinx", "embedded")):
        for path in sorted(ROOT.glob(f"indexer/engine/{package}/*.py")):
            text = path.read_text(encoding="utf-8")
            if f"indexer.engine.{other}" in text or f"from ..{other}" in text:
                reaching[path.relative_to(ROOT).as_posix()] = other
    assert reaching == {}


def test_the_command_line_and_the_engines_are_packages():
    assert sorted(p.name for p in (ROOT / "indexer").glob("cli*.py")) == []
    for package in ("indexer/cli", "indexer/engine/embedded", "indexer/engine/sphinx"):
        assert (ROOT / package / "__init__.py").is_file(), package
    assert not list((ROOT / "indexer/engine").glob("sphinx_*.py"))


def test_every_package_is_installed():
    """A package missing from pyproject's list would be missing from an installed copy."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
                 ["packages"])
    found = {init.parent.relative_to(ROOT).as_posix().replace("/", ".")
             for top in ("indexer", "webapp", "benchmarks") for init in (ROOT / top).rglob("__init__.py")}
    assert found == listed


def test_no_module_is_too_long_to_read_at_once():
    long = {path.relative_to(ROOT).as_posix(): n for path in ROOT.glob("indexer/**/*.py")
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}


def test_searching_never_loads_the_write_path(small_index):
    code = ("import sys; from indexer import SearchService, SearchRequest; import webapp; "
            f"SearchService({str(small_index)!r}).search(SearchRequest('выборы')); "
            "print('\\n'.join(m for m in sys.modules if m.startswith('indexer')))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=ROOT).stdout.split()
    assert "indexer.search.service" in loaded and "indexer.engine.embedded.docsets" in loaded
    assert not [m for m in loaded if m.startswith("indexer.ingest")
                or m in ("indexer.engine.embedded.build", "indexer.engine.lock")]


def test_the_whoosh_engine_keeps_the_contract(small_index):
    engine = WhooshDocsetsEngine()
    assert isinstance(engine, Engine)
    generation = engine.open(small_index, engine.current(small_index))
    try:
        assert isinstance(generation, Generation)
        from indexer.engine.contract import Filters

        query = generation.parse("выборы", cross=False)
        results = generation.search(query, Filters(), "relevance", 0, 10)
        assert results.total == 2 and generation.order(query, Filters(), "relevance") == results.page
        assert {s["id"] for s in generation.stored([d for d, _ in results.page])} == {
            "osh-mayor", "bishkek-vote"}
        assert generation.find("osh-mayor")["title"] == "Новый мэр Оша"
        assert "выбор" in generation.match_terms(query)
        assert sum(generation.facet_totals("lang").values()) == 7
    finally:
        generation.close()


@pytest.fixture
def no_garbage_collector():
    """Only what the service closes counts: the collector would also close
    generations it finds unreachable, at a moment nobody controls."""
    gc.collect()
    gc.disable()
    yield
    gc.enable()


def open_files_and_maps(index_dir: Path) -> tuple[int, int]:
    fds = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            fds += os.readlink(f"/proc/self/fd/{fd}").startswith(str(index_dir))
        except OSError:
            pass
    maps = sum(str(index_dir) in line for line in Path("/proc/self/maps").read_text().splitlines())
    return fds, maps


@pytest.fixture
def live(tmp_path, no_garbage_collector):
    """(corpus folder, index folder, a service over it) for rebuilds under a live service."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    write_jsonl(corpus / "a.jsonl", SMALL_CORPUS)
    index_dir = tmp_path / "ix"
    build_index([corpus], index_dir, workers=1)
    return corpus, index_dir, SearchService(index_dir)


def test_rebuilds_under_a_live_service_do_not_leak_files_or_maps(live):
    corpus, index_dir, service = live
    assert service.search(SearchRequest("выборы", cross=False))["total"] == 2
    first = open_files_and_maps(index_dir)
    assert first[1] > 0  # the docsets are mapped: the measure sees them
    # Something outside may still hold a replaced generation (a traceback, a
    # thread's frame): closing, not the garbage collector, must free it.
    replaced = [service._current().generation]
    for n in range(20):
        write_jsonl(corpus / "b.jsonl", [dict(SMALL_CORPUS[0], id=f"extra-{n}",
                                              body=f"Выборы в Оше, заметка номер {n}.")])
        build_index([corpus], index_dir, workers=1)
        assert service.search(SearchRequest("выборы", cross=False))["total"] == 3
        replaced.append(service._current().generation)
    assert open_files_and_maps(index_dir) == first
    service.close()
    assert open_files_and_maps(index_dir) == (0, 0)


def test_an_export_still_streaming_keeps_its_generation_open(live):
    corpus, index_dir, service = live
    total, rows = service.export(SearchRequest(""), batch=2)
    first = next(rows)
    build_index([corpus], index_dir, workers=1)  # a rebuild lands mid-export
    assert service.search(SearchRequest(""))["total"] == 7  # answered from the new one
    assert [first["id"], *(row["id"] for row in rows)] and total == 7
    service.close()
    assert open_files_and_maps(index_dir) == (0, 0)
