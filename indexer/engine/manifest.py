"""The manifest of a generation: every file read, its digest, and its articles.

``manifest.json.gz`` lets ``--update`` tell which files changed (size and
modification time, else SHA-256) and which article ids each file gave, so an
update gives the same index as a rebuild. See docs/index-format.md.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import Counter
from pathlib import Path

from ..model import CorpusError, DuplicateId

MANIFEST = "manifest.json.gz"  # files read, their article ids and digests, for --update
MANIFEST_VERSION = 3  # 2: no-date problems; 3: WARC files. An older one: --update rebuilds.


def file_state(path: Path) -> dict:
    stat = path.stat()
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": digest.hexdigest()}


class Ledger:
    """Which file gave which article ids, and which occurrence of an id wins.

    The first occurrence in file order (and line order within a file) wins,
    in a full build and an update alike, so both give the same index.
    """

    def __init__(self):
        self.files: dict[str, dict] = {}
        self.winners: dict[str, tuple[str, str, str]] = {}  # id -> (file key, hash, lang)
        self.problems: list[CorpusError] = []  # in file order, duplicates included
        self.passed_over: Counter = Counter()

    def add_file(self, key: str, state: dict, entries, problems,
                 passed_over: Counter | None = None) -> list[bool]:
        """Record a file's entries ``(id, hash, lang, line)``; which of them win."""
        self.files[key] = {**state, "entries": [list(e) for e in entries],
                           "problems": [p.to_dict() for p in problems]}
        if passed_over:
            self.files[key]["passed_over"] = dict(passed_over)
            self.passed_over.update(passed_over)
        self.problems += problems
        wins = []
        for article_id, digest, lang, line in entries:
            first = self.winners.get(article_id)
            if first is None:
                self.winners[article_id] = (key, digest, lang)
                wins.append(True)
            else:
                earlier = self.files[first[0]].get("source") or first[0]
                self.problems.append(DuplicateId(
                    f"id {article_id!r} already read from {earlier}", state.get("source") or key,
                    line))
                wins.append(False)
        return wins

    def by_language(self) -> Counter:
        return Counter(lang for _, _, lang in self.winners.values())

    def save(self, folder: Path, sources) -> None:
        data = {"version": MANIFEST_VERSION, "sources": [str(Path(s).resolve()) for s in sources],
                "files": self.files, "winners": {k: list(v) for k, v in self.winners.items()}}
        with gzip.open(folder / MANIFEST, "wt", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False)


def read_manifest(generation: Path) -> dict | None:
    """The generation's manifest, of whatever version; ``None`` when there is none."""
    try:
        with gzip.open(generation / MANIFEST, "rt", encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def unchanged(path: Path, old: dict | None) -> bool:
    """Whether a file is as the last build read it: same size and time, or same digest."""
    if old is None:
        return False
    stat = path.stat()
    if stat.st_size != old["size"]:
        return False
    return stat.st_mtime_ns == old["mtime_ns"] or file_state(path)["sha256"] == old["sha256"]
