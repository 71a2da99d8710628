"""A researcher's own files beside the corpus: glossary pairs, author aliases, outlets.

They are given to ``kartoteka index`` (``--glossary``, ``--aliases``,
``--outlets``), copied into the generation under fixed names
(``store.GLOSSARY``, ``store.AUTHOR_ALIASES``, ``store.OUTLETS``), and carried
into the next one by ``--update``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..errors import BuildError
from ..text.names import read_aliases
from ..text.outlets import OutletTableError, read_outlets
from .store import AUTHOR_ALIASES, GLOSSARY, OUTLETS
from .summary import BuildSummary


def own_files(glossary, aliases, outlets=None) -> dict[str, Path]:
    """The researcher's files by the name they take in a generation, checked to exist;
    an outlet table that cannot be read is a ``BuildError`` naming its line."""
    own = {}
    for name, given in ((GLOSSARY, glossary), (AUTHOR_ALIASES, aliases), (OUTLETS, outlets)):
        if given is not None:
            path = Path(given)
            if not path.is_file():
                raise FileNotFoundError(f"{path}: no such file")
            own[name] = path
    if OUTLETS in own:
        try:
            read_outlets(own[OUTLETS])
        except (OutletTableError, UnicodeDecodeError) as error:
            raise BuildError(f"--outlets: {error}") from None
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
        elif name == OUTLETS:
            problems = []  # read whole by own_files: a bad table stops the build
        else:
            problems = read_aliases(path)[1]
        # Named as the researcher gave it (an update's carried-over copy too).
        summary.notes += ["skipped a line: " + p.replace(str(target), str(path)) for p in problems]
