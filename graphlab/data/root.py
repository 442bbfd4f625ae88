"""Where datasets live: ``--data-root`` › ``$GRAPHLAB_DATA`` › ``./datasets``."""

from __future__ import annotations

import os
from pathlib import Path


def resolve_root(root: str | Path | None = None) -> Path:
    """The data root in force: the explicit argument, else $GRAPHLAB_DATA, else ./datasets."""
    if root:
        return Path(root).expanduser()
    env = os.environ.get("GRAPHLAB_DATA")
    return Path(env).expanduser() if env else Path("datasets")
