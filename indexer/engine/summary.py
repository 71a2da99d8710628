"""What a build did, as the CLI prints it and ``--report`` writes it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..model import CorpusError, DuplicateId


@dataclass
class BuildSummary:
    """What a build did: counts by language, changes, problems, time, where it went."""

    mode: str = "full"  # "full" or "update"
    files: int = 0
    files_total: int = 0
    files_read: int = 0
    indexed: Counter = field(default_factory=Counter)  # articles in the index, by language
    problems: list[CorpusError] = field(default_factory=list)
    passed_over: Counter = field(default_factory=Counter)  # WARC records that are no pages, by why
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # unreadable lines of the glossary or aliases
    path: Path | None = None
    sources: list[str] = field(default_factory=list)  # what was indexed, resolved
    # Paragraphs the readers left out of the articles written, by rule, and by outlet
    # ("" for articles of no known outlet) then rule: a rule that eats an outlet shows.
    dropped: Counter = field(default_factory=Counter)
    dropped_by_outlet: dict[str, Counter] = field(default_factory=dict)

    def count_dropped(self, outlet: str, by_rule: Counter) -> None:
        """Add one written article's paragraphs left out, counted by rule."""
        self.dropped.update(by_rule)
        if by_rule:
            self.dropped_by_outlet.setdefault(outlet or "", Counter()).update(by_rule)

    @property
    def total(self) -> int:
        return sum(self.indexed.values())

    @property
    def duplicates(self) -> list[CorpusError]:
        return [p for p in self.problems if isinstance(p, DuplicateId)]

    def report(self, index_dir, sources, error: str | None = None) -> dict:
        """The machine-readable report (``kartoteka index --report FILE``)."""
        return {
            "status": "failed" if error else "ok",
            "error": error,
            "mode": self.mode,
            "index": str(index_dir),
            "generation": self.path.name if self.path else None,
            "sources": self.sources or [str(Path(s).resolve()) for s in sources],
            "articles": self.total,
            "by_language": dict(self.indexed),
            "files": self.files,
            "files_read": self.files_read,
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "seconds": round(self.seconds, 2),
            "problems": [p.to_dict() for p in self.problems],
            "passed_over": dict(self.passed_over),
            "notes": list(self.notes),
            # Of the articles this build wrote: all of them in a full build, the
            # added and changed ones in an update.
            "dropped": dict(self.dropped.most_common()),
            "dropped_by_outlet": {outlet: dict(counts.most_common())
                                  for outlet, counts in sorted(self.dropped_by_outlet.items())},
        }
