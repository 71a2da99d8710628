"""JSON Lines records: good lines read, bad lines reported by number."""

import datetime as dt

from indexer.ingest.corpus import read_file
from indexer.model import Article, BadRecord, CorpusWarning

GOOD = ('{"id": "a1", "lang": "ru", "title": "Мэр Оша", "body": "Текст статьи.", '
        '"date": "2013-04-22", "authors": ["Бакыт Осмонов"], "regions": ["kyrgyzstan"], '
        '"translation": "en-a1"}')


def read_json_lines(tmp_path, text):
    path = tmp_path / "records.jsonl"
    path.write_text(text, encoding="utf-8")
    return [item for item in read_file(path, tmp_path) if not isinstance(item, CorpusWarning)]


def test_good_record_becomes_an_article(tmp_path):
    [article] = read_json_lines(tmp_path, GOOD + "\n")
    assert isinstance(article, Article)
    assert (article.id, article.lang, article.title, article.date) == (
        "a1", "ru", "Мэр Оша", dt.date(2013, 4, 22))
    assert article.authors == ["Бакыт Осмонов"] and article.translation == "en-a1"


def test_bad_lines_are_reported_with_their_numbers_and_the_rest_read(tmp_path):
    text = "\n".join([
        GOOD,
        "{not json",
        '{"id": "a2", "body": ""}',
        '{"id": "a3", "body": "Text", "authors": "Jane Roe", "date": "soon"}',
        '["a", "list"]',
        "",
        '{"id": "a4", "body": "Text", "regions": [1, 2]}',
        '{"body": "Text without id or url"}',
        '{"url": "https://wire.example/x", "body": "Text in English.", "authors": "Jane Roe"}',
    ])
    items = read_json_lines(tmp_path, text)
    problems = {item.line: item.reason for item in items if isinstance(item, BadRecord)}
    assert set(problems) == {2, 3, 5, 7, 8}
    assert "invalid JSON" in problems[2]
    assert "no body" in problems[3]
    assert "object" in problems[5]
    assert "regions" in problems[7]
    assert "neither 'id' nor 'url'" in problems[8]
    articles = [item for item in items if isinstance(item, Article)]
    assert [a.id for a in articles] == ["a1", "a3", "x"]  # the id from the URL's path
    # A date it cannot read costs the record its date, not its place in the index.
    assert articles[1].date is None and "cannot read the date 'soon'" in articles[1].notes[0]
    assert articles[2].authors == ["Jane Roe"] and articles[2].lang == "en"
