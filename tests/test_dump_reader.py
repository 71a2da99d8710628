"""Plain-text page dumps: menus, bylines, captions, paywalls and footers."""

import datetime as dt

from indexer.dump_reader import read_page_dump

MENU = """Skip to main content

Sample Wire

Main Menu

  • Regions
  • Topics
  • русский
X

Caucasus

Armenia
Georgia

Central Asia

Kyrgyzstan
X
You can search using keywords to narrow down the list.
"""

FOOTER = """Dana Imanova is a journalist based in Almaty.

Sign up for Sample Wire's\xa0free weekly newsletter. Support Sample Wire: reporting costs money.

Popular

Camel races return to the steppe
Ivan Roe
A new bridge over the Amu Darya
Lola Karimova

Sample Wire © 2021
"""

BODY = """Farmers in the north gathered more wheat than in any year since independence.

Prices at the elevators fell by a tenth, and traders expect them to fall further."""


def test_seed_shaped_dump_gives_title_byline_and_body_only():
    text = f"{MENU}\nWheat harvest breaks a record\n\nDana Imanova Aug 30, 2015\n\n{BODY}\n\n{FOOTER}"
    article = read_page_dump(text)
    assert article.title == "Wheat harvest breaks a record"
    assert article.authors == ["Dana Imanova"]
    assert article.date == dt.date(2015, 8, 30)
    assert article.body == BODY
    assert article.lang == "en"


def test_footer_bio_newsletter_popular_and_copyright_are_not_body():
    body = read_page_dump(f"{MENU}\nTitle here\n\nDana Imanova Aug 30, 2015\n\n{BODY}\n\n{FOOTER}").body
    for footer_text in ("journalist based", "newsletter", "Camel races", "©", "Main Menu"):
        assert footer_text not in body


def test_russian_byline_with_two_authors():
    text = ("Урожай пшеницы стал рекордным\n\nАйгерим Садыкова и Олжас Бек 30 августа 2015\n\n"
            "Фермеры на севере Казахстана собрали больше зерна, чем когда-либо.\n\n"
            "Популярное\n\nЧто-то другое\n")
    article = read_page_dump(text)
    assert article.title == "Урожай пшеницы стал рекордным"
    assert article.authors == ["Айгерим Садыкова", "Олжас Бек"]
    assert article.date == dt.date(2015, 8, 30)
    assert article.body == "Фермеры на севере Казахстана собрали больше зерна, чем когда-либо."
    assert article.lang == "ru"


def test_dump_without_menu_title_then_photo_caption_then_body():
    text = ("Wheat harvest breaks a record\n\n"
            "Combines at work near Kostanay. (Photo: Dana Imanova)\n\n" + BODY)
    article = read_page_dump(text)
    assert article.title == "Wheat harvest breaks a record"
    assert article.body == BODY
    assert article.date is None and article.authors == []


def test_body_only_dump_is_indexed_with_what_it_has():
    article = read_page_dump(BODY + "\n")
    assert article.title == ""
    assert article.body == BODY


def test_paywall_teaser_stops_at_the_full_story_line():
    text = (f"Wheat harvest breaks a record\n\nDana Imanova Aug 30, 2015\n\n{BODY}\n\n"
            "To read the full story, subscribe.\n\n"
            "Dana Imanova is a freelance writer based in Almaty.\n\n"
            "Wheat harvest breaks a record\n\n1\n\n2\n\nNext ›\n")
    article = read_page_dump(text)
    assert article.body == BODY


def test_closing_author_bio_is_dropped_even_without_a_footer():
    text = (f"Title\n\nDana Imanova Aug 30, 2015\n\n{BODY}\n\n"
            "Dana Imanova is a journalist based in Almaty.\n")
    assert read_page_dump(text).body == BODY
