"""``python -m indexer.cli``: the ``kartoteka`` command."""

from .main import main

main()
