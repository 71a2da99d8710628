"""The Sphinx engine's write path: analyze articles and send them to the shards.

kartoteka analyzes each article (``sphinx_rows``) and sends the terms with the
facet attributes to the shard its document id hashes to, in batched
``REPLACE INTO`` statements. Beside the cluster's configuration, the build
keeps what Sphinx 2.2 cannot, written into a fresh folder and swapped in
whole: the article JSON (``stored.sqlite``), the numbering of facet values,
the names across scripts and the pairs learned from translations
(``dictionary.json``), the vocabulary (``vocabulary.json``, for "did you
mean") and the researcher's own glossary and aliases.

Atomic for searchers: a full build fills the table set that is not live
(``sphinx_config``), and its ``build.json``, swapped in with the side files,
names that set; an update changes the live set in place, by document id.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from ..errors import BuildError
from ..ingest.corpus import read_corpus
from ..model import Article, CorpusError
from ..text.analysis import STOP_WORDS
from ..text.learned import MAX_LEARNING_PAIRS, learn_pairs, text_terms
from ..text.names import name_groups, read_aliases
from . import sphinx_terms
from .copies import Copy, find_copies
from .own_files import own_files, place_own_files
from .schema import COPY_CARD
from .sphinx_config import TEXT_FIELDS, other_set, read_cluster, rt_index
from .sphinx_rows import (
    COLUMNS,
    AuthorKeys,
    Numbering,
    analyzed,
    article_row,
    author_spellings,
    author_values,
    content_hash,
    in_blocks,
    stored_fields,
)
from .sphinx_terms import (
    BUILD_FORMAT,
    BUILD_INFO,
    DATA_FOLDER,
    DICTIONARY,
    DICTIONARY_VERSION,
    DIGEST_PREFIX,
    open_stored,
    read_dictionary,
    read_vocabulary,
    shard_of,
    write_vocabulary,
)
from .store import AUTHOR_ALIASES
from .summary import BuildSummary

BATCH = 200  # rows per REPLACE statement
HASH_COLUMN = sphinx_terms.HASH_COLUMN  # a build without it cannot be updated
NAME_FIELDS = ("author", "exact")  # names across scripts are found among words as written


def connect(host: str, port: int):
    """A SphinxQL connection to a shard; ``BuildError`` when it does not answer."""
    try:
        return sphinx_terms.connect(host, port)
    except sphinx_terms.Unreachable as error:
        raise BuildError(str(error)) from None


class _Load:
    """One build's or update's work in progress: rows on their way to the shards,
    the stored articles, and what the side files will say."""

    def __init__(self, cluster, table: str, building: Path, numbering: Numbering,
                 batch: int, vocabulary: dict[str, set[str]] | None = None):
        self.table, self.batch, self.numbering = table, batch, numbering
        aliases = building / AUTHOR_ALIASES
        self.aliases = read_aliases(aliases)[0] if aliases.exists() else []
        self.author_key = AuthorKeys(self.aliases)
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
        if item.translation:
            self.translations.append((item.id, item.translation))
        return item

    def add(self, article: Article, terms: tuple | None = None) -> None:
        """Store the article and send its row (in a batch) to its shard."""
        terms = terms or analyzed(article)
        row = article_row(article, self.numbering, self.author_key, terms)
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
        by_shard: dict[int, list[str]] = defaultdict(list)
        for doc, primary in changes.items():
            by_shard[shard_of(doc, len(self.shards))].append(
                f"UPDATE {self.table} SET copy_of = {primary} WHERE id = {doc}")
        for n, statements in by_shard.items():
            for start in range(0, len(statements), BATCH):
                with self.shards[n].cursor() as cursor:
                    cursor.execute("; ".join(statements[start:start + BATCH]))
                    while cursor.nextset():
                        pass
        self.stored.execute("DELETE FROM copies")
        self.stored.executemany("INSERT INTO copies (copy, primary_doc, rank) VALUES (?, ?, ?)",
                                [(c, p, order_of[c]) for c, p in found.items()])
        self.stored.commit()

    def spilled(self) -> list[str]:
        """A warning for each shard whose table keeps articles in disk chunks, where
        Sphinx 2.2 ranks them without the cluster-wide IDF (``sphinx_config``)."""
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


def _prepare(folder: Path, glossary, aliases, copy_from: Path | None) -> tuple[Path, list]:
    """A fresh ``data-building`` folder (a copy of ``copy_from``), with the
    researcher's files placed in it; (folder, notes on their unreadable lines)."""
    own = own_files(glossary, aliases)
    building = folder / f"{DATA_FOLDER}-building"
    shutil.rmtree(building, ignore_errors=True)
    if copy_from is None:
        building.mkdir()
    else:
        shutil.copytree(copy_from, building)
    summary = BuildSummary()
    place_own_files(building, own, summary)
    return building, summary.notes


def index_articles(cluster_dir: str | os.PathLike, sources: Iterable[str | os.PathLike],
                   batch: int = BATCH, workers: int | None = None,
                   glossary: str | os.PathLike | None = None,
                   aliases: str | os.PathLike | None = None) -> dict:
    """Index every article of ``sources`` into the cluster whose folder is ``cluster_dir``,
    replacing what it held, analyzing in ``workers`` processes (one per core by
    default); ``glossary`` and ``aliases`` as for the Whoosh engine's build.
    Returns the build's summary (``build.json``)."""
    workers = workers or os.cpu_count() or 1
    started = time.perf_counter()
    cluster = read_cluster(cluster_dir)
    folder = Path(cluster.folder)
    target = other_set(_live_set(folder / DATA_FOLDER))
    building, notes = _prepare(folder, glossary, aliases, None)
    with _loading(_Load(cluster, rt_index(target), building, Numbering(), batch),
                  building) as load:
        for shard in load.shards:
            shard.cursor().execute(f"TRUNCATE RTINDEX {load.table}")
        for item, terms in in_blocks(read_corpus(sources), workers):
            article = load.take(item)
            if article is not None:
                load.add(article, terms)
        if not load.seen:
            raise BuildError("no articles found in the sources; the cluster was left as it was")
        load.flush()
    info = {**_summary(load, notes, cluster),
            "sources": [str(Path(s).resolve()) for s in sources], "set": target}
    return _finish(folder, building, load, info, started)


def update_articles(cluster_dir: str | os.PathLike, sources: Iterable[str | os.PathLike],
                    batch: int = BATCH, glossary: str | os.PathLike | None = None,
                    aliases: str | os.PathLike | None = None) -> dict:
    """Bring the cluster up to date with ``sources``: ``REPLACE INTO`` the new and
    changed articles on their shards, ``DELETE`` the ones gone, by document id.

    As the Whoosh engine's ``update_index``, the sources are the build's earlier
    sources still on disk followed by the given ones; an article is changed when
    its stored JSON's hash differs. Returns the summary (``build.json``) with
    ``added``, ``changed`` and ``removed``. A cluster built before content
    hashes were kept raises ``BuildError``: index it whole once.
    """
    started = time.perf_counter()
    cluster = read_cluster(cluster_dir)
    folder = Path(cluster.folder)
    data = folder / DATA_FOLDER
    if not (data / BUILD_INFO).exists():
        raise BuildError(f"nothing is indexed in {folder} yet: index the corpus without --update")
    earlier = json.loads((data / BUILD_INFO).read_text(encoding="utf-8"))
    if earlier.get("format") != BUILD_FORMAT:
        raise BuildError(f"the cluster in {folder} was built by an older kartoteka: index the "
                         "whole corpus again (without --update) once")
    sources = list(dict.fromkeys([*(s for s in earlier.get("sources", []) if Path(s).exists()),
                                  *(str(Path(s).resolve()) for s in sources)]))
    building, notes = _prepare(folder, glossary, aliases, data)
    vocabulary = {f: set(terms) for f, terms in read_vocabulary(data).items()}
    load = _Load(cluster, rt_index(earlier.get("set", "a")), building, Numbering(), batch,
                 vocabulary)  # a removed article's words stay in it: harmless
    with _loading(load, building):
        columns = [row[1] for row in load.stored.execute("PRAGMA table_info(articles)")]
        if HASH_COLUMN not in columns or "card" not in columns:
            raise BuildError(f"the cluster in {folder} was built before updates were possible: "
                             "index the whole corpus again (without --update) once")
        load.numbering = _earlier_numbering(data, load.author_key)
        held = {article_id: (doc, digest) for doc, article_id, digest in load.stored.execute(
            f"SELECT doc, article_id, {HASH_COLUMN} FROM articles")}
        added = changed = 0
        for item in read_corpus(sources):
            article = load.take(item)
            if article is None:
                continue
            before = held.get(article.id)
            fields = json.dumps(stored_fields(article), ensure_ascii=False)
            if before is None or before[1] != content_hash(fields):
                added, changed = added + (before is None), changed + (before is not None)
                load.add(article)
        if not load.seen:
            raise BuildError("no articles found in the sources; the cluster was left as it was")
        load.flush()
        gone = [doc for article_id, (doc, _) in held.items() if article_id not in load.seen]
        load.delete(gone)
    info = {**_summary(load, notes, cluster), "sources": sources, "mode": "update",
            "added": added, "changed": changed, "removed": len(gone),
            "set": earlier.get("set", "a")}
    return _finish(folder, building, load, info, started)


@contextlib.contextmanager
def _loading(load: _Load, building: Path):
    """A build's or update's work on ``load``, then its copies and its shards' spill
    check; whatever fails, the connections are closed, and on failure the half
    written side files removed (the live ones were never touched)."""
    try:
        yield load
        load.mark_copies()
        load.warnings = load.spilled()
    except BaseException:
        load.close()
        shutil.rmtree(building, ignore_errors=True)
        raise
    load.close()


def _summary(load: _Load, notes: list[str], cluster) -> dict:
    """What ``build.json`` says of a build or an update alike."""
    return {"articles": len(load.seen), "by_language": dict(load.by_language),
            "problems": load.problems, "notes": notes, "warnings": load.warnings,
            "shards": len(cluster.shards)}


def _finish(folder: Path, building: Path, load: _Load, info: dict, started: float) -> dict:
    """Write the dictionary, vocabulary and ``build.json`` into ``building`` and swap it in."""
    ids, labels, spelled = author_values(load.numbering, load.spellings, load.author_key,
                                         load.aliases)
    facets = {facet: dict(load.numbering.ids[facet]) for facet in ("region", "region_group",
                                                                    "topic", "lang")}
    facets["author"] = ids
    # Small words are no names ("more" is not «море»); digests are nobody's spelling.
    names = {field: name_groups(t for t in load.vocabulary[field]
                                if t not in STOP_WORDS and not t.startswith(DIGEST_PREFIX))
             for field in NAME_FIELDS}
    (building / DICTIONARY).write_text(json.dumps(
        {"version": DICTIONARY_VERSION, "facets": facets, "labels": {"author": labels},
         "spellings": {"author": spelled}, "names": names,
         "learned": learn_pairs(_translation_pairs(building, load.translations))},
        ensure_ascii=False), encoding="utf-8")
    write_vocabulary(building, load.vocabulary)
    info = {"built_at": dt.datetime.now().isoformat(timespec="microseconds"),
            "format": BUILD_FORMAT, **info,
            "seconds": round(time.perf_counter() - started, 2)}
    (building / BUILD_INFO).write_text(json.dumps(info, indent=2), encoding="utf-8")
    _swap(folder, building)
    return info


def _translation_pairs(building: Path, translations: list[tuple[str, str]]):
    """(English terms, Russian terms) of each article and its translation, up to
    ``MAX_LEARNING_PAIRS`` of them, read back from the stored articles."""
    stored = open_stored(building)
    try:
        seen, pairs = set(), []
        for article_id, other_id in translations:
            key = frozenset((article_id, other_id))
            if key in seen:
                continue
            seen.add(key)
            rows = stored.execute("SELECT fields FROM articles WHERE article_id IN (?, ?)",
                                  (article_id, other_id)).fetchall()
            texts = {}
            for (fields,) in rows:
                found = json.loads(fields)
                texts[found.get("lang")] = text_terms(f"{found.get('title', '')}\n"
                                                      f"{found.get('body', '')}")
            if set(texts) == {"en", "ru"}:
                pairs.append((texts["en"], texts["ru"]))
                if len(pairs) >= MAX_LEARNING_PAIRS:
                    break
        return pairs
    finally:
        stored.close()


def _live_set(data: Path) -> str | None:
    """The table set the current build's ``build.json`` names (None before any build)."""
    try:
        return json.loads((data / BUILD_INFO).read_text(encoding="utf-8")).get("set", "a")
    except FileNotFoundError:
        return None


def _swap(folder: Path, building: Path) -> None:
    """Put the new side files in place of the old ones (two renames)."""
    data = folder / DATA_FOLDER
    old = folder / f"{DATA_FOLDER}-old"
    shutil.rmtree(old, ignore_errors=True)
    if data.exists():
        data.rename(old)
    building.rename(data)
    shutil.rmtree(old, ignore_errors=True)


def _earlier_numbering(data: Path, author_key: AuthorKeys) -> Numbering:
    """The numbering of the current build's dictionary, to continue: author ids are
    kept by name key, as the build numbers them."""
    dictionary = read_dictionary(data)
    ids = {facet: dict(values) for facet, values in dictionary["facets"].items()
           if facet != "author"}
    author_ids = dictionary["facets"].get("author", {})
    ids["author"] = {author_key(spelling): author_ids[value]
                     for spelling, value in dictionary["spellings"].get("author", {}).items()}
    return Numbering(ids)

