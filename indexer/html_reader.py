"""Read one archived HTML page into an Article.

Metadata comes from the most explicit source the page has: JSON-LD, then
Open Graph / ``article:`` meta tags, then the visible markup. The body is
the text of the article element only: navigation, menus, "Popular" and
"Related" boxes, newsletter blurbs, share bars and footers are removed first.
"""

from __future__ import annotations

import json
import re

from bs4 import BeautifulSoup, Tag

from . import regions
from .analysis import guess_language
from .dates import find_byline_date, parse_iso_date
from .encodings import decode_page
from .model import Article, NoArticleFound

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
TITLE_SUFFIX = re.compile(r"\s+[|\-–—]\s+[^|\-–—]{2,40}$")
ARTICLE_TYPES = {"article", "newsarticle", "blogposting", "reportagenewsarticle",
                 "analysisnewsarticle", "opinionnewsarticle"}


def read_html_page(data: bytes) -> Article:
    """Parse an HTML page (raw bytes, any declared charset) into an Article.

    ``id`` and ``source`` are left for the caller; raises ``NoArticleFound``.
    """
    text, notes = decode_page(data)
    if _looks_truncated(data):
        notes.append("the page looks truncated (no closing </body> or </html>)")
    soup = BeautifulSoup(text, "lxml")
    ld = _json_ld_article(soup)
    html_lang = (soup.html.get("lang") or "")[:2].lower() if soup.html else ""
    region_slugs, topics = _split_tags(_tags(soup, ld))
    article = Article(
        id="",
        lang=html_lang,
        title=_title(soup, ld),
        url=_url(soup, ld),
        authors=_authors(soup, ld),
        date=_date(soup, ld, notes),
        regions=region_slugs,
        topics=topics,
        translation=_translation_url(soup, html_lang),
        notes=notes,
    )
    # Last: finding the body removes the page's noise from the tree.
    article.body = _body_text(soup)
    if not article.body:
        raise NoArticleFound("no article text found in the page")
    if article.lang not in ("en", "ru"):
        article.lang = guess_language(article.body)
    return article


def _meta(soup: BeautifulSoup, **attrs) -> str | None:
    tag = soup.find("meta", attrs=attrs)
    content = tag.get("content") if tag else None
    return content.strip() if content and content.strip() else None


def _json_ld_article(soup: BeautifulSoup) -> dict:
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
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


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _title(soup: BeautifulSoup, ld: dict) -> str:
    headline = ld.get("headline")
    if isinstance(headline, str) and headline.strip():
        return _clean(headline)
    og = _meta(soup, property="og:title")
    if og:
        return _clean(og)
    h1 = soup.find("h1")
    if h1 and h1.get_text(strip=True):
        return _clean(h1.get_text(" "))
    if soup.title and soup.title.string:
        return TITLE_SUFFIX.sub("", _clean(soup.title.string))
    return ""


def _names(value) -> list[str]:
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str):
            names.extend(split_author_names(name))
    return names


def split_author_names(text: str) -> list[str]:
    """"Jane Doe and John Roe" / "Анна Ли, Олег Ким и Ира Лис" → names."""
    text = re.sub(r"^(by|автор[ы]?:?)\s+", "", _clean(text), flags=re.I)
    parts = re.split(r"\s*,\s*|\s+(?:and|и|&)\s+", text)
    return [p for p in (part.strip() for part in parts) if p]


def _authors(soup: BeautifulSoup, ld: dict) -> list[str]:
    names = _names(ld.get("author")) if ld.get("author") else []
    if not names:
        meta = _meta(soup, name="author") or _meta(soup, property="article:author")
        names = split_author_names(meta) if meta and not meta.startswith("http") else []
    if not names:
        names = [_clean(a.get_text(" ")) for a in soup.select('a[rel~="author"]')]
    return list(dict.fromkeys(n for n in names if n))


def _date(soup: BeautifulSoup, ld: dict, notes: list[str]):
    candidates = [ld.get("datePublished"),
                  _meta(soup, property="article:published_time"),
                  _meta(soup, name="date")]
    time_tag = soup.find("time", attrs={"datetime": True})
    if time_tag:
        candidates.append(time_tag["datetime"])
    for value in candidates:
        if isinstance(value, str) and (date := parse_iso_date(value)):
            return date
    byline = soup.find(class_=re.compile(r"byline|date|meta", re.I))
    for text in ([byline.get_text(" ")] if byline else []) + [soup.get_text(" ")[:3000]]:
        found = find_byline_date(_clean(text))
        if found:
            return found[0]
    unreadable = [v for v in candidates if isinstance(v, str) and v.strip()]
    if unreadable:
        notes.append(f"cannot read the date {unreadable[0][:40]!r}; indexed without a date")
    return None


def _looks_truncated(data: bytes) -> bool:
    """A page that opens <html> or <body> but closes neither was cut short."""
    head, tail = data[:4096].lower(), data[-4096:].lower()
    opened = b"<html" in head or b"<body" in head
    return opened and b"</html>" not in tail and b"</body>" not in tail


def _url(soup: BeautifulSoup, ld: dict) -> str | None:
    canonical = soup.find("link", rel="canonical")
    for value in (canonical.get("href") if canonical else None,
                  _meta(soup, property="og:url"),
                  ld.get("url") if isinstance(ld.get("url"), str) else None):
        if value and value.startswith("http"):
            return value.strip()
    return None


def _translation_url(soup: BeautifulSoup, own_lang: str) -> str | None:
    for link in soup.find_all("link", rel="alternate", hreflang=True):
        lang = link["hreflang"][:2].lower()
        if lang in ("en", "ru") and lang != own_lang and link.get("href"):
            return link["href"].strip()
    return None


def _tags(soup: BeautifulSoup, ld: dict) -> list[str]:
    tags: list[str] = []
    keywords = ld.get("keywords")
    if isinstance(keywords, str):
        tags += keywords.split(",")
    elif isinstance(keywords, list):
        tags += [k for k in keywords if isinstance(k, str)]
    section = ld.get("articleSection")
    tags += [section] if isinstance(section, str) else (section or [])
    tags += [m.get("content", "") for m in soup.find_all("meta", property="article:tag")]
    for link in soup.select('a[rel~="tag"]'):
        tags.append(link.get_text(" "))
    for box in soup.find_all(class_=re.compile(r"(^|[-_ ])(tags|regions|topics)($|[-_ ])", re.I)):
        tags += [a.get_text(" ") for a in box.find_all("a")]
    return list(dict.fromkeys(_clean(t) for t in tags if isinstance(t, str) and _clean(t)))


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


def _is_noise(tag: Tag) -> bool:
    if tag.name in NOISE_TAGS:
        return True
    if tag.attrs is None:
        return False
    words = " ".join(tag.get("class") or []) + " " + (tag.get("id") or "")
    return bool(NOISE_WORDS.search(words)) or tag.get("role") in ("navigation", "banner",
                                                                  "contentinfo")


def _article_root(soup: BeautifulSoup) -> Tag | None:
    for finder in (lambda: soup.find(attrs={"itemprop": "articleBody"}),
                   lambda: soup.find(class_=BODY_HINTS),
                   lambda: soup.find("article"),
                   lambda: soup.find("main")):
        root = finder()
        if root:
            return root
    # Fall back to the element that holds the most paragraph text.
    best, best_len = None, 0
    for p in soup.find_all("p"):
        parent = p.parent
        size = sum(len(x.get_text()) for x in parent.find_all("p", recursive=False))
        if size > best_len:
            best, best_len = parent, size
    return best


def _body_text(soup: BeautifulSoup) -> str:
    root = _article_root(soup)
    if root is None:
        return ""
    for tag in root.find_all(_is_noise):
        tag.decompose()
    for h1 in root.find_all("h1"):
        h1.decompose()
    blocks = [_clean(b.get_text(" ")) for b in root.find_all(TEXT_BLOCKS)
              if not b.find_parent(TEXT_BLOCKS)]
    if not blocks:
        blocks = [_clean(root.get_text(" "))]
    return "\n\n".join(b for b in blocks if b)
