"""One build's or update's work in progress on the cluster (``Load``).

Rows go to the shard their document id hashes to, in batched ``REPLACE INTO``
statements; each article's JSON, content hash and copy card go into the
stored side file; the vocabulary, the spellings of authors and the
translation links are gathered for ``build`` to write at the end.
Copies are marked once every article is in (``Load.mark_copies``).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

from ...errors import BuildError
from ...model import Article, CorpusError
from ...text.glossary import Glossary, shipped_glossary
from ...text.names import read_aliases
from ...text.outlets import OutletTable
from . import terms as sphinx_terms
from ..copies import Copy, find_copies
from ..schema import COPY_CARD
from .config import TEXT_FIELDS
from .rows import (
    COLUMNS,
    AuthorKeys,
    Numbering,
    OutletKeys,
    TopicKeys,
    analyzed,
    article_row,
    author_spellings,
    content_hash,
    outlet_spellings,
    stored_fields,
    topic_spellings,
)
from .terms import open_stored, shard_of
from ..store import AUTHOR_ALIASES, GLOSSARY, OUTLETS

BATCH = 200  # rows per REPLACE statement
HASH_COLUMN = sphinx_terms.HASH_COLUMN  # a build without it cannot be updated


def connect(host: str, port: int):
    """A SphinxQL connection to a shard; ``BuildError`` when it does not answer."""
    try:
        return sphinx_terms.connect(host, port)
    except sphinx_terms.Unreachable as error:
        raise BuildError(str(error)) from None


class Load:
    """One build's or update's work in progress: rows on their way to the shards,
    the stored articles, and what the side files will say."""

    def __init__(self, cluster, table: str, building: Path, numbering: Numbering,
                 batch: int, vocabulary: dict[str, set[str]] | None = None):
        self.table, self.batch, self.numbering = table, batch, numbering
        aliases = building / AUTHOR_ALIASES
        self.aliases = read_aliases(aliases)[0] if aliases.exists() else []
        self.author_key = AuthorKeys(self.aliases)
        own = building / GLOSSARY
        self.topic_key = TopicKeys(Glossary.load([own]) if own.exists() else shipped_glossary())
        self.topic_spellings: Counter = Counter()
        own = building / OUTLETS
        self.outlet_key = OutletKeys(OutletTable.load([own] if own.exists() else []))
        self.outlet_spellings: Counter = Counter()
        self.stored = open_stored(building, write=True)
        self.shards: list = []
        try:
            self.shards = [connect(host, port) for host, port, _ in cluster.shards]
        except BuildError:
            self.close()
            raise
        self.pending: list[list[tuple]] = [[] for _ in self.shards]
        self.spellings: Counter = Counter()
        self.vocabulary = vocabulary or {field: set() for field in TEXT_FIELDS}
        self.translations: list[tuple[str, str]] = []  # (article id, its translation's)
        self.seen: dict[str, int] = {}  # article id → the order it was read in
        self.problems, self.by_language = 0, Counter()
        self.warnings: list[str] = []

    def take(self, item) -> Article | None:
        """The item when it is an article not seen before (counted); None otherwise."""
        if isinstance(item, CorpusError):
            self.problems += 1
            return None
        if not isinstance(item, Article) or item.id in self.seen:
            return None
        self.seen[item.id] = len(self.seen)
        self.by_language[item.lang] += 1
        self.spellings.update(a for a in author_spellings(item) if a)
        self.topic_spellings.update(t for t in topic_spellings(item) if t)
        self.outlet_spellings.update(outlet_spellings(item))
        if item.translation:
            self.translations.append((item.id, item.translation))
        return item

    def add(self, article: Article, terms: tuple | None = None) -> None:
        """Store the article and send its row (in a batch) to its shard."""
        terms = terms or analyzed(article)
        row = article_row(article, self.numbering, self.author_key, terms, self.topic_key,
                          self.outlet_key)
        fields = json.dumps(stored_fields(article), ensure_ascii=False)
        card = COPY_CARD.pack(len(article.body.split())) + terms[4]
        self.stored.execute(f"INSERT OR REPLACE INTO articles (doc, article_id, fields, "
                            f"{HASH_COLUMN}, card, lang, url) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (row[0], article.id, fields, content_hash(fields), card,
                             article.lang, article.url or ""))
        for field, text in zip(TEXT_FIELDS, row[1:5]):
            self.vocabulary[field].update(text.split())
        n = shard_of(row[0], len(self.shards))
        self.pending[n].append(row)
        if len(self.pending[n]) >= self.batch:
            self._send(n)

    def flush(self) -> None:
        for n in range(len(self.shards)):
            self._send(n)
        self.stored.commit()

    def _send(self, n: int) -> None:
        """One batched ``REPLACE INTO`` of shard ``n``'s pending rows."""
        rows = self.pending[n]
        if rows:
            marks = ", ".join(["(" + ", ".join(["%s"] * len(COLUMNS)) + ")"] * len(rows))
            self.shards[n].cursor().execute(
                f"REPLACE INTO {self.table} ({', '.join(COLUMNS)}) VALUES {marks}",
                [value for row in rows for value in row])
            rows.clear()

    def delete(self, docs: list[int]) -> None:
        """``DELETE`` documents by id from the shard each one hashes to."""
        by_shard: dict[int, list[int]] = defaultdict(list)
        for doc in docs:
            by_shard[shard_of(doc, len(self.shards))].append(doc)
        for n, found in by_shard.items():
            for start in range(0, len(found), BATCH):
                chunk = ", ".join(map(str, found[start:start + BATCH]))
                self.shards[n].cursor().execute(f"DELETE FROM {self.table} WHERE id IN ({chunk})")
        self.stored.executemany("DELETE FROM articles WHERE doc = ?", [(d,) for d in docs])
        self.stored.commit()

    def mark_copies(self) -> None:
        """Find the copies among every article held (``copies.find_copies``, in the
        order they were read) and set each one's ``copy_of`` to its primary, which
        searches then show alone; the side file lists them for the hits."""
        docs, cards = {}, []
        for doc, article_id, card, lang, url in self.stored.execute(
                "SELECT doc, article_id, card, lang, url FROM articles"):
            order = self.seen.get(article_id)
            if order is not None and card and len(card) > COPY_CARD.size:
                docs[order] = doc
                (words,) = COPY_CARD.unpack_from(card)
                cards.append(Copy(order, card[COPY_CARD.size:], words, url, lang))
        found = {docs[c]: docs[p] for c, p in find_copies(cards).items()}
        order_of = {doc: order for order, doc in docs.items()}
        earlier = dict(self.stored.execute("SELECT copy, primary_doc FROM copies"))
        # An update's REPLACE left a re-sent copy at 0: set every copy, not only the new.
        changes = dict(found)
        changes.update((doc, 0) for doc in earlier if doc not in found)
        # One UPDATE per shard and primary: Sphinx 2.2 runs no UPDATE in a batch of
        # statements (a shard holding two copies failed the whole build).
        by_primary: dict[tuple[int, int], list[int]] = defaultdict(list)
        for doc, primary in changes.items():
            by_primary[shard_of(doc, len(self.shards)), primary].append(doc)
        for (n, primary), copies in by_primary.items():
            for start in range(0, len(copies), BATCH):
                chunk = ", ".join(map(str, copies[start:start + BATCH]))
                with self.shards[n].cursor() as cursor:
                    cursor.execute(f"UPDATE {self.table} SET copy_of = {primary} "
                                   f"WHERE id IN ({chunk})")
        self.stored.execute("DELETE FROM copies")
        self.stored.executemany("INSERT INTO copies (copy, primary_doc, rank) VALUES (?, ?, ?)",
                                [(c, p, order_of[c]) for c, p in found.items()])
        self.stored.commit()

    def spilled(self) -> list[str]:
        """A warning for each shard whose table keeps articles in disk chunks, where
        Sphinx 2.2 ranks them without the cluster-wide IDF (``config``)."""
        warnings = []
        for n, shard in enumerate(self.shards):
            with shard.cursor() as cursor:
                cursor.execute(f"SHOW INDEX {self.table} STATUS")
                status = dict(cursor.fetchall())
            chunks, limit = int(status.get("disk_chunks", 0)), int(status.get("mem_limit", 0))
            if chunks:
                warnings.append(f"shard {n} holds more articles than its RAM chunk "
                                f"({limit // 2 ** 20} MB): {chunks} disk chunk(s), whose articles "
                                "rank without the cluster-wide IDF; use more shards "
                                "(kartoteka cluster init --shards) for a corpus this size, "
                                "or a larger rt_mem_limit in the shards' configurations")
        return warnings

    def close(self) -> None:
        self.stored.close()
        for shard in self.shards:
            shard.close()
