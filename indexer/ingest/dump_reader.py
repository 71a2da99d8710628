"""Read a plain-text page dump (a browser's "save as text") into an Article.

Dumps come from any outlet, so each part is found by what it looks like,
never by line number or by a named site:

- interface chrome in both languages is dropped wherever it stands: skip
  links, login/cookie/search lines, share/print/font-size rows, ad markers,
  version strings, a bare time or number, breadcrumbs, tag lines, runs of
  short menu items at the top. A lone capital letter followed by a lower-case
  line is a drop cap and is joined back to its word;
- a date line is a short line that is mostly a date, maybe with names (the
  byline: "Jane Doe Mar 12, 2012", "10:42 10.01.2022", "Текст: Иван Петров").
  Only lines before the body's second long paragraph count, so a date deep in
  the body never becomes the article's;
- the title is the headline-shaped line (3–25 words, no final full stop)
  that scores best: matching the file name's slug, standing next to a date
  line, coming before the body. The date is the date line nearest to it;
- the body runs from the title to the first footer marker ("Popular",
  "Sign up for … newsletter", a copyright line, a paywall line …). Photo
  captions stay, their credits go. A closing author bio or a signature line
  is dropped, and names the author when no byline did.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..model import Article, NoArticleFound
from ..text.analysis import guess_language
from ..text.dates import find_date
from ..text.regions import is_group_label, region_for_label
from .page_chrome import (
    BYLINE_LABEL,
    CAPTION,
    CHROME,
    CHROME_PATTERNS,
    CREDIT,
    CREDIT_TAIL,
    CURRENCY,
    DOMAIN,
    FOOTER_START,
    LIST_HEADING_LINE,
    MENU_END,
    PHOTO_CREDIT_AFTER,
    SHARE_WORDS,
)
from .page_metadata import split_author_names

DATE_LABELS = {"published", "updated", "posted", "опубликовано", "обновлено", "изменено",
               "дата", "date", "публикации", "and", "и", "by", "at", "в", "on", "last",
               "modified", "текст", "автор", "авторы", "author", "от", "стр", "номер", "выпуск",
               "am", "pm", "мск", "gmt", "utc"}
PARTICLES = {"uulu", "kyzy", "уулу", "кызы", "оглы", "кызы", "ibn", "bin", "al", "de", "van",
             "von", "der", "da", "di", "la", "le"}
NOT_A_NAME = re.compile(
    r"\b(the|news|menu|main|latest|top|stories|photo|video|home|search|share|read|more|"
    r"opinions?|analysis|politics|economy|society|culture|radio|service|press|agency|"
    r"новости|главная|главное|фото|видео|меню|поиск|лента|политика|экономика|общество|"
    r"культура|спорт|радио|служба|пресс|агентство|мнения?|анализ|мир|азия|европа|газета|"
    r"журнал|newspaper|magazine)\b", re.I)
BIO = re.compile(
    r"^(?P<name>([A-ZА-ЯЁ][\w'’.-]+ ){1,3})(is|was) (a|an|the)\b.{0,200}"
    r"(writer|journalist|reporter|editor|correspondent|author|analyst|researcher|"
    r"based in|fellow|contributor)"
    r"|^(?P<ru_name>([А-ЯЁ][\w'’.-]+ ){1,3})[–—-] .{0,200}"
    r"(журналист|корреспондент|редактор|автор|аналитик|исследовател|обозревател)", re.I)
SENTENCE_END = (".", "!", "?", "…", "»", '"', "”", ")")
TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", (
    "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya").split()))
CANON = (("shch", "sh"), ("kh", "h"), ("ts", "c"), ("yu", "u"), ("ya", "a"), ("iu", "u"),
         ("ia", "a"), ("j", "y"), ("yo", "e"), ("x", "ks"), ("w", "v"), ("_", ""))
DROPPED = ("chrome", "credit")
UPDATED = re.compile(r"\b(updated|modified|обновлено|изменено)\b", re.I)
MAX_TITLE_CHARS = 250
MENU_RUN = 4            # this many short lines in a row at the top are a menu
NEAR_LIST_HEADING = 6   # lines after "Latest News" that are its list, not the title


@dataclass
class Line:
    """One non-empty line of the dump and what it looks like."""

    text: str
    kind: str = "text"  # text, caption, meta (a date line), byline, credit, chrome, footer
    date: dt.date | None = None
    names: list[str] = field(default_factory=list)

    @property
    def words(self) -> int:
        return len(self.text.split())


def read_page_dump(text: str, slug: str | None = None) -> Article:
    """Parse the text of a page dump; ``id`` and ``source`` are left unset.

    ``slug`` is the file's name without extension: a title that matches it
    (in either script) is preferred over other headline-like lines.
    """
    lines = [line for line in map(_classify, _lines(text)) if line.kind not in DROPPED]
    _mark_menu_runs(lines)
    lines = [line for line in lines if line.kind != "chrome"]
    head = _head_length(lines)
    title_at = _pick_title(lines, head, slug)
    meta_at = _nearest_date_line(lines, head, title_at)
    authors = _head_authors(lines, head, title_at, meta_at)
    start = next((i for i in (title_at, meta_at) if i is not None), -1)
    body, signed = _body(lines, start)
    body, closing = _drop_closing_attribution(body, authors)
    if not body:
        raise NoArticleFound("no article text found in the dump")
    return Article(id="", lang=guess_language("\n\n".join(body)),
                   title=lines[title_at].text if title_at is not None else "",
                   body="\n\n".join(body), authors=authors or signed or closing,
                   date=lines[meta_at].date if meta_at is not None else None)


def _lines(text: str) -> list[str]:
    """Non-empty lines, blanks folded, the menu cut, drop caps joined, repeats dropped."""
    # Dumps carry no-break spaces and other odd blanks: fold them first.
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    for i, line in enumerate(lines):
        if MENU_END.match(line):
            lines = lines[i + 1:]
            break
    joined: list[str] = []
    for line in lines:
        if joined and re.fullmatch(r"[A-ZА-ЯЁ]", joined[-1]) and re.match(r"[a-zа-яё]", line):
            joined[-1] += line  # a drop cap: "С" + "егодня утром …"
        elif not joined or line != joined[-1]:  # a caption printed twice (alt and figcaption)
            joined.append(line)
    return joined


def _classify(text: str) -> Line:
    """What a line is by itself; menu runs and the title need its neighbours."""
    bare = text.strip(" •·*▪►|–—-")
    if FOOTER_START.match(bare):
        return Line(text, "footer")
    if (len(bare) <= 2 or CHROME.match(bare.rstrip(":.")) or _is_share_row(bare)
            or all(len(token) <= 2 for token in bare.split())):
        return Line(text, "chrome")
    if meta := _date_line(bare):
        return Line(text, "meta", *meta)
    if (label := BYLINE_LABEL.match(bare)) and (names := _names(PHOTO_CREDIT_AFTER.sub(
            "", bare[label.end():]))):
        return Line(text, "byline", names=names)
    words = re.findall(r"[^\W\d_]{2,}", bare)
    if (any(p.search(bare) for p in CHROME_PATTERNS) or _is_tag_cloud(bare) or not words
            or len(words) == 1 and CURRENCY.match(words[0]) and re.search(r"\d", bare)):
        return Line(text, "chrome")  # also view counters, exchange rates, page numbers
    if CREDIT.match(bare) and len(bare.split()) <= 12:
        return Line(text, "credit")
    return Line(text, "caption" if CAPTION.search(bare) else "text")


def _is_share_row(text: str) -> bool:
    """"Facebook Twitter Telegram", "messenger vk-black email copy print"."""
    return bool(SHARE_WORDS.search(text)) and not re.sub(
        rf"(?:{SHARE_WORDS.pattern})|[\W\d_]", "", text, flags=re.I)


def _is_tag_cloud(text: str) -> bool:
    """Several short capitalised items: "Казахстан, Нефть, Атырау" or "#Бишкек #ЦИК"."""
    items = [i.strip() for i in re.split(r"\s*[,|•·#/]\s*", text) if i.strip()]
    if len(items) >= 3 and not text.endswith(SENTENCE_END) and all(
            len(i.split()) <= 3 and (i[0].isupper() or i[0].isdigit()) for i in items):
        return not _names(text)  # "Jane Doe, John Roe, Ivan Petrov" is a byline
    # Space-separated clouds: Russian headlines are in sentence case, so five
    # capitalised Russian words in a row are a list of names, not a title.
    words = text.split()
    return (len(words) >= 5 and not re.search(r"[a-z]", text)
            and all(re.match(r"[А-ЯЁ]", w) for w in words) and not _names(text))


def _date_line(text: str) -> tuple[dt.date, list[str]] | None:
    """A line that is a date and little else, with any names it carries."""
    # Outlets of the region write the day first, "03/04/2012" included.
    found = find_date(text, day_first=True)
    if not found:
        return None
    date, start, end = found
    rest = f"{text[:start]} {text[end:]}"
    while more := find_date(rest, day_first=True):  # "(обновлено: 16:45 27.11.2025)"
        rest = rest[:more[1]] + " " + rest[more[2]:]
    rest = re.sub(r"\d{1,2}:\d{2}(\s*[ap]\.?m\.?)?|[()|/•·«»\"+]", " ", DOMAIN.sub(" ", rest))
    rest = rest.strip(" ,;:–—-")
    tokens = re.findall(r"[^\W\d_][\w'’.-]*", rest)
    words = [t.lower().strip(".") for t in tokens if t[0].islower()]
    if len(tokens) > 8 or any(w not in DATE_LABELS and w not in PARTICLES for w in words):
        return None  # a sentence that mentions a date, not a date line
    rest = re.sub(r"\b(published|updated|posted|опубликовано|обновлено|изменено)\b:?", "",
                  rest, flags=re.I).strip(" ,;:–—-")
    return date, _names(BYLINE_LABEL.sub("", rest))


def _names(text: str) -> list[str]:
    """The people a byline names; [] unless every part is a person's name."""
    text = text.strip(" ,;:–—-|·•")
    if not text:
        return []
    names = split_author_names(text)
    people = [n for n in names if _is_person_name(n)]
    # "Кирилл Кривошеев, Бишкек": a place may follow the names.
    others = [n for n in names if n not in people]
    return people if people and all(len(o.split()) == 1 for o in others) else []


def _is_person_name(text: str) -> bool:
    """Two to four capitalised words of one script, not a region or a section name."""
    tokens = text.split()
    capitalised = [t for t in tokens if t.lower() not in PARTICLES]
    if not 2 <= len(capitalised) <= 4 or len(tokens) > 5 or NOT_A_NAME.search(text):
        return False
    if not all(re.fullmatch(r"[A-ZА-ЯЁ]([a-zа-яё'’]+([-'’]?[A-ZА-ЯЁ]?[a-zа-яё'’]+)*|\.)", t)
               for t in capitalised):
        return False
    if re.search(r"[a-z]", text) and re.search(r"[а-яё]", text):
        return False  # one name is in one script
    return region_for_label(text) is None and not is_group_label(text)


def _mark_menu_runs(lines: list[Line]) -> None:
    """Runs of short lines before the first paragraph are a menu.

    A line within two of a date line may be a short title or an author, and
    a headline-like line ending a run may be the title: those stay.
    """
    run: list[int] = []
    for i, line in enumerate(lines + [Line("", "end")]):
        if line.kind == "footer":
            continue
        if line.kind == "text" and (line.words <= 3 and not line.text.endswith(SENTENCE_END)
                                    or re.match(r"[•·*▪►]", line.text)):
            run.append(i)
            continue
        if len(run) >= MENU_RUN:
            keep = run[-1] if _headline_like(lines[run[-1]]) else None
            for j in run:
                near = lines[max(0, j - 2):j + 3]
                if j != keep and not any(n.kind in ("meta", "byline") for n in near):
                    lines[j].kind = "chrome"
        run = []
        if _is_paragraph(line):
            return


def _is_paragraph(line: Line) -> bool:
    """Body text for sure: a long line, or a sentence of fifteen words or more."""
    return line.kind in ("text", "caption") and (
        line.words >= 25 or line.words >= 15 and line.text.endswith(SENTENCE_END))


def _head_length(lines: list[Line]) -> int:
    """How many lines can hold the title and the date: those before the second paragraph."""
    paragraphs = 0
    for i, line in enumerate(lines):
        if _is_paragraph(line):
            paragraphs += 1
            if paragraphs == 2:
                return i
        elif line.kind == "footer" and paragraphs:
            return i  # a short article: the head ends where its footer begins
    return len(lines)


def _headline_like(line: Line) -> bool:
    """3–25 words, no final full stop, capitalised, not a list item."""
    text = line.text
    return (line.kind == "text" and 3 <= line.words <= 25 and len(text) <= MAX_TITLE_CHARS
            and not re.search(r"(?<!\.)\.$|[:;,]$", text)
            and re.match(r"[\w«\"“‘'(]", text) is not None and not text[0].islower()
            and re.match(r"[•·*▪►]", text) is None)


def _pick_title(lines: list[Line], head: int, slug: str | None) -> int | None:
    """The index of the best-scoring headline-like line in the head, or None.

    The date line it is scored against is the one nearest the body: the
    article's stamp sits between its title and its text, or just above the
    title, while a site's header shows today's date far above.
    """
    first_paragraph = next((i for i in range(head) if _is_paragraph(lines[i])), head)
    metas = sorted((i for i in range(head) if lines[i].kind == "meta"),
                   key=lambda j: (abs(j - first_paragraph), j > first_paragraph))[:1]
    slug_words = _slug_words(slug or "", latin=not re.search(r"[а-яё]", (slug or "").lower()))
    scores = {i: _title_score(lines, i, metas, first_paragraph, slug_words)
              for i in range(head) if _headline_like(lines[i]) or (
                  # the line above a "Name Date" byline is the title, however short
                  lines[i].kind == "text" and len(lines[i].text) <= MAX_TITLE_CHARS
                  and i + 1 < len(lines) and lines[i + 1].kind == "meta" and lines[i + 1].names)}
    return max(scores, key=lambda i: (scores[i], -i)) if scores else None


def _title_score(lines: list[Line], i: int, metas: list[int], first_paragraph: int,
                 slug_words: list[str]) -> float:
    """How much line ``i`` looks like the title, by evidence from its neighbours."""
    line = lines[i]
    score = 1.0 if 5 <= line.words <= 20 else 0.0
    if slug_words:
        share = _slug_share(line.text, slug_words)
        score += 6 * share if share >= 0.5 else 2 * share
    if metas:
        distance = abs(metas[0] - i)
        score += 4 if distance == 1 else 2 if distance <= 3 else 0
    after = lines[i + 1] if i + 1 < len(lines) else Line("", "end")
    signed = bool(after.names) or after.kind == "text" and bool(_names(after.text))
    score += 2 if signed else 0  # a byline or an author's name follows its title
    score += 1 if i < first_paragraph else 0
    score -= 1 if i == 0 else 0  # a saved page's first line is usually the site's name
    score -= 3 if find_date(line.text) else 0  # "Алматы, 21 апреля 2023": a caption
    if not signed and any(LIST_HEADING_LINE.match(lines[j].text)
                          for j in range(max(0, i - NEAR_LIST_HEADING), i)):
        score -= 4  # an item of a "Latest News" list
    return score - (4 if _is_person_name(line.text) else 0)


def _slug_words(text: str, latin: bool) -> list[str]:
    words = re.findall(r"[^\W\d_]{3,}", text.lower())
    if latin:
        words = ["".join(TRANSLIT.get(c, c) for c in w) for w in words]
    for old, new in CANON:
        words = [w.replace(old, new) for w in words]
    return words


def _slug_share(text: str, slug_words: list[str]) -> float:
    """How many of the slug's words start a word of the line (by their first five letters)."""
    latin = not any(re.search(r"[а-яё]", w) for w in slug_words)
    words = _slug_words(text, latin)
    hits = sum(any(w[:5] == s[:5] if min(len(w), len(s)) >= 5 else w == s for w in words)
               for s in slug_words)
    return hits / len(slug_words)


def _nearest_date_line(lines: list[Line], head: int, title_at: int | None) -> int | None:
    """The date line nearest the title (the first without one), published before updated."""
    metas = [i for i in range(head) if lines[i].kind == "meta"]
    if not metas or title_at is None:
        return metas[0] if metas else None
    return min(metas, key=lambda j: (abs(j - title_at), bool(UPDATED.search(lines[j].text)),
                                     j < title_at))


def _head_authors(lines: list[Line], head: int, title_at: int | None,
                  meta_at: int | None) -> list[str]:
    """Names from the byline, a "By …" line, or a name alone next to the date line."""
    if meta_at is not None and lines[meta_at].names:
        return lines[meta_at].names
    anchor = next((i for i in (title_at, meta_at) if i is not None), 0)
    if bylines := [i for i in range(head) if lines[i].kind == "byline"]:
        return lines[min(bylines, key=lambda j: abs(j - anchor))].names
    for j in (meta_at - 1, meta_at + 1, meta_at - 2, meta_at + 2) if meta_at is not None else ():
        if 0 <= j < len(lines) and j != title_at and lines[j].kind == "text" and (
                names := _names(lines[j].text)):
            lines[j].kind = "author"  # not body text
            return names
    return []


def _body(lines: list[Line], start: int) -> tuple[list[str], list[str]]:
    """Text and captions after the title up to the first footer marker.

    Also the names of an "Автор: …" line among them: a closing signature.
    """
    body: list[str] = []
    signed: list[str] = []
    for line in lines[start + 1:]:
        if line.kind == "footer" and body:
            break
        if line.kind == "caption":
            caption = CREDIT_TAIL.sub("", line.text)
            body.append(caption if len(caption.split()) >= 3 else line.text)
        elif line.kind == "text":
            body.append(line.text)
        elif line.kind == "byline" and body:
            signed = signed or line.names
    return body, signed


def _drop_closing_attribution(body: list[str],
                              authors: list[str]) -> tuple[list[str], list[str]]:
    """Drop closing bios, a signature and stray short lines; the names the first two give."""
    named: list[str] = []
    while len(body) > 1:
        last = re.sub(r"^[–—-]\s*", "", body[-1])
        bio = BIO.match(last)
        if bio or any(last.startswith(f"{name} is ") for name in authors):
            if bio:
                named = named or _names(bio.group("name") or bio.group("ru_name") or "")
        elif len(last.split()) <= 8 and (names := _names(BYLINE_LABEL.sub("", last))):
            named = named or names  # "Кирилл Кривошеев" or "Автор: Кирилл Кривошеев"
        elif len(last.split()) > 4 or last.endswith(SENTENCE_END):
            break
        body = body[:-1]  # a sidebar's heading or date left after the last paragraph
    return body, named
