"""The reports as a reader sees them: laid out by LibreOffice (the real client), as PDF and as page images.

These tests need LibreOffice (and pdftoppm for the page images); `.ci/run` installs both. Where
soffice is missing they are skipped with that reason — except the test of what happens then.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from PIL import Image, ImageStat
from pypdf import PdfReader

from conftest import ROOT
import vqr_author.api as api
from vqr_author import aggregate_report, render_report
from vqr_author.output import pdf as pdf_module

SOFFICE = pdf_module.find_soffice()
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed on this machine")
DISTRICT = ROOT / "sample_inputs" / "district"
TOC_LINE = re.compile(r"^(.+?)\.{4,}\s*(\S+)\s*$")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


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
    """(entry, page) of the 目录 and the lists as printed: the lines with a dot leader."""
    lines = [line for text in texts for line in text.splitlines()]
    return [(m.group(1).strip(), m.group(2)) for line in lines if (m := TOC_LINE.match(line.strip()))]


def docx_entries(docx: Path) -> list[tuple[str, str]]:
    """(entry, cached page number) of every 目录 and list line of a .docx: the text of its link and
    the result of its PAGEREF field, as Word and WPS show them without updating fields."""
    import docx as python_docx

    found = []
    for p in python_docx.Document(str(docx)).element.body.iter(W + "p"):
        link = p.find(W + "hyperlink")
        instructions = "".join(t.text or "" for t in p.iter(W + "instrText"))
        if link is None or "PAGEREF" not in instructions:
            continue
        runs = [r for r in p.findall(W + "r")]
        separate = next(i for i, r in enumerate(runs) if r.find(f"{W}fldChar[@{W}fldCharType='separate']") is not None)
        cached = "".join(t.text or "" for r in runs[separate + 1:] for t in r.iter(W + "t"))
        found.append(("".join(t.text or "" for t in link.iter(W + "t")), cached))
    return found


def blank_foot(pdf: Path, number: int, folder: Path) -> float:
    """The share of page ``number``'s text block (A4, margins 3.7 cm top, 3.5 cm bottom) left blank
    below its last mark, read from a page image."""
    prefix = folder / f"foot{number}"
    subprocess.run(["pdftoppm", "-r", "40", "-gray", "-png", "-f", str(number), "-l", str(number), str(pdf), str(prefix)],
                   check=True)
    (image_path,) = folder.glob(f"foot{number}*.png")
    image = Image.open(image_path).convert("L")
    width, height = image.size
    pixels = image.load()
    top, bottom = int(height * 3.7 / 29.7), int(height * (29.7 - 3.5) / 29.7)
    last = max((y for y in range(top, bottom) if any(pixels[x, y] < 128 for x in range(width))), default=top)
    return (bottom - last) / (bottom - top)


def case_photo_gaps(pdf: Path, folder: Path) -> dict[int, float]:
    """For each page followed by a page that opens with a case photo (its caption 图 N is the first
    line under the running head: the photo did not fit at this page's foot), the blank share of
    this page's text block."""
    texts = pages(pdf)
    gaps = {}
    for number, text in enumerate(texts[1:], start=1):
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) > 1 and re.match(r"图 \d+ (?!\d{4} 年)", lines[1]):  # a photo, not a chart (图 1 2023 年…)
            gaps[number] = blank_foot(pdf, number, folder)
    return gaps


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


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
    listed = [e for e in toc_entries(pages(school_pdf)) if e[0].startswith(("表 ", "图 "))]
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
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_a_case_photo_that_moves_to_the_next_page_leaves_less_than_a_quarter_blank(school_pdf, tmp_path):
    gaps = case_photo_gaps(school_pdf, tmp_path)
    assert gaps  # the sample's first case photo does not fit under its text
    assert all(gap < 0.25 for gap in gaps.values()), gaps


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
    if shutil.which("pdftoppm"):
        gaps = case_photo_gaps(result.pdf, tmp_path)
        assert all(gap < 0.25 for gap in gaps.values()), gaps


@needs_soffice
def test_the_docx_carries_the_page_numbers_of_the_pdf(school_pdf):
    """One LibreOffice pass: the numbers it computed in the PDF's 目录 are the cached numbers of the .docx."""
    in_docx = docx_entries(school_pdf.with_suffix(".docx"))
    assert len(in_docx) >= 50 and all(re.fullmatch(r"\d+", page) for _, page in in_docx), in_docx
    printed = dict((_squeeze(text)[:12], page) for text, page in toc_entries(pages(school_pdf)))
    compared = [(text, page) for text, page in in_docx if _squeeze(text)[:12] in printed]
    assert len(compared) >= 40
    assert all(printed[_squeeze(text)[:12]] == page for text, page in compared)
    with zipfile.ZipFile(school_pdf.with_suffix(".docx")) as zf:
        assert b"updateFields" not in zf.read("word/settings.xml")  # Word opens it without asking to update


@needs_soffice
def test_entries_on_the_preface_pages_show_the_number_printed_there(school_pdf):
    texts = pages(school_pdf)
    body = footer_pages(texts)
    entries = toc_entries(texts)
    text, page = next(e for e in entries if e[0].startswith("表 1 "))  # the preface's table
    first_chapter = next(p for t, p in entries if t.startswith("1. "))
    assert int(page) < int(first_chapter) and _squeeze(text) in body[page]
    assert all(re.fullmatch(r"\d+", page) for _, page in entries)  # a number, never "前言"


@needs_soffice
def test_render_without_pdf_fills_the_page_numbers_in_one_pass_and_one_per_round_of_fitted_photos(
        sample, tmp_path, monkeypatch, school_pdf):
    monkeypatch.setenv("VQR_CACHE_DIR", str(tmp_path / "cache"))  # nothing remembered: the pass runs
    calls = []
    convert = pdf_module.docx_to_pdf
    monkeypatch.setattr("vqr_author.api.docx_to_pdf", lambda *a: calls.append(1) or convert(*a))
    from vqr_author.render import photos

    fit, rounds = photos.fitted_photos, []

    def counted(*args):  # noqa: ANN002, ANN202
        found = fit(*args)
        if found:
            rounds.append(found)
        return found

    monkeypatch.setattr(photos, "fitted_photos", counted)  # api imports it when it renders
    result = render_report(sample, tmp_path / "报告.docx", page_numbers=True)
    assert result.notes == [] and result.pdf is None and not (tmp_path / "报告.pdf").exists()
    assert 1 <= len(rounds) <= api.FIT_PASSES  # the sample's first case photo is fitted (render.photos)
    assert len(calls) == 1 + len(rounds)
    assert docx_entries(tmp_path / "报告.docx") == docx_entries(school_pdf.with_suffix(".docx"))


@needs_soffice
def test_an_unchanged_report_gets_its_remembered_pages_without_a_layout_pass(sample, edit, tmp_path, monkeypatch):
    """Offices regenerate often: the same document laid out by the same LibreOffice is not laid out
    again (output.layouts); any change to the document is."""
    monkeypatch.setenv("VQR_CACHE_DIR", str(tmp_path / "cache"))
    first = render_report(sample, tmp_path / "一.docx", page_numbers=True)
    assert first.notes == []
    monkeypatch.setattr("vqr_author.api.docx_to_pdf", lambda *a: pytest.fail("no second layout pass expected"))
    second = render_report(sample, tmp_path / "二.docx", page_numbers=True)
    assert second.notes == []
    assert (tmp_path / "二.docx").read_bytes() == (tmp_path / "一.docx").read_bytes()
    assert all(page for _, page in docx_entries(tmp_path / "二.docx"))
    edit(sample, indicators={"GM01": (845, 913)})  # one number more: a draft, marking where it disagrees
    with pytest.raises(pytest.fail.Exception):  # another document: laid out again
        render_report(sample, tmp_path / "三.docx", page_numbers=True, draft=True)


def test_without_libreoffice_the_docx_is_still_written_and_the_user_told_how(sample, tmp_path, monkeypatch):
    monkeypatch.setattr("vqr_author.api.find_soffice", lambda: None)
    result = render_report(sample, tmp_path / "报告.docx", pdf=True)
    assert result.written and (tmp_path / "报告.docx").exists()
    assert result.pdf is None and not (tmp_path / "报告.pdf").exists()
    (note,) = result.notes
    assert "LibreOffice" in note and "apt-get install" in note and "页码" in note and "\n" not in note
    entries = docx_entries(tmp_path / "报告.docx")
    assert entries and all(page == "" for _, page in entries)  # leaders, no numbers: Word fills them
    with zipfile.ZipFile(tmp_path / "报告.docx") as zf:
        assert b"updateFields" in zf.read("word/settings.xml")


def test_a_failing_libreoffice_costs_the_numbers_not_the_report(sample, tmp_path, monkeypatch):
    monkeypatch.setattr("vqr_author.api.find_soffice", lambda: shutil.which("false") or "/bin/false")
    result = render_report(sample, tmp_path / "报告.docx", page_numbers=True)
    assert result.written and result.pdf is None
    (note,) = result.notes
    assert note.startswith("目录没有填入页码：LibreOffice 排版失败") and "报告已正常生成" in note


def test_without_page_numbers_there_is_no_layout_pass(sample, tmp_path, monkeypatch):
    monkeypatch.setattr("vqr_author.api.docx_to_pdf", lambda *a: pytest.fail("no LibreOffice pass expected"))
    monkeypatch.setenv("VQR_PAGE_NUMBERS", "1")
    result = render_report(sample, tmp_path / "报告.docx", page_numbers=False)
    assert result.written and result.notes == []


def test_bookmarks_are_named_as_libreoffice_exports_them():
    assert pdf_module.destination_name("_TocH12") == "5FTocH12"
    assert pdf_module.destination_name("Toc-1") == "Toc-1"


def test_a_batch_without_libreoffice_says_so_in_one_line(tmp_path):
    """Five schools and their district report, no soffice on PATH: every report written, one line why
    the 目录 have no page numbers (not one per report), exit code 0."""
    inbox = tmp_path / "收集"
    shutil.copytree(DISTRICT / "学校", inbox)
    nowhere = tmp_path / "bin"
    nowhere.mkdir()
    done = subprocess.run([sys.executable, "-m", "vqr_author.cli", "batch", str(inbox), "-o", str(tmp_path / "输出"),
                           "--jobs", "2", "--aggregate", str(DISTRICT / "海川区.xlsx")], capture_output=True, text=True,
                          env={"VQR_CACHE_DIR": os.environ["VQR_CACHE_DIR"], "COLUMNS": "80", "PATH": str(nowhere), "VQR_PAGE_NUMBERS": "1"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(list((tmp_path / "输出").glob("*.docx"))) == 6
    said = re.sub(r"\s+", "", done.stderr)
    assert said.count("目录没有填入页码：本机没有找到LibreOffice") == 1, done.stderr
    manifest = json.loads((tmp_path / "输出" / "vqr-manifest.json").read_text(encoding="utf-8"))
    assert manifest["environment"]["page_numbers"] == "no"  # installing LibreOffice later renders them again


@needs_soffice
def test_a_table_continued_on_the_next_page_has_a_continuation_caption_there(school_pdf):
    """Each table LibreOffice ran onto a new page continues there under 续表 N / 续附表 N, right under
    the running head, followed by the repeated header; the page before holds its caption."""
    import docx as python_docx

    texts = pages(school_pdf)
    continued = 0
    for number, text in enumerate(texts):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        for at, line in enumerate(lines):
            match = re.match(r"续(附表|表) (\d+) (.+)$", line)
            if not match:
                continue
            continued += 1
            assert at == 1, lines[:3]  # first thing on the page after the running head
            assert lines[at + 1].startswith(("指标", "项目", "类别", "专业")), lines[at + 1]
            earlier = _squeeze("".join(texts[:number]))
            assert _squeeze(f"{match.group(1)} {match.group(2)} {match.group(3)}") in earlier
    assert continued >= 3
    # the .docx keeps its tables whole: Word and WPS lay it out with their own fonts, where a 续表 split
    # at this layout's breaks would land mid-page; its caption and header rows repeat on each page
    document = python_docx.Document(str(school_pdf.with_suffix(".docx")))
    in_docx = ["".join(p.itertext()) for p in document.element.body.iter(W + "p")
               if p.xpath('./w:pPr/w:pStyle/@w:val') == ["TableCaption"]]
    assert in_docx and not [text for text in in_docx if text.startswith("续")]
