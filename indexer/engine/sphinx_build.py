"""The Sphinx engine's write path: analyze articles and send them to the shards.

kartoteka analyzes each article (``sphinx_terms.text_terms``) and sends the
terms with the facet attributes to the shard its document id hashes to, in
batched ``REPLACE INTO`` statements. Beside the cluster's configuration, the
build keeps what Sphinx 2.2 cannot: the article JSON (``stored.sqlite``) and
the numbering of facet values (``dictionary.json``), written into a fresh
folder and swapped in whole.

Not yet atomic for searchers: the shards' tables are emptied first
(``TRUNCATE RTINDEX``) and filled again; see the engine's notes.
"""

from __future__ import annotations

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
from ..text.names import full_name_key
from ..text.regions import group_of
from . import sphinx_terms
from .sphinx_config import MULTI_ATTRS, RT_INDEX, TEXT_FIELDS, read_cluster
from .sphinx_terms import (
    BUILD_INFO,
    DATA_FOLDER,
    DICTIONARY,
    DICTIONARY_VERSION,
    document_id,
    open_stored,
    shard_of,
    text_terms,
)

BATCH = 200  # rows per REPLACE statement
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

    def __init__(self):
        self.ids: dict[str, dict[str, int]] = defaultdict(dict)

    def __call__(self, facet: str, values: Iterable[str]) -> tuple[int, ...]:
        table = self.ids[facet]
        return tuple(table.setdefault(v, len(table) + 1) for v in dict.fromkeys(values) if v)


def _author_key(name: str) -> str:
    return full_name_key(name) or name


def article_row(article: Article, numbering: Numbering, spellings: Counter) -> tuple:
    """The values of one article's row, in ``COLUMNS`` order."""
    authors = [a.replace(",", " ").strip() for a in article.authors]
    spellings.update(a for a in authors if a)
    date = article.date
    return (
        document_id(article.id),
        text_terms(article.title), text_terms(article.body),
        text_terms(" ".join(article.authors), surface=True),
        text_terms(f"{article.title}\n{article.body}", surface=True),
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
    its most used spelling, Latin before Cyrillic on a tie (as ``merge_spellings``)."""
    by_key: dict[str, list[str]] = defaultdict(list)
    for spelling in spellings:
        by_key[_author_key(spelling)].append(spelling)
    ids, labels, spelled = {}, {}, {}
    for key, number in numbering.ids["author"].items():
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
                   batch: int = BATCH) -> dict:
    """Index every article of ``sources`` into the cluster whose folder is ``cluster_dir``,
    replacing what it held. Returns the build's summary (``build.json``)."""
    started = time.perf_counter()
    cluster = read_cluster(cluster_dir)
    folder = Path(cluster.folder)
    shards = [connect(host, port) for host, port, _ in cluster.shards]
    building = folder / f"{DATA_FOLDER}-building"
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir()
    stored = open_stored(building, write=True)
    numbering, spellings = Numbering(), Counter()
    pending: list[list[tuple]] = [[] for _ in shards]
    seen, problems, by_language = set(), 0, Counter()
    try:
        for shard in shards:
            shard.cursor().execute(f"TRUNCATE RTINDEX {RT_INDEX}")
        for item in read_corpus(sources):
            if isinstance(item, CorpusError):
                problems += 1
                continue
            if not isinstance(item, Article) or item.id in seen:
                continue
            seen.add(item.id)
            row = article_row(item, numbering, spellings)
            stored.execute("INSERT INTO articles VALUES (?, ?, ?)",
                           (row[0], item.id, json.dumps(stored_fields(item), ensure_ascii=False)))
            by_language[item.lang] += 1
            n = shard_of(row[0], len(shards))
            pending[n].append(row)
            if len(pending[n]) >= batch:
                _send(shards[n], pending[n])
        for shard, rows in zip(shards, pending):
            _send(shard, rows)
        stored.commit()
    finally:
        stored.close()
        for shard in shards:
            shard.close()
    if not seen:
        raise BuildError("no articles found in the sources; the cluster is now empty")
    ids, labels, spelled = _author_values(numbering, spellings)
    facets = {facet: dict(numbering.ids[facet]) for facet in ("region", "region_group",
                                                               "topic", "lang")}
    facets["author"] = ids
    (building / DICTIONARY).write_text(json.dumps(
        {"version": DICTIONARY_VERSION, "facets": facets, "labels": {"author": labels},
         "spellings": {"author": spelled}}, ensure_ascii=False), encoding="utf-8")
    info = {"built_at": dt.datetime.now().isoformat(timespec="microseconds"),
            "articles": len(seen), "by_language": dict(by_language), "problems": problems,
            "shards": len(shards), "seconds": round(time.perf_counter() - started, 2),
            "sources": [str(Path(s).resolve()) for s in sources]}
    (building / BUILD_INFO).write_text(json.dumps(info, indent=2), encoding="utf-8")
    _swap(folder, building)
    return info


def _send(shard, rows: list[tuple]) -> None:
    """One batched ``REPLACE INTO`` of ``rows`` (emptied after)."""
    if not rows:
        return
    marks = ", ".join(["(" + ", ".join(["%s"] * len(COLUMNS)) + ")"] * len(rows))
    sql = f"REPLACE INTO {RT_INDEX} ({', '.join(COLUMNS)}) VALUES {marks}"
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
