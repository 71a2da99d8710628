"""HTML pages: metadata from JSON-LD, meta tags or markup; body without page furniture."""

import datetime as dt

import pytest

from indexer.ingest.html_reader import read_html_page
from indexer.ingest.rules import RULES
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
        "<p>В Бишкеке снова говорят о выборах мэра.</p>", lang="ru")
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


@pytest.mark.parametrize("head, headline, expected", [
    # The article's visible headline wins over a title written for social media.
    ('<meta property="og:title" content="Why Osh votes twice">',
     "<h1>Osh picks its mayor again</h1>", "Osh picks its mayor again"),
    # The site's name is cut from <title>, whichever side it stands on.
    ("<title>Grain prices fall in Kostanay | Steppe Wire</title>"
     '<meta property="og:site_name" content="Steppe Wire">', "", "Grain prices fall in Kostanay"),
    ("<title>Steppe Wire – Grain prices fall in Kostanay</title>"
     '<meta property="og:site_name" content="Steppe Wire">', "", "Grain prices fall in Kostanay"),
    # A truncated og:title gives way to the full headline it begins.
    ('<meta property="og:title" content="Tajik border posts reopen after a long...">', "",
     "Tajik border posts reopen after a long..."),
    ('<meta property="og:title" content="Tajik border posts reopen after a long...">'
     "<title>Tajik border posts reopen after a long winter of talks - Tajik Wire</title>"
     '<meta property="og:site_name" content="Tajik Wire">', "",
     "Tajik border posts reopen after a long winter of talks"),
    # A kicker above the headline is not part of it; a site's banner <h1> is not a title.
    ("<title>Dust storms | Steppe Wire</title>",
     '<h1><span class="kicker">Weather</span> Dust storms close roads</h1>',
     "Dust storms close roads"),
])
def test_title_precedence(head, headline, expected):
    html = page(head, headline + "<p>Text of the story, long enough to be one.</p>")
    assert read_html_page(html.encode()).title == expected


def test_a_sites_banner_headline_is_not_the_title():
    html = ('<html lang="en"><head><title>Tajik Wire | Border posts reopen</title>'
            '<meta property="og:site_name" content="Tajik Wire"></head><body>'
            '<header><h1>Tajik Wire</h1></header><main><p>Border posts reopened after '
            "talks that lasted all winter, traders said.</p></main></body></html>")
    assert read_html_page(html.encode()).title == "Border posts reopen"


@pytest.mark.parametrize("head, markup, expected", [
    # The publisher named as author gives way to the person in the byline.
    ('<meta name="author" content="Steppe Wire"><meta property="og:site_name" content="Steppe Wire">',
     '<p class="byline">By Dana Imanova</p>', ["Dana Imanova"]),
    # Comment authors are never the article's.
    ("", '<div class="comments"><span class="author">Troll123 says</span></div>'
         '<div class="post-author">Aibek Sadykov</div>', ["Aibek Sadykov"]),
    ("", '<div class="byline">Posted on March 3, 2020 by Ruslan Ismailov</div>',
     ["Ruslan Ismailov"]),
    ("", '<h4>Автор</h4><p><a href="/a/1">Нина Петрова</a></p>', ["Нина Петрова"]),
])
def test_author_precedence(head, markup, expected):
    html = page(head, markup + "<p>Text of the story, long enough to be one.</p>")
    assert read_html_page(html.encode()).authors == expected


@pytest.mark.parametrize("head, expected", [
    ('<meta itemprop="datePublished" content="2019-06-14">', dt.date(2019, 6, 14)),
    ('<meta name="pubdate" content="2019-06-14T08:00:00+05:00">', dt.date(2019, 6, 14)),
    ('<meta name="DC.date.issued" content="2019-06-14">', dt.date(2019, 6, 14)),
    ('<meta name="publishdate" content="2019-06-14">', dt.date(2019, 6, 14)),
])
def test_dates_from_more_meta_tags(head, expected):
    html = page(head, "<p>Text of the story, long enough to be one.</p>")
    assert read_html_page(html.encode()).date == expected


def test_a_date_in_the_url_path_is_the_last_resort():
    html = page("", "<p>Text of the story, long enough to be one.</p>")
    article = read_html_page(html.encode(), url="https://wire.example/2018/05/07/story")
    assert article.date == dt.date(2018, 5, 7)


def test_json_ld_article_body_when_the_markup_has_no_text():
    html = ('<html lang="en"><head><script type="application/ld+json">{"@type": "NewsArticle",'
            ' "headline": "Snow in Naryn", "articleBody": "Snow closed the pass for two days."}'
            '</script></head><body><div id="app"></div></body></html>')
    article = read_html_page(html.encode())
    assert article.title == "Snow in Naryn" and article.body == "Snow closed the pass for two days."


def test_furniture_paragraphs_are_not_article_text():
    html = page("", "<p>Herders moved the flocks to summer pastures early.</p>"
                    "<p>Read more: Ten tips for a mountain holiday</p>"
                    "<p>Читайте также: Новости туризма</p><p>Share</p>"
                    "<p>Home | News | Contact | About</p>"
                    "<p>This story first appeared on a partner site.</p>")
    body = read_html_page(html.encode()).body
    assert "Herders moved the flocks" in body and "first appeared on a partner site" in body
    for furniture in ("Ten tips", "Новости туризма", "Share", "Contact"):
        assert furniture not in body


def test_every_dropped_paragraph_names_its_rule():
    html = page("", "<p>Herders moved the flocks to summer pastures early.</p>"
                    "<p>Read more: Ten tips for a mountain holiday</p><p>Share</p>"
                    "<p>Home | News | Contact | About</p>"
                    "<p>Already a subscriber? Log in to read on.</p>")
    article = read_html_page(html.encode())
    assert article.body == "Herders moved the flocks to summer pastures early."
    assert [(d.text, d.rule) for d in article.dropped] == [
        ("Read more: Ten tips for a mountain holiday", "read-more-line"), ("Share", "share"),
        ("Home | News | Contact | About", "link-row"),
        ("Already a subscriber? Log in to read on.", "paywall")]
    assert all(d.rule in RULES for d in article.dropped)


def test_the_containers_noise_is_recorded_with_its_rule():
    html = ('<html lang="en"><body><div itemprop="articleBody"><h1>Pasture</h1>'
            "<p>Herders moved the flocks to summer pastures early this year.</p>"
            '<div class="related"><a href="/x">Camel races in the south</a></div></div>'
            "</body></html>")
    dropped = [(d.text, d.rule) for d in read_html_page(html.encode()).dropped]
    assert ("Camel races in the south", "html-noise") in dropped
    assert ("Pasture", "repeated-title") in dropped


def test_each_field_says_where_it_was_read():
    sources = read_html_page(JSON_LD_PAGE.encode()).sources
    assert sources == {"title": "<h1> confirmed by JSON-LD headline",
                       "date": "JSON-LD datePublished", "authors": "JSON-LD author"}


@pytest.mark.parametrize("head, markup, expected, source", [
    # A publisher in the meta tag ("e.V.", "Magazin", the site's name) gives way to a
    # byline line in the text, in any of the page's languages.
    ('<meta name="author" content="Verband der Steppenwirte e.V.">',
     "<h5><em>Von Aigerim Nurlanova</em></h5>", ["Aigerim Nurlanova"], "byline line"),
    ('<meta property="og:site_name" content="Steppe Post"><meta name="author" '
     'content="Steppe Post – The Magazine of the Plains">',
     "<p>By Timur Akhmetov and Zarina Ospanova</p>", ["Timur Akhmetov", "Zarina Ospanova"],
     "byline line"),
    # A date line ending with its author; initials are a name.
    ("", "<small>04.02.2022 | 13:10 | Gulnara Bekova</small>", ["Gulnara Bekova"],
     "byline line"),
    ("", "<p class='postmeta'>Von R. K. am 26. Februar 2014</p>", ["R. K."], "byline line"),
    # "Posted on" in a byline class holds no name: the hCard after it does.
    ("", '<span class="meta-prep-author">Posted on</span> <span class="author vcard">'
         '<a class="fn">Daniyar Sultanov</a></span>', ["Daniyar Sultanov"], "byline markup"),
    # An organization in JSON-LD yields to the schema.org Person of the byline.
    ('<script type="application/ld+json">{"@type": "NewsArticle", "author": '
     '{"@type": "Organization", "name": "SW"}}</script>',
     '<p><em>Von <span itemscope itemtype="http://schema.org/Person">'
     '<meta itemprop="name" content="Asel Omarova">Asel Omarova</span></em></p>',
     ["Asel Omarova"], "byline line"),
])
def test_a_person_wins_over_an_organization(head, markup, expected, source):
    html = page(head, markup + "<p>Text of the story, long enough to be one.</p>")
    article = read_html_page(html.encode())
    assert (article.authors, article.sources["authors"]) == (expected, source)


def test_an_organization_stands_when_no_person_is_named():
    html = page('<meta name="author" content="Verband der Steppenwirte e.V.">',
                "<p>Text of the story, long enough to be one.</p>")
    assert read_html_page(html.encode()).authors == ["Verband der Steppenwirte e.V."]


def test_what_trafilatura_leaves_out_of_the_article_is_kept_or_recorded():
    sentences = [f"Sentence number {n} of the long report tells how the herders of the "
                 f"valley moved their flocks to the summer pastures." for n in range(12)]
    left_out = ("The ministry said on Monday that the new road to the high pastures will "
                "open in June, a month earlier than planned.")
    article_html = "".join(f"<p>{s}</p>" for s in sentences[:6]) + (
        f'<div class="note"><p>{left_out}</p></div>') + "".join(
        f"<p>{s}</p>" for s in sentences[6:])
    html = (f'<html lang="en"><body>{NOISE}<article><h1>Pastures</h1>{article_html}</article>'
            f"{FOOTER}</body></html>")
    article = read_html_page(html.encode())
    assert all(s in article.body for s in sentences)
    assert left_out in article.body or any(d.text == left_out for d in article.dropped)
