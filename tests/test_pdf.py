"""The sample report opens in a real word processor: LibreOffice converts it to PDF."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from vqr_author import render_report

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed on this machine")
def test_sample_report_converts_to_pdf(sample, tmp_path):
    out = tmp_path / "report.docx"
    render_report(sample, out)
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir",
         str(tmp_path), str(out)],
        check=True, capture_output=True, timeout=240,
    )
    pdf = tmp_path / "report.pdf"
    assert pdf.exists() and pdf.stat().st_size > 50_000
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed; the PDF was produced but its text is not checked")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for expected in ("内容真实性责任声明", "人才培养", "附表", "人才培养质量计分卡", "【案例分享】", "2024"):
        assert expected in text, expected
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert int(next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages"))) >= 20
