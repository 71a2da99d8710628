"""Web safety: corpus and query text are only ever text in the page."""

import json
import re

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings, strategies as st

from indexer.engine.embedded.build import build_index
from webapp import create_app

PAYLOADS = ["<kx-evil>", "<script>alert(1)</script>", '"><kx-evil onclick=alert(1)>',
            "<img src=x onerror=alert(1)>", "</textarea><kx-evil>", "{{ 7*7 }}", "{% raw %}",
            "&lt;kx-evil&gt;", "<!--", "]]>", "<svg/onload=alert(1)>", "javascript:alert(1)",
            "'", '"', "&", "<", ">", "Кыргызстан", "election", "\n\n"]
hostile = st.lists(st.one_of(st.sampled_from(PAYLOADS), st.text(max_size=12)),
                   min_size=1, max_size=8).map("".join)


def check_page(html: bytes):
    soup = BeautifulSoup(html, "lxml")
    assert not soup.find("kx-evil")
    assert not soup.find(["script", "iframe", "object", "embed", "foreignobject"])
    # Only our charts: the year bars and the query's timeline.
    assert all(svg.get("class") in (["chart"], ["timeline-chart"]) for svg in soup.find_all("svg"))
    for tag in soup.find_all(True):
        assert not [a for a in tag.attrs if a.lower().startswith("on")], tag
        for name in ("href", "src", "action"):
            assert not str(tag.get(name, "")).lower().lstrip().startswith("javascript:"), tag
    return soup


def visible(text: str) -> str:
    """Text as a reader sees it: control characters and invisible marks (soft
    hyphens, zero widths) dropped, white space collapsed."""
    return " ".join(re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u00ad\u200b-\u200d\u2060\ufeff]",
                           "", text).split())


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(title=hostile, body=hostile, author=hostile, topic=hostile)
def test_arbitrary_corpus_text_never_becomes_markup(tmp_path_factory, title, body, author, topic):
    root = tmp_path_factory.mktemp("hostile")
    (root / "c").mkdir()
    record = {"id": "piece", "lang": "en", "title": title, "authors": [author],
              "topics": [topic], "body": f"Kazakhstan grain. {body}"}
    (root / "c" / "a.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n",
                                        encoding="utf-8")
    build_index([root / "c"], root / "ix", workers=1)
    client = create_app({"TESTING": True, "INDEX_DIR": str(root / "ix")}).test_client()
    listing = check_page(client.get("/").data)
    if visible(title):
        assert visible(title) in visible(listing.select_one("li.hit h2").get_text())
    for url in ("/?q=Kazakhstan", "/article/piece", "/article/piece?q=grain"):
        response = client.get(url)
        assert response.status_code == 200, url
        check_page(response.data)
    article = BeautifulSoup(client.get("/article/piece").data, "lxml")
    if visible(body):
        assert visible(body) in visible(article.select_one("main").get_text(" "))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=hostile, author=hostile)
def test_arbitrary_query_text_is_echoed_only_as_text(sample_client, q, author):
    response = sample_client.get("/", query_string={"q": q, "author": author})
    assert response.status_code in (200, 400)
    check_page(response.data)


@pytest.fixture(scope="module")
def sample_client(sample_index):
    return create_app({"TESTING": True, "INDEX_DIR": str(sample_index)}).test_client()


@pytest.mark.parametrize("article_id", ["../../etc/passwd", "x" * 600, "a\x00b", "%00",
                                        "<kx-evil>", "piece/../../x"])
def test_odd_article_ids_are_a_clean_404(sample_client, article_id):
    page = sample_client.get(f"/article/{article_id}")
    assert page.status_code == 404
    check_page(page.data)
    api = sample_client.get(f"/api/article/{article_id}")
    assert api.status_code == 404 and api.get_json()["error"]


def test_security_headers_on_every_kind_of_response(sample_client):
    for url in ("/", "/?q=(", "/article/nope", "/api/search", "/export.csv", "/static/style.css"):
        response = sample_client.get(url)
        assert "script-src 'self'" in response.headers["Content-Security-Policy"], url
        assert "default-src 'self'" in response.headers["Content-Security-Policy"], url
        assert response.headers["X-Content-Type-Options"] == "nosniff", url


def test_the_server_binds_to_loopback_unless_told_otherwise():
    from indexer.cli.main import serve

    host = next(p for p in serve.params if p.name == "host")
    assert host.default == "127.0.0.1"
