"""kartoteka's library: read a bilingual news corpus, index it, search it."""

__version__ = "0.1.0"
