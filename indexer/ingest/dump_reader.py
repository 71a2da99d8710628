"""Read a plain-text page dump (a browser's "save as text") into an Article.

Dumps come from any outlet, so each part is found by what it looks like,
never by line number or by a named site. A line leaves the body only when a
furniture rule of ``rules.py`` names it, and every line left out is recorded
with its rule in ``Article.dropped``; each field's source is recorded in
``Article.sources``:

- interface chrome in both languages is dropped wherever it stands (the
  lines are classified in ``dump_lines``); runs of short menu items before
  the first paragraph are the menu, and short lines above the headline that
  are not sentences are its masthead (the outlet's name, a rubric, other
  headlines). A sentence above the headline stays in the body;
- a date line is a short line that is mostly a date, maybe with names (the
  byline: "Jane Doe Mar 12, 2012", "10:42 10.01.2022", "Текст: Иван Петров").
  Only lines before the body's second long paragraph count, so a date deep in
  the body never becomes the article's. A lede glued after it stays text;
- the title is the headline-shaped line (3–25 words, no final full stop)
  that scores best: matching the file name's slug, standing next to a date
  line, coming before the body's first sentence. The date is the date line
  nearest to it;
- the body is every other line up to the first footer marker ("Popular",
  "Sign up for … newsletter", a copyright line, a paywall line …). Photo
  captions stay, their credits go; the headline printed again goes. A closing
  author bio or signature is dropped and names the author when no byline did
  (``dump_bios``).
"""

from __future__ import annotations

import re

from ..model import Article, Dropped, NoArticleFound
from ..text.analysis import guess_language
from ..text.dates import find_date
from .dump_bios import closing_attribution
from .dump_lines import SENTENCE_END, Line, is_person_name, page_lines, person_names
from .page_chrome import CREDIT_TAIL, LIST_HEADING_LINE
from .rules import dropped

TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", (
    "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya").split()))
CANON = (("shch", "sh"), ("kh", "h"), ("ts", "c"), ("yu", "u"), ("ya", "a"), ("iu", "u"),
         ("ia", "a"), ("j", "y"), ("yo", "e"), ("x", "ks"), ("w", "v"), ("_", ""))
UPDATED = re.compile(r"\b(updated|modified|обновлено|изменено)\b", re.I)
MAX_TITLE_CHARS = 250
MENU_RUN = 4            # this many short lines in a row at the top are a menu
NEAR_LIST_HEADING = 6   # lines after "Latest News" that are its list, not the title
SENTENCE_WORDS = 8      # a line this long ending a sentence is the article's, not a headline's


def read_page_dump(text: str, slug: str | None = None) -> Article:
    """Parse the text of a page dump; ``id`` and ``source`` are left unset.

    ``slug`` is the file's name without extension: a title that matches it
    (in either script) is preferred over other headline-like lines.
    """
    every = page_lines(text)
    _mark_menu_runs([line for line in every if line.kind != "dropped"])
    lines = [line for line in every if line.kind != "dropped"]
    head = _head_length(lines)
    title_at, title_source = _pick_title(lines, head, slug)
    meta_at = _nearest_date_line(lines, head, title_at)
    authors, authors_source = _head_authors(lines, head, title_at, meta_at)
    title = lines[title_at] if title_at is not None else None
    anchor = title or (lines[meta_at] if meta_at is not None else None)
    body, dropped_before, signed, gone = _body(every, anchor, title)
    body, closing, closing_source, closed = closing_attribution(body, authors)
    for shift, (at, record) in enumerate(zip(dropped_before[len(body):], closed)):
        gone.insert(at + shift, record)  # in page order
    if not body:
        raise NoArticleFound("no article text found in the dump")
    sources = {"title": title_source} if title else {}
    if meta_at is not None:
        sources["date"] = _date_source(lines, meta_at, title_at)
    if authors or signed or closing:
        sources["authors"] = (authors_source if authors else
                              "closing signature" if signed else closing_source)
    return Article(id="", lang=guess_language("\n\n".join(body)),
                   title=title.text if title else "",
                   body="\n\n".join(body), authors=authors or signed or closing,
                   date=lines[meta_at].date if meta_at is not None else None,
                   sources=sources, dropped=gone)


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
                    lines[j].kind, lines[j].rule = "dropped", "menu"
        run = []
        if _is_paragraph(line):
            return


def _is_paragraph(line: Line) -> bool:
    """Body text for sure: a long line, or a sentence of fifteen words or more
    (a lede glued to its date line included)."""
    text = line.rest if line.kind == "meta" else line.text
    words = len(text.split())
    return line.kind in ("text", "caption", "meta") and (
        words >= 25 or words >= 15 and text.endswith(SENTENCE_END))


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


def _pick_title(lines: list[Line], head: int, slug: str | None) -> tuple[int | None, str]:
    """The index of the best-scoring headline-like line in the head (or None),
    and the evidence that made it the title, in a few words.

    The date line it is scored against is the one nearest the body: the
    article's stamp sits between its title and its text, or just above the
    title, while a site's header shows today's date far above.
    """
    first_paragraph = next((i for i in range(head) if _is_paragraph(lines[i])), head)
    first_sentence = next((i for i in range(head) if lines[i].kind in ("text", "caption")
                           and lines[i].words >= SENTENCE_WORDS
                           and lines[i].text.endswith(SENTENCE_END)), head)
    metas = sorted((i for i in range(head) if lines[i].kind == "meta"),
                   key=lambda j: (abs(j - first_paragraph), j > first_paragraph))[:1]
    slug_words = _slug_words(slug or "", latin=not re.search(r"[а-яё]", (slug or "").lower()))
    scores = {i: _title_score(lines, i, metas, min(first_paragraph, first_sentence), slug_words)
              for i in range(head) if _headline_like(lines[i]) or (
                  # the line above a "Name Date" byline is the title, however short
                  lines[i].kind == "text" and len(lines[i].text) <= MAX_TITLE_CHARS
                  and i + 1 < len(lines) and lines[i + 1].kind == "meta" and lines[i + 1].names)}
    if not scores:
        return None, ""
    best = max(scores, key=lambda i: (scores[i][0], -i))
    return best, "headline-shaped line" + "".join(f", {why}" for why in scores[best][1])


def _title_score(lines: list[Line], i: int, metas: list[int], first_text: int,
                 slug_words: list[str]) -> tuple[float, list[str]]:
    """How much line ``i`` looks like the title, by evidence from its neighbours,
    and that evidence in words."""
    line = lines[i]
    score = 1.0 if 5 <= line.words <= 20 else 0.0
    why = []
    if slug_words:
        share = _slug_share(line.text, slug_words)
        score += 6 * share if share >= 0.5 else 2 * share
        why += ["matching the file name"] if share >= 0.5 else []
    if metas:
        distance = abs(metas[0] - i)
        score += 4 if distance == 1 else 2 if distance <= 3 else 0
        why += (["next to the date line"] if distance == 1 else
                ["near the date line"] if distance <= 3 else [])
    after = lines[i + 1] if i + 1 < len(lines) else Line("", "end")
    signed = bool(after.names) or after.kind == "text" and bool(person_names(after.text))
    score += 2 if signed else 0  # a byline or an author's name follows its title
    why += ["above a byline"] if signed else []
    # A headline comes before the article's text: a line after its first
    # sentence is a caption or a subheading.
    score += 1 if i < first_text else -2
    why += ["before the text"] if i < first_text else []
    score -= 1 if i == 0 else 0  # a saved page's first line is usually the site's name
    score -= 3 if find_date(line.text) else 0  # "Алматы, 21 апреля 2023": a caption
    if not signed and any(LIST_HEADING_LINE.match(lines[j].text)
                          for j in range(max(0, i - NEAR_LIST_HEADING), i)):
        score -= 4  # an item of a "Latest News" list
    return score - (4 if is_person_name(line.text) else 0), why


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
                  meta_at: int | None) -> tuple[list[str], str]:
    """Names from the byline, a "By …" line, or a name alone next to the date line;
    and where they were found."""
    if meta_at is not None and lines[meta_at].names:
        return lines[meta_at].names, "byline on the date line"
    anchor = next((i for i in (title_at, meta_at) if i is not None), 0)
    if bylines := [i for i in range(head) if lines[i].kind == "byline"]:
        return lines[min(bylines, key=lambda j: abs(j - anchor))].names, "byline"
    for j in (meta_at - 1, meta_at + 1, meta_at - 2, meta_at + 2) if meta_at is not None else ():
        if 0 <= j < len(lines) and j != title_at and lines[j].kind == "text" and (
                names := person_names(lines[j].text)):
            lines[j].kind = "author"  # not body text
            return names, "a name beside the date line"
    return [], ""


def _body(lines: list[Line], anchor: Line | None, title: Line | None
          ) -> tuple[list[str], list[int], list[str], list[Dropped]]:
    """The body's paragraphs, for each how many lines were dropped before it,
    the names of a signature line ("Автор: …") among them, and every line left
    out, each with its rule.

    Above the anchor (the title, else the date line) only the masthead's
    short lines go; below it the body runs to the first footer marker.
    """
    body: list[str] = []
    dropped_before: list[int] = []
    signed: list[str] = []
    gone: list[Dropped] = []
    above = anchor is not None
    start = 0  # where the paragraphs below the anchor begin
    footer = ""
    for line in lines:
        if line is anchor:
            above, start = False, len(body)
        if line is title:
            continue
        below = 0 if above else len(body) - start
        rule = _rule(line, above, below, bool(body), title)
        if line.kind == "footer" and below:
            footer = rule  # the rest of the page is the footer's, under its own markers' rules
        if footer and line.kind != "footer":
            rule = footer
        if rule:
            gone.append(dropped(line.text, rule))
            signed = signed or (line.names if rule == "signature" else [])
        if footer:
            continue
        if line.kind == "caption":
            caption = CREDIT_TAIL.sub("", line.text)
            if len(caption.split()) < 3:
                caption = line.text
            elif caption != line.text:
                gone.append(dropped(line.text[len(caption):].strip(), "credit"))
            body.append(caption)
        elif not rule or line.rest:
            body.append(line.rest or line.text)
        else:
            continue
        dropped_before.append(len(gone))
    return body, dropped_before, signed, gone


def _rule(line: Line, above: bool, below: int, kept: bool, title: Line | None) -> str:
    """The rule that leaves ``line`` out of the body, or "" for body text."""
    if line.kind == "dropped":
        return "" if line.rule == "menu" and not above else line.rule  # no menu under a title
    if line.kind == "footer":
        return line.rule
    if line.kind == "meta":
        return "date-line"
    if line.kind in ("byline", "author"):
        return "signature" if below and line.kind == "byline" else "byline"
    if title is not None and line.text == title.text:  # exactly: "Title." may be a sentence
        return "repeated-title"
    if above and not kept and not _is_sentence(line.text):
        return "masthead"
    return ""


def _is_sentence(text: str) -> bool:
    """A line that reads as a sentence: several words and a sentence's end."""
    return len(text.split()) >= 4 and text.endswith(SENTENCE_END)


def _date_source(lines: list[Line], meta_at: int, title_at: int | None) -> str:
    """Which date line won, in a few words."""
    what = "date line glued to the lede" if lines[meta_at].rest else "date line"
    if title_at is None:
        return f"{what}, the first near the top"
    distance = abs(meta_at - title_at)
    where = ("next to the headline" if distance == 1 else
             f"{distance} lines {'below' if meta_at > title_at else 'above'} the headline")
    return f"{what}, {where}"
