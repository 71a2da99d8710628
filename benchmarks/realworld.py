"""Score page extraction on real pages with gold data (``../shared/realworld-html``).

Each page of the set lists strings that belong to its article (``with``),
boilerplate that must not be indexed (``without``), and where known its
title, author and date. A string counts as found when its first six words
stand together, in order, in the page's indexed text (title and body, words
compared case-insensitively, punctuation ignored, as a phrase search would);
title and authors must be equal (spacing and case aside), the date the same day.

``python -m benchmarks realworld [--set DIR]`` prints the score by kind and the
pages read per second by a warm process (every page read once untimed first),
kartoteka's beside trafilatura alone's from the same run:
the HTML reader alone (``read_html_page``) and the page as ``kartoteka index``
reads it (the reader, then ``finish_article``: outlet, regions inferred).

``python -m benchmarks.realworld --index [--rounds N]`` times the whole
``kartoteka index --jobs 1`` of the set's pages beside trafilatura alone over
the same pages, each in a fresh process (start-up and one-off loads
included), taking turns, and prints the median rates.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from indexer.ingest.corpus import finish_article, read_file
from indexer.ingest.html_reader import read_html_page
from indexer.model import Article, CorpusError

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
    reader_seconds: float | None = None  # the HTML reader's share of the time, if measured


@dataclass
class Score:
    """Checks held and made, by kind, and the pages' extraction time."""

    held: dict = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    made: dict = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    failures: list = field(default_factory=list)
    seconds: float = 0.0
    reader_seconds: float = 0.0
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
                "ms_per_page": round(self.seconds * 1000 / max(self.pages, 1), 1),
                "pages_per_second": round(self.pages / self.seconds, 2) if self.seconds else None,
                "reader_pages_per_second": round(self.pages / self.reader_seconds, 2)
                if self.reader_seconds else None}


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
    return score_side_by_side(set_dir, {"": extract})[""]


def score_side_by_side(set_dir: Path, extracts: dict[str, Callable[[Path, str], Extracted]],
                       warm: bool = False) -> dict[str, Score]:
    """Score each extractor on every page, page by page, taking turns at going first.

    With ``warm``, every extractor first reads every page untimed: what a
    process pays once (dateparser loads all its languages' patterns at the
    first date it cannot read otherwise, which only some pages and some
    callers reach) then weighs on neither rate. Taking turns alone did not
    share it out: trafilatura alone, given no URL, reached it on pages where
    kartoteka's reader did not, and its rate carried the load.
    """
    expected = json.loads((set_dir / "expect.json").read_text(encoding="utf-8"))
    scores = {name: Score() for name in extracts}
    names = list(extracts)
    for entry in expected if warm else []:
        for extract in extracts.values():
            extract(set_dir / "pages" / entry["file"], entry.get("url") or "")
    for turn, entry in enumerate(expected):
        for name in names[turn % len(names):] + names[:turn % len(names)]:
            started = time.perf_counter()
            found = extracts[name](set_dir / "pages" / entry["file"], entry.get("url") or "")
            scores[name].seconds += time.perf_counter() - started
            scores[name].reader_seconds += found.reader_seconds or 0.0
            _check(scores[name], entry, found)
    return scores


def _check(score: Score, entry: dict, found: Extracted) -> None:
    page = entry["file"]
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


def extract_with_kartoteka(path: Path, url: str) -> Extracted:
    """The page as ``kartoteka index`` reads it (the URL is not known to it).

    An HTML page goes through ``read_html_page`` then ``finish_article``, as
    ``read_file`` does, so that the reader's own time can be told apart.
    """
    if path.suffix.lower() not in (".html", ".htm"):
        articles = [item for item in read_file(path, path.parent) if isinstance(item, Article)]
        reader_seconds = None
    else:
        data = path.read_bytes()
        started = time.perf_counter()
        try:
            articles = [read_html_page(data)]
        except CorpusError:  # NoArticleFound: a problem read_file reports, no article
            articles = []
        reader_seconds = time.perf_counter() - started
        for article in articles:
            finish_article(article, path.name)
    if not articles:
        return Extracted(reader_seconds=reader_seconds)
    article = articles[0]
    return Extracted(text=article.body, title=article.title, authors=article.authors,
                     date=article.date, reader_seconds=reader_seconds)


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


def format_rates(scores: dict[str, Score]) -> list[str]:
    """Pages per second, kartoteka's (reader alone, and as indexed) beside trafilatura's."""
    base = scores.get("trafilatura")
    base_rate = base.pages / base.seconds if base and base.seconds else None
    lines = []
    for name, seconds in (("kartoteka's HTML reader", scores["kartoteka"].reader_seconds),
                          ("kartoteka as indexed", scores["kartoteka"].seconds),
                          ("trafilatura alone", base.seconds if base else 0.0)):
        if not seconds:
            continue
        rate = scores["kartoteka"].pages / seconds
        ratio = f"  ×{rate / base_rate:.2f} of trafilatura's" if base_rate else ""
        lines.append(f"{name:<24} {rate:6.2f} pages/s{ratio}")
    return lines


def run_realworld(set_dir: Path, with_trafilatura: bool = True,
                  show_failures: bool = False) -> dict:
    """Score kartoteka and trafilatura alone on the set; print a table and the rates.

    trafilatura alone always runs (``with_trafilatura`` is kept for the CLI's
    flag): the rates mean something only side by side, from one run.
    """
    systems = {"kartoteka": extract_with_kartoteka, "trafilatura": extract_with_trafilatura}
    report, scores = {}, score_side_by_side(set_dir, systems, warm=True)
    for name, score in scores.items():
        report[name] = score.to_dict()
        print(format_score(name, score))
        if show_failures:
            for page, kind, detail in score.failures:
                print(f"    {kind:<8} {page}: {detail[:150]}")
    for line in format_rates(scores):
        print(line)
    return report



def _seconds(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def time_whole_index(set_dir: Path, rounds: int = 3) -> dict:
    """Median seconds of ``kartoteka index --jobs 1`` of the set's pages and of
    trafilatura alone over them, each in a fresh process, taking turns."""
    pages = sorted(str(p) for p in (set_dir / "pages").iterdir())
    alone = [sys.executable, "-c", "import sys, trafilatura\n"
             "for p in sys.argv[1:]:\n"
             "    trafilatura.bare_extraction(open(p, 'rb').read(), with_metadata=True)", *pages]
    times: dict[str, list[float]] = {"trafilatura alone": [], "kartoteka index --jobs 1": []}
    with tempfile.TemporaryDirectory() as scratch:
        index = [sys.executable, "-c", "from indexer.cli import cli; cli()", "index",
                 str(set_dir / "pages"), "--jobs", "1", "--index", str(Path(scratch) / "index")]
        for turn in range(rounds):
            order = [("trafilatura alone", alone), ("kartoteka index --jobs 1", index)]
            for name, command in order[turn % 2:] + order[:turn % 2]:
                times[name].append(_seconds(command))
    base = len(pages) / statistics.median(times["trafilatura alone"])
    report = {}
    for name, seconds in times.items():
        rate = len(pages) / statistics.median(seconds)
        report[name] = {"seconds": [round(s, 1) for s in seconds], "pages_per_second":
                        round(rate, 2), "of_trafilatura": round(rate / base, 2)}
        print(f"{name:<26} {rate:6.2f} pages/s  ×{rate / base:.2f} of trafilatura's  "
              f"(seconds: {', '.join(f'{s:.1f}' for s in seconds)})")
    return report


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", dest="set_dir", type=Path, default=DEFAULT_SET)
    parser.add_argument("--index", action="store_true",
                        help="time the whole kartoteka index beside trafilatura alone")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.index:
        time_whole_index(args.set_dir, args.rounds)
    else:
        run_realworld(args.set_dir)
