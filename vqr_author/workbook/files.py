"""Look at a file before trusting it as a workbook (``xlsx.read_grids`` then reads its cells).

Anything that makes the file unreadable as a whole raises WorkbookUnreadable (exit code 2) with a
message that says what the file really is and what to do.
"""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from vqr_author.errors import WorkbookUnreadable

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024  # everything, photos included
MAX_XML_BYTES = 100 * 1024 * 1024  # the XML parts; a real form has a few MB at most
NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
ENCRYPTION_MARK = "EncryptionInfo".encode("utf-16-le")


def sniff(path: Path) -> None:
    """Raise WorkbookUnreadable unless ``path`` looks like an .xlsx workbook of sane size."""
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
        if path.suffix.lower() in (".et", ".ett"):
            raise WorkbookUnreadable("old-xls-format", f"“{name}”是 WPS 表格格式（{path.suffix}）。{SAVE_AS_XLSX}")
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


def corrupt(name: str, exc: BaseException) -> WorkbookUnreadable:
    return WorkbookUnreadable(
        "corrupt-workbook",
        f"“{name}”已损坏，无法作为 Excel 工作簿打开（文件的压缩包结构或其中的内容不完整）。请用 Excel 打开确认，或重新保存一份。",
    )


SAVE_AS_XLSX = "请用 Excel 或 WPS 打开后“另存为” Excel 工作簿（.xlsx）再试。"
# The mimetype member of OpenDocument files (LibreOffice, WPS, Kingsoft): what the document is.
_OPEN_DOCUMENT = {
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument 电子表格（.ods，LibreOffice、WPS 等软件保存的格式）",
    "application/vnd.oasis.opendocument.text": "OpenDocument 文字文档（.odt）",
    "application/vnd.oasis.opendocument.presentation": "OpenDocument 演示文稿（.odp）",
}


def _zip_kind(zf: zipfile.ZipFile, names: set[str]) -> str:
    """What a zip that is not an .xlsx really is, and what to do."""
    if "xl/workbook.bin" in names:
        return f"它是 Excel 二进制工作簿（.xlsb）。{SAVE_AS_XLSX}"
    if "word/document.xml" in names:
        return "它是 Word 文档（.docx），只是扩展名改成了 .xlsx。请使用 vqr init 生成的填报表。"
    if "ppt/presentation.xml" in names:
        return "它是 PowerPoint 演示文稿。请使用 vqr init 生成的填报表。"
    if "mimetype" in names:
        mimetype = zf.read("mimetype")[:200].decode("ascii", "replace").strip()
        kind = _OPEN_DOCUMENT.get(mimetype)
        if kind is not None:
            return f"它是{kind}。{SAVE_AS_XLSX}"
    if any(n.startswith("Index/") and n.endswith(".iwa") for n in names):
        return "它是苹果 Numbers 表格。请在 Numbers 中“导出到 Excel”（.xlsx）再试。"
    inner = sorted(n for n in names if n.lower().endswith((".xlsx", ".xls", ".ods", ".et")))
    if inner:
        shown = "、".join(f"“{posixpath.basename(n)}”" for n in inner[:3]) + ("等" if len(inner) > 3 else "")
        return f"它是一个压缩包（.zip），里面有 {shown}。请先解压，再对解压出的 .xlsx 文件运行。"
    return f"它是一个压缩包，里面没有 Excel 工作簿。如这是用其他软件保存的表格，{SAVE_AS_XLSX}"


def _check_zip(path: Path, name: str) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {info.filename for info in infos}
            if "xl/workbook.xml" not in names:
                raise WorkbookUnreadable("not-a-workbook", f"“{name}”不是 Excel 工作簿（.xlsx）：{_zip_kind(zf, names)}")
            total = sum(info.file_size for info in infos)
            xml = sum(info.file_size for info in infos if not info.filename.startswith("xl/media/"))
            if total > MAX_UNCOMPRESSED_BYTES or xml > MAX_XML_BYTES:
                raise WorkbookUnreadable(
                    "workbook-too-large",
                    f"“{name}”解压后有 {max(total, xml) // (1024 * 1024)} MB，远大于正常填报表，工具拒绝读取。"
                    "请检查是否误粘贴了大量数据或图片，删除后另存再试。",
                )
            sheet_parts(zf)  # refused here when unreadable or declaring entities (defusedxml), before any parser reads on
    except WorkbookUnreadable:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, ValueError, KeyError,
            ParseError, DefusedXmlException, RuntimeError, NotImplementedError, UnicodeError) as exc:
        raise corrupt(name, exc) from exc


def sheet_parts(zf: zipfile.ZipFile, book: Any = None, rels: Any = None) -> list[tuple[str, str]]:
    """(sheet name, zip member) of every worksheet, read from the workbook's own relationships
    (``book`` and ``rels``: xl/workbook.xml and its relationships, if the caller parsed them already)."""
    book = fromstring(zf.read("xl/workbook.xml")) if book is None else book
    rels = fromstring(zf.read("xl/_rels/workbook.xml.rels")) if rels is None else rels
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{NS_PKG_REL}Relationship")}
    parts = []
    for sheet in book.iter(f"{NS_MAIN}sheet"):
        member = part_member(targets.get(sheet.get(f"{NS_REL}id"), ""))
        if member in zf.NameToInfo:
            parts.append((sheet.get("name", "?"), member))
    return parts


def part_member(target: str) -> str:
    """The zip member named by a relationship target of xl/workbook.xml."""
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
