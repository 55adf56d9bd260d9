"""The reports as a reader sees them: laid out by LibreOffice (the real client), as PDF and as page images.

These tests need LibreOffice (and pdftoppm for the page images); `.ci/run` installs both. Where
soffice is missing they are skipped with that reason — except the test of what happens then.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image, ImageStat
from pypdf import PdfReader

from conftest import ROOT
from vqr_author import aggregate_report, render_report
from vqr_author.output import pdf as pdf_module

SOFFICE = pdf_module.find_soffice()
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed on this machine")
DISTRICT = ROOT / "sample_inputs" / "district"
TOC_LINE = re.compile(r"^(.+?)\.{4,}\s*(\d+|前言)\s*$")


def pages(pdf: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(pdf).pages]


def footer_pages(texts: list[str]) -> dict[str, str]:
    """printed page number → text, for the numbered (body) pages."""
    numbered = {}
    for text in texts:
        match = re.search(r"-\s*(\d+)\s*-\s*$", text.strip())
        if match:
            numbered[match.group(1)] = re.sub(r"\s+", "", text)
    return numbered


def toc_entries(texts: list[str]) -> list[tuple[str, str]]:
    """(entry, page) of the 目录 and the lists: dotted lines on the unnumbered front-matter pages."""
    front = [text for text in texts if not re.search(r"-\s*\d+\s*-\s*$", text.strip())]
    lines = [line for text in front for line in text.splitlines()]
    return [(m.group(1).strip(), m.group(2)) for line in lines if (m := TOC_LINE.match(line.strip()))]


@needs_soffice
def test_every_toc_line_carries_its_true_page_number(school_pdf):
    texts = pages(school_pdf)
    assert len(texts) >= 30
    entries = toc_entries(texts)
    headings = [e for e in entries if re.match(r"^(\d|附表)", e[0])]
    assert len(headings) >= 30  # 6 chapters, 22 sections, 附表 and its 6 tables
    body = footer_pages(texts)
    for heading, page in headings:
        assert re.sub(r"\s+", "", heading) in body[page], f"{heading} is not on page {page}"


@needs_soffice
def test_lists_of_tables_figures_and_cases(school_pdf):
    text = "\n".join(pages(school_pdf))
    for title in ("表　目　录", "图　目　录", "案　例　目　录"):
        assert re.sub(r"\s", "", title) in re.sub(r"\s", "", text)
    body = footer_pages(pages(school_pdf))
    listed = [e for e in toc_entries(pages(school_pdf)) if e[0].startswith(("表 ", "图 ")) and e[1] != "前言"]
    assert len(listed) >= 10
    for caption, page in listed:
        assert re.sub(r"\s+", "", caption)[:30] in body[page], f"{caption} is not on page {page}"


@needs_soffice
def test_headings_table_values_and_captions_are_in_the_pdf(school_pdf):
    text = re.sub(r"\s+", "", "\n".join(pages(school_pdf)))
    for expected in ("内容真实性责任声明", "1.人才培养", "5.6经费投入", "附表1人才培养质量计分卡", "【案例分享】",
                     "7.93%", "13.2:1", "59057.36", "图12023年、2024年招生、在校生与毕业生人数", "图52023年、2024年各方满意度"):
        assert expected in text, expected


@needs_soffice
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_chart_pages_render_as_non_blank_images(school_pdf, tmp_path):
    texts = pages(school_pdf)
    chart_pages = [i + 1 for i, t in enumerate(texts) if re.search(r"图\s*[145]\s", t)]
    assert chart_pages
    for number in chart_pages:
        prefix = tmp_path / f"page{number}"
        subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", str(number), "-l", str(number), str(school_pdf),
                        str(prefix)], check=True)
        (image,) = tmp_path.glob(f"page{number}*.png")
        assert ImageStat.Stat(Image.open(image).convert("L")).stddev[0] > 8  # a blank page is ~0


@needs_soffice
def test_district_report_as_pdf(tmp_path):
    schools = sorted((DISTRICT / "学校").glob("*.xlsx"))
    result = aggregate_report(DISTRICT / "海川区.xlsx", schools, tmp_path / "区县.docx", pdf=True)
    assert result.pdf is not None, result.notes
    texts = pages(result.pdf)
    headings = [e for e in toc_entries(texts) if re.match(r"^\d", e[0])]
    body = footer_pages(texts)
    assert headings and all(re.sub(r"\s+", "", h) in body[p] for h, p in headings)
    text = re.sub(r"\s+", "", "\n".join(texts))
    assert "各学校主要指标" in text and "分专业大类在校生占比" in text and "（北京市海川职业学校）" in text


def test_without_libreoffice_the_docx_is_still_written_and_the_user_told_how(sample, tmp_path, monkeypatch):
    monkeypatch.setattr("vqr_author.api.find_soffice", lambda: None)
    result = render_report(sample, tmp_path / "报告.docx", pdf=True)
    assert result.written and (tmp_path / "报告.docx").exists()
    assert result.pdf is None and not (tmp_path / "报告.pdf").exists()
    assert "LibreOffice" in result.notes[0] and "apt-get install" in result.notes[0]


def test_locating_entries_searches_forward_in_document_order():
    body = [("1", "1.人才培养1.1立德树人"), ("2", "文字1.2专业建设"), ("3", "1.2专业建设又提到")]
    assert pdf_module.locate(["1. 人才培养", "1.2 专业建设", "1.1 立德树人"], body) == ["1", "2", ""]


def test_page_numbers_are_read_from_the_footer():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    buffer = BytesIO()
    writer.write(buffer)
    assert pdf_module.numbered_pages(buffer.getvalue()) == []  # a page without "- N -" is front matter
