"""Shared fixtures: tiny corpora written in tmp_path and indexes built from them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import settings

from indexer.engine.embedded.build import build_index
from indexer.search.service import SearchService

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CORPUS = ROOT / "sample_corpus"

# In CI the property tests draw the same examples every run, so a run's
# verdict is about the change, not the dice; on a developer's machine they
# explore anew each time (and keep what failed in .hypothesis/).
settings.register_profile("ci", derandomize=True, database=None, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


def write_jsonl(path: Path, records: list[dict]) -> Path:
    """Write records as a JSON Lines file and return its path."""
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


# A small bilingual corpus for search tests: facts chosen so counts are easy
# to check by eye.
SMALL_CORPUS = [
    {"id": "osh-mayor", "lang": "ru", "title": "Новый мэр Оша", "date": "2013-04-22",
     "authors": ["Бакыт Осмонов"], "regions": ["kyrgyzstan"],
     "body": "На выборах мэра Оша победил бывший учитель. Жители Кыргызстана ждали "
             "итогов голосования до утра."},
    {"id": "bishkek-vote", "lang": "ru", "title": "Бишкек выбирает", "date": "2016-10-02",
     "authors": ["Бакыт Осмонов"], "regions": ["kyrgyzstan"],
     "body": "В Кыргызстане снова спорят о выборах мэра столицы. Выборы мэра назначены "
             "на осень."},
    {"id": "kyrgyz-elections", "lang": "en", "title": "Kyrgyzstan's busy autumn",
     "date": "2016-10-05", "authors": ["Bakyt Osmonov"], "regions": ["kyrgyzstan"],
     "body": "Kyrgyzstan holds two elections this autumn, and voters are tired of campaign "
             "posters on every wall."},
    {"id": "almaty-steel", "lang": "ru", "title": "Экспорт стали из Казахстана",
     "date": "2019-03-11", "authors": ["Айгерим Садыкова"], "regions": ["kazakhstan"],
     "body": "Казахстан увеличил экспорт стали. Металлурги говорят, что сталью торговать "
             "выгоднее, чем рудой."},
    {"id": "tbilisi-wine", "lang": "en", "title": "Georgia's wine harvest", "date": "2011-09-20",
     "authors": ["Levan Beridze"], "regions": ["georgia"],
     "body": "Winemakers in Kakheti report a rich harvest, and exports to new markets grew."},
    {"id": "yerevan-tbilisi-rail", "lang": "en", "title": "A railway between two capitals",
     "date": "2011-05-14", "authors": ["Levan Beridze", "Anahit Petrosyan"],
     "regions": ["georgia", "armenia"],
     "body": "The old line between Yerevan and Tbilisi reopened after repairs. "
             "Election season did not slow the work."},
    {"id": "undated-note", "lang": "en", "title": "An editor's note on sources",
     "authors": ["Levan Beridze"], "regions": ["georgia"],
     "body": "We explain how reporters in Georgia check what officials tell them."},
]


@pytest.fixture
def small_index(tmp_path) -> Path:
    """An index of SMALL_CORPUS in a temporary folder."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_jsonl(corpus / "articles.jsonl", SMALL_CORPUS)
    index_dir = tmp_path / "index"
    build_index([corpus], index_dir, workers=1)
    return index_dir


@pytest.fixture
def small_service(small_index) -> SearchService:
    """A search service over SMALL_CORPUS."""
    return SearchService(small_index)


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory) -> Path:
    """An index of the shipped sample corpus, built once per test session."""
    index_dir = tmp_path_factory.mktemp("sample") / "index"
    build_index([SAMPLE_CORPUS], index_dir)
    return index_dir


@pytest.fixture(scope="session")
def sample_service(sample_index) -> SearchService:
    """A search service over the sample corpus."""
    return SearchService(sample_index)


@pytest.fixture(scope="module")
def app(sample_index):
    """The web app over the sample index."""
    from webapp import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(sample_index)})


@pytest.fixture
def client(app):
    return app.test_client()


def page_of(client, url, status=200):
    """A page of the app, parsed, after checking its status."""
    from bs4 import BeautifulSoup

    response = client.get(url)
    assert response.status_code == status, response.data[:500]
    return BeautifulSoup(response.data, "lxml")


def exported_csv(data: bytes | str) -> tuple[list[str], list[dict]]:
    """An exported CSV read as pandas (``comment="#"``) and R (``comment.char="#"``)
    read it: the leading ``#`` provenance lines, then the rows by the header."""
    import csv
    import io

    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    lines = text.splitlines(keepends=True)
    comments = []
    while lines and lines[0].startswith("#"):
        comments.append(lines.pop(0).rstrip("\r\n"))
    return comments, list(csv.DictReader(io.StringIO("".join(lines), newline="")))
