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


def process_alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would end the process there (TerminateProcess)
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # type: ignore[attr-defined]  # QUERY_LIMITED_INFORMATION
        if not handle:
            return ctypes.windll.kernel32.GetLastError() == 5  # type: ignore[attr-defined]  # ACCESS_DENIED: someone else's
        ctypes.windll.kernel32.CloseHandle(handle)  # type: ignore[attr-defined]
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists but belongs to someone else
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """A process that has ended and waits to be reaped (Linux). In a container whose first process
    reaps nothing, a killed batch's workers stay zombies forever; their files are not in use."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state == "Z"


def remove_stale_temporaries(folder: Path) -> None:
    """Delete temporary files left in ``folder`` by vqr processes that no longer run."""
    for entry in folder.glob(f"{TEMP_PREFIX}*.tmp"):
        match = _TEMP_NAME.match(entry.name)
        if match and not process_alive(int(match.group(1))):
            entry.unlink(missing_ok=True)


MAX_NAME_BYTES = 255  # a file name's limit on the common file systems (ext4, APFS; NTFS counts UTF-16 units, fewer)


def check_name_length(path: Path, asked: Path | None = None, what: str = "文件") -> None:
    """Fail early when the name of ``path`` (``what``: a side file of ``asked``, if given) is too long to
    be created: otherwise the report would be written and its side file fail afterwards."""
    size = len(os.fsencode(path.name))
    if size <= MAX_NAME_BYTES:
        return
    over = size - MAX_NAME_BYTES
    if asked is not None and asked != path:
        raise OutputError(f"输出文件名“{asked.name}”太长：旁边还要写{what}“{path.name[len(asked.stem):]}”，"
                          f"其名称超过文件系统允许的 {MAX_NAME_BYTES} 字节。工具没有写入任何文件。"
                          f"请把文件名缩短至少 {over} 字节（约 {-(-over // 3)} 个汉字）。")
    raise OutputError(f"文件名“{path.name}”太长（{size} 字节，文件系统最多允许 {MAX_NAME_BYTES} 字节）。工具没有写入任何文件。"
                      f"请把文件名缩短至少 {over} 字节（约 {-(-over // 3)} 个汉字），或用 -o 指定一个短一些的文件名。")


def check_writable_target(path: Path) -> None:
    """Fail early, with a clear message, when ``path`` cannot be written."""
    check_name_length(path)
    folder = path.parent
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
        for folder in dict.fromkeys(p.parent for p in files):
            remove_stale_temporaries(folder)
        for path, data in files.items():
            staged.append((stage(path.parent, data), path))
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
