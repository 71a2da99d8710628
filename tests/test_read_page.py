"""The article page's "How this page was read": the article's file read again by the
build's reader, its JSON twin, and clear answers when the file is gone or changed."""

from __future__ import annotations

import shutil

import pytest
from conftest import SAMPLE_CORPUS, SMALL_CORPUS, page_of, write_jsonl

from indexer import build_index
from indexer.ingest import corpus
from indexer.ingest.rules import RULES
from indexer.model import Dropped
from webapp import create_app

DUMP_ID = "dumps/georgia-kutaisi-electoral-reform-debate"


def app_over(index_dir):
    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()


def read_link(client, article_id, ui="en"):
    article = page_of(client, f"/article/{article_id}" + ("?ui=ru" if ui == "ru" else ""))
    return article, article.select_one("p.read-link a")


@pytest.mark.parametrize("article_id", [DUMP_ID, "kyrgyzstan-local-council-elections-turnout"])
def test_the_article_page_links_to_how_it_was_read_and_it_shows_the_same_body(client,
                                                                             article_id):
    article, link = read_link(client, article_id)
    assert link.text == "How this page was read"
    reading = page_of(client, link["href"])
    assert reading.h1.text == "How this page was read"
    assert reading.select_one(".read-what").text == article.h1.text
    shown = [li.text for li in reading.select(".read-body ol.paragraphs li")]
    assert shown == [p.text for p in article.select("article .body p")]
    rows = {tr.th.text: (tr.select_one("td.value").text, tr.select_one("td.from").text)
            for tr in reading.select(".read-fields tbody tr")}
    assert set(rows) >= {"Id", "Title", "Authors", "Date", "Regions", "Outlet", "Language"}
    assert rows["Title"][0] == article.h1.text
    for item in reading.select(".read-dropped ol.dropped li"):
        assert item.select_one(".rule code").text in RULES
    assert "kartoteka inspect" in reading.select_one(".read-cli").text


def test_the_json_twin_has_the_stored_body_paragraph_for_paragraph(client):
    data = client.get(f"/api/read/{DUMP_ID}").get_json()
    stored = client.get(f"/api/article/{DUMP_ID}").get_json()
    assert "\n\n".join(data["article"]["paragraphs"]) == stored["body"]
    assert data["same_as_indexed"] is True and data["error"] is None
    assert data["source"] == stored["source"] and "path" not in data  # no server paths
    assert {f["name"] for f in data["article"]["fields"]} >= {"id", "title", "date", "outlet"}


def test_in_russian(client):
    _, link = read_link(client, DUMP_ID, ui="ru")
    assert link.text == "Как прочитана эта страница"
    reading = page_of(client, link["href"])
    assert reading.h1.text == "Как прочитана эта страница"
    assert [th.text for th in reading.select(".read-fields thead th")] == [
        "Поле", "Значение", "Откуда взято"]


def test_an_unknown_article_is_404(client):
    soup = page_of(client, "/read/no-such-article", status=404)
    assert "No article with this id." in soup.select_one(".error-box").text
    response = client.get("/api/read/no-such-article")
    assert response.status_code == 404 and "no article" in response.get_json()["error"]


@pytest.fixture
def own_corpus(tmp_path):
    """A corpus of a saved-text page, an HTML page and a JSON Lines file, indexed."""
    folder = tmp_path / "corpus"
    (folder / "dumps").mkdir(parents=True)
    shutil.copy(SAMPLE_CORPUS / "dumps" / "georgia-kutaisi-electoral-reform-debate.txt",
                folder / "dumps")
    shutil.copy(SAMPLE_CORPUS / "html" / "en" / "issyk-kul-resorts-pollution-lake.html", folder)
    write_jsonl(folder / "small.jsonl", SMALL_CORPUS)
    build_index([folder], tmp_path / "ix", workers=1)
    return folder, app_over(tmp_path / "ix")


def test_a_deleted_source_file_is_a_clear_410_not_a_500(own_corpus):
    folder, client = own_corpus
    (folder / "dumps" / "georgia-kutaisi-electoral-reform-debate.txt").unlink()
    soup = page_of(client, f"/read/{DUMP_ID}", status=410)
    box = soup.select_one(".error-box")
    assert "no longer there: it was moved or deleted" in box.text
    assert box.code.text == "dumps/georgia-kutaisi-electoral-reform-debate.txt"
    response = client.get(f"/api/read/{DUMP_ID}")
    assert response.status_code == 410
    assert "was moved or deleted" in response.get_json()["error"]
    assert str(folder) not in response.get_data(as_text=True)  # the server's folders stay in the log


def test_a_json_lines_article_is_read_from_its_line_and_a_changed_file_says_so(own_corpus):
    folder, client = own_corpus
    soup = page_of(client, "/read/bishkek-vote")
    assert "line 2" in soup.select_one(".article-meta").text
    assert [li.text for li in soup.select(".read-body li")] == [SMALL_CORPUS[1]["body"]]
    assert soup.select_one(".read-changed") is None
    write_jsonl(folder / "small.jsonl", SMALL_CORPUS[:1] + SMALL_CORPUS[2:])
    soup = page_of(client, "/read/bishkek-vote", status=410)
    assert "no longer holds it" in soup.select_one(".error-box").text
    # An article still there but rewritten reads as it does now, and says so.
    write_jsonl(folder / "small.jsonl", [dict(SMALL_CORPUS[0], body="Другой текст.")])
    soup = page_of(client, "/read/osh-mayor")
    assert soup.select_one(".read-changed") is not None
    assert client.get("/api/read/osh-mayor").get_json()["same_as_indexed"] is False


def test_paragraphs_left_out_are_listed_with_their_rule(tmp_path, monkeypatch):
    def leaving_out(*args, **kwargs):
        article = read_page_dump(*args, **kwargs)
        article.dropped = [Dropped("Share: Facebook Twitter", "share")]
        return article

    read_page_dump = corpus.read_page_dump
    monkeypatch.setattr(corpus, "read_page_dump", leaving_out)
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(SAMPLE_CORPUS / "dumps" / "georgia-kutaisi-electoral-reform-debate.txt", folder)
    build_index([folder], tmp_path / "ix", workers=1)
    soup = page_of(app_over(tmp_path / "ix"), "/read/georgia-kutaisi-electoral-reform-debate")
    items = soup.select(".read-dropped ol.dropped li")
    assert [li.select_one(".text").text for li in items] == ["Share: Facebook Twitter"]
    assert items[0].select_one(".rule").text == f"Rule share: {RULES['share']}"
