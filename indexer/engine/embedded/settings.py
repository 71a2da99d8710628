"""The tuning of the Whoosh + docsets engine's read side, in one object.

The defaults were measured on 10,000 and 50,000 articles (benchmarks/README.md);
tests pass other settings to reach the less common paths.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EngineSettings:
    """How the engine matches, ranks and counts; none of it changes a result."""

    max_expansion: int = 2000  # words one prefix or wildcard may stand for (more: an error)
    max_ranked: int = 16  # title/body words that rank one query; the rest only match
    first_prefix: int = 64  # documents read from each word's impact order in the first round
    max_constants: int = 6  # prefix parts told apart when only they score a document
    lookup_df: int = 1024  # words this frequent get a by-document impact table when ranked
    lookup_cache: int = 64  # such tables kept (one byte per document each)
    term_cache: int = 1024  # words kept open (their bitsets are the only copies)
    by_years_from: int = 2000  # date ranges over more documents are built from year bitsets
    walk_ratio: int = 8000  # count a facet by walking documents when values * docs > hits * this
