"""The embedded engine: Whoosh keeps the articles, the docsets their words
(``docsets.py``), answered by ``evaluate.py`` (``generation.py``); built by ``build.py``."""
