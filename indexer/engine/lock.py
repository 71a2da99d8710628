"""One build at a time per index folder.

The lock is an advisory ``flock`` on ``build.lock`` in the index folder: the
kernel drops it when the holding process ends, however it ends (``kill -9``
included), so a lock can never be left stale. The file keeps the holder's
pid and start time, to name it when a second build is refused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
from pathlib import Path

LOCK_FILE = "build.lock"
_HELD: set[int] = set()  # lock descriptors of this process


def _close_in_child() -> None:
    # A forked worker must not keep the lock alive after its build is killed.
    for fd in _HELD:
        os.close(fd)
    _HELD.clear()


os.register_at_fork(after_in_child=_close_in_child)


class BuildLocked(Exception):
    """Another build holds the index folder's lock."""


class BuildLock:
    """``with BuildLock(index_dir):`` — raises ``BuildLocked`` if a build runs."""

    def __init__(self, index_dir: Path):
        self.path = Path(index_dir) / LOCK_FILE
        self._fd: int | None = None

    def __enter__(self) -> BuildLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise BuildLocked(
                f"another build is running on {self.path.parent} ({holder}); "
                "wait for it to finish — its lock ends with it") from None
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "started": dt.datetime.now(
            dt.UTC).isoformat(timespec="seconds")}).encode())
        self._fd = fd
        _HELD.add(fd)
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            _HELD.discard(self._fd)
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def _read_holder(fd: int) -> str:
    try:
        data = json.loads(os.pread(fd, 4096, 0) or b"{}")
        return f"pid {data['pid']}, started {data['started']}"
    except (ValueError, KeyError, OSError):
        return "holder unknown"


@contextlib.contextmanager
def build_locked(index_dir):
    """The folder's build lock, or ``BuildError`` naming the build that holds it:
    one build or update of an index (or a cluster) at a time."""
    from ..errors import BuildError

    lock = BuildLock(Path(index_dir))
    try:
        lock.__enter__()
    except BuildLocked as error:
        raise BuildError(str(error)) from None
    try:
        yield
    finally:
        lock.__exit__(None, None, None)
