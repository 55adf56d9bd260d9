"""The user's cache folder: things the tool can always recompute, kept to skip the work next time.

VQR_CACHE_DIR when set, else $XDG_CACHE_HOME/vqr_author or ~/.cache/vqr_author. Each user of the
cache has its own subfolder (layouts/, editions/); deleting any of it is always safe.
"""

from __future__ import annotations

import os
from pathlib import Path

CACHE_VARIABLE = "VQR_CACHE_DIR"


def cache_folder(name: str) -> Path:
    """The subfolder ``name`` of the cache folder (not created here). RuntimeError without a home."""
    explicit = os.environ.get(CACHE_VARIABLE)
    if explicit:
        return Path(explicit) / name
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "vqr_author" / name
