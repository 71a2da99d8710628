"""The stored articles of a cluster build: what hits and the article view show.

Sphinx 2.2 keeps no text we could show, so a build writes each article's JSON
into ``data/stored.sqlite`` beside the cluster's configuration. A generation
reads the file it opened with; an ``--update`` swaps in a new one while
searches run, and their hits may then name articles the update added (read
from the new file) or removed (shown as removed, never a ``KeyError``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from .terms import open_stored

CHUNK = 500  # documents per SELECT … IN (…)


class StoredArticles:
    """The article JSON of one build, by Sphinx document id and by article id."""

    def __init__(self, data: Path):
        self.data = data
        self.db = open_stored(data)

    def close(self) -> None:
        self.db.close()

    def stored(self, docs: Sequence[int]) -> list[dict]:
        """The stored fields of ``docs``, in their order."""
        docs = list(docs)
        found = dict(self._rows(self.db, docs))
        missing = [doc for doc in docs if doc not in found]
        if missing:
            found.update(self._landed_since(missing))
        return [self._with_copies(doc, json.loads(found[doc])) if doc in found else _gone(doc)
                for doc in docs]

    def find(self, article_id: str) -> dict | None:
        row = self.db.execute("SELECT doc, fields FROM articles WHERE article_id = ?",
                              (article_id,)).fetchone()
        return None if row is None else self._with_copies(row[0], json.loads(row[1]))

    def _with_copies(self, doc: int, fields: dict) -> dict:
        """A document's stored fields, with its copies or the primary it is a copy of."""
        fields["copies"] = [self._link(d) for (d,) in self.db.execute(
            "SELECT copy FROM copies WHERE primary_doc = ? ORDER BY rank", (doc,))]
        primary = self.db.execute("SELECT primary_doc FROM copies WHERE copy = ?",
                                  (doc,)).fetchone()
        fields["copy_of"] = self._link(primary[0]) if primary else None
        return fields

    def _link(self, doc: int) -> dict:
        row = self.db.execute("SELECT article_id, url FROM articles WHERE doc = ?",
                              (doc,)).fetchone()
        return {"id": row[0], "url": row[1] or None} if row else {"id": f"removed-{doc}",
                                                                   "url": None}

    def _landed_since(self, docs: list[int]) -> dict[int, str]:
        """Articles an ``--update`` put in the live tables after this build was
        opened: read from the side file it swapped in."""
        latest = open_stored(self.data)
        try:
            return dict(self._rows(latest, docs))
        finally:
            latest.close()

    @staticmethod
    def _rows(db, docs: list[int]):
        for start in range(0, len(docs), CHUNK):
            chunk = docs[start:start + CHUNK]
            yield from db.execute(f"SELECT doc, fields FROM articles WHERE doc IN "
                                  f"({','.join('?' * len(chunk))})", chunk)


def _gone(doc: int) -> dict:
    """A document an update removed while a search was listing it."""
    return {"id": f"removed-{doc}", "title": "", "body": "", "authors": [], "regions": [],
            "topics": [], "outlet": "", "copies": [], "copy_of": None}
