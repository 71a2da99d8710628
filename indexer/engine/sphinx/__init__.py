"""The cluster engine: the articles in Sphinx or Manticore searchd shards (``generation.py``),
written by ``build.py`` and ``load.py``; see docs/cluster.md."""
