"""Read one HTML page into an Article.

Two readers look at every page, parsed once (``page_tree``: trafilatura
gets the tree and works on a copy). trafilatura, made and measured for the
main text of pages from any site, finds the body and is one more source of
metadata; the page rules read what the archive itself relies on: JSON-LD,
Open Graph / ``article:`` meta tags, tag links (→ regions and topics),
``hreflang`` translations and the canonical URL. Title, authors and date are
decided in ``page_metadata`` by a fixed precedence.

The body is the archive's own article container (``itemprop="articleBody"``
or a known body class) with its furniture removed, when there is one and
trafilatura finds no more text than it holds; otherwise trafilatura's main
text; a JSON-LD ``articleBody`` when neither has any. Either way, paragraphs
that are boilerplate on any site ("Read more: …", share and subscribe
lines, photo credits) are dropped, and only by a rule of ``rules.py``: every
paragraph left out is recorded with its rule in ``Article.dropped``, and
``Article.sources`` says where the title, date and authors were read. Where
trafilatura's text is the body, a full sentence of the page's own article
container that it left out is kept; a shorter line it left out is recorded.
"""

from __future__ import annotations

import json
import logging
import re

from lxml import etree
from lxml.html import HtmlElement

from ..model import Article, Dropped, NoArticleFound
from ..text import regions
from ..text.analysis import guess_language
from . import rules
from .encodings import decode_page
from .page_authors import page_authors
from .page_chrome import CREDIT_TAIL, furniture_rule
from .page_dates import page_date
from .page_metadata import (
    PageFacts,
    clean,
    meta_content,
    page_metas,
    page_title,
    site_names,
)
from .page_tree import (
    TrafilaturaMetadata,
    ancestor,
    class_and_id,
    elements,
    first,
    has_word,
    parse_page,
    text_of,
    with_class,
)

# Containers that are never article text, by tag or by class/id words.
NOISE_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside",
              "form", "button", "iframe", "svg", "figure", "template")
NOISE_WORDS = re.compile(
    r"(^|[-_ ])(nav|navbar|menu|breadcrumbs?|popular|related|recommended|"
    r"newsletter|subscribe|signup|share|social|promo|advert|ads?|banner|"
    r"comments?|sidebar|footer|header|tags|byline|meta|author-bio|bio|"
    r"pager|pagination|cookie)($|[-_ ])", re.I)
BODY_HINTS = re.compile(r"article[-_]?body|entry[-_]content|post[-_]content|"
                        r"story[-_]body|field--name-body|article__text", re.I)
TEXT_BLOCKS = ("p", "h2", "h3", "h4", "blockquote", "li", "pre")
ARTICLE_TYPES = {"article", "newsarticle", "blogposting", "reportagenewsarticle",
                 "analysisnewsarticle", "opinionnewsarticle", "report", "scholarlyarticle"}
MIN_BODY_SHARE = 1.0  # of trafilatura's text the archive's container must hold
SHORT_TEXT = 500  # characters
TAG_BOX = re.compile(r"(^|[-_ ])(tags|regions|topics)($|[-_ ])", re.I)
SILENT_TAGS = ("script", "style", "noscript", "template", "svg", "iframe")
SENTENCE_WORDS = 15  # a line of the article's container this long, ending a sentence, is text
SENTENCE_END = re.compile(r"[.!?…\"»”]$")

logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)


def read_html_page(data: bytes, url: str | None = None, *,
                   default_charset: str | None = None) -> Article:
    """Parse an HTML page (raw bytes, any declared charset) into an Article.

    ``url`` is where the page was fetched from, when known (a crawl's
    record): it names the site and dates the page when nothing else does.
    ``id`` and ``source`` are left for the caller; raises ``NoArticleFound``.
    """
    text, notes = decode_page(data, default_charset)
    if _looks_truncated(data):
        notes.append("the page looks truncated (no closing </body> or </html>)")
    tree, root = parse_page(text)
    ld = _json_ld_article(root)
    metas = page_metas(root)
    html_lang = (root.get("lang") or "")[:2].lower() if root.tag == "html" else ""
    page_url = _url(root, metas, ld) or url
    extracted = _trafilatura(tree, page_url) if tree is not None else None
    # trafilatura's metadata only where its body was found, as when both came at once.
    metadata = TrafilaturaMetadata(tree, page_url) if extracted is not None else None
    facts = PageFacts(root, metas, ld, site_names(root, metas, ld, page_url), metadata)
    region_slugs, topics = _split_tags(_tags(root, ld))
    title, title_source = page_title(facts)
    authors, author_source = page_authors(facts)
    date, unreadable, date_source = page_date(facts, page_url)
    if unreadable:
        notes.append(f"cannot read the date {unreadable[0][:40]!r}; indexed without a date")
    article = Article(
        id="",
        lang=html_lang,
        title=title,
        url=page_url,
        authors=authors,
        date=date,
        regions=region_slugs,
        topics=topics,
        translation=_translation_url(root, html_lang),
        outlet=(facts.site_names or [""])[0],  # og:site_name first; normalized in corpus.py
        notes=notes,
        sources={field: source for field, source in (
            ("title", title_source), ("date", date_source), ("authors", author_source))
            if source},
    )
    # Last: the container's text is read by removing the page's noise from the tree.
    article.body, article.dropped = _best_body(root, ld, getattr(extracted, "text", None) or "",
                                               article.title)
    if not article.body:
        raise NoArticleFound("no article text found in the page")
    if article.lang not in ("en", "ru"):
        article.lang = guess_language(article.body)
    return article


def _trafilatura(tree: HtmlElement, url: str | None):
    """trafilatura's main text, or None when it finds nothing (its metadata is read
    only when asked: ``TrafilaturaMetadata``).

    trafilatura reads a copy of the tree: the page rules read it afterwards.
    """
    import trafilatura

    try:
        return trafilatura.bare_extraction(tree, url=url, with_metadata=False,
                                           include_comments=False)
    except (ValueError, TypeError, AttributeError) as error:  # a page it cannot parse
        logging.getLogger(__name__).debug("trafilatura failed: %s", error)
        return None


def _json_ld_article(root: HtmlElement) -> dict:
    for script in elements(root, "script"):
        if script.get("type") != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        candidates = data if isinstance(data, list) else [data]
        for item in list(candidates):
            if isinstance(item, dict) and isinstance(item.get("@graph"), list):
                candidates.extend(item["@graph"])
        for item in candidates:
            if not isinstance(item, dict):
                continue
            kinds = item.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if any(str(k).lower() in ARTICLE_TYPES for k in kinds):
                return item
    return {}


def _looks_truncated(data: bytes) -> bool:
    """A page that opens <html> or <body> but closes neither was cut short."""
    head, tail = data[:4096].lower(), data[-4096:].lower()
    opened = b"<html" in head or b"<body" in head
    return opened and b"</html>" not in tail and b"</body>" not in tail


def _url(root: HtmlElement, metas: list, ld: dict) -> str | None:
    canonical = next((e for e in elements(root, "link") if has_word(e, "rel", "canonical")), None)
    for value in (canonical.get("href") if canonical is not None else None,
                  *meta_content(metas, "og:url")[:1],
                  ld.get("url") if isinstance(ld.get("url"), str) else None):
        if value and value.startswith("http"):
            return value.strip()
    return None


def _translation_url(root: HtmlElement, own_lang: str) -> str | None:
    for link in elements(root, "link"):
        if not has_word(link, "rel", "alternate") or link.get("hreflang") is None:
            continue
        lang = link.get("hreflang")[:2].lower()
        if lang in ("en", "ru") and lang != own_lang and link.get("href"):
            return link.get("href").strip()
    return None


def _tags(root: HtmlElement, ld: dict) -> list[str]:
    tags: list[str] = []
    keywords = ld.get("keywords")
    if isinstance(keywords, str):
        tags += keywords.split(",")
    elif isinstance(keywords, list):
        tags += [k for k in keywords if isinstance(k, str)]
    section = ld.get("articleSection")
    tags += [section] if isinstance(section, str) else (section or [])
    tags += [m.get("content", "") for m in elements(root, "meta")
             if m.get("property") == "article:tag"]
    tags += [text_of(link) for link in elements(root, "a") if has_word(link, "rel", "tag")]
    for box in with_class(root, TAG_BOX):
        tags += [text_of(a) for a in box.iterdescendants("a")]
    return list(dict.fromkeys(clean(t) for t in tags if isinstance(t, str) and clean(t)))


def _split_tags(tags: list[str]) -> tuple[list[str], list[str]]:
    """Tag labels → (region slugs, topics); region-group tags are dropped."""
    found_regions: list[str] = []
    topics: list[str] = []
    for tag in tags:
        slug = regions.region_for_label(tag)
        if slug:
            if slug not in found_regions:
                found_regions.append(slug)
        elif not regions.is_group_label(tag):
            topics.append(tag)
    return found_regions, topics


def _is_noise(tag: HtmlElement) -> bool:
    if tag.tag in NOISE_TAGS:
        return True
    return bool(NOISE_WORDS.search(class_and_id(tag))) or tag.get("role") in (
        "navigation", "banner", "contentinfo")


def _archive_container(root: HtmlElement) -> HtmlElement | None:
    """The element the archive marks as the article's text, if the page has one."""
    marked = root.xpath('//*[@itemprop="articleBody"]')
    if marked:
        return marked[0]
    return next(iter(with_class(root, BODY_HINTS)), None)


def _densest_paragraphs(root: HtmlElement) -> HtmlElement | None:
    best, best_len, sizes = None, 0, {}
    for p in elements(root, "p"):
        parent = p.getparent()
        if parent not in sizes:
            sizes[parent] = sum(len(text_of(x, "")) for x in parent.iterchildren("p"))
        if sizes[parent] > best_len:
            best, best_len = parent, sizes[parent]
    return best


def _container_text(root: HtmlElement, dropped: list[Dropped]) -> str:
    """The text blocks of an article container, its noise recorded in ``dropped``.

    The noise is cut out of the page's tree: this is the last rule to read it.
    """
    noise = [tag for tag in root.iterdescendants(etree.Element) if _is_noise(tag)]
    marked = set(noise)
    outer = [tag for tag in noise if not any(p in marked for p in tag.iterancestors())]
    for tag in outer:  # what is inside is recorded and cut with it
        text = clean(text_of(tag)) if tag.tag not in SILENT_TAGS else ""
        if text:
            dropped.append(rules.dropped(text, "html-noise"))
        tag.drop_tree()
    for h1 in list(root.iterdescendants("h1")):
        if text := clean(text_of(h1)):
            dropped.append(rules.dropped(text, "repeated-title"))
        h1.drop_tree()
    blocks = [clean(text_of(b)) for b in root.iterdescendants(*TEXT_BLOCKS)
              if ancestor(b, *TEXT_BLOCKS) is None]
    if not blocks:
        blocks = [clean(text_of(root))]
    return "\n\n".join(b for b in blocks if b)


def _ld_body(ld: dict) -> str:
    body = ld.get("articleBody") or ld.get("text")
    return body.strip() if isinstance(body, str) else ""


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _with_left_out(extracted: list[str], own: list[str], dropped: list[Dropped]) -> list[str]:
    """trafilatura's paragraphs, with the sentences of the page's own container it left out.

    trafilatura drops what looks like boilerplate by density and position, and
    names no rule. A paragraph of the article's container that it left out and
    that no rule of kartoteka's names stays in the body, after the paragraph
    before it, when it is a full sentence; a shorter line is recorded in
    ``dropped`` (measured on the real pages: keeping every such line indexed
    one more article string and eleven more pieces of boilerplate).
    """
    whole = f" {_key(' '.join(extracted))} "
    keys = [f" {_key(p)} " for p in extracted]
    inserts: dict[int, list[str]] = {}
    after = -1
    for paragraph in own:
        key = f" {_key(paragraph)} "
        if not key.strip() or furniture_rule(clean(paragraph)):
            continue
        if key in whole:
            after = next((i for i, k in enumerate(keys) if key in k), after)
        elif len(paragraph.split()) >= SENTENCE_WORDS and SENTENCE_END.search(paragraph):
            inserts.setdefault(after, []).append(paragraph)
        else:
            dropped.append(rules.dropped(paragraph, "trafilatura"))
    merged = inserts.get(-1, [])
    for i, paragraph in enumerate(extracted):
        merged += [paragraph, *inserts.get(i, [])]
    return merged


def _best_body(page: HtmlElement, ld: dict, extracted: str,
               title: str) -> tuple[str, list[Dropped]]:
    """The article's text (the archive's container, trafilatura's, or JSON-LD's) and
    what was left out of it, each with its rule."""
    dropped: list[Dropped] = []
    container = _archive_container(page)
    short = len(extracted) < SHORT_TEXT
    if container is None and short:
        # trafilatura falls back to cruder rules on short texts (a menu is
        # text to them): a brief news item reads better from its <article>,
        # <main>, or the element holding the most paragraph text.
        container = _first_of(page, "article", "main")
        container = _densest_paragraphs(page) if container is None else container
        extracted = ""
    reference = container if container is not None else _first_of(page, "article", "main")
    own_dropped: list[Dropped] = []
    own = _container_text(reference, own_dropped) if reference is not None else ""
    if container is not None and own and (short or len(own) >= MIN_BODY_SHARE * len(extracted)):
        paragraphs, dropped = re.split(r"\n\s*", own), own_dropped
    elif extracted:
        paragraphs = re.split(r"\n\s*", extracted)
        if own:
            paragraphs = _with_left_out(paragraphs, re.split(r"\n\s*", own), dropped)
    else:
        paragraphs = re.split(r"\n\s*", _ld_body(ld))
    paragraphs = [_plain_paragraph(p, dropped) for p in paragraphs]
    # trafilatura repeats the headline as the first line; the title is indexed on its own.
    if paragraphs and clean(title) and paragraphs[0].casefold() == clean(title).casefold():
        dropped.append(rules.dropped(paragraphs.pop(0), "repeated-title"))
    body = []
    for paragraph in filter(None, paragraphs):
        if rule := furniture_rule(paragraph):
            dropped.append(rules.dropped(paragraph, rule))
        else:
            body.append(paragraph)
    return "\n\n".join(body), dropped


def _first_of(page: HtmlElement, *tags: str) -> HtmlElement | None:
    """The first element of the first of ``tags`` the page has."""
    for tag in tags:
        if (found := first(page, tag)) is not None:
            return found
    return None


def _plain_paragraph(text: str, dropped: list[Dropped]) -> str:
    """A paragraph without a photo credit at its end ("… Foto: Jane Doe")."""
    text = clean(text)
    if len(text) > 80 and (credit := CREDIT_TAIL.search(text)):
        dropped.append(rules.dropped(credit.group().strip(), "credit"))
        return text[:credit.start()]
    return text
