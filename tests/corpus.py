"""A corpus of bad inputs, generated (never hand-saved): what teachers and office staff really send.

Each case builds one input file from the sample workbook (or from nothing) and states the problem
code it must produce and the exit code of `vqr check`. `tests/test_corpus.py` runs every case;
`python tests/corpus.py 目标文件夹` writes the files for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import shutil
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "sample_inputs" / "school"
SAMPLE_NAME = "海川职业学校.xlsx"
sys.path.insert(0, str(ROOT))

from vqr_author.workbook.files import sheet_parts  # noqa: E402


@dataclass(frozen=True)
class Case:
    name: str
    description: str
    build: Callable[[Path], Path]  # folder → input path
    code: str | None  # the problem code it must produce (None: must be accepted without errors)
    exit_code: int
    args: tuple[str, ...] = field(default=())  # extra arguments for vqr check / render
    says: tuple[str, ...] = field(default=())  # what the message of the expected problem must say

    @property
    def file_level(self) -> bool:
        return self.exit_code == 2


# ---------------------------------------------------------------------------------------------
# building blocks
def sample_copy(folder: Path) -> Path:
    """A private copy of the sample workbook and its photos."""
    target = folder / "school"
    shutil.copytree(SAMPLE_DIR, target)
    return target / SAMPLE_NAME


def edited(fn: Callable[[openpyxl.Workbook], None]) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = sample_copy(folder)
        wb = openpyxl.load_workbook(path)
        fn(wb)
        wb.save(path)
        return path

    return build


def zip_edited(fn: Callable[[str, bytes, dict[str, str]], bytes], prepare=None) -> Callable[[Path], Path]:
    """Edit the parts of the workbook's zip directly (what openpyxl cannot write)."""

    def build(folder: Path) -> Path:
        path = edited(prepare)(folder) if prepare else sample_copy(folder)
        with zipfile.ZipFile(path) as zf:
            sheets = {member: sheet for sheet, member in sheet_parts(zf)}
            parts = [(info, zf.read(info.filename)) for info in zf.infolist()]
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for info, data in parts:
                zf.writestr(info.filename, fn(info.filename, data, sheets))
        path.write_bytes(out.getvalue())
        return path

    return build


def raw_file(name: str, content: Callable[[], bytes]) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(content())
        return path

    return build


def row_of(ws, code: str) -> int:
    for (cell,) in ws.iter_rows(min_row=2, max_col=1):
        if cell.value == code:
            return cell.row
    raise KeyError(code)


def set_indicators(values: dict[str, object]) -> Callable[[openpyxl.Workbook], None]:
    """Set 本年 of the given indicators."""

    def fn(wb: openpyxl.Workbook) -> None:
        ws = wb["指标"]
        for code, value in values.items():
            ws.cell(row=row_of(ws, code), column=6).value = value

    return fn


def set_indicator(code: str, this: object) -> Callable[[openpyxl.Workbook], None]:
    return set_indicators({code: this})


def set_cover(key: str, value: object) -> Callable[[openpyxl.Workbook], None]:
    def fn(wb: openpyxl.Workbook) -> None:
        for row in wb["封面"].iter_rows(min_row=2):
            if row[0].value == key:
                row[1].value = value

    return fn


def set_cells(values: dict[tuple[str, str], object]) -> Callable[[openpyxl.Workbook], None]:
    def fn(wb: openpyxl.Workbook) -> None:
        for (sheet, ref), value in values.items():
            wb[sheet][ref].value = value

    return fn


def case_image(name: str, content: Callable[[], bytes] | None = None) -> Callable[[Path], Path]:
    """The first case's image replaced by ``name`` (and, if given, a file with that content)."""

    def build(folder: Path) -> Path:
        path = edited(set_cells({("案例", "D2"): name}))(folder)
        if content is not None:
            (path.parent / name).write_bytes(content())
        return path

    return build


# ---------------------------------------------------------------------------------------------
# file contents
def docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("这是一份 Word 文档，不是填报表。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def ods_bytes() -> bytes:
    """An OpenDocument spreadsheet (LibreOffice, WPS) as its container says: mimetype first, stored."""
    return zip_bytes({
        "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
        "META-INF/manifest.xml": b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
        "content.xml": b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>',
    })


def zipped_workbook_bytes() -> bytes:
    return zip_bytes({"学校/海川职业学校.xlsx": (SAMPLE_DIR / SAMPLE_NAME).read_bytes()})


def old_xls_bytes() -> bytes:
    """The header of an Excel 97-2003 compound file (a synthetic container, not a full .xls)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + struct.pack("<HH", 0x3E, 3) + b"\xfe\xff"
    return header + b"\x00" * (512 - len(header)) + "Workbook".encode("utf-16-le") + b"\x00" * 4096


def encrypted_bytes() -> bytes:
    """The sample workbook protected with a password, as Excel does (agile encryption)."""
    import msoffcrypto.format.ooxml

    plain = io.BytesIO((SAMPLE_DIR / SAMPLE_NAME).read_bytes())
    out = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(plain).encrypt("123456", out)
    return out.getvalue()


def truncated_bytes() -> bytes:
    data = (SAMPLE_DIR / SAMPLE_NAME).read_bytes()
    return data[: len(data) // 2]


def zip_bomb(folder: Path) -> Path:
    """A workbook whose sheet inflates to 400 MB (compressed: well under a megabyte)."""
    path = folder / "压缩炸弹.xlsx"
    template = (SAMPLE_DIR / SAMPLE_NAME).read_bytes()
    with zipfile.ZipFile(io.BytesIO(template)) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename.endswith("sheet1.xml"):
                with dst.open(info.filename, "w", force_zip64=True) as fh:
                    fh.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
                    block = b" " * (1 << 20)
                    for _ in range(400):
                        fh.write(block)
                    fh.write(b"</sheetData></worksheet>")
            else:
                dst.writestr(info.filename, src.read(info.filename))
    return path


def far_row(sheet_xml: bytes, row: int) -> bytes:
    cell = f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>x</t></is></c></row>'.encode()
    return sheet_xml.replace(b"</sheetData>", cell + b"</sheetData>")


def many_cells(sheet_xml: bytes, count: int) -> bytes:
    """``count`` more cells in rows that stay within the row limit (60 columns a row)."""
    from openpyxl.utils import get_column_letter

    columns = [get_column_letter(c) for c in range(20, 80)]
    rows = "".join(f'<row r="{r}">' + "".join(f'<c r="{col}{r}"><v>1</v></c>' for col in columns) + "</row>"
                   for r in range(400, 400 + count // len(columns) + 1))
    return sheet_xml.replace(b"</sheetData>", rows.encode() + b"</sheetData>")


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'.encode()
                             for i in range(1, 10))
                  + b"]>")


def entity_bomb(xml: bytes) -> bytes:
    """An XML part that would expand to gigabytes if entities were allowed ("billion laughs")."""
    body = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
    return BILLION_LAUGHS + body.replace(b"</sheetData>", b"<row r=\"300\"><c r=\"A300\" t=\"inlineStr\"><is><t>&lol9;</t></is></c></row></sheetData>", 1)


def symlinked_image(folder: Path) -> Path:
    """A case photo that is a link to a file outside the workbook's folder."""
    path = edited(set_cells({("案例", "D2"): "照片/链接.png"}))(folder)
    (path.parent / "照片" / "链接.png").symlink_to("/etc/hostname")
    return path


def corrupt_png() -> bytes:
    good = (SAMPLE_DIR / "照片" / "案例1.png").read_bytes()
    return good[:200]  # signature and header intact, image data cut off


def elf_bytes() -> bytes:
    return b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + bytes(random.Random(7).getrandbits(8) for _ in range(4000))


def png_bomb() -> bytes:
    """A tiny PNG that declares 30000 × 30000 pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 100)) + chunk(b"IEND", b"")


def replace_text(placeholder: str, escaped: str) -> Callable[[str, bytes, dict[str, str]], bytes]:
    """Put Excel's ``_xHHHH_`` escapes (characters XML cannot hold) where the placeholder text is."""

    def fn(name: str, data: bytes, sheets: dict[str, str]) -> bytes:
        return data.replace(placeholder.encode(), escaped.encode()) if name.endswith(".xml") else data

    return fn


def in_sheet(sheet: str, fn: Callable[[bytes], bytes]) -> Callable[[str, bytes, dict[str, str]], bytes]:
    return lambda name, data, sheets: fn(data) if sheets.get(name) == sheet else data


def delete_rows(codes: list[str]) -> Callable[[openpyxl.Workbook], None]:
    def fn(wb: openpyxl.Workbook) -> None:
        ws = wb["指标"]
        for code in codes:
            ws.delete_rows(row_of(ws, code))

    return fn


def swap_year_columns(wb: openpyxl.Workbook) -> None:
    ws = wb["指标"]
    for row in ws.iter_rows(min_row=1):
        row[4].value, row[5].value = row[5].value, row[4].value


def text_formula(wb: openpyxl.Workbook) -> None:
    cell = wb["指标"].cell(row=row_of(wb["指标"], "GM05"), column=6)
    cell.value = "=E6*1.2"
    cell.data_type = "s"


def rename_sheet(old: str, new: str) -> Callable[[openpyxl.Workbook], None]:
    def fn(wb: openpyxl.Workbook) -> None:
        wb[old].title = new

    return fn


def remove_sheet(name: str) -> Callable[[openpyxl.Workbook], None]:
    return lambda wb: wb.remove(wb[name])


def merge(sheet: str, cells: str) -> Callable[[openpyxl.Workbook], None]:
    return lambda wb: wb[sheet].merge_cells(cells)


def add_derived_row(wb: openpyxl.Workbook) -> None:
    wb["指标"].append(["SZ51", "师资", "生师比", "生:师", 13.1, 13.2, ""])


def move_cases_first(wb: openpyxl.Workbook) -> None:
    wb.move_sheet("案例", offset=-5)


def hide_sheet(name: str) -> Callable[[openpyxl.Workbook], None]:
    return lambda wb: setattr(wb[name], "sheet_state", "hidden")


def hide_rows(sheet: str, *rows: int) -> Callable[[openpyxl.Workbook], None]:
    def fn(wb: openpyxl.Workbook) -> None:
        for row in rows:
            wb[sheet].row_dimensions[row].hidden = True

    return fn


def extra_sheet(wb: openpyxl.Workbook) -> None:
    wb.create_sheet("学校简介")["A2"] = "学校创办于 1958 年。"


def blank_optional(wb: openpyxl.Workbook) -> None:
    ws = wb["指标"]
    for code in ("F1-05", "F3-01", "F3-02", "F5-01"):
        ws.cell(row=row_of(ws, code), column=6).value = None


def blank_workbook(folder: Path) -> Path:
    path = folder / "空白工作簿.xlsx"
    openpyxl.Workbook().save(path)
    return path


def with_variant_edition(folder: Path) -> Path:
    from vqr_author.edition.loader import DATA_DIR

    text = (DATA_DIR / "zhongzhi-2024.yaml").read_text(encoding="utf-8")
    (folder / "zhongzhi-2099.yaml").write_text(text.replace("id: zhongzhi-2024", "id: zhongzhi-2099"), encoding="utf-8")
    return sample_copy(folder)


LONG_TEXT = "这是一段极长的文字。" * 5000  # 50,000 characters
TEMPLATE_TEXT = "{{ title }} {% for x in range(9) %}循环{% endfor %} {# 注释 #} }} {%"
OOXML_TEXT = '</w:t></w:r></w:p><w:p><w:r><w:t>注入</w:t></w:r></w:p><w:sectPr/>'
EMOJI_TEXT = "学生们笑了😀👍，生僻字𠀀𪚥𰻞与繁體字並存。"


def build_cases() -> list[Case]:
    c = Case
    return [
        # ------------------------------------------------------------------ not a workbook (exit 2)
        c("docx-renamed", "Word 文档改了扩展名", raw_file("学校.xlsx", docx_bytes), "not-a-workbook", 2),
        c("csv", "CSV 文本", raw_file("学校.xlsx", lambda: "代码,本年\nGM01,912\n".encode("utf-8")), "not-a-workbook", 2),
        c("txt", "纯文本", raw_file("学校.txt", lambda: "学校情况说明".encode("utf-8")), "not-a-workbook", 2),
        c("empty", "空文件", raw_file("学校.xlsx", lambda: b""), "empty-file", 2),
        c("random-bytes", "随机字节",
          raw_file("学校.xlsx", lambda: bytes(random.Random(1).getrandbits(8) for _ in range(5000))), "not-a-workbook", 2),
        c("pdf", "PDF 文件", raw_file("学校.xlsx", lambda: b"%PDF-1.7\n" + b"0" * 100), "not-a-workbook", 2),
        c("old-xls", "旧版 .xls 格式", raw_file("学校.xls", old_xls_bytes), "old-xls-format", 2),
        c("ods", "LibreOffice/WPS 保存的 .ods 电子表格", raw_file("学校.ods", ods_bytes), "not-a-workbook", 2,
          says=(".ods", "请用 Excel 或 WPS 打开后“另存为” Excel 工作簿（.xlsx）再试")),
        c("ods-renamed", ".ods 改了扩展名", raw_file("学校.xlsx", ods_bytes), "not-a-workbook", 2, says=(".ods", "另存为")),
        c("zipped-workbook", "把填报表打成了 .zip 压缩包", raw_file("学校.zip", zipped_workbook_bytes), "not-a-workbook", 2,
          says=("海川职业学校.xlsx", "请先解压")),
        c("xlsb", "Excel 二进制工作簿 .xlsb", raw_file("学校.xlsb", lambda: zip_bytes({"xl/workbook.bin": b"\0" * 64})),
          "not-a-workbook", 2, says=(".xlsb", "另存为")),
        c("wps-et", "WPS 表格 .et 格式", raw_file("学校.et", old_xls_bytes), "old-xls-format", 2, says=("WPS", "另存为")),
        c("password", "设置了打开密码", raw_file("学校.xlsx", encrypted_bytes), "password-protected", 2),
        c("truncated", "下载中断的文件", raw_file("学校.xlsx", truncated_bytes), "corrupt-workbook", 2),
        c("zip-bomb", "解压后 400 MB 的压缩炸弹", zip_bomb, "workbook-too-large", 2),
        c("million-rows", "第 1000000 行误输入了内容",
          zip_edited(in_sheet("专业", lambda d: far_row(d, 1_000_000))), "sheet-too-large", 2),
        c("many-cells", "数十万个单元格", zip_edited(in_sheet("资助", lambda d: many_cells(d, 400_000))), "sheet-too-large", 2),
        c("directory", "给的是文件夹", lambda folder: folder, "not-a-file", 2),
        c("entity-bomb-workbook", "workbook.xml 中的实体炸弹（billion laughs）",
          zip_edited(lambda name, data, sheets: entity_bomb(data) if name == "xl/workbook.xml" else data),
          "corrupt-workbook", 2),
        c("entity-bomb-sheet", "工作表 XML 中的实体炸弹", zip_edited(in_sheet("资助", entity_bomb)), "corrupt-workbook", 2),
        c("missing-file", "文件不存在", lambda folder: folder / "没有这个文件.xlsx", "file-not-found", 2),
        # ------------------------------------------------------------------ structure (exit 1)
        c("blank-workbook", "空白的 Excel 工作簿", blank_workbook, "missing-sheet", 1),
        c("missing-sheet", "删除了“指标”工作表", edited(remove_sheet("指标")), "missing-sheet", 1),
        c("renamed-sheet", "“案例”改名为“案例分享”", edited(rename_sheet("案例", "案例分享")), "missing-sheet", 1),
        c("renamed-column", "“上年”列标题改成了“2023年”", edited(set_cells({("指标", "E1"): "2023年"})), "missing-column", 1),
        c("missing-column", "删除了“本年”列", edited(lambda wb: wb["指标"].delete_cols(6)), "missing-column", 1),
        c("majors-renamed-column", "“专业”表“毕业生数”改成“毕业人数”",
          edited(set_cells({("专业", "D1"): "毕业人数"})), "missing-column", 1),
        c("duplicate-code", "同一指标填了两行", edited(set_cells({("指标", "A9"): "GM07"})), "duplicate-indicator", 1),
        c("unknown-code", "改错了指标代码", edited(set_cells({("指标", "A3"): "GM99"})), "unknown-indicator", 1),
        c("deleted-rows", "删除了若干指标行", edited(delete_rows(["GM05", "F4-09"])), "missing-indicator", 1),
        c("derived-typed", "填写了应计算的生师比", edited(add_derived_row), "derived-indicator-typed", 1),
        c("merged-cells", "合并了数据单元格", edited(merge("指标", "E5:F6")), "merged-cells", 1),
        c("formula-no-cache", "程序写入的公式没有计算结果", edited(set_indicator("GM05", "=E6*1.2")), "formula-without-value", 1),
        c("formula-as-text", "公式被存成了文字", edited(text_formula), "formula-as-text", 1),
        c("text-in-number", "数值单元格填了文字", edited(set_indicator("GM01", "九百一十二")), "not-a-number", 1),
        c("date-in-number", "数值被 Excel 转成了日期", edited(set_indicator("GM07", dt.datetime(2024, 1, 8))),
          "date-in-number-cell", 1),
        c("boolean-in-number", "数值单元格是 TRUE", edited(set_indicator("GM07", True)), "boolean-in-number-cell", 1),
        c("negative-count", "人数为负", edited(set_indicator("GM05", -3)), "negative-value", 1),
        c("fractional-count", "人数带小数", edited(set_indicator("GM05", 120.5)), "count-not-integer", 1),
        c("rate-over-100", "百分比超过 100", edited(set_indicator("F2-01", 978.5)), "rate-out-of-range", 1),
        c("rate-as-fraction", "满意度写成 0.95", edited(set_indicator("F2-01", 0.95)), "rate-as-fraction", 1),
        c("huge-number", "粘贴了身份证号一样长的数", edited(set_indicator("GM08", "110101200001011234")), "number-too-large", 1),
        c("parts-mismatch", "职称分项之和 260 ≠ 专任教师 175", edited(set_indicators(
            {"F6-06": 175, "SZ07": 175, "SZ03": 77, "SZ04": 49, "SZ05": 134})), "parts-sum-mismatch", 1),
        c("cover-missing", "封面缺单位名称", edited(set_cells({("封面", "B2"): None})), "cover-missing-field", 1),
        c("cover-label-colon-empty", "封面项目写成“ 单位名称：”且未填写",
          edited(set_cells({("封面", "A2"): " 单位名称：", ("封面", "B2"): None})), "cover-missing-field", 1, says=("B2",)),
        c("cover-line-break", "单位名称中按了 Alt+Enter", edited(set_cover("单位名称", "北京市海川\n职业学校")),
          "cover-line-break", 1, says=("请删除单元格中的换行（Alt+Enter）",)),
        c("school-code-lost-zero", "学校代码丢失了开头的 0（数值单元格）", edited(set_cover("学校代码", 411109990)),
          "cover-invalid-format", 1, says=("可能丢失了开头的 0", "0411109990")),
        c("percent-for-count", "人次指标填了 31250%", edited(set_indicator("GM08", "31250%")), "percent-in-number-cell", 1,
          says=("31250%", "人次")),
        c("merged-narrative-sections", "正文的章节单元格被合并", edited(merge("正文", "A3:A5")), "merged-cells", 1,
          says=("A3:A5", "取消合并")),
        c("unknown-section", "正文章节写错", edited(set_cells({("正文", "A3"): "第九章 其他"})), "unknown-section", 1),
        c("case-no-title", "案例没有标题", edited(set_cells({("案例", "B3"): None})), "case-missing-title", 1),
        c("majors-duplicate", "同一专业填了两行", edited(set_cells({("专业", "A3"): "700206"})), "duplicate-record", 1),
        c("long-paragraph", "5 万字的段落（由其他软件写入；Excel 和 openpyxl 自己写不出超过 32767 字的单元格）",
          zip_edited(replace_text("PLACEHOLDER", LONG_TEXT), prepare=set_cells({("正文", "B3"): "PLACEHOLDER"})),
          "text-too-long", 1),
        c("edition-unknown", "封面上的版式被改成不存在的版式", edited(set_cover("报告版式", "zhongzhi-2099")),
          "unknown-edition", 1),
        c("edition-mismatch", "用另一个版式检查填报表", with_variant_edition, "edition-mismatch", 1,
          args=("--edition", "{folder}/zhongzhi-2099.yaml")),
        c("level-mismatch", "区县层级的填报表", edited(set_cover("报告层级", "区县")), "level-mismatch", 1),
        # ------------------------------------------------------------------ images
        c("image-parent-path", "图片路径 ../../x.png", case_image("../../x.png"), "image-outside-folder", 1),
        c("image-absolute", "图片是绝对路径", case_image("/etc/passwd"), "image-outside-folder", 1),
        c("image-windows-absolute", "图片是 Windows 绝对路径", case_image("C:\\Users\\校办\\照片.jpg"), "image-outside-folder", 1),
        c("image-url", "图片是网址", case_image("https://example.com/photo.jpg"), "image-outside-folder", 1),
        c("image-missing", "图片文件不存在", case_image("照片/不存在.png"), "image-not-found", 1),
        c("image-symlink", "图片是指向文件夹外的链接", symlinked_image, "image-outside-folder", 1),
        c("image-corrupt", "图片被截断", case_image("照片/坏图.png", corrupt_png), "image-not-an-image", 1),
        c("image-executable", "其实是可执行文件的“图片”", case_image("照片/程序.png", elf_bytes), "image-not-an-image", 1),
        c("image-bomb", "声明 30000×30000 像素的图片", case_image("照片/炸弹.png", png_bomb), "image-not-an-image", 1),
        # ------------------------------------------------------------------ accepted (exit 0)
        c("reordered-columns", "“上年”“本年”两列对调（含标题）", edited(swap_year_columns), None, 0),
        c("reordered-sheets", "工作表顺序被调整", edited(move_cases_first), None, 0),
        c("control-characters", "粘贴带来的控制字符",
          zip_edited(replace_text("PLACEHOLDER", "粘贴的文字_x0001__x0007_含控制字符_x000B_。"),
                     prepare=set_cells({("正文", "B3"): "PLACEHOLDER"})), "control-characters", 0),
        c("lone-surrogate", "孤立的代理字符",
          zip_edited(replace_text("PLACEHOLDER", "坏字符_xD800_在这里"), prepare=set_cells({("正文", "B3"): "PLACEHOLDER"})),
          "control-characters", 0),
        c("emoji-rare-cjk", "表情符号和生僻字", edited(set_cells({("案例", "C2"): EMOJI_TEXT})), None, 0),
        c("template-syntax", "正文里有模板语法", edited(set_cells({("正文", "B3"): TEMPLATE_TEXT, ("案例", "B2"): "{{ 7*7 }}"})),
          None, 0),
        c("raw-ooxml", "正文里有 Word 内部标记", edited(set_cells({("案例", "C2"): OOXML_TEXT})), None, 0),
        # ------------------------------------------------------------------ typed content that must not vanish (exit 0)
        c("preface-case", "案例的章节选了下拉列表的第一项“前言”", edited(set_cells({("案例", "A2"): "前言"})), None, 0),
        c("hidden-cases-sheet", "“案例”工作表被隐藏", edited(hide_sheet("案例")), "hidden-sheet", 0),
        c("hidden-rows", "“正文”中有内容的行被隐藏", edited(hide_rows("正文", 3, 4)), "hidden-rows", 0),
        c("extra-column", "“指标”表后面加了一列“备注”", edited(set_cells({("指标", "H1"): "备注", ("指标", "H5"): "含外省生源"})),
          "ignored-column", 0),
        c("extra-sheet", "多了一个“学校简介”工作表", edited(extra_sheet), "extra-sheet", 0),
        c("cover-unknown-label", "封面多了一行“校长”", edited(lambda wb: wb["封面"].append(["校长", "张三"])),
          "unknown-cover-field", 0),
        c("blank-optional", "若干选填指标本年留空", edited(blank_optional), "optional-indicators-blank", 0),
        c("cover-as-typed", "封面：项目带冒号和空格、年度写成“２０２４年度”、发布日期是日期单元格、全角数字",
          edited(set_cells({("封面", "A2"): " 单位名称：", ("封面", "B6"): "２０２４年度", ("封面", "B8"): dt.datetime(2025, 1, 1),
                            ("封面", "B3"): "４１１１０９９９０１"})), None, 0),
    ]


CASES = build_cases()

if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus")
    target.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        folder = target / case.name
        folder.mkdir(exist_ok=True)
        path = case.build(folder)
        print(f"{case.name:28} {case.code or '（无错误）':24} 退出码 {case.exit_code}  {path}")
