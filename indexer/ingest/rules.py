"""The furniture rules: the only reasons a reader may leave a page's text out.

A reader drops a line or paragraph of a page only when one of these rules
matches it, and records what it dropped with the rule's name
(``Article.dropped``), so ``kartoteka inspect`` and the index report can
show a user why a word is not found. Each description is the line a user
reads; keep it true to what the readers do. The saved-text reader
(``dump_reader``) and the HTML reader (``html_reader``) share the registry.
"""

from __future__ import annotations

from ..model import Dropped

RULES: dict[str, str] = {
    # Interface lines, wherever they stand.
    "chrome": "interface lines: skip links, login, cookie, search, ad markers, version strings, "
              "a bare time or number, breadcrumbs, view counters, exchange rates",
    "share": "share/print/font-size rows (Facebook Twitter Telegram, Print, A A A)",
    "tags": "tag lines and tag clouds ('Tags: …', 'Казахстан, Нефть, Атырау')",
    "menu": "the site's menu: runs of short menu items before the headline, or everything "
            "above a search hint that ends the menu",
    "masthead": "short lines above the headline that are not sentences: the outlet's name, "
                "its section labels, other stories' headlines",
    "credit": "photo credits, alone on a line or at the end of a caption",
    "gallery-counter": "a gallery's picture counter ('1 / 12', '3 из 10')",
    "duplicate": "a line printed twice in a row (a caption as alt text and figcaption): "
                 "one copy is kept",
    # Lines that carry metadata: the metadata is read, any sentence on the line stays.
    "date-line": "a line that is a date and little else (maybe with names or 'Updated'): "
                 "its date may be the article's; text after the date stays in the body",
    "byline": "a byline ('By …', 'Автор: …', a name beside the date line): "
              "its names are the authors",
    # The article's end.
    "repeated-title": "the headline printed again, e.g. under a gallery or at the end",
    "bio": "a closing author bio ('X is a freelance writer…', «X — журналист…»): "
           "its name becomes the author when no byline names one",
    "signature": "a closing line that is only an author's name ('Иван Петров', "
                 "'Автор: Иван Петров'): the name becomes the author when no byline names one",
    "stray-fragment": "a fragment of four words or fewer, not a sentence, after the article's "
                      "last sentence: a sidebar heading, a section label, a weekday",
    "read-more": "everything from a list heading on: 'Popular', 'Read also', 'Latest news', "
                 "'Tags' (above the headline: the heading and its list)",
    "comments": "everything from a comments heading on",
    "footer": "everything from a footer marker on: newsletter sign-up, 'Support us', "
              "copyright, paywall ('To read the full story…'), 'Views expressed…'",
    # Web pages (html_reader): parts of the article's container that are never its text.
    "html-noise": "a web page's element that is never article text by its markup: nav, header, "
                  "footer, aside, form, figure, button, or a class/id naming a menu, related or "
                  "popular stories, share buttons, comments, ads, a newsletter box, tags, a byline "
                  "or an author bio",
    "read-more-line": "a 'Read more: …', 'See also: …', «Читайте также: …» line or a "
                      "'Related posts' heading inside the text",
    "link-row": "a row of links split by ' | ' ('Blog | Archive | Contact')",
    "paywall": "a paywall, newsletter or letters line ('Already a subscriber?', 'Sign up for "
               "our newsletter', 'Comments are closed')",
    "trafilatura": "a line of a web page's article container that trafilatura's boilerplate "
                   "detection left out and that is no full sentence (under 15 words, or not "
                   "ending like one); a full sentence it left out stays in the body",
}


def dropped(text: str, rule: str) -> Dropped:
    """A record of ``text`` left out of an article by ``rule``, which must be in RULES."""
    assert rule in RULES, f"unknown furniture rule {rule!r}: add it to ingest/rules.py"
    return Dropped(text, rule)
