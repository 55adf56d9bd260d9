"""The LibreOffice that vqr serve keeps running for PDFs (output.pdf.KeptOffice): a conversion handed
to it gives the same PDF as one on a LibreOffice of its own; one whose kept LibreOffice is gone
still gives its PDF; stopping it leaves no process behind; the command line never uses it."""

from __future__ import annotations

import io
import os
import time

import docx
import pytest
from pypdf import PdfReader

from vqr_author.output.pdf import KEPT_OFFICE_VARIABLE, KeptOffice, docx_to_pdf, find_soffice

SOFFICE = find_soffice()
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice（soffice）没有安装")


def pages_of(pdf: bytes) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture(scope="module")
def document() -> bytes:
    made = docx.Document()
    for n in range(1, 4):
        made.add_heading(f"第{n}部分 办学基础能力", level=1)
        made.add_paragraph("学校坚持立德树人，深化产教融合。" * 20)
        made.add_page_break()
    buffer = io.BytesIO()
    made.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def own(document) -> list[str]:
    assert KEPT_OFFICE_VARIABLE not in os.environ  # the command line's way: a LibreOffice of its own
    return pages_of(docx_to_pdf(document, SOFFICE))


def test_a_conversion_handed_to_the_kept_libreoffice_gives_the_same_pdf(tmp_path, document, own, monkeypatch):
    office = KeptOffice(SOFFICE, tmp_path / "office")
    office.ensure()
    try:
        assert office.wait_ready(120)
        monkeypatch.setenv(KEPT_OFFICE_VARIABLE, str(office.profile))
        for _ in range(3):  # one LibreOffice, kept running by the document it holds open, does them all
            assert pages_of(docx_to_pdf(document, SOFFICE)) == own
            time.sleep(1)
            assert office.ready
    finally:
        office.stop()
    assert not office.running, "stopping it leaves no LibreOffice behind"
    if os.path.isdir("/proc"):  # soffice.bin, the launcher's child, included
        assert wait_until(lambda: not processes_using(office.profile.as_uri()), 15), processes_using(office.profile.as_uri())


def test_a_kept_libreoffice_that_is_gone_still_gives_the_pdf(tmp_path, document, own, monkeypatch):
    monkeypatch.setenv(KEPT_OFFICE_VARIABLE, str(tmp_path / "不在运行" / "profile"))
    assert pages_of(docx_to_pdf(document, SOFFICE)) == own


def test_page_numbers_read_by_pdftotext_are_those_pypdf_reads(school_pdf, monkeypatch):
    """The layout pass reads each page's "- N -" with poppler's pdftotext when it is installed (ten
    times faster than pypdf): both give the same page of every bookmark."""
    from vqr_author.output import pdf as layout

    pdf = school_pdf.read_bytes()
    names = [name.lstrip("/") for name in PdfReader(io.BytesIO(pdf)).named_destinations]
    fast = layout.anchor_pages(pdf, names)
    monkeypatch.setattr(layout.shutil, "which", lambda name: None)
    assert fast == layout.anchor_pages(pdf, names) and len(set(fast.values())) > 20


def processes_using(folder) -> list[str]:
    """The running processes whose command line names ``folder`` (LibreOffice names its profile as a
    file:// URI, so ``folder`` is ASCII), as "pid command"."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                    words = cmdline.read().split(b"\0")
                with open(f"/proc/{entry}/stat", "rb") as stat:
                    zombie = stat.read().rsplit(b")", 1)[1].split()[0] == b"Z"
            except OSError:
                continue
            if not zombie and any(str(folder).encode() in w for w in words):
                found.append(f"{entry} {words[0].decode(errors='replace')}")
    return found


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.3)
    return bool(condition())


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="需要 Linux 的 /proc 来查看进程")
def test_the_kept_libreoffice_dies_with_a_server_killed_outright(tmp_path):
    """kill -9 of vqr serve runs none of its cleanup; its LibreOffice (the launcher and soffice.bin)
    must go all the same, and not wait for anyone to notice."""
    import signal
    import socket
    import subprocess
    import sys

    data = tmp_path / "data"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "vqr_author.cli", "serve", "--data", str(data), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    profile = data / "cache" / "libreoffice" / "profile"
    try:
        assert wait_until(lambda: any("soffice.bin" in p for p in processes_using(profile.as_uri())), 120), \
            "the server keeps a LibreOffice running"
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait()
    assert wait_until(lambda: not processes_using(profile.as_uri()), 20), processes_using(profile.as_uri())
