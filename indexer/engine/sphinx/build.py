"""The Sphinx engine's write path: analyze articles and send them to the shards.

kartoteka analyzes each article (``rows``) and sends (``load``) the terms with the
facet attributes to the shard its document id hashes to, in batched
``REPLACE INTO`` statements. Beside the cluster's configuration, the build
keeps what Sphinx 2.2 cannot, written into a fresh folder and swapped in
whole: the article JSON (``stored.sqlite``), the numbering of facet values,
the names across scripts and the pairs learned from translations
(``dictionary.json``), the vocabulary (``vocabulary.json``, for "did you
mean") and the researcher's own glossary and aliases.

Atomic for searchers: a full build fills the table set that is not live
(``config``), and its ``build.json``, swapped in with the side files,
names that set; an update changes the live set in place, by document id.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

from ...errors import BuildError
from ...ingest.corpus import read_corpus
from ...text.analysis import STOP_WORDS
from ...text.learned import MAX_LEARNING_PAIRS, learn_pairs
from ...text.names import name_groups
from ..dictionaries import choose_dictionaries, keep_translations
from ..own_files import own_files, place_own_files
from .config import other_set, read_cluster, rt_index
from .load import BATCH, HASH_COLUMN, Load
from .rows import (
    AuthorKeys,
    Numbering,
    OutletKeys,
    TopicKeys,
    content_hash,
    in_blocks,
    merged_values,
    stored_fields,
)
from .terms import (
    BUILD_FORMAT,
    BUILD_INFO,
    DATA_FOLDER,
    DICTIONARY,
    DICTIONARY_VERSION,
    DIGEST_PREFIX,
    open_stored,
    read_dictionary,
    read_vocabulary,
    write_vocabulary,
)
from ..summary import BuildSummary

NAME_FIELDS = ("author", "exact")  # names across scripts are found among words as written


def _prepare(folder: Path, glossary, aliases, copy_from: Path | None,
             outlets=None) -> tuple[Path, list]:
    """A fresh ``data-building`` folder (a copy of ``copy_from``), with the
    researcher's files placed in it; (folder, notes on their unreadable lines)."""
    own = own_files(glossary, aliases, outlets)
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
                   aliases: str | os.PathLike | None = None,
                   outlets: str | os.PathLike | None = None, dictionary=None) -> dict:
    """Index every article of ``sources`` into the cluster whose folder is ``cluster_dir``,
    replacing what it held, analyzing in ``workers`` processes (one per core by
    default); ``glossary``, ``aliases``, ``outlets`` and ``dictionary`` as for the
    Whoosh engine's build.
    Returns the build's summary (``build.json``)."""
    workers = workers or os.cpu_count() or 1
    started = time.perf_counter()
    dictionaries = choose_dictionaries(dictionary)
    cluster = read_cluster(cluster_dir)
    folder = Path(cluster.folder)
    target = other_set(_live_set(folder / DATA_FOLDER))
    building, notes = _prepare(folder, glossary, aliases, None, outlets)
    with _loading(Load(cluster, rt_index(target), building, Numbering(), batch),
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
    return _finish(folder, building, load, info, started, dictionaries)


def update_articles(cluster_dir: str | os.PathLike, sources: Iterable[str | os.PathLike],
                    batch: int = BATCH, glossary: str | os.PathLike | None = None,
                    aliases: str | os.PathLike | None = None,
                    outlets: str | os.PathLike | None = None, dictionary=None) -> dict:
    """Bring the cluster up to date with ``sources``: ``REPLACE INTO`` the new and
    changed articles on their shards, ``DELETE`` the ones gone, by document id.

    As the Whoosh engine's ``update_index``, the sources are the build's earlier
    sources still on disk followed by the given ones; an article is changed when
    its stored JSON's hash differs. Returns the summary (``build.json``) with
    ``added``, ``changed`` and ``removed``. A cluster built before content
    hashes were kept raises ``BuildError``: index it whole once.
    """
    started = time.perf_counter()
    dictionaries = choose_dictionaries(dictionary)
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
    building, notes = _prepare(folder, glossary, aliases, data, outlets)
    vocabulary = {f: set(terms) for f, terms in read_vocabulary(data).items()}
    load = Load(cluster, rt_index(earlier.get("set", "a")), building, Numbering(), batch,
                 vocabulary)  # a removed article's words stay in it: harmless
    with _loading(load, building):
        columns = [row[1] for row in load.stored.execute("PRAGMA table_info(articles)")]
        if HASH_COLUMN not in columns or "card" not in columns:
            raise BuildError(f"the cluster in {folder} was built before updates were possible: "
                             "index the whole corpus again (without --update) once")
        load.numbering = _earlier_numbering(data, load.author_key, load.topic_key,
                                            load.outlet_key)
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
    return _finish(folder, building, load, info, started, dictionaries)


@contextlib.contextmanager
def _loading(load: Load, building: Path):
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


def _summary(load: Load, notes: list[str], cluster) -> dict:
    """What ``build.json`` says of a build or an update alike."""
    return {"articles": len(load.seen), "by_language": dict(load.by_language),
            "problems": load.problems, "notes": notes, "warnings": load.warnings,
            "shards": len(cluster.shards)}


def _finish(folder: Path, building: Path, load: Load, info: dict, started: float,
            dictionaries: list[Path]) -> dict:
    """Write the dictionary, translations, vocabulary and ``build.json`` into ``building``
    and swap it in."""
    ids, labels, spelled = merged_values(load.numbering, load.spellings, load.author_key,
                                         load.aliases)
    topic_ids, topic_labels, topic_spelled = merged_values(
        load.numbering, load.topic_spellings, load.topic_key, facet="topic",
        labels_of=load.topic_key.labels)
    outlet_ids, outlet_labels, outlet_spelled = merged_values(
        load.numbering, load.outlet_spellings, load.outlet_key, facet="outlet",
        labels_of=load.outlet_key.labels, value_of=load.outlet_key.value)
    outlet_spelled.update(load.outlet_key.spellings(outlet_ids))
    facets = {facet: dict(load.numbering.ids[facet]) for facet in ("region", "region_group",
                                                                    "lang")}
    facets["author"], facets["topic"], facets["outlet"] = ids, topic_ids, outlet_ids
    # Small words are no names ("more" is not «море»); digests are nobody's spelling.
    names = {field: name_groups(t for t in load.vocabulary[field]
                                if t not in STOP_WORDS and not t.startswith(DIGEST_PREFIX))
             for field in NAME_FIELDS}
    (building / DICTIONARY).write_text(json.dumps(
        {"version": DICTIONARY_VERSION, "facets": facets,
         "labels": {"author": labels, "topic": topic_labels, "outlet": outlet_labels},
         "spellings": {"author": spelled, "topic": topic_spelled, "outlet": outlet_spelled},
         "names": names,
         "learned": learn_pairs(_translation_pairs(building, load.translations))},
        ensure_ascii=False), encoding="utf-8")
    write_vocabulary(building, load.vocabulary)
    keep_translations(building, dictionaries, load.vocabulary["title"] | load.vocabulary["body"],
                      info["notes"])
    info = {"built_at": dt.datetime.now().isoformat(timespec="microseconds"),
            "format": BUILD_FORMAT, **info,
            "seconds": round(time.perf_counter() - started, 2)}
    (building / BUILD_INFO).write_text(json.dumps(info, indent=2), encoding="utf-8")
    _swap(folder, building)
    return info


def _translation_pairs(building: Path, translations: list[tuple[str, str]]):
    """(English text, Russian text) of each article and its translation, up to
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
                texts[found.get("lang")] = f"{found.get('title', '')}\n{found.get('body', '')}"
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


def _earlier_numbering(data: Path, author_key: AuthorKeys, topic_key: TopicKeys,
                       outlet_key: OutletKeys) -> Numbering:
    """The numbering of the current build's dictionary, to continue: author,
    topic and outlet ids are kept by their keys, as the build numbers them."""
    dictionary = read_dictionary(data)
    keyed = {"author": author_key, "topic": topic_key, "outlet": outlet_key}
    ids = {facet: dict(values) for facet, values in dictionary["facets"].items()
           if facet not in keyed}
    for facet, key_of in keyed.items():
        value_ids = dictionary["facets"].get(facet, {})
        ids[facet] = {key_of(spelling): value_ids[value]
                      for spelling, value in dictionary["spellings"].get(facet, {}).items()}
    return Numbering(ids)

