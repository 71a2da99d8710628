"""kartoteka's library: read a bilingual news corpus, index it, search it.

The flow runs one way, and the subpackages follow it:

- ``ingest``: corpus files → ``Article`` objects (``model``): the corpus walk
  and one reader per format (HTML, saved-text pages, JSON Lines, WARC);
- ``text``: what both languages need everywhere: the analyzer (pymorphy3
  readings, Snowball stems), regions, dates;
- ``engine``: articles → an index generation on disk, and the reading of
  it (the Whoosh schema and writer, the docsets, the generation store);
- ``search``: a query and filters → hits, facets and snippets, through the
  engine (``SearchService``);
- ``cli``, and the ``webapp`` package beside this one, on top.

This module is the public face the CLI and the web app use. Its names are
loaded on first use, so a reader of the index never loads the build.
"""

__version__ = "0.1.0"

_PUBLIC = {
    "SearchService": "search.service", "SearchRequest": "search.service",
    "SORTS": "search.service", "MAX_SERIES": "search.timeline",
    "open_export": "search.exports",
    "neutralized": "search.exports", "tool_csv": "search.exports",
    "build_index": "engine.embedded.build", "update_index": "engine.embedded.build",
    "BuildSummary": "engine.summary",
    "default_index_dir": "engine.store", "current_generation": "engine.store",
    "BadRequest": "errors", "QueryError": "errors", "BuildError": "errors",
    "IndexFormatError": "errors", "IndexUnavailable": "errors",
    "labelled_facets": "cli.labels", "LANGUAGE_NAMES": "cli.labels", "UNDATED_LABEL": "cli.labels",
    "UNDATED": "engine.schema",
    "inspect_file": "ingest.inspect", "inspect_stored": "ingest.inspect",
    "SourceGone": "ingest.inspect", "NoSuchRecord": "ingest.inspect",
    "RU_MONTH_GENITIVE": "text.dates", "REGIONS": "text.regions", "region_slug": "text.regions", "GROUPS": "text.regions", "region_label": "text.regions",
}

__all__ = ["__version__"] + list(_PUBLIC)


def __getattr__(name: str):
    if name not in _PUBLIC:
        raise AttributeError(f"module 'indexer' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{_PUBLIC[name]}", __name__), name)
    globals()[name] = value
    return value
