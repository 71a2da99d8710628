"""Which engine an index folder is for: a Sphinx/Manticore cluster folder (it
holds ``cluster.json``, written by ``kartoteka cluster init``) or Whoosh
generations. So ``--index`` alone chooses, for every command and the web app."""

from __future__ import annotations

from pathlib import Path

from .sphinx_config import CLUSTER_FILE


def engine_for(index_dir: str | Path):
    """The engine that builds and opens ``index_dir``."""
    if (Path(index_dir) / CLUSTER_FILE).exists():
        from .sphinx import SphinxEngine

        return SphinxEngine()
    from .whoosh_docsets import WhooshDocsetsEngine

    return WhooshDocsetsEngine()
