"""Write output files so that a failed or interrupted run never damages a previous good file.

Bytes go to a temporary file in the target folder, are flushed to disk, and are renamed over the
target in one step (os.replace is atomic on the same file system). The temporary file is removed
on any failure, Ctrl-C and termination included; one left by a process killed outright (kill -9,
power loss) carries that process's id and is removed by the next write into the folder.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path

from vqr_author.errors import OutputError, os_error_text

TEMP_PREFIX = ".~vqr-"
_TEMP_NAME = re.compile(re.escape(TEMP_PREFIX) + r"(\d+)-.*\.tmp$")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists but belongs to someone else
    return True


def remove_stale_temporaries(folder: Path) -> None:
    """Delete temporary files left in ``folder`` by vqr processes that no longer run."""
    for entry in folder.glob(f"{TEMP_PREFIX}*.tmp"):
        match = _TEMP_NAME.match(entry.name)
        if match and not _alive(int(match.group(1))):
            entry.unlink(missing_ok=True)


def check_writable_target(path: Path) -> None:
    """Fail early, with a clear message, when ``path`` cannot be written."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.exists():
        raise OutputError(f"输出文件夹“{folder}”不存在。请先创建该文件夹，或换一个输出位置。")
    if not folder.is_dir():
        raise OutputError(f"“{folder}”不是文件夹，无法在其中写入“{path.name}”。")
    if path.is_dir():
        raise OutputError(f"“{path}”是一个文件夹。请在 -o 后写完整的文件名，例如 {path / '报告.docx'}。")
    if not os.access(folder, os.W_OK):
        raise OutputError(f"没有写入文件夹“{folder}”的权限。请换一个输出位置，或请管理员开放写权限。")
    if path.exists() and not os.access(path, os.W_OK):
        raise OutputError(f"“{path}”是只读文件，无法覆盖。请关闭正在打开它的程序（如 Word）或取消只读后重试。")


def stage(folder: Path, data: bytes) -> Path:
    """Write ``data`` to a new temporary file in ``folder``, flushed to disk; the caller renames it
    into place (os.replace) or removes it. Nothing is left behind if writing fails."""
    fd, tmp_name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=".tmp", dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _folder(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def write_failure(path: Path, exc: OSError) -> OutputError:
    """The error for a failed write, in Chinese: what happened and what to do (never the system's
    English text such as "No space left on device")."""
    return OutputError(f"无法写入“{path}”：{os_error_text(exc)}。")


def stage_files(files: Mapping[Path, bytes]) -> list[tuple[Path, Path]]:
    """Stage every file in a temporary file beside its target, flushed to disk; returns
    (temporary file, target) pairs for the caller to rename into place. If any cannot be staged
    (disk full…), the ones already staged are removed and OutputError is raised: nothing changed."""
    staged: list[tuple[Path, Path]] = []
    path = None
    try:
        for folder in dict.fromkeys(_folder(p) for p in files):
            remove_stale_temporaries(folder)
        for path, data in files.items():
            staged.append((stage(_folder(path), data), path))
    except OSError as exc:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise write_failure(path or next(iter(files)), exc) from exc
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    return staged


def write_together(files: Mapping[Path, bytes]) -> None:
    """Write several files as one unit (a report, its PDF and its record): all are staged first, and
    only when every one is on disk are they renamed into place, in order. A failure while staging
    (disk full, Ctrl-C…) leaves every previous file as it was; renames need no space."""
    for path in files:
        check_writable_target(path)
    staged = stage_files(files)
    current = None
    try:
        for temporary, path in staged:
            current = path
            os.replace(temporary, path)
    except OSError as exc:
        raise write_failure(current or path, exc) from exc
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)


def write_atomic(path: Path, data: bytes) -> None:
    write_together({path: data})
