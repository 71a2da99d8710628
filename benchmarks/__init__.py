"""Benchmarks: kartoteka against plain Whoosh and SQLite FTS5 on a synthetic corpus.

Run ``python -m benchmarks run --docs 10000``; see ``python -m benchmarks --help``.
"""
