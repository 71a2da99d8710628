"""A researcher's own files beside the corpus: glossary pairs and author aliases.

They are given to ``kartoteka index`` (``--glossary``, ``--aliases``), copied
into the generation under fixed names (``store.GLOSSARY``,
``store.AUTHOR_ALIASES``), and carried into the next one by ``--update``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..text.names import read_aliases
from .store import AUTHOR_ALIASES, GLOSSARY
from .summary import BuildSummary


def own_files(glossary, aliases) -> dict[str, Path]:
    """The researcher's files by the name they take in a generation, checked to exist."""
    own = {}
    for name, given in ((GLOSSARY, glossary), (AUTHOR_ALIASES, aliases)):
        if given is not None:
            path = Path(given)
            if not path.is_file():
                raise FileNotFoundError(f"{path}: no such file")
            own[name] = path
    return own


def place_own_files(building: Path, own: dict[str, Path], summary: BuildSummary) -> None:
    """Copy the researcher's files in (over the ones an update carried over)
    and note the lines of them that cannot be read."""
    for name, path in own.items():
        target = building / name
        if target.exists():
            target.unlink()  # a hard link to the last generation's copy
        shutil.copyfile(path, target)
        if name == GLOSSARY:
            from ..text.glossary import Glossary

            problems = Glossary.load([path]).problems
        else:
            problems = read_aliases(path)[1]
        # Named as the researcher gave it (an update's carried-over copy too).
        summary.notes += [p.replace(str(target), str(path)) for p in problems]
