"""What an article becomes in the cluster: its analyzed terms, its row, its stored JSON.

The heavy part, the analysis (``analyzed``), runs in worker processes block by
block (``in_blocks``); the rest runs in the build's own process, which numbers
the facet values (``Numbering``: Sphinx 2.2 keeps multi-valued attributes as
integers only) and counts the spellings of authors' names.
"""

from __future__ import annotations

import hashlib
import itertools
import multiprocessing
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

from ...model import Article
from ...text.glossary import Glossary, topic_key, topic_labels
from ...text.names import first_names_with, full_name_key
from ...text.outlets import OutletTable
from ...text.regions import group_of
from ..copies import fingerprint
from .config import MULTI_ATTRS, TEXT_FIELDS
from .terms import author_terms, document_id, text_terms

COLUMNS = ("id", *TEXT_FIELDS, "lang", "day", "year", "month", "undated", *MULTI_ATTRS,
           "copy_of", "article_id")
ANALYSIS_BLOCK = 2000  # articles read ahead for the analysis workers
ANALYSIS_CHUNK = 50  # articles per task of a worker


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


class AuthorKeys:
    """The key an author's spelling is counted under: its name key (one for
    "Tokayev" and «Токаев», "Nadia" and «Надежда»), or the first name's of its
    ``--aliases`` group; an alias group of single words joins first names."""

    def __init__(self, groups: Iterable[list[str]] = ()):
        groups = list(groups)
        self.first_names = first_names_with(groups)
        self.joined: dict[str, str] = {}
        for group in groups:
            keys = [self._key(name) for name in group]
            self.joined.update((key, keys[0]) for key in keys[1:])

    def __call__(self, name: str) -> str:
        key = self._key(name)
        return self.joined.get(key, key)

    def _key(self, name: str) -> str:
        return full_name_key(name, self.first_names) or name


class TopicKeys:
    """The key a topic is counted under: one for its names in both languages
    ("Politics", «Политика»: ``glossary.topic_key``)."""

    def __init__(self, glossary: Glossary):
        self.glossary = glossary
        self.cache: dict[str, str] = {}

    def __call__(self, topic: str) -> str:
        if topic not in self.cache:
            self.cache[topic] = topic_key(topic, self.glossary)
        return self.cache[topic]

    def labels(self, members: list[str]) -> dict[str, str]:
        """A merged topic's label per interface language (``glossary.topic_labels``)."""
        return topic_labels(members, self.glossary)


class OutletKeys:
    """The key an outlet is counted under: one for all its names and hosts
    ("Eurasianet", "eurasianet.org": ``OutletTable.key``), as ``facet_merge.merge_outlets``."""

    def __init__(self, table: OutletTable):
        self.table = table
        self.cache: dict[str, str] = {}

    def __call__(self, outlet: str) -> str:
        if outlet not in self.cache:
            self.cache[outlet] = self.table.key(outlet)
        return self.cache[outlet]

    def labels(self, members: list[str]) -> dict[str, str]:
        """A merged outlet's label per interface language (``OutletTable.labels``)."""
        return self.table.labels(members)

    def value(self, members: list[str]) -> str:
        """A merged outlet's facet value (``OutletTable.value``)."""
        return self.table.value(members)

    def spellings(self, values) -> dict[str, str]:
        """Every name and host the table gives each value → that value (for filters)."""
        return {form: value for value in values for form in self.table.spellings(value)}


def outlet_spellings(article: Article) -> list[str]:
    """The article's outlet as the outlet facet counts it (none, or one)."""
    outlet = article.outlet.replace(",", " ").strip()
    return [outlet] if outlet else []


def topic_spellings(article: Article) -> list[str]:
    """The article's topics as the topic facet counts them."""
    return [t.replace(",", " ").strip() for t in article.topics]


def author_spellings(article: Article) -> list[str]:
    """The article's author names as the author facet counts them."""
    return [a.replace(",", " ").strip() for a in article.authors]


def content_hash(fields_json: str) -> str:
    """What ``--update`` compares to tell a changed article from an unchanged one."""
    return hashlib.blake2b(fields_json.encode("utf-8"), digest_size=16).hexdigest()


def analyzed(article: Article) -> tuple[str, str, str, str, bytes]:
    """The article's title, body, author and exact-form terms, as Sphinx gets them,
    and its copy fingerprint: the heavy part of a build, done in worker processes
    (``in_blocks``)."""
    return (text_terms(article.title), text_terms(article.body),
            author_terms(article.authors),
            text_terms(f"{article.title}\n{article.body}", surface=True),
            fingerprint(article.title, article.body))


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


def article_row(article: Article, numbering: Numbering, author_key: AuthorKeys,
                terms: tuple, topic_key=None, outlet_key=None) -> tuple:
    """The values of one article's row, in ``COLUMNS`` order (``terms`` from
    ``analyzed``; topics numbered by ``topic_key``, a ``TopicKeys``, the outlet
    by ``outlet_key``, an ``OutletKeys``); it is
    nobody's copy until the build has seen them all."""
    title, body, author, exact = terms[:4]
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
        numbering("author", [author_key(a) for a in author_spellings(article) if a]),
        numbering("topic", [(topic_key or str)(t) for t in topic_spellings(article) if t]),
        numbering("outlet", [(outlet_key or str)(o) for o in outlet_spellings(article)]),
        0,
        article.id,
    )


def stored_fields(article: Article) -> dict:
    """What a hit and the article view read: the Whoosh engine's stored fields."""
    return {"id": article.id, "lang": article.lang, "title": article.title,
            "body": article.body, "url": article.url, "authors": list(article.authors),
            "published": article.date.isoformat() if article.date else None,
            "regions": list(article.regions), "region_source": article.region_source,
            "topics": list(article.topics), "outlet": article.outlet, "source": article.source,
            "translation": article.translation}


def merged_values(numbering: Numbering, spellings: Counter, key_of,
                  aliases: Iterable[list[str]] = (), facet: str = "author",
                  labels_of=None, value_of=None) -> tuple[dict, dict, dict]:
    """(value → id, value → labels, spelling → value) of a facet numbered by
    ``key_of`` (authors by ``AuthorKeys``, topics by ``TopicKeys``): each key's
    value is its most used spelling, Latin before Cyrillic on a tie (as
    ``facet_merge.merge_spellings``), or ``value_of`` (members) when given; labels by ``labels_of`` (members, most used first),
    else the first of each script; the names of an alias group no article
    holds are spellings of it too. A value no article holds any more (after an
    update) is left out."""
    by_key: dict[str, list[str]] = defaultdict(list)
    for spelling in spellings:
        by_key[key_of(spelling)].append(spelling)
    ids, labels, spelled = {}, {}, {}
    for key, number in numbering.ids[facet].items():
        if not by_key[key]:
            continue
        members = sorted(by_key[key], key=lambda s: (-spellings[s], _cyrillic(s), s))
        value = value_of(members) if value_of else members[0]
        ids[value] = number
        latin = [m for m in members if not _cyrillic(m)]
        cyrillic = [m for m in members if _cyrillic(m)]
        labels[value] = (labels_of(members) if labels_of else
                         {"en": (latin or cyrillic)[0], "ru": (cyrillic or latin)[0]})
        spelled.update((m, value) for m in members)
    for group in aliases:
        value = next((spelled[n] for n in group if n in spelled), None)
        if value is not None:
            for name in group:
                spelled.setdefault(name, value)
    return ids, labels, spelled


def _cyrillic(name: str) -> bool:
    return any("а" <= ch.lower() <= "я" or ch in "ёЁ" for ch in name)
