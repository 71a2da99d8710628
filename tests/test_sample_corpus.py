"""The shipped sample corpus keeps the promises the README makes about it."""

from collections import Counter

import pytest

from indexer.ingest.corpus import find_files, read_corpus
from indexer.model import Article, CorpusError
from indexer.text.regions import REGIONS_BY_SLUG

from conftest import SAMPLE_CORPUS


@pytest.fixture(scope="module")
def articles():
    items = list(read_corpus([SAMPLE_CORPUS]))
    articles = [i for i in items if isinstance(i, Article)]
    # The only problem allowed is an undated article (kept on purpose: see below).
    assert [(i.kind, i.path) for i in items if isinstance(i, CorpusError)] == [
        ("no-date", a.source) for a in articles if a.date is None]
    return articles


def test_size_and_languages(articles):
    langs = Counter(a.lang for a in articles)
    assert len(articles) >= 60 and langs["en"] >= 30 and langs["ru"] >= 30


def test_every_article_is_150_to_600_words(articles):
    lengths = {a.id: len(a.body.split()) for a in articles}
    assert all(150 <= n <= 600 for n in lengths.values()), lengths


def test_regions_groups_authors_and_years(articles):
    regions = {r for a in articles for r in a.regions}
    assert len(regions) >= 15
    assert {REGIONS_BY_SLUG[r].group for r in regions} == {
        "caucasus", "central-asia", "conflict-zones", "eastern-europe", "eurasian-fringe"}
    assert len({name for a in articles for name in a.authors}) >= 8
    years = {a.date.year for a in articles if a.date}
    assert min(years) == 2008 and max(years) == 2024


def test_at_least_ten_translation_pairs_linked_both_ways(articles):
    by_id = {a.id: a for a in articles}
    pairs = {frozenset((a.id, a.translation)) for a in articles
             if a.translation in by_id and by_id[a.translation].translation == a.id}
    assert len(pairs) >= 10
    assert all({by_id[i].lang for i in pair} == {"en", "ru"} for pair in pairs)


def test_formats_and_hard_cases_are_present(articles):
    files = [p for p, _ in find_files([SAMPLE_CORPUS])]
    suffixes = Counter(p.suffix for p in files)
    assert suffixes[".html"] > suffixes[".txt"] >= 4 and suffixes[".jsonl"] == 1
    assert any(b"windows-1251" in p.read_bytes()[:500] for p in files if p.suffix == ".html")
    assert any(a.date is None for a in articles)
    assert any(len(a.authors) == 2 for a in articles)
    assert any("ё" in a.body for a in articles)
    assert any(a.region_source == "inferred" for a in articles)
