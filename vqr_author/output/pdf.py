"""PDF through LibreOffice (headless), and the page on which each heading, table, figure and case landed.

LibreOffice lays the document out; the page numbers are read back from the PDF (each body page ends
with its footer "- N -"), so the 目录 and the lists of tables, figures and cases can be filled with
true page numbers and written back into the .docx.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

from vqr_author.errors import VqrError, os_error_text

INSTALL_HINT = (
    "生成 PDF 需要 LibreOffice。Debian/Ubuntu：sudo apt-get install libreoffice-writer-nogui fonts-noto-cjk；"
    "Windows、macOS：从 https://www.libreoffice.org 下载安装，并确保 soffice 可以在命令行中运行。"
)
CANDIDATES = ("soffice", "libreoffice", "/Applications/LibreOffice.app/Contents/MacOS/soffice",
              r"C:\Program Files\LibreOffice\program\soffice.exe")
TIMEOUT_SECONDS = 600
_FOOTER = re.compile(r"-\s*(\d+)\s*-\s*$")
_SPACE = re.compile(r"\s+")

# The template names the fonts of Chinese official documents; machines without them (Linux) get the
# closest installed CJK font instead of a Latin fallback.
FONT_ALIASES = {
    "黑体": ("SimHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei"),
    "方正小标宋简体": ("FZXiaoBiaoSong-B05S", "Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"),
    "仿宋_GB2312": ("FangSong_GB2312", "FangSong", "Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"),
    "楷体_GB2312": ("KaiTi_GB2312", "KaiTi", "AR PL UKai CN", "Noto Serif CJK SC", "AR PL UMing CN"),
    "宋体": ("SimSun", "Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"),
}


class PdfError(VqrError):
    exit_code = 2


def find_soffice() -> str | None:
    for name in CANDIDATES:
        found = shutil.which(name) or (name if os.path.isabs(name) and os.path.isfile(name) else None)
        if found:
            return found
    return None


def _fonts_conf(folder: Path) -> Path:
    aliases = "".join(
        f'<alias binding="same"><family>{name}</family><prefer>'
        + "".join(f"<family>{f}</family>" for f in prefer) + "</prefer></alias>"
        for name, prefer in FONT_ALIASES.items()
    )
    path = folder / "fonts.conf"
    path.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                    '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>' + aliases + "</fontconfig>",
                    encoding="utf-8")
    return path


def docx_to_pdf(docx: bytes, soffice: str) -> bytes:
    """Lay ``docx`` out with LibreOffice and return the PDF. Each call uses its own LibreOffice
    profile, so conversions can run in parallel and never touch the user's own LibreOffice."""
    try:
        with tempfile.TemporaryDirectory(prefix="vqr-pdf-") as tmp:
            return _convert(Path(tmp), docx, soffice)
    except OSError as exc:  # the temporary folder: disk full, no permission…
        raise PdfError(f"没有生成 PDF：无法在临时文件夹中准备 PDF 转换（{os_error_text(exc)}）。"
                       "Word 报告不受影响。") from exc


def _convert(folder: Path, docx: bytes, soffice: str) -> bytes:
    source = folder / "report.docx"
    source.write_bytes(docx)
    env = {**os.environ, "FONTCONFIG_FILE": str(_fonts_conf(folder))}
    command = [soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", str(folder), str(source)]
    try:
        done = subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, env=env)
    except subprocess.TimeoutExpired as exc:
        raise PdfError(f"LibreOffice 在 {TIMEOUT_SECONDS} 秒内没有完成 PDF 转换，已放弃。Word 报告已正常生成。") from exc
    except OSError as exc:
        raise PdfError(f"无法启动 LibreOffice（“{soffice}”无法运行：可能没有执行权限或安装不完整）。{INSTALL_HINT}") from exc
    pdf = folder / "report.pdf"
    if done.returncode != 0 or not pdf.exists():
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["没有输出"]
        raise PdfError(f"LibreOffice 转换 PDF 失败（{detail[0]}）。Word 报告已正常生成，可以在 Word 或 WPS 中另存为 PDF。")
    return pdf.read_bytes()


def numbered_pages(pdf: bytes) -> list[tuple[str, str]]:
    """(printed page number, text without spaces) of every page that carries a page number."""
    from pypdf import PdfReader

    pages = []
    for page in PdfReader(BytesIO(pdf)).pages:
        text = page.extract_text() or ""
        match = _FOOTER.search(text.strip())
        if match:
            pages.append((match.group(1), _SPACE.sub("", text)))
    return pages


def locate(entries: Sequence[str], pages: Sequence[tuple[str, str]]) -> list[str]:
    """The printed page of each entry, searching forward in document order ('' when not found)."""
    found = []
    cursor = 0
    for entry in entries:
        needle = _SPACE.sub("", entry)[:40]
        page = ""
        for index in range(cursor, len(pages)):
            if needle and needle in pages[index][1]:
                page, cursor = pages[index][0], index
                break
        found.append(page)
    return found
