"""The lines of a saved-text page dump, each classified by what it looks like alone.

A line is text, a caption, a date line (``meta``), a byline, a footer marker,
or furniture that a named rule (``rules.py``) drops: chrome, share rows, tag
lines, credits, gallery counters. Whatever needs a line's neighbours (menu
runs, the title, a closing bio) is decided in ``dump_reader``.

A date line glued to the lede ("date 2025-09-15 С приближением выборов…",
"Jane Doe Mar 12, 2012 Farmers in…") is split: its head is the date line,
its rest stays text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..text.dates import find_date
from ..text.regions import is_group_label, region_for_label
from .page_chrome import (
    BYLINE_LABEL,
    CAPTION,
    CHROME,
    CHROME_PATTERNS,
    CREDIT,
    CURRENCY,
    DOMAIN,
    FOOTER_START,
    GALLERY_COUNTER,
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
PARTICLES = {"uulu", "kyzy", "уулу", "кызы", "оглы", "ibn", "bin", "al", "de", "van",
             "von", "der", "da", "di", "la", "le"}
NOT_A_NAME = re.compile(
    r"\b(the|news|menu|main|latest|top|stories|photo|video|home|search|share|read|more|"
    r"opinions?|analysis|politics|economy|society|culture|radio|service|press|agency|"
    r"новости|главная|главное|фото|видео|меню|поиск|лента|политика|экономика|общество|"
    r"культура|спорт|радио|служба|пресс|агентство|мнения?|анализ|мир|азия|европа|газета|"
    r"журнал|newspaper|magazine)\b", re.I)
SENTENCE_END = (".", "!", "?", "…", "»", '"', "”", ")")
TAG_LINE = re.compile(r"^(tags?|теги|метки|темы|ключевые слова|keywords)\s*:", re.I)
COMMENTS_HEADING = re.compile(r"^(comments?|комментари\w*)\b", re.I)
FONT_SIZE_ROW = re.compile(r"^([AaАа]\s*){2,}$|^(XS|S|SM|M|MD|L|LG|XL)$")
LEDE_QUOTES = "«\"“„'‘("
MIN_LEDE_WORDS = 4


@dataclass
class Line:
    """One non-empty line of the dump and what it looks like.

    ``rule`` names the furniture rule of a line that leaves the body;
    ``rest`` is the text after the date of a date line glued to the lede.
    """

    text: str
    kind: str = "text"  # text, caption, meta (a date line), byline, author, footer, dropped
    date: dt.date | None = None
    names: list[str] = field(default_factory=list)
    rule: str = ""
    rest: str = ""

    @property
    def words(self) -> int:
        return len(self.text.split())


def page_lines(text: str) -> list[Line]:
    """The dump's lines, classified; blanks folded, drop caps joined.

    The menu above a search hint that ends it, and a line printed twice in a
    row, are dropped lines from the start.
    """
    # Dumps carry no-break spaces and other odd blanks: fold them first.
    raw = [re.sub(r"\s+", " ", line).strip() for line in text.splitlines()]
    raw = [line for line in raw if line]
    menu = next((i + 1 for i, line in enumerate(raw) if MENU_END.match(line)), 0)
    lines = [Line(line, "dropped", rule="menu") for line in raw[:menu]]
    texts: list[str] = []
    for line in raw[menu:]:
        if texts and re.fullmatch(r"[A-ZА-ЯЁ]", texts[-1]) and re.match(r"[a-zа-яё]", line):
            texts[-1] += line  # a drop cap: "С" + "егодня утром …"
        else:
            texts.append(line)
    last = ""
    for text in texts:  # a caption is often printed twice (alt text and figcaption)
        lines.append(Line(text, "dropped", rule="duplicate") if text == last else classify(text))
        last = text
    return lines


def classify(text: str) -> Line:
    """What a line is by itself; menu runs and the title need its neighbours."""
    bare = text.strip(" •·*▪►|–—-")
    if FOOTER_START.match(bare):
        rule = ("comments" if COMMENTS_HEADING.match(bare)
                else "read-more" if LIST_HEADING_LINE.match(bare) else "footer")
        return Line(text, "footer", rule=rule)
    if GALLERY_COUNTER.match(bare):
        return Line(text, "dropped", rule="gallery-counter")
    if _is_share_row(bare) or FONT_SIZE_ROW.match(bare):
        return Line(text, "dropped", rule="share")
    if (len(bare) <= 2 or CHROME.match(bare.rstrip(":."))
            or all(len(token) <= 2 for token in bare.split())):
        return Line(text, "dropped", rule="chrome")
    if meta := date_line(bare):
        return Line(text, "meta", *meta)
    if (label := BYLINE_LABEL.match(bare)) and (names := person_names(PHOTO_CREDIT_AFTER.sub(
            "", bare[label.end():]))):
        return Line(text, "byline", names=names)
    if TAG_LINE.match(bare) or _is_tag_cloud(bare):
        return Line(text, "dropped", rule="tags")
    words = re.findall(r"[^\W\d_]{2,}", bare)
    if (any(p.search(bare) for p in CHROME_PATTERNS) or not words
            or len(words) == 1 and CURRENCY.match(words[0]) and re.search(r"\d", bare)):
        return Line(text, "dropped", rule="chrome")  # also view counters, rates, page numbers
    if CREDIT.match(bare) and len(bare.split()) <= 12:
        return Line(text, "dropped", rule="credit")
    if glued := _glued_date_line(text):
        return glued
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
        return not person_names(text)  # "Jane Doe, John Roe, Ivan Petrov" is a byline
    # Space-separated clouds: Russian headlines are in sentence case, so five
    # capitalised Russian words in a row are a list of names, not a title.
    words = text.split()
    return (len(words) >= 5 and not re.search(r"[a-z]", text)
            and all(re.match(r"[А-ЯЁ]", w) for w in words) and not person_names(text))


def date_line(text: str) -> tuple[dt.date, list[str]] | None:
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
    return date, person_names(BYLINE_LABEL.sub("", rest))


def _glued_date_line(text: str) -> Line | None:
    """A date line with the lede glued after it, split in two; None for any other line.

    The head must be a date line by itself and the rest must start a new
    sentence, so "10 января 2022 года депутаты…" (a sentence that opens with a
    date) stays whole.
    """
    found = find_date(text, day_first=True)
    if not found:
        return None
    end = found[2]
    if time := re.match(r"[,\s]*\d{1,2}:\d{2}(\s*[ap]\.?m\.?)?", text[end:], re.I):
        end += time.end()
    head, rest = text[:end].strip(), text[end:].strip(" ,;:|–—-")
    meta = date_line(head) if len(rest.split()) >= MIN_LEDE_WORDS else None
    # the lede starts a sentence: a capital of any script ("Өзбекстан"), a digit, a quote
    if not meta or not (rest[0].isupper() or rest[0].isdigit() or rest[0] in LEDE_QUOTES):
        return None
    return Line(head, "meta", *meta, rest=rest)


def person_names(text: str) -> list[str]:
    """The people a byline names; [] unless every part is a person's name."""
    text = text.strip(" ,;:–—-|·•")
    if not text:
        return []
    names = split_author_names(text)
    people = [n for n in names if is_person_name(n)]
    # "Кирилл Кривошеев, Бишкек": a place may follow the names.
    others = [n for n in names if n not in people]
    return people if people and all(len(o.split()) == 1 for o in others) else []


def is_person_name(text: str) -> bool:
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
