"""The generation store: an index folder's generations and which one is current.

An index folder holds ``gen-<time>`` folders, each a complete generation
with a ``build.json``, and a ``current`` symlink naming the one in use (see
docs/index-format.md). Both the write path (``build``) and the read path
(the search service) find generations here; neither imports the other.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

CURRENT = "current"
BUILD_INFO = "build.json"


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
    """The ``build.json`` of a generation folder."""
    return json.loads((generation / BUILD_INFO).read_text(encoding="utf-8"))
