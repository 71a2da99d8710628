"""The Sphinx engine's write path: analyze articles and send them to the shards.

kartoteka analyzes each article (``sphinx_terms.text_terms``) and sends the
terms with the facet attributes to the shard its document id hashes to, in
batched ``REPLACE INTO`` statements. Beside the cluster's configuration, the
build keeps what Sphinx 2.2 cannot: the article JSON (``stored.sqlite``) and
the numbering of facet values (``dictionary.json``), written into a fresh
folder and swapped in whole.

Atomic for searchers: a full build fills the table set that is not live
(``sphinx_config``), and its ``build.json``, swapped in with the side files,
names that set; an update changes the live set in place, by document id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import multiprocessing
import os
import shutil
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import BuildError
from ..ingest.corpus import read_corpus
from ..model import Article, CorpusError
from ..text.names import full_name_key
from ..text.regions import group_of
from . import sphinx_terms
from .sphinx_config import MULTI_ATTRS, TEXT_FIELDS, other_set, read_cluster, rt_index
from .sphinx_terms import (
    BUILD_INFO,
    DATA_FOLDER,
    DICTIONARY,
    DICTIONARY_VERSION,
    document_id,
    open_stored,
    read_dictionary,
    read_vocabulary,
    shard_of,
    text_terms,
    write_vocabulary,
)

BATCH = 200  # rows per REPLACE statement
ANALYSIS_BLOCK = 2000  # articles read ahead for the analysis workers
ANALYSIS_CHUNK = 50  # articles per task of a worker
HASH_COLUMN = "content_hash"  # in stored.sqlite; a build without it cannot be updated
COLUMNS = ("id", *TEXT_FIELDS, "lang", "day", "year", "month", "undated", *MULTI_ATTRS,
           "article_id")


def connect(host: str, port: int):
    """A SphinxQL connection to a shard; ``BuildError`` when it does not answer."""
    try:
        return sphinx_terms.connect(host, port)
    except sphinx_terms.Unreachable as error:
        raise BuildError(str(error)) from None


class Numbering:
    """Facet values → small integer ids (Sphinx's multi-valued attributes)."""

    def __init__(self, ids: dict[str, dict[str, int]] | None = None):
        self.ids: dict[str, dict[str, int]] = defaultdict(dict, {f: dict(t) for f, t in
                                                                 (ids or {}).items()})
        # An update continues an earlier numbering: ids are never given twice.
        self.next = {f: max(t.values(), default=0) + 1 for f, t in self.ids.items()}

    def __call__(self, facet: str, values: Iterable[str]) -> tuple[int, ...]:
        table = self.ids[facet]
        return tuple(self._id(facet, table, v) for v in dict.fromkeys(values) if v)

    def _id(self, facet: str, table: dict[str, int], value: str) -> int:
        if value not in table:
            table[value] = self.next.get(facet, 1)
            self.next[facet] = table[value] + 1
        return table[value]


def _author_key(name: str) -> str:
    return full_name_key(name) or name


def author_spellings(article: Article) -> list[str]:
    """The article's author names as the author facet counts them."""
    return [a.replace(",", " ").strip() for a in article.authors]


def content_hash(fields_json: str) -> str:
    """What ``--update`` compares to tell a changed article from an unchanged one."""
    return hashlib.blake2b(fields_json.encode("utf-8"), digest_size=16).hexdigest()


def analyzed(article: Article) -> tuple[str, str, str, str]:
    """The article's title, body, author and exact-form terms, as Sphinx gets them:
    the heavy part of a build, done in worker processes (``in_blocks``)."""
    return (text_terms(article.title), text_terms(article.body),
            text_terms(" ".join(article.authors), surface=True),
            text_terms(f"{article.title}\n{article.body}", surface=True))


def in_blocks(items: Iterable, workers: int) -> Iterator[tuple[object, tuple | None]]:
    """(item, its ``analyzed`` terms, or None for what is not an article), in order.

    With ``workers`` > 1 the corpus is read in blocks and each block analyzed by
    a pool of processes while the next one is read, so memory holds two blocks,
    never the corpus.
    """
    if workers <= 1:
        for item in items:
            yield item, analyzed(item) if isinstance(item, Article) else None
        return
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        block, pending = [], None
        for item in itertools.chain(items, [None]):
            if item is not None:
                block.append(item)
                if len(block) < ANALYSIS_BLOCK:
                    continue
            articles = [i for i in block if isinstance(i, Article)]
            ready = pool.map_async(analyzed, articles, chunksize=ANALYSIS_CHUNK)
            if pending is not None:
                yield from _paired(*pending)
            pending, block = (block, ready), []
        if pending is not None:
            yield from _paired(*pending)


def _paired(block: list, ready) -> Iterator[tuple[object, tuple | None]]:
    terms = iter(ready.get())
    for item in block:
        yield item, next(terms) if isinstance(item, Article) else None


def article_row(article: Article, numbering: Numbering, spellings: Counter,
                terms: tuple[str, str, str, str] | None = None) -> tuple:
    """The values of one article's row, in ``COLUMNS`` order (``terms`` from
    ``analyzed``, when they were made already)."""
    title, body, author, exact = terms or analyzed(article)
    authors = author_spellings(article)
    spellings.update(a for a in authors if a)
    date = article.date
    return (
        document_id(article.id), title, body, author, exact,
        numbering("lang", [article.lang])[0],
        date.toordinal() if date else 0,
        date.year if date else 0,
        date.year * 12 + date.month - 1 if date else 0,
        0 if date else 1,
        numbering("region", article.regions),
        numbering("region_group", [g for g in map(group_of, article.regions) if g]),
        numbering("author", [_author_key(a) for a in authors if a]),
        numbering("topic", [t.replace(",", " ").strip() for t in article.topics]),
        article.id,
    )


def stored_fields(article: Article) -> dict:
    """What a hit and the article view read: the Whoosh engine's stored fields."""
    return {"id": article.id, "lang": article.lang, "title": article.title,
            "body": article.body, "url": article.url, "authors": list(article.authors),
            "published": article.date.isoformat() if article.date else None,
            "regions": list(article.regions), "region_source": article.region_source,
            "topics": list(article.topics), "source": article.source,
            "translation": article.translation}


def _author_values(numbering: Numbering, spellings: Counter) -> tuple[dict, dict, dict]:
    """(value → id, value → labels, spelling → value): each name key's value is
    its most used spelling, Latin before Cyrillic on a tie (as ``merge_spellings``).
    A name no article holds any more (after an update) is left out."""
    by_key: dict[str, list[str]] = defaultdict(list)
    for spelling in spellings:
        by_key[_author_key(spelling)].append(spelling)
    ids, labels, spelled = {}, {}, {}
    for key, number in numbering.ids["author"].items():
        if not by_key[key]:
            continue
        members = sorted(by_key[key], key=lambda s: (-spellings[s], _cyrillic(s), s))
        value = members[0]
        ids[value] = number
        latin = [m for m in members if not _cyrillic(m)]
        cyrillic = [m for m in members if _cyrillic(m)]
        labels[value] = {"en": (latin or cyrillic)[0], "ru": (cyrillic or latin)[0]}
        spelled.update((m, value) for m in members)
    return ids, labels, spelled


def _cyrillic(name: str) -> bool:
    return any("а" <= ch.lower() <= "я" or ch in "ёЁ" for ch in name)


def index_articles(cluster_dir: str | os.PathLike, sources: Iterable[str | os.PathLike],
                   batch: int = BATCH, workers: int | None = None) -> dict:
    """Index every article of ``sources`` into the cluster whose folder is ``cluster_dir``,
    replacing what it held, analyzing in ``workers`` processes (one per core by
    default). Returns the build's summary (``build.json``)."""
    workers = workers or os.cpu_count() or 1
    started = time.perf_counter()
    cluster = read_cluster(cluster_dir)
    folder = Path(cluster.folder)
    shards = [connect(host, port) for host, port, _ in cluster.shards]
    target = other_set(_live_set(folder / DATA_FOLDER))
    table = rt_index(target)
    building = folder / f"{DATA_FOLDER}-building"
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir()
    stored = open_stored(building, write=True)
    stored.execute(f"ALTER TABLE articles ADD COLUMN {HASH_COLUMN} TEXT")
    numbering, spellings, vocabulary = Numbering(), Counter(), set()
    pending: list[list[tuple]] = [[] for _ in shards]
    seen, problems, by_language = set(), 0, Counter()
    try:
        for shard in shards:
            shard.cursor().execute(f"TRUNCATE RTINDEX {table}")
        for item, terms in in_blocks(read_corpus(sources), workers):
            if isinstance(item, CorpusError):
                problems += 1
                continue
            if not isinstance(item, Article) or item.id in seen:
                continue
            seen.add(item.id)
            row = article_row(item, numbering, spellings, terms)
            _store(stored, row[0], item)
            vocabulary.update(*(text.split() for text in row[1:5]))
            by_language[item.lang] += 1
            n = shard_of(row[0], len(shards))
            pending[n].append(row)
            if len(pending[n]) >= batch:
                _send(shards[n], pending[n], table)
        for shard, rows in zip(shards, pending):
            _send(shard, rows, table)
        stored.commit()
    finally:
        stored.close()
        for shard in shards:
            shard.close()
    if not seen:
        raise BuildError("no articles found in the sources; the cluster is now empty")
    info = {"articles": len(seen), "by_language": dict(by_language), "problems": problems,
            "shards": len(shards), "sources": [str(Path(s).resolve()) for s in sources],
            "set": target}
    write_vocabulary(building, vocabulary)
    return _finish(folder, building, numbering, spellings, info, started)


def _store(stored, doc: int, article: Article) -> None:
    """The article's JSON and content hash in the side file, by document id."""
    fields = json.dumps(stored_fields(article), ensure_ascii=False)
    stored.execute(f"INSERT OR REPLACE INTO articles (doc, article_id, fields, {HASH_COLUMN}) "
                   "VALUES (?, ?, ?, ?)", (doc, article.id, fields, content_hash(fields)))


def _finish(folder: Path, building: Path, numbering: Numbering, spellings: Counter,
            info: dict, started: float) -> dict:
    """Write the dictionary and ``build.json`` into ``building`` and swap it in."""
    ids, labels, spelled = _author_values(numbering, spellings)
    facets = {facet: dict(numbering.ids[facet]) for facet in ("region", "region_group",
                                                               "topic", "lang")}
    facets["author"] = ids
    (building / DICTIONARY).write_text(json.dumps(
        {"version": DICTIONARY_VERSION, "facets": facets, "labels": {"author": labels},
         "spellings": {"author": spelled}}, ensure_ascii=False), encoding="utf-8")
    info = {"built_at": dt.datetime.now().isoformat(timespec="microseconds"), **info,
            "seconds": round(time.perf_counter() - started, 2)}
    (building / BUILD_INFO).write_text(json.dumps(info, indent=2), encoding="utf-8")
    _swap(folder, building)
    return info


def _live_set(data: Path) -> str | None:
    """The table set the current build's ``build.json`` names (None before any build)."""
    try:
        return json.loads((data / BUILD_INFO).read_text(encoding="utf-8")).get("set", "a")
    except FileNotFoundError:
        return None


def _send(shard, rows: list[tuple], table: str) -> None:
    """One batched ``REPLACE INTO`` of ``rows`` into ``table`` (emptied after)."""
    if not rows:
        return
    marks = ", ".join(["(" + ", ".join(["%s"] * len(COLUMNS)) + ")"] * len(rows))
    sql = f"REPLACE INTO {table} ({', '.join(COLUMNS)}) VALUES {marks}"
    shard.cursor().execute(sql, [value for row in rows for value in row])
    rows.clear()


def _swap(folder: Path, building: Path) -> None:
    """Put the new side files in place of the old ones (two renames)."""
    data = folder / DATA_FOLDER
    old = folder / f"{DATA_FOLDER}-old"
    shutil.rmtree(old, ignore_errors=True)
    if data.exists():
        data.rename(old)
    building.rename(data)
    shutil.rmtree(old, ignore_errors=True)


def update_articles(cluster_dir: str | os.PathLike, sources: Iterable[str | os.PathLike],
                    batch: int = BATCH) -> dict:
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
    table = rt_index(earlier.get("set", "a"))
    sources = list(dict.fromkeys([*(s for s in earlier.get("sources", []) if Path(s).exists()),
                                  *(str(Path(s).resolve()) for s in sources)]))
    building = folder / f"{DATA_FOLDER}-building"
    shutil.rmtree(building, ignore_errors=True)
    shutil.copytree(data, building)
    stored = open_stored(building, write=True)
    columns = [row[1] for row in stored.execute("PRAGMA table_info(articles)")]
    if HASH_COLUMN not in columns:
        stored.close()
        shutil.rmtree(building, ignore_errors=True)
        raise BuildError(f"the cluster in {folder} was built before updates were possible: "
                         "index the whole corpus again (without --update) once")
    held = {article_id: (doc, digest) for doc, article_id, digest in stored.execute(
        f"SELECT doc, article_id, {HASH_COLUMN} FROM articles")}
    numbering, spellings = _earlier_numbering(data), Counter()
    vocabulary = set(read_vocabulary(data))  # a removed article's words stay: harmless
    shards = [connect(host, port) for host, port, _ in cluster.shards]
    pending: list[list[tuple]] = [[] for _ in shards]
    seen, problems, by_language, added, changed = set(), 0, Counter(), 0, 0
    try:
        for item in read_corpus(sources):
            if isinstance(item, CorpusError):
                problems += 1
                continue
            if not isinstance(item, Article) or item.id in seen:
                continue
            seen.add(item.id)
            by_language[item.lang] += 1
            fields = json.dumps(stored_fields(item), ensure_ascii=False)
            before = held.get(item.id)
            if before is not None and before[1] == content_hash(fields):
                spellings.update(a for a in author_spellings(item) if a)
                continue
            added, changed = added + (before is None), changed + (before is not None)
            row = article_row(item, numbering, spellings)
            _store(stored, row[0], item)
            vocabulary.update(*(text.split() for text in row[1:5]))
            n = shard_of(row[0], len(shards))
            pending[n].append(row)
            if len(pending[n]) >= batch:
                _send(shards[n], pending[n], table)
        if not seen:
            raise BuildError("no articles found in the sources; the cluster was left as it was")
        for shard, rows in zip(shards, pending):
            _send(shard, rows, table)
        gone = [doc for article_id, (doc, _) in held.items() if article_id not in seen]
        _delete(shards, gone, table)
        stored.executemany("DELETE FROM articles WHERE doc = ?", [(doc,) for doc in gone])
        stored.commit()
    except BaseException:
        stored.close()
        shutil.rmtree(building, ignore_errors=True)
        raise
    finally:
        for shard in shards:
            shard.close()
    stored.close()
    info = {"articles": len(seen), "by_language": dict(by_language), "problems": problems,
            "shards": len(shards), "sources": sources, "mode": "update", "added": added,
            "changed": changed, "removed": len(gone), "set": earlier.get("set", "a")}
    write_vocabulary(building, vocabulary)
    return _finish(folder, building, numbering, spellings, info, started)


def _earlier_numbering(data: Path) -> Numbering:
    """The numbering of the current build's dictionary, to continue: author ids are
    kept by name key, as the build numbers them."""
    dictionary = read_dictionary(data)
    ids = {facet: dict(values) for facet, values in dictionary["facets"].items()
           if facet != "author"}
    author_ids = dictionary["facets"].get("author", {})
    ids["author"] = {_author_key(spelling): author_ids[value]
                     for spelling, value in dictionary["spellings"].get("author", {}).items()}
    return Numbering(ids)


def _delete(shards: list, docs: list[int], table: str) -> None:
    """``DELETE`` documents by id from the shard each one hashes to."""
    by_shard: dict[int, list[int]] = defaultdict(list)
    for doc in docs:
        by_shard[shard_of(doc, len(shards))].append(doc)
    for n, found in by_shard.items():
        for start in range(0, len(found), BATCH):
            chunk = found[start:start + BATCH]
            shards[n].cursor().execute(
                f"DELETE FROM {table} WHERE id IN ({', '.join(map(str, chunk))})")
