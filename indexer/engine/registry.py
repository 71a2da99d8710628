"""Which engine an index folder is for: a Sphinx/Manticore cluster folder (it
holds ``cluster.json``, written by ``kartoteka cluster init``) or Whoosh
generations. So ``--index`` alone chooses, for every command and the web app."""

from __future__ import annotations

from pathlib import Path

from .sphinx.config import CLUSTER_FILE


def engine_for(index_dir: str | Path):
    """The engine that builds and opens ``index_dir``."""
    if (Path(index_dir) / CLUSTER_FILE).exists():
        from .sphinx.generation import SphinxEngine

        return SphinxEngine()
    from .embedded.generation import WhooshDocsetsEngine

    return WhooshDocsetsEngine()
