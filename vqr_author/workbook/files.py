"""Look at a file before trusting it as a workbook (``xlsx.read_grids`` then reads its cells).

Anything that makes the file unreadable as a whole raises WorkbookUnreadable (exit code 2) with a
message that says what the file really is and what to do.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from vqr_author.errors import WorkbookUnreadable

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024  # everything, photos included
MAX_XML_BYTES = 100 * 1024 * 1024  # the XML parts; a real form has a few MB at most
MAX_SHEET_ROWS = 10_000  # a school form has a few hundred rows
MAX_SHEET_CELLS = 300_000
NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
ENCRYPTION_MARK = "EncryptionInfo".encode("utf-16-le")


@dataclass(frozen=True)
class SheetScan:
    """What the raw XML of a sheet says before any parser builds it."""

    merged: tuple[str, ...] = ()  # merged ranges, e.g. "E5:F6"
    uncached_formulas: dict[str, str] = field(default_factory=dict)  # cell → formula without a saved result


def sniff(path: Path) -> dict[str, SheetScan]:
    """Raise WorkbookUnreadable unless ``path`` looks like an .xlsx workbook of sane size; return
    what the scan of each sheet found (by sheet name)."""
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
    return _check_zip(path, name)


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
        f"“{name}”已损坏，无法作为 Excel 工作簿打开（{type(exc).__name__}）。请用 Excel 打开确认，或重新保存一份。",
    )


def _check_zip(path: Path, name: str) -> dict[str, SheetScan]:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {info.filename for info in infos}
            if "xl/workbook.xml" not in names:
                if "word/document.xml" in names:
                    kind = "它是 Word 文档（.docx），只是扩展名改成了 .xlsx。"
                elif "ppt/presentation.xml" in names:
                    kind = "它是 PowerPoint 演示文稿。"
                else:
                    kind = "它是一个压缩包，但里面没有 Excel 工作簿。"
                raise WorkbookUnreadable("not-a-workbook", f"“{name}”不是 Excel 工作簿：{kind}请使用 vqr init 生成的填报表。")
            total = sum(info.file_size for info in infos)
            xml = sum(info.file_size for info in infos if not info.filename.startswith("xl/media/"))
            if total > MAX_UNCOMPRESSED_BYTES or xml > MAX_XML_BYTES:
                raise WorkbookUnreadable(
                    "workbook-too-large",
                    f"“{name}”解压后有 {max(total, xml) // (1024 * 1024)} MB，远大于正常填报表，工具拒绝读取。"
                    "请检查是否误粘贴了大量数据或图片，删除后另存再试。",
                )
            return {sheet: _scan_sheet(zf, part, sheet, name) for sheet, part in sheet_parts(zf)}
    except WorkbookUnreadable:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, ValueError, KeyError,
            ParseError, DefusedXmlException, RuntimeError, NotImplementedError, UnicodeError) as exc:
        raise corrupt(name, exc) from exc


def sheet_parts(zf: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, zip member) of every worksheet, read from the workbook's own relationships."""
    book = fromstring(zf.read("xl/workbook.xml"))
    rels = fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{NS_PKG_REL}Relationship")}
    parts = []
    for sheet in book.iter(f"{NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{NS_REL}id"), "")
        member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        if member in zf.NameToInfo:
            parts.append((sheet.get("name", "?"), member))
    return parts


_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br=\"(\d+)\"")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z0-9:]+)\"")
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_ELEMENT = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF = re.compile(rb"\br=\"([A-Z]+\d+)\"")
_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*>(.*?)</(?:\w+:)?f>", re.S)
_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]")
CHUNK = 1 << 20


def _scan_sheet(zf: zipfile.ZipFile, member: str, sheet: str, name: str) -> SheetScan:
    """Count rows and cells in the raw XML, chunk by chunk (bounded memory, no parsing), and refuse
    sheets far beyond a real form before any parser would build them in memory. Also note merged
    ranges and formulas that have no saved result (so a read-only load can report both)."""
    cells = 0
    tail = b""
    merged: list[str] = []
    formulas = False
    with zf.open(member) as fh:
        while chunk := fh.read(CHUNK):
            data = tail + chunk
            cut = max(0, data.rfind(b"<"))  # a tag cut by the chunk boundary is scanned with the next chunk
            scan, tail = data[:cut], data[cut:]
            cells += len(_CELL.findall(scan))
            if cells > MAX_SHEET_CELLS:
                raise _sheet_too_large(name, sheet, f"超过 {MAX_SHEET_CELLS} 个单元格")
            last_row = max((int(r) for r in _ROW.findall(scan)), default=0)
            if last_row > MAX_SHEET_ROWS:
                raise _sheet_too_large(name, sheet, f"第 {last_row} 行有内容或格式（上限 {MAX_SHEET_ROWS} 行）")
            if len(tail) > CHUNK:  # no tag start for a whole chunk: not a worksheet we can read
                raise WorkbookUnreadable("corrupt-workbook", f"“{name}”的工作表“{sheet}”内容异常，无法读取。请用 Excel 重新保存。")
            merged += [m.decode() for m in _MERGE.findall(scan)]
            formulas = formulas or bool(_FORMULA_TAG.search(scan))
        cells += len(_CELL.findall(tail))
        if cells > MAX_SHEET_CELLS or max((int(r) for r in _ROW.findall(tail)), default=0) > MAX_SHEET_ROWS:
            raise _sheet_too_large(name, sheet, f"超过上限（{MAX_SHEET_ROWS} 行或 {MAX_SHEET_CELLS} 个单元格）")
        merged += [m.decode() for m in _MERGE.findall(tail)]
        formulas = formulas or bool(_FORMULA_TAG.search(tail))
    return SheetScan(tuple(merged), _uncached_formulas(zf.read(member)) if formulas else {})


def _uncached_formulas(xml: bytes) -> dict[str, str]:
    """Cells that hold a formula but no saved result (a file written by a program, never opened in Excel)."""
    found = {}
    for match in _CELL_ELEMENT.finditer(xml):
        inner = match.group(2) or b""
        formula = _FORMULA.search(inner)
        ref = _REF.search(match.group(1))
        if ref and (formula or _FORMULA_TAG.search(inner)) and not _VALUE.search(inner):
            text = formula.group(1).decode("utf-8", "replace") if formula else "共享公式"
            found[ref.group(1).decode()] = text
    return found


def _sheet_too_large(name: str, sheet: str, what: str) -> WorkbookUnreadable:
    return WorkbookUnreadable(
        "sheet-too-large",
        f"“{name}”的工作表“{sheet}”{what}，远大于正常填报表，工具拒绝读取。常见原因是在很远的行里误输入了内容或设置了格式："
        "请选中多余的行整行删除后另存再试。",
    )
