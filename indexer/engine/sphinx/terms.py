"""What the Sphinx engine's read and write paths share: terms, ids, the dictionary.

Sphinx indexes the terms kartoteka's analyzer made, not the text: a field is
sent as its terms one space apart, every reading of an ambiguous word one
after the other ("выборы выбор мэр"). Its charset table (``config``)
keeps lower-case Latin, digits and Cyrillic as they are; a term with any
other character (Georgian, an apostrophe, a very long word) is sent as a
short digest of it instead, the same at index and query time, so Sphinx
never splits or truncates a term of ours.

A generation's ``dictionary.json`` numbers the values of the multi-valued
facets (Sphinx 2.2 keeps multi-valued attributes as integers only) and keeps
the author facet's labels and spellings.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from pathlib import Path

from ...text.analysis import author_analyzer, bilingual_analyzer, surface_analyzer
from ...text.names import is_person_key

DATA_FOLDER = "data"  # the cluster folder's side files of the current build
DICTIONARY = "dictionary.json"
DICTIONARY_VERSION = 1
STORED = "stored.sqlite"  # article JSON by document id, for hits and the article view
HASH_COLUMN = "content_hash"  # what --update compares; with the copy card, url and language
BUILD_INFO = "build.json"
# 2: copies, names, learned pairs, vocabulary; 3: person keys; 4: topics merged
# across languages; 5: the outlet facet (docs/index-format.md).
BUILD_FORMAT = 5
VOCABULARY = "vocabulary.json"  # each field's indexed terms: for "did you mean"
SAFE_TERM = re.compile(r"[0-9a-zа-я]{1,40}")
DIGEST_PREFIX = "zq"
# Facet → the attribute that holds its value ids (year is the year itself).
FACET_ATTRS = {"region": "regions", "region_group": "region_groups", "author": "authors",
               "topic": "topics", "outlet": "outlets", "lang": "lang", "year": "year"}

_TEXT = bilingual_analyzer()
_SURFACE = surface_analyzer()
_AUTHOR = author_analyzer()


def encode_term(term: str) -> str:
    """A term as Sphinx indexes it: itself when its letters are safe, else its digest."""
    if SAFE_TERM.fullmatch(term):
        return term
    return DIGEST_PREFIX + hashlib.blake2b(term.encode("utf-8"), digest_size=6).hexdigest()


def text_terms(text: str, surface: bool = False) -> str:
    """A field's index terms, encoded, in order, one space apart: what Sphinx gets."""
    analyzer = _SURFACE if surface else _TEXT
    return " ".join(encode_term(t.text) for t in analyzer(text or ""))


def author_terms(authors: list[str]) -> str:
    """The author field as Sphinx gets it: each name's words as written, then
    their person keys (``analysis.PersonKeyFilter``) in the same order, so that a
    phrase of keys ("Nadia Moroz" = «Надежда Мороз») is a phrase in the text too."""
    names = []
    for name in authors:
        terms = [t.text for t in _AUTHOR(name)]
        names += [t for t in terms if not is_person_key(t)] + [t for t in terms if is_person_key(t)]
    return " ".join(encode_term(term) for term in names)


def document_id(article_id: str) -> int:
    """The Sphinx document id of an article: 63 bits of a digest of its id, never 0."""
    digest = hashlib.blake2b(article_id.encode("utf-8"), digest_size=8).digest()
    return (int.from_bytes(digest, "big") & (2 ** 63 - 1)) or 1


def shard_of(doc_id: int, shards: int) -> int:
    """The shard that holds a document."""
    return doc_id % shards


def read_vocabulary(data: Path) -> dict[str, list[str]]:
    """The build's indexed terms by field (none for a build made before it kept them)."""
    try:
        return json.loads((data / VOCABULARY).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def write_vocabulary(data: Path, by_field: dict[str, set[str]]) -> None:
    """Keep each field's terms a person could type (not the digests of others)."""
    (data / VOCABULARY).write_text(json.dumps(
        {field: sorted(t for t in terms if not t.startswith(DIGEST_PREFIX))
         for field, terms in by_field.items()}, ensure_ascii=False), encoding="utf-8")


def read_dictionary(data: Path) -> dict:
    """The build's value numbering, labels and spellings (``dictionary.json``)."""
    found = json.loads((data / DICTIONARY).read_text(encoding="utf-8"))
    if found.get("version") != DICTIONARY_VERSION:
        raise ValueError(f"{data / DICTIONARY}: version {found.get('version')}, this "
                         f"kartoteka reads {DICTIONARY_VERSION}: index the corpus again")
    return found


def open_stored(data: Path, write: bool = False) -> sqlite3.Connection:
    """The stored articles' database; read-only unless ``write``."""
    path = data / STORED
    if write:
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE IF NOT EXISTS articles (doc INTEGER PRIMARY KEY, "
                   f"article_id TEXT UNIQUE NOT NULL, fields TEXT NOT NULL, {HASH_COLUMN} TEXT, "
                   "card BLOB, lang TEXT, url TEXT)")
        db.execute("CREATE TABLE IF NOT EXISTS copies (copy INTEGER PRIMARY KEY, "
                   "primary_doc INTEGER NOT NULL, rank INTEGER NOT NULL)")
        db.execute("CREATE INDEX IF NOT EXISTS copies_by_primary ON copies (primary_doc)")
        return db
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)


class Unreachable(Exception):
    """A ``searchd`` that does not answer; the message says how to start it."""


def connect(host: str, port: int):
    """A SphinxQL connection (``pymysql``, from the ``cluster`` extra)."""
    try:
        import pymysql
    except ImportError:
        raise Unreachable("the Sphinx engine needs pymysql: "
                          "pip install 'kartoteka[cluster]'") from None
    try:
        from pymysql.constants import CLIENT

        return pymysql.connect(host=host, port=port, user="", password="", autocommit=True,
                               charset="utf8mb4", connect_timeout=5,
                               client_flag=CLIENT.MULTI_STATEMENTS)
    except pymysql.err.OperationalError as error:
        raise Unreachable(f"cannot reach searchd at {host}:{port} ({error.args[-1]}): start "
                          "the cluster with the `searchd -c …` commands that "
                          "`kartoteka cluster init` printed") from None
