"""Look at a file before trusting it as a workbook, and open it with openpyxl.

Anything that makes the file unreadable as a whole raises WorkbookUnreadable (exit code 2) with a
message that says what the file really is and what to do.
"""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.workbook.workbook import Workbook

from vqr_author.errors import WorkbookUnreadable

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
ENCRYPTION_MARK = "EncryptionInfo".encode("utf-16-le")


def sniff(path: Path) -> None:
    """Raise Unreadable unless ``path`` looks like an .xlsx workbook of sane size."""
    name = path.name
    if not path.exists():
        raise WorkbookUnreadable("file-not-found", f"找不到文件“{path}”。请检查文件名和所在文件夹。")
    if not path.is_file():
        raise WorkbookUnreadable("not-a-file", f"“{path}”是文件夹，不是填报表文件。")
    size = path.stat().st_size
    if size == 0:
        raise WorkbookUnreadable("empty-file", f"“{name}”是空文件（0 字节）。请重新保存填报表后再试。")
    if size > MAX_FILE_BYTES:
        raise WorkbookUnreadable(
            "file-too-large",
            f"“{name}”有 {size // (1024 * 1024)} MB，超过填报表上限 {MAX_FILE_BYTES // (1024 * 1024)} MB。"
            "请删除表中多余的行、图片或工作表后再试。",
        )
    with path.open("rb") as fh:
        head = fh.read(65536)
    if head.startswith(OLE_MAGIC):
        if ENCRYPTION_MARK in head:
            raise WorkbookUnreadable(
                "password-protected",
                f"“{name}”设置了打开密码，工具无法读取。请在 Excel 中取消密码（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后另存。",
            )
        raise WorkbookUnreadable(
            "old-xls-format",
            f"“{name}”是旧版 Excel 97-2003 格式（.xls）。请在 Excel 中“另存为” Excel 工作簿（.xlsx）后再试。",
        )
    if not head.startswith(ZIP_MAGIC):
        raise WorkbookUnreadable("not-a-workbook", f"“{name}”不是 Excel 工作簿（.xlsx）。{_guess_kind(head)}请使用 vqr init 生成的填报表。")
    _check_zip(path, name)


def _guess_kind(head: bytes) -> str:
    if head.startswith(b"%PDF"):
        return "它是 PDF 文件。"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = head.decode("gbk")
        except UnicodeDecodeError:
            return ""
    first_line = text.splitlines()[0] if text.strip() else ""
    if "," in first_line or "\t" in first_line:
        return "它看起来是 CSV 文本文件，请在 Excel 中打开后“另存为” .xlsx。"
    return "它看起来是文本文件。"


def _check_zip(path: Path, name: str) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            total = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise WorkbookUnreadable(
            "corrupt-workbook",
            f"“{name}”已损坏，无法作为 Excel 工作簿打开（{type(exc).__name__}）。请用 Excel 打开确认，或重新保存一份。",
        ) from exc
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            kind = "它是 Word 文档（.docx），只是扩展名改成了 .xlsx。"
        elif "ppt/presentation.xml" in names:
            kind = "它是 PowerPoint 演示文稿。"
        else:
            kind = "它是一个压缩包，但里面没有 Excel 工作簿。"
        raise WorkbookUnreadable("not-a-workbook", f"“{name}”不是 Excel 工作簿：{kind}请使用 vqr init 生成的填报表。")
    if total > MAX_UNCOMPRESSED_BYTES:
        raise WorkbookUnreadable(
            "workbook-too-large",
            f"“{name}”解压后超过 {MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB，远大于正常填报表，工具拒绝读取。"
            "请检查是否误粘贴了大量数据或图片。",
        )


def open_workbook(path: Path, data_only: bool) -> Workbook:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions; not the user's concern
            return openpyxl.load_workbook(path, data_only=data_only)
    except WorkbookUnreadable:
        raise
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise WorkbookUnreadable(
            "corrupt-workbook",
            f"“{path.name}”无法作为 Excel 工作簿读取（{type(exc).__name__}）。请用 Excel 打开后重新保存一份 .xlsx 再试。",
        ) from exc
