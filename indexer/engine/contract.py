"""The engine contract: what the search service needs from an index engine.

The service (``indexer.search``) turns a researcher's request into a parsed
query and plain ``Filters``, asks an open ``Generation`` for the page of
hits, the total and the facet counts, and builds snippets and labels from
what comes back. Everything that reads index files sits behind these two
protocols, so another engine (a search server, say) can stand beside the
Whoosh + docsets one (``engine.embedded``) with no change to
``search/``, the CLI or the web app.

Documents are named by the engine's own document numbers (ints) between
``search``/``order`` and ``stored``; the service never keeps them longer
than one request.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

# The facets every engine counts, each over the documents that all the other
# filters admit (multi-select): a filter never hides its own facet's values.
FACETS = ("region", "region_group", "author", "lang", "year", "topic", "outlet")


@dataclass(frozen=True)
class Filters:
    """A request's filters as values, checked and expanded by the service.

    Values of one dimension combine with OR, dimensions with AND. ``regions``
    holds country slugs (a group already expanded). Dates are day ordinals
    (``date.toordinal()``); with ``undated`` the date dimension also admits
    articles without a date, and alone admits only them.
    """

    regions: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()  # an outlet under any of its names or hosts
    date_start: int | None = None
    date_end: int | None = None
    undated: bool = False

    @property
    def dated(self) -> bool:
        """Whether a date range is set."""
        return self.date_start is not None or self.date_end is not None


@dataclass
class Results:
    """One page of a search: the total, the page's documents, the facet counts."""

    total: int
    page: list[tuple[int, float | None]]  # (document, score or None when sorted by date)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)  # facet → value → count


@runtime_checkable
class Generation(Protocol):
    """One open, unchanging version of an index."""

    key: object  # what names this version: equal keys, same index
    info: dict  # how it was built (``build.json``): sources, counts, time, version

    def parse(self, text: str, cross: bool = True, match: str = "all") -> object | None:
        """The query in the engine's terms; ``None`` for an empty query.

        With ``cross``, words that name a region also search its other names in
        both languages; what was added is the result's ``expansions`` attribute
        (``[{"word", "added", "why"}]``). ``match`` (``query.MATCHES``) keeps
        all of each word's tiers, or only the articles one kind of them finds
        (``query.for_match``); ``kinds`` is the set of tier kinds the words
        hold. Raises ``QueryError`` with a message a person can act on.
        """

    def search(self, query: object | None, filters: Filters, sort: str, offset: int,
               limit: int) -> Results:
        """Match, filter, count, order and cut one page; ``sort`` is one of
        ``relevance``, ``newest``, ``oldest`` (relevance with no query means newest)."""

    def counts(self, queries: Sequence[object | None], filters: Filters) -> list[int]:
        """How many documents each query matches under the filters (copies counted
        once): the ``total`` a search would give, without its page or facets."""

    def order(self, query: object | None, filters: Filters,
              sort: str) -> list[tuple[int, float | None]]:
        """Every matching document in the requested order (for exports and the
        concordance), with its score as a search page gives it (``None`` when
        sorted by date or without a query)."""

    def stored(self, docs: Sequence[int]) -> list[dict]:
        """The stored fields of documents (``id``, ``title``, ``body``, ``authors``,
        ``published``, ``regions``, …), in the order asked, with ``copies``
        (``[{"id", "url"}]`` of the copies hidden behind it) and ``copy_of``."""

    def find(self, article_id: str) -> dict | None:
        """The stored fields of the article with this id, or ``None``."""

    def match_terms(self, query: object | None) -> frozenset[str]:
        """The index terms (normal forms) the query matches in the text fields,
        patterns expanded: what snippets and highlighting mark."""

    def facet_labels(self, facet: str) -> dict[str, dict[str, str]]:
        """Labels of a facet's values by interface language, where the index has
        its own (an author's name as spelled in each script)."""

    def date_counts(self, query: object | None, filters: Filters, by: str) -> dict[str, int]:
        """Matching documents per period (``by``: ``year`` → "2019", ``month`` →
        "2019-06"), copies counted once; undated documents are left out."""

    def facet_totals(self, facet: str) -> dict[str, int]:
        """How many documents of the whole index hold each value of a facet
        (copies counted once)."""

    def similar_words(self, word: str, limit: int) -> list[str]:
        """Up to ``limit`` index terms of the text fields spelled like ``word`` (a
        lower-case normal form), best first; ``word`` itself first when the index
        holds it. For "did you mean" suggestions."""

    def close(self) -> None:
        """Release files and memory maps; the generation is not used after."""


@runtime_checkable
class Engine(Protocol):
    """Builds generations from corpus sources and opens the current one."""

    name: str

    def build(self, sources: Iterable, index_dir: Path, **options): ...

    def update(self, sources: Iterable, index_dir: Path, **options): ...

    def current(self, index_dir: Path) -> object | None:
        """The key of the index folder's current generation (cheap: asked on
        every request), or ``None`` when there is no index."""

    def open(self, index_dir: Path, key: object) -> Generation:
        """Open the generation ``key`` names."""
