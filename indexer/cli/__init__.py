"""The ``kartoteka`` command line: ``main.py`` (index, search, export, serve), ``tools.py``,
``inspect.py``, ``cluster.py``; ``options.py``, ``results.py`` and ``labels.py`` (the
interface words the web app shares) serve them.

``cli`` (the command group; the console script is ``main.main``) is loaded on first
use: the web app reads ``labels`` without loading the commands.
"""

__all__ = ["cli"]


def __getattr__(name: str):
    if name not in __all__:
        raise AttributeError(f"module 'indexer.cli' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(".main", __name__), name)
