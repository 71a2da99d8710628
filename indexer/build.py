"""Build an index from corpus sources, and swap it in only when it is whole.

An index folder holds generations: ``gen-<time>`` folders, each a complete
Whoosh index with a ``build.json``, and a ``current`` symlink naming the one
in use. A build writes into a fresh ``building-…`` folder, renames it to a
generation, and repoints ``current`` with one atomic rename. A build that
fails or is interrupted never touches ``current``, so the old index keeps
serving. The previous generation is kept, for searchers still reading it.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index

from . import __version__
from .corpus import find_files, read_file
from .docsets import write_docsets
from .model import Article, CorpusError
from .schema import document_fields, make_schema

CURRENT = "current"
BUILD_INFO = "build.json"
# Below these, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 64
PARALLEL_MIN_ARTICLES = 500
WRITER_MEMORY_MB = 256


class BuildError(Exception):
    """A build that could not produce an index; the old one is untouched."""


@dataclass
class BuildSummary:
    """What a build did: counts by language, problems, time, where it went."""

    files: int = 0
    files_total: int = 0
    indexed: Counter = field(default_factory=Counter)
    problems: list[CorpusError] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    seconds: float = 0.0
    path: Path | None = None

    @property
    def total(self) -> int:
        return sum(self.indexed.values())


def default_index_dir() -> Path:
    """``$KARTOTEKA_INDEX``, else ``$XDG_DATA_HOME/kartoteka/index``."""
    if os.environ.get("KARTOTEKA_INDEX"):
        return Path(os.environ["KARTOTEKA_INDEX"])
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "kartoteka" / "index"


def current_generation(index_dir: Path) -> Path | None:
    """The generation folder ``current`` points to, or ``None``."""
    link = Path(index_dir) / CURRENT
    if not link.is_symlink() and not link.exists():
        return None
    target = link.resolve()
    return target if (target / BUILD_INFO).exists() else None


def _articles_hint(jobs: list[tuple[Path, Path]]) -> int:
    """A cheap guess at the number of articles: files, and 1 per 4 KB of JSON Lines."""
    total = 0
    for path, _ in jobs:
        if path.suffix.lower() in (".jsonl", ".ndjson"):
            total += max(1, path.stat().st_size // 4096)
        else:
            total += 1
    return total


def _read_one(job: tuple[Path, Path]) -> list[Article | CorpusError]:
    return list(read_file(*job))


def _read_all(jobs: list[tuple[Path, Path]], workers: int):
    """Read files, in worker processes when it pays; yields per-file lists."""
    if workers > 1 and len(jobs) >= PARALLEL_MIN_FILES:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from pool.imap(_read_one, jobs, chunksize=8)
    else:
        yield from map(_read_one, jobs)


def _writer(ix, workers: int, articles_hint: int):
    """Whoosh's multiprocessing writer when it pays: analysis is the heavy part."""
    # compound=False: Whoosh reads a compound segment's parts into memory
    # (BytesIO copies of the postings), which cost a server ~190 MB at 50k.
    if workers > 1 and articles_hint >= PARALLEL_MIN_ARTICLES:
        return ix.writer(procs=workers, limitmb=WRITER_MEMORY_MB // workers,
                         multisegment=True, compound=False)
    return ix.writer(limitmb=WRITER_MEMORY_MB, compound=False)


def build_index(
    sources: Iterable[str | os.PathLike],
    index_dir: str | os.PathLike,
    workers: int | None = None,
    on_file: Callable[[BuildSummary], None] | None = None,
) -> BuildSummary:
    """Index every article under ``sources`` into a new generation of ``index_dir``.

    ``on_file`` is called after each file with the summary so far. Raises
    ``BuildError`` (and leaves the current index as it was) when nothing
    could be indexed; ``FileNotFoundError`` for a missing source.
    """
    started = time.perf_counter()
    index_dir = Path(index_dir)
    jobs = list(find_files(sources))
    index_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.timezone.utc)
    building = index_dir / f"building-{stamp:%Y%m%dT%H%M%S%f}-{os.getpid()}"
    building.mkdir()
    summary = BuildSummary(files_total=len(jobs))
    try:
        ix = whoosh_index.create_in(building, make_schema())
        writer = _writer(ix, workers or os.cpu_count() or 1, _articles_hint(jobs))
        try:
            _write_articles(writer, jobs, workers or os.cpu_count() or 1, summary, on_file)
        except BaseException:
            writer.cancel()
            raise
        if not summary.total:
            writer.cancel()
            raise BuildError("no articles found in the sources; the index was left as it was")
        writer.commit()
        write_docsets(building, ix, workers or os.cpu_count() or 1)
        ix.close()
        summary.seconds = time.perf_counter() - started
        _write_build_info(building, sources, stamp, summary)
        summary.path = _swap_in(index_dir, building, stamp)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    _remove_old_generations(index_dir)
    return summary


def _write_articles(writer, jobs, workers, summary, on_file) -> None:
    seen: dict[str, str] = {}
    for items in _read_all(jobs, workers):
        summary.files += 1
        for item in items:
            if isinstance(item, CorpusError):
                summary.problems.append(item)
            elif item.id in seen:
                summary.duplicates.append(
                    f"{item.source}: id {item.id!r} already read from {seen[item.id]}; "
                    "kept the first")
            else:
                seen[item.id] = item.source
                writer.add_document(**document_fields(item))
                summary.indexed[item.lang] += 1
        if on_file:
            on_file(summary)


def _write_build_info(folder: Path, sources, stamp: dt.datetime, summary: BuildSummary) -> None:
    info = {
        "built_at": stamp.isoformat(timespec="seconds"),
        "kartoteka_version": __version__,
        "sources": [str(Path(s).resolve()) for s in sources],
        "articles": summary.total,
        "by_language": dict(summary.indexed),
        "files": summary.files,
        "problems": len(summary.problems) + len(summary.duplicates),
        "seconds": round(summary.seconds, 2),
    }
    (folder / BUILD_INFO).write_text(json.dumps(info, indent=2), encoding="utf-8")


def read_build_info(generation: Path) -> dict:
    """The ``build.json`` of a generation folder."""
    return json.loads((generation / BUILD_INFO).read_text(encoding="utf-8"))


def _swap_in(index_dir: Path, building: Path, stamp: dt.datetime) -> Path:
    generation = index_dir / f"gen-{stamp:%Y%m%dT%H%M%S%f}"
    building.rename(generation)
    link = index_dir / f".{CURRENT}-{os.getpid()}"
    if link.is_symlink():
        link.unlink()
    link.symlink_to(generation.name)
    os.replace(link, index_dir / CURRENT)  # atomic on POSIX
    return generation


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_old_generations(index_dir: Path) -> None:
    """Keep the current and the previous generation; drop dead builds."""
    current = current_generation(index_dir)
    generations = sorted(p for p in index_dir.glob("gen-*") if p.is_dir())
    keep = {current}
    older = [g for g in generations if current and g.name < current.name]
    if older:
        keep.add(older[-1])
    for folder in generations:
        if folder not in keep:
            shutil.rmtree(folder, ignore_errors=True)
    for folder in index_dir.glob("building-*"):
        pid = folder.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _pid_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
