from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from vqr_author.edition import Edition, load_edition

# Reports made by the tests skip LibreOffice's layout pass (several seconds each) unless a test asks
# for page numbers or a PDF; the variable reaches the CLI and batch processes the tests start too.
os.environ["VQR_PAGE_NUMBERS"] = "0"
# Remembered layouts (output.layouts) of this session only: a test never finds pages from another run.
os.environ["VQR_CACHE_DIR"] = tempfile.mkdtemp(prefix="vqr-test-cache-")

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "sample_inputs" / "school"
SAMPLE = SAMPLE_DIR / "海川职业学校.xlsx"


@pytest.fixture(scope="session")
def edition() -> Edition:
    return load_edition()


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A private copy of the sample workbook and its photos."""
    target = tmp_path / "school"
    shutil.copytree(SAMPLE_DIR, target)
    return target / SAMPLE.name


def sample_builder(name: str):  # noqa: ANN201 — a module
    """sample_inputs/<name>.py, the script that writes committed sample workbooks, loaded as a module
    (registered under its name: its dataclasses look their module up)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "sample_inputs" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def workbook_values(path: Path) -> dict[str, list[list]]:
    """Every cell value of every sheet: what a rebuilt sample must equal (the files' times differ)."""
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}


def indicator_row(ws, code: str) -> int:
    for row in ws.iter_rows(min_row=2, max_col=1):
        if row[0].value == code:
            return row[0].row
    raise KeyError(code)


@pytest.fixture(scope="session")
def school_pdf(tmp_path_factory) -> Path:
    """The sample school's report rendered with --pdf (one LibreOffice pass), shared by the PDF and
    schema tests. Its .docx, with the page numbers of that layout, is beside it."""
    from vqr_author import render_report

    folder = tmp_path_factory.mktemp("pdf")
    shutil.copytree(SAMPLE_DIR, folder / "school")
    result = render_report(folder / "school" / SAMPLE.name, folder / "报告.docx", pdf=True)
    assert result.pdf is not None, result.notes
    return result.pdf


Editor = Callable[..., Path]


@pytest.fixture
def edit(tmp_path: Path) -> Editor:
    """edit(path, indicators={code: (last, this)}, cells={("sheet", "A1"): value}, fn=callable) → path."""

    def apply(path: Path, indicators: dict | None = None, cells: dict | None = None, fn=None) -> Path:
        wb = openpyxl.load_workbook(path)
        ws = wb["指标"]
        for code, (last, this) in (indicators or {}).items():
            row = indicator_row(ws, code)
            ws.cell(row=row, column=5).value = last
            ws.cell(row=row, column=6).value = this
        for (sheet, ref), value in (cells or {}).items():
            wb[sheet][ref] = value
        if fn is not None:
            fn(wb)
        wb.save(path)
        return path

    return apply


def _caption_text(tbl) -> str | None:
    """The text of a table's caption row (its first row, in style TableCaption), if it has one."""
    rows = tbl.xpath("./w:tr")
    if rows and rows[0].xpath(".//w:pStyle/@w:val") == ["TableCaption"]:
        return "".join(t.text or "" for t in rows[0].iter() if t.tag.endswith("}t"))
    return None


def table_after(document, caption: str):
    """The table captioned ``表 N …caption`` (the caption is its first row) as a reader takes it: its
    header and body rows without the caption row, the body rows of its 续表 parts appended."""
    import copy

    import docx

    tables = list(document.element.body.iterchildren("{*}tbl"))
    for i, tbl in enumerate(tables):
        text = _caption_text(tbl)
        if text is not None and not text.startswith("续") and text.endswith(caption):
            whole = copy.deepcopy(tbl)
            whole.remove(whole.xpath("./w:tr")[0])
            for part in tables[i + 1:]:
                if not (_caption_text(part) or "").startswith("续"):
                    break
                whole.extend(copy.deepcopy(tr) for tr in part.xpath("./w:tr[not(w:trPr/w:tblHeader)]"))
            return docx.table.Table(whole, document)
    raise AssertionError(f"no table captioned {caption}")


def rows_by_label(table, label_col: int = 0) -> dict[str, list[str]]:
    """Body rows of a one-header-row table, keyed by the text of ``label_col`` (first occurrence); a
    cell's text as one line (a narrow column's text is set in lines: render.tables.cell_lines)."""
    rows: dict[str, list[str]] = {}
    for row in table.rows[1:]:
        cells = [c.text.replace("\n", "") for c in row.cells]
        rows.setdefault(cells[label_col], cells)
    return rows


def unwrapped(text: str) -> str:
    """Output as one line: messages are wrapped to the 80-column terminal (a space where words were parted)."""
    return re.sub(r"(?<=[!-~])\n(?=[!-~])", " ", text).replace("\n", "")


def seq_results(document) -> dict[str, list[str]]:
    """The written result of each SEQ field of the body (表 3, 图 2 in continuous numbering), by
    sequence, in document order: Word's F9 recounts each sequence 1, 2, 3 …, so these must already be."""
    results: dict[str, list[str]] = {}
    sequence, state = None, None
    for element in document.element.body.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "instrText" and (found := re.match(r"\s*SEQ (\S+)", element.text or "")):
            sequence, state = found.group(1), "instruction"
        elif tag == "fldChar" and sequence is not None:
            kind = element.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}fldCharType")
            if kind == "separate":
                state = "result"
                results.setdefault(sequence, []).append("")
            elif kind == "end":
                sequence, state = None, None
        elif tag == "t" and state == "result":
            results[sequence][-1] += element.text or ""
    return results


def styled_paragraphs(document, *style_ids: str) -> list:
    """Paragraphs of these styles in document order, those inside tables included (a table's
    caption is its first row)."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    found = (Paragraph(p, document) for p in document.element.body.iter(qn("w:p")))
    return [p for p in found if p.style is not None and p.style.style_id in style_ids]
