"""The user's cache folder: things the tool can always recompute, kept to skip the work next time.

VQR_CACHE_DIR when set, else $XDG_CACHE_HOME/vqr_author or ~/.cache/vqr_author. Each user of the
cache has its own subfolder (layouts/, editions/, jinja/); deleting any of it is always safe.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import CodeType

    import jinja2

CACHE_VARIABLE = "VQR_CACHE_DIR"
KEEP_JINJA = 1000  # compiled templates kept (the report template's parts and the edition's sentences, a few kB each)


def cache_folder(name: str) -> Path:
    """The subfolder ``name`` of the cache folder (not created here). RuntimeError without a home."""
    explicit = os.environ.get(CACHE_VARIABLE)
    if explicit:
        return Path(explicit) / name
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "vqr_author" / name


def jinja_code(environment: jinja2.Environment, source: str) -> CodeType:
    """``source`` compiled by ``environment`` (what its from_string compiles), reusing the code an
    earlier process compiled: Jinja's own bytecode cache in jinja/, one file per source, checked
    against the source and Jinja's and Python's versions. Compiling the report template's parts and
    the edition's sentences is about a tenth of a one-school `vqr render`. A cache that cannot be
    read or written only costs the compilation; a syntax error raises as from_string would."""
    import jinja2
    from jinja2.bccache import FileSystemBytecodeCache

    try:
        folder = cache_folder("jinja")
        folder.mkdir(parents=True, exist_ok=True)
        store = FileSystemBytecodeCache(str(folder), "%s.jinja")
        kind = f"{type(environment).__name__}|autoescape={environment.autoescape!r}|jinja {jinja2.__version__}"
        bucket = store.get_bucket(environment, kind, source, source)  # the "filename" joins the key: one file per source
    except Exception:  # noqa: BLE001 — no home, a read-only or damaged cache: compile
        return environment.compile(source)
    if bucket.code is None:
        bucket.code = environment.compile(source)
        try:
            store.set_bucket(bucket)
            kept = sorted(folder.glob("*.jinja"), key=lambda f: f.stat().st_mtime_ns)
            for stale in kept[:-KEEP_JINJA]:  # sources no longer used (a changed template or edition)
                stale.unlink(missing_ok=True)
        except OSError:
            pass
    return bucket.code
