"""Exceptions that carry a message for the user (Simplified Chinese) and the exit code to use."""

from __future__ import annotations

import datetime as dt
import errno
import tempfile
import traceback
from pathlib import Path

from vqr_author.problems import PROBLEM_CODES


class VqrError(Exception):
    """A failure the user can act on. ``str(exc)`` is the full Chinese message."""

    exit_code = 1


class EditionError(VqrError):
    """The edition file is missing or malformed (a problem of the installation, not the data)."""

    exit_code = 2


class WorkbookUnreadable(VqrError):
    """The input file cannot be read as a workbook at all (exit code 2). ``code`` is stable."""

    exit_code = 2

    def __init__(self, code: str, message: str) -> None:
        if code not in PROBLEM_CODES:
            raise KeyError(f"undocumented problem code {code!r}")
        super().__init__(message)
        self.code = code


class UsageError(VqrError):
    """A command given a value it cannot take (a level that does not exist…): exit code 2, as click's
    own usage errors."""

    exit_code = 2


class OutputError(VqrError):
    """The output file cannot be written (folder missing, read-only, disk full…)."""

    exit_code = 2


class TemplateError(VqrError):
    """The Word template is missing or broken."""

    exit_code = 2


class RecordError(VqrError):
    """A report's record (.vqr.json) is missing, unreadable, or describes a different report."""

    exit_code = 2


# What the operating system's error means for the user, in Chinese. The system's own text
# (strerror) is English ("No space left on device") and is never shown.
_OS_ERROR_TEXTS = {
    "ENOSPC": "磁盘已满。请清理磁盘空间（或换一个空间充足的输出位置）后重试",
    "EDQUOT": "已超出磁盘配额。请清理空间或请管理员提高配额后重试",
    "EACCES": "没有写入权限，或文件正被其他程序（如 Word、WPS）打开。请关闭该文件，或换一个有写权限的输出位置",
    "EPERM": "操作系统不允许写入该位置。请换一个输出位置，或请管理员开放写权限",
    "EROFS": "该磁盘是只读的（如光盘、写保护的 U 盘）。请换一个可写的输出位置",
    "ENAMETOOLONG": "文件名或路径太长。请换一个短一些的文件名，或放到层级浅一些的文件夹中",
    "ENOENT": "文件夹不存在（可能在写入时被删除或移动）。请确认输出文件夹存在后重试",
    "ENOTDIR": "路径中有一部分不是文件夹。请检查输出路径",
    "EISDIR": "目标是一个文件夹。请在 -o 后写完整的文件名",
    "EBUSY": "文件正被其他程序占用。请关闭正在打开它的程序后重试",
    "ETXTBSY": "文件正被其他程序占用。请关闭正在打开它的程序后重试",
    "EFBIG": "文件超出了该磁盘允许的最大文件大小。请换一个输出位置",
    "EIO": "读写磁盘时出错（可能是磁盘、U 盘或网络盘故障）。请检查设备后重试，或换一个输出位置",
    "EMFILE": "同时打开的文件过多。请关闭一些程序后重试",
    "ENFILE": "同时打开的文件过多。请关闭一些程序后重试",
    "EXDEV": "无法在不同磁盘之间移动文件。请换一个输出位置",
}
_OS_ERRORS = {getattr(errno, name): text for name, text in _OS_ERROR_TEXTS.items() if hasattr(errno, name)}


def os_error_text(exc: OSError) -> str:
    """What an OSError means and what to do, in Chinese, without a final 。 (callers add it)."""
    if isinstance(exc, PermissionError) and exc.errno not in _OS_ERRORS:
        return _OS_ERROR_TEXTS["EACCES"]
    known = _OS_ERRORS.get(exc.errno) if exc.errno is not None else None
    if known:
        return known
    number = f"（系统错误号 {exc.errno}）" if exc.errno is not None else ""
    return f"操作系统报告了错误{number}。请检查磁盘空间、写权限和文件是否被其他程序占用后重试"


class InputFolderError(VqrError):
    """The folder of workbooks given to `vqr batch` cannot be used (missing, not a folder, unreadable)."""

    exit_code = 2


def write_trace(exc: BaseException) -> Path | None:
    """A bug's details (the traceback of ``exc``) in a new log file in the temporary folder, for
    technical support; None when it cannot be written. The user is told where, never the details."""
    try:
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", prefix=f"vqr-{dt.datetime.now():%Y%m%d-%H%M%S}-",
                                         suffix=".log", delete=False) as log:
            log.write("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    except (OSError, RuntimeError):
        return None
    return Path(log.name)


def trace_note(exc: BaseException) -> str:
    """"详细信息已写入日志文件：…。" after writing the log (write_trace), or "" when it could not be."""
    log = write_trace(exc)
    return f"详细信息已写入日志文件：{log}。" if log else ""
