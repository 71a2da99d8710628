"""HTML pages: metadata from JSON-LD, meta tags or markup; body without page furniture."""

import datetime as dt

import pytest

from indexer.html_reader import read_html_page
from indexer.model import NoArticleFound

NOISE = """
<header><nav class="main-menu"><a href="/region/kazakhstan">Kazakhstan</a>
<a href="/region/uzbekistan">Uzbekistan</a> Menu text that must not be indexed</nav></header>
"""
FOOTER = """
<aside class="popular"><h3>Popular</h3><ul><li><a href="/x">Unrelated camel races</a></li></ul></aside>
<div class="newsletter-signup"><p>Sign up for our weekly newsletter.</p></div>
<footer><p>Sample Wire © 2015</p></footer>
"""


def page(head, article, lang="en", charset="utf-8"):
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="{charset}">{head}</head>'
            f"<body>{NOISE}<article>{article}</article>{FOOTER}</body></html>")


JSON_LD_PAGE = page(
    '<title>Ignored title | Sample Wire</title>'
    '<link rel="canonical" href="https://wire.example/kazakhstan-grain-harvest">'
    '<link rel="alternate" hreflang="ru" href="https://wire.example/ru/kazakhstan-grain">'
    '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
    '{"@type": "WebPage"}, {"@type": "NewsArticle", "headline": "Grain harvest breaks a record",'
    ' "author": [{"@type": "Person", "name": "Dana Imanova"}, {"name": "Olzhas Bek"}],'
    ' "datePublished": "2015-08-30T07:00:00+06:00",'
    ' "keywords": ["Kazakhstan", "Economy", "Central Asia"]}]}</script>',
    "<h1>Grain harvest breaks a record</h1><p>Farmers in the north of Kazakhstan gathered "
    "more wheat than ever.</p><p>Prices at the elevators fell by a tenth.</p>"
    '<div class="share-bar"><a>Share on Facebook</a></div>')


def test_json_ld_gives_title_authors_date_tags_and_url():
    article = read_html_page(JSON_LD_PAGE.encode())
    assert article.title == "Grain harvest breaks a record"
    assert article.authors == ["Dana Imanova", "Olzhas Bek"]
    assert article.date == dt.date(2015, 8, 30)
    assert article.regions == ["kazakhstan"]
    assert article.topics == ["Economy"]  # the group tag is neither region nor topic
    assert article.url == "https://wire.example/kazakhstan-grain-harvest"
    assert article.translation == "https://wire.example/ru/kazakhstan-grain"
    assert article.lang == "en"


def test_body_is_the_article_text_only():
    body = read_html_page(JSON_LD_PAGE.encode()).body
    assert body == ("Farmers in the north of Kazakhstan gathered more wheat than ever.\n\n"
                    "Prices at the elevators fell by a tenth.")
    for furniture in ("Menu text", "camel races", "newsletter", "©", "Share on"):
        assert furniture not in body


def test_open_graph_and_article_meta_tags():
    html = page(
        '<meta property="og:title" content="Бишкек спорит о мэре">'
        '<meta name="author" content="Анна Ли и Олег Ким">'
        '<meta property="article:published_time" content="2016-10-02T10:00:00Z">'
        '<meta property="article:tag" content="Киргизия">'
        '<meta property="article:tag" content="Политика">',
        "<h1>Другой заголовок</h1><p>В Бишкеке снова говорят о выборах мэра.</p>", lang="ru")
    article = read_html_page(html.encode())
    assert article.title == "Бишкек спорит о мэре"
    assert article.authors == ["Анна Ли", "Олег Ким"]
    assert article.date == dt.date(2016, 10, 2)
    assert article.regions == ["kyrgyzstan"]
    assert article.topics == ["Политика"]
    assert article.lang == "ru"


def test_plain_markup_title_byline_date_author_links_and_tag_box():
    html = ("<html><head><title>Wine exports grow | Sample Wire</title></head><body>"
            f"{NOISE}<main><div class='byline'><a rel='author' href='/a/levan'>Levan Oniani</a>"
            " Sep 20, 2011</div><p>Winemakers in Kakheti sent more bottles abroad.</p>"
            "<p>Georgia's growers thank the weather.</p>"
            "<div class='tags'><a href='/r/georgia'>Georgia</a> <a href='/t/eco'>Economy</a></div>"
            f"</main>{FOOTER}</body></html>")
    article = read_html_page(html.encode())
    assert article.title == "Wine exports grow"
    assert article.authors == ["Levan Oniani"]
    assert article.date == dt.date(2011, 9, 20)
    assert article.regions == ["georgia"]
    assert article.topics == ["Economy"]
    assert article.lang == "en"  # no lang attribute: guessed from the text
    assert "Kakheti" in article.body and "Economy" not in article.body


@pytest.mark.parametrize("charset, codec", [("windows-1251", "cp1251"), ("koi8-r", "koi8_r")])
def test_russian_pages_in_legacy_charsets_come_out_right(charset, codec):
    html = page("<title>Ещё один приём в Ереване</title>",
                "<h1>Ещё один приём в Ереване</h1><p>Жители Армении обсуждают объём "
                "торговли с Грузией.</p>", lang="ru", charset=charset)
    article = read_html_page(html.encode(codec))
    assert article.title == "Ещё один приём в Ереване"
    assert "объём торговли с Грузией" in article.body


def test_page_without_a_date_is_still_read():
    html = page("<title>Notes</title>", "<h1>Notes</h1><p>Text with no date at all.</p>")
    article = read_html_page(html.encode())
    assert article.date is None and article.body == "Text with no date at all."


def test_page_with_no_article_text_is_rejected():
    with pytest.raises(NoArticleFound):
        read_html_page(b"<html><body><nav><a href='/'>Home</a></nav></body></html>")
