"""Publishing a generation: a fresh ``building-…`` folder, the atomic swap of
``current`` to it, and the clearing of what older or killed builds left.

A build writes into a new folder, renames it to ``gen-<time>`` and repoints
``current`` with one atomic rename, so a failed, interrupted or killed build
never touches the generation being served. ``crash_point`` lets the crash
tests stop a build at each of these steps exactly.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import signal
from pathlib import Path

from .store import BUILD_INFO, CURRENT, current_generation

CRASH_AT = "KARTOTEKA_CRASH_AT"  # for crash tests: the stage at which a build kills itself


def crash_point(stage: str) -> None:
    """Die here as ``kill -9`` would, when ``$KARTOTEKA_CRASH_AT`` names this stage.

    The crash tests stop a build at each stage of its writing exactly,
    instead of guessing a moment with a timer.
    """
    if os.environ.get(CRASH_AT) == stage:
        os.kill(os.getpid(), signal.SIGKILL)


@contextlib.contextmanager
def new_generation(index_dir: Path):
    """A fresh ``building-…`` folder, removed again unless it was swapped in."""
    index_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC)
    building = index_dir / f"building-{stamp:%Y%m%dT%H%M%S%f}-{os.getpid()}"
    building.mkdir()
    try:
        yield building, stamp
    finally:
        if building.exists():
            shutil.rmtree(building, ignore_errors=True)


def link_generation(current: Path, building: Path, own_files: tuple[str, ...]) -> None:
    """Start a generation from the current one's Whoosh files (hard links: they never change)."""
    for item in current.iterdir():
        if item.name in (BUILD_INFO, "MAIN_WRITELOCK", *own_files) or item.name.startswith("docsets"):
            continue
        try:
            os.link(item, building / item.name)
        except OSError:
            shutil.copy2(item, building / item.name)


def swap_in(index_dir: Path, building: Path, stamp: dt.datetime) -> Path:
    generation = index_dir / f"gen-{stamp:%Y%m%dT%H%M%S%f}"
    building.rename(generation)
    crash_point("renamed")
    link = index_dir / f".{CURRENT}-{os.getpid()}"
    if link.is_symlink():
        link.unlink()
    link.symlink_to(generation.name)
    os.replace(link, index_dir / CURRENT)  # atomic on POSIX
    return generation


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_old_generations(index_dir: Path, previous: Path | None) -> None:
    """Keep the current generation and the one it replaced (searches may still
    read it); drop the rest, and what dead builds left (a generation renamed
    but never swapped in is one)."""
    # Compared resolved: the index folder may be given as a relative path.
    keep = {p.resolve() for p in (current_generation(index_dir), previous) if p is not None}
    generations = sorted(p for p in index_dir.glob("gen-*") if p.is_dir())
    for folder in generations:
        if folder.resolve() not in keep:
            shutil.rmtree(folder, ignore_errors=True)
    for folder in index_dir.glob("building-*"):
        pid = folder.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not pid_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
