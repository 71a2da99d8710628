"""Build an index from corpus sources, and swap it in only when it is whole.

An index folder holds generations: ``gen-<time>`` folders, each a complete
Whoosh index with a ``build.json``, and a ``current`` symlink naming the one
in use. A build writes into a fresh ``building-…`` folder, renames it to a
generation, and repoints ``current`` with one atomic rename. A build that
fails or is interrupted never touches ``current``, so the old index keeps
serving. The previous generation is kept, for searchers still reading it. Where the
generations are, and which one is current, is ``store``'s to say.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from whoosh import index as whoosh_index

from ... import __version__
from ...errors import BuildError
from ...ingest.corpus import (
    DEFAULT_MAX_BYTES,
    PassedOver,
    find_files,
    read_file,
    source_name,
)
from ...model import Article, CorpusError
from ...text.names import read_aliases
from ..copies import fingerprint
from ..dictionaries import choose_dictionaries, keep_translations
from .docsets import Docsets
from .docsets_writer import write_docsets
from ..lock import build_locked
from ..manifest import (
    MANIFEST,
    MANIFEST_VERSION,
    Ledger,
    file_state,
    read_manifest,
    unchanged,
)
from ..own_files import own_files, place_own_files
from ..publish import (
    crash_point,
    link_generation,
    new_generation,
    remove_old_generations,
    swap_in,
)
from ..schema import document_fields, make_schema
from ..store import (
    AUTHOR_ALIASES,
    BUILD_INFO,
    GENERATION_FORMAT,
    GLOSSARY,
    OUTLETS,
    current_generation,
    is_current_format,
)
from ..summary import BuildSummary

# Below these, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 64
WRITER_MEMORY_MB = 256


def _jobs(sources) -> list[tuple[Path, Path]]:
    """Every file under the sources once, in order (a folder given twice, or inside another, counts once)."""
    seen, jobs = set(), []
    for path, root in find_files(sources):
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            jobs.append((path, root))
    return jobs


def _read_one(task) -> tuple[dict, list, list[Counter]]:
    """A file's state (size, mtime, digest, name), what it holds: articles (each
    with its copy fingerprint, made here in the worker) and problems, and each
    article's paragraphs left out, counted by rule (the report's ``dropped``)."""
    (path, root), max_bytes = task
    state = file_state(path)
    state["source"] = source_name(path, root)
    items = list(read_file(path, root, max_bytes))
    dropped = []
    for item in items:
        if isinstance(item, Article):
            item.fingerprint = fingerprint(item.title, item.body)
            dropped.append(Counter(d.rule for d in item.dropped))
            # Only counts travel back: the texts are for kartoteka inspect, which reads again.
            item.dropped, item.sources = [], {}
    return state, items, dropped


def _read_all(jobs: list[tuple[Path, Path]], workers: int, max_bytes: int):
    """Read files, in worker processes when it pays; yields ``_read_one``'s triple per file."""
    tasks = [(job, max_bytes) for job in jobs]
    if workers > 1 and len(jobs) >= PARALLEL_MIN_FILES:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from pool.imap(_read_one, tasks, chunksize=8)
    else:
        yield from map(_read_one, tasks)


def _writer(ix):
    """One Whoosh writer: it keeps the articles (stored fields, facet keys, columns),
    little work beside their words, which the docsets writer analyzes in parallel."""
    # compound=False: Whoosh reads a compound segment's parts into memory
    # (BytesIO copies), which cost a server ~190 MB at 50k.
    return ix.writer(limitmb=WRITER_MEMORY_MB, compound=False)


def _entries(items) -> tuple[list, list, list]:
    """(articles, entries, problems) of one file's items."""
    articles, entries, problems = [], [], []
    for item in items:
        if isinstance(item, CorpusError):
            problems.append(item)
        elif not isinstance(item, PassedOver):
            articles.append(item)
            entries.append((item.id, item.content_hash(), item.lang, item.line))
    return articles, entries, problems


def _passed_over(items) -> Counter:
    """One file's records passed over, counted by why (a WARC's requests, redirects…)."""
    return Counter(item.reason for item in items if isinstance(item, PassedOver))


def build_index(
    sources: Iterable[str | os.PathLike],
    index_dir: str | os.PathLike,
    workers: int | None = None,
    on_file: Callable[[BuildSummary], None] | None = None,
    *,
    max_file_bytes: int = DEFAULT_MAX_BYTES,
    strict: bool = False,
    glossary: str | os.PathLike | None = None,
    aliases: str | os.PathLike | None = None,
    outlets: str | os.PathLike | None = None,
    dictionary=None,
) -> BuildSummary:
    """Index every article under ``sources`` into a new generation of ``index_dir``.

    ``glossary`` (more English↔Russian pairs), ``aliases`` (spellings of
    one author's name) and ``outlets`` (more rows of the outlet table) are a
    researcher's own files, kept in the generation. ``dictionary``: the bilingual
    dictionaries' paths (default: the installed ones; ``False``: none).
    ``on_file`` is called after each file with the summary so far. Raises
    ``BuildError`` (and leaves the current index as it was) when nothing
    could be indexed, when ``strict`` and the corpus has problems, or when
    another build holds the folder; ``FileNotFoundError`` for a missing source.
    """
    index_dir = Path(index_dir)
    sources = list(sources)
    own = own_files(glossary, aliases, outlets)
    dictionaries = choose_dictionaries(dictionary)
    with build_locked(index_dir):
        return _full_build(sources, index_dir, workers or os.cpu_count() or 1, on_file,
                           max_file_bytes, strict, own, dictionaries)


def _full_build(sources, index_dir: Path, workers: int, on_file, max_file_bytes: int,
                strict: bool, own: dict[str, Path], dictionaries: list[Path]) -> BuildSummary:
    started = time.perf_counter()
    jobs = _jobs(sources)
    summary = BuildSummary(files_total=len(jobs), sources=[str(Path(s).resolve()) for s in sources])
    with new_generation(index_dir) as (building, stamp):
        ix = whoosh_index.create_in(building, make_schema())
        writer = _writer(ix)
        ledger = Ledger()
        try:
            for (path, _), (state, items, dropped) in zip(
                    jobs, _read_all(jobs, workers, max_file_bytes)):
                articles, entries, problems = _entries(items)
                wins = ledger.add_file(str(path.resolve()), state, entries, problems,
                                       _passed_over(items))
                for article, wins_here, counts in zip(articles, wins, dropped):
                    if wins_here:
                        writer.add_document(**document_fields(article, article.fingerprint))
                        summary.indexed[article.lang] += 1
                        summary.count_dropped(article.outlet, counts)
                summary.files += 1
                summary.files_read += 1
                summary.problems, summary.passed_over = ledger.problems, ledger.passed_over
                if on_file:
                    on_file(summary)
                crash_point("reading")
            summary.added = summary.total
            _check_outcome(summary, strict)
        except BaseException:
            writer.cancel()
            raise
        place_own_files(building, own, summary)
        previous = _land(writer, index_dir, building, ix, workers, sources, stamp, summary,
                         ledger, started, dictionaries)
    remove_old_generations(index_dir, previous)
    return summary


def _check_outcome(summary: BuildSummary, strict: bool) -> None:
    if not summary.total:
        raise BuildError("no articles found in the sources; the index was left as it was")
    if strict and summary.problems:
        raise BuildError(f"--strict: {len(summary.problems)} problem"
                         f"{'s' if len(summary.problems) != 1 else ''} in the corpus; "
                         "the index was left as it was")


def _land(writer, index_dir, building, ix, workers, sources, stamp, summary, ledger,
          started, dictionaries) -> Path | None:
    """Commit the writer, finish the generation and swap it in; the one it replaced."""
    writer.commit()
    crash_point("committed")
    _finish_generation(building, ix, workers, sources, stamp, summary, ledger, started,
                       dictionaries)
    previous = current_generation(index_dir)
    summary.path = swap_in(index_dir, building, stamp)
    return previous


def _finish_generation(building, ix, workers, sources, stamp, summary, ledger, started,
                       dictionaries):
    aliases = []
    if (building / AUTHOR_ALIASES).exists():
        aliases = read_aliases(building / AUTHOR_ALIASES)[0]
    write_docsets(building, ix, workers, aliases)
    with contextlib.closing(Docsets(building)) as docsets:
        vocabulary = [*docsets.prefixed("title", ""), *docsets.prefixed("body", "")]
    keep_translations(building, dictionaries, vocabulary, summary.notes)
    crash_point("docsets")
    ix.close()
    ledger.save(building, sources)
    summary.seconds = time.perf_counter() - started
    _write_build_info(building, sources, stamp, summary)


def update_index(
    sources: Iterable[str | os.PathLike],
    index_dir: str | os.PathLike,
    workers: int | None = None,
    on_file: Callable[[BuildSummary], None] | None = None,
    *,
    max_file_bytes: int = DEFAULT_MAX_BYTES,
    strict: bool = False,
    glossary: str | os.PathLike | None = None,
    aliases: str | os.PathLike | None = None,
    outlets: str | os.PathLike | None = None,
    dictionary=None,
) -> BuildSummary:
    """Bring the index up to date: add, replace and remove articles.

    The sources are the index's earlier sources (those still there) followed
    by any new ones in ``sources``: so ``--update new-month/`` adds a folder,
    and an article is removed when its file is gone from disk. Files whose
    size and time (or digest) are unchanged are not read again; the others
    are, and their articles compared by id and content hash. The result is the
    index a full build of those sources would give. Without an index to
    update, this is a full build of ``sources``; an index whose manifest or
    generation format is of another version is rebuilt from its sources and
    the given ones.
    """
    index_dir = Path(index_dir)
    sources = list(sources)
    workers = workers or os.cpu_count() or 1
    own = own_files(glossary, aliases, outlets)
    dictionaries = choose_dictionaries(dictionary)
    with build_locked(index_dir):
        current = current_generation(index_dir)
        manifest = read_manifest(current) if current else None
        if manifest is None:
            return _full_build(sources, index_dir, workers, on_file, max_file_bytes, strict, own,
                               dictionaries)
        for name in (GLOSSARY, AUTHOR_ALIASES, OUTLETS):  # kept from the index being updated
            if name not in own and (current / name).exists():
                own[name] = current / name
        earlier = [Path(s) for s in manifest.get("sources", []) if Path(s).exists()]
        given = [Path(s).resolve() for s in sources]
        sources = earlier + [s for s in given if s not in earlier]
        if manifest.get("version") != MANIFEST_VERSION or not is_current_format(current):
            # An older kartoteka's record of the files (their problems, say) is not
            # what this one would write, nor its index one this one reads: read
            # them all again, sources kept.
            return _full_build(sources, index_dir, workers, on_file, max_file_bytes, strict,
                               own, dictionaries)
        return _update(sources, index_dir, current, manifest, workers, on_file,
                       max_file_bytes, strict, own, dictionaries)


def _update(sources, index_dir, current, manifest, workers, on_file, max_file_bytes, strict,
            own, dictionaries):
    started = time.perf_counter()
    jobs = _jobs(sources)
    summary = BuildSummary(mode="update", files_total=len(jobs),
                           sources=[str(Path(s).resolve()) for s in sources])
    old_files = manifest["files"]
    keys = [str(path.resolve()) for path, _ in jobs]
    job_of = dict(zip(keys, jobs))
    stale = [job for job, key in zip(jobs, keys) if not unchanged(job[0], old_files.get(key))]
    fresh: dict[str, dict[str, Article]] = {}  # file key -> the first article of each id
    read = {}
    dropped: dict[tuple[str, str], Counter] = {}  # (file key, id) -> paragraphs left out
    for (path, _), (state, items, counts) in zip(stale, _read_all(stale, workers,
                                                                  max_file_bytes)):
        read[str(path.resolve())] = (state, items)
        _count_by_article(dropped, str(path.resolve()), items, counts)
        summary.files_read += 1
        if on_file:
            summary.files = summary.files_read
            on_file(summary)
    ledger = Ledger()
    for job, key in zip(jobs, keys):
        if key in read:
            state, items = read[key]
            articles, entries, problems = _entries(items)
            passed_over = _passed_over(items)
            fresh[key] = _first_by_id(articles)
        else:
            old = old_files[key]
            state = {k: old[k] for k in ("size", "mtime_ns", "sha256", "source")}
            state["mtime_ns"] = job[0].stat().st_mtime_ns
            entries = [tuple(e) for e in old["entries"]]
            problems = [CorpusError.from_dict(p) for p in old["problems"]]
            passed_over = Counter(old.get("passed_over", {}))
        ledger.add_file(key, state, entries, problems, passed_over)
    summary.files = len(jobs)
    summary.problems, summary.passed_over = ledger.problems, ledger.passed_over
    summary.indexed = ledger.by_language()
    old_winners = {k: tuple(v) for k, v in manifest["winners"].items()}
    removed = [i for i in old_winners if i not in ledger.winners]
    replaced = [i for i, w in ledger.winners.items() if i in old_winners and old_winners[i] != w]
    added = [i for i in ledger.winners if i not in old_winners]
    summary.added, summary.changed, summary.removed = len(added), len(replaced), len(removed)
    summary.unchanged = len(ledger.winners) - len(added) - len(replaced)
    _check_outcome(summary, strict)
    if not (added or replaced or removed):
        summary.seconds = time.perf_counter() - started
        summary.path = current
        return summary
    needed = {ledger.winners[i][0] for i in added + replaced}
    for key in needed - set(fresh):
        # A winner from an unread file: an earlier duplicate of it has gone.
        _, items, counts = _read_one((job_of[key], max_file_bytes))
        fresh[key] = _first_by_id(_entries(items)[0])
        _count_by_article(dropped, key, items, counts)
    with new_generation(index_dir) as (building, stamp):
        link_generation(current, building, (MANIFEST,))
        ix = whoosh_index.open_dir(str(building))
        writer = _writer(ix)
        try:
            for article_id in removed + replaced:
                writer.delete_by_term("id", article_id)
            for article_id in added + replaced:
                key = ledger.winners[article_id][0]
                article = fresh[key][article_id]
                writer.add_document(**document_fields(article, article.fingerprint))
                summary.count_dropped(article.outlet, dropped[key, article_id])
        except BaseException:
            writer.cancel()
            raise
        place_own_files(building, own, summary)
        previous = _land(writer, index_dir, building, ix, workers, sources, stamp, summary,
                         ledger, started, dictionaries)
    remove_old_generations(index_dir, previous)
    return summary


def _count_by_article(dropped: dict, key: str, items, counts: list[Counter]) -> None:
    """Each article's paragraphs left out (``_read_one``), by (file key, first of its id)."""
    articles = [item for item in items if isinstance(item, Article)]
    for article, article_counts in zip(articles, counts):
        dropped.setdefault((key, article.id), article_counts)


def _first_by_id(articles: list[Article]) -> dict[str, Article]:
    first: dict[str, Article] = {}
    for article in articles:
        first.setdefault(article.id, article)
    return first


def _write_build_info(folder: Path, sources, stamp: dt.datetime, summary: BuildSummary) -> None:
    info = {
        "format": GENERATION_FORMAT,  # checked on open by store.read_build_info
        "built_at": stamp.isoformat(timespec="seconds"),
        "kartoteka_version": __version__,
        "sources": [str(Path(s).resolve()) for s in sources],
        "articles": summary.total,
        "by_language": dict(summary.indexed),
        "files": summary.files,
        "mode": summary.mode,
        "problems": len(summary.problems),
        "seconds": round(summary.seconds, 2),
    }
    (folder / BUILD_INFO).write_text(json.dumps(info, indent=2), encoding="utf-8")
