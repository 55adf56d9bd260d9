"""The layout pass: LibreOffice (headless) lays the report out as PDF, and the printed page of each
bookmark the 目录 and the lists of tables, figures and cases point to is read back from it.

Each entry's page number is a PAGEREF field to a bookmark on its heading or caption; LibreOffice
computes these fields itself while laying out, so the PDF of one pass is complete. It exports the
bookmarks as named destinations; the page a destination is on, and that page's footer "- N -",
give the number that is then written into the .docx as the fields' cached results.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Collection, Iterator
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vqr_author.errors import VqrError, os_error_text

if TYPE_CHECKING:
    from pypdf import PdfReader

INSTALL_HINT = (
    "排版页码和生成 PDF 需要 LibreOffice（Debian/Ubuntu：sudo apt-get install libreoffice-writer-nogui "
    "fonts-noto-cjk；Windows、macOS：从 https://www.libreoffice.org 下载安装，并确保 soffice 可以在命令行中运行）"
)
CANDIDATES = ("soffice", "libreoffice", "/Applications/LibreOffice.app/Contents/MacOS/soffice",
              r"C:\Program Files\LibreOffice\program\soffice.exe")
TIMEOUT_SECONDS = 600
_FOOTER = re.compile(r"^\s*-\s*(\d+)\s*-\s*$", re.MULTILINE)  # a line "- N -": the page's number (its last one)
# PDF export with every bookmark as a named destination (LibreOffice 7.4 and later read the JSON form).
EXPORT_FILTER = 'pdf:writer_pdf_Export:{"ExportBookmarksToPDFDestination":{"type":"boolean","value":"true"}}'

# The template names the fonts of Chinese official documents; machines without them (Linux) get the
# closest installed CJK font instead of a Latin fallback.
FONT_ALIASES = {
    "黑体": ("SimHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei"),
    "方正小标宋简体": ("FZXiaoBiaoSong-B05S", "Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"),
    "仿宋_GB2312": ("FangSong_GB2312", "FangSong", "Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"),
    "楷体_GB2312": ("KaiTi_GB2312", "KaiTi", "AR PL UKai CN", "Noto Serif CJK SC", "AR PL UMing CN"),
    "宋体": ("SimSun", "Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"),
}


PAGE_NUMBERS_VARIABLE = "VQR_PAGE_NUMBERS"
KEPT_OFFICE_VARIABLE = "VQR_KEPT_OFFICE"  # the profile folder of a KeptOffice, in its users' environment
KEPT_TIMEOUT_SECONDS = 180


def wants_page_numbers(page_numbers: bool | None) -> bool:
    """``page_numbers`` as given; when None, yes unless the environment variable VQR_PAGE_NUMBERS is
    0 (for scripts and tests that never want the layout pass; vqr's --no-page-numbers is False)."""
    return os.environ.get(PAGE_NUMBERS_VARIABLE, "1").strip() != "0" if page_numbers is None else page_numbers


class PdfError(VqrError):
    """Why the layout pass gave no page numbers (and no PDF): a clause, completed by ``note``."""

    exit_code = 2


def note(reason: str, pdf: bool) -> str:
    """The one line a user reads when the layout pass did not give page numbers."""
    if pdf:
        return (f"没有生成 PDF，目录也没有填入页码：{reason}。Word 报告已正常生成；"
                "在 Word 中打开时同意更新域即可填入页码，再另存为 PDF。")
    return f"目录没有填入页码：{reason}。报告已正常生成；在 Word 中打开时同意更新域即可填入页码。"


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
    """Lay ``docx`` out with LibreOffice and return the PDF, its bookmarks as named destinations.
    Each call uses its own LibreOffice profile, so conversions can run in parallel and never touch
    the user's own LibreOffice; but when the environment names the profile of a LibreOffice kept
    running (KEPT_OFFICE_VARIABLE, set by vqr serve's workers: see KeptOffice), the conversion is
    handed to that one, which saves LibreOffice's start, and falls back to its own if that fails."""
    try:
        with tempfile.TemporaryDirectory(prefix="vqr-pdf-") as tmp:
            kept = os.environ.get(KEPT_OFFICE_VARIABLE, "")
            if kept:
                try:
                    return _convert(Path(tmp), docx, soffice, Path(kept), KEPT_TIMEOUT_SECONDS)
                except PdfError:
                    pass  # the kept LibreOffice is gone or stuck: lay out with a LibreOffice of our own
            return _convert(Path(tmp), docx, soffice)
    except OSError as exc:  # the temporary folder: disk full, no permission…
        raise PdfError(f"无法在临时文件夹中准备排版（{os_error_text(exc)}）") from exc


def _profile_argument(profile: Path) -> str:
    """LibreOffice takes its profile as a file URI, which only an absolute path has."""
    return f"-env:UserInstallation={profile.resolve().as_uri()}"


def _convert(folder: Path, docx: bytes, soffice: str, profile: Path | None = None,
             timeout: int = TIMEOUT_SECONDS) -> bytes:
    source = folder / "report.docx"
    source.write_bytes(docx)
    env = {**os.environ, "FONTCONFIG_FILE": str(_fonts_conf(folder))}
    command = [soffice, _profile_argument(profile or folder / "profile"), "--headless", "--norestore",
               "--convert-to", EXPORT_FILTER, "--outdir", str(folder), str(source)]
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as exc:
        raise PdfError(f"LibreOffice 在 {timeout} 秒内没有完成排版，已放弃") from exc
    except OSError as exc:
        raise PdfError(f"无法启动 LibreOffice（“{soffice}”无法运行：可能没有执行权限或安装不完整），{INSTALL_HINT}") from exc
    pdf = folder / "report.pdf"
    if done.returncode != 0 or not pdf.exists():
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["没有输出"]
        raise PdfError(f"LibreOffice 排版失败（{detail[0]}）")
    return pdf.read_bytes()


PLACEHOLDER = ('<?xml version="1.0" encoding="UTF-8"?><office:document '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2" '
               'office:mimetype="application/vnd.oasis.opendocument.text">'
               '<office:body><office:text><text:p/></office:text></office:body></office:document>')


# A kept LibreOffice must not outlive its server, even one killed outright (kill -9, a crash), which
# runs no cleanup. So it runs in a process group of its own (its launcher starts soffice.bin as a child),
# and a small watchdog process holds a pipe from the server: each line names the group to guard ("0":
# none); when the pipe ends without the server saying "0" first, the server has gone, and the watchdog
# ends the group.
WATCHDOG = """import os, signal, sys, time
group = 0
for line in sys.stdin:
    group = int(line)
for sig in (signal.SIGTERM, signal.SIGKILL) if group else ():
    try:
        os.killpg(group, sig)
    except ProcessLookupError:
        break
    time.sleep(2)
"""


class KeptOffice:
    """A LibreOffice kept running on its own profile (for a server's workers, never for the CLI):
    a conversion started on the same profile is handed to it over LibreOffice's own pipe, so it
    skips LibreOffice's start. No UNO: the running LibreOffice does the work ``docx_to_pdf`` asks for.
    It holds an empty document open, because LibreOffice ends itself when a handed-over conversion
    leaves no document open; if it ends anyway, ``ensure`` starts it again (after each job), and a
    conversion that finds none falls back to a LibreOffice of its own (docx_to_pdf)."""

    def __init__(self, soffice: str, folder: Path) -> None:
        self.soffice, self.folder = soffice, folder.resolve()  # absolute: the server's folder may be given relative
        self._process: subprocess.Popen | None = None
        self._lock = threading.Lock()
        self._pipe = f"vqr-office-{secrets.token_hex(6)}"  # its --accept pipe: there once it is up
        self._watchdog: subprocess.Popen | None = None  # POSIX: ends LibreOffice if the server is killed

    @property
    def profile(self) -> Path:
        return self.folder / "profile"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def ready(self) -> bool:
        """Running and listening (on Linux and macOS its pipe is a socket in /tmp; elsewhere: running)."""
        folder = Path("/tmp")
        return self.running and (not folder.is_dir() or not hasattr(os, "getuid")
                                 or (folder / f"OSL_PIPE_{os.getuid()}_{self._pipe}").exists())

    def ensure(self) -> None:
        """Start it unless it is running (from any thread)."""
        with self._lock:
            if self.running:
                return
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.profile / ".lock").unlink(missing_ok=True)  # left by a LibreOffice that was killed
            env = {**os.environ, "FONTCONFIG_FILE": str(_fonts_conf(self.folder))}
            placeholder = self.folder / "open.fodt"
            placeholder.write_text(PLACEHOLDER, encoding="utf-8")
            self._process = subprocess.Popen(
                [self.soffice, _profile_argument(self.profile), "--headless", "--norestore", "--nologo",
                 f"--accept=pipe,name={self._pipe};urp;", str(placeholder)],
                env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True)
            self._guard(self._process.pid)

    def _guard(self, group: int) -> None:
        """Tell the watchdog (started with the first LibreOffice) which process group to end if the
        server goes away without stopping it (POSIX only)."""
        if not hasattr(os, "killpg"):
            return
        if self._watchdog is None:
            self._watchdog = subprocess.Popen([sys.executable, "-c", WATCHDOG], stdin=subprocess.PIPE,
                                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                              start_new_session=True)  # Ctrl+C in the terminal is the server's
        self._watchdog.stdin.write(f"{group}\n".encode())  # type: ignore[union-attr]
        self._watchdog.stdin.flush()  # type: ignore[union-attr]

    def wait_ready(self, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while not self.ready and time.monotonic() < deadline:
            self.ensure()
            time.sleep(0.1)
        return self.ready

    def stop(self) -> None:
        with self._lock:
            if self.running:
                self._process.terminate()  # type: ignore[union-attr]
                try:
                    self._process.wait(timeout=10)  # type: ignore[union-attr]
                except subprocess.TimeoutExpired:
                    self._process.kill()  # type: ignore[union-attr]
                    self._process.wait()  # type: ignore[union-attr]
            if self._watchdog is not None:  # stopped by the server itself: the watchdog ends, guarding none
                self._guard(0)
                self._watchdog.stdin.close()  # type: ignore[union-attr]
                self._watchdog.wait(timeout=10)
                self._watchdog = None


def destination_name(bookmark: str) -> str:
    """A bookmark's name among the PDF's named destinations as LibreOffice writes it: each byte
    outside A–Z, a–z, 0–9 and - as two hex digits (``_TocH1`` → ``5FTocH1``)."""
    return "".join(chr(b) if chr(b).isascii() and (chr(b).isalnum() or chr(b) == "-") else f"{b:02X}"
                   for b in bookmark.encode("utf-8"))


def _page_texts(pdf: bytes, reader: PdfReader) -> list[str]:
    """Each page's text: by poppler's pdftotext when installed (ten times faster than pypdf on a
    report of 45 pages: 0.4 s against 4.3 s), else by pypdf."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        try:
            done = subprocess.run([pdftotext, "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, timeout=120)
            pages = done.stdout.decode("utf-8", "replace").split("\f")
            if done.returncode == 0 and len(pages) >= len(reader.pages):
                return pages[:len(reader.pages)]
        except (OSError, subprocess.TimeoutExpired):
            pass
    return [page.extract_text() or "" for page in reader.pages]


def _destinations(reader: PdfReader, bookmarks: Collection[str]) -> Iterator[tuple[str, int, float]]:
    """Each of ``bookmarks`` found among the named destinations of ``reader``: its page index and
    the height (points from the page's foot) of the top of its line."""
    wanted = {destination_name(b): b for b in bookmarks} | {b: b for b in bookmarks}
    for name, destination in reader.named_destinations.items():
        bookmark = wanted.get(name.lstrip("/"))
        if bookmark is not None:
            yield bookmark, reader.get_destination_page_number(destination), float(destination.get("/Top") or 0)


def _read(pdf: bytes, read: Callable[[PdfReader], dict[str, Any]]) -> dict[str, Any]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        return read(PdfReader(BytesIO(pdf)))
    except (PyPdfError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise PdfError(f"无法读取 LibreOffice 排出的 PDF（{type(exc).__name__}）") from exc


def anchor_pages(pdf: bytes, bookmarks: Collection[str]) -> dict[str, str]:
    """The printed page number (the footer "- N -" of its page) of each of ``bookmarks`` found among
    the named destinations of ``pdf``; a bookmark on a page without a number is left out."""
    def read(reader: PdfReader) -> dict[str, str]:
        printed = [numbers[-1] if numbers else None for numbers in map(_FOOTER.findall, _page_texts(pdf, reader))]
        return {bookmark: printed[page] for bookmark, page, _ in _destinations(reader, bookmarks) if printed[page]}

    return _read(pdf, read)


def anchor_places(pdf: bytes, bookmarks: Collection[str]) -> dict[str, tuple[int, float]]:
    """Where each of ``bookmarks`` found in ``pdf`` is: its page index and the height of its line's
    top (points from the page's foot), as LibreOffice exported it."""
    return _read(pdf, lambda reader: {b: (page, top) for b, page, top in _destinations(reader, bookmarks)})
