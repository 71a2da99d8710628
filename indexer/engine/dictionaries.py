"""Which bilingual dictionaries a build reads, and what a generation keeps of them.

The dictionaries are the researcher's own installed copies (Debian's
``mueller7-dict`` and ``dict-freedict-eng-rus``, found in
``/usr/share/dictd``) or the dictd files given with ``--dictionary``.
kartoteka ships none of their text (Mueller's is GPL-2+): a generation
keeps only the translations between its own words (``translations.py``).
Reading and lemmatizing a whole dictionary takes seconds, so its table is
cached (in this process, and in ``$XDG_CACHE_HOME/kartoteka``), keyed by the
files' names, sizes and times.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from ..text.dictionary import TABLE_VERSION, find_dictionaries, load_table
from .translations import TRANSLATIONS, TRANSLATIONS_MAGIC, TRANSLATIONS_VERSION

NO_DICTIONARY = ("no bilingual dictionary found (install Debian's mueller7-dict, or give "
                 "--dictionary PATH): cross-language search uses the glossary alone")


def choose_dictionaries(given=None) -> list[Path]:
    """The dictd ``.index`` files to read: ``given`` (paths; ``False`` for none), else
    the installed ones. A given path may name the ``.index``, the ``.dict[.dz]`` or
    the common stem; one that names no dictd dictionary is a ``FileNotFoundError``."""
    if given is False:
        return []
    if given is None:
        return find_dictionaries()
    chosen = []
    for path in ([given] if isinstance(given, (str, os.PathLike)) else given):
        path = Path(path)
        stem = path.name.removesuffix(".dz").removesuffix(".dict").removesuffix(".index")
        index = path.with_name(stem + ".index")
        if not index.is_file():
            raise FileNotFoundError(f"{path}: not a dictd dictionary (no {index.name} beside it)")
        chosen.append(index)
    return chosen


_TABLES: dict[str, dict] = {}  # this process's tables, by their source


def cache_dir() -> Path:
    """Where a dictionary's table is cached between builds."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kartoteka"


def dictionary_table(paths: list[Path]) -> tuple[dict, dict]:
    """(``load_table(paths)``'s table, the files it came from), from a cache made of
    the same files when there is one."""
    source = {"version": TABLE_VERSION, "files": [
        [str(path.resolve()), (stat := path.stat()).st_size, int(stat.st_mtime)]
        for path in paths]}
    key = json.dumps(source)
    if key in _TABLES:
        return _TABLES[key], source
    cache = cache_dir() / f"dictionary-{hashlib.sha1(key.encode()).hexdigest()[:16]}.json"
    try:
        cached = json.loads(cache.read_text(encoding="utf-8"))
        if cached["source"] == source:
            _TABLES[key] = cached["table"]
            return cached["table"], source
    except (OSError, ValueError, KeyError, TypeError):
        pass
    table, _ = load_table(paths)
    _TABLES.clear()  # one table kept: a process rarely reads two
    _TABLES[key] = table
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        temporary = cache.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps({"source": source, "table": table}, ensure_ascii=False),
                             encoding="utf-8")
        temporary.replace(cache)
    except OSError:
        pass  # no cache where it cannot be written: the next build reads the files again
    return table, source


def write_translations(folder: Path, table: dict, source: dict, vocabulary) -> int:
    """Write ``translations.json``: the table's pairs whose translation the generation
    holds (``vocabulary``: its title and body terms); the number of pairs kept."""
    vocabulary = set(vocabulary)
    kept, pairs = {}, 0
    for side in ("words", "en", "ru"):
        kept[side] = {}
        for term, translations in table.get(side, {}).items():
            held = [[other, weight, word] for other, weight, word in translations
                    if other in vocabulary]
            if held:
                kept[side][term] = held
                pairs += len(held)
    data = {"magic": TRANSLATIONS_MAGIC, "version": TRANSLATIONS_VERSION, "source": source,
            **kept}
    (Path(folder) / TRANSLATIONS).write_text(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return pairs


def keep_translations(folder: Path, dictionaries: list[Path], vocabulary,
                      notes: list[str]) -> None:
    """Write ``folder``'s translations from ``dictionaries``, or say in ``notes``
    why cross-language search goes without (none found, one unreadable)."""
    if not dictionaries:
        notes.append(NO_DICTIONARY)
        return
    try:
        table, source = dictionary_table(dictionaries)
    except (OSError, ValueError, UnicodeDecodeError) as error:
        notes.append(f"the dictionary cannot be read ({error}): cross-language search uses "
                     "the glossary alone")
        return
    write_translations(folder, table, source, vocabulary)
