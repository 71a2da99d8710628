"""Score page extraction on real pages with gold data (``../shared/realworld-html``).

Each page of the set lists strings that belong to its article (``with``),
boilerplate that must not be indexed (``without``), and where known its
title, author and date. A string counts as found when its first six words
stand together, in order, in the page's indexed text (title and body, words
compared case-insensitively, punctuation ignored, as a phrase search would);
title and authors must be equal (spacing and case aside), the date the same day.

``python -m benchmarks realworld [--set DIR] [--trafilatura]`` prints the score by kind.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from indexer.ingest.corpus import read_file
from indexer.model import Article

DEFAULT_SET = Path(__file__).resolve().parent.parent.parent / "shared" / "realworld-html"
KINDS = ("with", "without", "title", "author", "date")
PHRASE_WORDS = 6
WORD = re.compile(r"\w+")
INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")  # soft hyphens, zero widths


@dataclass
class Extracted:
    """What an extractor made of one page: the text it indexes and its metadata."""

    text: str = ""
    title: str = ""
    authors: list[str] = field(default_factory=list)
    date: dt.date | None = None


@dataclass
class Score:
    """Checks held and made, by kind, and the pages' extraction time."""

    held: dict = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    made: dict = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    failures: list = field(default_factory=list)
    seconds: float = 0.0
    pages: int = 0

    def add(self, kind: str, ok: bool, page: str, detail: str) -> None:
        self.made[kind] += 1
        self.held[kind] += ok
        if not ok:
            self.failures.append((page, kind, detail))

    def share(self, kind: str | None = None) -> float:
        """The share of checks held, of one kind or of all."""
        kinds = [kind] if kind else KINDS
        made = sum(self.made[k] for k in kinds)
        return sum(self.held[k] for k in kinds) / made if made else 1.0

    def to_dict(self) -> dict:
        return {"all": round(self.share(), 4),
                **{k: round(self.share(k), 4) for k in KINDS},
                "checks": sum(self.made.values()), "pages": self.pages,
                "ms_per_page": round(self.seconds * 1000 / max(self.pages, 1), 1)}


def words(text: str) -> list[str]:
    """Words as a phrase search compares them: lower case, no punctuation."""
    return WORD.findall(INVISIBLE.sub("", text.casefold().replace("ё", "е")))


def contains_phrase(text_words: str, phrase: str) -> bool:
    """Whether the first six words of ``phrase`` stand together in ``text_words``."""
    wanted = words(phrase)[:PHRASE_WORDS]
    return bool(wanted) and f" {' '.join(wanted)} " in text_words


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _same_authors(found: list[str], gold: str) -> bool:
    wanted = sorted(" ".join(n.split()).casefold() for n in gold.split(";") if n.strip())
    return sorted(" ".join(n.split()).casefold() for n in found) == wanted


def score_pages(set_dir: Path, extract: Callable[[Path, str], Extracted]) -> Score:
    """Run ``extract(page_path, url)`` on every page of the set and score it."""
    expected = json.loads((set_dir / "expect.json").read_text(encoding="utf-8"))
    score = Score()
    for entry in expected:
        page = entry["file"]
        started = time.perf_counter()
        found = extract(set_dir / "pages" / page, entry.get("url") or "")
        score.seconds += time.perf_counter() - started
        score.pages += 1
        text_words = f" {' '.join(words(found.title + ' ' + found.text))} "
        for phrase in entry.get("with") or []:
            score.add("with", contains_phrase(text_words, phrase), page, phrase)
        for phrase in entry.get("without") or []:
            score.add("without", not contains_phrase(text_words, phrase), page, phrase)
        if entry.get("title"):
            score.add("title", _same_text(found.title, entry["title"]), page,
                      f"{found.title!r} ≠ {entry['title']!r}")
        if entry.get("author"):
            score.add("author", _same_authors(found.authors, entry["author"]), page,
                      f"{found.authors!r} ≠ {entry['author']!r}")
        if entry.get("date"):
            gold = dt.date.fromisoformat(entry["date"][:10])
            score.add("date", found.date == gold, page, f"{found.date} ≠ {gold}")
    return score


def extract_with_kartoteka(path: Path, url: str) -> Extracted:
    """The page as ``kartoteka index`` reads it (the URL is not known to it)."""
    articles = [item for item in read_file(path, path.parent) if isinstance(item, Article)]
    if not articles:
        return Extracted()
    article = articles[0]
    return Extracted(text=article.body, title=article.title, authors=article.authors,
                     date=article.date)


def extract_with_trafilatura(path: Path, url: str) -> Extracted:
    """trafilatura alone, with its defaults, as the baseline."""
    import trafilatura

    result = trafilatura.bare_extraction(path.read_bytes(), with_metadata=True)
    if not result:
        return Extracted()
    date = None
    if result.date:
        try:
            date = dt.date.fromisoformat(result.date[:10])
        except ValueError:
            pass
    authors = [a.strip() for a in (result.author or "").split(";") if a.strip()]
    return Extracted(text=result.text or "", title=result.title or "", authors=authors,
                     date=date)


def format_score(name: str, score: Score) -> str:
    """One line of the table: the share held by kind."""
    row = "  ".join(f"{k} {score.share(k):6.1%}" for k in KINDS)
    per_page = score.seconds * 1000 / max(score.pages, 1)
    return f"{name:<12} all {score.share():6.1%}  {row}  {per_page:6.1f} ms/page"


def run_realworld(set_dir: Path, with_trafilatura: bool, show_failures: bool) -> dict:
    """Score kartoteka (and trafilatura alone) on the set; print a table."""
    systems = {"kartoteka": extract_with_kartoteka}
    if with_trafilatura:
        systems["trafilatura"] = extract_with_trafilatura
    report = {}
    for name, extract in systems.items():
        score = score_pages(set_dir, extract)
        report[name] = score.to_dict()
        print(format_score(name, score))
        if show_failures:
            for page, kind, detail in score.failures:
                print(f"    {kind:<8} {page}: {detail[:150]}")
    return report

