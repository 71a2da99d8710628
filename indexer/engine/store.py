"""The generation store: an index folder's generations and which one is current.

An index folder holds ``gen-<time>`` folders, each a complete generation
with a ``build.json``, and a ``current`` symlink naming the one in use (see
docs/index-format.md). Both the write path (``build``) and the read path
(the search service) find generations here; neither imports the other.
A generation's ``build.json`` carries its format: one of another format is
refused on open with ``IndexFormatError`` (``read_build_info``), as is one
whose Whoosh schema no longer unpickles (``open_whoosh_index``).
"""

from __future__ import annotations

import json
import os
import pickle
import shlex
import struct
from pathlib import Path

from ..errors import IndexFormatError

CURRENT = "current"
BUILD_INFO = "build.json"
# A researcher's own files, copied into each generation they were given for
# and carried into the next by --update: more glossary pairs, author aliases,
# more outlets (text/outlets.py).
GLOSSARY = "glossary.tsv"
AUTHOR_ALIASES = "author-aliases.txt"
OUTLETS = "outlets.tsv"
# The version of a generation folder as a whole, kept in build.json's "format".
# Raise it whenever a file of a generation changes incompatibly, or a class
# Whoosh pickles into the schema (up to format 6 the analyzer, its filters) moves or changes:
# an older generation is then refused with "rebuild the index". 1: before it
# was recorded (docsets.meta a pickle; the analyzer in indexer.analysis).
# 3: stop words indexed, the exact-form field, authors searched, copies;
# 4: the topic facet; 5: person keys in the author field (analysis.PersonKeyFilter);
# 6: the outlet facet; 7: the text fields indexed in the docsets only.
GENERATION_FORMAT = 7
REBUILD = "rebuild the index"


def default_index_dir() -> Path:
    """``$KARTOTEKA_INDEX``, else ``$XDG_DATA_HOME/kartoteka/index``."""
    if os.environ.get("KARTOTEKA_INDEX"):
        return Path(os.environ["KARTOTEKA_INDEX"])
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "kartoteka" / "index"


def current_generation(index_dir: Path) -> Path | None:
    """The generation folder ``current`` points to, or ``None``."""
    link = Path(index_dir) / CURRENT
    if not link.is_symlink() and not link.exists():
        return None
    target = link.resolve()
    return target if (target / BUILD_INFO).exists() else None


def read_build_info(generation: Path) -> dict:
    """The ``build.json`` of a generation folder, checked to be of this format.

    Raises ``IndexFormatError`` for a generation of another format (an older
    kartoteka's has none) or an unreadable ``build.json``.
    """
    try:
        info = json.loads((generation / BUILD_INFO).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise format_error(generation, f"its {BUILD_INFO} is damaged ({error})") from None
    found = info.get("format", 1) if isinstance(info, dict) else None
    if found != GENERATION_FORMAT:
        raise format_error(generation, f"it is of index format {found!r}; this kartoteka "
                                       f"reads format {GENERATION_FORMAT}")
    return info


def is_current_format(generation: Path) -> bool:
    """Whether a generation is of the format this kartoteka writes and reads."""
    try:
        read_build_info(generation)
    except (OSError, IndexFormatError):
        return False
    return True


def open_whoosh_index(generation: Path):
    """The Whoosh index of a generation.

    Whoosh unpickles the schema, analyzer included, from its table of
    contents: a generation whose analyzer classes have since moved (an index
    built before a package move gives ``No module named 'indexer.analysis'``)
    or whose Whoosh files are of another Whoosh version raises
    ``IndexFormatError``, not the unpickling error. Missing files stay
    ``OSError`` (a generation removed while being opened).
    """
    from whoosh import (
        index as whoosh_index,  # only here: finding generations needs no Whoosh
    )

    try:
        return whoosh_index.open_dir(str(generation))
    except (ImportError, AttributeError, pickle.UnpicklingError, EOFError, struct.error,
            whoosh_index.IndexError) as error:
        raise format_error(generation, f"its Whoosh index cannot be read "
                                       f"({type(error).__name__}: {error})") from None


def format_error(generation: Path, problem: str) -> IndexFormatError:
    """The error for a generation that cannot be read: what is wrong, and the
    command that rebuilds it (with the sources its ``build.json`` names, when
    it can be read)."""
    generation = Path(generation)
    index_dir = generation.parent
    try:
        sources = json.loads((generation / BUILD_INFO).read_text(encoding="utf-8"))["sources"]
        command = " ".join(shlex.quote(s) for s in sources if isinstance(s, str)) or "SOURCE…"
    except (OSError, ValueError, KeyError, TypeError):
        command = "SOURCE…"
    return IndexFormatError(
        f"the index in {index_dir} cannot be read: generation {generation.name}: {problem}; "
        f"{REBUILD}: kartoteka index {command} --index {shlex.quote(str(index_dir))}")
