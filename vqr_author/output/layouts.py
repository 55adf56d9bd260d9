"""Page numbers remembered per document, so a re-run does not lay out an unchanged report again.

The layout pass (output.pdf) costs a LibreOffice start and a full layout: seconds per report, most
of a re-run in which nothing changed (an office regenerating its district report after fixing one
school's typo elsewhere, a batch whose reports are all current). Which page each heading and caption
lands on is a function of the document's bytes — which are reproducible — and of the LibreOffice
and fonts that laid it out. So the pages found are kept under a key made of the document's sha256,
the soffice program (path, size, modification time), the font aliases given to it and the fonts
installed (fontconfig's list, where there is one); the same
document laid out by the same LibreOffice gets the same pages without running it. A different
LibreOffice or alias table, or any change to the document, is a different key.

The memory is a small JSON file per key in the user's cache folder (vqr_author.cache: VQR_CACHE_DIR, else
$XDG_CACHE_HOME/vqr_author or ~/.cache/vqr_author, layouts/); deleting it is always safe. A file
that cannot be read or written is ignored: the pass then simply runs.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from vqr_author import cache
from vqr_author.digest import sha256
from vqr_author.errors import VqrError
from vqr_author.output.atomic import write_atomic

KEEP = 2000  # files kept (each a few kB); the oldest go first


def cache_folder() -> Path:
    return cache.cache_folder("layouts")  # RuntimeError without a home


def layout_key(document: bytes, soffice: str, aliases: str) -> str:
    try:
        stat = Path(soffice).resolve().stat()
        program = f"{Path(soffice).resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    except OSError:
        program = soffice
    parts = (sha256(document), program, aliases, _installed_fonts())
    return sha256("|".join(parts).encode("utf-8"))


@lru_cache(maxsize=1)
def _installed_fonts() -> str:
    """The installed fonts as fontconfig lists them (a new or removed font can move pages); listed
    once per process (fc-list takes tens of milliseconds, a batch worker lays out many reports)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ""
    try:
        listed = subprocess.run([fc_list, "--format", "%{file}|%{family}\n"], capture_output=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return ""
    return sha256(b"\n".join(sorted(listed.splitlines())))


def recalled_pages(key: str, anchors: set[str]) -> dict[str, str] | None:
    """The pages remembered for ``key`` (every bookmark found then, table rows included) when they
    cover every anchor of the 目录, else None."""
    try:
        pages = json.loads((cache_folder() / f"{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, RuntimeError):
        return None
    if not isinstance(pages, dict) or not anchors <= pages.keys():
        return None
    return {str(anchor): str(page) for anchor, page in pages.items()}


def remember_pages(key: str, pages: dict[str, str]) -> None:
    try:
        folder = cache_folder()
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / f"{key}.json", json.dumps(pages, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        _prune(folder)
    except (OSError, ValueError, RuntimeError, VqrError):  # a full disk or a read-only home: the next run lays it out again
        pass


def _prune(folder: Path) -> None:
    files = sorted(folder.glob("*.json"), key=lambda f: f.stat().st_mtime_ns)
    for stale in files[:-KEEP]:
        stale.unlink(missing_ok=True)
